"""The life cycle every loopback fake shares: listen on a free port of 127.0.0.1, stop cleanly."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from aiohttp import web


class LoopbackServer:
    """Base of the fakes: subclasses add their routes in `routes` and wake waiters in `on_stop`."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._port = 0

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>` once started."""
        if self._base_url is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._base_url

    def listen_on(self, port: int) -> Self:
        """Start on this port instead of a free one; the URL is known at once, so a bot can be
        pointed at an API that is not there yet and see it come up."""
        self._port = port
        self._base_url = f"http://127.0.0.1:{port}"
        return self

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    def on_stop(self) -> None:
        """Release requests still waiting (long polls, slow answers) before the server closes."""

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1 (or the one given to `listen_on`)."""
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self._port).start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        self.on_stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
