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
            await ingest_once()
        finally:  # the writer runs even after a failed round: it may have earlier days to finish
            if after_round is not None:
                await after_round()

    async def ingest_once() -> None:
        try:
            reports = await ingest_round(service, settings, today())
        except PaperboyError as err:  # a source that cannot be read at all: said in one line
            metrics.ingest_errors.inc()
            log.warning("ingest round failed: %s", err)
            return
        except Exception:
            metrics.ingest_errors.inc()
            raise
        errors = [error for report in reports for error in report.errors]
        metrics.ingest_errors.inc(len(errors))
        for error in errors:
            log.warning("ingest: %s", error)
        added = sum(report.papers_added for report in reports)
        updated = sum(report.papers_updated for report in reports)
        log.info("ingest round: %d papers added, %d updated", added, updated)
        if not errors:  # the age /healthz shows is that of the last round that read everything
            health.ingested()
            metrics.last_ingest.set_to_current_time()

    await every(settings.every_minutes * 60, stop, one_round, "ingest round")
