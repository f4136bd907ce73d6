"""The `thread` format through the real Slack sender into the fake Web API, on every store: a
header in the channel, each paper a reply in its thread, and after a crash the rest of the replies
in the same thread, with no second header and no paper twice."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest
from pydantic import SecretStr

from bot.config import PushSettings
from bot.delivery import Deliverer, Scheduler
from bot.models import Destination, DigestDay
from bot.ports import Store
from handlers.slack_adapter.app import web_client
from handlers.slack_adapter.config import SlackSettings
from handlers.slack_adapter.notifier import SlackNotifier
from tests.clock import VirtualClock
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlack, SlackMessage
from tests.stops_after import StopsAfter
from tests.subscribed import subscribe_at_nine_in_seoul

DUE = datetime(2025, 2, 25, 0, 0, tzinfo=UTC)  # 09:00 in Seoul, the day after the sample list
TOP_N = 5
ARXIV = re.compile(r"arxiv\.org/abs/(\d{4}\.\d{4,5})")


@dataclass
class ThreadPush:
    fake: FakeSlack
    store: Store
    notifier: SlackNotifier
    clock: VirtualClock
    settings: PushSettings

    async def subscribe(self, channel: str, **settings: object) -> Destination:
        destination = Destination(platform="slack", chat_id=channel)
        defaults: dict[str, object] = {"top_n": TOP_N, "format": "thread"}
        return await subscribe_at_nine_in_seoul(self.store, destination, DUE, **(defaults | settings))

    def deliverer(self, notifier: SlackNotifier | StopsAfter, owner: str) -> Deliverer:
        return Deliverer(self.store, {"slack": notifier}, self.settings, clock=self.clock, owner=owner)


@pytest.fixture
async def push(store: Store, sample_day: DigestDay) -> AsyncIterator[ThreadPush]:
    clock = VirtualClock(DUE)  # the fake counts its rate windows on the bot's clock
    async with FakeSlack(clock=clock.monotonic) as fake, aiohttp.ClientSession() as session:
        fake.add_channel("C1", "papers")
        await store.upsert_day(sample_day)
        client = web_client(SlackSettings(bot_token=SecretStr(DEFAULT_TOKEN), api_url=fake.api_url), session)
        settings = PushSettings(retry_seconds=0.05, max_attempts=3, lease_seconds=60)
        yield ThreadPush(fake, store, SlackNotifier(client), clock, settings)


def _papers_of(message: SlackMessage) -> list[str]:
    return sorted(set(ARXIV.findall(json.dumps(message.blocks))))


def _assert_one_thread(messages: list[SlackMessage], papers: int) -> None:
    """One header in the channel, then `papers` replies in its thread, each paper once."""
    header, *replies = messages
    assert header.thread_ts is None
    assert "one per reply in this thread" in header.text
    assert len(replies) == papers
    assert all(reply.thread_ts == header.ts for reply in replies)
    shown = [paper for reply in replies for paper in _papers_of(reply)]
    assert len(shown) == len(set(shown)) == papers


async def test_a_thread_push_is_a_header_and_a_reply_per_paper(push: ThreadPush) -> None:
    await push.subscribe("C1")
    await Scheduler(push.store, push.settings, push.clock).enqueue_due()
    report = await push.deliverer(push.notifier, "one").drain()
    assert (report.pushes, report.messages) == (1, TOP_N + 1)
    _assert_one_thread(push.fake.messages("C1"), TOP_N)
    assert push.fake.errors == []
    again = await push.deliverer(push.notifier, "two").drain()  # nothing is left to send
    assert again.messages == 0


async def test_after_a_crash_the_replies_go_on_in_the_same_thread(push: ThreadPush) -> None:
    await push.subscribe("C1")
    await Scheduler(push.store, push.settings, push.clock).enqueue_due()
    dying = StopsAfter(push.notifier, 3)  # the header and two replies, then the process dies
    first = push.deliverer(dying, "first")
    dying.on_limit = first.stop
    report = await first.drain()
    assert (report.pushes, report.messages) == (0, 3)
    assert len(push.fake.messages("C1")) == 3
    push.clock.advance(push.settings.lease_seconds + 1)  # its lease runs out
    resumed = await push.deliverer(push.notifier, "second").drain()
    assert (resumed.pushes, resumed.messages) == (1, TOP_N - 2)
    _assert_one_thread(push.fake.messages("C1"), TOP_N)
    # Every reply named a message that exists (no thread_not_found); the new process, not knowing
    # when the dead one last sent, may meet one 429, which it waits out.
    assert {error.error for error in push.fake.errors} <= {"ratelimited"}
    shown = [paper for reply in push.fake.messages("C1")[1:] for paper in _papers_of(reply)]
    ledger = await push.store.already_sent(Destination(platform="slack", chat_id="C1"), shown)
    assert ledger == set(shown)  # keyed by the channel, not by the thread
    stats = await push.store.stats()
    assert (stats.outbox_sent, stats.outbox_pending) == (1, 0)


async def test_a_deleted_header_sends_the_rest_to_the_channel(push: ThreadPush) -> None:
    await push.subscribe("C1", top_n=3)
    await Scheduler(push.store, push.settings, push.clock).enqueue_due()
    dying = StopsAfter(push.notifier, 2)
    first = push.deliverer(dying, "first")
    dying.on_limit = first.stop
    await first.drain()
    header = push.fake.messages("C1")[0]
    push.fake.delete_message("C1", header.ts)  # someone deleted the header before the resume
    push.clock.advance(push.settings.lease_seconds + 1)
    resumed = await push.deliverer(push.notifier, "second").drain()
    assert (resumed.pushes, resumed.messages) == (1, 2)
    *_, second_reply, third = push.fake.messages("C1")
    assert second_reply.thread_ts is None  # posted in the channel rather than lost
    assert third.thread_ts is None
    shown = [paper for message in push.fake.messages("C1")[1:] for paper in _papers_of(message)]
    assert len(shown) == len(set(shown)) == 3
