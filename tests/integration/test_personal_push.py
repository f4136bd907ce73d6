"""Personal ranking and follows through a real push: the store's feedback, the scheduler, the outbox,
the real Telegram sender and the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from bot.config import HFSettings, PushSettings
from bot.delivery import Deliverer, Scheduler
from bot.ingest import DigestSources
from bot.models import Destination, DigestDay, Follow
from bot.ports import Store
from bot.service import PaperService
from handlers.telegram_adapter.config import TelegramSettings
from handlers.telegram_adapter.notifier import TelegramNotifier
from handlers.telegram_adapter.push_client import PushClient
from tests.clock import VirtualClock
from tests.fakes.telegram_api import FakeTelegram
from tests.subscribed import subscribe_at_nine_in_seoul

ALICE, BOB, CAROL = 5001, 5002, 5003
DUE = datetime(2025, 2, 25, 0, 0, tzinfo=UTC)  # 09:00 in Seoul, the day after the sample list
FANTASY_ID = "2502.13995"  # "FantasyID: ... Video Generation", 4 votes: last but a few of the day
MASK_GWM = "MaskGWM"  # the other video generation paper, 36 votes: third by votes


@dataclass
class Push:
    fake: FakeTelegram
    store: Store
    client: PushClient
    clock: VirtualClock

    async def subscribe(self, chat_id: int, **settings: object) -> Destination:
        destination = Destination(platform="telegram", chat_id=str(chat_id))
        return await subscribe_at_nine_in_seoul(
            self.store, destination, DUE, **({"chat_type": "private"} | settings)
        )

    async def run(self) -> None:
        settings = PushSettings(workers=2, retry_seconds=1)
        await Scheduler(self.store, settings, self.clock).enqueue_due()
        notifier = TelegramNotifier(self.client, TelegramSettings(token=SecretStr(self.fake.token)))
        await Deliverer(self.store, {"telegram": notifier}, settings, clock=self.clock).drain()

    def lines(self, chat_id: int) -> list[str]:
        """The numbered lines of the digest the chat got: one per paper, in order."""
        (message,) = self.fake.sent_to(chat_id)
        return [line for line in message.text.splitlines() if line[:1].isdigit() and ". " in line[:4]]


@pytest.fixture
async def push(store: Store, sample_day: DigestDay) -> AsyncIterator[Push]:
    async with FakeTelegram(rate_limits=False) as fake:
        for chat in (ALICE, BOB, CAROL):
            fake.add_chat(chat)
        await store.upsert_day(sample_day)
        async with PushClient(fake.api_url, fake.token) as client:
            yield Push(fake, store, client, VirtualClock(DUE + timedelta(minutes=1)))


async def test_presses_change_that_destinations_push_and_no_other(push: Push) -> None:
    alice = await push.subscribe(ALICE, top_n=2, ranking="personal")
    await push.subscribe(BOB, top_n=2, ranking="personal")  # the same settings, no presses
    await push.subscribe(CAROL, top_n=2)  # by votes
    await push.store.set_opinion(alice, "u1", FANTASY_ID, "like")
    await push.store.set_opinion(alice, "u2", FANTASY_ID, "like")  # a second member counts too
    await push.run()
    alice_lines, bob_lines, carol_lines = push.lines(ALICE), push.lines(BOB), push.lines(CAROL)
    assert bob_lines == carol_lines  # no feedback: exactly the votes digest
    assert MASK_GWM in alice_lines[0]  # the other video generation paper, third by votes
    assert alice_lines[1][2:] == carol_lines[0][2:]  # then the best voted, second now
    assert not any("FantasyID" in line for line in alice_lines)  # pressed: seen here already


async def test_dislikes_push_related_papers_down(push: Push) -> None:
    alice = await push.subscribe(ALICE, top_n=3, ranking="personal")
    await push.subscribe(CAROL, top_n=3)
    for member in ("u1", "u2"):
        await push.store.set_opinion(alice, member, FANTASY_ID, "dislike")
    await push.run()
    assert any(MASK_GWM in line for line in push.lines(CAROL))
    assert not any(MASK_GWM in line for line in push.lines(ALICE))


async def test_preview_says_what_was_liked(push: Push, store: Store) -> None:
    alice = await push.subscribe(ALICE, top_n=3, ranking="personal")
    await store.set_opinion(alice, "u1", FANTASY_ID, "like")
    await store.set_saved(alice, "u1", FANTASY_ID, True)
    service = PaperService(store, DigestSources(HFSettings()))
    preview = await service.preview(alice, now=DUE - timedelta(hours=1))
    reasons = {p.paper.title.split(":")[0]: [str(r) for r in p.reasons] for p in preview.selection.picks}
    assert reasons[MASK_GWM][0].startswith("you liked: ")
    assert "Video" in reasons[MASK_GWM][0]
    assert reasons[MASK_GWM][1] == "among the most voted (▲ 36)"
    assert [r[0] for title, r in reasons.items() if title != MASK_GWM] == [
        "among the most voted (▲ 95)",
        "among the most voted (▲ 73)",
    ]


async def test_followed_papers_come_below_the_floor_and_beyond_the_top_n(push: Push) -> None:
    follows = (Follow(kind="author", value="Yonggang Qi"),)  # an author of FantasyID (4 votes)
    await push.subscribe(ALICE, top_n=2, min_votes=30, follows=follows)
    await push.subscribe(BOB, top_n=2, min_votes=30)
    await push.run()
    alice, bob = push.lines(ALICE), push.lines(BOB)
    assert len(alice) == 3
    assert alice[:2] == bob
    assert "FantasyID" in alice[2]
    (message,) = push.fake.sent_to(ALICE)
    assert "followed: author Yonggang Qi · " in message.text  # the push says why it is there
    assert "followed" not in push.fake.sent_to(BOB)[0].text
    await push.run()  # never twice: the ledger has it
    assert len(push.fake.sent_to(ALICE)) == 1
