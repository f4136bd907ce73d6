"""Subscriptions as the facade offers them: subscribe, change, pause, move, and preview the next push.

Kept apart from bot/service.py so each file has one job; PaperService inherits these methods, so
adapters still call one facade.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pydantic import ValidationError

from bot.errors import NotFoundError, UsageError
from bot.i18n import Lang, Text, t
from bot.models import Destination, Subscription
from bot.platforms import push_formats
from bot.ports import Pushes, Subscriptions
from bot.schedule import DigestPeriod, complete_before, next_due, period_of, push_period
from bot.selection import Selection, selection_for

# Days without a new list that weekends and holidays explain (Christmas to New Year's is the longest).
QUIET_DAYS = 5
# Subscriptions read at a time by whatever walks them all: memory holds a page, not every subscriber.
SUBSCRIPTION_PAGE = 5000


async def delivering_pages(
    store: Subscriptions, limit: int = SUBSCRIPTION_PAGE, *, noting_only: bool = False
) -> AsyncIterator[list[Subscription]]:
    """Every delivering subscription (`noting_only`: that wants a note on days without a new
    list), `limit` at a time in the store's id order."""
    after = 0
    while page := await store.subscriptions_page(after=after, limit=limit, noting_only=noting_only):
        after = page[-1][0]
        yield [subscription for _, subscription in page]


@dataclass(frozen=True)
class Preview:
    """What the next push of a subscription would hold, or why it would hold nothing. `period` is
    the lists it covers (a weekly or monthly push's whole period even when it has no list yet);
    `day` the last of them, when there is one to send."""

    subscription: Subscription | None
    due: datetime | None
    day: date | None
    selection: Selection
    empty_reason: Text | None = None
    period: DigestPeriod | None = None


class SubscriptionsMixin:
    """Subscribe, change and preview a destination's daily push (part of the PaperService facade)."""

    _store: Pushes
    _today_so_far: bool

    async def subscription(self, destination: Destination) -> Subscription | None:
        return await self._store.get_subscription(destination)

    async def subscribe(
        self,
        destination: Destination,
        *,
        chat_type: str,
        title: str | None,
        by: str | None,
        language: Lang,
        send_time: time | None = None,
        time_zone: str | None = None,
    ) -> tuple[Subscription, bool]:
        """Start (or resume, keeping earlier settings) the daily push; returns it and whether it is new."""
        existing = await self._store.get_subscription(destination)
        changes: dict[str, object] = {"active": True, "paused_reason": None, "title": title, "changed_by": by}
        if send_time is not None:
            changes["send_time"] = send_time
        if time_zone is not None:
            changes["time_zone"] = time_zone
        if existing is None:
            changes |= {
                "destination": destination,
                "chat_type": chat_type,
                "created_by": by,
                "language": language,
            }
            subscription = Subscription.model_validate(changes)
        else:
            resumed = not existing.delivering
            subscription = _changed(existing, changes | ({"active_since": _utcnow()} if resumed else {}))
        await self._store.save_subscription(subscription)
        return subscription, existing is None

    async def unsubscribe(self, destination: Destination, by: str | None) -> bool:
        """Stop the push, keeping the settings for a later /subscribe; False if there was none."""
        existing = await self._store.get_subscription(destination)
        if existing is None or not existing.active:
            return False
        await self._store.save_subscription(_changed(existing, {"active": False, "changed_by": by}))
        return True

    async def update_subscription(
        self, destination: Destination, by: str | None, **changes: object
    ) -> Subscription:
        """Change some settings; invalid values raise UsageError, nothing is half-saved."""
        existing = await self._store.get_subscription(destination)
        if existing is None:
            raise NotFoundError(t("sub.none"))
        updated = _changed(existing, {**changes, "changed_by": by})
        offered = push_formats(destination.platform)
        if updated.format not in offered:  # not every platform has threads
            formats = ", ".join(offered)
            raise UsageError(t("sub.format_unavailable", format=updated.format, formats=formats))
        await self._store.save_subscription(updated)
        return updated

    async def pause(self, destination: Destination, reason: str) -> None:
        await pause_subscription(self._store, destination, reason)

    async def subscriptions_of_chat(self, platform: str, chat_id: str) -> list[Subscription]:
        """Every subscription of a chat, its forum topics included."""
        return [
            s
            for s in await self._store.list_subscriptions(platform=platform)
            if s.destination.chat_id == chat_id
        ]

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        return await self._store.move_chat(platform, old_chat_id, new_chat_id)

    async def subscriptions_managed_by(self, platform: str, user: str) -> list[Subscription]:
        """The subscriptions a user started or last changed (a Slack user's App Home lists them)."""
        return [
            s
            for s in await self._store.list_subscriptions(platform=platform)
            if user in (s.created_by, s.changed_by)
        ]

    async def preview(self, destination: Destination, now: datetime | None = None) -> Preview:
        """The next push: when, which day (or week, or month), which papers and why, or why it
        would be empty."""
        subscription = await self._store.get_subscription(destination)
        empty = Selection([])
        if subscription is None or not subscription.active:
            return Preview(subscription, None, None, empty, t("preview.not_subscribed"))
        if subscription.paused_reason:
            return Preview(
                subscription, None, None, empty, t("preview.paused", reason=subscription.paused_reason)
            )
        now = now or _utcnow()
        due = next_due(subscription, now)
        period, reason = await push_period(self._store, subscription, due, today_so_far=self._today_so_far)
        if period is None:
            nominal = period_of(subscription, due, complete_before(due))
            shown = nominal if nominal.spans_days else None
            return Preview(subscription, due, None, empty, await self._old_list(now) or reason, shown)
        selection = await selection_for(self._store, subscription, period.last, period=period)
        return Preview(subscription, due, period.last, selection, selection.empty_reason, period)

    async def _old_list(self, now: datetime) -> Text | None:
        """Why a push is empty when the newest list is older than any weekend or holiday explains:
        its date, its age and how to fetch what is missing (ingestion is likely off)."""
        latest = await self._store.latest_day()
        today = now.astimezone(UTC).date()
        if latest is None or (today - latest).days <= QUIET_DAYS:
            return None
        start = latest + timedelta(days=1)
        return t("preview.old_list", day=latest, days=(today - latest).days, start=start, today=today)


async def pause_subscription(store: Subscriptions, destination: Destination, reason: str) -> None:
    """The platform refused delivery for good (blocked, chat gone): stop pushing and say why."""
    existing = await store.get_subscription(destination)
    if existing is not None and existing.paused_reason != reason:
        await store.save_subscription(_changed(existing, {"paused_reason": reason}))


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _changed(subscription: Subscription, changes: dict[str, object]) -> Subscription:
    """A validated copy with `changes`; a bad value becomes a UsageError naming the setting."""
    try:
        return Subscription.model_validate(subscription.model_dump() | changes)
    except ValidationError as err:
        problem = err.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise UsageError(t("sub.bad_value", field=field, problem=problem["msg"])) from None
