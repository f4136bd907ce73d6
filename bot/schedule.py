"""When a subscription is due, in its own time zone, safe across daylight-saving changes, and which
lists its push covers.

Cron-style triggers skip or double-fire when clocks jump (FACTS.md section 3), so due times are
computed from the subscriber's local calendar instead: a local time that a spring-forward gap
skips is sent at the first minute after the gap, and a time that an autumn fold repeats is sent
once, at its first occurrence.

A daily push is due on the chosen weekdays, a weekly one on its `week_day`, a monthly one on its
`month_day` (the month's last day in a shorter month: 31 means the 30th in April, the 28th or 29th
in February). A daily push carries one list; a weekly or monthly one every list of its period: the
days since the list its previous push would have carried (`period_of`), so consecutive pushes
cover every day once, with no gap and no overlap.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Text, t
from bot.models import Cadence, Subscription
from bot.ports import Catalog, PushHistory

# Days searched for a due day: a week plus one holds every chosen weekday; a month's chosen day
# comes again within 31 days (the 31st of January, then the 28th of February), plus one.
_SEARCH_DAYS: dict[Cadence, int] = {"daily": 8, "weekly": 8, "monthly": 33}


def month_due_day(year: int, month: int, month_day: int) -> int:
    """The day of that month a monthly push goes out: `month_day`, or the month's last day."""
    return min(month_day, calendar.monthrange(year, month)[1])


def is_due_day(subscription: Subscription, day: date) -> bool:
    """Whether the subscription's push goes out on local `day` (at its send time)."""
    if subscription.cadence == "weekly":
        return day.weekday() == subscription.week_day
    if subscription.cadence == "monthly":
        return day.day == month_due_day(day.year, day.month, subscription.month_day)
    return day.weekday() in subscription.weekdays


def cadence_text(subscription: Subscription) -> Text:
    """When its pushes come, in words: every day, every Friday, or on day 15 of each month, at its
    time in its zone."""
    at = {"time": f"{subscription.send_time:%H:%M}", "zone": subscription.time_zone}
    if subscription.cadence == "weekly":
        return t("when.weekly", weekday=t(f"weekday.{subscription.week_day}"), **at)
    if subscription.cadence == "monthly":
        return t("when.monthly", day=subscription.month_day, **at)
    return t("when.daily", **at)


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
    for offset in range(_SEARCH_DAYS[subscription.cadence]):
        day = today + timedelta(days=offset)
        if not is_due_day(subscription, day):
            continue
        due = local_due(day, subscription.send_time, zone)
        if due > after:
            return due
    raise AssertionError("every cadence has a due day within its search window")


def previous_due(subscription: Subscription, before: datetime) -> datetime | None:
    """The last due instant strictly before `before`, within the past week (a month for a monthly
    push); None if none."""
    zone = subscription.zone
    today = before.astimezone(zone).date()
    for offset in range(_SEARCH_DAYS[subscription.cadence]):
        day = today - timedelta(days=offset)
        if not is_due_day(subscription, day):
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


@dataclass(frozen=True)
class DigestPeriod:
    """The lists a push carries, those of `first` to `last` (one day for a daily push)."""

    cadence: Cadence
    first: date
    last: date

    @classmethod
    def daily(cls, day: date) -> DigestPeriod:
        return cls("daily", day, day)

    @property
    def spans_days(self) -> bool:
        """A weekly or monthly push: its papers are the period's best, not one list's."""
        return self.cadence != "daily"


def _month_before(day: date) -> date:
    """The same day a calendar month earlier, or that month's last day (March 31 -> February 28)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_of(subscription: Subscription, due: datetime, last: date) -> DigestPeriod:
    """Which lists a push of `subscription` due at `due` carries, ending with the list of `last`.

    Daily: that list alone. Weekly or monthly, at one of its scheduled times: every day after the
    list its previous push carried (the day `complete_before` its previous due time), so that
    successive pushes cover each day once: seven days, or the days since the last month's push (the
    whole previous calendar month for a push on the 1st). Off its schedule (`push --now`, or the
    schedule changed since the push was queued): the 7 days, or the calendar month, ending with `last`.
    """
    cadence = subscription.cadence
    if cadence == "daily":
        return DigestPeriod.daily(last)
    first = _scheduled_start(subscription, due)
    if first is None and cadence == "weekly":
        first = last - timedelta(days=6)
    elif first is None:
        first = _month_before(last) + timedelta(days=1)
    return DigestPeriod(cadence, min(first, last), last)


# Period starts by schedule and due time: the deliverer and the renderers ask for each push's
# period several times, and thousands of pushes share a schedule. Bounded: cleared when full.
_STARTS: dict[tuple[object, ...], date | None] = {}
_STARTS_LIMIT = 4096


def _scheduled_start(subscription: Subscription, due: datetime) -> date | None:
    """The day after the list of the previous push, when `due` is one of its scheduled times."""
    s = subscription
    key = (s.cadence, s.week_day, s.month_day, s.weekdays, s.send_time, s.time_zone, due)
    if key not in _STARTS:
        if len(_STARTS) >= _STARTS_LIMIT:
            _STARTS.clear()
        previous = previous_due(subscription, due) if latest_due(subscription, due) == due else None
        _STARTS[key] = complete_before(previous) + timedelta(days=1) if previous is not None else None
    return _STARTS[key]


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
    day = await _latest_list(store, expected_day(due, today_so_far=today_so_far), cache)
    if day is None:
        return None, t("preview.no_list_yet")
    if is_stale(day, due) and not manual:
        return None, t("preview.no_new_list", day=day)
    return day, None


async def _latest_list(store: Catalog, bound: date, cache: DayCache | None) -> date | None:
    if cache is not None and bound in cache:
        return cache[bound]
    day = await store.latest_day(on_or_before=bound)
    if cache is not None:
        cache[bound] = day
    return day


async def has_list(store: Catalog, day: date, cache: DayCache | None = None) -> bool:
    """Whether the list of `day` is stored."""
    return await _latest_list(store, day, cache) == day


async def period_for(
    store: Catalog, subscription: Subscription, due: datetime, *, cache: DayCache | None = None
) -> tuple[DigestPeriod | None, Text | None]:
    """The period a weekly or monthly push due at `due` carries, or why there is none (no list in
    it). It ends with the last complete day whether or not its list has come (the outbox keys the
    push by that day, so a period gets one push: the scheduler holds it a while for a late last
    list); whole days only (`today_so_far` is for daily pushes: a week's best by votes is no place
    for a list still filling up)."""
    period = period_of(subscription, due, complete_before(due))
    day = await _latest_list(store, period.last, cache)
    if day is None:
        return None, t("preview.no_list_yet")
    if day < period.first:
        return None, t("preview.no_list_in_period", first=period.first, last=period.last)
    return period, None


async def push_period(
    store: PushHistory, subscription: Subscription, due: datetime, *, today_so_far: bool = False
) -> tuple[DigestPeriod | None, Text | None]:
    """What /preview shows for any cadence: the lists the push due at `due` carries (`push_day`
    for a daily one, `period_for` else), or why it carries none."""
    if subscription.cadence == "daily":
        day, reason = await push_day(store, subscription, due, today_so_far=today_so_far)
        return (DigestPeriod.daily(day) if day is not None else None), reason
    period, reason = await period_for(store, subscription, due)
    if period is None:
        return None, reason
    pushed = await store.enqueued_at(subscription.destination, "digest", period.last)
    if pushed is not None and pushed < due:
        return None, t("preview.period_sent", first=period.first, last=period.last)
    return period, None


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
