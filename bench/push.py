"""Benchmark of the daily push against the loopback fake Bot API: rate, 429s, duplicates, misses.

The bot runs as a real `paperboy push --now` process (so its CPU time is its own), the fake runs in
this process and counts what it accepted. Three runs:

1. capped: N subscribers (private chats and groups) at Telegram's default caps. Target: at least
   95% of the cap, zero 429s, zero duplicates, zero misses.
2. uncapped: the same with the caps lifted to 1,000/s. Target: at least 1,000 messages/s, and the
   CPU milliseconds per message of the bot process.
3. crash: SIGKILL the bot at random points, restart it, until every push is settled. Target: zero
   misses; duplicates at most the messages in flight at each kill.

Machines here are shared and noisy: read medians and ratios, not single figures. The last line is
one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

from bot.models import Destination, Subscription
from bot.sample import sample_digest
from bot.sources.markdown import parse_markdown
from storage.sqlite import SqliteStore
from tests.fakes.telegram_api import FakeTelegram, RateLimits, Window

GROUP_SHARE = 0.1  # one subscriber in ten is a group
LEASE_SECONDS = 20.0  # short, so the crash run does not wait two minutes for a dead worker's leases


@dataclass
class Figures:
    mode: str
    subscribers: int
    sent: int
    duplicates: int
    misses: int
    http_429: int
    rate_per_s: float
    cap_per_s: int
    cpu_ms_per_msg: float
    fake_cpu_ms_per_msg: float
    seconds: float
    kills: int = 0


async def prepare(db: Path, subscribers: int, fake: FakeTelegram) -> list[int]:
    """A database with the sample day and N subscriptions, all due now; the chats exist in the fake."""
    store = await SqliteStore.open(db)
    try:
        await store.upsert_day(parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample"))
        chats = []
        long_ago = datetime(2020, 1, 1, tzinfo=UTC)
        for index in range(subscribers):
            group = index % int(1 / GROUP_SHARE) == 0
            chat_id = -(10**12) - index if group else 10**6 + index
            fake.add_chat(
                chat_id, "supergroup" if group else "private", title=f"Group {index}" if group else None
            )
            subscription = Subscription(
                destination=Destination(platform="telegram", chat_id=str(chat_id)),
                chat_type="supergroup" if group else "private",
                send_time=clock_time(0, 0),
                active_since=long_ago,
            )
            await store.save_subscription(subscription)
            chats.append(chat_id)
        return chats
    finally:
        await store.close()


def bot_env(fake: FakeTelegram, cap: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
    return env | {
        "PAPERBOY_TELEGRAM__TOKEN": fake.token,
        "PAPERBOY_TELEGRAM__API_URL": fake.api_url,
        "PAPERBOY_TELEGRAM__RATE_PER_SECOND": str(cap),
        "PAPERBOY_PUSH__LEASE_SECONDS": str(LEASE_SECONDS),
        "PAPERBOY_SEED_SAMPLE": "false",
        "PAPERBOY_LOG_LEVEL": "ERROR",
    }


async def start_bot(db: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--db", str(db), "push", "--now",
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


class RateProbe:
    """Samples how many messages the fake accepted over time, for the sustained rate."""

    def __init__(self, fake: FakeTelegram) -> None:
        self._fake = fake
        self.samples: list[tuple[float, int]] = []

    async def run(self) -> None:
        while True:
            self.samples.append((time.perf_counter(), len(self._fake.sent)))
            await asyncio.sleep(0.05)

    def sustained(self) -> float:
        """Messages per second between 5% and 95% of the messages (start-up and tail left out)."""
        total = self.samples[-1][1] if self.samples else 0
        if total < 20:
            return 0.0
        low = next(s for s in self.samples if s[1] >= total * 0.05)
        high = next(s for s in self.samples if s[1] >= total * 0.95)
        return (high[1] - low[1]) / max(high[0] - low[0], 1e-9)


def child_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def settled(db: Path) -> bool:
    store = await SqliteStore.open(db)
    try:
        stats = await store.stats()
    finally:
        await store.close()
    return stats.outbox_pending == 0


def tally(fake: FakeTelegram, chats: list[int]) -> tuple[int, int]:
    """Duplicates (messages beyond the first per chat) and misses (chats that got nothing)."""
    per_chat = Counter(message.chat_id for message in fake.sent)
    duplicates = sum(count - 1 for count in per_chat.values() if count > 1)
    misses = sum(1 for chat in chats if per_chat[chat] == 0)
    return duplicates, misses


async def run(mode: str, subscribers: int, cap: int, kills: int) -> Figures:
    limits = RateLimits(per_chat=Window(1, 1.0), per_group=Window(20, 60.0), overall=Window(cap, 1.0))
    async with FakeTelegram(rate_limits=limits) as fake:
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "push.db"
            chats = await prepare(db, subscribers, fake)
            # The fake keeps every message it accepts; a long garbage-collection pause in this
            # process would hold requests back and then count them as one burst (a false 429).
            # The run is bounded, so the fake's process does without the cycle collector.
            gc.collect()
            gc.freeze()
            gc.disable()
            env = bot_env(fake, cap)
            probe = RateProbe(fake)
            sampler = asyncio.create_task(probe.run())
            cpu_before, started = child_cpu_seconds(), time.perf_counter()
            own_before = time.process_time()
            done_kills = 0
            while True:
                bot = await start_bot(db, env)
                if done_kills < kills:
                    await asyncio.sleep(random.uniform(0.5, 2.5))
                    if bot.returncode is None:
                        bot.send_signal(signal.SIGKILL)
                        done_kills += 1
                    await bot.wait()
                    continue
                _, errors = await bot.communicate()
                if bot.returncode not in (0, 1):
                    raise RuntimeError(f"the bot failed: {errors.decode()[-2000:]}")
                if await settled(db):
                    break
                await asyncio.sleep(LEASE_SECONDS)  # leases of killed workers run out
            seconds = time.perf_counter() - started
            cpu = child_cpu_seconds() - cpu_before
            own = time.process_time() - own_before
            sampler.cancel()
            gc.enable()
            duplicates, misses = tally(fake, chats)
            sent = len(fake.sent)
            return Figures(
                mode=mode,
                subscribers=subscribers,
                sent=sent,
                duplicates=duplicates,
                misses=misses,
                http_429=fake.rate_limited,
                rate_per_s=round(probe.sustained(), 1),
                cap_per_s=cap,
                cpu_ms_per_msg=round(1000 * cpu / max(sent, 1), 3),
                fake_cpu_ms_per_msg=round(1000 * own / max(sent, 1), 3),
                seconds=round(seconds, 1),
                kills=done_kills,
            )


def verdict(figures: Figures) -> str:
    if figures.mode == "capped":
        ok = figures.rate_per_s >= 0.95 * figures.cap_per_s and not (
            figures.http_429 or figures.duplicates or figures.misses
        )
        return f"target: >= 95% of the cap, zero 429/duplicates/misses -> {'PASS' if ok else 'FAIL'}"
    if figures.mode == "uncapped":
        ok = figures.rate_per_s >= 1000 and not figures.misses
        return f"target: >= 1000 messages/s -> {'PASS' if ok else 'FAIL'}"
    ok = figures.misses == 0
    return (
        f"target: zero misses, duplicates <= in-flight at {figures.kills} kills -> {'PASS' if ok else 'FAIL'}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument(
        "--modes", default="capped,uncapped,crash", help="comma-separated: capped, uncapped, crash"
    )
    parser.add_argument("--cap", type=int, default=30, help="the overall cap of the capped run (messages/s)")
    parser.add_argument("--kills", type=int, default=5)
    args = parser.parse_args()
    results = []
    for mode in args.modes.split(","):
        cap = 1000 if mode == "uncapped" else args.cap
        figures = await run(mode, args.subscribers, cap, args.kills if mode == "crash" else 0)
        print(
            f"{mode:>9}: {figures.sent} sent to {figures.subscribers} in {figures.seconds}s, "
            f"{figures.rate_per_s}/s sustained (cap {cap}/s, {100 * figures.rate_per_s / cap:.1f}%), "
            f"429s {figures.http_429}, duplicates {figures.duplicates}, misses {figures.misses}, "
            f"bot CPU {figures.cpu_ms_per_msg} ms/message (fake {figures.fake_cpu_ms_per_msg}), "
            f"kills {figures.kills}"
        )
        print(f"           {verdict(figures)}")
        results.append(asdict(figures))
    summary = dict(results[0])
    summary["runs"] = results
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
