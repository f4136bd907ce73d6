"""The Telegram sender of the daily push: render a push, send one message, classify failures.

The delivery core decides what a failure means (wait, retry, pause, skip); the PushClient says
which kind a failure is; this module renders, and names the rate limits a message counts against.
"""

from __future__ import annotations

from telegram.constants import ChatType

from bot.models import Destination, OutboxItem, Paper, Subscription
from bot.ports import Outgoing
from bot.push_render import PushRenderer
from bot.ratelimit import RateKey
from handlers.telegram_adapter.config import TelegramSettings
from handlers.telegram_adapter.limits import overall_key
from handlers.telegram_adapter.push_client import PushClient, PushMessage
from handlers.telegram_adapter.render import TelegramMessage, notice, push_messages

GROUPS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL})


def _shows(message: TelegramMessage, paper: Paper) -> bool:
    """Whether a message shows the paper (its link names it), for the ledger."""
    body = str(message.params.get("text") or message.params.get("caption") or "")
    return f'href="{paper.arxiv_url}"' in body


class TelegramNotifier:
    """bot.ports.Notifier for Telegram."""

    platform = "telegram"

    def __init__(self, client: PushClient, settings: TelegramSettings) -> None:
        self._client = client
        self._settings = settings
        extra = {"allow_paid_broadcast": True} if settings.paid_broadcast else {}
        # Thousands of subscribers get the same papers in the same format: render and encode once.
        self._renderer = PushRenderer(
            push_messages, notice, _shows, prepare=lambda message: PushMessage.of(message, **extra)
        )

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        return self._renderer.render(item, papers)

    def rate_keys(self, subscription: Subscription) -> list[RateKey]:
        """The bot-wide cap (a 429 for it stops everything), the chat, and a group's minute."""
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
