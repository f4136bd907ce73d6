"""How the push's start-up and memory grow with the number of subscribers (issue 16), on SQLite.

For each size N, a SQLite file gets the sample day and N subscriptions (bench/push.py's mix: one in
ten a Slack channel, one in ten a Telegram group), written straight into the table with one
executemany, so preparing a million takes seconds rather than a million `save_subscription`s. Then:

- enqueue: `Scheduler.enqueue_due` in a process of its own on a copy of the file, its wall time
  and its peak RSS (what the scheduler alone holds): with `everyone_now` as `push --now` does, and
  as a scheduler round of `paperboy run` finds them all due (00:01 UTC the day after the list's);
- push: a real `paperboy push --now` against the loopback fakes with Telegram's caps lifted (the
  helpers of bench/push.py): the time from its start to the first message, the send rate over a
  fixed window after it, and the bot's peak RSS (VmHWM) at the end of the window, when it is
  stopped; the rest of the pushes stay pending (a window, not the whole push);
- the database's size.

`--source DIR` runs the scheduler and the bot from another checkout of the code (an older commit
unpacked with `git archive`), for before/after figures; this file and its helpers stay these.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from bench.push import Fakes, bot_env, destination_of, first_message, start_bot
from bot.models import Subscription
from bot.sample import sample_digest
from bot.sources.markdown import parse_markdown
from storage import open_store
from storage.records import subscription_values
from storage.sqlite import _column
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

SIZES = (10_000, 100_000)
UNCAPPED = 1000  # Telegram's overall cap lifted, as bench/push.py's uncapped mode
WINDOW_SECONDS = 10.0  # how long the push sends after its first message before it is stopped
HERE = Path(__file__).resolve().parent.parent

ENQUEUE = """
import asyncio, json, sys, time
from datetime import UTC, datetime, timedelta, time as dt_time
from bot.config import PushSettings
from bot.delivery import Scheduler
from storage import open_store

async def main():
    store = await open_store(sys.argv[1])
    now = datetime.now(UTC)
    day = await store.latest_day()  # the sample's: its push falls due at 00:00 UTC the day after
    just_after = datetime.combine(day + timedelta(days=1), dt_time(0, 1), UTC)
    scheduler = Scheduler(store, PushSettings(), clock=lambda: now if sys.argv[2] == "now" else just_after)
    started = time.perf_counter()
    report = await scheduler.enqueue_due(everyone_now=sys.argv[2] == "now")
    seconds = time.perf_counter() - started
    await store.close()
    # VmHWM, not ru_maxrss: that one keeps the bench's own size from before the exec
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    peak = int(status.split()[0]) / 1024
    print(json.dumps({"seconds": seconds, "digests": report.digests, "peak_mb": peak}))

asyncio.run(main())
"""


@dataclass
class Growth:
    subscribers: int
    source: str
    enqueue_s: float
    enqueue_peak_mb: float
    enqueued: int
    scheduled_s: float  # the same, as a scheduler round finds them due (`paperboy run`)
    scheduled_peak_mb: float
    scheduled: int
    first_message_s: float | None
    rate_per_s: float
    bot_peak_mb: float | None
    database_mb: float  # the subscriptions and the day, before the push
    database_after_mb: float  # after the window of sending (outbox, ledger), WAL included
    prepare_s: float


async def fill(path: Path, subscribers: int, fakes: Fakes, send_time: clock_time = clock_time(0, 0)) -> float:
    """The database of `path`: the sample day and N subscriptions due at `send_time` UTC (midnight:
    due now, for `push --now` and a round just after the list's day); the chats in the fakes."""
    started = time.perf_counter()
    store = await open_store(f"sqlite:///{path}")
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
        rows.append(tuple(_column(value) for value in values.values()))
    db = sqlite3.connect(path)
    try:
        with db:
            db.executemany(
                f"INSERT INTO subscriptions ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                rows,
            )
    finally:
        db.close()  # the last connection out checkpoints the WAL: the file alone holds it all
    return time.perf_counter() - started


def database_mb(database: Path) -> float:
    """The file's size with its WAL and shared memory, in MB."""
    return sum(p.stat().st_size for p in database.parent.glob(f"{database.name}*")) / 2**20


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
def working_in(folder: Path) -> Any:
    """`python -m bot` finds its package in the working directory first: the checkout measured."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


async def enqueue(database: Path, source: Path, mode: str) -> dict[str, Any]:
    """`Scheduler.enqueue_due` on a copy of the database, in a process of its own: `now` as
    `push --now` does, `scheduled` as a round of `paperboy run` just after they all fell due."""
    copy = database.with_name("enqueue.db")
    shutil.copy(database, copy)
    env = os.environ | {"PYTHONPATH": str(source)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", ENQUEUE, f"sqlite:///{copy}", mode,
        cwd=source, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, errors = await process.communicate()
    for leftover in copy.parent.glob(f"{copy.name}*"):
        leftover.unlink()
    if process.returncode != 0:
        raise RuntimeError(f"enqueue failed: {errors.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def measure(subscribers: int, source: Path, folder: Path) -> Growth:
    database = folder / f"scale-{subscribers}.db"
    async with FakeTelegram(rate_limits=False) as telegram, FakeSlack() as slack:
        fakes = Fakes(telegram, slack)
        prepare_s = await fill(database, subscribers, fakes)
        size = database_mb(database)
        enqueued = await enqueue(database, source, "now")
        scheduled = await enqueue(database, source, "scheduled")
        env = bot_env(fakes, UNCAPPED, f"sqlite:///{database}") | {"PYTHONPATH": str(source)}
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
            if bot.returncode is None:
                bot.send_signal(signal.SIGKILL)
            await bot.communicate()
            watcher.cancel()
        peak = max(peaks, default=None)
        after = database_mb(database)
    return Growth(
        subscribers=subscribers,
        source=str(source),
        enqueue_s=round(enqueued["seconds"], 2),
        enqueue_peak_mb=round(enqueued["peak_mb"], 1),
        enqueued=enqueued["digests"],
        scheduled_s=round(scheduled["seconds"], 2),
        scheduled_peak_mb=round(scheduled["peak_mb"], 1),
        scheduled=scheduled["digests"],
        first_message_s=None if first is None else round(first, 2),
        rate_per_s=round(rate, 1),
        bot_peak_mb=None if peak is None else round(peak, 1),
        database_mb=round(size, 1),
        database_after_mb=round(after, 1),
        prepare_s=round(prepare_s, 1),
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--source", type=Path, default=HERE, help="the checkout whose bot is measured")
    args = parser.parse_args()
    results = []
    for subscribers in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            growth = await measure(subscribers, args.source.resolve(), Path(folder))
        print(
            f"{growth.subscribers:>9,} subscribers: enqueue --now {growth.enqueue_s} s"
            f" (peak {growth.enqueue_peak_mb} MB), scheduled {growth.scheduled_s} s"
            f" (peak {growth.scheduled_peak_mb} MB), first message {growth.first_message_s} s,"
            f" bot peak RSS {growth.bot_peak_mb} MB, {growth.rate_per_s}/s over {WINDOW_SECONDS:g} s,"
            f" database {growth.database_mb} MB ({growth.database_after_mb} MB after the window)",
            flush=True,
        )
        results.append(asdict(growth))
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
