"""Benchmark of the daily push against the loopback Telegram, Slack and Discord: rate, 429s, duplicates,
misses.

The bot runs as a real `paperboy push --now` process (so its CPU time is its own); the fakes run in
this process and count what they accepted. Where there are two cores, the uncapped run pins the bot
to one and this process to the other, so the bot's rate is what one core of its own gives. The bot's
CPU is reported whole (interpreter start-up and enqueueing included) and over the sending window
only (read from /proc between 5% and 95% of the messages, the same stretch as the rate; with
several bot processes, their whole CPU only). Four modes:

1. capped: N subscribers at Telegram's default caps. Target: at least 95% of the cap, zero 429s,
   zero duplicates, zero misses.
2. uncapped: the same with Telegram's caps lifted to 1,000/s. Target: at least 1,000 messages/s on
   one core. The bot paces itself a pacing margin (4.5%) under the cap, so the rate it reaches is
   the cap less that margin; what one core can carry is read from its CPU per message while sending.
3. crash: SIGKILL the bot at random points while it sends (0-2.5 s after its first message), restart
   it, until every push is settled. Target: zero misses; duplicates at most the messages in flight
   at each kill.

The subscribers are those the issue names: one in ten a Slack channel, one in ten a Telegram group,
plus one in fifty a Discord channel (issue 13), the rest Telegram private chats, spread evenly so
every stretch of the outbox holds the same mix. Each gets one message. Slack has no overall cap, only about
one message a second per channel, and a channel gets one message here: Slack's messages go out as
fast as the workers reach them. Discord allows 50 requests a second per bot (its fake answers 429
beyond that) and 5 messages per 5 s per channel; the bot paces Discord at
PAPERBOY_DISCORD__RATE_PER_SECOND (40/s by default). So `rate_per_s` and `cap_per_s` are
Telegram's alone; `sent`, `duplicates`, `misses` and `http_429` add up every platform, each checked
against its own fake's records, and `platforms` holds each platform's figures. CPU per message is the
bot's over all messages, Slack's and Discord's included.

5. personal (issue 14): the uncapped run twice on SQLite, every subscription ranked by votes and
   then every one ranked personally, a share of them (`--feedback-share`, default all) with
   PRESSES presses of their own on papers of the day (random, so almost no two destinations share
   a selection: the worst case for the selection memo). Target: the bot's whole CPU (start-up,
   enqueueing, selections and sending) at most 10% more with personal ranking than with votes.

4. instances: the capped run on PostgreSQL (a throwaway server, tests/pg_server.py), first with one
   `push --now` process, then with two at once on the same database (a fresh one each). The
   instances heartbeat and each takes 1/N of Telegram's cap, and they lease the outbox, so the
   target is the capped run's for both together: at least 95% of the cap, zero 429s, zero
   duplicates, zero misses. Not in the default modes: it needs the PostgreSQL binaries.

Machines here are shared and noisy: read medians and ratios, not single figures. The last line is
one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import os
import random
import resource
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

from bot.models import Destination, Subscription
from bot.ports import StoreStats
from bot.sample import sample_digest
from bot.sources.markdown import parse_markdown
from storage import open_store
from tests import pg_server
from tests.fakes.discord_api import APPLICATION_ID, FakeDiscord
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram, RateLimits, Window

SLACK_SHARE = 0.1  # one subscriber in ten is a Slack channel...
GROUP_SHARE = 0.1  # ...one in ten a Telegram group...
# ...one in fifty a Discord channel, the rest are Telegram private chats. Not one in ten: the workers
# wait for each push's rate slots, so a tenth of them paced at Discord's 40/s held the uncapped run's
# Telegram rate to 341/s (9 x 40); one in fifty leaves the uncapped run bound by the CPU again.
DISCORD_SHARE = 0.02
DISCORD_RATE = 40  # PAPERBOY_DISCORD__RATE_PER_SECOND's default: the bot's pace under Discord's 50/s
DISCORD_CHANNELS = 1_300_000_000_000_000_000  # Discord ids are 19-digit snowflakes
PLATFORMS = ("telegram", "slack", "discord")
CAPPED_PLATFORM = "telegram"  # the only platform with an overall cap; Slack limits each channel only
LIMITS = {  # what the uncapped platforms' fakes enforce, as the report says it
    "slack": "no overall cap, 1 message/s per channel, one message each",
    "discord": f"50 requests/s global, the bot paced at {DISCORD_RATE}/s, 5 per 5 s per channel, "
    "one message each",
}
LEASE_SECONDS = 20.0  # short, so the crash run does not wait two minutes for a dead worker's leases
INSTANCE_COUNTS = (1, 2)  # the instances run: one process on PostgreSQL, then two sharing the database
PRESSES = 4  # presses per destination with feedback in the personal run: 3 likes and a dislike
PERSONAL_TARGET = 1.10  # the personal push's bot CPU against the votes push's, at most


@dataclass
class PlatformFigures:
    """One platform's share of a run, checked against that platform's fake."""

    subscribers: int
    sent: int
    duplicates: int
    misses: int
    http_429: int
    rate_per_s: float  # over this platform's own 5%-95% stretch of messages


@dataclass
class Figures:
    mode: str
    subscribers: int
    sent: int
    duplicates: int
    misses: int
    http_429: int
    rate_per_s: float  # Telegram's, against its overall cap
    cap_per_s: int  # Telegram's overall cap; Slack has none (1 message/s per channel)
    cpu_ms_per_msg: float
    sending_cpu_ms_per_msg: float | None
    capacity_per_s: float | None  # what one core of the bot would carry: 1000 / sending_cpu_ms_per_msg
    startup_cpu_s: float | None
    fake_cpu_ms_per_msg: float
    seconds: float
    kills: int = 0
    in_flight_at_kills: int = 0  # sent and not recorded when a kill came: what may be sent twice
    bot_core: int | None = None
    all_rate_per_s: float = 0.0  # messages per second of both platforms together
    cap_platform: str = CAPPED_PLATFORM
    platforms: dict[str, PlatformFigures] = field(default_factory=dict)
    instances: int = 1  # bot processes pushing at once on the one database
    database: str = "sqlite"  # the store's URL scheme: sqlite or postgresql
    ranking: str = "votes"  # every subscription's ranking (the personal run has both)
    feedback_share: float = 0.0  # the share of subscriptions with presses of their own
    cpu_s: float = 0.0  # the bot's whole CPU seconds


def destination_of(index: int, *, discord: bool = False) -> tuple[Destination, str]:
    """Subscriber `index`'s destination and chat type, by the shares above.

    Every tenth subscriber (counting from the first) is a Slack channel and the one after it a
    Telegram group, and with `discord` every fiftieth (from the sixth) a Discord channel, so the
    pushes of each platform are spread through the outbox instead of bunched at one end.
    (bench/scale.py and bench/idle.py, without a fake Discord, keep the mix without Discord.)
    """
    if index % round(1 / SLACK_SHARE) == 0:
        return Destination(platform="slack", chat_id=f"C{index:08d}"), "channel"
    if discord and index % round(1 / DISCORD_SHARE) == 5:
        return Destination(platform="discord", chat_id=str(DISCORD_CHANNELS + index)), "channel"
    if index % round(1 / GROUP_SHARE) == 1:
        return Destination(platform="telegram", chat_id=str(-(10**12) - index)), "supergroup"
    return Destination(platform="telegram", chat_id=str(10**6 + index)), "private"


@dataclass
class Fakes:
    """The loopback platforms, read the same way by the probe and the checks."""

    telegram: FakeTelegram
    slack: FakeSlack
    discord: FakeDiscord | None = None  # bench/scale.py and bench/idle.py run without Discord

    def add(self, destination: Destination, chat_type: str) -> None:
        """Make the destination exist in its platform's fake (the bot is a member of the channel)."""
        if destination.platform == "slack":
            self.slack.add_channel(destination.chat_id, f"papers-{destination.chat_id.lower()}")
        elif destination.platform == "discord" and self.discord is not None:
            self.discord.add_channel(destination.chat_id, f"papers-{destination.chat_id[-6:]}")
        else:
            title = f"Group {destination.chat_id}" if chat_type != "private" else None
            self.telegram.add_chat(int(destination.chat_id), chat_type, title=title)

    def accepted(self) -> dict[str, int]:
        """How many messages each fake accepted so far (cheap: sampled every 50 ms)."""
        return {
            "telegram": len(self.telegram.sent),
            "slack": len(self.slack.posted),
            "discord": len(self.discord.sent) if self.discord is not None else 0,
        }

    def total(self) -> int:
        return sum(self.accepted().values())

    def recipients(self, platform: str) -> list[str]:
        """The chat id of every message `platform`'s fake accepted, repeats included."""
        if platform == "slack":
            return [message.channel for message in self.slack.posted]
        if platform == "discord":
            return [message.channel_id for message in self.discord.sent] if self.discord else []
        return [str(message.chat_id) for message in self.telegram.sent]

    def http_429(self, platform: str) -> int:
        """429s for rate limits (Discord's: a channel's bucket or the global 50/s; its ban too)."""
        if platform == "discord":
            found = self.discord
            return (
                found.rate_limited + sum(e.status == 429 for e in found.errors if e.code == 0) if found else 0
            )
        return self.slack.http_429 if platform == "slack" else self.telegram.rate_limited


async def prepare(
    database: str, subscribers: int, fakes: Fakes, ranking: str = "votes", feedback_share: float = 0.0
) -> dict[str, list[str]]:
    """A database with the sample day and N subscriptions, all due now; the chats exist in the fakes.

    `database` is a URL as the bot takes it (SQLite or PostgreSQL), so every mode prepares the same
    subscriber mix whichever store it runs on.
    Returns each platform's destinations (chat ids), what the checks hold the fakes' records against.
    """
    store = await open_store(database)
    try:
        day = parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample")
        await store.upsert_day(day)
        papers = [paper.arxiv_id for paper in day.papers]
        pressing = random.Random(14)
        destinations: dict[str, list[str]] = {platform: [] for platform in PLATFORMS}
        long_ago = datetime(2020, 1, 1, tzinfo=UTC)
        for index in range(subscribers):
            destination, chat_type = destination_of(index, discord=fakes.discord is not None)
            fakes.add(destination, chat_type)
            subscription = Subscription(
                destination=destination,
                chat_type=chat_type,
                send_time=clock_time(0, 0),
                active_since=long_ago,
                ranking=ranking,
            )
            await store.save_subscription(subscription)
            if pressing.random() < feedback_share:
                for number, arxiv_id in enumerate(pressing.sample(papers, PRESSES)):
                    await store.set_opinion(
                        destination, "reader", arxiv_id, "dislike" if number == 0 else "like"
                    )
            destinations[destination.platform].append(destination.chat_id)
        return destinations
    finally:
        await store.close()


def without_cycle_collector() -> None:
    """Until `gc.enable()`: no garbage-collection pauses in this process, the fakes'.

    The fakes keep every message they accept; a long pause here would hold requests back and then
    count them as one burst (a false 429). A run is bounded, so the fakes' process does without the
    cycle collector; what exists before is frozen, so it is never scanned again.
    """
    gc.collect()
    gc.freeze()
    gc.disable()


def bot_env(fakes: Fakes, cap: int, database: str) -> dict[str, str]:
    """The bot's settings: the fakes, Telegram's cap, and the database by URL (the one setting that
    names a SQLite file and a PostgreSQL database alike); nothing inherited from this shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
    if fakes.discord is not None:
        env |= {
            "PAPERBOY_DISCORD__TOKEN": fakes.discord.token,
            "PAPERBOY_DISCORD__APPLICATION_ID": APPLICATION_ID,
            "PAPERBOY_DISCORD__PUBLIC_KEY": fakes.discord.public_key,
            "PAPERBOY_DISCORD__API_URL": fakes.discord.api_url,
            "PAPERBOY_DISCORD__RATE_PER_SECOND": str(DISCORD_RATE),
        }
    return env | {
        "PAPERBOY_DATABASE_URL": database,
        "PAPERBOY_TELEGRAM__TOKEN": fakes.telegram.token,
        "PAPERBOY_TELEGRAM__API_URL": fakes.telegram.api_url,
        "PAPERBOY_TELEGRAM__RATE_PER_SECOND": str(cap),
        "PAPERBOY_SLACK__BOT_TOKEN": fakes.slack.token,
        "PAPERBOY_SLACK__SIGNING_SECRET": "bench",  # Slack needs one to start; pushes never use it
        "PAPERBOY_SLACK__API_URL": fakes.slack.api_url,
        "PAPERBOY_PUSH__LEASE_SECONDS": str(LEASE_SECONDS),
        "PAPERBOY_SEED_SAMPLE": "false",
        "PAPERBOY_LOG_LEVEL": "ERROR",
    }


PUSH_NOW = ("-m", "bot", "push", "--now")  # the interpreter's arguments: the one-off push


async def start_bot(
    env: dict[str, str], core: int | None, command: Sequence[str] = PUSH_NOW
) -> asyncio.subprocess.Process:
    """`paperboy push --now` (or another `command`, as the interpreter's arguments) on the database
    `env` names, pinned to `core` before it starts (its threads inherit the pinning)."""
    pin = None if core is None else functools.partial(os.sched_setaffinity, 0, {core})
    return await asyncio.create_subprocess_exec(
        sys.executable, *command,
        env=env, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE, preexec_fn=pin,
    )  # fmt: skip


def cores() -> tuple[int, int] | None:
    """(the fake's core, the bot's core) when this process may use two, else None (no pinning)."""
    allowed = sorted(os.sched_getaffinity(0))
    return (allowed[0], allowed[1]) if len(allowed) >= 2 else None


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU of a running process (None once it is gone), from /proc/<pid>/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


@dataclass
class Sample:
    at: float
    accepted: dict[str, int]  # per platform
    pid: int | None
    bot_cpu: float | None

    def count(self, platform: str | None) -> int:
        """Messages accepted by `platform`'s fake, or by both (None)."""
        return sum(self.accepted.values()) if platform is None else self.accepted[platform]


class RateProbe:
    """Samples how many messages each fake accepted, and the bot's CPU, over time."""

    def __init__(self, fakes: Fakes) -> None:
        self._fakes = fakes
        self.pid: int | None = None  # the bot process running now
        self.samples: list[Sample] = []

    async def run(self) -> None:
        while True:
            cpu = None if self.pid is None else process_cpu_seconds(self.pid)
            self.samples.append(Sample(time.perf_counter(), self._fakes.accepted(), self.pid, cpu))
            await asyncio.sleep(0.05)

    def _window(self, platform: str | None) -> tuple[Sample, Sample] | None:
        """The samples at 5% and 95% of the messages (of one platform, or all): start-up and tail
        left out. Each platform gets its own stretch: Slack's pushes finish when the workers have
        reached them all, not when Telegram's cap lets the last Telegram push go."""
        total = self.samples[-1].count(platform) if self.samples else 0
        if total < 20:
            return None
        low = next(s for s in self.samples if s.count(platform) >= total * 0.05)
        high = next(s for s in self.samples if s.count(platform) >= total * 0.95)
        return low, high

    def sustained(self, platform: str | None = None) -> float:
        """Messages per second over the sending window (of one platform, or all)."""
        window = self._window(platform)
        if window is None:
            return 0.0
        low, high = window
        return (high.count(platform) - low.count(platform)) / max(high.at - low.at, 1e-9)

    def sending_cpu_ms(self) -> float | None:
        """The bot's CPU milliseconds per message, of either platform, over the sending window (one
        bot process only)."""
        window = self._window(None)
        if window is None:
            return None
        low, high = window
        if low.pid != high.pid or low.bot_cpu is None or high.bot_cpu is None:
            return None
        return 1000 * (high.bot_cpu - low.bot_cpu) / max(high.count(None) - low.count(None), 1)

    def startup_cpu_s(self) -> float | None:
        """The bot's CPU seconds until its first message was accepted (first process only)."""
        first = next((s for s in self.samples if s.count(None) > 0), None)
        return first.bot_cpu if first is not None else None


def child_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def outbox(database: str) -> StoreStats:
    """The outbox's counts, read through a store of our own (SQLite or PostgreSQL, by URL)."""
    store = await open_store(database)
    try:
        return await store.stats()
    finally:
        await store.close()


async def first_message(bot: asyncio.subprocess.Process, fakes: Fakes) -> bool:
    """Wait until a fake accepts a message from this bot process; False when it exits first.

    Start-up (interpreter, imports, enqueueing) takes the bot a few seconds: a kill timed from the
    start would mostly land before the first message and test nothing of the outbox's recovery, so
    the crash run times its kills from the first message of each process.
    """
    before = fakes.total()
    while bot.returncode is None:
        if fakes.total() > before:
            return True
        await asyncio.sleep(0.02)
    return False


async def in_flight(database: str, fakes: Fakes) -> int:
    """After a kill: the messages that were in flight at this kill or an earlier one.

    That is every message the fakes accepted beyond those the database records as sent (each push
    is one message here, so a recorded message is a push marked sent); a message sent again after
    an earlier kill counts once, as the one in flight then. Slack has no idempotency key either, so
    its in-flight messages count the same. Requests the bot wrote before it died are still being
    answered for a moment, hence the wait.
    """
    await asyncio.sleep(0.5)
    return fakes.total() - (await outbox(database)).outbox_sent


def tally(recipients: list[str], destinations: list[str]) -> tuple[int, int]:
    """Duplicates (messages beyond the first per chat) and misses (chats that got nothing)."""
    per_chat = Counter(recipients)
    duplicates = sum(count - 1 for count in per_chat.values() if count > 1)
    misses = sum(1 for chat in destinations if per_chat[chat] == 0)
    return duplicates, misses


def platform_figures(
    fakes: Fakes, destinations: dict[str, list[str]], probe: RateProbe
) -> dict[str, PlatformFigures]:
    """Each platform's figures, from its own fake's records."""
    figures = {}
    for platform in PLATFORMS:
        recipients = fakes.recipients(platform)
        duplicates, misses = tally(recipients, destinations[platform])
        figures[platform] = PlatformFigures(
            subscribers=len(destinations[platform]),
            sent=len(recipients),
            duplicates=duplicates,
            misses=misses,
            http_429=fakes.http_429(platform),
            rate_per_s=round(probe.sustained(platform), 1),
        )
    return figures


async def run(
    mode: str,
    subscribers: int,
    cap: int,
    kills: int,
    feedback_share: float = 1.0,
    ranking: str = "votes",
    repeat: int = 1,
) -> list[Figures]:
    """A mode's runs: one on a SQLite file of its own, (instances) the PostgreSQL pair, or
    (personal) the uncapped run by votes and then personally ranked."""
    if mode == "instances":
        return await run_instances(subscribers, cap)
    if mode == "personal":
        return [
            (await run("uncapped", subscribers, cap, 0, share, ranking))[0]
            for _ in range(repeat)
            for ranking, share in (("votes", 0.0), ("personal", feedback_share))
        ]
    pinned = cores() if mode == "uncapped" else None
    allowed = os.sched_getaffinity(0)
    if pinned is not None:
        os.sched_setaffinity(0, {pinned[0]})
    try:
        with tempfile.TemporaryDirectory() as folder:
            database = f"sqlite:///{Path(folder) / 'push.db'}"
            bot_core = None if pinned is None else pinned[1]
            return [
                await run_pinned(
                    mode,
                    subscribers,
                    cap,
                    kills,
                    bot_core,
                    database,
                    ranking=ranking,
                    feedback_share=feedback_share,
                )
            ]
    finally:
        os.sched_setaffinity(0, allowed)


async def run_instances(
    subscribers: int, cap: int, counts: tuple[int, ...] = INSTANCE_COUNTS
) -> list[Figures]:
    """The capped push on one PostgreSQL database, by one process and then by several at once.

    The single process is the baseline on the same store; the concurrent ones must share
    Telegram's cap between them (each takes 1/N of it) so that together they still reach it
    without a 429, and lease the outbox so no push goes out twice or not at all. Each run gets a
    fresh database (an empty schema of its own), so the second starts from the same outbox.
    """
    if not pg_server.available():
        raise SystemExit(
            f"instances: no PostgreSQL server binaries in {pg_server.PG_BIN} (set PAPERBOY_TEST_PG_BIN)"
        )
    server = pg_server.PostgresServer()
    server.start()
    try:
        return [
            await run_pinned("instances", subscribers, cap, 0, None, server.database(), processes=count)
            for count in counts
        ]
    finally:
        server.stop()


async def run_pinned(
    mode: str,
    subscribers: int,
    cap: int,
    kills: int,
    bot_core: int | None,
    database: str,
    processes: int = 1,
    *,
    ranking: str = "votes",
    feedback_share: float = 0.0,
) -> Figures:
    """One run on `database` (a URL) by `processes` concurrent bots. Telegram's fake enforces `cap`
    overall; Slack's keeps its real limit in every mode (one message a second per channel), which
    one message per channel never reaches, and Discord's its real ones (50 requests/s, 5 messages
    per 5 s per channel). Kills (the crash run) need a single process: the
    in-flight count is read between one process's death and the next one's start."""
    if kills and processes != 1:
        raise ValueError("the crash run kills one bot process at a time")
    limits = RateLimits(per_chat=Window(1, 1.0), per_group=Window(20, 60.0), overall=Window(cap, 1.0))
    async with FakeTelegram(rate_limits=limits) as telegram, FakeSlack() as slack, FakeDiscord() as discord:
        fakes = Fakes(telegram, slack, discord)
        destinations = await prepare(database, subscribers, fakes, ranking, feedback_share)
        without_cycle_collector()
        env = bot_env(fakes, cap, database)
        probe = RateProbe(fakes)
        sampler = asyncio.create_task(probe.run())
        cpu_before, started = child_cpu_seconds(), time.perf_counter()
        own_before = time.process_time()
        done_kills = unrecorded = 0
        while True:
            # Started together, so the instances overlap for the whole push and split the cap.
            bots = [await start_bot(env, bot_core) for _ in range(processes)]
            # Per-process CPU over the sending window means one process: with several, none.
            probe.pid = bots[0].pid if processes == 1 else None
            if done_kills < kills and await first_message(bots[0], fakes):
                await asyncio.sleep(random.uniform(0.0, 2.5))
                if bots[0].returncode is None:
                    bots[0].send_signal(signal.SIGKILL)
                    done_kills += 1
                    await bots[0].wait()
                    unrecorded = await in_flight(database, fakes)
                    continue
            outputs = await asyncio.gather(*(bot.communicate() for bot in bots))
            for bot, (_, errors) in zip(bots, outputs, strict=True):
                if bot.returncode not in (0, 1):
                    raise RuntimeError(f"the bot failed: {errors.decode()[-2000:]}")
            if (await outbox(database)).outbox_pending == 0:
                break
            await asyncio.sleep(LEASE_SECONDS)  # leases of killed workers run out
        seconds = time.perf_counter() - started
        cpu = child_cpu_seconds() - cpu_before
        own = time.process_time() - own_before
        sampler.cancel()
        gc.enable()
        platforms = platform_figures(fakes, destinations, probe)
        sending = probe.sending_cpu_ms()
        sent = sum(figures.sent for figures in platforms.values())
        return Figures(
            mode=mode,
            subscribers=subscribers,
            sent=sent,
            duplicates=sum(figures.duplicates for figures in platforms.values()),
            misses=sum(figures.misses for figures in platforms.values()),
            http_429=sum(figures.http_429 for figures in platforms.values()),
            rate_per_s=platforms[CAPPED_PLATFORM].rate_per_s,
            cap_per_s=cap,
            cpu_ms_per_msg=round(1000 * cpu / max(sent, 1), 3),
            sending_cpu_ms_per_msg=_rounded(sending, 3),
            capacity_per_s=_rounded(1000 / sending if sending else None, 0),
            startup_cpu_s=_rounded(probe.startup_cpu_s(), 2),
            fake_cpu_ms_per_msg=round(1000 * own / max(sent, 1), 3),
            seconds=round(seconds, 1),
            kills=done_kills,
            in_flight_at_kills=unrecorded,
            bot_core=bot_core,
            all_rate_per_s=round(probe.sustained(), 1),
            platforms=platforms,
            instances=processes,
            database=database.split(":", 1)[0],
            ranking=ranking,
            feedback_share=feedback_share,
            cpu_s=round(cpu, 3),
        )


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def verdict(figures: Figures) -> str:
    if figures.mode in ("capped", "instances"):
        # Several instances share the cap: together they must reach it and never pass it.
        together = f" ({figures.instances} instance(s) together)" if figures.mode == "instances" else ""
        ok = figures.rate_per_s >= 0.95 * figures.cap_per_s and not (
            figures.http_429 or figures.duplicates or figures.misses
        )
        return (
            f"target: Telegram >= 95% of its cap{together}, zero 429/duplicates/misses on every "
            f"platform -> {'PASS' if ok else 'FAIL'}"
        )
    if figures.mode == "uncapped":
        capacity = figures.capacity_per_s or 0.0
        # The measured rate cannot pass the 1,000/s cap (the bot paces itself 4.5% under it), so what
        # one core could carry is read from the CPU each message costs while sending.
        ok = capacity >= 1000 and not (figures.misses or figures.duplicates)
        return (
            f"target: one core carries >= 1000 messages/s ({capacity:.0f}/s at its CPU per message; "
            f"measured {figures.rate_per_s}/s to Telegram under its {figures.cap_per_s}/s cap, "
            f"{figures.all_rate_per_s}/s with Slack's and Discord's) -> {'PASS' if ok else 'FAIL'}"
        )
    ok = figures.misses == 0 and figures.duplicates <= figures.in_flight_at_kills
    return (
        f"target: zero misses, duplicates <= the {figures.in_flight_at_kills} in flight at "
        f"{figures.kills} kills -> {'PASS' if ok else 'FAIL'}"
    )


def report(figures: Figures) -> list[str]:
    """The run's lines: the whole, each platform, the verdict."""
    cap, capped = figures.cap_per_s, figures.cap_platform
    # The instances run has two lines of results: the label says how many processes pushed.
    label = f"{figures.mode} x{figures.instances}" if figures.mode == "instances" else figures.mode
    if figures.ranking != "votes":
        label = f"{figures.ranking}"
    lines = [
        f"{label:>9}: {figures.sent} sent to {figures.subscribers} in {figures.seconds}s, "
        f"{capped} {figures.rate_per_s}/s sustained (its cap {cap}/s, {100 * figures.rate_per_s / cap:.1f}%; "
        f"all {figures.all_rate_per_s}/s), "
        f"429s {figures.http_429}, duplicates {figures.duplicates}, misses {figures.misses}, "
        f"bot CPU {figures.cpu_ms_per_msg} ms/message (sending {figures.sending_cpu_ms_per_msg}, "
        f"start-up {figures.startup_cpu_s}s; fake {figures.fake_cpu_ms_per_msg}), kills {figures.kills} "
        f"(in flight {figures.in_flight_at_kills}), bot on core {figures.bot_core}, "
        f"{figures.instances} bot process(es) on {figures.database}"
    ]
    for platform, own in figures.platforms.items():
        limit = f"cap {cap}/s overall" if platform == capped else LIMITS[platform]
        lines.append(
            f"{'':>11}{platform}: {own.sent} sent to {own.subscribers}, {own.rate_per_s}/s ({limit}), "
            f"429s {own.http_429}, duplicates {own.duplicates}, misses {own.misses}"
        )
    lines.append(f"{'':>11}{verdict(figures)}")
    return lines


def personal_verdict(runs: Sequence[Figures]) -> str:
    """The personal pushes' whole bot CPU against the votes pushes' (medians: the runs alternate,
    votes then personal, so the machine's moods fall on both alike)."""
    votes = statistics.median(f.cpu_s for f in runs if f.ranking == "votes")
    mine = [f for f in runs if f.ranking == "personal"]
    personal = replace(mine[0], cpu_s=round(statistics.median(f.cpu_s for f in mine), 3))
    ratio = personal.cpu_s / max(votes, 1e-9)
    ok = ratio <= PERSONAL_TARGET and not any(f.misses or f.duplicates for f in mine)
    return (
        f"{'':>11}personal ranking ({100 * personal.feedback_share:.0f}% with {PRESSES} presses each): "
        f"bot CPU "
        f"{personal.cpu_s}s against {votes:.3f}s by votes (medians of {len(mine)}) = x{ratio:.3f} "
        f"(target <= x{PERSONAL_TARGET}) -> {'PASS' if ok else 'FAIL'}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument(
        "--modes",
        default="capped,uncapped,crash",
        help="comma-separated: capped, uncapped, crash, instances (PostgreSQL, one and two processes), "
        "personal (uncapped by votes, then personally ranked)",
    )
    parser.add_argument(
        "--cap", type=int, default=30, help="Telegram's overall cap in the capped run (messages/s)"
    )
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1, help="personal: pairs of runs (medians)")
    parser.add_argument(
        "--feedback-share", type=float, default=1.0, help="personal: the share of subscriptions with presses"
    )
    args = parser.parse_args()
    results = []
    for mode in args.modes.split(","):
        cap = 1000 if mode in ("uncapped", "personal") else args.cap
        kills = args.kills if mode == "crash" else 0
        runs = await run(mode, args.subscribers, cap, kills, args.feedback_share, repeat=args.repeat)
        for figures in runs:
            print("\n".join(report(figures)))
            results.append(asdict(figures))
        if mode == "personal":
            print(personal_verdict(runs))
    summary = dict(results[0])
    summary["runs"] = results
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
