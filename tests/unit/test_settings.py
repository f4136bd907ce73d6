"""Settings: env prefix, nested groups, and documentation that lists every variable."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from bot.platforms import Settings
from tests.conftest import REPO


def _variables(model: type[BaseModel], prefix: str = "PAPERBOY_") -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _variables(annotation, f"{prefix}{name.upper()}__")
        else:
            names.add(f"{prefix}{name.upper()}")
    return names


def test_env_and_nested_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOY_DB_PATH", "/tmp/x.db")
    monkeypatch.setenv("PAPERBOY_HF__TIMEOUT", "3.5")
    settings = Settings(_env_file=None)
    assert settings.db_path == Path("/tmp/x.db")
    assert settings.hf.timeout == 3.5
    assert settings.hf.max_retries == 4


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("PAPERBOY_LOG_LEVEL=DEBUG\nPAPERBOY_HF__MAX_RETRIES=0\n", encoding="utf-8")
    settings = Settings(_env_file=env)
    assert (settings.log_level, settings.hf.max_retries) == ("DEBUG", 0)


def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOY_HF__MAX_RETRIES", "99")
    with pytest.raises(ValidationError, match="max_retries"):
        Settings(_env_file=None)


def test_env_example_and_readme_list_every_setting() -> None:
    expected = _variables(Settings)
    example = set(re.findall(r"^(PAPERBOY_\w+)=", (REPO / ".env.example").read_text(), re.MULTILINE))
    assert example == expected
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert {name for name in expected if f"`{name}`" in readme} == expected


def _clear_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.upper().startswith("PAPERBOY_")]:
        monkeypatch.delenv(name)


@pytest.mark.parametrize("source", ["environment", ".env"])
def test_an_empty_variable_means_unset_for_every_setting(
    source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`PAPERBOY_TELEGRAM__TOKEN=` as .env.example ships it: no token, not an empty one; and every other
    variable left empty, nested ones too, is its default (what an unset variable gives)."""
    _clear_environment(monkeypatch)
    defaults = Settings(_env_file=None)
    env = tmp_path / ".env"
    if source == ".env":
        env.write_text("".join(f"{name}=\n" for name in sorted(_variables(Settings))), encoding="utf-8")
    else:
        for name in _variables(Settings):
            monkeypatch.setenv(name, "")
    settings = Settings(_env_file=env if source == ".env" else None)
    assert settings.model_dump() == defaults.model_dump()
    assert settings.telegram.token is None
    assert (settings.slack.bot_token, settings.slack.app_token, settings.slack.signing_secret) == (None,) * 3


def test_an_empty_environment_variable_leaves_the_dotenv_value(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _clear_environment(monkeypatch)
    env = tmp_path / ".env"
    env.write_text("PAPERBOY_SERVER__PORT=9000\n", encoding="utf-8")
    monkeypatch.setenv("PAPERBOY_SERVER__PORT", "")
    assert Settings(_env_file=env).server.port == 9000


def test_env_example_as_shipped_configures_no_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_environment(monkeypatch)
    settings = Settings(_env_file=REPO / ".env.example")
    assert settings.telegram.token is None
    assert settings.telegram.webhook_url is None
    assert settings.slack.bot_token is None
    assert settings.database_url is None


@pytest.mark.parametrize("value", ["none", "NONE", " None "])
def test_none_turns_a_stand_alone_slack_command_off(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_environment(monkeypatch)
    monkeypatch.setenv("PAPERBOY_SLACK__TOP_COMMAND", value)
    monkeypatch.setenv("PAPERBOY_SLACK__SEARCH_COMMAND", "")
    settings = Settings(_env_file=None)
    assert (settings.slack.top_command, settings.slack.search_command) == ("", "/search")
