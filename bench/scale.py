"""How the push's start-up and memory grow with the number of subscribers (issue 16), on SQLite and
PostgreSQL.

For each store and size N, a database gets the sample day and N subscriptions (bench/push.py's mix:
one in ten a Slack channel, one in ten a Telegram group), written straight into the table in one
go (SQLite: one executemany; PostgreSQL: one COPY into a throwaway server, tests/pg_server.py, a
fresh one per run), so preparing a million takes seconds rather than a million
`save_subscription`s. Then:

- enqueue: `Scheduler.enqueue_due` in a process of its own on a copy of the database (a copied
  file; `CREATE DATABASE ... TEMPLATE`), its wall time and its peak RSS (what the scheduler alone
  holds): with `everyone_now` as `push --now` does, and as a scheduler round of `paperboy run`
  finds them all due (00:01 UTC the day after the list's), then the idle round right after it;
- push: a real `paperboy push --now` against the loopback fakes with Telegram's caps lifted (the
  helpers of bench/push.py): the time from its start to the first message, the send rate over a
  fixed window after it, and the bot's peak RSS (VmHWM) at the end of the window, when it is
  stopped; the rest of the pushes stay pending (a window, not the whole push, at every size);
- the database's size (SQLite: the file with its WAL; PostgreSQL: `pg_database_size`, which
  counts the server's own catalog, about 7.5 MB, and not the WAL).

`--repeat R` runs each size R times (those from `--once-from` on once) and reports the median of
each figure. After the sizes, each store's log-log slope of every time and memory figure against
the subscribers (least squares over the sizes run): 1 is linear, 0 flat.

`--instances K` (PostgreSQL) then starts K `paperboy push --now` processes at once on one database
of the largest size, Telegram's overall cap (`--cap`) enforced by the fake and shared by the
instances (each takes 1/K of it), for a fixed window after the first message: the rate they reach
together, the fakes' 429s (any send past the cap) and when they came, and, from the fakes'
records, the messages a chat got beyond its first.

`--source DIR` runs the scheduler and the bot from another checkout of the code (an older commit
unpacked with `git archive`), for before/after figures; this file and its helpers stay these.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any, Protocol

import asyncpg

from bench.push import (
    PLATFORMS,
    Fakes,
    bot_env,
    destination_of,
    first_message,
    start_bot,
    tally,
    without_cycle_collector,
)
from bot.models import Subscription
from bot.sample import sample_digest
from bot.sources.markdown import parse_markdown
from storage import open_store
from storage.records import subscription_values
from storage.sqlite import _column
from tests import pg_server
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram, RateLimits, Window

SIZES = (10_000, 100_000)
STORES = ("sqlite", "postgresql")
SHARED_CAP = 30  # Telegram's default overall cap, which the instances share
UNCAPPED = 1000  # Telegram's overall cap lifted, as bench/push.py's uncapped mode
WINDOW_SECONDS = 10.0  # how long the push sends after its first message before it is stopped
HERE = Path(__file__).resolve().parent.parent

ENQUEUE = """
import asyncio, json, sys, time
from datetime import UTC, datetime, timedelta, time as dt_time
from bot.clock import SystemClock
from bot.config import PushSettings
from bot.delivery import Scheduler
from storage import open_store

class At(SystemClock):  # the scheduler's now: this instant, or just after the sample's push falls due
    def __init__(self, moment):
        self.moment = moment

    def now(self):
        return self.moment

async def main():
    store = await open_store(sys.argv[1])
    now = datetime.now(UTC)
    day = await store.latest_day()  # the sample's: its push falls due at 00:00 UTC the day after
    just_after = datetime.combine(day + timedelta(days=1), dt_time(0, 1), UTC)
    scheduler = Scheduler(store, PushSettings(), clock=At(now if sys.argv[2] == "now" else just_after))
    started = time.perf_counter()
    report = await scheduler.enqueue_due(everyone_now=sys.argv[2] == "now")
    seconds = time.perf_counter() - started
    started = time.perf_counter()  # a round right after: everything handled, nothing due
    await scheduler.enqueue_due()
    idle = time.perf_counter() - started
    await store.close()
    # VmHWM, not ru_maxrss: that one keeps the bench's own size from before the exec
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    peak = int(status.split()[0]) / 1024
    print(json.dumps({"seconds": seconds, "idle_seconds": idle, "digests": report.digests, "peak_mb": peak}))

asyncio.run(main())
"""


@dataclass
class Growth:
    subscribers: int
    store: str  # sqlite or postgresql
    source: str
    enqueue_s: float
    enqueue_peak_mb: float
    enqueued: int
    scheduled_s: float  # the same, as a scheduler round finds them due (`paperboy run`)
    scheduled_peak_mb: float
    scheduled: int
    idle_round_s: float  # a scheduler round right after that one, which finds nothing due
    first_message_s: float | None
    rate_per_s: float
    sent: int  # messages the fakes accepted before the bot was stopped; the rest stay pending
    bot_peak_mb: float | None
    database_mb: float  # the subscriptions and the day, before the push
    database_after_mb: float  # after the window of sending (outbox, ledger)
    prepare_s: float


# The figures a slope is worth taking of: each grows with the subscribers, or should not (the
# rate should stay flat: a store whose lease slows with the outbox's length shows here).
SLOPED = (
    "enqueue_s",
    "enqueue_peak_mb",
    "scheduled_s",
    "scheduled_peak_mb",
    "idle_round_s",
    "first_message_s",
    "bot_peak_mb",
    "database_mb",
    "rate_per_s",
)


class Database(Protocol):
    """One store's database under measure: filled once, copied for each enqueue, sized."""

    url: str

    async def write(self, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """The subscription rows (models' values, as `subscription_values` gives them), at once."""
        ...

    def copy(self) -> AbstractAsyncContextManager[str]:
        """The URL of a copy of the database, gone on leaving."""
        ...

    async def size_mb(self) -> float: ...


class SqliteDatabase:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "scale.db"
        self.url = f"sqlite:///{self.path}"

    async def write(self, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(columns))
        db = sqlite3.connect(self.path)
        try:
            with db:
                db.executemany(
                    f"INSERT INTO subscriptions ({', '.join(columns)}) VALUES ({marks})",
                    (tuple(_column(value) for value in row) for row in rows),
                )
        finally:
            db.close()  # the last connection out checkpoints the WAL: the file alone holds it all

    @asynccontextmanager
    async def copy(self) -> AsyncIterator[str]:
        copy = self.path.with_name("enqueue.db")
        shutil.copy(self.path, copy)
        try:
            yield f"sqlite:///{copy}"
        finally:
            for leftover in copy.parent.glob(f"{copy.name}*"):
                leftover.unlink()

    async def size_mb(self) -> float:
        """The file's size with its WAL and shared memory, in MB."""
        return sum(p.stat().st_size for p in self.path.parent.glob(f"{self.path.name}*")) / 2**20


class PostgresDatabase:
    """A database of its own on a throwaway server (not a schema of `postgres`, as the tests use):
    `pg_database_size` then measures this one, and `CREATE DATABASE ... TEMPLATE` copies it whole."""

    NAME = "scale"

    def __init__(self, server: pg_server.PostgresServer) -> None:
        self._server = server
        self.url = server.url(self.NAME)

    async def _admin(self, *statements: str) -> None:
        """Statements on the server's `postgres` database (CREATE/DROP DATABASE run outside one)."""
        db = await asyncpg.connect(self._server.url())
        try:
            for statement in statements:
                await db.execute(statement)
        finally:
            await db.close()

    async def create(self) -> None:
        await self._admin(f"CREATE DATABASE {self.NAME}")

    async def write(self, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        db = await asyncpg.connect(self.url)
        try:
            await db.copy_records_to_table("subscriptions", records=rows, columns=columns)
            # What autovacuum would do soon after: the bot's plans see a million rows, not none.
            await db.execute("ANALYZE subscriptions")
        finally:
            await db.close()

    @asynccontextmanager
    async def copy(self) -> AsyncIterator[str]:
        """A copy made by the server, file by file (nobody may be connected to the original)."""
        await self._admin(f"CREATE DATABASE enqueue TEMPLATE {self.NAME}")
        try:
            yield self._server.url("enqueue")
        finally:
            await self._admin("DROP DATABASE enqueue WITH (FORCE)")

    async def size_mb(self) -> float:
        db = await asyncpg.connect(self.url)
        try:
            size: int = await db.fetchval("SELECT pg_database_size(current_database())")
        finally:
            await db.close()
        return size / 2**20


@asynccontextmanager
async def database_of(store: str, folder: Path) -> AsyncIterator[Database]:
    """An empty database of `store`; for PostgreSQL on a server started for it and stopped after."""
    if store == "sqlite":
        yield SqliteDatabase(folder)
        return
    if not pg_server.available():
        raise SystemExit(f"no PostgreSQL server binaries in {pg_server.PG_BIN} (set PAPERBOY_TEST_PG_BIN)")
    server = pg_server.PostgresServer()
    server.start()
    try:
        database = PostgresDatabase(server)
        await database.create()
        yield database
    finally:
        server.stop()


async def fill(
    database: Database, subscribers: int, fakes: Fakes, send_time: clock_time = clock_time(0, 0)
) -> float:
    """The database: the sample day and N subscriptions due at `send_time` UTC (midnight: due now,
    for `push --now` and a round just after the list's day); the chats in the fakes."""
    started = time.perf_counter()
    store = await open_store(database.url)
    try:
        await store.upsert_day(parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample"))
    finally:
        await store.close()
    now = datetime.now(UTC)
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    rows: list[tuple[Any, ...]] = []
    columns: list[str] = []
    for index in range(subscribers):
        destination, chat_type = destination_of(index)
        fakes.add(destination, chat_type)
        subscription = Subscription(
            destination=destination, chat_type=chat_type, send_time=send_time, active_since=long_ago
        )
        values = subscription_values(subscription, now)
        columns = list(values)
        rows.append(tuple(values.values()))
    await database.write(columns, rows)
    return time.perf_counter() - started


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM), while it still runs."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@contextmanager
def working_in(folder: Path) -> Iterator[None]:
    """`python -m bot` finds its package in the working directory first: the checkout measured."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


async def enqueue(database: Database, source: Path, mode: str) -> dict[str, Any]:
    """`Scheduler.enqueue_due` on a copy of the database, in a process of its own: `now` as
    `push --now` does, `scheduled` as a round of `paperboy run` just after they all fell due."""
    env = os.environ | {"PYTHONPATH": str(source)}
    async with database.copy() as url:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", ENQUEUE, url, mode,
            cwd=source, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, errors = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"enqueue failed: {errors.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def stop(bots: Sequence[asyncio.subprocess.Process]) -> None:
    """SIGKILL the bots still running (their pushes stay pending) and reap them."""
    for bot in bots:
        if bot.returncode is None:
            bot.send_signal(signal.SIGKILL)
    await asyncio.gather(*(bot.communicate() for bot in bots))


async def measure(store: str, subscribers: int, source: Path, folder: Path) -> Growth:
    async with (
        database_of(store, folder) as database,
        FakeTelegram(rate_limits=False) as telegram,
        FakeSlack() as slack,
    ):
        fakes = Fakes(telegram, slack)
        prepare_s = await fill(database, subscribers, fakes)
        size = await database.size_mb()
        enqueued = await enqueue(database, source, "now")
        scheduled = await enqueue(database, source, "scheduled")
        env = bot_env(fakes, UNCAPPED, database.url) | {"PYTHONPATH": str(source)}
        with working_in(source):
            started = time.perf_counter()
            bot = await start_bot(env, None)
        first = None
        rate = 0.0
        peaks: list[float] = []

        async def watch() -> None:  # VmHWM only grows: the last reading before the end is the peak
            while (peak := peak_rss_mb(bot.pid)) is not None:
                peaks.append(peak)
                await asyncio.sleep(0.05)

        watcher = asyncio.create_task(watch())
        try:
            if await first_message(bot, fakes):
                first = time.perf_counter() - started
                before = fakes.total()
                await asyncio.sleep(WINDOW_SECONDS)
                rate = (fakes.total() - before) / WINDOW_SECONDS
        finally:
            await stop([bot])
            watcher.cancel()
        peak = max(peaks, default=None)
        after = await database.size_mb()
        sent = fakes.total()
    return Growth(
        subscribers=subscribers,
        store=store,
        source=str(source),
        enqueue_s=round(enqueued["seconds"], 2),
        enqueue_peak_mb=round(enqueued["peak_mb"], 1),
        enqueued=enqueued["digests"],
        scheduled_s=round(scheduled["seconds"], 2),
        scheduled_peak_mb=round(scheduled["peak_mb"], 1),
        scheduled=scheduled["digests"],
        idle_round_s=round(scheduled["idle_seconds"], 4),
        first_message_s=None if first is None else round(first, 2),
        rate_per_s=round(rate, 1),
        sent=sent,
        bot_peak_mb=None if peak is None else round(peak, 1),
        database_mb=round(size, 1),
        database_after_mb=round(after, 1),
        prepare_s=round(prepare_s, 1),
    )


def median_of(runs: list[Growth]) -> Growth:
    """Each numeric figure's median over the runs (of those that have it: a run without a first
    message has no time to it); a count's is one of the counts, so it stays a whole number."""
    medians: dict[str, Any] = {}
    for column in fields(Growth):
        values = [getattr(run, column.name) for run in runs]
        numbers = [value for value in values if isinstance(value, int | float)]
        if numbers:
            middle = statistics.median_low if isinstance(numbers[0], int) else statistics.median
            medians[column.name] = middle(numbers)
    return replace(runs[0], **medians)


def slopes(results: list[Growth]) -> dict[str, float | None]:
    """Each SLOPED figure's log-log slope against the subscribers, least squares over the sizes
    run (None with fewer than two sizes that have the figure, or a figure of zero)."""
    found: dict[str, float | None] = {}
    for name in SLOPED:
        points = [
            (math.log(growth.subscribers), math.log(value))
            for growth in results
            if (value := getattr(growth, name)) is not None and value > 0
        ]
        if len({x for x, _ in points}) < 2:
            found[name] = None
            continue
        mean_x = statistics.fmean(x for x, _ in points)
        mean_y = statistics.fmean(y for _, y in points)
        found[name] = round(
            sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points), 2
        )
    return found


@dataclass
class Shared:
    """K bot processes pushing at once on one PostgreSQL database under one cap."""

    subscribers: int
    instances: int
    cap_per_s: int
    first_message_s: float | None  # from starting them all to the first message of any
    window_s: float
    rate_per_s: float  # Telegram's, all instances together, over the window
    sent: int  # both platforms, from the start to the stop; the rest stay pending
    http_429: int  # sends the fake refused as past a limit: the instances did not keep the cap
    http_429_at: list[float]  # seconds from the start of the instances to each 429 (to 0.1 s)
    duplicates: int  # messages beyond the first to a chat, both platforms
    chats_reached: int


def refusals(fakes: Fakes) -> int:
    """The 429s of both fakes: sends refused as past a limit."""
    return sum(fakes.http_429(platform) for platform in PLATFORMS)


async def shared_cap(subscribers: int, instances: int, cap: int, window: float, folder: Path) -> Shared:
    """`instances` bots on one database, Telegram's limits enforced by the fake with `cap` overall."""
    limits = RateLimits(per_chat=Window(1, 1.0), per_group=Window(20, 60.0), overall=Window(cap, 1.0))
    async with (
        database_of("postgresql", folder) as database,
        FakeTelegram(rate_limits=limits) as telegram,
        FakeSlack() as slack,
    ):
        fakes = Fakes(telegram, slack)
        await fill(database, subscribers, fakes)
        without_cycle_collector()  # a pause here would turn queued requests into a false 429
        env = bot_env(fakes, cap, database.url)
        started = time.perf_counter()
        # Started together, so the instances overlap for the whole window and split the cap.
        bots = [await start_bot(env, None) for _ in range(instances)]
        first = rate = None
        refused_at: list[float] = []

        async def watch() -> None:  # when the 429s came: as the instances met, or all along
            seen = 0
            while True:
                refused = refusals(fakes)
                refused_at.extend([round(time.perf_counter() - started, 1)] * (refused - seen))
                seen = refused
                await asyncio.sleep(0.1)

        watcher = asyncio.create_task(watch())
        try:
            if any(await asyncio.gather(*(first_message(bot, fakes) for bot in bots))):
                first = time.perf_counter() - started
                before = len(telegram.sent)
                await asyncio.sleep(window)
                rate = (len(telegram.sent) - before) / window
        finally:
            await stop(bots)
            watcher.cancel()
            gc.enable()
        await asyncio.sleep(0.5)  # requests written before the kill are still being answered
        recipients = fakes.recipients("telegram") + fakes.recipients("slack")
        duplicates, _ = tally(recipients, [])
    return Shared(
        subscribers=subscribers,
        instances=instances,
        cap_per_s=cap,
        first_message_s=None if first is None else round(first, 2),
        window_s=window,
        rate_per_s=0.0 if rate is None else round(rate, 1),
        sent=len(recipients),
        http_429=refusals(fakes),
        http_429_at=refused_at,
        duplicates=duplicates,
        chats_reached=len(set(recipients)),
    )


def line(growth: Growth, repeat: int) -> str:
    runs = f" (medians of {repeat})" if repeat > 1 else ""
    return (
        f"{growth.store:>10} {growth.subscribers:>9,} subscribers{runs}: enqueue --now {growth.enqueue_s} s"
        f" (peak {growth.enqueue_peak_mb} MB), scheduled {growth.scheduled_s} s"
        f" (peak {growth.scheduled_peak_mb} MB), idle round {growth.idle_round_s} s,"
        f" first message {growth.first_message_s} s,"
        f" bot peak RSS {growth.bot_peak_mb} MB, {growth.rate_per_s}/s over {WINDOW_SECONDS:g} s"
        f" ({growth.sent:,} sent, the rest left pending),"
        f" database {growth.database_mb} MB ({growth.database_after_mb} MB after the window),"
        f" filled in {growth.prepare_s} s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--store", choices=(*STORES, "both"), default="both")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; figures are their medians")
    parser.add_argument(
        "--once-from",
        type=int,
        default=None,
        help="sizes from this one on run once (a million takes minutes)",
    )
    parser.add_argument("--source", type=Path, default=HERE, help="the checkout whose bot is measured")
    parser.add_argument(
        "--instances", type=int, default=0, help="bots sharing one PostgreSQL database (0: not run)"
    )
    parser.add_argument(
        "--cap", type=int, default=SHARED_CAP, help="the cap the instances share (messages/s)"
    )
    parser.add_argument("--window", type=float, default=30.0, help="the instances' window (s)")
    parser.add_argument("--only-instances", action="store_true", help="skip the sizes")
    args = parser.parse_args()
    stores = STORES if args.store == "both" else (args.store,)
    summary: dict[str, Any] = {"runs": [], "slopes": {}}
    for store in [] if args.only_instances else stores:
        results = []
        for subscribers in args.sizes:
            runs = []
            repeat = 1 if args.once_from is not None and subscribers >= args.once_from else args.repeat
            for _ in range(repeat):
                with tempfile.TemporaryDirectory() as folder:
                    runs.append(await measure(store, subscribers, args.source.resolve(), Path(folder)))
            growth = median_of(runs)
            print(line(growth, repeat), flush=True)
            results.append(growth)
            summary["runs"].extend(asdict(run) for run in runs)
        summary["slopes"][store] = slopes(results)
        print(f"{store:>10} log-log slopes against subscribers: {summary['slopes'][store]}", flush=True)
    if args.instances:
        with tempfile.TemporaryDirectory() as folder:
            shared = await shared_cap(max(args.sizes), args.instances, args.cap, args.window, Path(folder))
        verdict = "PASS" if shared.http_429 == 0 and shared.duplicates == 0 else "FAIL"
        print(
            f"{shared.instances} instances on postgresql, {shared.subscribers:,} subscribers, cap"
            f" {shared.cap_per_s}/s shared: first message {shared.first_message_s} s,"
            f" {shared.rate_per_s}/s together over {shared.window_s:g} s"
            f" ({100 * shared.rate_per_s / shared.cap_per_s:.1f}% of the cap), {shared.sent:,} sent to"
            f" {shared.chats_reached:,} chats, 429s {shared.http_429} (at {shared.http_429_at} s),"
            f" duplicates {shared.duplicates}"
            f" -> {verdict} (target: zero 429s and zero duplicates; the rest left pending)",
            flush=True,
        )
        summary["instances"] = asdict(shared)
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
