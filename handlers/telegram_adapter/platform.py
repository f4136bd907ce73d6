"""Telegram as a Platform (bot.platform): the push client, the Application and the webhook route."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot.platform import Platform, RenderRequest, Served, Serving
from bot.startup import host_of
from handlers.telegram_adapter.app import PollingTrouble, TelegramWebhook, build_application, run_telegram
from handlers.telegram_adapter.config import TelegramSettings
from handlers.telegram_adapter.notifier import TelegramNotifier
from handlers.telegram_adapter.push_client import PushClient
from handlers.telegram_adapter.render import push_messages

NAME = "telegram"
log = logging.getLogger("paperboy")


@dataclass(frozen=True)
class TelegramConnection:
    """The push client, open; the Application is built only when the bot serves."""

    settings: TelegramSettings
    notifier: TelegramNotifier

    def serve(self, serving: Serving) -> Served:
        settings = self.settings
        log.info("Telegram starting (%s)", "webhook" if settings.webhook_url else "long polling")
        polling = PollingTrouble(host_of(settings.api_url))
        app = build_application(settings, serving.service, serving.limiter, polling)
        hook = TelegramWebhook(app, settings) if settings.webhook_url else None
        serving.health.expect(NAME)
        return Served(
            partial(run_telegram, app, settings, serving.stop, hook, serving.health, polling),
            [hook.route()] if hook else [],
        )


class Telegram:
    """bot.platform.Platform for Telegram (python-telegram-bot for updates, our own push client)."""

    name = NAME
    loggers = ("telegram.ext",)

    async def open(
        self, settings: TelegramSettings, stack: contextlib.AsyncExitStack, *, connections: int
    ) -> TelegramConnection:
        assert settings.token is not None, "open only a configured platform"
        client = PushClient(settings.api_url, settings.token.get_secret_value(), connections=connections)
        opened = await stack.enter_async_context(client)
        return TelegramConnection(settings, TelegramNotifier(opened, settings))

    def render(self, request: RenderRequest) -> list[dict[str, Any]]:
        messages = push_messages(
            request.day, request.papers, request.format, request.language, request.summary_language
        )
        return [
            {
                "method": m.method,
                "params": m.to(request.chat_id),
                **({"fallback": m.fallback.to(request.chat_id)} if m.fallback else {}),
            }
            for m in messages
        ]


PLATFORM: Platform[TelegramSettings] = Telegram()
