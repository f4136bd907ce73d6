"""Where an interaction comes from, and who may change that place's daily push.

A channel's (or thread's) subscription may be changed by members holding Manage Channels there (or
Manage Server, or Administrator: Discord folds both into `member.permissions`); in a DM, by the one
person in it. Discord computes those permissions for the channel itself and sends them with the
interaction, so the check needs no API call. Whether the bot can post is in `app_permissions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import hikari

from bot.errors import StoreUnavailable, UsageError
from bot.i18n import Lang, pick_language, t
from bot.models import Destination
from bot.service import PaperService

PLATFORM = "discord"
MANAGERS = (
    hikari.Permissions.MANAGE_CHANNELS | hikari.Permissions.MANAGE_GUILD | hikari.Permissions.ADMINISTRATOR
)
POSTING = hikari.Permissions.VIEW_CHANNEL | hikari.Permissions.EMBED_LINKS
THREADS = frozenset({hikari.ChannelType.GUILD_PUBLIC_THREAD, hikari.ChannelType.GUILD_PRIVATE_THREAD,
                     hikari.ChannelType.GUILD_NEWS_THREAD})  # fmt: skip

Kind = Literal["channel", "thread", "dm"]
Interaction = hikari.CommandInteraction | hikari.ComponentInteraction | hikari.ModalInteraction


@dataclass(frozen=True)
class Place:
    """An interaction's channel and user, what they may do there, and the language to answer in (the
    channel's push language when it has one, else the user's Discord language)."""

    channel_id: str
    user_id: str
    lang: Lang
    kind: Kind  # the subscription's chat_type
    title: str
    manager: bool
    bot_can_post: bool

    @property
    def destination(self) -> Destination:
        return destination_of(self.channel_id)


def destination_of(channel_id: str) -> Destination:
    return Destination(platform=PLATFORM, chat_id=channel_id)


async def place_of(service: PaperService, interaction: Interaction) -> Place:
    channel = interaction.channel
    user = interaction.user
    kind: Kind
    if interaction.member is None:  # a DM: its one person manages it, and the bot can always answer
        kind, manager, can_post = "dm", True, True
        title = t("discord.direct").render(pick_language(interaction.locale))
    else:
        kind = "thread" if channel.type in THREADS else "channel"
        title = f"#{channel.name or channel.id}"
        manager = bool(interaction.member.permissions & MANAGERS)
        needed = POSTING | (
            hikari.Permissions.SEND_MESSAGES_IN_THREADS
            if kind == "thread"
            else hikari.Permissions.SEND_MESSAGES
        )
        can_post = interaction.app_permissions is not None and needed in interaction.app_permissions
    try:
        subscription = await service.subscription(destination_of(str(channel.id)))
    except StoreUnavailable:  # the database is down: the apology comes later, in the user's language
        subscription = None
    lang = subscription.language if subscription else pick_language(interaction.locale)
    return Place(str(channel.id), str(user.id), lang, kind, title, manager, can_post)


def check_manager(place: Place) -> None:
    """A UsageError saying what is missing unless `place.user_id` may change the push and the bot can
    post there."""
    if not place.manager:
        raise UsageError(t("discord.managers_only"))
    if not place.bot_can_post:
        raise UsageError(t("discord.cannot_post"))
