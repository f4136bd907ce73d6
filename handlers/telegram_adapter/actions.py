"""Inline-button presses: open a paper, turn a page, change a setting. Every press is answered.

Telegram shows a spinner until a callback query is answered, so each path ends in exactly one
answerCallbackQuery, with a short note when something is refused or expired.
"""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.errors import PaperboyError, for_users
from bot.feedback import Pressed
from bot.i18n import Lang, Text, pick_language, t
from bot.models import Destination
from bot.service import PaperService
from handlers.telegram_adapter.asks import (
    paper_message,
    related_page,
    saved_page,
    search_page,
    top_page,
)
from handlers.telegram_adapter.callbacks import (
    OpenPaper,
    Press,
    Related,
    SavedList,
    SearchPage,
    Setting,
    TopPage,
    Unsave,
    decode,
)
from handlers.telegram_adapter.places import (
    Place,
    destination_of,
    is_manager,
    may_manage,
    place_of,
    thread_of,
)
from handlers.telegram_adapter.render import Keyboard, notice, with_feedback
from handlers.telegram_adapter.replies import TelegramApp, edit, send
from handlers.telegram_adapter.settings import (
    after_change,
    changes_for,
    private_link,
    prompt_changes,
    prompt_message,
    read_prompt,
    removed_follow,
    settings_message,
    submenu,
)

log = logging.getLogger(__name__)
MAX_ANSWER = 200


def _markup(keyboard: Keyboard, bot: Bot) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.de_json({"inline_keyboard": keyboard}, bot)


class TelegramActions:
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
        place = await place_of(update, self._service) if message else None
        lang = place.lang if place else "en"
        action = decode(query.data or "")
        if isinstance(action, Press) and message is None and query.inline_message_id:
            await self._inline_press(query, action)
            return
        if action is None or message is None or place is None:
            await self._answer(query, t("tg.expired"), lang, alert=True)
            return
        try:
            if isinstance(action, OpenPaper):
                card = await paper_message(self._service, place.destination, action.arxiv_id, lang)
                await send(context.bot, place.chat.id, place.thread_id, card)
            elif isinstance(action, Press):
                await self._press(context, query, place, message, action)
                return
            elif isinstance(action, Related):  # a new list under the card, as /related answers
                for page in await related_page(self._service, lang, action.arxiv_id):
                    await send(context.bot, place.chat.id, place.thread_id, page)
            elif isinstance(action, SavedList | Unsave):
                await self._saved(context, query, place, message, action)
                return
            elif isinstance(action, TopPage):
                pages = await top_page(self._service, lang, action.day, action.n, action.offset)
                await edit(context.bot, place.chat.id, message.message_id, pages[0])
            elif isinstance(action, SearchPage):
                text = await self._service.recall_query(action.token)
                if text is None:
                    await self._answer(query, t("tg.expired"), lang, alert=True)
                    return
                pages = await search_page(self._service, lang, text, action.offset)
                await edit(context.bot, place.chat.id, message.message_id, pages[0])
            else:
                await self._setting(update, context, place, message, action)
                return
        except PaperboyError as err:
            await self._answer(query, for_users(err), lang, alert=True)
            return
        await query.answer()

    async def _answer(self, query: CallbackQuery, sentence: Text, lang: Lang, *, alert: bool = False) -> None:
        await query.answer(sentence.render(lang)[:MAX_ANSWER], show_alert=alert)

    async def _pressed(self, destination: Destination, user: int, press: Press) -> Pressed:
        """👍 and 👎 toggle (the other one replaces), Save toggles: the member's own, counted here."""
        if press.kind == "save":
            return await self._service.save(destination, str(user), press.arxiv_id)
        return await self._service.react(destination, str(user), press.arxiv_id, press.kind)

    async def _press(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        query: CallbackQuery,
        place: Place,
        message: Message,
        press: Press,
    ) -> None:
        """A feedback button: the member is told what changed, and the buttons show the new counts."""
        pressed = await self._pressed(place.destination, query.from_user.id, press)
        await self._answer(query, pressed.said, place.lang)
        if message.reply_markup is None:
            return
        keyboard = [[button.to_dict() for button in row] for row in message.reply_markup.inline_keyboard]
        relabelled = with_feedback(keyboard, pressed.arxiv_id, pressed.buttons, place.lang)
        if relabelled == keyboard:
            return
        try:
            await context.bot.edit_message_reply_markup(
                place.chat.id, message.message_id, reply_markup=_markup(relabelled, context.bot)
            )
        except BadRequest as err:
            if "message is not modified" not in err.message.lower():  # two presses at once
                log.warning("telegram: could not show the counts of %s: %s", pressed.arxiv_id, err.message)
        except TelegramError as err:  # the press is stored and answered; only the labels lag
            log.warning("telegram: could not show the counts of %s: %s", pressed.arxiv_id, err)

    async def _inline_press(self, query: CallbackQuery, press: Press) -> None:
        """A press on a card shared through inline mode: Telegram does not say in which chat, so it
        counts in the member's private chat with the bot (where their /saved lists it)."""
        lang = pick_language(query.from_user.language_code)
        try:
            pressed = await self._pressed(destination_of(query.from_user.id), query.from_user.id, press)
        except PaperboyError as err:
            await self._answer(query, for_users(err), lang, alert=True)
            return
        await self._answer(query, t("tg.inline_press", said=pressed.said), lang)

    async def _saved(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        query: CallbackQuery,
        place: Place,
        message: Message,
        action: SavedList | Unsave,
    ) -> None:
        """A /saved page button or ✕: only the member whose list it is may turn or change it."""
        if action.user != query.from_user.id:
            await self._answer(query, t("tg.saved_not_yours"), place.lang, alert=True)
            return
        said = None
        if isinstance(action, Unsave):
            said = (
                await self._service.save(place.destination, str(action.user), action.arxiv_id, False)
            ).said
        page = await saved_page(self._service, place.destination, action.user, place.lang, action.offset)
        await edit(context.bot, place.chat.id, message.message_id, page)
        if said is None:
            await query.answer()
        else:
            await self._answer(query, said, place.lang)

    async def _setting(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        place: Place,
        message: Message,
        press: Setting,
    ) -> None:
        query = update.callback_query
        assert query is not None
        target = press.chat or str(place.chat.id)
        if not await may_manage_target(context, update, place, target):
            await self._answer(query, t("tg.admins_only"), place.lang, alert=True)
            return
        destination = destination_of(target, None if press.chat else place.thread_id)
        subscription = await self._service.subscription(destination)
        if subscription is None:
            await self._answer(query, t("sub.none"), place.lang, alert=True)
            return
        if press.name == "done":
            await context.bot.edit_message_reply_markup(place.chat.id, message.message_id, reply_markup=None)
            await query.answer()
            return
        # Shown in a channel (not managed from a private chat): nothing can be typed in reply there.
        private = (
            private_link(context.bot.username, place.chat.id)
            if place.chat.type == ChatType.CHANNEL and not press.chat
            else None
        )
        changes = changes_for(subscription, press)
        feed = self._service.feed_url(subscription)
        shown = submenu(subscription, press, place.lang, private, feed) if changes is None else None
        if shown is not None:  # a menu of choices (a time zone, a cadence's day, a stars floor, ...)
            await edit(context.bot, place.chat.id, message.message_id, shown)
            await query.answer()
            return
        if changes is None and private is not None:  # keywords: typed in the private chat
            await query.answer(url=private)
            return
        removed = removed_follow(subscription, press) if press.name == "uf" else None
        if press.name == "uf" and removed is None:  # removed meanwhile (another ✖, /unfollow)
            gone = after_change(subscription, press, private, feed)
            await edit(context.bot, place.chat.id, message.message_id, gone)
            await self._answer(query, t("set.follow_gone"), place.lang, alert=True)
            return
        if changes is None:  # a free-text setting: ask for it
            await send(
                context.bot,
                place.chat.id,
                place.thread_id,
                prompt_message(press.name, place.lang, press.chat),
            )
            await query.answer()
            return
        updated = await self._service.update_subscription(destination, place.by, **changes)
        await edit(
            context.bot, place.chat.id, message.message_id, after_change(updated, press, private, feed)
        )
        said = t("set.follow_removed", follow=removed) if removed is not None else t("btn.saved")
        await self._answer(query, said, updated.language)

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
        place = await place_of(update, self._service)
        target = target_chat or str(place.chat.id)
        try:
            if not await may_manage_target(context, update, place, target):
                await send(
                    context.bot, place.chat.id, place.thread_id, notice(t("tg.admins_only"), place.lang)
                )
                return
            destination = destination_of(target, None if target_chat else thread_of(message))
            updated = await self._service.update_subscription(
                destination, place.by, **prompt_changes(name, message.text)
            )
        except PaperboyError as err:
            await send(context.bot, place.chat.id, place.thread_id, notice(for_users(err), place.lang))
            return
        await send(
            context.bot,
            place.chat.id,
            place.thread_id,
            settings_message(
                updated, updated.language, target_chat, feed_url=self._service.feed_url(updated)
            ),
        )


async def may_manage_target(
    context: ContextTypes.DEFAULT_TYPE, update: Update, place: Place, target: str
) -> bool:
    """Whether the presser may change `target`: this chat by the usual rule, another chat as its admin."""
    if target == str(place.chat.id):
        return await may_manage(context.bot, update, place.chat, place.user_id)
    return place.user_id is not None and await is_manager(context.bot, int(target), place.user_id)
