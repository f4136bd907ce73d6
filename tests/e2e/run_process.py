"""`paperboy run` as a real process against the loopback fakes: start it, probe it, stop it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bot.models import Destination, Subscription
from bot.sample import sample_digest
from bot.sources.markdown import parse_markdown
from storage import open_store
from tests.e2e.telegram_rig import free_port
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlack
from tests.fakes.slack_requests import DEFAULT_SECRET
from tests.fakes.telegram_api import FakeTelegram

REPO = Path(__file__).resolve().parents[2]


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    port: int
    log: Path
    stopped_in: float | None = None
    exit_codes: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as session, session.get(self.url + path) as response:
            return response.status, await response.text()

    async def healthy(self, within: float = 40.0) -> dict[str, Any]:
        """The /healthz answer once it is 200 (the process needs a moment to start; a loaded machine more)."""
        deadline = time.monotonic() + within
        while True:
            if self.process.returncode is not None:
                raise AssertionError(
                    f"paperboy run exited {self.process.returncode}:\n{self.log.read_text()}"
                )
            try:
                async with aiohttp.ClientSession() as session, session.get(self.url + "/healthz") as answer:
                    if answer.status == 200:
                        return dict(await answer.json())
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"never healthy:\n{self.log.read_text()}")
            await asyncio.sleep(0.1)

    async def terminate(self) -> int:
        """SIGTERM, then the exit code; `stopped_in` says how long the exit took."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 30)
        self.stopped_in = time.monotonic() - started
        return code


def bot_environment(
    db: Path, port: int, telegram: FakeTelegram, slack: FakeSlack, **extra: str
) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
    return environment | {
        "PAPERBOY_DB_PATH": str(db),
        "PAPERBOY_SEED_SAMPLE": "false",
        "PAPERBOY_LOG_LEVEL": "DEBUG",
        "PAPERBOY_TELEGRAM__TOKEN": telegram.token,
        "PAPERBOY_TELEGRAM__API_URL": telegram.api_url,
        "PAPERBOY_SLACK__BOT_TOKEN": DEFAULT_TOKEN,
        "PAPERBOY_SLACK__SIGNING_SECRET": DEFAULT_SECRET,
        "PAPERBOY_SLACK__API_URL": slack.api_url,
        "PAPERBOY_SERVER__LISTEN": "127.0.0.1",
        "PAPERBOY_SERVER__PORT": str(port),
        "PAPERBOY_PUSH__TICK_SECONDS": "0.5",
        "PAPERBOY_INGEST__EVERY_MINUTES": "0",
        **extra,
    }


@asynccontextmanager
async def paperboy_run(
    tmp_path: Path, environment: dict[str, str], name: str = "run", command: str = "run"
) -> AsyncIterator[BotProcess]:
    """A `python -m bot run` process (or `command`: `serve`) with its output in a log file; killed if
    the test leaves it running."""
    log = tmp_path / f"{name}.log"
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", command, stdin=asyncio.subprocess.DEVNULL, stdout=sink, stderr=sink,
            cwd=REPO, env=environment,
        )  # fmt: skip
    bot = BotProcess(process, int(environment["PAPERBOY_SERVER__PORT"]), log)
    try:
        yield bot
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def prepare_database(
    db: Path | str, destinations: list[tuple[Destination, str]], **settings: object
) -> None:
    """The sample list dated yesterday (so it is the latest complete day) and subscriptions due now,
    in the SQLite file or the database URL `db`."""
    now = datetime.now(UTC)
    if now.hour == 0 and now.minute < 2:  # "a minute ago" must be today
        await asyncio.sleep(120 - now.minute * 60 - now.second)
        now = datetime.now(UTC)
    store = await open_store(db)
    try:
        sample = parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample")
        await store.upsert_day(sample.model_copy(update={"day": (now - timedelta(days=1)).date()}))
        for destination, chat_type in destinations:
            subscription = Subscription.model_validate(
                {
                    "destination": destination, "chat_type": chat_type, "time_zone": "UTC",
                    "send_time": (now - timedelta(minutes=1)).time().replace(second=0, microsecond=0),
                    "active_since": now - timedelta(days=2), **settings,
                }
            )  # fmt: skip
            await store.save_subscription(subscription)
    finally:
        await store.close()


__all__ = ["BotProcess", "bot_environment", "free_port", "paperboy_run", "prepare_database"]
