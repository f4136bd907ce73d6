"""`paperboy run` when a platform's API cannot be reached at start (its address answers nothing yet):
the process stays up, says so once per try in the log and in /healthz, runs the other platform, the
push and the HTTP server meanwhile, and starts the platform when its API comes up."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from pathlib import Path
from typing import Any

import aiohttp

from bot.models import Destination
from tests.e2e.run_process import BotProcess, bot_environment, free_port, paperboy_run, prepare_database
from tests.e2e.telegram_rig import until
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

CHAT = 7001
CHANNEL = "C0DOWN"


async def health_while(bot: BotProcess, condition: str, within: float = 20.0) -> dict[str, Any]:
    """The first /healthz answer (503) whose checks mention `condition`."""
    deadline = time.monotonic() + within
    while True:
        assert bot.process.returncode is None, bot.log.read_text()
        with contextlib.suppress(aiohttp.ClientError):  # the HTTP server needs a moment to start
            status, text = await bot.get("/healthz")
            if condition in text:
                assert status == 503, text
                return dict(json.loads(text))
        assert time.monotonic() < deadline, f"never {condition!r}:\n{bot.log.read_text()}"
        await asyncio.sleep(0.2)


def attempts_logged(log: str, host: str) -> list[str]:
    """The log lines about the unreachable API; each must be one WARNING line, no traceback."""
    lines = [
        line for line in log.splitlines() if host in line and re.search(r" (WARNING|ERROR|CRITICAL) ", line)
    ]
    for line in lines:
        assert re.search(r" WARNING paperboy: (telegram|slack): cannot reach ", line), line
    return lines


async def test_telegram_unreachable_at_start_is_retried_while_slack_and_the_push_run(tmp_path: Path) -> None:
    port = free_port()
    host = f"127.0.0.1:{port}"
    telegram = FakeTelegram(rate_limits=False).listen_on(port)  # nothing listens there yet
    async with FakeSlack() as slack:
        slack.add_channel(CHANNEL, "papers")
        db = tmp_path / "run.db"
        await prepare_database(db, [(Destination(platform="slack", chat_id=CHANNEL), "channel")], top_n=3)
        environment = bot_environment(db, free_port(), telegram, slack)
        async with paperboy_run(tmp_path, environment) as bot:
            health = await health_while(bot, "cannot reach")
            reason = health["checks"]["telegram"]
            assert re.fullmatch(
                rf"cannot reach 127\.0\.0\.1:{port}: connection refused; retrying in [\d.]+ s", reason
            )
            assert health["checks"]["slack"] is True
            assert health["checks"]["database"] is True
            await until(lambda: slack.messages(CHANNEL), within=20)  # the push went out meanwhile
            await until(lambda: len(attempts_logged(bot.log.read_text(), host)) >= 3, within=30)
            assert bot.process.returncode is None
            telegram.add_chat(CHAT)
            async with telegram:  # the Bot API comes up
                health = await bot.healthy(within=90)
                assert health["checks"] == {"database": True, "telegram": True, "slack": True}
                telegram.send_text(CHAT, "/days")
                await until(lambda: telegram.sent_to(CHAT), within=20)  # polling: commands answered
                assert await bot.terminate() == 0
        log = bot.log.read_text(encoding="utf-8")
        assert "Traceback" not in log
        assert 3 <= len(attempts_logged(log, host)) <= 12
        assert "telegram: reached after" in log


async def test_telegram_gone_after_the_start_is_one_warning_a_minute_and_polling_resumes(
    tmp_path: Path,
) -> None:
    port = free_port()
    telegram = FakeTelegram(rate_limits=False).listen_on(port)
    telegram.add_chat(CHAT)
    async with FakeSlack() as slack:
        environment = bot_environment(tmp_path / "run.db", free_port(), telegram, slack)
        await prepare_database(tmp_path / "run.db", [])
        await telegram.start()
        try:
            async with paperboy_run(tmp_path, environment) as bot:
                await bot.healthy()
                await telegram.stop()  # the Bot API goes away mid-run: every poll fails until it is back
                # The poll in flight is cut ("the connection closed without an answer"), the next refused.
                health = await health_while(bot, "connection refused", within=40)
                assert health["checks"]["telegram"] == f"cannot reach 127.0.0.1:{port}: connection refused"
                assert health["checks"]["slack"] is True
                await asyncio.sleep(5)  # PTB tries again meanwhile (after 1, 2, 4 ... s)
                await telegram.start()  # and it is back
                telegram.send_text(CHAT, "/days")
                await until(lambda: telegram.sent_to(CHAT), within=40)  # commands answered again
                await bot.healthy(within=10)  # the poll that brought the command cleared the reason
                assert await bot.terminate() == 0
        finally:
            await telegram.stop()
    log = bot.log.read_text(encoding="utf-8")
    assert "Traceback" not in log
    said = [line for line in log.splitlines() if " WARNING " in line and "polling for updates" in line]
    *failures, back = said
    # Several failed polls, one line per reason within the minute: the poll cut in flight, if it was,
    # then the refused ones; and one line when a poll is answered again.
    assert 1 <= len(failures) <= 2, "\n".join(said)
    for line in failures:
        assert re.search(
            r" WARNING .*telegram: polling for updates failed: cannot reach 127\.0\.0\.1:\d+: ", line
        )
    assert failures[-1].endswith("connection refused")
    assert back.endswith("telegram: polling for updates works again")


async def test_slack_unreachable_at_start_is_retried_and_its_push_delivered_after(tmp_path: Path) -> None:
    port = free_port()
    host = f"127.0.0.1:{port}"
    slack = FakeSlack().listen_on(port)
    async with FakeTelegram(rate_limits=False) as telegram:
        telegram.add_chat(CHAT)
        slack.add_channel(CHANNEL, "papers")
        db = tmp_path / "run.db"
        await prepare_database(
            db,
            [(Destination(platform="telegram", chat_id=str(CHAT)), "private"),
             (Destination(platform="slack", chat_id=CHANNEL), "channel")],
            top_n=3,
        )  # fmt: skip
        environment = bot_environment(
            db,
            free_port(),
            telegram,
            slack,
            PAPERBOY_PUSH__RETRY_SECONDS="1",
            PAPERBOY_PUSH__MAX_ATTEMPTS="20",
        )
        async with paperboy_run(tmp_path, environment) as bot:
            health = await health_while(bot, "cannot reach")
            reason = health["checks"]["slack"]
            assert re.fullmatch(
                rf"cannot reach 127\.0\.0\.1:{port}: connection refused; retrying in [\d.]+ s", reason
            )
            assert health["checks"]["telegram"] is True
            await until(lambda: telegram.sent_to(CHAT), within=20)  # Telegram's push went out meanwhile
            await until(lambda: len(attempts_logged(bot.log.read_text(), host)) >= 3, within=30)
            async with slack:  # the Web API comes up
                health = await bot.healthy(within=90)
                assert health["checks"] == {"database": True, "telegram": True, "slack": True}
                await until(lambda: slack.messages(CHANNEL), within=30)  # its push, retried, arrives
                assert await bot.terminate() == 0
        log = bot.log.read_text(encoding="utf-8")
        assert "Traceback" not in log
        assert 3 <= len(attempts_logged(log, host)) <= 12


async def test_a_name_that_does_not_resolve_is_retried_too(tmp_path: Path) -> None:
    async with FakeTelegram(rate_limits=False) as telegram, FakeSlack() as slack:
        db = tmp_path / "run.db"
        await prepare_database(db, [])
        environment = bot_environment(
            db, free_port(), telegram, slack, PAPERBOY_TELEGRAM__API_URL="http://paperboy-test.invalid/bot"
        )
        async with paperboy_run(tmp_path, environment) as bot:
            health = await health_while(bot, "does not resolve")
            assert str(health["checks"]["telegram"]).startswith(
                "cannot reach paperboy-test.invalid: its name does not resolve (DNS); retrying in "
            )
            assert health["checks"]["slack"] is True
            assert await bot.terminate() == 0
        log = bot.log.read_text(encoding="utf-8")
        assert "Traceback" not in log
        assert attempts_logged(log, "paperboy-test.invalid")


async def test_a_refused_telegram_token_stays_fatal_at_once(tmp_path: Path) -> None:
    """An API that answers 401 is reachable: no retry, one line, exit 1, the token never shown."""
    async with FakeTelegram(rate_limits=False) as telegram, FakeSlack() as slack:
        db = tmp_path / "run.db"
        await prepare_database(db, [])
        revoked = "999999:REVOKED-token-value"
        environment = bot_environment(db, free_port(), telegram, slack, PAPERBOY_TELEGRAM__TOKEN=revoked)
        async with paperboy_run(tmp_path, environment) as bot:
            code = await asyncio.wait_for(bot.process.wait(), 30)
        output = bot.log.read_text(encoding="utf-8")
        assert code == 1
        assert "paperboy: Telegram refused the bot token; check PAPERBOY_TELEGRAM__TOKEN" in output
        assert "retrying" not in output
        assert "Traceback" not in output
        assert "REVOKED-token-value" not in output
