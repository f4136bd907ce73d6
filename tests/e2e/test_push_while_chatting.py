"""A push and the command handlers share one event loop: commands are answered while it runs."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

from pydantic import SecretStr

from bot.config import PushSettings
from bot.delivery import Deliverer, Scheduler
from bot.models import Destination, Subscription
from handlers.telegram_adapter.config import TelegramSettings
from handlers.telegram_adapter.notifier import TelegramNotifier
from handlers.telegram_adapter.push_client import PushClient
from tests.e2e.telegram_rig import USER, running_bot, until

SUBSCRIBERS = 120


async def test_commands_are_answered_during_a_push(tmp_path: Path) -> None:
    # Here the fake shares the bot's event loop and stamps each send when the loop gets to it, so a
    # stall of that loop (the fake's spec checks, PTB's polling) bunches arrivals a separate Telegram
    # would see spread out; a wider pacing margin than production's 4.5% absorbs that test artifact.
    async with running_bot(tmp_path, rate_limits=True, margin=0.15) as rig:
        for index in range(SUBSCRIBERS):
            chat = 10_000 + index
            rig.fake.add_chat(chat)
            await rig.store.save_subscription(
                Subscription(
                    destination=Destination(platform="telegram", chat_id=str(chat)),
                    chat_type="private",
                    send_time=clock_time(0, 0),
                    active_since=datetime(2020, 1, 1, tzinfo=UTC),
                )
            )
        settings = PushSettings(workers=16)
        await Scheduler(rig.store, settings).enqueue_due(everyone_now=True)
        async with PushClient(rig.fake.api_url, rig.fake.token) as client:
            notifier = TelegramNotifier(client, TelegramSettings(token=SecretStr(rig.fake.token)))
            deliverer = Deliverer(rig.store, {"telegram": notifier}, settings, limiter=rig.limiter)
            push = asyncio.create_task(deliverer.drain())
            await until(lambda: len(rig.fake.sent) >= 10)
            asked = time.monotonic()
            rig.fake.send_text(USER, "/today")
            await until(lambda: rig.fake.sent_to(USER))
            answered_in = time.monotonic() - asked
            assert rig.fake.sent_to(USER)[0].text.startswith("Top 10 of 2025-02-24")
            assert not push.done()  # the push (120 messages at 30/s) was still going
            report = await push
        assert answered_in < 2.0
        assert report.pushes == SUBSCRIBERS
        assert rig.fake.rate_limited == 0  # answers and the push share one budget
