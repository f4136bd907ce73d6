"""Send a rendered TelegramMessage through PTB, with the text fallback when a photo is refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from telegram import Bot, ForceReply, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.error import BadRequest, RetryAfter
from telegram.ext import Application

from handlers.telegram_adapter.push_client import PHOTO_REFUSED
from handlers.telegram_adapter.render import TelegramMessage

# The Application as built here (bot, context, user/chat/bot data, job queue): only its handlers matter.
TelegramApp = Application[Any, Any, Any, Any, Any, Any]

RETRIES_AFTER_429 = 3


async def send_once(bot: Bot, chat_id: int | str, thread_id: int | None, message: TelegramMessage) -> Message:
    """Send `message` to a chat (and forum topic); a refused photo is sent as the text card instead."""
    try:
        return await call(bot, message.method, message.to(chat_id, thread_id))
    except BadRequest as err:
        if message.fallback is None or not any(marker in err.message.lower() for marker in PHOTO_REFUSED):
            raise
        return await send_once(bot, chat_id, thread_id, message.fallback)


async def send(bot: Bot, chat_id: int | str, thread_id: int | None, message: TelegramMessage) -> Message:
    """`send_once`, waiting out flood control: an answer may be several messages to one chat, and
    when Telegram asks to slow down (429) it waits as long as asked and tries again, a few times."""
    for _ in range(RETRIES_AFTER_429):
        try:
            return await send_once(bot, chat_id, thread_id, message)
        except RetryAfter as err:
            await asyncio.sleep(retry_after_seconds(err.retry_after))
    return await send_once(bot, chat_id, thread_id, message)


async def edit(bot: Bot, chat_id: int | str, message_id: int, message: TelegramMessage) -> None:
    """Replace a text message's content and buttons in place (paging, the settings editor)."""
    params: dict[str, Any] = message.params | {"chat_id": chat_id, "message_id": message_id}
    try:
        await call(bot, "editMessageText", params)
    except BadRequest as err:
        if "message is not modified" not in err.message.lower():
            raise


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


def retry_after_seconds(retry_after: float | timedelta) -> float:
    """PTB 22 gives RetryAfter.retry_after as a timedelta (or, in older modes, seconds)."""
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
