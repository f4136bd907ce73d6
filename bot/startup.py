"""Starting a platform whose API cannot be reached yet (no network, DNS down, a proxy restarting):
try again with capped exponential backoff and jitter, say so in one WARNING line per attempt and in
/healthz, and let everything else run meanwhile. An API that answers and refuses us (a revoked
token) is not this: that stays a StartupError, fatal at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import random
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from bot.health import Health

FIRST_DELAY = 1.0  # seconds before the second try; doubles each time
MAX_DELAY = 60.0  # at most this long between tries, so a platform is back within a minute of its API
log = logging.getLogger("paperboy")


class Unreachable(Exception):
    """A platform's API could not be reached (connection refused, DNS, timeout, 5xx): try again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def backoff(
    attempt: int,
    *,
    first: float = FIRST_DELAY,
    cap: float = MAX_DELAY,
    rng: Callable[[], float] = random.random,
) -> float:
    """The wait after failed try number `attempt` (0 first): first·2^attempt, at most `cap`, then
    jittered down to between half and all of it, so instances restarted together do not knock together."""
    return min(cap, first * 2.0 ** min(attempt, 30)) * (0.5 + 0.5 * rng())


def host_of(url: str) -> str:
    """`api.telegram.org`, or `127.0.0.1:8081` when the URL names a port: for messages."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or url
    return f"{host}:{port}" if port else host


# The HTTP clients' names (httpx, aiohttp) for a server that went away mid-request: named, not
# imported, since the core imports no SDK.
_CLOSED_UNANSWERED = frozenset({"RemoteProtocolError", "ServerDisconnectedError"})


def network_reason(err: BaseException) -> str:
    """Why a request did not get an answer, in a few words, from the first telling error of the
    chain (SDKs wrap the OSError two or three levels deep)."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if (
            isinstance(current, ConnectionRefusedError)
            or getattr(current, "errno", None) == errno.ECONNREFUSED
        ):
            return "connection refused"
        if isinstance(current, socket.gaierror):
            return "its name does not resolve (DNS)"
        if isinstance(current, TimeoutError) or "timeout" in type(current).__name__.lower():
            return "no answer in time"
        if isinstance(current, ssl.SSLError):
            return f"TLS failed ({getattr(current, 'reason', None) or current.strerror or current})"
        if isinstance(current, ConnectionResetError):
            return "connection reset"
        if type(current).__name__ in _CLOSED_UNANSWERED:
            return "the connection closed without an answer"
        current = current.__cause__ or current.__context__
    return str(err) or type(err).__name__


class _Retrying:
    """/healthz's answer for a platform waiting to try again: the reason and the time left."""

    def __init__(self, reason: str, at: float) -> None:
        self.reason = reason
        self.at = at

    async def __call__(self) -> str:
        return f"{self.reason}; retrying in {_seconds(self.at - time.monotonic())}"


def _seconds(delay: float) -> str:
    delay = max(0.0, delay)
    return f"{delay:.1f} s" if delay < 10 else f"{delay:.0f} s"


async def start_when_reachable(
    name: str,
    start: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
    health: Health | None = None,
    *,
    first: float = FIRST_DELAY,
    cap: float = MAX_DELAY,
) -> bool:
    """Await `start` until it does not raise Unreachable, waiting `backoff` between tries (or until
    `stop`); True once it started, False when stopped first. Any other error ends it at once."""
    attempt = 0
    while not stop.is_set():
        try:
            await start()
        except Unreachable as err:
            delay = backoff(attempt, first=first, cap=cap)
            log.warning("%s: %s; retrying in %s", name, err.reason, _seconds(delay))
            if health is not None:
                health.add(name, _Retrying(err.reason, time.monotonic() + delay))
            attempt += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            continue
        if attempt:
            log.warning("%s: reached after %d failed tr%s", name, attempt, "y" if attempt == 1 else "ies")
        return True
    return False
