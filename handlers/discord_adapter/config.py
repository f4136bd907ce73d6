"""The Discord settings (PAPERBOY_DISCORD__*) and the checks that need more than one of them."""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel, Field, SecretStr

from bot.settings_errors import HIDDEN, listed
from bot.settings_types import WebUrl

_PUBLIC_KEY = re.compile(r"[0-9a-fA-F]{64}")
_SNOWFLAKE = re.compile(r"[0-9]{17,20}")


class DiscordSettings(BaseModel):
    """The Discord application (hikari's REST client, HTTP interactions). No token: Discord stays off."""

    token: SecretStr | None = Field(None, description="Bot token from the Developer Portal's Bot page.")
    application_id: str | None = Field(
        None, description="Application ID (General Information); commands are registered under it."
    )
    public_key: str | None = Field(
        None, description="Public key (General Information, 64 hex characters); checks every interaction."
    )
    api_url: WebUrl = Field("https://discord.com/api/v10", description="REST API base URL (a test fake).")
    commands_guild_id: str | None = Field(
        None,
        description="Register the commands in this server only: they update at once (global ones take "
        "up to an hour). Unset: global.",
    )
    rate_per_second: int = Field(
        40, ge=1, le=50, description="Pushed messages per second (Discord allows 50 requests/s per bot)."
    )

    def configured(self) -> bool:
        """A token turns Discord on."""
        return self.token is not None

    def problems(self, variable: Callable[[str], str]) -> list[str]:
        return _problems(self, variable)


def _problems(discord: DiscordSettings, variable: Callable[[str], str]) -> list[str]:
    """An application configured by halves, and ids or keys that cannot be Discord's (by their shape)."""
    token, app, key = (variable(name) for name in ("token", "application_id", "public_key"))
    found = []
    if discord.token is None:
        others = [
            name
            for name, value in ((app, discord.application_id), (key, discord.public_key))
            if value is not None
        ]
        if others:
            found.append(f"{listed(others)} set but {token} is not: Discord needs the bot token too")
    else:
        missing = [
            name
            for name, value in ((app, discord.application_id), (key, discord.public_key))
            if value is None
        ]
        if missing:
            found.append(
                f"{token} is set but {listed(missing)} not: interactions cannot be checked or "
                "commands registered without them (Developer Portal, General Information)"
            )
        elif " " in discord.token.get_secret_value().strip():
            found.append(f"{token}={HIDDEN}: the token alone, without a `Bot ` prefix")
    if discord.public_key is not None and not _PUBLIC_KEY.fullmatch(discord.public_key):
        found.append(f"{key}={discord.public_key[:80]!r}: expected 64 hexadecimal characters")
    for name, value in (
        (app, discord.application_id),
        (variable("commands_guild_id"), discord.commands_guild_id),
    ):
        if value is not None and not _SNOWFLAKE.fullmatch(value):
            found.append(f"{name}={value[:40]!r}: expected a Discord id (17 to 20 digits)")
    return found
