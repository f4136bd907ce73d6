"""The one HTTP server of `paperboy run`: the platforms' webhook routes (and, later, health).

Telegram's webhook and Slack's HTTP mode each contribute routes; one port serves them all, so a
deployment opens one port and puts one reverse proxy in front.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web


class HttpServer:
    """An aiohttp server for `routes` on `listen:port` (port 0 picks a free one; see `port`)."""

    def __init__(self, listen: str, port: int, routes: Iterable[web.RouteDef]) -> None:
        self._listen = listen
        self._wanted_port = port
        self._routes = list(routes)
        self._runner: web.AppRunner | None = None
        self.port = port

    async def start(self) -> None:
        app = web.Application()
        app.add_routes(self._routes)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._listen, self._wanted_port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
