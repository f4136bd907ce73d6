"""The one HTTP server of `paperboy run`: /healthz, /metrics and the platforms' webhook routes.

Telegram's webhook and Slack's HTTP mode each contribute routes; one port serves them all, so a
deployment opens one port, puts one reverse proxy in front, and points its probes at the same place.
"""

from __future__ import annotations

import errno
import json
import socket
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from bot.errors import StartupError
from bot.health import Health
from bot.metrics import CONTENT_TYPE, Metrics


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
        app = web.Application()
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
