"""Who is asking, where, in which language, and may they change this chat's subscription.

Telegram has private chats, groups, supergroups with forum topics and channels; each needs the
right destination (a topic's pushes go to that topic) and the right permission check (only
administrators manage a group's or channel's push; an anonymous administrator posts as the group).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, Chat, ChatFullInfo, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden

from bot.errors import StoreUnavailable, UsageError
from bot.i18n import Lang, pick_language, t
from bot.models import Destination
from bot.service import PaperService

MANAGERS = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})


@dataclass(frozen=True)
class Place:
    """The chat an update came from and how to answer it there."""

    chat: Chat
    thread_id: int | None
    lang: Lang
    user_id: int | None

    @property
    def destination(self) -> Destination:
        return destination_of(self.chat.id, self.thread_id)

    @property
    def by(self) -> str:
        """Who changed something, for the record: a user, or the chat itself when anonymous."""
        return f"telegram:{self.user_id}" if self.user_id else f"telegram:{self.chat.id}"


def destination_of(chat_id: int | str, thread_id: int | None = None) -> Destination:
    return Destination(
        platform="telegram", chat_id=str(chat_id), thread_id=str(thread_id) if thread_id else ""
    )


def thread_of(message: Message | None) -> int | None:
    """The forum topic a message is in (None for the General topic and for non-forum chats)."""
    if message is not None and message.is_topic_message and message.message_thread_id:
        return message.message_thread_id
    return None


async def place_of(update: Update, service: PaperService) -> Place:
    """The chat of an update, answering in the subscription's language or else the user's."""
    chat = update.effective_chat
    if chat is None:
        raise ValueError("update without a chat")
    thread = thread_of(update.effective_message)
    user = update.effective_user
    try:
        subscription = await service.subscription(destination_of(chat.id, thread))
    except StoreUnavailable:  # the database is down: answer (the apology) in the user's language
        subscription = None
    lang = subscription.language if subscription else pick_language(user.language_code if user else None)
    return Place(chat, thread, lang, user.id if user and not user.is_bot else None)


def is_anonymous_admin(message: Message | None, chat: Chat) -> bool:
    """A message an administrator sent anonymously carries the group itself as sender_chat."""
    return message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id


async def may_manage(bot: Bot, update: Update, chat: Chat, user_id: int | None) -> bool:
    """Private chats manage themselves; in groups and channels only administrators may."""
    if chat.type == ChatType.PRIVATE:
        return True
    if update.channel_post is not None:
        return True  # only administrators can post in a channel
    if update.callback_query is None and is_anonymous_admin(update.effective_message, chat):
        return True
    if user_id is None:
        return False
    try:
        member = await bot.get_chat_member(chat.id, user_id)
    except (BadRequest, Forbidden):
        return False
    return member.status in MANAGERS


async def channel_for(bot: Bot, name: str, user_id: int | None) -> ChatFullInfo:
    """The channel `@name` (or its id) if the user administers it and the bot may post there; else a
    UsageError."""
    try:
        channel = await bot.get_chat(name)
    except (BadRequest, Forbidden):
        raise UsageError(t("tg.channel_unknown", channel=name)) from None
    if channel.type != ChatType.CHANNEL:
        raise UsageError(t("tg.not_a_channel", channel=name))
    if user_id is None or not await is_manager(bot, channel.id, user_id):
        raise UsageError(t("tg.channel_not_admin", channel=name))
    if not await is_manager(bot, channel.id, bot.id):
        raise UsageError(t("tg.channel_bot_not_admin", channel=name))
    return channel


async def is_manager(bot: Bot, chat_id: int, user_id: int) -> bool:
    """Whether the user (or the bot itself) is an administrator or the owner of the chat."""
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except (BadRequest, Forbidden):
        return False
    return member.status in MANAGERS
