"""When a subscription is due, in its own time zone, safe across daylight-saving changes.

Cron-style triggers skip or double-fire when clocks jump (FACTS.md section 3), so due times are
computed from the subscriber's local calendar instead: a local time that a spring-forward gap
skips is sent at the first minute after the gap, and a time that an autumn fold repeats is sent
once, at its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Text, t
from bot.models import Subscription
from bot.ports import Catalog, PushHistory

_SEARCH_DAYS = 8  # a week plus one: some chosen weekday always falls in it


def local_due(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `at` on local `day`; a time inside a DST gap moves to the gap's end."""
    wall = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first of two repeated times
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        # The wall time does not exist: walk minutes forward until one does.
        probe = wall.replace(tzinfo=None)
        while True:
            probe += timedelta(minutes=1)
            candidate = probe.replace(tzinfo=zone)
            if candidate.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == probe:
                return candidate.astimezone(UTC)
    return instant


def next_due(subscription: Subscription, after: datetime) -> datetime:
    """The first due instant strictly after `after` (an aware datetime), in UTC."""
    zone = subscription.zone
    today = after.astimezone(zone).date()
    for offset in range(_SEARCH_DAYS):
        day = today + timedelta(days=offset)
        if day.weekday() not in subscription.weekdays:
            continue
        due = local_due(day, subscription.send_time, zone)
        if due > after:
            return due
    raise AssertionError("a non-empty weekday set always has a day within a week")


def previous_due(subscription: Subscription, before: datetime) -> datetime | None:
    """The last due instant strictly before `before`, within the past week; None if none."""
    zone = subscription.zone
    today = before.astimezone(zone).date()
    for offset in range(_SEARCH_DAYS):
        day = today - timedelta(days=offset)
        if day.weekday() not in subscription.weekdays:
            continue
        due = local_due(day, subscription.send_time, zone)
        if due < before:
            return due
    return None


def complete_before(instant: datetime) -> date:
    """The last Daily Papers day that has ended by `instant`: lists fill up during their own (UTC) day."""
    return instant.astimezone(UTC).date() - timedelta(days=1)


def expected_day(due: datetime, *, today_so_far: bool = False) -> date:
    """The list a push due at `due` should carry when every list came on time: the last complete
    day, or (`today_so_far`) the due day's own list as it stands."""
    return due.astimezone(UTC).date() if today_so_far else complete_before(due)


# A list older than this when a push is due is old news: it is not sent, even to a new subscriber.
STALE_AFTER = timedelta(days=2)


def is_stale(day: date, due: datetime) -> bool:
    """Whether the list of `day` is too old to push at `due` (a weekend's gap is not)."""
    return day < complete_before(due) - STALE_AFTER


def latest_due(subscription: Subscription, now: datetime) -> datetime | None:
    """The most recent due instant at or before `now`."""
    return previous_due(subscription, now + timedelta(microseconds=1))


DayCache = dict[date, date | None]


async def list_for(
    store: Catalog,
    due: datetime,
    *,
    today_so_far: bool = False,
    manual: bool = False,
    cache: DayCache | None = None,
) -> tuple[date | None, Text | None]:
    """The list a push due at `due` would carry, or why there is none: the latest complete day by
    default (a list fills up during its own UTC day), unless it is stale and the push was not asked
    for by hand. `cache` shares the lookup between subscribers due at the same time."""
    bound = expected_day(due, today_so_far=today_so_far)
    if cache is not None and bound in cache:
        day = cache[bound]
    else:
        day = await store.latest_day(on_or_before=bound)
        if cache is not None:
            cache[bound] = day
    if day is None:
        return None, t("preview.no_list_yet")
    if is_stale(day, due) and not manual:
        return None, t("preview.no_new_list", day=day)
    return day, None


async def push_day(
    store: PushHistory, subscription: Subscription, due: datetime, *, today_so_far: bool = False
) -> tuple[date | None, Text | None]:
    """What /preview shows: `list_for`, and none when that list already went to this destination
    at an earlier due time (a weekend without a new list)."""
    day, reason = await list_for(store, due, today_so_far=today_so_far)
    if day is None:
        return None, reason
    pushed = await store.enqueued_at(subscription.destination, "digest", day)
    if pushed is not None and pushed < due:
        return None, t("preview.no_new_list", day=day)
    return day, None
