"""Two `paperboy run` processes on one PostgreSQL database share a push: one schedules, both deliver,
the caps are split between them, and when one is killed the other finishes its work."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

from bot.models import Destination
from tests.e2e.run_process import bot_environment, free_port, paperboy_run, prepare_database
from tests.e2e.telegram_rig import until
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram, RateLimits, Window

SUBSCRIBERS = 5000
CAP = 1000


async def test_two_instances_share_a_push_and_survive_losing_one(tmp_path: Path, postgres_url: str) -> None:
    limits = RateLimits(overall=Window(CAP, 1.0))
    chats = [10_000 + n for n in range(SUBSCRIBERS)]
    async with FakeTelegram(rate_limits=limits) as telegram, FakeSlack() as slack:
        for chat in chats:
            telegram.add_chat(chat)
        destinations = [(Destination(platform="telegram", chat_id=str(chat)), "private") for chat in chats]
        await prepare_database(postgres_url, destinations, top_n=3)
        shared = {
            "PAPERBOY_DATABASE_URL": postgres_url,
            "PAPERBOY_TELEGRAM__RATE_PER_SECOND": str(CAP),
            "PAPERBOY_PUSH__LEASE_SECONDS": "2",
            "PAPERBOY_LOG_LEVEL": "INFO",  # the instance count is routine: INFO
        }
        first = bot_environment(tmp_path / "unused.db", free_port(), telegram, slack, **shared)
        second = bot_environment(tmp_path / "unused.db", free_port(), telegram, slack, **shared)
        async with (
            paperboy_run(tmp_path, first, "first") as one,
            paperboy_run(tmp_path, second, "second") as two,
        ):
            await one.healthy()
            await two.healthy()
            await until(lambda: len(telegram.sent) >= SUBSCRIBERS // 2, within=60)
            one.process.send_signal(signal.SIGKILL)  # halfway: its leased pushes must be taken over
            await one.process.wait()
            await until(lambda: len({m.chat_id for m in telegram.sent}) == SUBSCRIBERS, within=60)
            assert await two.terminate() == 0
        received = Counter(message.chat_id for message in telegram.sent)
        assert set(received) == set(chats)  # nobody missed the push
        twice = [chat for chat, count in received.items() if count > 1]
        assert len(twice) <= 64  # only pushes in flight at the kill (at most one per worker) come twice
        assert [error for error in telegram.errors if error.status == 429] == []
        both = (tmp_path / "first.log").read_text() + (tmp_path / "second.log").read_text()
        assert "2 instance(s) share the database" in both
