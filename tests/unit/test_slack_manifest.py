"""slack-manifest.yml stays in step with what the bot listens for (one paste installs a working app)."""

from __future__ import annotations

import re

from handlers.slack_adapter.config import SlackSettings
from tests.conftest import REPO


def test_manifest_declares_the_default_commands_events_and_scopes() -> None:
    manifest = (REPO / "slack-manifest.yml").read_text(encoding="utf-8")
    commands = set(re.findall(r"^\s+- command: (\S+)$", manifest, re.MULTILINE))
    defaults = SlackSettings()
    assert commands == {defaults.command, defaults.top_command, defaults.search_command}
    assert re.search(r"^\s+- app_home_opened$", manifest, re.MULTILINE)
    for scope in ("commands", "chat:write", "channels:read", "groups:read", "users:read"):
        assert re.search(rf"^\s+- {re.escape(scope)}$", manifest, re.MULTILINE), scope
    assert "socket_mode_enabled: true" in manifest
    assert "/slack/events" in manifest
