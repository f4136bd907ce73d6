"""Due times in real IANA zones, across the DST changes that break cron-style schedulers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.models import Destination, Subscription
from bot.schedule import complete_before, is_stale, local_due, next_due, previous_due

HOME = Destination(platform="telegram", chat_id="1")


def sub(at: time, zone: str, weekdays: frozenset[int] = frozenset(range(7))) -> Subscription:
    return Subscription(
        destination=HOME, chat_type="private", send_time=at, time_zone=zone, weekdays=weekdays
    )


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # Spring forward: 02:00-03:00 does not exist; 02:30 goes out at 03:00 local.
        ("America/New_York", date(2025, 3, 9), time(2, 30), utc(2025, 3, 9, 7, 0)),
        # Fall back: 01:30 happens twice; it is sent once, at the first (EDT) occurrence.
        ("America/New_York", date(2025, 11, 2), time(1, 30), utc(2025, 11, 2, 5, 30)),
        ("Europe/Berlin", date(2025, 3, 30), time(2, 30), utc(2025, 3, 30, 1, 0)),
        ("Europe/Berlin", date(2025, 10, 26), time(2, 30), utc(2025, 10, 26, 0, 30)),
        # Lord Howe moves by half an hour: 02:00-02:30 is skipped in October ...
        ("Australia/Lord_Howe", date(2025, 10, 5), time(2, 15), utc(2025, 10, 4, 15, 30)),
        # ... and 01:30-02:00 repeats in April.
        ("Australia/Lord_Howe", date(2025, 4, 6), time(1, 45), utc(2025, 4, 5, 14, 45)),
        ("Asia/Seoul", date(2025, 2, 24), time(8, 0), utc(2025, 2, 23, 23, 0)),
    ],
)
def test_local_due(zone: str, day: date, at: time, expected: datetime) -> None:
    assert local_due(day, at, ZoneInfo(zone)) == expected


def test_one_push_per_local_day_across_the_fold() -> None:
    subscription = sub(time(1, 30), "America/New_York")
    first = next_due(subscription, utc(2025, 11, 2, 0, 0))
    second = next_due(subscription, first)
    assert first == utc(2025, 11, 2, 5, 30)
    assert second == utc(2025, 11, 3, 6, 30)  # not 06:30 on Nov 2, the repeated 01:30


def test_weekdays_are_respected() -> None:
    weekdays_only = sub(time(9, 0), "Europe/Berlin", frozenset(range(5)))
    friday_evening = utc(2025, 2, 21, 18, 0)
    assert next_due(weekdays_only, friday_evening) == utc(2025, 2, 24, 8, 0)  # Monday 09:00 CET
    assert previous_due(weekdays_only, utc(2025, 2, 24, 8, 0)) == utc(2025, 2, 21, 8, 0)


def test_due_is_strictly_after() -> None:
    daily = sub(time(9, 0), "UTC")
    assert next_due(daily, utc(2025, 2, 24, 9, 0)) == utc(2025, 2, 25, 9, 0)
    assert next_due(daily, utc(2025, 2, 24, 8, 59)) == utc(2025, 2, 24, 9, 0)


def test_complete_day_is_the_day_before_in_utc() -> None:
    assert complete_before(utc(2025, 2, 25, 0, 0)) == date(2025, 2, 24)
    seoul_morning = datetime(2025, 2, 25, 8, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # 23:00 UTC the day before
    assert complete_before(seoul_morning) == date(2025, 2, 23)


def test_old_lists_are_stale() -> None:
    monday_push = utc(2025, 3, 3, 8, 0)  # the last complete list would be Sunday's
    assert not is_stale(date(2025, 3, 2), monday_push)
    assert not is_stale(date(2025, 2, 28), monday_push)  # Friday's, across a weekend without lists
    assert is_stale(date(2025, 2, 27), monday_push)
