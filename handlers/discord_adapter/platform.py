"""Discord as a Platform (bot.platform): hikari's REST client, the interactions route, the push."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import partial
from typing import Any

from hikari.api import RESTClient

from bot.platform import Platform, RenderRequest, Served, Serving
from handlers.discord_adapter.app import interactions_route, run_discord
from handlers.discord_adapter.client import open_rest
from handlers.discord_adapter.config import DiscordSettings
from handlers.discord_adapter.notifier import DiscordNotifier
from handlers.discord_adapter.places import PLATFORM as NAME
from handlers.discord_adapter.render import push_messages


@dataclass(frozen=True)
class DiscordConnection:
    """The REST client, open: answers, follow-ups and pushes share it (and its buckets)."""

    settings: DiscordSettings
    rest: RESTClient
    notifier: DiscordNotifier

    def serve(self, serving: Serving) -> Served:
        route = interactions_route(self.settings, serving.service, self.rest)
        serving.health.expect(NAME)
        return Served(partial(run_discord, self.rest, self.settings, serving.stop, serving.health), [route])


class Discord:
    """bot.platform.Platform for Discord (hikari's REST client, HTTP interactions; no gateway)."""

    name = NAME
    loggers = ("hikari",)

    async def open(
        self, settings: DiscordSettings, stack: contextlib.AsyncExitStack, *, connections: int
    ) -> DiscordConnection:
        rest = await open_rest(settings, stack, connections=connections)
        return DiscordConnection(settings, rest, DiscordNotifier(rest, settings.rate_per_second))

    def render(self, request: RenderRequest) -> list[dict[str, Any]]:
        messages = push_messages(
            request.day, request.papers, request.format, request.language, request.summary_language
        )
        return [
            {"method": "POST", "path": f"/channels/{request.chat_id}/messages", "json": m.payload()}
            for m in messages
        ]


PLATFORM: Platform[DiscordSettings] = Discord()
