"""The daily push to Discord: scheduler, outbox and ledger, the real DiscordNotifier on hikari's REST
client, the fake Discord judging every message (embeds, limits, buckets, permissions)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.config import PushSettings
from bot.delivery import Deliverer, DeliveryReport, Scheduler
from bot.models import Destination, DigestDay
from bot.ports import Outgoing
from handlers.discord_adapter.client import open_rest
from handlers.discord_adapter.notifier import DiscordNotifier
from handlers.discord_adapter.render import push_messages
from storage.sqlite import SqliteStore
from tests.e2e.discord_rig import CHANNEL, THREAD, discord_settings, world
from tests.fakes.discord_api import (
    CREATE_MESSAGE,
    GUILD_ID,
    MISSING_ACCESS,
    SEND_MESSAGES,
    UNKNOWN_CHANNEL,
    FakeDiscord,
    Overwrite,
    RateLimits,
    RouteLimit,
    embed_size,
    message_problems,
)
from tests.subscribed import subscribe_at_nine_in_seoul

DUE = datetime(2025, 2, 25, 0, 0, tzinfo=UTC)  # 09:00 in Seoul, the day after the sample list
OTHER = "1300000000000000007"
READ_ONLY = "1300000000000000008"


class WallAt(SystemClock):
    """The wall time a test sets (the push's due time), with real monotonic time and sleeps: the fake
    Discord paces on real time, and so does hikari's REST client."""

    def __init__(self, wall: datetime) -> None:
        self.wall = wall

    def now(self) -> datetime:
        return self.wall


@dataclass
class Push:
    fake: FakeDiscord
    store: SqliteStore
    notifier: DiscordNotifier
    clock: WallAt

    async def subscribe(self, channel: str, **settings: object) -> Destination:
        destination = Destination(platform="discord", chat_id=channel)
        return await subscribe_at_nine_in_seoul(self.store, destination, DUE, **settings)

    async def run(self) -> DeliveryReport:
        settings = PushSettings(workers=4, retry_seconds=1)
        await Scheduler(self.store, settings, self.clock).enqueue_due()
        return await Deliverer(self.store, {"discord": self.notifier}, settings, clock=self.clock).drain()


@contextlib.asynccontextmanager
async def pushing(
    tmp_path: Path, sample_day: DigestDay, limits: RateLimits | bool = True
) -> AsyncIterator[Push]:
    async with FakeDiscord(rate_limits=limits) as fake, contextlib.AsyncExitStack() as stack:
        world(fake)
        fake.add_channel(OTHER, "elsewhere")
        store = await SqliteStore.open(tmp_path / "push.db")
        stack.push_async_callback(store.close)
        await store.upsert_day(sample_day)
        settings = discord_settings(fake)
        rest = await open_rest(settings, stack, connections=8)
        yield Push(
            fake, store, DiscordNotifier(rest, settings.rate_per_second), WallAt(DUE + timedelta(minutes=1))
        )


def _within_limits(fake: FakeDiscord) -> None:
    for message in fake.messages():
        assert message_problems(message.payload).lines() == []
        assert embed_size(message.embeds) <= 6000
        assert len(message.embeds) <= 10


async def test_compact_and_cards_pushes_arrive_as_embeds_within_every_limit(
    tmp_path: Path, sample_day: DigestDay
) -> None:
    async with pushing(tmp_path, sample_day) as push:
        await push.subscribe(CHANNEL, top_n=30)
        await push.subscribe(THREAD, format="cards", top_n=3, chat_type="thread")
        report = await push.run()
        assert (report.pushes, report.rejected, report.paused) == (2, 0, 0)
        compact = push.fake.messages(CHANNEL)
        assert compact[0].embeds[0]["title"] == "Daily Papers of 2025-02-24: the top 30"
        shown = "".join(embed["description"] for message in compact for embed in message.embeds)
        assert "**1.**" in shown
        assert "**30.**" in shown
        cards = push.fake.messages(THREAD)
        assert len(cards) == 1 + 3
        assert cards[1].embeds[0]["url"].startswith("https://arxiv.org/abs/")
        assert [c["label"] for c in cards[1].components[0]["components"]][:3] == ["arXiv", "PDF", "HF"]
        assert all(not message.ephemeral for message in push.fake.messages())
        _within_limits(push.fake)
        assert push.fake.errors == []
        again = await push.run()  # later the same morning: nothing is due again
        assert again.pushes == 0


async def test_a_429_is_waited_out_and_the_message_still_goes(tmp_path: Path, sample_day: DigestDay) -> None:
    async with pushing(tmp_path, sample_day) as push:
        await push.subscribe(CHANNEL, format="cards", top_n=2)
        push.fake.fail_next(CREATE_MESSAGE, 429, retry_after=0.2)  # hikari waits this out by itself
        push.fake.fail_next(CREATE_MESSAGE, 429, retry_after=2.5)  # over 2 s: back to the outbox
        report = await push.run()
        assert report.rate_limited == 1
        assert report.messages == 3
        assert len(push.fake.messages(CHANNEL)) == 3


async def test_the_channel_bucket_is_kept_without_a_429(tmp_path: Path, sample_day: DigestDay) -> None:
    limits = RateLimits(per_route={CREATE_MESSAGE: RouteLimit(5, 5.0)})
    async with pushing(tmp_path, sample_day, limits) as push:
        await push.subscribe(CHANNEL, format="cards", top_n=6)  # 7 messages to one channel
        report = await push.run()
        assert report.messages == 7
        assert push.fake.rate_limited == 0  # the outbox paced the channel: 5 per 5 s


@pytest.mark.parametrize(("code", "reason"), [(MISSING_ACCESS, "50001"), (UNKNOWN_CHANNEL, "10003")])
async def test_a_channel_out_of_reach_pauses_its_subscription(
    tmp_path: Path, sample_day: DigestDay, code: int, reason: str
) -> None:
    async with pushing(tmp_path, sample_day) as push:
        gone = await push.subscribe(CHANNEL)
        fine = await push.subscribe(OTHER)
        push.fake.set_channel_error(CHANNEL, code)
        report = await push.run()
        assert report.paused == 1
        subscription = await push.store.get_subscription(gone)
        assert subscription is not None
        assert subscription.paused_reason is not None
        assert subscription.paused_reason.startswith(reason)
        assert len(push.fake.messages(OTHER)) == 1
        assert await push.store.get_subscription(fine) is not None
        refused = len(push.fake.errors)
        push.clock.wall += timedelta(days=1)
        await push.run()  # paused: no more invalid requests toward the ban
        assert len(push.fake.errors) == refused


async def test_missing_permissions_from_overwrites_pause_too(tmp_path: Path, sample_day: DigestDay) -> None:
    async with pushing(tmp_path, sample_day) as push:
        bot_role = str(int(GUILD_ID) + 1)
        push.fake.add_channel(
            READ_ONLY, "announcements", overwrites=[Overwrite(bot_role, 0, deny=SEND_MESSAGES)]
        )
        gone = await push.subscribe(READ_ONLY)
        await push.run()
        assert push.fake.errors[-1].code == 50013
        subscription = await push.store.get_subscription(gone)
        assert subscription is not None
        assert "Send Messages" in (subscription.paused_reason or "")


async def test_first_messages_to_many_new_channels_at_once_all_go(
    tmp_path: Path, sample_day: DigestDay
) -> None:
    """hikari 2.7.0 queues a route's requests on one shared bucket until an answer names the route's
    bucket; sent all at once there, some waited forever (10 of 40 here, with a 0.1 s answer) and one
    got a 429 meant for another channel. The notifier sends the first alone."""
    async with pushing(tmp_path, sample_day, limits=True) as push:
        channels = [str(1_300_000_000_000_001_000 + index) for index in range(40)]
        for channel in channels:
            push.fake.add_channel(channel, f"new-{channel[-3:]}")
        push.fake.slow(CREATE_MESSAGE, 0.1)
        message = Outgoing(push_messages(sample_day.day, sample_day.papers[:3], "compact", "en")[0])

        async def send(channel: str) -> str:
            return await push.notifier.send(Destination(platform="discord", chat_id=channel), message)

        async with asyncio.timeout(15):
            sent = await asyncio.gather(*(send(channel) for channel in channels))
        assert len(set(sent)) == 40
        assert {m.channel_id for m in push.fake.messages()} == set(channels)
        assert push.fake.errors == []


async def test_a_server_error_is_retried_later_and_a_refused_message_skipped(
    tmp_path: Path, sample_day: DigestDay
) -> None:
    async with pushing(tmp_path, sample_day) as push:
        await push.subscribe(CHANNEL, format="cards", top_n=2)
        push.fake.fail_next(CREATE_MESSAGE, 502, times=2)  # hikari's one retry, then the outbox's
        report = await push.run()
        assert (report.retried, report.messages) == (1, 0)
        assert (await push.store.stats()).outbox_pending == 1

        push.clock.wall += timedelta(minutes=5)
        push.fake.fail_next(CREATE_MESSAGE, 400, code=50035)  # one card refused: the rest still go
        report = await push.run()
        assert (report.rejected, report.messages) == (1, 2)
        assert len(push.fake.messages(CHANNEL)) == 2
