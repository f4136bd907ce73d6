"""What an Atom feed costs to answer, and what a reader's 304 saves.

Why: feed readers poll (every few minutes, thousands of them for a popular feed), and every answer
is built from the database: the top feed reads seven lists, a subscription's feed runs its
selection over them, a search runs the full-text search. A 304 still builds the document (the ETag
is its hash) but sends no body, and a public feed written in the last minute is answered as
written (handlers/feeds_http.FRESH_SECONDS). The bench stores FEED_DAYS lists of the heaviest kind the archive
has (68 papers with long Korean summaries each, tests/fixtures/adversarial.huge_day), serves the
feeds from the real HttpServer as `paperboy serve` wires them, and times sequential requests from
a real client: p50/p99 per feed written every time (the clock moved past a minute before each
request), bytes per answer, then the same with the ETag sent back, then repeated within the minute.

Run: `.venv/bin/python -m bench.feeds [--requests 200] [--backend sqlite|postgresql]`.
Timings are wall time on a shared, noisy machine: compare medians, not single runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from datetime import timedelta

import aiohttp

from bench.stores import percentile, throwaway_database
from bot.config import HFSettings
from bot.feeds import FEED_DAYS
from bot.ingest import DigestSources
from bot.models import Destination, DigestDay, Subscription
from bot.service import PaperService
from handlers.feeds_http import FRESH_SECONDS, feed_routes
from handlers.http_server import HttpServer
from storage import open_store
from tests.fixtures.adversarial import DAY, huge_day


class _Clock:
    """Monotonic seconds the bench can move: `stale` makes every kept feed too old."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def stale(self) -> None:
        self.now += FRESH_SECONDS + 1


async def _timed(
    session: aiohttp.ClientSession,
    url: str,
    requests: int,
    headers: dict[str, str],
    before: Callable[[], None] = lambda: None,
) -> tuple[list[float], int, int]:
    """Milliseconds per request, the last status and the last body's size."""
    times, status, size = [], 0, 0
    for _ in range(requests):
        before()
        started = time.perf_counter()
        async with session.get(url, headers=headers) as response:
            body = await response.read()
        times.append((time.perf_counter() - started) * 1000)
        status, size = response.status, len(body)
    return times, status, size


async def main(requests: int, backend: str) -> None:
    async with AsyncExitStack() as stack:
        url = throwaway_database(stack, backend, "feeds.db")
        store = await open_store(url)
        stack.push_async_callback(store.close)
        papers = huge_day()
        for back in range(FEED_DAYS):
            day = DAY - timedelta(days=back)
            shifted = [
                paper.model_copy(update={"arxiv_id": f"2503.{30000 + back * 100 + i}", "days": (day,)})
                for i, paper in enumerate(papers)
            ]
            await store.upsert_day(DigestDay(day=day, source="bench", papers=shifted))
        subscription = Subscription(
            destination=Destination(platform="slack", chat_id="C1"), chat_type="channel", top_n=20,
            include=("LLM",),
        )  # fmt: skip
        await store.save_subscription(subscription)
        service = PaperService(store, DigestSources(HFSettings()))
        clock = _Clock()
        server = HttpServer("127.0.0.1", 0, feed_routes(service, None, clock))
        await server.start()
        stack.push_async_callback(server.stop)
        base = f"http://127.0.0.1:{server.port}"
        session = await stack.enter_async_context(aiohttp.ClientSession())
        print(f"{backend}: {FEED_DAYS} lists of {len(papers)} papers, {requests} sequential requests each")
        print(f"{'':<28} {'written each time':>26} {'304, written':>18} {'within the minute':>18}")
        widths = (("p50 ms", 8), ("p99 ms", 8), ("bytes", 9), ("p50", 8), ("p99", 8))
        head = " ".join(f"{title:>{width}}" for title, width in widths)
        print(f"{'feed':<28} {head}  {'p50':>8} {'p99':>8}")
        for name, path in (
            ("top (ko)", "/feeds/top.atom?lang=ko"),
            ("top (en)", "/feeds/top.atom?lang=en"),
            ("search 'LLM'", "/feeds/search.atom?q=LLM"),
            ("subscription (top 20, LLM)", f"/feeds/s/{subscription.feed_token}.atom"),
        ):
            full, status, size = await _timed(session, base + path, requests, {}, clock.stale)
            assert status == 200, status
            async with session.get(base + path) as response:
                etag = response.headers["ETag"]
            same = {"If-None-Match": etag}
            unchanged, status, _ = await _timed(session, base + path, requests, same, clock.stale)
            assert status == 304, status
            kept, status, _ = await _timed(session, base + path, requests, {})
            assert status == 200, status
            print(
                f"{name:<28} {statistics.median(full):8.1f} {percentile(full, 99):8.1f} {size:9,}"
                f" {statistics.median(unchanged):8.1f} {percentile(unchanged, 99):8.1f}"
                f"  {statistics.median(kept):8.1f} {percentile(kept, 99):8.1f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.requests, arguments.backend)))
