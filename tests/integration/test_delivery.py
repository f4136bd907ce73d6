"""The daily push end to end: scheduler, outbox, ledger, the real Telegram sender, the fake Bot API."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import SecretStr

import bot.delivery
import storage.sqlite
from bot.config import PushSettings
from bot.delivery import LIST_WAIT, Deliverer, Scheduler
from bot.models import Destination, DigestDay, Subscription
from bot.ports import Enqueued, Store
from bot.ratelimit import RateLimiter
from bot.rounds import push_round
from handlers.telegram_adapter.config import TelegramSettings
from handlers.telegram_adapter.notifier import TelegramNotifier
from handlers.telegram_adapter.push_client import PushClient
from storage.sqlite import SqliteStore
from tests.clock import VirtualClock
from tests.conftest import PaperFactory
from tests.fakes.telegram_api import FakeTelegram
from tests.stops_after import StopsAfter

USER, GROUP, FORUM = 5001, -100800, -100900
# 09:00 in Seoul on the day after the sample list: the list of the 24th is complete.
DUE = datetime(2025, 2, 25, 0, 0, tzinfo=UTC)


@dataclass
class Push:
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

    async def subscribe(
        self, chat_id: int, chat_type: str = "private", thread: str = "", **settings: object
    ) -> Destination:
        destination = Destination(platform="telegram", chat_id=str(chat_id), thread_id=thread)
        values = {
            "destination": destination,
            "chat_type": chat_type,
            "send_time": time(9, 0),
            "time_zone": "Asia/Seoul",
            "active_since": DUE - timedelta(days=1),
            **settings,
        }
        await self.store.save_subscription(Subscription.model_validate(values))
        return destination

    async def run(self) -> None:
        await self.scheduler().enqueue_due()
        await self.deliverer().drain()


@pytest.fixture
async def push(store: Store, sample_day: DigestDay) -> AsyncIterator[Push]:
    async with FakeTelegram(rate_limits=False) as fake:
        fake.add_chat(USER)
        fake.add_chat(GROUP, "supergroup", title="Readers")
        fake.add_chat(FORUM, "supergroup", title="Lab", is_forum=True)
        await store.upsert_day(sample_day)
        async with PushClient(fake.api_url, fake.token) as client:
            yield Push(
                fake,
                store,
                client,
                VirtualClock(DUE + timedelta(minutes=1)),
                PushSettings(workers=4, retry_seconds=1),
            )


async def test_due_push_goes_out_once_to_chat_group_and_topic(push: Push) -> None:
    await push.subscribe(USER)
    await push.subscribe(GROUP, "supergroup", top_n=3)
    await push.subscribe(FORUM, "supergroup", thread="7", format="cards", top_n=2)
    first = await push.scheduler().enqueue_due()
    again = await push.scheduler().enqueue_due()
    assert (first.digests, again.digests) == (3, 0)  # the scheduler may run twice: nothing new
    report = await push.deliverer().drain()
    assert (report.pushes, report.messages) == (3, 1 + 1 + 3)
    assert push.fake.sent_to(USER)[0].text.startswith("Daily Papers of 2025-02-24: the top 10")
    assert "4. " not in push.fake.sent_to(GROUP)[0].text
    topic = push.fake.sent_to(FORUM)
    assert [m.message_thread_id for m in topic] == [7, 7, 7]
    assert [m.method for m in topic] == ["sendMessage", "sendPhoto", "sendPhoto"]
    assert push.fake.errors == []
    await push.run()  # later the same day: nothing is due again
    assert len(push.fake.sent) == 5


async def test_not_before_its_time_and_not_after_the_grace_window(push: Push) -> None:
    await push.subscribe(USER)
    push.clock.set(DUE - timedelta(minutes=1))
    assert (await push.scheduler().enqueue_due()).digests == 0
    push.clock.set(DUE + timedelta(hours=5))  # the bot was down, but not for longer than the grace
    assert (await push.scheduler().enqueue_due()).digests == 1


async def test_a_push_missed_beyond_the_grace_window_is_skipped_not_sent_late(push: Push) -> None:
    await push.subscribe(USER)
    push.clock.set(DUE + timedelta(hours=7))  # the bot was down all morning
    assert (await push.scheduler().enqueue_due()).digests == 0
    push.clock.set(DUE + timedelta(hours=8))  # and it is not sent at the next rounds either
    assert (await push.scheduler().enqueue_due()).digests == 0
    push.clock.set(DUE + timedelta(days=1))  # the next day's goes out as usual
    assert (await push.scheduler().enqueue_due()).digests == 1


async def test_new_subscriber_gets_no_backlog(push: Push) -> None:
    await push.subscribe(USER, active_since=DUE + timedelta(seconds=30))
    assert (await push.scheduler().enqueue_due()).digests == 0


async def test_ledger_keeps_papers_from_coming_back(push: Push, make_paper: PaperFactory) -> None:
    await push.subscribe(USER, top_n=2)
    await push.run()
    next_day = date(2025, 2, 25)
    again = [make_paper("2502.15007v2", votes=500), make_paper("2502.20001", votes=1)]  # a v2 of a sent paper
    await push.store.upsert_day(DigestDay(day=next_day, source="t", papers=again))
    push.clock.set(DUE + timedelta(days=1, minutes=1))
    await push.run()
    second = push.fake.sent_to(USER)[1].text
    assert "LLM-Microscope" not in second  # its v2, listed again with more votes, is not sent again
    assert "Paper 2502.20001" in second


async def test_weekend_without_a_list_sends_a_note_when_asked(push: Push) -> None:
    await push.subscribe(USER, notify_empty=True)
    await push.run()
    push.clock.set(DUE + timedelta(days=1, minutes=1))  # no list for the 25th
    await push.run()
    assert (
        push.fake.sent_to(USER)[-1].text
        == "No new Daily Papers list since 2025-02-24 (weekends and holidays have none)."
    )
    await push.run()
    assert len(push.fake.sent_to(USER)) == 2


async def test_the_scheduler_goes_page_by_page_and_each_push_is_enqueued_once(
    push: Push, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.delivery, "SUBSCRIPTION_PAGE", 2)
    await push.subscribe(USER, notify_empty=True)
    await push.subscribe(GROUP, "supergroup", top_n=3)
    await push.subscribe(FORUM, "supergroup", thread="7", top_n=2)
    await push.subscribe(FORUM, "supergroup", thread="8", active_since=DUE + timedelta(seconds=30))
    await push.subscribe(FORUM, "supergroup", thread="9", notify_empty=True, active=False)
    first = await push.scheduler().enqueue_due()
    again = await push.scheduler().enqueue_due()
    assert (first.digests, first.notes, again.digests, again.notes) == (3, 0, 0, 0)
    assert len(await push.scheduler().due()) == 3  # the new subscriber has no backlog
    push.clock.set(DUE + timedelta(days=1, minutes=1))  # no list for the 25th: a note, once
    later, last = await push.scheduler().enqueue_due(), await push.scheduler().enqueue_due()
    # The subscriber too new yesterday gets the 24th's list now (it never had it); the others a note
    # if they asked for one.
    assert (later.digests, later.notes, last.digests, last.notes) == (1, 1, 0, 0)


async def test_a_round_looks_only_at_subscriptions_whose_time_has_come(push: Push) -> None:
    """Once handled, a subscription is not read again before it is next due (O(due) rounds); a
    change of its settings has it looked at by the next round."""
    group = await push.subscribe(GROUP, "supergroup")
    await push.subscribe(USER)
    assert (await push.scheduler().enqueue_due()).digests == 2
    push.clock.set(DUE + timedelta(minutes=2))
    assert await push.store.subscriptions_due(push.clock.now(), after=None, limit=10) == []
    assert (await push.scheduler().enqueue_due()).digests == 0
    saved = await push.store.get_subscription(group)
    assert saved is not None
    await push.store.save_subscription(saved.model_copy(update={"top_n": 3}))
    [looked] = await push.store.subscriptions_due(push.clock.now(), after=None, limit=10)
    assert looked.subscription.destination == group
    assert (await push.scheduler().enqueue_due()).digests == 0  # the day went out already
    assert await push.store.subscriptions_due(push.clock.now(), after=None, limit=10) == []
    push.clock.set(DUE + timedelta(days=1))  # next due: both looked at again
    assert len(await push.store.subscriptions_due(push.clock.now(), after=None, limit=10)) == 2


async def test_a_list_that_comes_late_still_goes_out_within_the_grace_window(
    push: Push, make_paper: PaperFactory
) -> None:
    await push.subscribe(USER)
    await push.run()
    push.clock.set(DUE + timedelta(days=1))  # the 25th's list is not in yet (ingestion lags)
    assert (await push.scheduler().enqueue_due()).digests == 0
    late = date(2025, 2, 25)
    await push.store.upsert_day(DigestDay(day=late, source="t", papers=[make_paper("2502.90001")]))
    push.clock.advance(LIST_WAIT.total_seconds())
    assert (await push.scheduler().enqueue_due()).digests == 1
    assert await push.store.enqueued_at(Destination(platform="telegram", chat_id=str(USER)), "digest", late)
    push.clock.advance(3600)
    assert await push.store.subscriptions_due(push.clock.now(), after=None, limit=10) == []


class SlowPages:
    """The real store, each page of the scheduler's enqueue taking a while, and the order in which
    pages went in and messages went out."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self.events: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def enqueue_many(self, pushes: Sequence[Enqueued]) -> int:
        await asyncio.sleep(0.3)
        added = await self._inner.enqueue_many(pushes)
        self.events.append("page")
        return added

    async def record_message(self, *args: Any, **kwargs: Any) -> None:
        await self._inner.record_message(*args, **kwargs)
        self.events.append("message")


async def test_a_round_sends_the_first_pages_while_it_enqueues_the_next(
    push: Push, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A million due subscribers take minutes to enqueue: the first message must not wait for the
    last page, and every page still goes out in the same round."""
    monkeypatch.setattr(bot.delivery, "SUBSCRIPTION_PAGE", 2)
    for index in range(5):
        push.fake.add_chat(7000 + index)
        await push.subscribe(7000 + index)
    slow = SlowPages(push.store)
    notifier = TelegramNotifier(push.client, TelegramSettings(token=SecretStr(push.fake.token)))
    deliverer = Deliverer(cast(Store, slow), {"telegram": notifier}, push.settings, clock=push.clock)

    async def writer_done() -> bool:
        return True

    await push_round(Scheduler(cast(Store, slow), push.settings, push.clock), deliverer, writer_done)
    assert slow.events.index("message") < len(slow.events) - 1 - slow.events[::-1].index("page")
    assert {m.chat_id for m in push.fake.sent} == {7000 + index for index in range(5)}


async def test_a_push_by_hand_enqueues_everyone_at_once_and_notes_one_by_one(
    push: Push, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.delivery, "SUBSCRIPTION_PAGE", 1)
    await push.subscribe(USER, notify_empty=True)
    await push.subscribe(GROUP, "supergroup", top_n=3)
    await push.subscribe(FORUM, "supergroup", thread="7", active_since=DUE + timedelta(hours=1))
    await push.subscribe(FORUM, "supergroup", thread="8", active=False)
    first = await push.scheduler().enqueue_due(everyone_now=True)
    assert (first.digests, first.notes) == (3, 0)  # a push by hand has no backlog rule: all are due
    again = await push.scheduler().enqueue_due(everyone_now=True)
    assert (again.digests, again.notes) == (0, 0)
    push.clock.set(DUE + timedelta(days=1, minutes=1))  # no list for the 25th: the same one again
    later = await push.scheduler().enqueue_due(everyone_now=True)
    assert (later.digests, later.notes) == (0, 1)  # only the one who asked hears there is none
    report = await push.deliverer().drain()
    assert report.pushes == 4
    assert len(push.fake.sent_to(USER)) == 2


async def test_blocked_user_pauses_the_subscription(push: Push) -> None:
    home = await push.subscribe(USER)
    push.fake.block(USER)
    report = await push.deliverer().drain() if await push.scheduler().enqueue_due() else None
    assert report is not None
    assert report.paused == 1
    subscription = await push.store.get_subscription(home)
    assert subscription is not None
    assert subscription.paused_reason == "Forbidden: bot was blocked by the user"
    stats = await push.store.stats()
    assert (stats.outbox_failed, stats.paused) == (1, 1)


async def test_migrated_group_is_followed(push: Push) -> None:
    push.fake.add_chat(-777, "group", title="Old")
    await push.subscribe(-777, "group")
    push.fake.migrate(-777, -100777)
    await push.run()
    assert len(push.fake.sent_to(-100777)) == 1
    assert await push.store.get_subscription(Destination(platform="telegram", chat_id="-100777")) is not None


async def test_server_errors_retry_with_backoff_then_go_dead(push: Push) -> None:
    await push.subscribe(USER)
    push.fake.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    await push.run()
    assert push.fake.sent == []
    assert (await push.store.stats()).outbox_pending == 1
    push.clock.advance(5 * 60)
    await push.deliverer().drain()  # second attempt fails too
    push.clock.advance(5 * 60)
    await push.deliverer().drain()
    assert len(push.fake.sent) == 1
    push.settings = PushSettings(max_attempts=1, retry_seconds=1)
    await push.subscribe(GROUP, "supergroup")
    push.fake.fail_next("sendMessage", 500, "Internal Server Error", times=1)
    report = await push.deliverer().drain() if await push.scheduler().enqueue_due() else None
    assert report is not None
    assert report.dead == 1
    assert (await push.store.stats()).outbox_dead == 1


async def test_a_rejected_message_does_not_stop_the_push(push: Push) -> None:
    await push.subscribe(USER, format="cards", top_n=3)
    push.fake.fail_next("sendPhoto", 400, "Bad Request: can't parse entities: unsupported start tag")
    await push.scheduler().enqueue_due()
    report = await push.deliverer().drain()
    assert (report.rejected, report.pushes) == (1, 1)
    assert len(push.fake.sent_to(USER)) == 3  # heading and two of the three cards


async def test_429_is_waited_out_without_losing_the_message(push: Push) -> None:
    await push.subscribe(USER)
    push.fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1})
    await push.scheduler().enqueue_due()
    report = await push.deliverer().drain()
    assert (report.rate_limited, report.messages, len(push.fake.sent)) == (1, 1, 1)


async def test_a_crash_mid_push_resumes_where_it_stopped(push: Push) -> None:
    await push.subscribe(USER, format="cards", top_n=5)
    await push.scheduler().enqueue_due()
    crashed = asyncio.create_task(push.deliverer().drain())
    await push.fake.wait_sent(3)
    crashed.cancel()  # the process dies with the push half sent
    with pytest.raises(asyncio.CancelledError):
        await crashed
    half = len(push.fake.sent)
    push.clock.advance(push.settings.lease_seconds + 1)  # the dead worker's lease runs out
    await push.deliverer().drain()
    titles = [m.text.split("\n")[0] for m in push.fake.sent_to(USER)]
    assert len(set(titles)) == 6  # the heading and five cards, each delivered
    assert len(titles) - 6 <= 1  # at most the one message in flight at the crash was sent twice
    assert half >= 3


async def test_a_push_whose_lease_ran_out_while_it_waited_for_a_slot_is_not_sent(push: Push) -> None:
    """A long wait for a send slot (here the chat was told to wait) can outlast the lease; the push
    is then another worker's, and sending it too would be a duplicate."""
    await push.subscribe(USER)
    await push.scheduler().enqueue_due()
    notifier = TelegramNotifier(push.client, TelegramSettings(token=SecretStr(push.fake.token)))
    waiting = RateLimiter()
    waiting.block(f"telegram:{USER}", 0.5)
    slow = Deliverer(push.store, {"telegram": notifier}, push.settings, limiter=waiting, clock=push.clock)
    first = asyncio.create_task(slow.drain())
    await asyncio.sleep(0.2)  # it leased the push and waits for its slot
    push.clock.advance(push.settings.lease_seconds + 1)
    taken_over = await push.deliverer().drain()  # another worker takes the expired lease and sends
    assert (await first).pushes == 0
    assert taken_over.pushes == 1
    assert len(push.fake.sent_to(USER)) == 1


async def test_stop_finishes_messages_in_flight_and_release_hands_back_the_rest(push: Push) -> None:
    chats = [7000 + n for n in range(6)]
    for chat in chats:
        push.fake.add_chat(chat)
        await push.subscribe(chat, format="cards", top_n=3)  # 4 messages each, a second apart per chat
    await push.scheduler().enqueue_due()
    # One worker per push, so one lease takes them all; the process stops after six messages.
    telegram = TelegramNotifier(push.client, TelegramSettings(token=SecretStr(push.fake.token)))
    stopping = StopsAfter(telegram, len(chats))
    settings = push.settings.model_copy(update={"workers": len(chats)})
    deliverer = Deliverer(push.store, {"telegram": stopping}, settings, clock=push.clock)
    stopped_at: list[float] = []

    def stop() -> None:
        stopped_at.append(push.clock.monotonic())
        deliverer.stop()

    stopping.on_limit = stop
    await deliverer.drain()
    assert push.clock.monotonic() - stopped_at[0] < 3  # no new message after stop: done well before 3 s
    cut_short = len(push.fake.sent)
    assert cut_short < 4 * len(chats)
    # Every push it holds and did not finish is handed back (the pushes under way).
    assert await push.store.release(deliverer.owner) == len(chats) - deliverer.report.finished
    await push.deliverer().drain()
    assert {chat: len(push.fake.sent_to(chat)) for chat in chats} == dict.fromkeys(chats, 4)


@pytest.mark.slow  # another program holds the write lock for real seconds
async def test_a_locked_database_pauses_every_worker_and_nothing_comes_twice(
    tmp_path: Path, sample_day: DigestDay, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds SQLite's write lock past the busy timeout mid-push: no worker starts a
    send until the file can be written again, what was sent meanwhile is recorded then, not resent."""
    monkeypatch.setattr(storage.sqlite, "BUSY_TIMEOUT_MS", 200)
    chats = [8000 + n for n in range(60)]
    store = await SqliteStore.open(tmp_path / "paperboy.db")
    async with FakeTelegram(rate_limits=False) as fake, PushClient(fake.api_url, fake.token) as client:
        await store.upsert_day(sample_day)
        push = Push(fake, store, client, VirtualClock(DUE + timedelta(minutes=1)), PushSettings(workers=8))
        for chat in chats:
            fake.add_chat(chat)
            await push.subscribe(chat, top_n=3)
        await push.scheduler().enqueue_due()
        deliverer = push.deliverer()
        draining = asyncio.create_task(deliverer.drain())
        await fake.wait_sent(15)
        other = sqlite3.connect(tmp_path / "paperboy.db", isolation_level=None, timeout=10)
        other.execute("BEGIN EXCLUSIVE")  # another program takes the write lock and keeps it
        locked_at = len(fake.sent)
        await asyncio.sleep(1.5)
        in_flight = len(fake.sent) - locked_at
        assert deliverer.outage.down
        other.execute("ROLLBACK")
        other.close()
        report = await asyncio.wait_for(draining, 30)
        assert not deliverer.outage.down
    await store.close()
    assert in_flight <= push.settings.workers  # only sends already under way went out
    assert sorted(message.chat_id for message in fake.sent) == chats  # each once, none missed
    assert (report.pushes, report.messages) == (len(chats), len(chats))
