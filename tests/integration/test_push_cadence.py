"""Weekly and monthly pushes end to end: scheduler, outbox, ledger, the real Telegram sender and the
fake Bot API, on a virtual clock, in real time zones (a daily push beside them, unchanged)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from pydantic import SecretStr

from bot.config import PushSettings
from bot.delivery import LIST_WAIT, Deliverer, Scheduler
from bot.models import Destination, DigestDay, Subscription
from bot.ports import Store
from bot.rounds import push_round
from bot.service import PaperService
from bot.views import preview_view
from handlers.telegram_adapter.config import TelegramSettings
from handlers.telegram_adapter.notifier import TelegramNotifier
from handlers.telegram_adapter.push_client import PushClient
from tests.clock import VirtualClock
from tests.conftest import PaperFactory
from tests.fakes.telegram_api import FakeTelegram

WEEKLY, MONTHLY, DAILY = 6001, 6002, 6003
SAMPLE_DAY = date(2025, 2, 24)  # a Monday
# Monday 3 March 2025, 09:00 in Berlin (CET): the weekly push of the week 24 Feb .. 2 Mar is due.
MONDAY = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
STAR = "2502.99001"  # listed on Wednesday with more votes than any paper of the sample day


@dataclass
class Rig:
    fake: FakeTelegram
    store: Store
    client: PushClient
    clock: VirtualClock
    settings: PushSettings

    def scheduler(self) -> Scheduler:
        return Scheduler(self.store, self.settings, self.clock)

    def deliverer(self) -> Deliverer:
        notifier = TelegramNotifier(self.client, TelegramSettings(token=SecretStr(self.fake.token)))
        return Deliverer(self.store, {"telegram": notifier}, self.settings, clock=self.clock)

    async def subscribe(self, chat_id: int, **settings: object) -> Destination:
        self.fake.add_chat(chat_id)
        destination = Destination(platform="telegram", chat_id=str(chat_id))
        values = {
            "destination": destination,
            "chat_type": "private",
            "send_time": time(9, 0),
            "time_zone": "Europe/Berlin",
            "active_since": datetime(2025, 1, 1, tzinfo=UTC),
            **settings,
        }
        await self.store.save_subscription(Subscription.model_validate(values))
        return destination

    async def run(self) -> None:
        await self.scheduler().enqueue_due()
        await self.deliverer().drain()

    def texts(self, chat_id: int) -> list[str]:
        return [message.text for message in self.fake.sent_to(chat_id)]

    async def list_day(self, day: date, *papers: tuple[str, int], make: PaperFactory) -> None:
        listed = [make(arxiv_id, votes=votes, title=f"Paper {arxiv_id}") for arxiv_id, votes in papers]
        await self.store.upsert_day(DigestDay(day=day, source="t", papers=listed))


@pytest.fixture
async def rig(store: Store, sample_day: DigestDay, make_paper: PaperFactory) -> AsyncIterator[Rig]:
    async with FakeTelegram(rate_limits=False) as fake:
        await store.upsert_day(sample_day)
        async with PushClient(fake.api_url, fake.token) as client:
            found = Rig(
                fake, store, client, VirtualClock(MONDAY + timedelta(minutes=1)), PushSettings(workers=4)
            )
            await found.list_day(date(2025, 2, 26), (STAR, 900), ("2502.99002", 0), make=make_paper)
            await found.list_day(date(2025, 2, 28), ("2502.99003", 3), make=make_paper)
            yield found


async def test_a_weekly_push_goes_out_once_with_the_weeks_best(rig: Rig) -> None:
    await rig.subscribe(WEEKLY, cadence="weekly", week_day=0, top_n=5)
    await rig.subscribe(DAILY)  # beside it, a daily push of the same hour: unchanged
    first = await rig.scheduler().enqueue_due()
    assert first.digests == 2
    await rig.deliverer().drain()
    [week] = rig.texts(WEEKLY)
    heading, items = week.split("\n", 1)
    assert heading == "The week's digest, 2025-02-24 – 2025-03-02: the top 5 Daily Papers"
    assert items.strip().startswith("1. Paper 2502.99001")  # Wednesday's paper tops the week
    sample_best = (await rig.store.top(SAMPLE_DAY, limit=4))[:4]
    assert all(paper.title in week for paper in sample_best)  # then Monday's best
    assert "Paper 2502.99003" not in week  # 3 votes: not in the top 5
    [day] = rig.texts(DAILY)
    assert day.startswith("Daily Papers of 2025-02-28: the top 1")  # the last list alone
    # One push per period: later rounds the same day, and the next days, send nothing more.
    for later in (timedelta(hours=1), timedelta(days=1), timedelta(days=6)):
        rig.clock.set(MONDAY + later)
        await rig.scheduler().enqueue_due()
        await rig.deliverer().drain()
    assert len(rig.texts(WEEKLY)) == 1


async def test_the_next_week_never_repeats_a_paper_and_a_quiet_week_stays_quiet(
    rig: Rig, make_paper: PaperFactory
) -> None:
    await rig.subscribe(WEEKLY, cadence="weekly", week_day=0, top_n=3)
    await rig.run()
    # The star is listed again next week (a v2, with more votes): it is not sent twice.
    await rig.list_day(date(2025, 3, 5), ("2502.99001v2", 950), ("2503.11111", 20), make=make_paper)
    rig.clock.set(MONDAY + timedelta(days=7, minutes=1))
    await rig.run()
    second = rig.texts(WEEKLY)[1]
    assert second.startswith("The week's digest, 2025-03-03 – 2025-03-09: the top 1 Daily Papers")
    assert "Paper 2503.11111" in second
    assert "Paper 2502.99001" not in second
    # A week with lists but nothing new (all sent): no message without notify_empty.
    await rig.list_day(date(2025, 3, 12), ("2503.11111", 25), make=make_paper)
    rig.clock.set(MONDAY + timedelta(days=14, minutes=1))
    await rig.run()
    assert len(rig.texts(WEEKLY)) == 2
    assert (await rig.store.stats()).outbox_sent == 3  # the quiet week's push is settled, not left pending


async def test_notify_empty_says_a_week_had_nothing_new(rig: Rig, make_paper: PaperFactory) -> None:
    await rig.subscribe(WEEKLY, cadence="weekly", week_day=0, top_n=1, include=("quantum gravity",))
    await rig.subscribe(
        WEEKLY + 10, cadence="weekly", week_day=0, notify_empty=True, include=("quantum gravity",)
    )
    await rig.run()
    assert rig.texts(WEEKLY) == []  # every paper filtered out: nothing to say
    assert rig.texts(WEEKLY + 10) == [
        "The week's digest, 2025-02-24 – 2025-03-02: nothing new for you this week (/preview says why)."
    ]
    # A week without any list: the note of a day without a new list, once.
    rig.clock.set(MONDAY + timedelta(days=7, minutes=1))
    await rig.run()
    await rig.run()
    assert rig.texts(WEEKLY + 10)[1:] == [
        "No new Daily Papers list since 2025-02-28 (weekends and holidays have none)."
    ]


async def test_a_monthly_push_covers_the_previous_calendar_month(rig: Rig, make_paper: PaperFactory) -> None:
    await rig.list_day(date(2025, 1, 31), ("2501.99999", 5000), make=make_paper)  # January's: not in it
    await rig.list_day(date(2025, 3, 1), ("2503.00001", 5000), make=make_paper)  # March's: not yet
    await rig.subscribe(MONTHLY, cadence="monthly", month_day=1, time_zone="UTC", top_n=3)
    rig.clock.set(datetime(2025, 3, 1, 9, 1, tzinfo=UTC))
    await rig.run()
    [month] = rig.texts(MONTHLY)
    assert month.startswith("The month's digest, 2025-02-01 – 2025-02-28: the top 3 Daily Papers")
    assert "Paper 2502.99001" in month
    assert "2501.99999" not in month
    assert "2503.00001" not in month
    rig.clock.set(datetime(2025, 3, 2, 9, 1, tzinfo=UTC))
    await rig.run()
    assert len(rig.texts(MONTHLY)) == 1


async def test_a_monthly_push_on_the_31st_goes_out_on_the_last_day_of_february(
    rig: Rig, make_paper: PaperFactory
) -> None:
    await rig.subscribe(MONTHLY, cadence="monthly", month_day=31, time_zone="Asia/Seoul", top_n=2)
    rig.clock.set(datetime(2025, 2, 28, 0, 1, tzinfo=UTC))  # 28 February, 09:01 in Seoul
    await rig.run()
    [february] = rig.texts(MONTHLY)
    # Since the day after the list January's push (31 January, 09:00 KST = 00:00 UTC) carried.
    assert february.startswith("The month's digest, 2025-01-31 – 2025-02-27: the top 2 Daily Papers")


async def test_dst_week_in_berlin_sends_once_at_the_first_minute_after_the_gap(
    rig: Rig, make_paper: PaperFactory
) -> None:
    await rig.list_day(date(2025, 3, 21), ("2503.22222", 800), make=make_paper)  # the week before
    await rig.list_day(date(2025, 3, 27), ("2503.27777", 10), make=make_paper)
    await rig.subscribe(WEEKLY, cadence="weekly", week_day=6, send_time=time(2, 30), top_n=3)
    rig.clock.set(datetime(2025, 3, 30, 0, 59, tzinfo=UTC))  # 01:59 CET: the clocks jump at 02:00
    await rig.run()
    assert rig.texts(WEEKLY) == []
    rig.clock.set(datetime(2025, 3, 30, 1, 0, tzinfo=UTC))  # 03:00 CEST: 02:30 never happened
    await rig.run()
    [week] = rig.texts(WEEKLY)
    assert week.startswith("The week's digest, 2025-03-23 – 2025-03-29: the top 1 Daily Papers")
    assert "Paper 2503.27777" in week
    for hour in (2, 3, 12):
        rig.clock.set(datetime(2025, 3, 30, hour, 0, tzinfo=UTC))
        await rig.run()
    assert len(rig.texts(WEEKLY)) == 1
    await rig.list_day(date(2025, 4, 2), ("2504.02222", 7), make=make_paper)
    rig.clock.set(datetime(2025, 4, 6, 0, 31, tzinfo=UTC))  # the next Sunday, 02:31 CEST
    await rig.run()
    assert rig.texts(WEEKLY)[1].startswith("The week's digest, 2025-03-30 – 2025-04-05: the top 1")


async def test_dst_week_in_new_york_sends_the_repeated_hour_once(rig: Rig, make_paper: PaperFactory) -> None:
    await rig.list_day(date(2025, 10, 30), ("2510.30000", 10), make=make_paper)
    await rig.subscribe(
        WEEKLY, cadence="weekly", week_day=6, send_time=time(1, 30), time_zone="America/New_York"
    )
    for at in (datetime(2025, 11, 2, 5, 31, tzinfo=UTC), datetime(2025, 11, 2, 6, 31, tzinfo=UTC)):
        rig.clock.set(at)  # 01:31 EDT, then 01:31 EST (the hour repeats)
        await rig.run()
    [week] = rig.texts(WEEKLY)
    assert week.startswith("The week's digest, 2025-10-26 – 2025-11-01: the top 1 Daily Papers")


async def test_a_week_whose_lists_come_late_still_goes_out_within_the_grace_window(
    rig: Rig, make_paper: PaperFactory
) -> None:
    await rig.subscribe(WEEKLY, cadence="weekly", week_day=0, top_n=2)
    await rig.run()
    rig.clock.set(MONDAY + timedelta(days=7, minutes=1))  # ingestion lags: no list of the week yet
    assert (await rig.scheduler().enqueue_due()).digests == 0
    await rig.list_day(date(2025, 3, 6), ("2503.66666", 12), make=make_paper)
    rig.clock.advance(LIST_WAIT.total_seconds())
    await rig.run()
    assert rig.texts(WEEKLY)[1].startswith(
        "The week's digest, 2025-03-03 – 2025-03-09: the top 1 Daily Papers"
    )


async def test_a_weekly_push_resumed_after_a_crash_sends_the_same_papers(
    rig: Rig, make_paper: PaperFactory
) -> None:
    await rig.subscribe(WEEKLY, cadence="weekly", week_day=0, format="cards", top_n=5)
    await rig.scheduler().enqueue_due()
    crashed = asyncio.create_task(rig.deliverer().drain())
    await rig.fake.wait_sent(3)
    crashed.cancel()  # the process dies with the push half sent
    with pytest.raises(asyncio.CancelledError):
        await crashed
    # Meanwhile a paper of the week overtakes the rest: the push it started does not change.
    await rig.list_day(date(2025, 2, 27), ("2502.77777", 5000), make=make_paper)
    rig.clock.advance(rig.settings.lease_seconds + 1)
    await rig.deliverer().drain()
    titles = [text.split("\n")[0] for text in rig.texts(WEEKLY)]
    assert titles[0] == "The week's digest, 2025-02-24 – 2025-03-02: the top 5 Daily Papers"
    assert len(set(titles)) == 6  # the heading and five cards
    assert not any("2502.77777" in text for text in rig.texts(WEEKLY))


async def test_a_push_by_hand_carries_the_week_ending_with_the_latest_list(rig: Rig) -> None:
    await rig.subscribe(WEEKLY, cadence="weekly", week_day=3, top_n=2)
    await rig.subscribe(MONTHLY, cadence="monthly", month_day=20, top_n=2)
    report = await rig.scheduler().enqueue_due(everyone_now=True)
    assert report.digests == 2
    await rig.deliverer().drain()
    assert rig.texts(WEEKLY)[0].startswith(
        "The week's digest, 2025-02-22 – 2025-02-28: the top 2 Daily Papers"
    )
    assert rig.texts(MONTHLY)[0].startswith(
        "The month's digest, 2025-01-29 – 2025-02-28: the top 2 Daily Papers"
    )


async def test_changing_the_cadence_asks_for_a_fresh_look_and_the_preview_explains(
    rig: Rig, service: PaperService
) -> None:
    home = await rig.subscribe(WEEKLY, top_n=2)  # daily at first
    rig.clock.set(datetime(2025, 2, 25, 8, 1, tzinfo=UTC))
    await rig.run()
    assert rig.texts(WEEKLY)[0].startswith("Daily Papers of 2025-02-24: the top 2")
    assert await rig.store.subscriptions_due(rig.clock.now(), after=None, limit=10) == []
    changed = await service.update_subscription(home, "admin", cadence="weekly", week_day=4)
    assert (changed.cadence, changed.week_day) == ("weekly", 4)
    [looked] = await rig.store.subscriptions_due(rig.clock.now(), after=None, limit=10)  # a fresh look
    assert looked.subscription.cadence == "weekly"
    view = preview_view(await service.preview(home, rig.clock.now()))
    assert view.next_push is not None
    assert view.next_push.render("en") == "Next push: 2025-02-28 09:00 Europe/Berlin"
    assert view.day is not None
    assert view.day.render("en") == (
        "The week's digest, every Friday: the top papers of the Daily Papers of 2025-02-21 – 2025-02-27"
    )
    assert view.day.render("ko").startswith("매주 금요일 주간 다이제스트")
    assert next(pick.title for pick in view.picks) == "Paper 2502.99001"  # the two sent are left out
    sent = {m.text for m in rig.fake.sent_to(WEEKLY)}
    assert not any(pick.title in text for pick in view.picks for text in sent)
    await rig.scheduler().enqueue_due()  # the fresh look: nothing is due before Friday
    rig.clock.set(datetime(2025, 2, 28, 8, 1, tzinfo=UTC))
    await rig.run()
    assert rig.texts(WEEKLY)[1].startswith(
        "The week's digest, 2025-02-21 – 2025-02-27: the top 2 Daily Papers"
    )


async def test_preview_of_a_month_and_of_a_week_without_a_list_yet(rig: Rig, service: PaperService) -> None:
    month = await rig.subscribe(MONTHLY, cadence="monthly", month_day=15, time_zone="UTC", top_n=2)
    view = preview_view(await service.preview(month, datetime(2025, 3, 2, tzinfo=UTC)))
    assert view.day is not None
    assert view.day.render("en") == (
        "The month's digest, on day 15 of each month (a shorter month: its last day): "
        "the top papers of the Daily Papers of 2025-02-15 – 2025-03-14"
    )
    assert next(pick.title for pick in view.picks) == "Paper 2502.99001"
    week = await rig.subscribe(WEEKLY, cadence="weekly", week_day=0)
    view = preview_view(await service.preview(week, MONDAY + timedelta(hours=2)))  # this week's went out
    assert view.day is not None
    assert view.empty_reason is not None
    assert "2025-03-03 – 2025-03-09" in view.day.render("en")
    assert view.empty_reason.render("en") == (
        "No Daily Papers list from 2025-03-03 to 2025-03-09 yet: the next push would be skipped."
    )
    assert view.picks == ()


async def test_a_run_round_enqueues_and_delivers_a_weekly_push(rig: Rig) -> None:
    """`paperboy run`'s rounds: enqueue and deliver side by side."""
    await rig.subscribe(WEEKLY, cadence="weekly", week_day=0, top_n=2)
    await rig.subscribe(MONTHLY, cadence="monthly", month_day=3, top_n=2)

    async def ready() -> None:
        return None

    report = await push_round(rig.scheduler(), rig.deliverer(), ready)
    assert report is not None
    assert report.digests == 2
    assert rig.texts(WEEKLY)[0].startswith("The week's digest, 2025-02-24 – 2025-03-02: the top 2")
    assert rig.texts(MONTHLY)[0].startswith("The month's digest, 2025-02-03 – 2025-03-02: the top 2")
    again = await push_round(rig.scheduler(), rig.deliverer(), ready)
    assert again is not None
    assert again.digests == 0


async def test_a_week_waits_for_its_last_list_within_the_grace_window(
    rig: Rig, make_paper: PaperFactory
) -> None:
    """Saturday's push carries the week up to Friday: Friday's list is late (Fridays have lists: the
    last one had), so the push waits for it instead of leaving its papers out of every digest."""
    await rig.list_day(date(2025, 3, 5), ("2503.55555", 10), make=make_paper)
    await rig.subscribe(WEEKLY, cadence="weekly", week_day=5, time_zone="UTC", notify_empty=True, top_n=2)
    await rig.subscribe(WEEKLY + 10, cadence="weekly", week_day=5, time_zone="UTC", top_n=2)
    due = datetime(2025, 3, 8, 9, 0, tzinfo=UTC)
    rig.clock.set(due + timedelta(minutes=1))
    await rig.run()
    assert rig.texts(WEEKLY) == rig.texts(WEEKLY + 10) == []  # held: no digest, no note
    rig.clock.set(due + timedelta(minutes=40))
    await rig.list_day(date(2025, 3, 7), ("2503.77777", 70), make=make_paper)  # it comes
    rig.clock.advance(LIST_WAIT.total_seconds())
    await rig.run()
    for chat in (WEEKLY, WEEKLY + 10):
        [week] = rig.texts(chat)
        assert week.startswith("The week's digest, 2025-03-01 – 2025-03-07: the top 2 Daily Papers")
        assert week.index("Paper 2503.77777") < week.index("Paper 2503.55555")


async def test_a_week_whose_last_list_never_comes_goes_out_before_the_grace_window_ends(
    rig: Rig, make_paper: PaperFactory
) -> None:
    await rig.list_day(date(2025, 3, 5), ("2503.55555", 10), make=make_paper)
    await rig.subscribe(WEEKLY, cadence="weekly", week_day=5, time_zone="UTC")
    due = datetime(2025, 3, 8, 9, 0, tzinfo=UTC)
    rig.clock.set(due + timedelta(minutes=1))
    await rig.run()
    last_look = due + timedelta(hours=rig.settings.grace_hours) - LIST_WAIT
    rig.clock.set(last_look - timedelta(minutes=1))
    await rig.run()
    assert rig.texts(WEEKLY) == []  # one more look is left within the grace window
    rig.clock.set(last_look + timedelta(seconds=20))  # a round a little late
    await rig.run()
    [week] = rig.texts(WEEKLY)
    assert week.startswith("The week's digest, 2025-03-01 – 2025-03-07: the top 1 Daily Papers")
