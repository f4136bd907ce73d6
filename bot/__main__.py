"""The composition root: Settings -> Store -> service -> adapters, in one event loop.

This is the only module that knows every layer; `paperboy` and `python -m bot` both start here.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import Settings
from bot.errors import PaperboyError
from bot.ingest import DigestSources
from bot.service import PaperService
from handlers.console_adapter.chat import run_console
from handlers.console_adapter.cli import build_parser, run_command
from storage.sqlite import SqliteStore

_NO_SEED = frozenset({"ingest", "fetch-hf"})


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    store = await SqliteStore.open(settings.db_path)
    try:
        service = PaperService(store, DigestSources(settings.hf))
        if settings.seed_sample and args.command not in _NO_SEED:
            await service.seed_sample()
        if args.command in ("console", "run"):
            await run_console(service)
            return 0
        return await run_command(args, service)
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
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
