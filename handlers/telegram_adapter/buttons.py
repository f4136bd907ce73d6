"""Inline-button presses: open a paper, turn a page, change a setting. Every press is answered.

Telegram shows a spinner until a callback query is answered, so each path ends in exactly one
answerCallbackQuery, with a short note when something is refused or expired.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.cards import paper_card
from bot.errors import PaperboyError, for_users
from bot.i18n import Lang, Text, t
from bot.service import PaperService
from handlers.telegram_adapter.callbacks import OpenPaper, SearchPage, Setting, TopPage, decode
from handlers.telegram_adapter.chats import Where, destination_of, is_manager, may_manage, thread_of, where
from handlers.telegram_adapter.render import card_message, notice
from handlers.telegram_adapter.sending import TelegramApp, edit, send
from handlers.telegram_adapter.settings_menu import (
    changes_for,
    private_link,
    prompt_changes,
    prompt_message,
    read_prompt,
    settings_message,
    zone_message,
)
from handlers.telegram_adapter.views import search_page, top_page

log = logging.getLogger(__name__)
MAX_ANSWER = 200


class Buttons:
    """Callback queries and the replies to /settings prompts."""

    def __init__(self, service: PaperService) -> None:
        self._service = service

    def register(self, app: TelegramApp) -> None:
        app.add_handler(CallbackQueryHandler(self.on_press))
        replies = (
            (filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST) & filters.REPLY & filters.TEXT
        )
        app.add_handler(MessageHandler(replies & ~filters.COMMAND, self.on_prompt_reply))

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        message = query.message if isinstance(query.message, Message) else None
        here = await where(update, self._service) if message else None
        lang = here.lang if here else "en"
        action = decode(query.data or "")
        if action is None or message is None or here is None:
            await self._answer(query, t("tg.expired"), lang, alert=True)
            return
        try:
            if isinstance(action, OpenPaper):
                paper = await self._service.paper(action.arxiv_id)
                await send(
                    context.bot, here.chat.id, here.thread_id, card_message(paper_card(paper, lang), lang)
                )
            elif isinstance(action, TopPage):
                pages = await top_page(self._service, lang, action.day, action.n, action.offset)
                await edit(context.bot, here.chat.id, message.message_id, pages[0])
            elif isinstance(action, SearchPage):
                text = await self._service.recall_query(action.token)
                if text is None:
                    await self._answer(query, t("tg.expired"), lang, alert=True)
                    return
                pages = await search_page(self._service, lang, text, action.offset)
                await edit(context.bot, here.chat.id, message.message_id, pages[0])
            else:
                await self._setting(update, context, here, message, action)
                return
        except PaperboyError as err:
            await self._answer(query, for_users(err), lang, alert=True)
            return
        await query.answer()

    async def _answer(self, query: CallbackQuery, sentence: Text, lang: Lang, *, alert: bool = False) -> None:
        await query.answer(sentence.render(lang)[:MAX_ANSWER], show_alert=alert)

    async def _setting(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        here: Where,
        message: Message,
        press: Setting,
    ) -> None:
        query = update.callback_query
        assert query is not None
        target = press.chat or str(here.chat.id)
        if not await may_manage_target(context, update, here, target):
            await self._answer(query, t("tg.admins_only"), here.lang, alert=True)
            return
        destination = destination_of(target, None if press.chat else here.thread_id)
        subscription = await self._service.subscription(destination)
        if subscription is None:
            await self._answer(query, t("sub.none"), here.lang, alert=True)
            return
        if press.name == "done":
            await context.bot.edit_message_reply_markup(here.chat.id, message.message_id, reply_markup=None)
            await query.answer()
            return
        # Shown in a channel (not managed from a private chat): nothing can be typed in reply there.
        private = (
            private_link(context.bot.username, here.chat.id)
            if here.chat.type == ChatType.CHANNEL and not press.chat
            else None
        )
        changes = changes_for(subscription, press)
        if press.name == "menu" or (changes is None and private is not None and press.name == "tz"):
            shown = (
                zone_message(subscription, here.lang, private)
                if press.name == "tz" and private is not None
                else settings_message(subscription, here.lang, press.chat, private)
            )
            await edit(context.bot, here.chat.id, message.message_id, shown)
            await query.answer()
            return
        if changes is None and private is not None:  # keywords: typed in the private chat
            await query.answer(url=private)
            return
        if changes is None:  # a free-text setting: ask for it
            await send(
                context.bot, here.chat.id, here.thread_id, prompt_message(press.name, here.lang, press.chat)
            )
            await query.answer()
            return
        updated = await self._service.update_subscription(destination, here.by, **changes)
        await edit(
            context.bot,
            here.chat.id,
            message.message_id,
            settings_message(updated, updated.language, press.chat, private),
        )
        await self._answer(query, t("btn.saved"), updated.language)

    async def on_prompt_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An answer to one of our /settings prompts sets that setting; other replies are ignored."""
        message = update.effective_message
        if message is None or message.reply_to_message is None or not message.text:
            return
        prompt = message.reply_to_message
        if prompt.from_user is None or prompt.from_user.id != context.bot.id:
            return
        read = read_prompt(prompt.text or "")
        if read is None:
            return
        name, target_chat = read
        here = await where(update, self._service)
        target = target_chat or str(here.chat.id)
        try:
            if not await may_manage_target(context, update, here, target):
                await send(context.bot, here.chat.id, here.thread_id, notice(t("tg.admins_only"), here.lang))
                return
            destination = destination_of(target, None if target_chat else thread_of(message))
            updated = await self._service.update_subscription(
                destination, here.by, **prompt_changes(name, message.text)
            )
        except PaperboyError as err:
            await send(context.bot, here.chat.id, here.thread_id, notice(for_users(err), here.lang))
            return
        await send(
            context.bot,
            here.chat.id,
            here.thread_id,
            settings_message(updated, updated.language, target_chat),
        )


async def may_manage_target(
    context: ContextTypes.DEFAULT_TYPE, update: Update, here: Where, target: str
) -> bool:
    """Whether the presser may change `target`: this chat by the usual rule, another chat as its admin."""
    if target == str(here.chat.id):
        return await may_manage(context.bot, update, here.chat, here.user_id)
    return here.user_id is not None and await is_manager(context.bot, int(target), here.user_id)
