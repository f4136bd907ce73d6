"""The composition root: Settings -> Store -> service -> adapters, in one event loop.

This is the only module that knows every layer; `paperboy` and `python -m bot` both start here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys

from bot.config import Settings
from bot.errors import PaperboyError
from bot.ingest import DigestSources
from bot.service import PaperService
from handlers.console_adapter.chat import run_console
from handlers.console_adapter.cli import build_parser, run_command
from handlers.telegram_adapter.app import build_application, run_telegram
from handlers.telegram_adapter.push import push_messages
from storage.sqlite import SqliteStore

_NO_SEED = frozenset({"ingest", "fetch-hf"})
log = logging.getLogger("paperboy")


async def _run_platforms(settings: Settings, service: PaperService) -> None:
    """Every configured platform until SIGINT/SIGTERM; the console chat when none is configured."""
    if settings.telegram.token is None:
        await run_console(service)
        return
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    log.warning("Telegram bot starting (%s)", "webhook" if settings.telegram.webhook_url else "long polling")
    await run_telegram(build_application(settings.telegram, service), settings.telegram, stop)


async def _render(args: argparse.Namespace, service: PaperService) -> int:
    """`paperboy render telegram`: the Bot API calls of a push of that day, as JSON."""
    result = await service.top(args.date, args.n)
    if result.day is None or not result.papers:
        print(f"paperboy: {result.empty_reason}", file=sys.stderr)
        return 1
    calls = [
        {
            "method": m.method,
            "params": m.to(args.chat_id),
            **({"fallback": m.fallback.to(args.chat_id)} if m.fallback else {}),
        }
        for m in push_messages(result.day, result.papers, args.format, args.lang)
    ]
    json.dump(calls, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    store = await SqliteStore.open(settings.db_path)
    try:
        service = PaperService(store, DigestSources(settings.hf))
        if settings.seed_sample and args.command not in _NO_SEED:
            await service.seed_sample()
        if args.command == "run":
            await _run_platforms(settings, service)
            return 0
        if args.command == "console":
            await run_console(service)
            return 0
        if args.command == "render":
            return await _render(args, service)
        return await run_command(args, service)
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB 22: durations as timedelta, no deprecation noise
    args = build_parser().parse_args(argv)
    settings = Settings(**({"db_path": args.db} if args.db else {}))
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return asyncio.run(_serve(args, settings))
    except PaperboyError as err:
        print(f"paperboy: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
