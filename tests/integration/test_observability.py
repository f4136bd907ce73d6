"""/healthz and /metrics cost the database nothing per request: however often they are polled, the
store is asked at most once per check interval (counted on a wrapper around the real SqliteStore)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from bot.__main__ import DATABASE_CHECK_SECONDS, OUTBOX_GAUGES_SECONDS, observability
from bot.metrics import Metrics
from handlers.http_server import HttpServer
from storage.sqlite import SqliteStore
from tests.fakes.counting_store import CountingStore


async def _hammer(url: str, times: int, at_once: int = 20) -> list[int]:
    statuses: list[int] = []
    async with aiohttp.ClientSession() as session:

        async def one() -> None:
            async with session.get(url) as response:
                await response.read()
                statuses.append(response.status)

        for _ in range(times // at_once):
            await asyncio.gather(*(one() for _ in range(at_once)))
    return statuses


async def test_200_probes_and_200_scrapes_ask_the_store_once_each(tmp_path: Path) -> None:
    store = CountingStore(await SqliteStore.open(tmp_path / "observed.db"))
    metrics = Metrics()
    health, gauges = observability(store, metrics)
    server = HttpServer("127.0.0.1", 0, [], health=health, metrics=metrics, before_scrape=gauges)
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        started = time.monotonic()
        health_statuses = await _hammer(base + "/healthz", 200)
        metric_statuses = await _hammer(base + "/metrics", 200)
        elapsed = time.monotonic() - started
        async with aiohttp.ClientSession() as session, session.get(base + "/metrics") as response:
            page = await response.text()
        async with aiohttp.ClientSession() as session, session.get(base + "/healthz") as response:
            details = await response.json()
    finally:
        await server.stop()
        await store.close()
    assert health_statuses == [200] * 200
    assert metric_statuses == [200] * 200
    assert details["checks"] == {"database": True}
    assert 'paperboy_outbox{status="pending"} 0.0' in page
    # Once, plus once per interval the run took (a slow shared machine may take a few seconds).
    assert 1 <= store.calls["ping"] <= 1 + int(elapsed // DATABASE_CHECK_SECONDS)
    assert 1 <= store.calls["outbox_counts"] <= 1 + int(elapsed // OUTBOX_GAUGES_SECONDS)
    assert set(store.calls) == {"ping", "outbox_counts", "close"}


@pytest.mark.slow  # waits out the health check's real interval
async def test_a_database_that_stops_answering_fails_health_within_the_interval(tmp_path: Path) -> None:
    store = CountingStore(await SqliteStore.open(tmp_path / "observed.db"))
    health, _ = observability(store, Metrics())
    try:
        assert (await health.report())[0]
        store._inner.ping = _raises  # type: ignore[method-assign]
        assert (await health.report())[0]  # the last answer, at most DATABASE_CHECK_SECONDS old
        await asyncio.sleep(DATABASE_CHECK_SECONDS + 0.1)
        healthy, details = await health.report()
        assert not healthy
        assert details["checks"]["database"] is False
    finally:
        await store.close()


async def _raises() -> None:
    raise OSError("disk I/O error")
