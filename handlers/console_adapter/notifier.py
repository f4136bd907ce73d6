"""The console's sender of the daily push: prints the digest to the terminal.

`/subscribe` in the console chat, then `paperboy push --now`, shows what a push looks like
without any chat platform.
"""

from __future__ import annotations

import itertools
import sys
from typing import TextIO

from bot.models import Destination, OutboxItem, Paper, Subscription
from bot.ports import Outgoing
from bot.push_render import push_note, push_period
from bot.ratelimit import RateKey
from handlers.console_adapter.render import push_messages
from handlers.console_adapter.text import printable


class ConsoleNotifier:
    """bot.ports.Notifier that writes each push to a stream (standard output by default)."""

    platform = "console"

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self._out = out
        self._ids = itertools.count(1)

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        lang = item.subscription.language
        note = push_note(item, papers)
        if note is not None:
            return [Outgoing(note.render(lang))]
        texts = push_messages(push_period(item), papers, lang, item.subscription.reads)
        return [Outgoing(text, tuple(p.arxiv_id for p in papers)) for text in texts]

    def rate_keys(self, subscription: Subscription) -> list[RateKey]:
        return []

    async def send(self, destination: Destination, message: Outgoing) -> str:
        self._out.write(printable(f"{message.payload}\n\n"))
        self._out.flush()
        return str(next(self._ids))
