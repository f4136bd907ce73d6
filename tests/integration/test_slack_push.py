"""The daily push through the real Slack sender (slack_sdk over HTTP) into the fake Web API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.config import PushSettings
from bot.delivery import Deliverer, Scheduler
from bot.i18n import Lang
from bot.models import Destination, DigestDay, Paper
from bot.ports import Outgoing
from bot.sample import sample_digest
from bot.sources.markdown import parse_markdown
from handlers.slack_adapter.app import web_client
from handlers.slack_adapter.config import SlackSettings
from handlers.slack_adapter.notifier import SlackNotifier
from handlers.slack_adapter.render import push_messages
from storage.sqlite import SqliteStore
from tests.clock import VirtualClock
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlack
from tests.fixtures.adversarial import DAY, hostile_papers, huge_day
from tests.subscribed import subscribe_at_nine_in_seoul

DUE = datetime(2025, 2, 25, 0, 0, tzinfo=UTC)  # 09:00 in Seoul, the day after the sample list


@dataclass
class SlackPush:
    fake: FakeSlack
    store: SqliteStore
    notifier: SlackNotifier
    clock: VirtualClock
    settings: PushSettings

    async def subscribe(self, channel: str, **settings: object) -> Destination:
        destination = Destination(platform="slack", chat_id=channel)
        return await subscribe_at_nine_in_seoul(self.store, destination, DUE, **settings)

    async def run(self) -> None:
        await Scheduler(self.store, self.settings, self.clock).enqueue_due()
        await Deliverer(self.store, {"slack": self.notifier}, self.settings, clock=self.clock).drain()


@pytest.fixture
async def push(tmp_path: Path, sample_day: DigestDay) -> AsyncIterator[SlackPush]:
    clock = VirtualClock(DUE)  # the fake counts its rate windows on the bot's clock
    async with FakeSlack(clock=clock.monotonic) as fake, aiohttp.ClientSession() as session:
        for channel in ("C1", "C2", "C3"):
            fake.add_channel(channel, channel.lower())
        store = await SqliteStore.open(tmp_path / "push.db")
        await store.upsert_day(sample_day)
        client = web_client(SlackSettings(bot_token=SecretStr(DEFAULT_TOKEN), api_url=fake.api_url), session)
        settings = PushSettings(retry_seconds=0.05, max_attempts=3)
        try:
            yield SlackPush(fake, store, SlackNotifier(client), clock, settings)
        finally:
            await store.close()


async def test_each_channel_gets_its_digest_once(push: SlackPush) -> None:
    await push.subscribe("C1", top_n=3)
    await push.subscribe("C2", top_n=5, language="ko")
    await push.run()
    await push.run()  # a second round finds nothing new to send
    by_channel = {m.channel: m for m in push.fake.messages()}
    assert set(by_channel) == {"C1", "C2"}
    assert len(push.fake.messages()) == 2
    assert json.dumps(by_channel["C1"].blocks).count("arxiv.org/abs/") == 3
    assert "인기 논문" in by_channel["C2"].text
    assert push.fake.errors == []


async def test_unreachable_channels_pause_with_a_reason(push: SlackPush) -> None:
    push.fake.add_channel("C1", "gone", is_archived=True)
    push.fake.add_channel("C2", "left", is_member=False)
    push.fake.set_channel_error("C3", "account_inactive")
    for channel in ("C1", "C2", "C3"):
        await push.subscribe(channel)
    await push.run()
    reasons = {s.destination.chat_id: s.paused_reason for s in await push.store.list_subscriptions()}
    assert "archived" in str(reasons["C1"])
    assert "/invite" in str(reasons["C2"])
    assert "account_inactive" in str(reasons["C3"])
    assert push.fake.messages() == []


async def test_a_429_waits_for_retry_after_and_sends_once(push: SlackPush) -> None:
    await push.subscribe("C1")
    push.fake.fail_next("chat.postMessage", status=429, retry_after=2)
    started = push.clock.monotonic()
    await push.run()
    assert push.clock.monotonic() - started >= 2  # Retry-After, not the usual second between messages
    assert push.fake.http_429 == 1
    assert len(push.fake.messages("C1")) == 1


def _sample() -> list[Paper]:
    return list(parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample").papers)


@pytest.mark.slow  # twelve pushes of up to a whole huge day
@pytest.mark.parametrize("fmt", ["compact", "cards"])
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(
    "papers", [_sample(), hostile_papers(), huge_day()], ids=["sample", "hostile", "huge"]
)
async def test_sample_hostile_and_huge_days_are_never_refused(
    push: SlackPush, papers: list[Paper], fmt: str, lang: Lang
) -> None:
    push.fake.rate_limits = None
    for message in push_messages(DAY, papers, fmt, lang):  # type: ignore[arg-type]
        await push.notifier.send(Destination(platform="slack", chat_id="C1"), Outgoing(message))
    assert push.fake.errors == []
    sent = json.dumps([m.blocks for m in push.fake.messages()], ensure_ascii=False)
    assert all(paper.arxiv_url in sent for paper in papers)
