"""The Platform port: everything a chat platform's package offers the rest of Paperboy.

A platform is one folder under handlers/ whose `platform.py` exposes a `PLATFORM` object of this
shape, plus one entry in bot/platforms.py (the registry). The composition root, the CLI, the
settings loader and /healthz loop over the registry; nothing else in bot/ names a platform, so a new
one changes no core file beyond that entry (tests/unit/test_architecture.py holds us to it).

The port has two halves with different lifetimes:
- its settings model (`PlatformSettings`) says whether it is configured and what is wrong with it;
- the `Platform` itself is static: its name, its SDK's loggers and `render` of a push's exact API
  calls (`paperboy render NAME`); no I/O;
- `open` gives a `Connection`: the platform's clients, open until the caller's exit stack closes.
  `paperboy push` only sends through its `notifier`; `paperboy run` also asks it to `serve`
  (HTTP routes, and a runner that polls, holds a socket or a gateway, until `stop`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from aiohttp import web
from pydantic import BaseModel

from bot.i18n import Lang
from bot.models import Paper, PushFormat
from bot.ports import Notifier
from bot.ratelimit import RateLimiter

if TYPE_CHECKING:  # the service imports the world; the port only needs its name for typing
    from bot.health import Health
    from bot.service import PaperService

SettingsT_contra = TypeVar("SettingsT_contra", bound=BaseModel, contravariant=True)


class PlatformSettings(Protocol):
    """A platform's settings group (PAPERBOY_<NAME>__*, a pydantic model in its config.py). The
    registry asks these two questions without importing the platform's SDK: a process imports only
    the platforms it runs."""

    def configured(self) -> bool:
        """Whether these settings turn the platform on (a token is set, typically)."""
        ...

    def problems(self, variable: Callable[[str], str]) -> list[str]:
        """What is wrong with the settings taken together, one line each, naming the variables
        (`variable("token")` is PAPERBOY_<NAME>__TOKEN)."""
        ...


class NoSettings(BaseModel):
    """The settings of a platform that has none of its own (the terminal): always on."""

    def configured(self) -> bool:
        return True

    def problems(self, variable: Callable[[str], str]) -> list[str]:
        return []


@dataclass(frozen=True)
class Serving:
    """What the core lends a platform's interactive side while `paperboy run` runs."""

    service: PaperService
    limiter: RateLimiter  # one budget for answers and pushes
    health: Health  # the platform adds its own check under its name
    stop: asyncio.Event  # set on SIGINT/SIGTERM: the runner returns soon after


@dataclass(frozen=True)
class Served:
    """A platform's part of the HTTP server and the coroutine that keeps it connected until stop."""

    run: Callable[[], Coroutine[Any, Any, None]]
    routes: list[web.RouteDef] = field(default_factory=list)


@dataclass(frozen=True)
class RenderRequest:
    """`paperboy render`: one day's push as a destination with these settings would get it."""

    day: date
    papers: list[Paper]
    format: PushFormat
    language: Lang  # the interface language
    summary_language: str | None  # the summaries' language when it differs
    chat_id: str  # the destination the calls are addressed to


class Connection(Protocol):
    """A platform opened: its clients stay open until the exit stack given to `open` closes."""

    @property
    def notifier(self) -> Notifier:
        """Sends pushes (and renders them) for this platform's destinations."""
        ...

    def serve(self, serving: Serving) -> Served | None:
        """The interactive side for `paperboy run`: routes and a runner (None: nothing to serve)."""
        ...


class Platform(Protocol[SettingsT_contra]):
    """One chat platform, as the registry lists it. `name` is what destinations, the ledger,
    /healthz, /metrics and `paperboy render` call it; its settings are PAPERBOY_<NAME>__*."""

    @property
    def name(self) -> str: ...

    @property
    def loggers(self) -> tuple[str, ...]:
        """Its SDK's loggers that speak per request: kept at WARNING like the core's noisy ones."""
        ...

    async def open(
        self, settings: SettingsT_contra, stack: contextlib.AsyncExitStack, *, connections: int
    ) -> Connection:
        """Open its clients (at most `connections` at once to its API) until `stack` closes."""
        ...

    def render(self, request: RenderRequest) -> list[dict[str, Any]]:
        """The exact API calls of that push, as JSON-ready objects (method and parameters)."""
        ...
