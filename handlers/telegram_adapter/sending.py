"""Send a rendered TelegramMessage through PTB, with the text fallback when a photo is refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from telegram import Bot, ForceReply, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.error import BadRequest, RetryAfter
from telegram.ext import Application

from handlers.telegram_adapter.render import TelegramMessage

# The Application as built here (bot, context, user/chat/bot data, job queue): only its handlers matter.
TelegramApp = Application[Any, Any, Any, Any, Any, Any]

RETRIES_AFTER_429 = 3
# What Telegram says when it cannot fetch or use a photo URL.
PHOTO_REFUSED = (
    "wrong file identifier",
    "failed to get http url content",
    "wrong type of the web page content",
)


async def send(bot: Bot, chat_id: int | str, thread_id: int | None, message: TelegramMessage) -> Message:
    """Send `message` to a chat (and forum topic); a refused photo is sent as the text card instead.

    An answer to a command may be several messages to one chat; when Telegram asks to slow down
    (429), wait as long as it says and try again, a few times at most.
    """
    for attempt in range(RETRIES_AFTER_429 + 1):
        try:
            result = await call(bot, message.method, message.to(chat_id, thread_id))
        except RetryAfter as err:
            if attempt == RETRIES_AFTER_429:
                raise
            await asyncio.sleep(_seconds(err.retry_after))
            continue
        except BadRequest as err:
            if message.fallback is None or not any(marker in err.message.lower() for marker in PHOTO_REFUSED):
                raise
            return await send(bot, chat_id, thread_id, message.fallback)
        return result
    raise AssertionError("unreachable: the last attempt returns or raises")


async def call(bot: Bot, method: str, params: dict[str, Any]) -> Message:
    """Make one Bot API call from its JSON parameters through PTB's typed methods."""
    kwargs = dict(params)
    if "reply_markup" in kwargs:
        kwargs["reply_markup"] = _markup(kwargs["reply_markup"], bot)
    if "link_preview_options" in kwargs:
        kwargs["link_preview_options"] = LinkPreviewOptions(**kwargs["link_preview_options"])
    if method == "sendMessage":
        return await bot.send_message(**kwargs)
    if method == "sendPhoto":
        return await bot.send_photo(**kwargs)
    if method == "editMessageText":
        edited = await bot.edit_message_text(**kwargs)
        if isinstance(edited, Message):
            return edited
        raise TypeError("editMessageText of an inline message has no Message to return")
    raise ValueError(f"not a message method: {method}")


def _markup(data: dict[str, Any], bot: Bot) -> InlineKeyboardMarkup | ForceReply:
    if "force_reply" in data:
        return ForceReply(selective=data.get("selective"))
    markup = InlineKeyboardMarkup.de_json(data, bot)
    if markup is None:
        raise ValueError(f"not a keyboard: {data!r}")
    return markup


def _seconds(retry_after: float | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)


async def edit(bot: Bot, chat_id: int | str, message_id: int, message: TelegramMessage) -> None:
    """Replace a text message's content and buttons in place (paging, the settings editor)."""
    params: dict[str, Any] = message.params | {"chat_id": chat_id, "message_id": message_id}
    try:
        await call(bot, "editMessageText", params)
    except BadRequest as err:
        if "message is not modified" not in err.message.lower():
            raise
