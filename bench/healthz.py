"""What a flood of /healthz (and /metrics) probes costs the commands.

Why: /healthz is polled by container runtimes, load balancers and anyone who can reach the port, in
the same event loop that answers commands. When each probe ran a database query (the old check
aggregated all of `paper_days`), eight clients polling in a loop slowed /today twentyfold. Now the
database check is a `SELECT 1` kept 2 s and the outbox gauges a count kept 5 s (bot.health.Cached).

The bench builds a SQLite database of N papers (one list of 50 a day; built once, `--db` reuses it),
serves /healthz and /metrics from the real HttpServer as `paperboy run` wires them, and times a
/today-like command (the day's top 10 rendered as Telegram's first page) in the same event loop:
alone, then while C client processes (separate, like real pollers) request /healthz as fast as they
can. It does so for the old wiring (`per-request`: the check and the gauges queried on every request)
and the current one (`cached`), and counts the store calls each made.

`--backend postgresql` copies that database into a throwaway PostgreSQL server (tests/pg_server.py,
as bench.push does) and runs there, where the old check's GROUP BY read every row of `paper_days`.

Run: `.venv/bin/python -m bench.healthz [--papers 65000] [--clients 8] [--seconds 5] [--db PATH]
[--backend sqlite|postgresql] [--rate R]`; `--rate` caps each client at R requests a second, so
both wirings serve the same load (by default each client polls flat out).
Timings are wall time on a shared, noisy machine: compare medians, not single runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.__main__ import observability
from bot.config import HFSettings
from bot.health import Health
from bot.ingest import DigestSources
from bot.metrics import Metrics
from bot.service import PaperService
from handlers.http_server import HttpServer
from handlers.telegram_adapter.asks import top_page
from storage import open_store
from storage.copy import copy_sqlite_to_postgres
from storage.sqlite import SqliteStore
from tests import pg_server
from tests.fakes.counting_store import CountingStore

PER_DAY = 50
FLOOD = """
import asyncio, sys, time
import aiohttp

async def main(url: str, seconds: float, rate: float) -> None:
    done = 0
    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < started + seconds:
            async with session.get(url) as response:
                await response.read()
            done += 1
            if rate:  # at most `rate` requests a second
                await asyncio.sleep(max(0.0, started + done / rate - time.monotonic()))
    print(done)

asyncio.run(main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3])))
"""


async def build(path: Path, papers: int) -> None:
    """`papers` minimal papers, 50 a day back from 2025-02-24, written with plain SQL (fast)."""
    store = await SqliteStore.open(path)  # the schema
    await store.close()
    now = "2025-02-24T00:00:00+00:00"
    first = date(2025, 2, 24)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("DELETE FROM paper_days")
        db.execute("DELETE FROM papers")
        db.execute("DELETE FROM days")
        days = [(first - timedelta(days=i)).isoformat() for i in range((papers + PER_DAY - 1) // PER_DAY)]
        db.executemany("INSERT INTO days VALUES (?, ?, ?)", [(day, now, now) for day in days])
        db.executemany(
            "INSERT INTO papers (id, arxiv_id, title, authors, votes, created_at, updated_at)"
            " VALUES (?, ?, ?, '[\"A. Author\"]', ?, ?, ?)",
            [(i + 1, f"{2000 + i // 99999:04d}.{i % 99999:05d}", f"Paper {i}", (i * 7919) % 300, now, now)
             for i in range(papers)],
        )  # fmt: skip
        db.executemany(
            "INSERT INTO paper_days VALUES (?, ?, ?)",
            [(days[i // PER_DAY], i + 1, i % PER_DAY) for i in range(papers)],
        )


def per_request(store: Any, metrics: Metrics) -> tuple[Health, Callable[[], Awaitable[None]]]:
    """The wiring before: the database check and the outbox gauges queried on every request."""
    service = PaperService(store, DigestSources(HFSettings()))

    async def database() -> bool:
        await service.days(limit=1)
        return True

    async def gauges() -> None:
        stats = await service.stats()
        for status, count in (("pending", stats.outbox_pending), ("sent", stats.outbox_sent),
                              ("failed", stats.outbox_failed), ("dead", stats.outbox_dead)):  # fmt: skip
            metrics.outbox.labels(status).set(count)

    health = Health()
    health.add("database", database)
    return health, gauges


async def _today_latencies(service: PaperService, seconds: float) -> list[float]:
    samples = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        await top_page(service, "en", None, 10, 0)
        samples.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.02)
    return samples


async def measure(url: str, mode: str, clients: int, seconds: float, rate: float) -> dict[str, Any]:
    store = CountingStore(await open_store(url))
    metrics = Metrics()
    wire = per_request if mode == "per-request" else observability
    health, gauges = wire(store, metrics)
    server = HttpServer("127.0.0.1", 0, [], health=health, metrics=metrics, before_scrape=gauges)
    await server.start()
    service = PaperService(store, DigestSources(HFSettings()))
    probe_url = f"http://127.0.0.1:{server.port}/healthz"
    try:
        quiet = await _today_latencies(service, min(seconds, 2.0))
        store.calls.clear()
        flood = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                FLOOD,
                probe_url,
                str(seconds),
                str(rate),
                stdout=asyncio.subprocess.PIPE,
            )
            for _ in range(clients)
        ]
        await asyncio.sleep(0.5)  # the clients are up and polling
        flooded = await _today_latencies(service, seconds - 1.0)
        served = sum([int((await process.communicate())[0] or 0) for process in flood])
        calls = dict(store.calls)
    finally:
        await server.stop()
        await store.close()
    return {
        "mode": mode,
        "today_ms_p50_quiet": round(statistics.median(quiet), 2),
        "today_ms_p50_flooded": round(statistics.median(flooded), 2),
        "today_ms_p90_flooded": round(statistics.quantiles(flooded, n=10)[-1], 2),
        "healthz_served_per_s": round(served / seconds),
        "store_calls_during_flood": {k: v for k, v in calls.items() if k not in ("top", "latest_day")},
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=65_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rate", type=float, default=0.0, help="requests/s per client (0: flat out)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = args.db or Path(scratch) / "healthz.db"
        if not path.exists():
            print(f"building {args.papers} papers in {path} ...", flush=True)
            await build(path, args.papers)
        server = None
        url = f"sqlite:///{path}"
        if args.backend == "postgresql":
            if not pg_server.available():
                raise SystemExit(f"no PostgreSQL server binaries in {pg_server.PG_BIN}")
            server = pg_server.PostgresServer()
            server.start()
            url = server.database()
            await copy_sqlite_to_postgres(str(path), url)
        try:
            modes = ("per-request", "cached")
            rows = [await measure(url, mode, args.clients, args.seconds, args.rate) for mode in modes]
        finally:
            if server is not None:
                server.stop()
    for row in rows:
        print(
            f"{row['mode']:>12}: /today p50 {row['today_ms_p50_quiet']} ms alone, "
            f"{row['today_ms_p50_flooded']} ms (p90 {row['today_ms_p90_flooded']}) under {args.clients} "
            f"/healthz clients ({row['healthz_served_per_s']}/s served); "
            f"store calls {row['store_calls_during_flood']}"
        )
    summary = {"papers": args.papers, "clients": args.clients, "rate": args.rate, "backend": args.backend}
    print(json.dumps(summary | {"runs": rows}))


if __name__ == "__main__":
    asyncio.run(main())
