"""Periodic ingestion: each round fetches the last days from the HF API (and the archive), stamps
health and metrics, and a failing source is counted without stopping the loop."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import date
from pathlib import Path

from bot.config import HFSettings, IngestSettings
from bot.health import Health
from bot.ingest import DigestSources, IngestReport
from bot.metrics import Metrics
from bot.refresh import ingest_forever, ingest_once, ingest_round
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


class _StubService:
    """A service whose rounds report what the test says (errors, refused papers), or raise."""

    def __init__(self, reports: list[IngestReport | Exception]) -> None:
        self._reports = reports

    async def fetch_hf(self, start: date, end: date) -> IngestReport:
        outcome = self._reports.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


async def test_failing_rounds_show_in_healthz_and_turn_it_503_after_n_in_a_row() -> None:
    broken = IngestReport(sources_failed=1, errors=["Hugging Face 2025-02-22: day not stored: boom"])
    refused = IngestReport(sources=1, papers_added=3, failed_entries=2)
    good = IngestReport(sources=1, papers_added=3)
    rounds: list[IngestReport | Exception] = [broken, refused, good, broken, refused, RuntimeError("bug")]
    service = _StubService(rounds)
    health, metrics = Health(), Metrics()
    settings = IngestSettings(hf_days=3, failed_rounds_unhealthy=2)

    async def one() -> tuple[bool, dict[str, object]]:
        with contextlib.suppress(RuntimeError):
            await ingest_once(service, settings, health, metrics=metrics, today=DAY)  # type: ignore[arg-type]
        return await health.report()

    healthy, details = await one()  # a round with a day not stored
    assert healthy
    assert details["ingest"] == {
        "last_round_errors": 1,
        "last_round_failed_entries": 0,
        "failed_rounds_in_a_row": 1,
    }
    healthy, details = await one()  # a round with refused papers is a failed round too
    assert not healthy
    assert details["status"] == "failing"
    assert details["checks"] == {"ingest": False}
    assert details["ingest"] == {
        "last_round_errors": 0,
        "last_round_failed_entries": 2,
        "failed_rounds_in_a_row": 2,
    }
    healthy, details = await one()  # a clean round: healthy again
    assert healthy
    assert health.last_ingest is not None
    await one()
    await one()
    healthy, details = await one()  # a round that raises counts as failed as well
    assert not healthy
    assert details["ingest"]["failed_rounds_in_a_row"] == 3  # type: ignore[index]
    page = metrics.exposition()
    assert b"paperboy_ingest_failed_entries_total 4.0" in page
    assert b"paperboy_ingest_failed_rounds_total 5.0" in page
    assert b"paperboy_ingest_failed_rounds_in_a_row 3.0" in page


async def test_a_poisoned_oldest_api_day_costs_no_day(store: SqliteStore) -> None:
    """The reported run: the oldest of three HF days held NUL, 2^63 votes and a lone surrogate, and
    no day at all was stored while /healthz said 200. Now every day is stored, every paper too."""
    items = json.loads(HF_SAMPLE.read_text(encoding="utf-8"))
    poisoned = json.loads(json.dumps(items))
    poisoned[0]["paper"]["title"] += "\u0000"
    poisoned[1]["paper"]["upvotes"] = 2**63
    poisoned[2]["paper"]["authors"][0]["name"] = "\ud800"
    async with FakeHFServer() as hf:
        hf.set_day(date(2025, 2, 22), poisoned)
        for day in (date(2025, 2, 23), DAY):
            hf.set_day(day, [{**item, "paper": {**item["paper"], "id": f"2502.{day.day}00{n}"}}
                             for n, item in enumerate(items)])  # fmt: skip
        service = PaperService(store, DigestSources(HFSettings(base_url=hf.base_url, max_retries=0)))
        health, metrics = Health(), Metrics()
        await ingest_once(service, IngestSettings(hf_days=3), health, metrics=metrics, today=DAY)
    assert [d.papers for d in await service.days()] == [3, 3, 3]
    assert (await health.report())[0]
    assert health.ingest is not None
    assert health.ingest.failed_rounds_in_a_row == 0
