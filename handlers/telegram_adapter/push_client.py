"""A lean Bot API client for the daily push: JSON in, message id out, failures classified.

Commands go through python-telegram-bot, which builds full Message objects from every answer;
a push of ten thousand messages needs none of that. Posting the exact JSON that
`paperboy render telegram` prints with one pooled aiohttp session costs a fraction of the CPU,
which is what lets one core keep up with paid broadcasts (1,000 messages a second).
"""

from __future__ import annotations

import json
from typing import Any, Self

import aiohttp

from bot.errors import DestinationGone, DestinationMoved, MessageRejected, RateLimited, TransientFailure
from handlers.telegram_adapter.render import TelegramMessage

TIMEOUT_SECONDS = 30.0
# A 400 that means the chat is out of reach for good, not that the message was wrong.
GONE = (
    "chat not found",
    "message thread not found",
    "topic_closed",
    "have no rights to send",
    "not enough rights",
    "bot was kicked",
    "user is deactivated",
    "chat_write_forbidden",
)
# What Telegram says when it cannot fetch or use a photo URL (the text card goes instead).
PHOTO_REFUSED = (
    "wrong file identifier",
    "failed to get http url content",
    "wrong type of the web page content",
)


class PushClient:
    """Sends push messages to `{api_url}{token}/{method}`; use it as an async context manager."""

    def __init__(self, api_url: str, token: str, *, connections: int = 64) -> None:
        self._base = f"{api_url}{token}/"
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        connector = aiohttp.TCPConnector(limit=self._connections)
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        self._session = aiohttp.ClientSession(connector=connector, timeout=timeout, json_serialize=_dumps)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, chat_id: str, thread_id: int | None, message: TelegramMessage) -> int:
        """Send one message (its text fallback if the photo is refused); returns its message id."""
        try:
            return await self._call(message.method, message.to(chat_id, thread_id))
        except MessageRejected as err:
            if message.fallback is None or not any(marker in err.reason.lower() for marker in PHOTO_REFUSED):
                raise
            return await self._call(message.fallback.method, message.fallback.to(chat_id, thread_id))

    async def _call(self, method: str, params: dict[str, Any]) -> int:
        if self._session is None:
            raise RuntimeError("PushClient used outside `async with`")
        try:
            async with self._session.post(self._base + method, json=params) as response:
                status = response.status
                body = await response.text()
        except (aiohttp.ClientError, TimeoutError) as err:
            raise TransientFailure(f"{type(err).__name__}: {err}") from err
        return _result(status, body)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _result(status: int, body: str) -> int:
    """The message id of a successful answer; otherwise the failure, classified."""
    try:
        answer = json.loads(body)
    except ValueError:
        raise TransientFailure(f"HTTP {status}: not JSON") from None
    if answer.get("ok"):
        return int(answer["result"]["message_id"])
    description = str(answer.get("description", f"HTTP {status}"))
    parameters = answer.get("parameters") or {}
    if "migrate_to_chat_id" in parameters:
        raise DestinationMoved(description, str(parameters["migrate_to_chat_id"]))
    if status == 429:
        raise RateLimited(description, float(parameters.get("retry_after", 1)))
    if status == 403:
        raise DestinationGone(description)
    if status == 400:
        if any(marker in description.lower() for marker in GONE):
            raise DestinationGone(description)
        raise MessageRejected(description)
    raise TransientFailure(description)  # 5xx, and anything else worth another try later
