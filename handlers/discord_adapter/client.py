"""hikari's REST client, opened for Discord, and our messages handed to it as they were rendered.

Messages are rendered as Discord's JSON (so `paperboy render discord` prints the exact calls); hikari
takes embeds as `hikari.Embed` and components as builders, so each embed goes through hikari's own
deserialiser and each action row through `RawRow`, a builder that sends the row as rendered.
"""

from __future__ import annotations

import contextlib
from collections.abc import MutableMapping, Sequence
from typing import Any

import hikari
from hikari.api import ComponentBuilder, RESTClient
from hikari.files import AsyncReader, Resource

from handlers.discord_adapter.config import DiscordSettings
from handlers.discord_adapter.markup import Component
from handlers.discord_adapter.render import DiscordMessage

# hikari waits out a 429 or an empty bucket up to this long by itself; a longer wait comes back as
# RateLimitTooLongError, so the outbox retries the message later instead of holding a worker.
MAX_WAIT_SECONDS = 2.0
TIMEOUT_SECONDS = 30.0


class RawRow(ComponentBuilder):
    """An action row as rendered (markup.rows), for hikari's `components=`."""

    __slots__ = ("_row",)

    def __init__(self, row: Component) -> None:
        self._row = row

    @property
    def type(self) -> int:
        return int(self._row["type"])

    @property
    def id(self) -> hikari.UndefinedType:
        return hikari.UNDEFINED

    def build(self) -> tuple[MutableMapping[str, Any], Sequence[Resource[AsyncReader]]]:
        return dict(self._row), ()


def message_arguments(rest: RESTClient, message: DiscordMessage) -> dict[str, Any]:
    """`content`, `embeds` and `components` as hikari's create/edit calls take them."""
    return {
        "content": message.content or None,
        "embeds": [rest.entity_factory.deserialize_embed(embed) for embed in message.embeds],
        "components": [RawRow(row) for row in message.components],
    }


async def open_rest(
    settings: DiscordSettings, stack: contextlib.AsyncExitStack, *, connections: int
) -> RESTClient:
    """One REST client on one pooled session for answers, follow-ups and pushes, until `stack` closes."""
    if settings.token is None:
        raise ValueError("Discord needs PAPERBOY_DISCORD__TOKEN")
    http = hikari.impl.HTTPSettings(
        connection_limit=connections, timeouts=hikari.impl.HTTPTimeoutSettings(total=TIMEOUT_SECONDS)
    )
    app = hikari.RESTApp(
        url=settings.api_url, http_settings=http, max_rate_limit=MAX_WAIT_SECONDS, max_retries=1
    )
    await app.start()
    stack.push_async_callback(app.close)
    client = app.acquire(settings.token.get_secret_value(), hikari.TokenType.BOT)
    client.start()
    stack.push_async_callback(client.close)
    return client


def error_code(err: hikari.HTTPResponseError) -> int:
    """Discord's JSON error code (50001, 10003 ...), 0 when the answer had none."""
    return int(err.code or 0)
