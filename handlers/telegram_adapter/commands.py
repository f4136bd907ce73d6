"""Command handlers: translate a Telegram command into a service call and reply with its view.

Arguments are parsed by bot.commands (the same usage lines as every platform); a PaperboyError
becomes a plain reply in the chat's language, never a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import CommandHandler, ContextTypes, filters

from bot.cards import paper_card
from bot.commands import parse_required, parse_subscribe, parse_top, usage
from bot.errors import PaperboyError, UsageError, for_users
from bot.i18n import Text, t
from bot.metrics import METRICS
from bot.models import Destination
from bot.service import PaperService
from bot.views import days_view, help_view, preview_view
from handlers.telegram_adapter.chats import Where, channel_for, destination_of, may_manage, where
from handlers.telegram_adapter.render import (
    TelegramMessage,
    card_message,
    days_message,
    help_message,
    notice,
    preview_message,
)
from handlers.telegram_adapter.sending import TelegramApp, send
from handlers.telegram_adapter.settings_menu import SETTINGS_LINK_PREFIX, private_link, settings_message
from handlers.telegram_adapter.views import search_page, top_page

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
_DEEP_LINK = re.compile(r"paper_(\d{4})_(\d{4,5})")
_SETTINGS_LINK = re.compile(re.escape(SETTINGS_LINK_PREFIX) + r"(-\d{1,20})")
COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
TELEGRAM_COMMANDS = ("start", "help", "today", "top", "search", "paper", "days", "subscribe", "unsubscribe",
                     "settings", "preview")  # fmt: skip


class Commands:
    """Every slash command of the bot; `register` adds them to a PTB Application."""

    def __init__(self, service: PaperService) -> None:
        self._service = service

    def register(self, app: TelegramApp) -> None:
        for name in TELEGRAM_COMMANDS:
            app.add_handler(
                CommandHandler(name, self._guarded(getattr(self, f"on_{name}")), filters=COMMAND_UPDATES)
            )

    def _guarded(
        self, handler: Callable[[Update, ContextTypes.DEFAULT_TYPE, Where], Awaitable[None]]
    ) -> Handler:
        """Find the chat, run the handler, and turn a PaperboyError into a reply."""

        async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            with METRICS.timed_command("telegram"):
                here = await where(update, self._service)
                try:
                    await handler(update, context, here)
                except PaperboyError as err:
                    await self._say(update, here, for_users(err))

        return run

    async def _reply(self, update: Update, here: Where, messages: list[TelegramMessage]) -> Message | None:
        sent = None
        for message in messages:
            sent = await send(update.get_bot(), here.chat.id, here.thread_id, message)
        return sent

    async def _say(self, update: Update, here: Where, sentence: Text) -> None:
        await self._reply(update, here, [notice(sentence, here.lang)])

    @staticmethod
    def _arguments(context: ContextTypes.DEFAULT_TYPE) -> str:
        return " ".join(context.args or ())

    # -- reading -----------------------------------------------------------------------------

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        payload = self._arguments(context)
        deep = _DEEP_LINK.fullmatch(payload)
        if deep:
            await self.on_paper_ref(update, here, f"{deep.group(1)}.{deep.group(2)}")
            return
        editor = _SETTINGS_LINK.fullmatch(payload)
        if editor and here.chat.type == ChatType.PRIVATE:  # from a channel's editor: its settings here
            await self._settings(update, context, here, editor.group(1))
            return
        await self._reply(update, here, [help_message(help_view(TELEGRAM_COMMANDS, welcome=True), here.lang)])

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        await self._reply(update, here, [help_message(help_view(TELEGRAM_COMMANDS), here.lang)])

    async def on_today(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        await self._reply(update, here, await top_page(self._service, here.lang, None, 10, 0))

    async def on_top(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        args = parse_top(self._arguments(context))
        await self._reply(update, here, await top_page(self._service, here.lang, args.day, args.n, 0))

    async def on_search(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        query = parse_required("search", self._arguments(context))
        await self._reply(update, here, await search_page(self._service, here.lang, query, 0))

    async def on_paper(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        await self.on_paper_ref(update, here, parse_required("paper", self._arguments(context)))

    async def on_paper_ref(self, update: Update, here: Where, ref: str) -> None:
        paper = await self._service.paper(ref)
        await self._reply(update, here, [card_message(paper_card(paper, here.lang), here.lang)])

    async def on_days(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        await self._reply(update, here, [days_message(days_view(await self._service.days()), here.lang)])

    # -- the daily push --------------------------------------------------------------------------

    async def _target(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where, channel: str | None
    ) -> tuple[Destination, str | None, str]:
        """The destination a subscription command acts on: this chat/topic, or `@channel` from a private chat.

        Returns it with the chat's title and its type; raises UsageError when the user may not manage it.
        """
        if channel is not None:
            found = await channel_for(context.bot, channel, here.user_id)
            return destination_of(found.id), found.title or channel, found.type
        if not await may_manage(context.bot, update, here.chat, here.user_id):
            raise UsageError(t("tg.admins_only"))
        title = here.chat.title or here.chat.full_name or here.chat.username
        return here.destination, title, here.chat.type

    async def on_subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        args = parse_subscribe(self._arguments(context))
        destination, title, chat_type = await self._target(update, context, here, args.channel)
        subscription, new = await self._service.subscribe(
            destination,
            chat_type=chat_type,
            title=title,
            by=here.by,
            language=here.lang,
            send_time=args.send_time,
            time_zone=args.time_zone,
        )
        key = "sub.started" if new else "sub.updated"
        await self._say(
            update,
            here,
            t(
                key,
                title=title or "",
                time=f"{subscription.send_time:%H:%M}",
                zone=subscription.time_zone,
                n=subscription.top_n,
            ),
        )

    async def on_unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        channel = self._channel_argument(context, "unsubscribe")
        destination, title, _ = await self._target(update, context, here, channel)
        stopped = await self._service.unsubscribe(destination, here.by)
        await self._say(update, here, t("sub.stopped" if stopped else "sub.none", title=title or ""))

    async def on_settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        await self._settings(update, context, here, self._channel_argument(context, "settings"))

    async def _settings(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where, channel: str | None
    ) -> None:
        """The editor of this chat, or of `channel` (`@name`, or its id from a deep link)."""
        destination, _, _ = await self._target(update, context, here, channel)
        subscription = await self._service.subscription(destination)
        if subscription is None:
            raise UsageError(t("sub.none"))
        target = destination.chat_id if channel else ""
        in_channel = here.chat.type == ChatType.CHANNEL
        private = private_link(context.bot.username, here.chat.id) if in_channel else None
        await self._reply(update, here, [settings_message(subscription, here.lang, target, private)])

    async def on_preview(self, update: Update, context: ContextTypes.DEFAULT_TYPE, here: Where) -> None:
        channel = self._channel_argument(context, "preview")
        destination = (
            destination_of((await channel_for(context.bot, channel, here.user_id)).id)
            if channel
            else here.destination
        )
        preview = await self._service.preview(destination)
        await self._reply(update, here, [preview_message(preview_view(preview), here.lang)])

    @staticmethod
    def _channel_argument(context: ContextTypes.DEFAULT_TYPE, command: str) -> str | None:
        words = context.args or []
        if not words:
            return None
        if len(words) == 1 and words[0].startswith("@") and len(words[0]) > 1:
            return words[0]
        raise UsageError(t("usage.not_understood", word=" ".join(words), usage=usage(command)))
