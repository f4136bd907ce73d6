"""Telegram webhook requests with the right secret that are no Update: 400 and at most one WARNING
line each, never a traceback; a body over the size cap is 413; the bot carries on."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from handlers.http_server import MAX_BODY_BYTES
from handlers.telegram_adapter.app import SECRET_HEADER
from tests.e2e.telegram_rig import ADMIN, CHANNEL, FORUM, GROUP, USER, running_bot, until
from tests.e2e.test_telegram import callback

MESSAGE: dict[str, Any] = {
    "message_id": 7,
    "date": 1_740_000_000,
    "chat": {"id": USER, "type": "private", "first_name": "Reader"},
    "from": {"id": USER, "is_bot": False, "first_name": "Reader"},
    "text": "/help",
}
QUERY: dict[str, Any] = {
    "id": "q1",
    "from": MESSAGE["from"],
    "chat_instance": "ci",
    "data": "t:2025-02-24:10:0",
    "message": MESSAGE,
}


def _update(**fields: Any) -> bytes:
    return json.dumps({"update_id": 1} | fields).encode()


def _message(**fields: Any) -> bytes:
    return _update(message=MESSAGE | fields)


def _query(**fields: Any) -> bytes:
    return _update(callback_query=QUERY | fields)


NOT_UPDATES: list[tuple[str, bytes]] = [
    ("bad UTF-8", b'{"update_id": 1, "message": {"text": "\xff\xfe"}}'),
    ("truncated JSON", b'{"update_id": 1, "message": {'),
    ("empty body", b""),
    ("JSON array", b"[1, 2]"),
    ("JSON number", b"42"),
    ("JSON string", b'"update"'),
    ("JSON null", b"null"),
    ("JSON true", b"true"),
    ("NaN", b'{"update_id": NaN}'),
    ("deeply nested", b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    ("no update_id", b"{}"),
    ("update_id a string", b'{"update_id": "1"}'),
    ("update_id a bool", b'{"update_id": true}'),
    ("update_id a float", b'{"update_id": 1.5}'),
    ("update_id huge", b'{"update_id": 1' + b"0" * 400 + b"}"),
    ("message a string", _update(message="hi")),
    ("message a list", _update(message=[MESSAGE])),
    ("callback_query a number", _update(callback_query=5)),
    ("chat a string", _message(chat="x")),
    ("chat id a string", _message(chat={"id": "abc", "type": "private"})),
    ("chat id a float", _message(chat={"id": 1.5, "type": "private"})),
    ("chat type a number", _message(chat={"id": USER, "type": 1})),
    ("no chat", _update(message={k: v for k, v in MESSAGE.items() if k != "chat"})),
    ("date a string", _message(date="yesterday")),
    ("message_id a string", _message(message_id="7")),
    ("text a number", _message(text=5)),
    ("text a list", _message(text=["/help"])),
    ("from a string", _message(**{"from": "me"})),
    ("from id a string", _message(**{"from": {"id": "u", "is_bot": False, "first_name": "R"}})),
    ("entities a string", _message(entities="bold")),
    ("entity a number", _message(entities=[5])),
    ("entity offset a string", _message(entities=[{"type": "bot_command", "offset": "0", "length": 5}])),
    ("reply_to_message a string", _message(reply_to_message="x")),
    ("message_thread_id a string", _message(message_thread_id="42")),
    ("callback data a number", _query(data=5)),
    ("callback id a number", _query(id=5)),
    ("callback message a string", _query(message="x")),
    ("inline query a string", _update(inline_query="x")),
    (
        "inline query text a number",
        _update(inline_query={"id": "i", "from": MESSAGE["from"], "query": 5, "offset": ""}),
    ),
    ("my_chat_member a list", _update(my_chat_member=[])),
]


async def test_right_secret_wrong_body_is_400_with_one_warning_and_the_bot_carries_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running_bot(tmp_path, webhook=True) as rig, aiohttp.ClientSession() as session:
        hook = rig.fake.webhook
        assert hook is not None
        assert hook.secret_token is not None
        headers = {SECRET_HEADER: hook.secret_token, "Content-Type": "application/json"}
        failures = []
        cases = [(name, body, 400) for name, body in NOT_UPDATES]
        cases.append(("over the size cap", b'{"update_id": 1, "x": "' + b"x" * MAX_BODY_BYTES + b'"}', 413))
        for name, body, want in cases:
            caplog.clear()
            async with session.post(
                rig.fake.webhook_address(), data=io.BytesIO(body), headers=headers
            ) as response:
                status = response.status
            await asyncio.sleep(0.05)  # anything queued has been handled
            warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
            traced = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
            if status != want or len(warnings) > 1 or traced or any("\n" in r.getMessage() for r in warnings):
                said = [f"{r.levelname} {r.name}: {r.getMessage()[:100]}" for r in warnings]
                failures.append(f"{name}: {status} (want {want}) {said}")
        assert failures == [], "\n".join(failures)
        assert rig.fake.sent == []  # none of them reached a handler
        caplog.clear()
        today = _message(text="/today", entities=[{"type": "bot_command", "offset": 0, "length": 6}])
        extra = json.loads(today) | {"some_future_field": {"x": 1}}
        async with session.post(rig.fake.webhook_address(), json=extra, headers=headers) as response:
            assert response.status == 200  # fields Telegram may add later are fine
        await rig.fake.wait_sent(1)
        assert rig.fake.sent[0].text.startswith("Top 10 of 2025-02-24")
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_every_update_the_fake_sends_passes_the_webhook(tmp_path: Path) -> None:
    """The check refuses no update Telegram sends: commands, replies, buttons, inline queries, channel
    posts, a block, a migration, all through the webhook."""
    async with running_bot(tmp_path, webhook=True) as rig:
        fake = rig.fake
        fake.send_text(USER, "/subscribe 08:30 Asia/Seoul")
        assert await fake.deliver_webhook() == [200]
        await fake.wait_sent(1)
        fake.send_text(USER, "/settings")
        assert await fake.deliver_webhook() == [200]
        [editor] = (await fake.wait_sent(2))[-1:]
        fake.press_button(editor, callback(editor, "+ papers"))
        fake.press_button(editor, callback(editor, "🌐"))
        assert await fake.deliver_webhook() == [200, 200]
        prompt = (await fake.wait_sent(3))[-1]
        fake.send_text(USER, "europe/berlin", reply_to=prompt.message_id)
        fake.inline_query(USER, "모델", offset="")
        fake.channel_post(CHANNEL, "/subscribe 06:00")
        fake.send_text(GROUP, "/today", user_id=ADMIN)
        fake.send_text(FORUM, "/today", user_id=ADMIN, message_thread_id=42)
        fake.add_chat(-4242, "group", title="Small group")
        fake.migrate(-4242, -1004242)
        fake.block(USER)
        assert set(await fake.deliver_webhook()) == {200}
        await until(lambda: fake.inline_answers)
        assert fake.errors == []
