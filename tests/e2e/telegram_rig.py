"""The real bot (PTB Application + service + SQLite) running against the fake Bot API."""

from __future__ import annotations

import asyncio
import inspect
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.ratelimit import RateLimiter
from bot.service import PaperService
from handlers.http_server import HttpServer
from handlers.telegram_adapter.app import TelegramWebhook, build_application, run_telegram
from handlers.telegram_adapter.config import TelegramSettings
from storage.sqlite import SqliteStore
from tests.fakes.telegram_api import FakeTelegram, RateLimits, SentMessage

USER = 1001
ADMIN = 2002
GROUP = -100500
FORUM = -100600
CHANNEL = -100700


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def until(check: Callable[[], object], within: float = 5.0) -> None:
    """Wait until `check()` (a value or an awaitable) is truthy: the bot works in the background."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise TimeoutError(f"still not true after {within}s")
        await asyncio.sleep(0.01)


def polling(fake: FakeTelegram) -> bool:
    return any(request.method == "getUpdates" for request in fake.requests)


@dataclass
class Rig:
    fake: FakeTelegram
    service: PaperService
    store: SqliteStore
    limiter: RateLimiter

    async def say(self, chat_id: int, text: str, expect: int = 1, **kwargs: object) -> list[SentMessage]:
        """A user writes in a chat; returns the `expect` messages the bot sends back."""
        before = len(self.fake.sent)
        self.fake.send_text(chat_id, text, **kwargs)  # type: ignore[arg-type]
        await self.fake.wait_sent(before + expect, within=15)  # generous: CI machines are shared
        return self.fake.sent[before:]

    async def press(self, message: SentMessage, data: str, user_id: int | None = None) -> str:
        """Press a button and wait until the bot answered the callback query."""
        answered = len(self.fake.callback_answers)
        query_id = self.fake.press_button(message, data, user_id)
        await until(lambda: len(self.fake.callback_answers) > answered)
        return query_id


@asynccontextmanager
async def running_bot(
    tmp_path: Path,
    *,
    rate_limits: RateLimits | bool = False,
    webhook: bool = False,
    margin: float | None = None,
    public_url: str | None = None,
) -> AsyncIterator[Rig]:
    """Fake Bot API up, sample day loaded, the bot polling (or on a webhook) until the block ends;
    `margin` is the rate limiter's (its default when None); `public_url` makes settings link feeds."""
    async with FakeTelegram(rate_limits=rate_limits) as fake:
        fake.add_chat(USER)
        fake.add_chat(ADMIN)
        fake.add_chat(GROUP, "supergroup", title="Paper Readers")
        fake.add_chat(FORUM, "supergroup", title="Lab", is_forum=True)
        fake.add_chat(CHANNEL, "channel", title="Daily AI", username="dailyai")
        for chat in (GROUP, FORUM, CHANNEL):
            fake.set_member(chat, ADMIN, "administrator")
            fake.set_member(chat, USER, "member")
            fake.set_member(chat, fake.bot_id, "administrator")
        store = await SqliteStore.open(tmp_path / "telegram.db")
        service = PaperService(store, DigestSources(HFSettings()), public_url=public_url)
        await service.seed_sample()
        port = free_port()
        settings = TelegramSettings(
            token=SecretStr(fake.token),
            api_url=fake.api_url,
            # Telegram delivers to https only; the fake plays the TLS proxy that forwards to the bot.
            webhook_url="https://paperboy.example/telegram-hook" if webhook else None,
        )
        fake.forward_webhooks(f"http://127.0.0.1:{port}")
        stop = asyncio.Event()
        limiter = RateLimiter() if margin is None else RateLimiter(margin=margin)
        app = build_application(settings, service, limiter)
        hook = TelegramWebhook(app, settings) if webhook else None
        server = HttpServer("127.0.0.1", port, [hook.route()] if hook else [])
        await server.start()
        task = asyncio.create_task(run_telegram(app, settings, stop, hook))
        try:
            await until(lambda: task.done() or (fake.webhook if webhook else polling(fake)))
            if task.done():
                task.result()
            yield Rig(fake, service, store, limiter)
        finally:
            stop.set()
            await task
            await server.stop()
            await store.close()
