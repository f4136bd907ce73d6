"""`paperboy run`'s periodic ingestion as operators see it: a poisoned API day costs no day, and
rounds that keep failing turn /healthz to 503 with the reason, and show in /metrics."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import open_store
from tests.conftest import REPO
from tests.e2e.run_process import bot_environment, free_port, paperboy_run
from tests.e2e.telegram_rig import until
from tests.fakes.hf_api import FakeHFServer, Fault
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

HF_SAMPLE = REPO / "tests" / "fixtures" / "hf" / "daily_papers_2025-02-24.json"


async def test_a_poisoned_day_is_stored_and_failing_rounds_turn_healthz_503(tmp_path: Path) -> None:
    items = json.loads(HF_SAMPLE.read_text(encoding="utf-8"))
    today = datetime.now(UTC).date()
    async with FakeTelegram() as telegram, FakeSlack() as slack, FakeHFServer() as hf:
        for offset in range(3):
            day = today - timedelta(days=offset)
            listed = [{**item, "paper": {**item["paper"], "id": f"2502.{offset}000{n}"}}
                      for n, item in enumerate(items)]  # fmt: skip
            if offset == 2:  # the oldest day: NUL in a title, votes past int64, a lone surrogate
                listed[0]["paper"]["title"] += "\u0000"
                listed[1]["paper"]["upvotes"] = 2**63
                listed[2]["paper"]["summary"] = "\ud800"
            hf.set_day(day, listed)
        db = tmp_path / "run.db"
        environment = bot_environment(
            db, free_port(), telegram, slack,
            PAPERBOY_HF__BASE_URL=hf.base_url, PAPERBOY_HF__MAX_RETRIES="0",
            PAPERBOY_INGEST__EVERY_MINUTES="0.01", PAPERBOY_INGEST__HF_DAYS="3",
            PAPERBOY_INGEST__FAILED_ROUNDS_UNHEALTHY="2",
        )  # fmt: skip
        async with paperboy_run(tmp_path, environment) as bot:
            await until(lambda: len(hf.api_requests()) >= 3, within=20)
            health = await bot.healthy()
            while "ingest" not in health["checks"]:  # the first round is still going
                await asyncio.sleep(0.05)
                health = await bot.healthy()
            assert health["checks"]["ingest"] is True
            hf.fail_next(10_000, Fault(status=400, error="bad date"))
            status, body = 200, ""
            for _ in range(100):
                status, body = await bot.get("/healthz")
                if status == 503:
                    break
                await asyncio.sleep(0.1)
            assert status == 503, body
            answer = json.loads(body)
            assert answer["checks"]["ingest"] is False
            assert answer["ingest"]["last_round_errors"] == 3
            assert answer["ingest"]["failed_rounds_in_a_row"] >= 2
            _, metrics = await bot.get("/metrics")
            assert re.search(r"paperboy_ingest_failed_rounds_total [2-9]", metrics)
            assert await bot.terminate() == 0
        assert "Traceback" not in bot.log.read_text(encoding="utf-8")
    store = await open_store(db)
    try:
        days = await store.list_days()
    finally:
        await store.close()
    assert [(d.day, d.papers) for d in days] == [(today - timedelta(days=n), 3) for n in range(3)]
