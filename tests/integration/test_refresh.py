"""Periodic ingestion: each round fetches the last days from the HF API (and the archive), stamps
health and metrics, and a failing source is counted without stopping the loop."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

from bot.config import HFSettings, IngestSettings
from bot.health import Health
from bot.ingest import DigestSources
from bot.metrics import Metrics
from bot.refresh import ingest_forever, ingest_round
from bot.sample import sample_digest
from bot.service import PaperService
from storage.sqlite import SqliteStore
from tests.conftest import REPO
from tests.e2e.telegram_rig import until
from tests.fakes.hf_api import FakeHFServer

DAY = date(2025, 2, 24)
HF_SAMPLE = REPO / "tests" / "fixtures" / "hf" / "daily_papers_2025-02-24.json"


async def test_a_round_reads_the_api_days_and_the_archive(store: SqliteStore, tmp_path: Path) -> None:
    async with FakeHFServer() as hf:
        hf.set_day(DAY, json.loads(HF_SAMPLE.read_text(encoding="utf-8")))
        service = PaperService(store, DigestSources(HFSettings(base_url=hf.base_url, max_retries=0)))
        settings = IngestSettings(hf_days=2, archive=str(sample_digest()))
        reports = await ingest_round(service, settings, date(2025, 2, 25))
    assert len(reports) == 2
    assert [r.query["date"] for r in hf.api_requests()] == ["2025-02-24", "2025-02-25"]
    assert reports[0].papers_added == 3
    assert (await service.top(DAY, 3)).papers[0].arxiv_id == "2502.15007"


async def test_the_loop_stamps_health_and_metrics_and_stops_on_request(store: SqliteStore) -> None:
    async with FakeHFServer() as hf:
        hf.set_day(DAY, json.loads(HF_SAMPLE.read_text(encoding="utf-8")))
        service = PaperService(store, DigestSources(HFSettings(base_url=hf.base_url, max_retries=0)))
        stop, health, metrics = asyncio.Event(), Health(), Metrics()
        settings = IngestSettings(every_minutes=60, hf_days=1)
        loop = asyncio.create_task(ingest_forever(service, settings, stop, health, metrics=metrics,
                                                  today=lambda: DAY))  # fmt: skip
        await until(lambda: health.last_ingest is not None)
        stop.set()
        await asyncio.wait_for(loop, 5)  # wakes from its hour-long wait at once
    assert b"paperboy_last_ingest_timestamp_seconds 1." in metrics.exposition()
    assert (await service.days(limit=1))[0].day == DAY


async def test_a_failing_source_is_counted_and_the_loop_goes_on(store: SqliteStore, tmp_path: Path) -> None:
    service = PaperService(store, DigestSources(HFSettings()))
    stop, health, metrics = asyncio.Event(), Health(), Metrics()
    settings = IngestSettings(every_minutes=60, hf_days=0, archive=str(tmp_path / "missing.md"))
    loop = asyncio.create_task(ingest_forever(service, settings, stop, health, metrics=metrics))
    await until(lambda: b"paperboy_ingest_errors_total 1.0" in metrics.exposition())
    assert not loop.done()
    stop.set()
    await asyncio.wait_for(loop, 5)
    assert health.last_ingest is None


async def test_ingestion_turned_off_returns_at_once(store: SqliteStore) -> None:
    service = PaperService(store, DigestSources(HFSettings()))
    await asyncio.wait_for(
        ingest_forever(service, IngestSettings(every_minutes=0), asyncio.Event(), Health()), 1
    )
