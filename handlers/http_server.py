"""The one HTTP server of `paperboy run`: /healthz, /metrics and the platforms' webhook routes.

Telegram's webhook and Slack's HTTP mode each contribute routes; one port serves them all, so a
deployment opens one port, puts one reverse proxy in front, and points its probes at the same place.
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import NamedTuple

from aiohttp import web

from bot.errors import StartupError
from bot.health import Health
from bot.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1 << 20  # a Slack modal or a Telegram update is a few kilobytes; nothing we take is 1 MiB
REFUSALS_EVERY_SECONDS = 60.0


class HttpServer:
    """An aiohttp server on `listen:port` (port 0 picks a free one; see `port` once started).

    `before_scrape` refreshes gauges read from the database (the outbox depth) just before /metrics.
    """

    def __init__(
        self,
        listen: str,
        port: int,
        routes: Iterable[web.RouteDef],
        *,
        health: Health | None = None,
        metrics: Metrics | None = None,
        before_scrape: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._listen = listen
        self._routes = list(routes)
        self._health = health
        self._metrics = metrics
        self._before_scrape = before_scrape
        self._runner: web.AppRunner | None = None
        self.port = port

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.add_routes(self._routes)
        if self._health is not None:
            app.router.add_get("/healthz", self._healthz)
        if self._metrics is not None:
            app.router.add_get("/metrics", self._scrape)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self._listen, self.port).start()
        except OSError as err:  # a port in use, an address this machine does not have
            await self.stop()
            raise StartupError(
                f"the HTTP server cannot listen on {self._listen}:{self.port}: {_why(err)}; "
                "choose another PAPERBOY_SERVER__PORT (0 picks a free one) or PAPERBOY_SERVER__LISTEN"
            ) from err
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        assert self._health is not None
        healthy, details = await self._health.report()
        return web.json_response(details, status=200 if healthy else 503, dumps=json.dumps)

    async def _scrape(self, request: web.Request) -> web.Response:
        assert self._metrics is not None
        if self._before_scrape is not None:
            await self._before_scrape()
        response = web.Response(body=self._metrics.exposition())
        response.headers["Content-Type"] = CONTENT_TYPE
        return response


async def read_body(request: web.Request, route: str) -> bytes | web.Response:
    """The request's body, or 413 (one WARNING line) when it is over MAX_BODY_BYTES: said by its
    Content-Length before reading, else found while reading."""
    too_big = request.content_length is not None and request.content_length > MAX_BODY_BYTES
    if not too_big:
        try:
            return await request.read()  # the application's client_max_size stops it at the cap
        except web.HTTPRequestEntityTooLarge:
            too_big = True
    log.warning("%s: refused a request over %d bytes (413)", route, MAX_BODY_BYTES)
    return web.Response(status=413, text="request body too large")


# Slack's and Discord's rule alike: a signed request dated this far from our clock is a replay.
MAX_AGE_SECONDS = 300


class Signed(NamedTuple):
    """A signed webhook request's timestamp and signature, both there and the stamp fresh."""

    stamp: str
    signature: str


def signed(stamp: str | None, signature: str | None, now: float) -> Signed | str:
    """The request's stamp and signature, to check the signature over (a platform's own way), or
    why it is refused before that: no signature or timestamp, a timestamp that is no Unix time, or
    one more than five minutes from `now` either way."""
    if not stamp or not signature:
        return "no signature"
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        return "a timestamp that is no Unix time"
    if abs(now - int(stamp)) > MAX_AGE_SECONDS:
        return "a timestamp more than five minutes off"
    return Signed(stamp, signature)


class Refusals:
    """Refused requests anyone can send (no signature, a wrong secret): one WARNING line at most every
    REFUSALS_EVERY_SECONDS per reason, saying how many more came meanwhile, so a flood cannot flood the
    logs, while a misconfigured secret (every request refused) is still seen at the default level.
    `event` names what keeps failing in each line (a poll that fails again and again alike)."""

    def __init__(
        self,
        logger: logging.Logger,
        route: str,
        clock: Callable[[], float] = time.monotonic,
        *,
        event: str = "refused a request",
    ) -> None:
        self._log = logger
        self._route = route
        self._event = event
        self._clock = clock
        self._last: dict[str, float] = {}
        self._unsaid: dict[str, int] = {}

    def refuse(self, why: str) -> None:
        now = self._clock()
        last = self._last.get(why)
        if last is not None and now - last < REFUSALS_EVERY_SECONDS:
            self._unsaid[why] = self._unsaid.get(why, 0) + 1
            self._log.debug("%s: %s: %s", self._route, self._event, why)
            return
        self._last[why] = now
        more = self._unsaid.pop(why, 0)
        also = f" (and {more} more like it in the last {now - last:.0f} s)" if more and last else ""
        self._log.warning("%s: %s: %s%s", self._route, self._event, why, also)


def _why(err: OSError) -> str:
    if err.errno == errno.EADDRINUSE:
        return "the port is in use by another program"
    if err.errno == errno.EADDRNOTAVAIL:
        return "this machine has no such address"
    if err.errno == errno.EACCES:
        return "permission denied (ports below 1024 need privileges)"
    if isinstance(err, socket.gaierror):
        return "no such address"
    return (err.strerror or str(err)).lower()
