"""The cost of waiting (issue 16): an idle `paperboy run`, and a message while sending at 30/s.

Idle: a real `paperboy run` process (Telegram by long polling and Slack, against the loopback fakes
of bench/push.py; ingestion off) on a SQLite file with N subscriptions none of which is due (their
send time is hours away and their last one beyond the grace window). After its first scheduler round
has looked at every subscription, and a warm-up, its CPU is read from /proc over a fixed window: the
share of one core it takes doing nothing, beside the requests each fake got per second by method.

Sending: bench/push.py's capped run (Telegram's default 30/s) for the bot's CPU per message while
sending, the figure fixed per-second work inflates; `--modes` may add the uncapped
(1,000/s) run beside it.

Then one more push of each mode for where a message's cost goes: per thread of the bot (the event
loop's, the database's), its CPU, how often it went to sleep and woke (voluntary context switches),
and the write system calls, per message over a window of sending.

`--profile DIR` also runs each under cProfile (a small hook around `bot.__main__.main`, switched on
and off by SIGUSR1/SIGUSR2 so start-up stays out; the event loop's thread only) and prints where the
window's CPU went, by own time and by time within. cProfile slows what it measures: its CPU is not
the figures'. The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import pstats
import signal
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from bench.push import PUSH_NOW, Fakes, bot_env, first_message, prepare, process_cpu_seconds, run, start_bot
from bench.scale import SqliteDatabase, fill
from storage.records import EPOCH
from storage.sqlite import _column
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram, RateLimits, Window

SIZES = (10_000, 100_000)
WINDOW_SECONDS = 60.0
WARM_UP_SECONDS = 5.0  # after the first round and the platforms' start: the rest of start-up
CAP = 30  # Telegram's default overall cap (messages/s)
RUN = ("-m", "bot", "run")
# The sending modes: Telegram's cap, and the subscribers and window (s) of the per-thread look.
SENDING = {"capped": (CAP, 1500, 20.0), "uncapped": (1000, 10_000, 5.0)}
WRITES_EVERY = 0.05  # seconds between two looks at the database's data_version

# `python -c HOOK OUT ARGS...`: the bot's main with cProfile on between SIGUSR1 and SIGUSR2 (the
# handlers run in the main thread, where the event loop is; the database thread is not profiled).
HOOK = """
import cProfile, signal, sys
from bot.__main__ import main
profile, out = cProfile.Profile(), sys.argv[1]
def toggle(signum, frame):
    if signum == signal.SIGUSR1:
        profile.enable()
    else:
        profile.disable()
        profile.dump_stats(out)
signal.signal(signal.SIGUSR1, toggle)
signal.signal(signal.SIGUSR2, toggle)
sys.exit(main(sys.argv[2:]))
"""


@dataclass
class Idle:
    subscribers: int
    cpu_percent: float  # of one core, over the window
    window_s: float
    first_round_s: float  # from start until the first round had looked at every subscription
    requests_per_s: dict[str, float]  # by platform:method, over the window
    writes_per_s: float  # the bot's commits to the database (heartbeats, rounds), over the window


def not_due() -> clock_time:
    """A send time 12 hours from now (UTC): the next push is hours away and the last one is far
    beyond the grace window, so no round finds anything due."""
    return (datetime.now(UTC) + timedelta(hours=12)).time().replace(second=0, microsecond=0)


async def first_round(database: Path, bot: asyncio.subprocess.Process) -> None:
    """Wait until a scheduler round has looked at every subscription (none is left with the epoch as
    its next look): the one round of `paperboy run` that reads them all."""
    db = sqlite3.connect(database)
    try:
        while bot.returncode is None:
            (left,) = db.execute(
                "SELECT count(*) FROM subscriptions WHERE next_check_at = ?", (_column(EPOCH),)
            ).fetchone()
            if not left:
                return
            await asyncio.sleep(0.2)
    finally:
        db.close()
    raise RuntimeError(f"paperboy run exited: {(await bot.communicate())[1].decode()[-2000:]}")


async def platforms_started(fakes: Fakes, bot: asyncio.subprocess.Process) -> None:
    """Wait until both platforms have started: Slack checked its token, Telegram polls (the first
    round holds the event loop for seconds with many subscribers, so they may start after it)."""
    while bot.returncode is None:
        if {"slack:auth.test", "telegram:getUpdates"} <= set(requests(fakes)):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"paperboy run exited: {(await bot.communicate())[1].decode()[-2000:]}")


async def count_writes(database: Path, seconds: float) -> int:
    """Commits other connections made to the database within `seconds` (seen through SQLite's
    data_version, which changes with each; sampled often enough for a few a second)."""
    db = sqlite3.connect(database)
    try:
        writes, version, end = 0, None, time.perf_counter() + seconds
        while time.perf_counter() < end:
            (now,) = db.execute("PRAGMA data_version").fetchone()
            writes += version is not None and now != version
            version = now
            await asyncio.sleep(WRITES_EVERY)
        return writes
    finally:
        db.close()


def requests(fakes: Fakes) -> list[str]:
    """Every request either fake received so far, as platform:method."""
    return [f"telegram:{r.method}" for r in fakes.telegram.requests] + [
        f"slack:{r.method}" for r in fakes.slack.requests
    ]


async def idle(subscribers: int, window: float, profile: Path | None = None) -> Idle:
    """One idle `paperboy run` on N subscriptions none of which is due; profiled into `profile`."""
    with tempfile.TemporaryDirectory() as folder:
        sqlite = SqliteDatabase(Path(folder))
        database = sqlite.path
        async with FakeTelegram(rate_limits=RateLimits()) as telegram, FakeSlack() as slack:
            fakes = Fakes(telegram, slack)
            await fill(sqlite, subscribers, fakes, send_time=not_due())
            env = bot_env(fakes, CAP, sqlite.url) | {
                "PAPERBOY_SERVER__LISTEN": "127.0.0.1",
                "PAPERBOY_SERVER__PORT": "0",
                "PAPERBOY_INGEST__EVERY_MINUTES": "0",  # no HF to reach here
            }
            command = RUN if profile is None else ("-c", HOOK, str(profile), "run")
            started = time.perf_counter()
            bot = await start_bot(env, None, command)
            try:
                await first_round(database, bot)
                looked = time.perf_counter() - started
                await platforms_started(fakes, bot)
                await asyncio.sleep(WARM_UP_SECONDS)
                seen, cpu, at = Counter(requests(fakes)), process_cpu_seconds(bot.pid), time.perf_counter()
                if profile is not None:
                    bot.send_signal(signal.SIGUSR1)
                writes = await count_writes(database, window)
                if profile is not None:
                    bot.send_signal(signal.SIGUSR2)
                cpu_after, elapsed = process_cpu_seconds(bot.pid), time.perf_counter() - at
                during = Counter(requests(fakes)) - seen
            finally:
                if bot.returncode is None:
                    bot.send_signal(signal.SIGTERM)
                await bot.communicate()
    if cpu is None or cpu_after is None:
        raise RuntimeError("paperboy run exited during the window")
    return Idle(
        subscribers=subscribers,
        cpu_percent=round(100 * (cpu_after - cpu) / elapsed, 2),
        window_s=round(elapsed, 1),
        first_round_s=round(looked, 1),
        requests_per_s={method: round(count / elapsed, 3) for method, count in sorted(during.items())},
        writes_per_s=round(writes / elapsed, 2),
    )


@dataclass
class Anatomy:
    """Where a message's cost goes while sending: per thread of the bot (the event loop's, and the
    database's), its CPU and the times it went to sleep (a wake-up each), per message."""

    cap: int
    messages: int
    cpu_ms: dict[str, float]  # per thread: the event loop's ("loop") and the others' by name
    wakeups: dict[str, float]  # voluntary context switches per message, per thread
    writes: float  # write system calls per message (the database's pages, the requests)


def threads(pid: int) -> dict[str, tuple[float, int]]:
    """Each thread's CPU seconds and voluntary context switches; the first is the event loop's."""
    found = {}
    for task in sorted(Path(f"/proc/{pid}/task").iterdir(), key=lambda task: int(task.name)):
        stat = (task / "stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        status = (task / "status").read_text()
        switches = int(status.split("voluntary_ctxt_switches:")[1].split()[0])
        name = "loop" if task.name == str(pid) else f"{(task / 'comm').read_text().strip()}-{task.name}"
        found[name] = ((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), switches)
    return found


def write_calls(pid: int) -> int:
    return int((Path(f"/proc/{pid}/io").read_text().split("syscw:")[1]).split()[0])


async def sending(subscribers: int, window: float, cap: int, profile: Path | None = None) -> Anatomy:
    """`paperboy push --now` at `cap` messages a second, measured over `window` seconds of sending
    (from two seconds after its first message); profiled into `profile` when given."""
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'push.db'}"
        limits = RateLimits(overall=Window(cap, 1.0))
        async with FakeTelegram(rate_limits=limits) as telegram, FakeSlack() as slack:
            fakes = Fakes(telegram, slack)
            await prepare(database, subscribers, fakes)
            command = PUSH_NOW if profile is None else ("-c", HOOK, str(profile), *PUSH_NOW[2:])
            bot = await start_bot(bot_env(fakes, cap, database), None, command)
            try:
                if not await first_message(bot, fakes):
                    raise RuntimeError(f"no message: {(await bot.communicate())[1].decode()[-2000:]}")
                await asyncio.sleep(2.0)
                sent, before, written = fakes.total(), threads(bot.pid), write_calls(bot.pid)
                if profile is not None:
                    bot.send_signal(signal.SIGUSR1)
                await asyncio.sleep(window)
                if profile is not None:
                    bot.send_signal(signal.SIGUSR2)
                messages, after = fakes.total() - sent, threads(bot.pid)
                written = write_calls(bot.pid) - written
                if profile is not None:
                    await asyncio.sleep(0.5)  # the dump
            finally:
                if bot.returncode is None:
                    bot.send_signal(signal.SIGTERM)
                await bot.communicate()
    if messages < 100:
        raise RuntimeError(f"only {messages} messages in the window: more subscribers")
    common = [name for name in after if name in before]
    return Anatomy(
        cap=cap,
        messages=messages,
        cpu_ms={n: round(1000 * (after[n][0] - before[n][0]) / messages, 3) for n in common},
        wakeups={n: round((after[n][1] - before[n][1]) / messages, 1) for n in common},
        writes=round(written / messages, 1),
    )


def profile_lines(path: Path, top: int = 25) -> list[str]:
    """The profile's top functions by own time, then by time spent within them (cProfile counts a
    coroutine's every resumption as a call: read its ncalls as resumptions)."""
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return [line for line in out.getvalue().splitlines() if line.strip()]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--window", type=float, default=WINDOW_SECONDS, help="seconds measured, idle")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure (medians reported)")
    parser.add_argument("--subscribers", type=int, default=3000, help="of bench.push's sending runs")
    parser.add_argument(
        "--modes", default="idle,capped", help="comma-separated: idle, capped (30/s), uncapped (1,000/s)"
    )
    parser.add_argument("--profile", type=Path, help="a folder: profile each once and print the tops")
    args = parser.parse_args()
    figures: dict[str, object] = {}
    modes = args.modes.split(",")
    for size in args.sizes if "idle" in modes else []:
        runs = [await idle(size, args.window) for _ in range(args.repeat)]
        median = statistics.median(r.cpu_percent for r in runs)
        print(
            f"idle {size:>9,} subscribers: {median}% of a core (median; runs "
            f"{', '.join(f'{r.cpu_percent}%' for r in runs)} over {args.window:g} s), first round "
            f"{runs[0].first_round_s} s, requests/s {runs[-1].requests_per_s}, database writes "
            f"{runs[-1].writes_per_s}/s",
            flush=True,
        )
        figures[f"idle_{size}"] = {"cpu_percent": median, "runs": [asdict(r) for r in runs]}
    for mode in (mode for mode in modes if mode in SENDING):
        cap, subscribers, window = SENDING[mode]
        runs_ms = []
        for _ in range(args.repeat):
            (result,) = await run(mode, args.subscribers, cap, 0)
            runs_ms.append(result.sending_cpu_ms_per_msg or 0.0)
        median = statistics.median(runs_ms)
        anatomy = await sending(subscribers, window, cap)
        print(
            f"{mode} ({cap}/s): sending CPU {median} ms/message (median; bench.push runs {runs_ms}); "
            f"per message over {window:g} s: CPU ms {anatomy.cpu_ms}, wake-ups {anatomy.wakeups}, "
            f"write calls {anatomy.writes}",
            flush=True,
        )
        figures[mode] = {"sending_cpu_ms_per_msg": median, "runs": runs_ms, "anatomy": asdict(anatomy)}
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
        for size in args.sizes if "idle" in modes else []:
            path = args.profile / f"idle-{size}.prof"
            await idle(size, args.window, profile=path)
            print(f"idle profile, {size:,} subscribers, {args.window:g} s:")
            print("\n".join(profile_lines(path)))
        for mode in (mode for mode in modes if mode in SENDING):
            cap, subscribers, window = SENDING[mode]
            path = args.profile / f"{mode}.prof"
            anatomy = await sending(subscribers, window, cap, profile=path)
            print(f"{mode} profile ({cap}/s), {anatomy.messages} messages in {window:g} s:")
            print("\n".join(profile_lines(path)))
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
