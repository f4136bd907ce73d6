"""A lean Bot API client for the daily push: JSON in, message id out, failures classified.

Commands go through python-telegram-bot, which builds full Message objects from every answer;
a push of ten thousand messages needs none of that. This client speaks just the HTTP/1.1 a push
needs, over pooled keep-alive connections (TLS for https): a request is one write of the exact JSON
that `paperboy render telegram` prints, and an answer is parsed as its bytes arrive. A general
client (aiohttp) spent three times the CPU on the same exchange, and that CPU decides whether one
core keeps up with paid broadcasts (1,000 messages a second).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import ssl
from dataclasses import dataclass
from typing import Any, NamedTuple, Self, cast
from urllib.parse import urlsplit

from bot.errors import DestinationGone, DestinationMoved, MessageRejected, RateLimited, TransientFailure
from handlers.telegram_adapter.render import TelegramMessage

TIMEOUT_SECONDS = 30.0
# A connection idle for longer may have been closed by the server (nginx keeps them 75 s): a request
# on it could fail for no reason of its own, so it is closed instead of reused.
KEEPALIVE_SECONDS = 15.0
RESOLVE_SECONDS = 300.0  # how long a looked-up address of the server is used
# A 400 that means the chat is out of reach for good, not that the message was wrong.
GONE = (
    "chat not found",
    "message thread not found",
    "topic_closed",
    "have no rights to send",
    "not enough rights",
    "bot was kicked",
    "user is deactivated",
    "chat_write_forbidden",
)
# What Telegram says when it cannot fetch or use a photo URL (the text card goes instead).
PHOTO_REFUSED = (
    "wrong file identifier",
    "failed to get http url content",
    "wrong type of the web page content",
)


# How Telegram begins the answer to a message sent: the message id comes first in the Message.
_SENT = re.compile(rb'\{"ok":\s*true,\s*"result":\s*\{"message_id":\s*(\d+)\s*[,}]')


class HttpError(Exception):
    """The server's answer was not HTTP/1.x as this client reads it."""


@dataclass(frozen=True)
class PushMessage:
    """A TelegramMessage made ready for the thousands of chats a push sends it to.

    Only the destination differs between them, so the parameters are encoded to JSON once (as the
    members of the request's object, after the destination's); `extra` parameters join them, such
    as allow_paid_broadcast.
    """

    method: str
    members: bytes
    fallback: PushMessage | None = None

    @classmethod
    def of(cls, message: TelegramMessage, **extra: Any) -> PushMessage:
        fallback = None if message.fallback is None else cls.of(message.fallback, **extra)
        return cls(message.method, _json(message.params | extra)[1:-1], fallback)

    def body(self, chat_id: str, thread_id: int | None) -> bytes:
        """The request's JSON: what TelegramMessage.to(chat_id, thread_id) gives, encoded."""
        where = (
            {"chat_id": chat_id}
            if thread_id is None
            else {"chat_id": chat_id, "message_thread_id": thread_id}
        )
        head = _json(where)[:-1]
        return head + b"," + self.members + b"}" if self.members else head + b"}"


class PushClient:
    """Sends push messages to `{api_url}{token}/{method}`; use it as an async context manager.

    At most `connections` requests are under way at once, each on a connection of its own.
    """

    def __init__(
        self, api_url: str, token: str, *, connections: int = 64, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        url = urlsplit(f"{api_url}{token}/")
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"the Bot API URL must be http(s)://host/...: {api_url!r}")
        self._host = url.hostname
        self._port = url.port or (443 if url.scheme == "https" else 80)
        self._tls = ssl.create_default_context() if url.scheme == "https" else None
        self._request_line = f"POST {url.path}{{method}} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        self._timeout = timeout
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[_Connection] = []  # the most recently used last
        self._connections: set[_Connection] = set()
        self._address: tuple[int, Any] | None = None
        self._spare: asyncio.Task[None] | None = None
        self._resolved_at = 0.0
        self._entered = False

    async def __aenter__(self) -> Self:
        self._entered = True
        with contextlib.suppress(OSError):  # no name service now: the first send will try again
            await self._resolve()
        self._open_spare()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._entered = False
        if self._spare is not None:
            self._spare.cancel()
        for connection in self._connections:
            connection.close()
        self._connections.clear()
        self._idle.clear()

    async def send(self, chat_id: str, thread_id: int | None, message: PushMessage) -> int:
        """Send one message (its text fallback if the photo is refused); returns its message id."""
        try:
            return await self._call(message.method, message.body(chat_id, thread_id))
        except MessageRejected as err:
            if message.fallback is None or not any(marker in err.reason.lower() for marker in PHOTO_REFUSED):
                raise
            return await self._call(message.fallback.method, message.fallback.body(chat_id, thread_id))

    async def _call(self, method: str, body: bytes) -> int:
        if not self._entered:
            raise RuntimeError("PushClient used outside `async with`")
        head = self._request_line.format(method=method)
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        try:
            async with self._slots, asyncio.timeout(self._timeout):
                answer = await self._exchange(head.encode() + body)
        except (OSError, TimeoutError, HttpError) as err:  # OSError takes in refused, reset and TLS
            raise TransientFailure(f"{type(err).__name__}: {err}") from err
        return _result(answer.status, answer.body)

    async def _exchange(self, request: bytes) -> _Answer:
        """One request and its answer on a pooled connection (a new one when none is idle)."""
        connection = self._reusable() or await self._connect()
        try:
            answer = await connection.exchange(request)
        except BaseException:  # timed out, cancelled or broken: what comes next on it is unknown
            self._discard(connection)
            raise
        if answer.reusable and connection.open:
            connection.idle_since = asyncio.get_running_loop().time()
            self._idle.append(connection)
        else:
            self._discard(connection)
        return answer

    def _reusable(self) -> _Connection | None:
        now = asyncio.get_running_loop().time()
        found = None
        while self._idle and found is None:
            connection = self._idle.pop()
            if connection.open and now - connection.idle_since < KEEPALIVE_SECONDS:
                found = connection
            else:
                self._discard(connection)
        if not self._idle:
            self._open_spare()
        return found

    def _open_spare(self) -> None:
        """Open a connection before a send needs it, unless one is being opened already.

        The message of a send has its slot by then: a connection opened on the way delays it (the
        handshakes, and whatever the event loop runs meanwhile) until it arrives bunched with the
        next ones, which is what the platform counts as a flood.
        """
        if self._spare is None and self._entered:
            self._spare = asyncio.get_running_loop().create_task(self._spare_connection())

    async def _spare_connection(self) -> None:
        try:
            connection = await self._connect()
        except OSError:
            return  # the send that needs one connects itself, and reports what fails
        finally:
            self._spare = None
        connection.idle_since = asyncio.get_running_loop().time()
        self._idle.append(connection)

    async def _resolve(self) -> tuple[int, Any]:
        """The server's address family and socket address, looked up again after RESOLVE_SECONDS.

        A connection opens after its message took a send slot, so whatever it waits for delays the
        message: a name lookup on each new connection (through the event loop's thread pool, which
        the first one starts) made the first messages of a push arrive bunched with the next ones.
        """
        loop = asyncio.get_running_loop()
        if self._address is None or loop.time() - self._resolved_at > RESOLVE_SECONDS:
            family, _, _, _, address = (
                await loop.getaddrinfo(self._host, self._port, type=socket.SOCK_STREAM)
            )[0]
            self._address, self._resolved_at = (family, address), loop.time()
        return self._address

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        family, address = await self._resolve()
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setblocking(False)
            await loop.sock_connect(sock, address)
            _, connection = await loop.create_connection(
                _Connection, sock=sock, ssl=self._tls, server_hostname=self._host if self._tls else None
            )
        except BaseException:
            sock.close()
            raise
        self._connections.add(connection)
        return connection

    def _discard(self, connection: _Connection) -> None:
        connection.close()
        self._connections.discard(connection)


class _Answer(NamedTuple):
    status: int
    body: bytes
    reusable: bool  # keep-alive, and nothing followed the answer on the connection


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection: one request at a time, its answer parsed as the bytes arrive."""

    def __init__(self) -> None:
        self._transport: asyncio.WriteTransport | None = None
        self._received = bytearray()
        self._answer: asyncio.Future[_Answer] | None = None
        self.open = False
        self.idle_since = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.WriteTransport, transport)  # a stream's (uvloop's are not subclasses)
        self.open = True

    async def exchange(self, request: bytes) -> _Answer:
        if self._transport is None or not self.open:
            raise ConnectionResetError("the connection is closed")
        self._received.clear()
        self._answer = asyncio.get_running_loop().create_future()
        self._transport.write(request)
        try:
            return await self._answer
        finally:
            self._answer = None

    def data_received(self, data: bytes) -> None:
        self._received += data
        if self._answer is None:  # bytes nobody asked for: the connection is out of step
            self.close()
            return
        self._settle(closed=False)

    def eof_received(self) -> bool:
        self._settle(closed=True)
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        self._settle(closed=True, error=exc)

    def _settle(self, *, closed: bool, error: Exception | None = None) -> None:
        """Complete the pending answer once its bytes are all here (or the connection ended)."""
        if self._answer is None or self._answer.done():
            return
        try:
            answer = _parse(self._received, closed=closed)
        except HttpError as err:
            self._answer.set_exception(err)
            self.close()
            return
        if answer is not None:
            self._answer.set_result(answer)
        elif closed:
            self._answer.set_exception(error or ConnectionResetError("the server closed the connection"))

    def close(self) -> None:
        self.open = False
        if self._transport is not None:
            self._transport.close()


def _parse(data: bytearray, *, closed: bool) -> _Answer | None:
    """The answer in `data` once it is complete (None until then): status line, headers, and a body
    framed by Content-Length, chunks, or (with neither) the end of the connection."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    status_line, *header_lines = bytes(data[:end]).decode("latin-1").split("\r\n")
    version, _, rest = status_line.partition(" ")
    if not version.startswith("HTTP/1.") or not rest[:3].isdigit():
        raise HttpError(f"not an HTTP/1.x status line: {status_line[:80]!r}")
    headers: dict[str, str] = {}
    for line in header_lines:
        name, colon, value = line.partition(":")
        if not colon:
            raise HttpError(f"malformed header line: {line[:80]!r}")
        headers[name.strip().lower()] = value.strip()
    keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    start = end + 4
    if "chunked" in headers.get("transfer-encoding", "").lower():
        framed = _dechunked(data, start)
    elif "content-length" in headers:
        stop = start + _number(headers["content-length"], 10)
        framed = (bytes(data[start:stop]), stop) if len(data) >= stop else None
    elif closed:
        framed, keep_alive = (bytes(data[start:]), len(data)), False
    else:
        framed = None
    if framed is None:
        return None
    body, used = framed
    return _Answer(int(rest[:3]), body, keep_alive and used == len(data))


def _dechunked(data: bytearray, position: int) -> tuple[bytes, int] | None:
    """A chunked body from `position` and where it ends, or None while chunks are missing."""
    body = bytearray()
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            return None
        size = _number(bytes(data[position:line_end]).split(b";")[0].decode("latin-1"), 16)
        position = line_end + 2
        if size == 0:  # then optional trailer lines, and an empty line
            trailer_end = data.find(b"\r\n\r\n", position - 2)
            return (bytes(body), trailer_end + 4) if trailer_end >= 0 else None
        if len(data) < position + size + 2:
            return None
        body += data[position : position + size]
        position += size + 2


def _number(text: str, base: int) -> int:
    """A length in a header or a chunk line."""
    try:
        number = int(text.strip(), base)
    except ValueError:
        number = -1
    if number < 0:
        raise HttpError(f"not a length: {text[:20]!r}")
    return number


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _result(status: int, body: bytes) -> int:
    """The message id of a successful answer; otherwise the failure, classified.

    A success is read from its first bytes: the rest is the whole Message echoed back (kilobytes
    of text and entities that a push has no use for), and decoding it cost more than the send.
    """
    sent = _SENT.match(body)
    if sent is not None:
        return int(sent[1])
    try:
        answer = json.loads(body)
    except ValueError:
        raise TransientFailure(f"HTTP {status}: not JSON") from None
    if answer.get("ok"):
        return int(answer["result"]["message_id"])
    description = str(answer.get("description", f"HTTP {status}"))
    parameters = answer.get("parameters") or {}
    if "migrate_to_chat_id" in parameters:
        raise DestinationMoved(description, str(parameters["migrate_to_chat_id"]))
    if status == 429:
        raise RateLimited(description, float(parameters.get("retry_after", 1)))
    if status == 403:
        raise DestinationGone(description)
    if status == 400:
        if any(marker in description.lower() for marker in GONE):
            raise DestinationGone(description)
        raise MessageRejected(description)
    raise TransientFailure(description)  # 5xx, and anything else worth another try later
