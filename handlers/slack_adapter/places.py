"""Where a Slack request comes from, and who may change a channel's daily push.

A channel's subscription may be changed by a full member of the workspace (not a guest, not a bot)
typing in that channel; the push itself needs the bot in the channel, so subscribing checks that
first and says how to invite it instead of failing at push time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import StoreUnavailable, UsageError
from bot.i18n import Lang, t
from bot.models import Destination
from bot.service import PaperService

PLATFORM = "slack"


class MalformedRequest(Exception):
    """A signed request holding what Slack's own elements cannot send (a weekday `x`): answered 400,
    with one WARNING line."""


@dataclass(frozen=True)
class Place:
    """A request's channel and user, and the language to answer in (the channel's push language)."""

    channel_id: str
    user_id: str
    lang: Lang

    @property
    def destination(self) -> Destination:
        return destination_of(self.channel_id)


def destination_of(channel_id: str) -> Destination:
    return Destination(platform=PLATFORM, chat_id=channel_id)


async def place_of(service: PaperService, channel_id: str, user_id: str) -> Place:
    try:
        subscription = await service.subscription(destination_of(channel_id))
    except StoreUnavailable:  # the database is down: the apology, in English
        subscription = None
    return Place(channel_id, user_id, subscription.language if subscription else "en")


@dataclass(frozen=True)
class ChannelInfo:
    title: str
    chat_type: str


async def check_manager(client: AsyncWebClient, place: Place) -> ChannelInfo:
    """The channel's name and type if `place.user_id` may change its push and the bot can post there;
    otherwise a UsageError saying what to do."""
    user = await _call(client, "users_info", user=place.user_id)
    profile: dict[str, Any] = user.get("user") or {}
    if any(profile.get(flag) for flag in ("is_restricted", "is_ultra_restricted", "is_bot", "deleted")):
        raise UsageError(t("slack.members_only"))
    if place.channel_id.startswith("D"):
        return ChannelInfo(t("slack.direct").render(place.lang), "im")
    try:
        info = await _call(client, "conversations_info", channel=place.channel_id)
    except SlackApiError as err:
        if error_code(err) in ("channel_not_found", "not_in_channel"):
            raise UsageError(t("slack.invite_first")) from None
        raise
    channel: dict[str, Any] = info.get("channel") or {}
    if channel.get("is_archived"):
        raise UsageError(t("slack.archived"))
    if not channel.get("is_member", False):
        raise UsageError(t("slack.invite_first"))
    chat_type = "private" if channel.get("is_private") else "channel"
    return ChannelInfo(f"#{channel.get('name') or place.channel_id}", chat_type)


async def _call(client: AsyncWebClient, method: str, **arguments: Any) -> dict[str, Any]:
    response = await getattr(client, method)(**arguments)
    data: dict[str, Any] = response.data if isinstance(response.data, dict) else {}
    return data


def error_code(err: SlackApiError) -> str:
    data = err.response.data if isinstance(err.response.data, dict) else {}
    return str(data.get("error", ""))
