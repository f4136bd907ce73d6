"""The registry: the one place in bot/ that names the chat platforms.

Each entry is the platform's settings group (PAPERBOY_<NAME>__*, a field of `Settings`) and the module
whose `PLATFORM` implements bot.platform.Platform. Everything else loops over `PLATFORMS`: the
composition root opens and serves them, `paperboy render` offers them, the settings loader runs their
checks, /healthz and /metrics name them. Adding a platform is its folder under handlers/ plus one
entry here (a line in `PLATFORMS` and its settings field).

The platform modules are imported when first asked for, not with this module: the settings and the
one-shot commands (`paperboy top`) need no SDK, and the adapters import the service, which imports
this registry's users.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

from pydantic import Field

from bot import settings_errors
from bot.config import CoreSettings
from bot.models import PushFormat
from bot.platform import NoSettings, Platform, PlatformSettings
from handlers.discord_adapter.config import DiscordSettings
from handlers.slack_adapter.config import SlackSettings
from handlers.telegram_adapter.config import TelegramSettings


@dataclass(frozen=True)
class Entry:
    """A registered platform: its name, where its `PLATFORM` lives, the push formats it can carry."""

    name: str
    module: str
    push_formats: tuple[PushFormat, ...] = ("compact", "cards")
    chat: bool = True  # False: the terminal, which speaks to whoever started the process


PLATFORMS: tuple[Entry, ...] = (
    Entry("telegram", "handlers.telegram_adapter.platform"),
    Entry("slack", "handlers.slack_adapter.platform", ("compact", "cards", "thread")),
    Entry("discord", "handlers.discord_adapter.platform"),
    Entry("console", "handlers.console_adapter.platform", chat=False),
)


class Settings(CoreSettings):
    """The core's settings and every platform's group."""

    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)


NAMES: tuple[str, ...] = tuple(entry.name for entry in PLATFORMS)
_BY_NAME = {entry.name: entry for entry in PLATFORMS}


def platform(name: str) -> Platform[Any]:
    """The `PLATFORM` of a registered platform (KeyError for any other name)."""
    module = importlib.import_module(_BY_NAME[name].module)
    return cast(Platform[Any], module.PLATFORM)


def settings_of(settings: Settings, name: str) -> PlatformSettings:
    """A platform's settings group (an empty one for a platform that has none: the terminal)."""
    group: PlatformSettings = getattr(settings, name, NoSettings())
    return group


def configured(settings: Settings) -> Iterator[tuple[Platform[Any], PlatformSettings]]:
    """Each platform these settings turn on, with its settings group, in registry order (only
    these platforms' modules, and their SDKs, are imported)."""
    for entry in PLATFORMS:
        group = settings_of(settings, entry.name)
        if group.configured():
            yield platform(entry.name), group


def load_settings(db: Path | None = None) -> Settings:
    """The settings from the environment and `.env`, checked field by field and, by each platform,
    across its own fields; SettingsError with one line per problem."""
    return settings_errors.load_settings(Settings, db, _platform_problems)


def _platform_problems(settings: Settings) -> list[str]:
    return [
        line
        for entry in PLATFORMS
        for line in settings_of(settings, entry.name).problems(partial(_variable, entry.name))
    ]


def _variable(platform_name: str, field_name: str) -> str:
    """PAPERBOY_<PLATFORM>__<FIELD>, as the settings name it."""
    return settings_errors.variable(platform_name, field_name, model=Settings)


def push_formats(name: str) -> tuple[PushFormat, ...]:
    """The push formats a platform can carry, in the order settings offer them (compact and cards
    for a name not registered here)."""
    entry = _BY_NAME.get(name)
    return entry.push_formats if entry is not None else ("compact", "cards")


def chat_platforms() -> tuple[str, ...]:
    """The platforms people talk to the bot on (not the terminal)."""
    return tuple(entry.name for entry in PLATFORMS if entry.chat)
