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

from bot.commands import parse_follow, parse_required, parse_subscribe, parse_top, parse_trending, usage
from bot.errors import PaperboyError, UsageError, for_users
from bot.i18n import Text, t
from bot.metrics import METRICS
from bot.models import Destination
from bot.service import PaperService
from bot.views import (
    days_view,
    followed_text,
    follows_text,
    help_view,
    preview_view,
    subscribed_text,
    unfollowed_text,
)
from handlers.telegram_adapter.asks import (
    paper_message,
    related_page,
    saved_page,
    search_page,
    top_page,
    trending_page,
)
from handlers.telegram_adapter.places import Place, channel_for, destination_of, may_manage, place_of
from handlers.telegram_adapter.render import (
    TelegramMessage,
    days_message,
    help_message,
    notice,
    preview_message,
)
from handlers.telegram_adapter.replies import TelegramApp, send
from handlers.telegram_adapter.settings import SETTINGS_LINK_PREFIX, private_link, settings_message

log = logging.getLogger(__name__)

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]  # as PTB calls it
_DEEP_LINK = re.compile(r"paper_(\d{4})_(\d{4,5})")
_SETTINGS_LINK = re.compile(re.escape(SETTINGS_LINK_PREFIX) + r"(-\d{1,20})")
COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST


class TelegramCommands:
    """Every slash command of the bot; `register` adds them to a PTB Application."""

    def __init__(self, service: PaperService) -> None:
        self._service = service

    def register(self, app: TelegramApp) -> None:
        for name, handler in HANDLERS.items():
            app.add_handler(CommandHandler(name, self._guarded(handler), filters=COMMAND_UPDATES))

    def _guarded(self, handler: Handler) -> Callback:
        """Find the chat, run the handler, and turn a PaperboyError into a reply."""

        async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            with METRICS.timed_command("telegram"):
                place = await place_of(update, self._service)
                try:
                    await handler(self, update, context, place)
                except PaperboyError as err:
                    await self._say(update, place, for_users(err))

        return run

    async def _reply(self, update: Update, place: Place, messages: list[TelegramMessage]) -> Message | None:
        sent = None
        for message in messages:
            sent = await send(update.get_bot(), place.chat.id, place.thread_id, message)
        return sent

    async def _say(self, update: Update, place: Place, sentence: Text) -> None:
        await self._reply(update, place, [notice(sentence, place.lang)])

    @staticmethod
    def _arguments(context: ContextTypes.DEFAULT_TYPE) -> str:
        return " ".join(context.args or ())

    # -- reading -----------------------------------------------------------------------------

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        payload = self._arguments(context)
        deep = _DEEP_LINK.fullmatch(payload)
        if deep:
            await self.on_paper_ref(update, place, f"{deep.group(1)}.{deep.group(2)}")
            return
        editor = _SETTINGS_LINK.fullmatch(payload)
        if editor and place.chat.type == ChatType.PRIVATE:  # from a channel's editor: its settings place
            await self._settings(update, context, place, editor.group(1))
            return
        await self._reply(
            update, place, [help_message(help_view(TELEGRAM_COMMANDS, welcome=True), place.lang)]
        )

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        await self._reply(update, place, [help_message(help_view(TELEGRAM_COMMANDS), place.lang)])

    async def on_today(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        await self._reply(update, place, await top_page(self._service, place.lang, None, 10, 0))

    async def on_top(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        args = parse_top(self._arguments(context))
        await self._reply(update, place, await top_page(self._service, place.lang, args.day, args.n, 0))

    async def on_search(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        query = parse_required("search", self._arguments(context))
        await self._reply(update, place, await search_page(self._service, place.lang, query, 0))

    async def on_paper(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        await self.on_paper_ref(update, place, parse_required("paper", self._arguments(context)))

    async def on_paper_ref(self, update: Update, place: Place, ref: str) -> None:
        await self._reply(
            update, place, [await paper_message(self._service, place.destination, ref, place.lang)]
        )

    async def on_trending(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        n = parse_trending(self._arguments(context))
        await self._reply(update, place, await trending_page(self._service, place.lang, n))

    async def on_related(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        ref = parse_required("related", self._arguments(context))
        await self._reply(update, place, await related_page(self._service, place.lang, ref))

    async def on_days(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        await self._reply(update, place, [days_message(days_view(await self._service.days()), place.lang)])

    async def on_saved(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        """The member's saved papers in this chat (or forum topic), newest first."""
        if context.args:
            raise UsageError(t("usage.not_understood", word=" ".join(context.args), usage=usage("saved")))
        if place.user_id is None:  # a channel post or an anonymous administrator: whose list?
            raise UsageError(t("tg.saved_anonymous"))
        await self._reply(
            update, place, [await saved_page(self._service, place.destination, place.user_id, place.lang)]
        )

    # -- the daily push --------------------------------------------------------------------------

    async def _target(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place, channel: str | None
    ) -> tuple[Destination, str | None, str]:
        """The destination a subscription command acts on: this chat/topic, or `@channel` from a private chat.

        Returns it with the chat's title and its type; raises UsageError when the user may not manage it.
        """
        if channel is not None:
            found = await channel_for(context.bot, channel, place.user_id)
            return destination_of(found.id), found.title or channel, found.type
        if not await may_manage(context.bot, update, place.chat, place.user_id):
            raise UsageError(t("tg.admins_only"))
        title = place.chat.title or place.chat.full_name or place.chat.username
        return place.destination, title, place.chat.type

    async def on_subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        args = parse_subscribe(self._arguments(context))
        destination, title, chat_type = await self._target(update, context, place, args.channel)
        subscription, new = await self._service.subscribe(
            destination,
            chat_type=chat_type,
            title=title,
            by=place.by,
            language=place.lang,
            send_time=args.send_time,
            time_zone=args.time_zone,
        )
        await self._say(update, place, subscribed_text(subscription, title, new=new))

    async def on_unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        channel = self._channel_argument(context, "unsubscribe")
        destination, title, _ = await self._target(update, context, place, channel)
        stopped = await self._service.unsubscribe(destination, place.by)
        await self._say(update, place, t("sub.stopped" if stopped else "sub.none", title=title or ""))

    async def on_settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        await self._settings(update, context, place, self._channel_argument(context, "settings"))

    async def _settings(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place, channel: str | None
    ) -> None:
        """The editor of this chat, or of `channel` (`@name`, or its id from a deep link)."""
        destination, _, _ = await self._target(update, context, place, channel)
        subscription = await self._service.subscription(destination)
        if subscription is None:
            raise UsageError(t("sub.none"))
        target = destination.chat_id if channel else ""
        in_channel = place.chat.type == ChatType.CHANNEL
        private = private_link(context.bot.username, place.chat.id) if in_channel else None
        feed = self._service.feed_url(subscription)
        await self._reply(update, place, [settings_message(subscription, place.lang, target, private, feed)])

    async def on_preview(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        channel = self._channel_argument(context, "preview")
        destination = (
            destination_of((await channel_for(context.bot, channel, place.user_id)).id)
            if channel
            else place.destination
        )
        preview = await self._service.preview(destination)
        await self._reply(update, place, [preview_message(preview_view(preview), place.lang)])

    # -- follows (issue 14): changed by those who may change the subscription ------------------

    async def on_follow(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        kind, value = parse_follow("follow", self._arguments(context))
        destination, _, _ = await self._target(update, context, place, None)
        await self._say(
            update, place, followed_text(await self._service.follow(destination, place.by, kind, value))
        )

    async def on_unfollow(self, update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
        arguments = self._arguments(context)
        if not arguments.strip():
            await self._say(update, place, follows_text(await self._service.follows(place.destination)))
            return
        kind, value = parse_follow("unfollow", arguments)
        destination, _, _ = await self._target(update, context, place, None)
        change = await self._service.unfollow(destination, place.by, kind, value)
        await self._say(update, place, unfollowed_text(change))

    @staticmethod
    def _channel_argument(context: ContextTypes.DEFAULT_TYPE, command: str) -> str | None:
        words = context.args or []
        if not words:
            return None
        if len(words) == 1 and words[0].startswith("@") and len(words[0]) > 1:
            return words[0]
        raise UsageError(t("usage.not_understood", word=" ".join(words), usage=usage(command)))


# A command's handler, a method of TelegramCommands: (commands, update, context, place).
Handler = Callable[[TelegramCommands, Update, ContextTypes.DEFAULT_TYPE, Place], Awaitable[None]]

# Every command and its handler, in the order of the command menu.
HANDLERS: dict[str, Handler] = {
    "start": TelegramCommands.on_start,
    "help": TelegramCommands.on_help,
    "today": TelegramCommands.on_today,
    "top": TelegramCommands.on_top,
    "search": TelegramCommands.on_search,
    "paper": TelegramCommands.on_paper,
    "related": TelegramCommands.on_related,
    "days": TelegramCommands.on_days,
    "trending": TelegramCommands.on_trending,
    "saved": TelegramCommands.on_saved,
    "subscribe": TelegramCommands.on_subscribe,
    "unsubscribe": TelegramCommands.on_unsubscribe,
    "settings": TelegramCommands.on_settings,
    "preview": TelegramCommands.on_preview,
    # -- follows (issue 14)
    "follow": TelegramCommands.on_follow,
    "unfollow": TelegramCommands.on_unfollow,
}
TELEGRAM_COMMANDS = tuple(HANDLERS)
