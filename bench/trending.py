"""What /trending costs, and how big the vote history grows, over a month of hourly ingest rounds.

Why: trending reads the vote history (storage paper_votes) for every paper of its days, and the
history is written by every ingest round. The bench plays `--rounds` hourly rounds as the periodic
ingest of `paperboy run` does: a new list of PAPERS papers every 24 rounds, each round re-reading
the last INGEST_DAYS lists with votes that grow on a third of the papers and stand on the rest. It
prints the rows the history holds at the end (bounded by the pruning: a row only when a count moved,
none older than VOTE_HISTORY_DAYS), a round's upserts, and p50/p99 of `Catalog.trending` (3 days,
24 h) at the end.

Run: `.venv/bin/python -m bench.trending [--rounds 720] [--backend sqlite|postgresql]`.
Timings are wall time on a shared, noisy machine: compare medians, not single runs.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import time
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime, timedelta

import asyncpg

from bench.stores import percentile, throwaway_database
from bot.models import DigestDay, Paper
from bot.trending import DEFAULT_DAYS, WINDOW
from storage import open_store
from storage.records import VOTE_HISTORY_DAYS

PAPERS = 50
INGEST_DAYS = 3  # PAPERBOY_INGEST__HF_DAYS's default
QUERIES = 200
FIRST = date(2026, 1, 1)


def _papers(day_index: int, round_index: int) -> list[Paper]:
    """A day's list as one round reads it: every third paper gains a vote a round, the rest stand."""
    day = FIRST + timedelta(days=day_index)
    return [
        Paper(
            arxiv_id=f"26{day_index // 28 + 1:02d}.{day_index % 28 * 100 + i:05d}",
            title=f"Paper {i} of {day}",
            votes=10 + i + (round_index if i % 3 == 0 else 0),
            days=(day,),
        )
        for i in range(PAPERS)
    ]


async def _history_rows(url: str) -> int:
    """The rows of paper_votes, read with the database's own driver."""
    if url.startswith("postgresql"):
        pg = await asyncpg.connect(url)
        try:
            return int(await pg.fetchval("SELECT count(*) FROM paper_votes"))
        finally:
            await pg.close()
    with sqlite3.connect(url) as lite:
        return int(lite.execute("SELECT count(*) FROM paper_votes").fetchone()[0])


async def main(rounds: int, backend: str) -> None:
    async with AsyncExitStack() as stack:
        url = throwaway_database(stack, backend, "trending.db")
        store = await open_store(url)
        stack.push_async_callback(store.close)
        start = datetime.combine(FIRST, datetime.min.time(), UTC)
        round_times = []
        for round_index in range(rounds + 1):
            today = round_index // 24
            began = time.perf_counter()
            for index in range(max(0, today - INGEST_DAYS + 1), today + 1):
                papers = _papers(index, round_index)
                seen = start + timedelta(hours=round_index)
                await store.upsert_day(
                    DigestDay(day=papers[0].days[0], source="bench", seen_at=seen, papers=papers)
                )
            round_times.append(time.perf_counter() - began)
        now = start + timedelta(hours=rounds)
        timings = []
        for _ in range(QUERIES):
            began = time.perf_counter()
            page = await store.trending(now, days=DEFAULT_DAYS, window=WINDOW, limit=10)
            timings.append(time.perf_counter() - began)
        timings.sort()
        rows = await _history_rows(url)
        p50, p99 = statistics.median(timings) * 1000, percentile(timings, 99) * 1000
        print(
            f"{backend}: {rounds} hourly rounds, a list of {PAPERS} papers a day ({rounds // 24 + 1} lists), "
            f"each round re-reading the last {INGEST_DAYS}; history kept {VOTE_HISTORY_DAYS} days"
        )
        print(f"  paper_votes rows at the end: {rows:,}")
        print(f"  a round's upserts: p50 {statistics.median(round_times) * 1000:.1f} ms")
        print(
            f"  trending (top {len(page.trends)} of {page.listed}, {page.tracked} tracked): "
            f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=720)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.rounds, arguments.backend)))
