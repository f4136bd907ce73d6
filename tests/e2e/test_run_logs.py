"""What `paperboy run` logs when all is well: at the default level one line, where the HTTP server
listens (at INFO, shown anyway); the routine events at INFO; WARNING left for what needs attention."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.run_process import bot_environment, free_port, paperboy_run, prepare_database
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

ROUTINE = (
    "Telegram starting (long polling)",
    "1 instance(s) share the database; this one schedules",
    "Slack in HTTP mode: requests arrive at /slack/events",
    "stopped; 0 unfinished push(es) handed back for the next start",
)


async def _healthy_run(tmp_path: Path, **settings: str) -> tuple[str, int]:
    async with FakeTelegram(rate_limits=False) as telegram, FakeSlack() as slack:
        db = tmp_path / "run.db"
        await prepare_database(db, [])
        port = free_port()
        async with paperboy_run(tmp_path, bot_environment(db, port, telegram, slack, **settings)) as bot:
            await bot.healthy()
            assert await bot.terminate() == 0
        return bot.log.read_text(encoding="utf-8"), port


async def test_at_the_default_level_a_healthy_run_says_only_where_it_listens(tmp_path: Path) -> None:
    log, port = await _healthy_run(tmp_path, PAPERBOY_LOG_LEVEL="")  # empty: the default, WARNING
    [line] = log.splitlines()
    assert line.endswith(f" INFO paperboy.start: HTTP server on 127.0.0.1:{port} (/healthz, /metrics)")


async def test_the_line_is_json_in_json_mode(tmp_path: Path) -> None:
    log, port = await _healthy_run(tmp_path, PAPERBOY_LOG_LEVEL="ERROR", PAPERBOY_LOG_FORMAT="json")
    [line] = log.splitlines()
    record = json.loads(line)
    assert (record["level"], record["message"]) == (
        "INFO",
        f"HTTP server on 127.0.0.1:{port} (/healthz, /metrics)",
    )


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_routine_events_are_info(tmp_path: Path, level: str) -> None:
    log, _ = await _healthy_run(tmp_path, PAPERBOY_LOG_LEVEL=level)
    for event in ROUTINE:
        [line] = [line for line in log.splitlines() if event in line]
        assert " INFO " in line, line
    assert " WARNING " not in log
