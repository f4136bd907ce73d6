"""A TCP proxy between a client and a server that a test can cut and restore: a database that goes
down mid-push and comes back, on the same address, without touching the server itself.

`cut()` resets every open connection and stops listening, so the client sees its connections drop
and new ones refused, as when the server dies; `restore()` listens again on the same port.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from types import TracebackType
from typing import Self

_CHUNK = 1 << 16


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class CuttableProxy:
    """127.0.0.1:`port` forwards to `target_host`:`target_port` while it is up."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self._target = (target_host, target_port)
        self.port = _free_port()
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.Task[None]] = set()
        self._transports: set[asyncio.WriteTransport] = set()

    async def __aenter__(self) -> Self:
        await self.restore()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.cut()

    @property
    def up(self) -> bool:
        return self._server is not None

    async def restore(self) -> None:
        """Listen (again) on `port`."""
        if self._server is None:
            self._server = await asyncio.start_server(self._link, "127.0.0.1", self.port, reuse_address=True)

    async def cut(self) -> None:
        """Stop listening and reset every connection (an RST, as from a dead host's kernel)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for transport in list(self._transports):
            transport.abort()
        self._transports.clear()
        await asyncio.gather(*self._links, return_exceptions=True)  # the resets end them

    async def _link(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._links.add(task)
        self._transports.add(client_out.transport)
        try:
            try:
                server_in, server_out = await asyncio.open_connection(*self._target)
            except OSError:
                client_out.transport.abort()
                return
            self._transports.add(server_out.transport)
            await asyncio.gather(self._pump(client_in, server_out), self._pump(server_in, client_out))
        finally:
            self._links.discard(task)

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while chunk := await source.read(_CHUNK):
                sink.write(chunk)
                await sink.drain()
        sink.transport.abort()  # one side closed: close the other, as a plain TCP path would
        self._transports.discard(sink.transport)
