"""The terminal as a Platform (bot.platform): pushes printed on standard output, no settings of its own.

It serves nothing while chat platforms run; with none configured, `paperboy run` talks on the
terminal instead (the composition root runs the console chat).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from bot.platform import NoSettings, Platform, RenderRequest, Served, Serving
from handlers.console_adapter.notifier import ConsoleNotifier
from handlers.console_adapter.render import push_messages


@dataclass(frozen=True)
class ConsoleConnection:
    notifier: ConsoleNotifier = field(default_factory=ConsoleNotifier)

    def serve(self, serving: Serving) -> Served | None:
        return None


class Console:
    """bot.platform.Platform for the terminal: always on, nothing to open."""

    name = "console"
    loggers: tuple[str, ...] = ()

    async def open(
        self, settings: NoSettings, stack: contextlib.AsyncExitStack, *, connections: int
    ) -> ConsoleConnection:
        return ConsoleConnection()

    def render(self, request: RenderRequest) -> list[dict[str, Any]]:
        texts = push_messages(
            request.day, request.papers, request.language, request.summary_language or request.language
        )
        return [{"method": "print", "params": {"text": text}} for text in texts]


PLATFORM: Platform[NoSettings] = Console()
