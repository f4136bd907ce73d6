"""The composition root: Settings -> Store -> service -> adapters, in one event loop.

This is the only module that knows every layer; `paperboy` and `python -m bot` both start here.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from bot.clock import SYSTEM_CLOCK
from bot.cluster import Membership
from bot.delivery import Deliverer, Scheduler
from bot.errors import PaperboyError, StartupError, StoreUnavailable, UsageError
from bot.health import Cached, Health
from bot.ingest import DigestSources
from bot.logs import START_LOGGER, configure_logging, redact
from bot.metrics import METRICS, MeteredNotifier, Metrics
from bot.outage import StoreOutage
from bot.periodic import every
from bot.platform import Connection, RenderRequest, Served, Serving
from bot.platforms import Settings, chat_platforms, configured, load_settings, platform
from bot.ports import Notifier, Store
from bot.ratelimit import RateLimiter
from bot.refresh import ingest_forever, ingesting
from bot.rounds import push_round
from bot.service import MAX_DAY_PAPERS, PaperService
from bot.settings_errors import SettingsError
from bot.writer.gate import WriterGate
from handlers.console_adapter.app import run_console
from handlers.console_adapter.cli import (
    parse_arguments,
    render_push,
    run_command,
    run_summarize,
    summarize_days,
)
from handlers.console_adapter.text import printable
from handlers.feeds_http import feed_routes
from handlers.http_server import HttpServer
from storage import open_store

if TYPE_CHECKING:
    from bot.writer.summarizer import Summarizer

_NO_SEED = frozenset({"ingest", "fetch-hf", "migrate"})
LLM_UNSET = (
    "the writer needs an OpenAI-compatible server: set PAPERBOY_LLM__BASE_URL "
    "(e.g. https://api.openai.com/v1, or http://localhost:11434/v1 for Ollama), "
    "PAPERBOY_LLM__API_KEY and PAPERBOY_LLM__MODEL"
)
HEARTBEAT_SECONDS = 1.0  # a newcomer waits two beats before sending; a dead instance is gone after three
SHUTDOWN_GRACE = 5.0  # seconds the parts get to finish after SIGTERM; the whole exit stays under 10
DATABASE_CHECK_SECONDS = 2.0  # /healthz's database answer is at most this old
OUTBOX_GAUGES_SECONDS = 5.0  # /metrics' outbox gauges likewise
log = logging.getLogger("paperboy")


@dataclass(frozen=True)
class _Opened:
    """The configured platforms' connections, open until the stack closes; shared by commands and
    pushes (one connection pool per platform)."""

    connections: dict[str, Connection]

    @classmethod
    async def open(cls, settings: Settings, stack: contextlib.AsyncExitStack) -> _Opened:
        return cls(
            {
                chosen.name: await chosen.open(group, stack, connections=settings.push.workers)
                for chosen, group in configured(settings)
            }
        )

    def notifiers(self) -> dict[str, Notifier]:
        """A sender per configured platform (the terminal's always)."""
        return {name: connection.notifier for name, connection in self.connections.items()}

    def serve(self, serving: Serving) -> list[Served]:
        """What each platform serves while `paperboy run` runs (the terminal: nothing)."""
        served = (connection.serve(serving) for connection in self.connections.values())
        return [part for part in served if part is not None]


async def _pushes_forever(
    scheduler: Scheduler,
    deliverer: Deliverer,
    membership: Membership,
    tick: float,
    stop: asyncio.Event,
    writer_done: Callable[[], Awaitable[bool]],
) -> None:
    """Enqueue what is due and deliver it, every `tick` seconds, until `stop`; commands keep flowing.
    A round first waits (a bounded time) for the digest writer to finish the new day's summaries.
    On `stop` a drain under way finishes the messages in flight and leaves the rest to `release`.
    While the store is down, rounds are skipped quietly: the outage logs once when it goes and
    once when it is back, and the drain under way waits for it (bot/outage.py)."""
    watcher = asyncio.create_task(stop.wait())
    watcher.add_done_callback(lambda _: deliverer.stop())
    outage = deliverer.outage

    async def one_round() -> None:
        if not outage.down:  # one scheduler among the instances; every one delivers
            await push_round(scheduler if membership.leading else None, deliverer, writer_done)

    try:
        await every(tick, stop, one_round, "push round")
    finally:
        watcher.cancel()


async def _run_platforms(settings: Settings, service: PaperService, store: Store) -> None:
    """Every configured platform, the daily push, periodic ingestion and the HTTP server until
    SIGINT/SIGTERM; the console chat when no platform is configured."""
    if not any(chosen.name in chat_platforms() for chosen, _ in configured(settings)):
        if not sys.stdin.isatty():
            names = ", ".join(f"PAPERBOY_{name.upper()}__*" for name in chat_platforms())
            log.warning(
                "no chat platform configured (%s): answering the commands on standard input, "
                "then stopping", names
            )  # fmt: skip
        await run_console(service)
        return
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    outage = StoreOutage(store.writable)  # one view of the database for pushes, heartbeats, /healthz
    health, outbox_gauges = observability(store, outage=outage)
    limiter = RateLimiter()  # one budget for answers and pushes
    async with contextlib.AsyncExitStack() as stack:
        opened = await _Opened.open(settings, stack)
        served = opened.serve(Serving(service, limiter, health, stop))
        routes = [route for part in served for route in part.routes]
        routes += feed_routes(service, settings.public_url)
        server = HttpServer(
            settings.server.listen, settings.server.port, routes,
            health=health, metrics=METRICS, before_scrape=outbox_gauges,
        )  # fmt: skip
        await server.start()
        stack.push_async_callback(server.stop)
        _listening(settings, server)
        notifiers: dict[str, Notifier] = {
            name: MeteredNotifier(notifier) for name, notifier in opened.notifiers().items()
        }
        stack.push_async_callback(outage.close)
        deliverer = Deliverer(store, notifiers, settings.push, limiter=limiter, outage=outage)
        gate, write_latest = WriterGate(), None
        if settings.llm.base_url is not None:  # new days are summarised before their pushes go out
            summarizer = await stack.enter_async_context(_writer(settings, store))
            write_latest = partial(summarizer.summarize_latest, max(1, settings.ingest.hf_days), gate)
            gate.expect()  # the first pass starts with the first ingest round, or right away below
        tick = settings.push.tick_seconds
        membership = Membership(
            store, deliverer.owner, limiter, _heartbeat_seconds(settings), SYSTEM_CLOCK, outage
        )
        await membership.join()  # know the lead and the share before the first round
        work = [
            *(part.run() for part in served),  # made only now: a failed start leaves none unawaited
            membership.beat_forever(stop),
            _pushes_forever(
                Scheduler(store, settings.push),
                deliverer,
                membership,
                tick,
                stop,
                partial(gate.wait, settings.summaries.push_wait_seconds),
            ),
            ingest_forever(service, settings.ingest, stop, health, after_round=write_latest),
        ]
        if write_latest is not None and not ingesting(settings.ingest):
            work.append(write_latest())  # no ingest rounds to follow: one pass over what is stored
        try:
            await _until_stopped(work, stop)
        finally:
            await _release(store, deliverer.owner)


def _listening(settings: Settings, server: HttpServer) -> None:
    """Where the server listens: routine, so INFO, but what a newcomer looks for, so shown at any
    level."""
    logging.getLogger(START_LOGGER).info(
        "HTTP server on %s:%d (/healthz, /metrics)", settings.server.listen, server.port
    )


# -- `paperboy serve`: the HTTP server alone, for a feed-only deployment ------------------------


async def _serve_http(settings: Settings, service: PaperService, store: Store) -> int:
    """The feeds, /healthz and /metrics until SIGINT/SIGTERM (exit 0): no chat platform, no push.
    Ingest rounds still run (PAPERBOY_INGEST__*), so the feeds stay fresh on their own; set
    PAPERBOY_INGEST__EVERY_MINUTES=0 where a `paperboy run` on the same database ingests already."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    outage = StoreOutage(store.writable)
    health, outbox_gauges = observability(store, outage=outage)
    server = HttpServer(
        settings.server.listen, settings.server.port, feed_routes(service, settings.public_url),
        health=health, metrics=METRICS, before_scrape=outbox_gauges,
    )  # fmt: skip
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(outage.close)
        await server.start()
        stack.push_async_callback(server.stop)
        _listening(settings, server)
        await _until_stopped([_stopped(stop), ingest_forever(service, settings.ingest, stop, health)], stop)
    return 0


async def _stopped(stop: asyncio.Event) -> None:
    """Serving is the work: it lasts until `stop`, whether ingest rounds run or not."""
    await stop.wait()


async def _until_stopped(work: list[Coroutine[Any, Any, None]], stop: asyncio.Event) -> None:
    """Run `work` until `stop` (or until one part fails), then give every part SHUTDOWN_GRACE seconds
    to finish and cancel the rest: a push cut short resumes at the next start."""
    tasks = [asyncio.create_task(part) for part in work]
    stopped = asyncio.create_task(stop.wait())
    running: set[asyncio.Task[None]] = set(tasks)
    failed: list[asyncio.Task[None]] = []
    while running and not stop.is_set() and not failed:  # a part may end early (ingestion turned off)
        done, _ = await asyncio.wait([*running, stopped], return_when=asyncio.FIRST_COMPLETED)
        running -= done
        failed = [task for task in tasks if task in done and not task.cancelled() and task.exception()]
    stop.set()
    stopped.cancel()
    _, unfinished = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE)
    for task in unfinished:
        task.cancel()
    await asyncio.gather(*unfinished, return_exceptions=True)
    if failed:
        failed[0].result()  # raises the first part's failure, after everything else stopped


def observability(
    store: Store, metrics: Metrics = METRICS, *, outage: StoreOutage | None = None
) -> tuple[Health, Callable[[], Awaitable[None]]]:
    """/healthz's checks (the database's so far; each platform adds its own) and what refreshes the
    outbox gauges before /metrics. Both ask the database at most once every few seconds, however
    often they are polled: a flood of probes costs the commands nothing. With the process's `outage`,
    the database check says why the store is down while it is, and tells the outage what it sees."""
    health = Health()
    health.add("database", Cached(partial(_database_answers, store, outage), DATABASE_CHECK_SECONDS))
    return health, Cached(partial(_outbox_gauges, store, metrics), OUTBOX_GAUGES_SECONDS)


async def _database_answers(store: Store, outage: StoreOutage | None) -> bool | str:
    """/healthz: the reason while the store is known down, else whether a read answers now (a read:
    a write probe takes SQLite's write lock, which a health check cut short by its timeout would keep)."""
    if outage is not None and outage.reason is not None:
        return outage.reason
    try:
        await store.ping()
    except StoreUnavailable as err:
        if outage is not None:
            outage.failed(err)
        return str(err)
    return True


async def _outbox_gauges(store: Store, metrics: Metrics) -> None:
    for status, count in (await store.outbox_counts()).items():
        metrics.outbox.labels(status).set(count)


async def _release(store: Store, owner: str) -> int | None:
    """Hand back the pushes this process holds; with the store down they come back when their lease
    runs out instead (None)."""
    try:
        released = await store.release(owner)
    except StoreUnavailable as err:
        log.warning("stopped; the unfinished pushes could not be handed back (%s): they resume "
                    "when their lease runs out", err)  # fmt: skip
        return None
    log.info("stopped; %d unfinished push(es) handed back for the next start", released)
    return released


def _heartbeat_seconds(settings: Settings) -> float:
    """How often an instance says it is alive: a dead one's share of the caps comes back after
    three of these, so not the (possibly long) push tick."""
    return min(settings.push.tick_seconds, HEARTBEAT_SECONDS)


async def _push(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """`paperboy push`: enqueue what is due (everything with --now) and deliver it, then exit."""
    scheduler = Scheduler(store, settings.push)
    if args.dry_run:
        deliverer = Deliverer(store, {}, settings.push)
        for subscription, due in await scheduler.due(everyone_now=args.now):
            day, reason = await scheduler.digest_day(subscription, due, manual=args.now)
            if day is not None and await store.enqueued_at(subscription.destination, "digest", day):
                papers = "already pushed"
            else:
                picks = (await deliverer.selection(subscription, day, due)).picks if day else []
                papers = ", ".join(pick.paper.arxiv_id for pick in picks) or str(reason or "nothing")
            print(f"{subscription.destination.key} due {due:%Y-%m-%d %H:%M} UTC, list {day or '-'}: {papers}")
        return 0
    limiter = RateLimiter()
    async with contextlib.AsyncExitStack() as stack:
        notifiers = (await _Opened.open(settings, stack)).notifiers()
        # A store that stops answering ends the push (what it could not record resumes
        # at the next run) rather than holding a one-off command for as long as it is down.
        outage = StoreOutage(store.writable, waits=False)
        deliverer = Deliverer(store, notifiers, settings.push, limiter=limiter, outage=outage)
        membership = Membership(
            store, deliverer.owner, limiter, _heartbeat_seconds(settings), SYSTEM_CLOCK, outage
        )
        waiting = (await store.outbox_counts()).get("pending", 0)  # leased too: for the line below
        stop = asyncio.Event()
        beats: list[asyncio.Task[None]] = []

        async def joined() -> None:
            """Running instances keep their share of the caps, so does this one: it waits two beats
            for them to count it (the enqueue's first pages go in meanwhile), then keeps beating."""
            await membership.join()
            beats.append(asyncio.create_task(membership.beat_forever(stop)))

        try:
            enqueued = await push_round(scheduler, deliverer, joined, everyone_now=args.now)
        finally:
            stop.set()
            await asyncio.gather(*beats)
            if not outage.down:
                await _release(store, deliverer.owner)
    report = deliverer.report
    if report.store_lost is not None:
        waiting += enqueued.digests + enqueued.notes if enqueued is not None else 0
        left = max(waiting - report.finished, 0)
        print(f"paperboy: the database stopped answering ({report.store_lost}); {report.messages} "
              f"message(s) sent, {left} push(es) left for the next run", file=sys.stderr)  # fmt: skip
        return 1
    if enqueued is None:  # the store went while the pushes were enqueued, before any was sent
        raise StoreUnavailable(outage.reason or "the database stopped answering")
    print(render_push(enqueued, report))
    return 0 if not report.dead else 1


async def _render(args: argparse.Namespace, service: PaperService) -> int:
    """`paperboy render PLATFORM`: the API calls of a push of that day, as JSON."""
    result = await service.top(args.date, args.n, most=MAX_DAY_PAPERS)
    if result.day is None or not result.papers:
        print(f"paperboy: {result.empty_reason}", file=sys.stderr)
        return 1
    request = RenderRequest(
        result.day, result.papers, args.format, args.lang, args.summary_lang, args.chat_id
    )
    calls = platform(args.platform).render(request)
    json.dump(calls, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


@contextlib.asynccontextmanager
async def _writer(settings: Settings, store: Store) -> AsyncIterator[Summarizer]:
    """The digest writer: the configured LLM server and arXiv, closed when done. Its modules (the
    `openai` package, the PDF reader: a second of start-up) are imported only when it runs."""
    from bot.writer.fulltext import FullTextFetcher
    from bot.writer.summarizer import Summarizer
    from handlers.llm_adapter.openai_chat import OpenAIChat

    base_url = settings.llm.base_url
    if base_url is None:
        raise StartupError(LLM_UNSET)
    key = settings.llm.api_key.get_secret_value() if settings.llm.api_key else None
    contact = settings.summaries.contact or "contact unset: PAPERBOY_SUMMARIES__CONTACT"
    if not settings.summaries.contact and settings.summaries.source == "fulltext":
        log.warning("set PAPERBOY_SUMMARIES__CONTACT (a URL or mailto:) so arXiv can reach you")
    async with contextlib.AsyncExitStack() as stack:
        llm = OpenAIChat(base_url=base_url, api_key=key, timeout=settings.llm.timeout)
        stack.push_async_callback(llm.close)
        texts = await stack.enter_async_context(
            FullTextFetcher(
                settings.summaries.cache_dir,
                contact=contact,
                base_url=settings.summaries.arxiv_url,
                min_interval=settings.summaries.fetch_interval,
            )
        )
        yield Summarizer(store, llm, texts, settings.llm, settings.summaries)


async def _summarize(
    args: argparse.Namespace, settings: Settings, service: PaperService, store: Store
) -> int:
    """`paperboy summarize`: the missing summaries of the days asked for."""
    if settings.llm.base_url is None:
        print(f"paperboy: {LLM_UNSET}", file=sys.stderr)
        return 2
    latest = [info.day for info in await service.days(limit=1)]
    days = summarize_days(args, latest[0] if latest else None, SYSTEM_CLOCK.now().date())
    if not days:
        print("paperboy: no list has been loaded yet: ingest or fetch-hf a day first", file=sys.stderr)
        return 1
    async with _writer(settings, store) as summarizer:
        return await run_summarize(args, summarizer, days, settings.llm, sys.stdout)


async def _copy(args: argparse.Namespace) -> int:
    """`paperboy copy --from sqlite:///old.db --to postgresql://...`: every row, counted on both sides."""
    from storage.copy import copy_sqlite_to_postgres  # asyncpg only when it is needed

    report = await copy_sqlite_to_postgres(args.source, args.target)
    print(", ".join(f"{table} {count}" for table, count in report.rows.items()))
    print("paperboy: copied; every table has the same number of rows on both sides")
    return 0


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "copy":
        return await _copy(args)
    url = settings.database_url.get_secret_value() if settings.database_url else settings.db_path
    store = await open_store(url)
    try:
        service = PaperService(
            store,
            DigestSources(settings.hf),
            today_so_far=settings.push.today_so_far,
            public_url=settings.public_url,
        )
        if settings.seed_sample and args.command not in _NO_SEED:
            await service.seed_sample()
        if args.command == "migrate":
            print("paperboy: the database schema is up to date")
            return 0
        if args.command == "run":
            await _run_platforms(settings, service, store)
            return 0
        if args.command == "serve":
            return await _serve_http(settings, service, store)
        if args.command == "push":
            return await _push(args, settings, store)
        if args.command == "console":
            await run_console(service)
            return 0
        if args.command == "render":
            return await _render(args, service)
        if args.command == "summarize":
            return await _summarize(args, settings, service, store)
        return await run_command(args, service)
    finally:
        await store.close()


def _event_loop_run(main_coroutine: Coroutine[Any, Any, int]) -> int:
    """Run on uvloop where it exists (Linux, macOS): pushes spend most of their CPU in the event loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main_coroutine)
    return uvloop.run(main_coroutine)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB 22: durations as timedelta, no deprecation noise
    args = parse_arguments(argv)
    try:
        settings = load_settings(args.db)
    except SettingsError as err:  # one line per bad variable, as bad arguments get a usage line
        print(err.report(), file=sys.stderr)
        return 2
    # text or JSON lines, with every token and secret masked
    configure_logging(settings, [name for chosen, _ in configured(settings) for name in chosen.loggers])
    # Modules and settings live as long as the process: keep the collector off them, so its pauses
    # stay short (a long one would bunch paced sends into a burst the platform counts as a flood).
    gc.freeze()
    try:
        return _event_loop_run(_serve(args, settings))
    except UsageError as err:  # a command's arguments: said with how to call it
        print(f"paperboy: {printable(redact(str(err)))}", file=sys.stderr)
        return 2
    except PaperboyError as err:  # may quote a file or an answer: no control character reaches the terminal
        print(f"paperboy: {printable(redact(str(err)))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `paperboy top --json | head`: the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
