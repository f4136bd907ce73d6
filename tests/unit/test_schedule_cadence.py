"""Weekly and monthly due times in real IANA zones: DST gaps and folds, short months, the year's end,
and the period each push covers (every day once, push after push)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.models import Destination, Subscription
from bot.schedule import (
    DigestPeriod,
    cadence_text,
    complete_before,
    is_due_day,
    latest_due,
    month_due_day,
    next_due,
    period_of,
    previous_due,
)
from bot.views import subscribed_text

HOME = Destination(platform="telegram", chat_id="1")


def weekly(week_day: int, at: time = time(9, 0), zone: str = "UTC") -> Subscription:
    return Subscription(
        destination=HOME,
        chat_type="private",
        cadence="weekly",
        week_day=week_day,
        send_time=at,
        time_zone=zone,
    )


def monthly(month_day: int, at: time = time(9, 0), zone: str = "UTC") -> Subscription:
    return Subscription(
        destination=HOME,
        chat_type="private",
        cadence="monthly",
        month_day=month_day,
        send_time=at,
        time_zone=zone,
    )


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_weekly_is_due_on_its_weekday_only() -> None:
    friday = weekly(4, zone="Europe/Berlin")
    monday_morning = utc(2025, 2, 24, 6, 0)
    assert next_due(friday, monday_morning) == utc(2025, 2, 28, 8, 0)  # Friday 09:00 CET
    assert next_due(friday, utc(2025, 2, 28, 8, 0)) == utc(2025, 3, 7, 8, 0)  # strictly after
    assert previous_due(friday, utc(2025, 3, 6, 12, 0)) == utc(2025, 2, 28, 8, 0)
    assert latest_due(friday, utc(2025, 2, 28, 8, 0)) == utc(2025, 2, 28, 8, 0)  # at the instant itself
    # The weekdays chosen for a daily push play no part in a weekly one.
    assert friday.model_copy(update={"weekdays": frozenset({0})}).cadence == "weekly"
    assert next_due(friday.model_copy(update={"weekdays": frozenset({0})}), monday_morning) == utc(
        2025, 2, 28, 8
    )


@pytest.mark.parametrize(
    ("zone", "week_day", "at", "after", "first", "second"),
    [
        # Berlin springs forward on Sunday 2025-03-30: 02:30 does not exist and goes out at 03:00 CEST.
        ("Europe/Berlin", 6, time(2, 30), utc(2025, 3, 24), utc(2025, 3, 30, 1, 0), utc(2025, 4, 6, 0, 30)),
        # New York falls back on Sunday 2025-11-02: 01:30 happens twice and is sent once, the first time.
        (
            "America/New_York",
            6,
            time(1, 30),
            utc(2025, 10, 27),
            utc(2025, 11, 2, 5, 30),
            utc(2025, 11, 9, 6, 30),
        ),
        # New York springs forward on Sunday 2025-03-09: a Monday push moves from 14:00 to 13:00 UTC.
        (
            "America/New_York",
            0,
            time(9, 0),
            utc(2025, 3, 4),
            utc(2025, 3, 10, 13, 0),
            utc(2025, 3, 17, 13, 0),
        ),
        # Berlin falls back on Sunday 2025-10-26: a Monday push moves from 07:00 to 08:00 UTC.
        ("Europe/Berlin", 0, time(9, 0), utc(2025, 10, 21), utc(2025, 10, 27, 8, 0), utc(2025, 11, 3, 8, 0)),
    ],
)
def test_weekly_across_daylight_saving_changes(
    zone: str, week_day: int, at: time, after: datetime, first: datetime, second: datetime
) -> None:
    subscription = weekly(week_day, at, zone)
    assert next_due(subscription, after) == first
    assert next_due(subscription, first) == second
    assert previous_due(subscription, second) == first


def test_weekly_across_the_year_end() -> None:
    thursday = weekly(3, time(18, 0), "Asia/Seoul")
    assert next_due(thursday, utc(2025, 12, 26)) == utc(2026, 1, 1, 9, 0)
    assert previous_due(thursday, utc(2026, 1, 1, 9, 0)) == utc(2025, 12, 25, 9, 0)


@pytest.mark.parametrize(
    ("year", "month", "month_day", "expected"),
    [(2025, 2, 31, 28), (2024, 2, 31, 29), (2024, 2, 30, 29), (2025, 2, 29, 28), (2025, 4, 31, 30),
     (2025, 3, 31, 31), (2025, 2, 28, 28), (2025, 6, 1, 1)],
)  # fmt: skip
def test_a_shorter_month_uses_its_last_day(year: int, month: int, month_day: int, expected: int) -> None:
    assert month_due_day(year, month, month_day) == expected
    assert is_due_day(monthly(month_day), date(year, month, expected))


def test_monthly_on_the_31st_through_a_year() -> None:
    subscription = monthly(31, time(9, 0), "Europe/Berlin")
    dues = [next_due(subscription, utc(2024, 1, 1))]
    while len(dues) < 13:
        dues.append(next_due(subscription, dues[-1]))
    local_days = [due.astimezone(ZoneInfo("Europe/Berlin")).date() for due in dues]
    assert local_days == [
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31),
        date(2024, 6, 30), date(2024, 7, 31), date(2024, 8, 31), date(2024, 9, 30), date(2024, 10, 31),
        date(2024, 11, 30), date(2024, 12, 31), date(2025, 1, 31),
    ]  # fmt: skip
    assert all(due.astimezone(ZoneInfo("Europe/Berlin")).time() == time(9, 0) for due in dues)
    assert previous_due(subscription, dues[2]) == dues[1]  # a month back, not a week


def test_monthly_in_a_daylight_saving_gap_and_fold() -> None:
    # The 30th of March 2025 at 02:30 in Berlin does not exist: 03:00 CEST instead.
    spring = monthly(30, time(2, 30), "Europe/Berlin")
    assert next_due(spring, utc(2025, 3, 1)) == utc(2025, 3, 30, 1, 0)
    # The 2nd of November 2025 at 01:30 in New York happens twice: once, at the first.
    fall = monthly(2, time(1, 30), "America/New_York")
    first = next_due(fall, utc(2025, 10, 3))
    assert first == utc(2025, 11, 2, 5, 30)
    assert next_due(fall, first) == utc(2025, 12, 2, 6, 30)


def test_monthly_across_the_year_end() -> None:
    subscription = monthly(31, time(23, 30), "America/New_York")
    assert next_due(subscription, utc(2025, 12, 1)) == utc(2025, 12, 1, 4, 30)  # Nov 30, 23:30 EST
    assert next_due(subscription, utc(2025, 12, 1, 4, 30)) == utc(2026, 1, 1, 4, 30)  # Dec 31
    assert next_due(subscription, utc(2026, 1, 1, 4, 30)) == utc(2026, 2, 1, 4, 30)  # Jan 31
    assert previous_due(subscription, utc(2026, 1, 1, 4, 30)) == utc(2025, 12, 1, 4, 30)  # Nov 30


def test_a_daily_push_covers_its_one_list() -> None:
    daily = Subscription(destination=HOME, chat_type="private")
    assert period_of(daily, utc(2025, 2, 25, 9), date(2025, 2, 24)) == DigestPeriod.daily(date(2025, 2, 24))


def test_a_weekly_push_covers_the_seven_days_ending_with_its_list() -> None:
    monday = weekly(0, time(9, 0), "Europe/Berlin")
    due = utc(2025, 3, 31, 7, 0)  # Monday 09:00 CEST, the day after the clocks went forward
    assert period_of(monday, due, complete_before(due)) == DigestPeriod(
        "weekly", date(2025, 3, 24), date(2025, 3, 30)
    )


def test_a_monthly_push_on_the_first_covers_the_previous_calendar_month() -> None:
    first = monthly(1)
    assert period_of(first, utc(2025, 3, 1, 9), date(2025, 2, 28)) == DigestPeriod(
        "monthly", date(2025, 2, 1), date(2025, 2, 28)
    )
    assert period_of(first, utc(2026, 1, 1, 9), date(2025, 12, 31)) == DigestPeriod(
        "monthly", date(2025, 12, 1), date(2025, 12, 31)
    )


@pytest.mark.parametrize("zone", ["UTC", "Asia/Seoul", "America/New_York", "Europe/Berlin"])
@pytest.mark.parametrize("month_day", [1, 15, 28, 29, 30, 31])
def test_successive_monthly_periods_cover_every_day_once(zone: str, month_day: int) -> None:
    """Over three years (a leap February among them), in zones ahead of and behind UTC."""
    subscription = monthly(month_day, time(8, 0), zone)
    due = next_due(subscription, utc(2023, 12, 1))
    covered: list[date] = []
    while due < utc(2027, 1, 1):
        period = period_of(subscription, due, complete_before(due))
        covered += [period.first + timedelta(days=i) for i in range((period.last - period.first).days + 1)]
        due = next_due(subscription, due)
    assert covered == [covered[0] + timedelta(days=i) for i in range(len(covered))]  # no gap, no repeat


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_successive_weekly_periods_cover_every_day_once_across_dst(zone: str) -> None:
    subscription = weekly(6, time(0, 30), zone)  # Sunday just after midnight: near the UTC date line
    due = next_due(subscription, utc(2025, 1, 1))
    covered: list[date] = []
    while due < utc(2026, 1, 1):
        period = period_of(subscription, due, complete_before(due))
        assert (period.last - period.first).days == 6
        covered += [period.first + timedelta(days=i) for i in range(7)]
        due = next_due(subscription, due)
    assert covered == [covered[0] + timedelta(days=i) for i in range(len(covered))]


def test_off_schedule_the_period_is_a_week_or_a_calendar_month() -> None:
    """`push --now`, or a schedule changed since the push was queued."""
    now = utc(2025, 3, 15, 12, 34)
    assert period_of(weekly(4), now, date(2025, 3, 14)) == DigestPeriod(
        "weekly", date(2025, 3, 8), date(2025, 3, 14)
    )
    assert period_of(monthly(1), now, date(2025, 3, 14)) == DigestPeriod(
        "monthly", date(2025, 2, 15), date(2025, 3, 14)
    )
    assert period_of(monthly(1), now, date(2025, 3, 31)) == DigestPeriod(
        "monthly", date(2025, 3, 1), date(2025, 3, 31)
    )
    assert period_of(monthly(1), now, date(2025, 1, 10)) == DigestPeriod(
        "monthly", date(2024, 12, 11), date(2025, 1, 10)
    )


def test_subscribe_answers_say_when_the_push_comes() -> None:
    friday = weekly(4, time(18, 30), "Asia/Seoul")
    assert (
        subscribed_text(friday, "Lab", new=True)
        .render("en")
        .startswith("Subscribed Lab: every Friday at 18:30 (Asia/Seoul), the top 10 papers.")
    )
    assert subscribed_text(friday, "Lab", new=False).render("ko") == (
        "Lab 구독을 바꿨습니다: 매주 금요일 18:30(Asia/Seoul)에 인기 논문 10편."
    )
    assert cadence_text(monthly(31)).render("en") == "on day 31 of each month at 09:00 (UTC)"
    assert cadence_text(monthly(31)).render("ko") == "매월 31일 09:00(UTC)에"
    daily = Subscription(destination=HOME, chat_type="private")
    assert subscribed_text(daily, "Me", new=False).render("en") == (
        "Subscription of Me updated: every day at 09:00 (UTC), the top 10 papers."
    )
