"""The Telegram sender of the daily push: render a push, send one message, classify failures.

The delivery core decides what a failure means (wait, retry, pause, skip); the PushClient says
which kind a failure is; this module renders, and names the rate limits a message counts against.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram.constants import ChatType

from bot.config import TelegramSettings
from bot.i18n import Lang, t
from bot.models import Destination, OutboxItem, Paper, Subscription
from bot.ports import Outgoing
from bot.ratelimit import RateKey
from handlers.telegram_adapter.limits import overall_key
from handlers.telegram_adapter.push import Format, push_messages
from handlers.telegram_adapter.push_client import PushClient, PushMessage
from handlers.telegram_adapter.render import TelegramMessage, notice

RENDER_CACHE = 512
GROUPS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL})


def _rendered(day: date, papers: list[Paper], fmt: Format, lang: Lang, **extra: Any) -> list[Outgoing]:
    messages = push_messages(day, papers, fmt, lang)
    return [Outgoing(PushMessage.of(message, **extra), _carried(message, papers)) for message in messages]


def _carried(message: TelegramMessage, papers: list[Paper]) -> tuple[str, ...]:
    """The papers a message shows (its links name them), for the ledger."""
    body = str(message.params.get("text") or message.params.get("caption") or "")
    return tuple(p.arxiv_id for p in papers if f'href="{p.arxiv_url}"' in body)


class TelegramNotifier:
    """bot.ports.Notifier for Telegram."""

    platform = "telegram"

    def __init__(self, client: PushClient, settings: TelegramSettings) -> None:
        self._client = client
        self._settings = settings
        self._extra = {"allow_paid_broadcast": True} if settings.paid_broadcast else {}
        # Thousands of subscribers get the same papers in the same format: render (and encode) once.
        self._cache: dict[tuple[date, tuple[str, ...], str, str], list[Outgoing]] = {}

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        subscription = item.subscription
        if item.kind == "note":
            note = notice(t("push.no_new", day=item.last_list or "-"), subscription.language)
            return [Outgoing(PushMessage.of(note, **self._extra))]
        key = (item.digest_day, tuple(p.arxiv_id for p in papers), subscription.format, subscription.language)
        if key not in self._cache:
            if len(self._cache) >= RENDER_CACHE:
                self._cache.clear()
            self._cache[key] = _rendered(
                item.digest_day, papers, subscription.format, subscription.language, **self._extra
            )
        return self._cache[key]

    def rate_keys(self, subscription: Subscription) -> list[RateKey]:
        """Overall first (a 429 for it stops everything), then the chat, then the group's minute."""
        chat = subscription.destination.chat_id
        keys = [
            overall_key(self._settings.rate_per_second),
            RateKey(f"telegram:{chat}", 1, 1.0),
        ]
        if subscription.chat_type in GROUPS:
            keys.append(RateKey(f"telegram-group:{chat}", 20, 60.0))
        return keys

    async def send(self, destination: Destination, message: Outgoing) -> str:
        payload: PushMessage = message.payload
        thread = int(destination.thread_id) if destination.thread_id else None
        return str(await self._client.send(destination.chat_id, thread, payload))
