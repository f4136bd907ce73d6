"""Periodic ingestion while the bot runs: new lists and fresh votes without a cron job.

Each round fetches the last few days from the HF API (a list fills up during its day and votes keep
rising for days after) and reads the configured markdown archive, if any. A round that fails is
logged and counted; the next one tries again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from bot.config import IngestSettings
from bot.errors import PaperboyError
from bot.health import Health
from bot.ingest import IngestReport
from bot.metrics import METRICS, Metrics
from bot.periodic import every
from bot.service import PaperService

log = logging.getLogger(__name__)


def _utc_today() -> date:
    return datetime.now(UTC).date()


def ingesting(settings: IngestSettings) -> bool:
    """Whether `paperboy run` ingests at all: rounds are on and there is something to read."""
    return settings.every_minutes > 0 and bool(settings.hf_days or settings.archive)


async def ingest_round(service: PaperService, settings: IngestSettings, today: date) -> list[IngestReport]:
    """One round: the HF API's last `hf_days` days, then the archive; a source that fails raises."""
    reports = []
    if settings.hf_days:
        reports.append(await service.fetch_hf(today - timedelta(days=settings.hf_days - 1), today))
    if settings.archive:
        reports.append(await service.ingest([settings.archive]))
    return reports


async def ingest_once(
    service: PaperService,
    settings: IngestSettings,
    health: Health,
    *,
    metrics: Metrics = METRICS,
    today: date,
) -> None:
    """One round, accounted for: its failures (sources or days not read or stored, refused papers)
    go to the metrics and to /healthz; only a clean round stamps the time of the last ingest."""
    health.ingest_unhealthy_after = settings.failed_rounds_unhealthy
    try:
        reports = await ingest_round(service, settings, today)
    except PaperboyError as err:  # a source that cannot be read at all: said in one line
        _account(health, metrics, errors=1, failed_entries=0)
        log.warning("ingest round failed: %s", err)
        return
    except Exception:  # a bug: a failed round too, and its traceback for the log (periodic.every)
        _account(health, metrics, errors=1, failed_entries=0)
        raise
    errors = [error for report in reports for error in report.errors]
    failed_entries = sum(report.failed_entries for report in reports)
    for error in errors:
        log.warning("ingest: %s", error)
    if failed_entries:
        log.warning("ingest: %d paper(s) not stored (see the problems of `paperboy ingest`)", failed_entries)
    _account(health, metrics, errors=len(errors), failed_entries=failed_entries)
    added = sum(report.papers_added for report in reports)
    updated = sum(report.papers_updated for report in reports)
    log.info("ingest round: %d papers added, %d updated", added, updated)
    if not errors and not failed_entries:  # the age /healthz shows is that of the last clean round
        health.ingested()
        metrics.last_ingest.set_to_current_time()


def _account(health: Health, metrics: Metrics, *, errors: int, failed_entries: int) -> None:
    status = health.ingest_round(errors=errors, failed_entries=failed_entries)
    metrics.ingest_errors.inc(errors)
    metrics.ingest_failed_entries.inc(failed_entries)
    if status.failed_rounds_in_a_row:
        metrics.ingest_failed_rounds.inc()
    metrics.ingest_failed_in_a_row.set(status.failed_rounds_in_a_row)


async def ingest_forever(
    service: PaperService,
    settings: IngestSettings,
    stop: asyncio.Event,
    health: Health,
    *,
    metrics: Metrics = METRICS,
    today: Callable[[], date] = _utc_today,
    after_round: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """A round now and every `every_minutes` until `stop`; off when every_minutes is 0.
    `after_round` runs after each round (the digest writer)."""
    if not ingesting(settings):
        return

    async def one_round() -> None:
        try:
            await ingest_once(service, settings, health, metrics=metrics, today=today())
        finally:  # the writer runs even after a failed round: it may have earlier days to finish
            if after_round is not None:
                await after_round()

    await every(settings.every_minutes * 60, stop, one_round, "ingest round")
