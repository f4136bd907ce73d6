"""The Slack sender of the daily push: chat.postMessage per message, failures classified.

The delivery core decides what a failure means; this module says which kind it is: 429 waits
for Retry-After (that channel only), a channel the bot cannot reach pauses the subscription with a
reason people can act on, a refused message is skipped, and 5xx or a broken connection retries.
"""

from __future__ import annotations

import json

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import DestinationGone, MessageRejected, RateLimited, ThreadGone, TransientFailure
from bot.models import Destination, OutboxItem, Paper, Subscription
from bot.ports import Outgoing
from bot.push_render import PushRenderer
from bot.ratelimit import RateKey
from handlers.slack_adapter.markup import SlackMessage
from handlers.slack_adapter.places import error_code
from handlers.slack_adapter.render import notice, push_messages

# The channel is out of reach until someone acts (FACTS.md §4); the reason is shown in settings.
GONE = {
    "channel_not_found": "channel_not_found: the channel was deleted or the bot cannot see it",
    "not_in_channel": "not_in_channel: invite the bot (/invite @Paperboy), then subscribe again",
    "is_archived": "is_archived: the channel was archived",
    "account_inactive": "account_inactive: the app's bot user was deactivated",
    "token_revoked": "token_revoked: the app was uninstalled or its token revoked",
    "invalid_auth": "invalid_auth: the bot token is not valid",
    "restricted_action": "restricted_action: the workspace does not let the bot post there",
}
# A reply's thread_ts names no message of the channel (the header was deleted meanwhile).
THREAD_GONE = frozenset({"thread_not_found", "invalid_thread_ts"})
REJECTED = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "msg_blocks_too_long",
        "no_text",
        "invalid_arguments",
    }
)


def _shows(message: SlackMessage, paper: Paper) -> bool:
    return paper.arxiv_url in json.dumps(message.blocks, ensure_ascii=False)


class SlackNotifier:
    """bot.ports.Notifier for Slack channels and direct messages."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._renderer = PushRenderer(push_messages, notice, _shows, threads=True)

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        return self._renderer.render(item, papers)

    def rate_keys(self, subscription: Subscription) -> list[RateKey]:
        """About one message a second per channel."""
        return [RateKey(f"slack:{subscription.destination.chat_id}", 1, 1.0)]

    async def send(self, destination: Destination, message: Outgoing) -> str:
        """Post one message; a reply (the `thread` format) comes with its header's ts as `thread_id`."""
        payload: SlackMessage = message.payload
        arguments = payload.payload(destination.chat_id)
        if destination.thread_id:
            arguments["thread_ts"] = destination.thread_id
        try:
            response = await self._client.chat_postMessage(**arguments)
        except SlackApiError as err:
            raise _classified(err) from err
        except (aiohttp.ClientError, TimeoutError) as err:
            raise TransientFailure(f"{type(err).__name__}: {err}") from err
        return str(response.get("ts", ""))


def _classified(err: SlackApiError) -> Exception:
    code = error_code(err) or f"HTTP {err.response.status_code}"
    if err.response.status_code == 429 or code == "ratelimited":
        retry_after = float(
            err.response.headers.get("Retry-After", err.response.headers.get("retry-after", 1))
        )
        return RateLimited(code, retry_after)
    if code in GONE:
        return DestinationGone(GONE[code])
    if code in THREAD_GONE:
        return ThreadGone(f"{code}: the push's header message is gone (deleted?)")
    if code in REJECTED:
        return MessageRejected(f"{code}: {err.response.data}")
    return TransientFailure(code)
