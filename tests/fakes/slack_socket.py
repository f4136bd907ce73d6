"""Socket Mode for FakeSlack: apps.connections.open hands out a WebSocket URL on the fake, and the
fake pushes envelopes (slash commands, button clicks, events) down it, waiting for each ack.

slack_sdk's aiohttp SocketModeClient connects exactly as it would to wss-primary.slack.com, so a
test proves the bot's Socket Mode path without a public URL, like production.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

SOCKET_PATH = "/socket"
DEFAULT_APP_TOKEN = "xapp-1-test"


@dataclass(frozen=True)
class Ack:
    """What the app answered to one envelope: its ack and, for commands, the optional payload."""

    envelope_id: str
    payload: dict[str, Any] | None


class SocketModeHub:
    """The WebSocket side: connections, envelopes out, acks back."""

    def __init__(self, base_url: str, app_token: str = DEFAULT_APP_TOKEN) -> None:
        self.app_token = app_token
        self.base_url = base_url
        self.connections: list[web.WebSocketResponse] = []
        self.acks: list[Ack] = []
        self._waiting: dict[str, asyncio.Future[Ack]] = {}
        self._ids = itertools.count(1)
        self._connected = asyncio.Event()

    def url(self) -> str:
        return self.base_url.replace("http://", "ws://") + SOCKET_PATH

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self.connections.append(socket)
        hello = {"type": "hello", "num_connections": len(self.connections), "debug_info": {"host": "fake"}}
        await socket.send_json(hello)
        self._connected.set()
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self._acknowledged(json.loads(message.data))
        finally:
            self.connections.remove(socket)
        return socket

    def _acknowledged(self, data: dict[str, Any]) -> None:
        envelope_id = str(data.get("envelope_id", ""))
        ack = Ack(envelope_id, data.get("payload"))
        self.acks.append(ack)
        waiter = self._waiting.pop(envelope_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(ack)

    async def wait_connected(self, within: float = 5.0) -> None:
        await asyncio.wait_for(self._connected.wait(), within)

    async def push(self, kind: str, payload: dict[str, Any], *, within: float = 3.0) -> Ack:
        """Send an envelope (`slash_commands`, `interactive`, `events_api`) and wait for its ack:
        Slack gives an app 3 seconds."""
        if not self.connections:
            raise RuntimeError("no Socket Mode connection")
        envelope_id = f"env-{next(self._ids)}"
        waiter: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        self._waiting[envelope_id] = waiter
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self.connections[-1].send_json(envelope)
        return await asyncio.wait_for(waiter, within)

    async def close(self) -> None:
        for socket in list(self.connections):
            await socket.close()
