"""The Telegram sender of the daily push: render a push, send one message, classify failures.

The delivery core decides what a failure means (wait, retry, pause, skip); this module only
translates PTB's exceptions into those kinds, and names the rate limits a message counts against.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from telegram import Bot
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.config import TelegramSettings
from bot.errors import DestinationGone, DestinationMoved, MessageRejected, RateLimited, TransientFailure
from bot.i18n import Lang, t
from bot.models import Destination, OutboxItem, Paper, Subscription
from bot.ports import Outgoing
from bot.ratelimit import RateKey
from handlers.telegram_adapter.push import Format, push_messages
from handlers.telegram_adapter.render import TelegramMessage, notice
from handlers.telegram_adapter.sending import retry_after_seconds, send_once

# A 400 that means the chat is out of reach for good, not that the message was wrong.
GONE = (
    "chat not found",
    "message thread not found",
    "topic_closed",
    "have no rights to send",
    "not enough rights",
    "bot was kicked",
    "user is deactivated",
    "chat_write_forbidden",
)
GROUPS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL})


@lru_cache(maxsize=256)
def _rendered(day: date, papers: tuple[Paper, ...], fmt: Format, lang: Lang) -> tuple[Outgoing, ...]:
    """Thousands of subscribers get the same day in the same format: render it once."""
    messages = push_messages(day, list(papers), fmt, lang)
    return tuple(Outgoing(message, _carried(message, papers)) for message in messages)


def _carried(message: TelegramMessage, papers: tuple[Paper, ...]) -> tuple[str, ...]:
    """The papers a message shows (its links name them), for the ledger."""
    body = str(message.params.get("text") or message.params.get("caption") or "")
    return tuple(p.arxiv_id for p in papers if f'href="{p.arxiv_url}"' in body)


class TelegramNotifier:
    """bot.ports.Notifier for Telegram."""

    platform = "telegram"

    def __init__(self, bot: Bot, settings: TelegramSettings) -> None:
        self._bot = bot
        self._settings = settings

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        subscription = item.subscription
        if item.kind == "note":
            return [Outgoing(notice(t("push.no_new", day=item.last_list or "-"), subscription.language))]
        rendered = _rendered(item.digest_day, tuple(papers), subscription.format, subscription.language)
        return list(rendered)

    def rate_keys(self, subscription: Subscription) -> list[RateKey]:
        """Overall first (a 429 for it stops everything), then the chat, then the group's minute."""
        chat = subscription.destination.chat_id
        keys = [
            RateKey("telegram", self._settings.rate_per_second, 1.0),
            RateKey(f"telegram:{chat}", 1, 1.0),
        ]
        if subscription.chat_type in GROUPS:
            keys.append(RateKey(f"telegram-group:{chat}", 20, 60.0))
        return keys

    async def send(self, destination: Destination, message: Outgoing) -> str:
        payload: TelegramMessage = message.payload
        if self._settings.paid_broadcast:
            payload = TelegramMessage(
                payload.method, payload.params | {"allow_paid_broadcast": True}, payload.fallback
            )
        thread = int(destination.thread_id) if destination.thread_id else None
        try:
            sent = await send_once(self._bot, destination.chat_id, thread, payload)
        except RetryAfter as err:
            raise RateLimited(err.message, retry_after_seconds(err.retry_after)) from err
        except ChatMigrated as err:
            raise DestinationMoved(err.message, str(err.new_chat_id)) from err
        except Forbidden as err:
            raise DestinationGone(err.message) from err
        except BadRequest as err:
            if any(marker in err.message.lower() for marker in GONE):
                raise DestinationGone(err.message) from err
            raise MessageRejected(err.message) from err
        except (NetworkError, TelegramError) as err:  # timeouts, 5xx, broken connections
            raise TransientFailure(err.message) from err
        return str(sent.message_id)
