"""The Discord sender of the daily push: one POST /channels/{id}/messages per message, failures
classified for the delivery core.

hikari waits out short 429s and empty buckets itself (client.MAX_WAIT_SECONDS); a longer wait
comes back as RateLimited, the whole bot's when Discord said `global` or when Cloudflare's ban
answered. A channel the bot cannot see or write to pauses its subscription with a reason people
can act on: every further try would be one more invalid request toward Discord's IP ban.
"""

from __future__ import annotations

import asyncio

import aiohttp
import hikari
from hikari.api import RESTClient

from bot.errors import DestinationGone, MessageRejected, RateLimited, TransientFailure
from bot.models import Destination, OutboxItem, Paper, Subscription
from bot.ports import Outgoing
from bot.push_render import PushRenderer
from bot.ratelimit import RateKey
from handlers.discord_adapter.client import error_code, message_arguments
from handlers.discord_adapter.places import PLATFORM
from handlers.discord_adapter.render import DiscordMessage, notice, push_messages

# The channel is out of reach until someone acts (FACTS.md §4d); the reason is shown in settings.
GONE = {
    10003: "10003 Unknown Channel: the channel was deleted",
    50001: "50001 Missing Access: the bot cannot see the channel (give it View Channel)",
    50013: "50013 Missing Permissions: give the bot Send Messages and Embed Links in the channel",
    50007: "50007 Cannot send messages to this user: they closed their DMs or left every shared server",
}
REJECTED = frozenset({50035, 50006, 50109})  # Invalid Form Body, empty message, bad JSON: a rendering bug
UNAUTHORIZED_PAUSE_SECONDS = 300.0  # a refused token stops every send for a while, not per channel
BANNED_PAUSE_SECONDS = 60.0
# hikari gives a route's first requests, before any answer has told it the route's bucket, one shared
# bucket of limit 1; with many queued on it, hikari 2.7.0's RESTBucket.acquire can leave one waiting
# for a release that never comes (it does not check again once it holds the bucket's lock: seen in
# bench/push.py's uncapped run, 1 or 2 pushes of 500 hung for good). So the first message goes
# alone, and the others after its answer, when each new channel gets a bucket of its own. A send
# still bounded in time: hikari times out a request after 30 s and waits at most 2 s for a bucket.
SEND_TIMEOUT_SECONDS = 45.0


def channel_key(channel_id: str) -> RateKey:
    """Discord's observed bucket for messages: 5 per 5 s per channel."""
    return RateKey(f"discord:{channel_id}", 5, 5.0)


def overall_key(rate_per_second: int) -> RateKey:
    """The bot-wide cap (Discord's global 50 requests/s, less room for answers), evenly spaced."""
    return RateKey("discord", rate_per_second, 1.0, smooth=True, overall=True)


class DiscordNotifier:
    """bot.ports.Notifier for Discord channels, threads and DMs."""

    platform = PLATFORM

    def __init__(self, rest: RESTClient, rate_per_second: int) -> None:
        self._rest = rest
        self._overall = overall_key(rate_per_second)
        self._renderer = PushRenderer(push_messages, notice, DiscordMessage.shows)
        self._bucket_known = False  # an answer to POST /channels/{id}/messages came back (see above)
        self._first = asyncio.Lock()

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        return self._renderer.render(item, papers)

    def rate_keys(self, subscription: Subscription) -> list[RateKey]:
        return [self._overall, channel_key(subscription.destination.chat_id)]

    async def send(self, destination: Destination, message: Outgoing) -> str:
        if self._bucket_known:
            return await self._send(destination, message)
        async with self._first:  # the first message alone, until hikari knows the route's bucket
            return await self._send(destination, message)

    async def _send(self, destination: Destination, message: Outgoing) -> str:
        payload: DiscordMessage = message.payload
        try:
            async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                sent = await self._rest.create_message(
                    int(destination.chat_id), **message_arguments(self._rest, payload)
                )
            self._bucket_known = True
        except hikari.RateLimitTooLongError as err:
            raise RateLimited(
                f"429 for {err.retry_after:.1f} s", err.retry_after, everything=err.is_global
            ) from err
        except hikari.HTTPResponseError as err:
            self._bucket_known = True  # Discord's refusals carry the bucket headers too
            raise classified(err) from err
        except (hikari.HTTPError, aiohttp.ClientError, TimeoutError) as err:  # the connection failed
            cause = err.__cause__ or err
            raise TransientFailure(f"{type(cause).__name__}: {cause or 'no answer in time'}") from err
        return str(sent.id)


def classified(err: hikari.HTTPResponseError) -> Exception:
    """What a refusal means for the outbox, by Discord's JSON code, then by HTTP status."""
    code = error_code(err)
    status = int(err.status)
    if code in GONE:
        return DestinationGone(GONE[code])
    if status == 429:  # without retry_after: Cloudflare's ban on too many invalid requests
        retry_after = float(err.headers.get("Retry-After", BANNED_PAUSE_SECONDS))
        return RateLimited(
            "429 without retry_after: banned for invalid requests", retry_after, everything=True
        )
    if status == 401:
        return RateLimited("401 Unauthorized: check PAPERBOY_DISCORD__TOKEN", UNAUTHORIZED_PAUSE_SECONDS,
                           everything=True)  # fmt: skip
    if code in REJECTED or status == 400:
        return MessageRejected(f"{code} {err.message}: {str(err.raw_body)[:300]}")
    if status in (403, 404):
        return DestinationGone(f"{code or status} {err.message}")
    return TransientFailure(f"HTTP {status} {code or ''} {err.message}".strip())
