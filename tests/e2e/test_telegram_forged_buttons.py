"""Forged inline buttons end to end: every payload of the fuzz (tests/unit/test_callbacks_forged.py)
pressed on a real /settings editor gets the expired-button answer, and nothing logs an ERROR."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.models import Destination
from handlers.telegram_adapter.app import SECRET_HEADER
from tests.e2e.telegram_rig import USER, running_bot, until
from tests.unit.test_callbacks_forged import FORGED

EXPIRED = "This button has expired. Run the command again."
BRIEF = ["c:n:+:-", "c:zz::", "c:wd:x:"]  # the payloads the issue names


async def test_every_forged_button_is_answered_as_expired(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert set(BRIEF) <= set(FORGED)
    async with running_bot(tmp_path, webhook=True) as rig, aiohttp.ClientSession() as session:
        fake, hook = rig.fake, rig.fake.webhook
        assert hook is not None
        assert hook.secret_token is not None
        for count, command in enumerate(("/subscribe", "/settings"), start=1):
            fake.send_text(USER, command)
            assert await fake.deliver_webhook() == [200]
            await fake.wait_sent(count)  # one answered before the next: updates are handled side by side
        editor = fake.sent[-1]
        assert editor.reply_markup is not None
        real = editor.reply_markup["inline_keyboard"][0][0]["callback_data"]
        message: dict[str, Any] = {
            "message_id": editor.message_id,
            "date": 1_740_000_000,
            "chat": {"id": USER, "type": "private", "first_name": "Reader"},
            "from": {"id": fake.bot_id, "is_bot": True, "first_name": "Paperboy"},
            "text": editor.text,
            "reply_markup": editor.reply_markup,
        }
        reader = {"id": USER, "is_bot": False, "first_name": "Reader"}
        headers = {SECRET_HEADER: hook.secret_token}
        caplog.clear()

        async def press(update_id: int, data: str) -> tuple[str, str, int]:
            query_id = fake.press_button(editor, real)  # a query id Telegram would have opened
            query = {"id": query_id, "from": reader, "message": message, "chat_instance": "ci", "data": data}
            update = {"update_id": 10_000 + update_id, "callback_query": query}
            async with session.post(rig.fake.webhook_address(), json=update, headers=headers) as response:
                return query_id, data, response.status

        pressed: list[tuple[str, str, int]] = []
        for start in range(0, len(FORGED), 50):  # 50 at a time: the bot answers them side by side
            batch = FORGED[start : start + 50]
            pressed += await asyncio.gather(*(press(start + i, data) for i, data in enumerate(batch)))
        assert {status for _, _, status in pressed} == {200}
        await until(lambda: len(fake.callback_answers) >= len(pressed), within=60)
        answers = {answer.query_id: answer for answer in fake.callback_answers}
        wrong = [
            f"{data!r}: {answers[query_id].text if query_id in answers else 'no answer'}"
            for query_id, data, _ in pressed
            if query_id not in answers or answers[query_id].text != EXPIRED
        ]
        assert wrong == [], "\n".join(wrong[:40])
        assert not [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR]
        assert fake.errors == []
        assert len(fake.sent) == 2  # no forged press sent or changed anything
        subscription = await rig.service.subscription(Destination(platform="telegram", chat_id=str(USER)))
        assert subscription is not None
        assert subscription.top_n == 10
