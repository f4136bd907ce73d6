"""The Slack settings (PAPERBOY_SLACK__*) and the checks that need more than one of them."""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel, Field, SecretStr, field_validator

from bot.settings_errors import HIDDEN, listed
from bot.settings_types import WebUrl

_SLACK_PREFIX = re.compile(r"xox[a-z]-|xapp-")


class SlackSettings(BaseModel):
    """The Slack app (slack-bolt). No bot token: Slack stays off."""

    bot_token: SecretStr | None = Field(None, description="Bot token (xoxb-...) from the app's OAuth page.")
    signing_secret: SecretStr | None = Field(
        None, description="Signing secret; HTTP mode verifies every request with it (401 otherwise)."
    )
    app_token: SecretStr | None = Field(
        None, description="App-level token (xapp-...); when set, Slack connects by Socket Mode."
    )
    api_url: WebUrl = Field(
        "https://slack.com/api/", description="Web API base URL (a test fake); ends with a slash."
    )
    command: str = Field("/papers", description="The slash command with subcommands (top, search, ...).")
    top_command: str = Field("/top", description="A slash command that runs `top` alone; `none`: none.")
    search_command: str = Field(
        "/search", description="A slash command that runs `search` alone; `none`: none."
    )

    @field_validator("top_command", "search_command")
    @classmethod
    def _none_turns_off(cls, value: str) -> str:
        """An empty variable means the default (as for every setting), so `none` is the way to say none."""
        return "" if value.strip().lower() == "none" else value

    def configured(self) -> bool:
        """A bot token turns Slack on."""
        return self.bot_token is not None

    def problems(self, variable: Callable[[str], str]) -> list[str]:
        return _problems(self, variable)


def _problems(slack: SlackSettings, variable: Callable[[str], str]) -> list[str]:
    """A Slack app configured by halves, and tokens of the wrong kind (by their public prefix)."""
    bot, signing, app = (variable(name) for name in ("bot_token", "signing_secret", "app_token"))
    problems = []
    if slack.bot_token is None:
        others = [
            name
            for name, value in ((signing, slack.signing_secret), (app, slack.app_token))
            if value is not None
        ]
        if others:
            problems.append(f"{listed(others)} set but {bot} is not: Slack needs the bot token (xoxb-…) too")
    elif slack.signing_secret is None and slack.app_token is None:
        problems.append(
            f"{bot} is set but neither {signing} (HTTP mode) nor {app} (Socket Mode) is: set one of them"
        )
    for name, value, kind, prefix in (
        (bot, slack.bot_token, "a bot token", "xoxb-"),
        (app, slack.app_token, "an app-level token", "xapp-"),
    ):
        if value is not None and not value.get_secret_value().startswith(prefix):
            shown = _SLACK_PREFIX.match(value.get_secret_value())  # public: says which token it is
            problems.append(
                f"{name}={HIDDEN}: expected {kind}, which starts with {prefix}"
                + (f" (this one starts with {shown.group()})" if shown else "")
            )
    return problems
