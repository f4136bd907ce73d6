"""A running Discord side for end-to-end tests: the interactions route on the bot's own HTTP server,
hikari's REST client talking to the loopback FakeDiscord, the sample day in a real SQLite file.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hikari.api import RESTClient
from pydantic import SecretStr

from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.service import PaperService
from handlers.discord_adapter.app import INTERACTIONS_PATH, interactions_route
from handlers.discord_adapter.client import open_rest
from handlers.discord_adapter.config import DiscordSettings
from handlers.http_server import HttpServer
from storage.sqlite import SqliteStore
from tests.fakes.discord_api import (
    APPLICATION_ID,
    DEFAULT_TOKEN,
    DEFAULT_USER_ID,
    GUILD_ID,
    MANAGE_CHANNELS,
    FakeDiscord,
    InteractionExchange,
    RateLimits,
    SentMessage,
)

CHANNEL = "1300000000000000001"
THREAD = "1300000000000000003"
DM_CHANNEL = "1300000000000000004"
MODERATOR_ROLE = "1400000000000000001"
MODERATOR = "1200000000000000009"  # holds Manage Channels; DEFAULT_USER_ID does not


@dataclass
class DiscordRig:
    fake: FakeDiscord
    service: PaperService
    store: SqliteStore
    rest: RESTClient
    settings: DiscordSettings
    url: str

    async def run(
        self, name: str, options: dict[str, Any] | None = None, *, subcommand: str | None = None,
        channel_id: str = CHANNEL, user_id: str = DEFAULT_USER_ID, locale: str = "en-US",
    ) -> InteractionExchange:  # fmt: skip
        """A slash command, answered validly within 3 s (the fake checks both)."""
        payload = self.fake.command(
            name, options, subcommand=subcommand, channel_id=channel_id, user_id=user_id, locale=locale
        )
        return await self.fake.interact(self.url, payload)

    async def press(
        self, message: SentMessage, custom_id: str, *, values: list[str] | None = None,
        user_id: str = DEFAULT_USER_ID,
    ) -> InteractionExchange:  # fmt: skip
        payload = self.fake.component(message, custom_id, values=values, user_id=user_id)
        return await self.fake.interact(self.url, payload)

    def last(self) -> SentMessage:
        return self.fake.sent[-1]


def world(fake: FakeDiscord) -> None:
    fake.add_channel(CHANNEL, "papers")
    fake.add_channel(THREAD, "daily", type=11, parent_id=CHANNEL)
    fake.add_dm(DM_CHANNEL)
    fake.add_role(MODERATOR_ROLE, MANAGE_CHANNELS)
    fake.add_member(MODERATOR, [MODERATOR_ROLE])
    fake.add_member(DEFAULT_USER_ID)


def discord_settings(fake: FakeDiscord, **extra: Any) -> DiscordSettings:
    return DiscordSettings(
        token=SecretStr(DEFAULT_TOKEN),
        application_id=APPLICATION_ID,
        public_key=fake.public_key,
        api_url=fake.api_url,
        **extra,
    )


@contextlib.asynccontextmanager
async def running_discord(
    tmp_path: Path, *, rate_limits: RateLimits | bool = True, guild: bool = False
) -> AsyncIterator[DiscordRig]:
    async with FakeDiscord(rate_limits=rate_limits) as fake, contextlib.AsyncExitStack() as stack:
        world(fake)
        store = await SqliteStore.open(tmp_path / "discord.db")
        stack.push_async_callback(store.close)
        service = PaperService(store, DigestSources(HFSettings()))
        await service.seed_sample()
        settings = discord_settings(fake, commands_guild_id=GUILD_ID if guild else None)
        rest = await open_rest(settings, stack, connections=8)
        server = HttpServer("127.0.0.1", 0, [interactions_route(settings, service, rest)])
        await server.start()
        stack.push_async_callback(server.stop)
        url = f"http://127.0.0.1:{server.port}{INTERACTIONS_PATH}"
        yield DiscordRig(fake, service, store, rest, settings, url)
