"""The Discord settings' cross-checks: one line each, naming the variables, never a secret."""

from __future__ import annotations

from pydantic import SecretStr

from handlers.discord_adapter.config import DiscordSettings
from tests.fakes.discord_api import APPLICATION_ID, PUBLIC_KEY


def _variable(name: str) -> str:
    return f"PAPERBOY_DISCORD__{name.upper()}"


def _problems(**fields: object) -> list[str]:
    return DiscordSettings.model_validate(fields).problems(_variable)


def test_a_complete_application_has_no_problems() -> None:
    assert (
        _problems(token=SecretStr("secret.token"), application_id=APPLICATION_ID, public_key=PUBLIC_KEY) == []
    )
    assert _problems() == []  # Discord off


def test_halves_of_an_application_are_named() -> None:
    [line] = _problems(token=SecretStr("secret.token"))
    assert "PAPERBOY_DISCORD__APPLICATION_ID and PAPERBOY_DISCORD__PUBLIC_KEY are not" in line
    [line] = _problems(public_key=PUBLIC_KEY)
    assert line.startswith("PAPERBOY_DISCORD__PUBLIC_KEY is set but PAPERBOY_DISCORD__TOKEN is not")


def test_malformed_ids_and_keys_are_refused_without_showing_the_token() -> None:
    found = _problems(
        token=SecretStr("Bot secret.token"),
        application_id="my-app",
        public_key="zz" * 32,
        commands_guild_id="12",
    )
    text = "\n".join(found)
    assert len(found) == 4
    assert "secret.token" not in text
    assert "without a `Bot ` prefix" in text
    assert "PAPERBOY_DISCORD__PUBLIC_KEY='zzzz" in text
    assert "64 hexadecimal characters" in text
    assert "PAPERBOY_DISCORD__APPLICATION_ID='my-app': expected a Discord id" in text
    assert "PAPERBOY_DISCORD__COMMANDS_GUILD_ID='12'" in text
