"""The push's HTTP client over real loopback HTTP: the fake Bot API for Telegram's answers, and a raw
HTTP server for what the fake never sends (chunked bodies, closed connections, silence).

Every scenario runs on both event loops the bot may use: asyncio's and uvloop's (the bot's own).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvloop

from bot.errors import DestinationGone, DestinationMoved, MessageRejected, RateLimited, TransientFailure
from handlers.telegram_adapter.push_client import PushClient, PushMessage
from handlers.telegram_adapter.render import TelegramMessage
from tests.fakes.telegram_api import FakeTelegram

USER, GROUP, FORUM = 5001, -100800, -100900
TEXT = PushMessage.of(TelegramMessage("sendMessage", {"text": "<b>Daily</b> Papers", "parse_mode": "HTML"}))

Runner = Callable[[Coroutine[Any, Any, None]], None]
RUNNERS: dict[str, Runner] = {"asyncio": asyncio.run, "uvloop": uvloop.run}
on_both_loops = pytest.mark.parametrize("run", RUNNERS.values(), ids=RUNNERS.keys())


@asynccontextmanager
async def telegram() -> AsyncIterator[tuple[FakeTelegram, PushClient]]:
    async with FakeTelegram(rate_limits=False) as fake:
        fake.add_chat(USER)
        fake.add_chat(GROUP, "supergroup", title="Readers")
        fake.add_chat(FORUM, "supergroup", title="Lab", is_forum=True)
        async with PushClient(fake.api_url, fake.token, connections=4) as client:
            yield fake, client


@on_both_loops
def test_messages_go_out_with_their_ids(run: Runner) -> None:
    async def scenario() -> None:
        async with telegram() as (fake, client):
            ids = await asyncio.gather(*(client.send(str(USER), None, TEXT) for _ in range(10)))
            assert sorted(ids) == list(range(1, 11))
            assert await client.send(str(FORUM), 7, TEXT) == 1
            assert [m.text for m in fake.sent] == ["Daily Papers"] * 11
            assert fake.sent[-1].message_thread_id == 7

    run(scenario())


@on_both_loops
def test_extra_parameters_are_sent_with_every_message(run: Runner) -> None:
    async def scenario() -> None:
        async with telegram() as (fake, client):
            paid = PushMessage.of(TelegramMessage("sendMessage", {"text": "hi"}), allow_paid_broadcast=True)
            await client.send(str(USER), None, paid)
            assert fake.requests[-1].params == {"chat_id": USER, "text": "hi", "allow_paid_broadcast": True}

    run(scenario())


@on_both_loops
def test_failures_are_classified_as_telegram_means_them(run: Runner) -> None:
    async def scenario() -> None:
        async with telegram() as (fake, client):
            fake.fail_next(
                "sendMessage", 429, "Too Many Requests: retry after 7", parameters={"retry_after": 7}
            )
            with pytest.raises(RateLimited) as limited:
                await client.send(str(USER), None, TEXT)
            assert limited.value.retry_after == 7.0
            fake.fail_next("sendMessage", 502, "Bad Gateway")
            with pytest.raises(TransientFailure, match="Bad Gateway"):
                await client.send(str(USER), None, TEXT)
            fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag")
            with pytest.raises(MessageRejected):
                await client.send(str(USER), None, TEXT)
            with pytest.raises(DestinationGone, match="chat not found"):
                await client.send("-4242", None, TEXT)
            with pytest.raises(DestinationGone, match="message thread not found"):
                await client.send(str(GROUP), 3, TEXT)  # not a forum
            fake.block(USER)
            with pytest.raises(DestinationGone, match="blocked"):
                await client.send(str(USER), None, TEXT)
            fake.add_chat(-777, "group", title="Old")
            fake.migrate(-777, -100777)
            with pytest.raises(DestinationMoved) as moved:
                await client.send("-777", None, TEXT)
            assert moved.value.new_chat_id == "-100777"
            assert len(fake.sent) == 0

    run(scenario())


@on_both_loops
def test_a_refused_photo_goes_as_its_text_fallback(run: Runner) -> None:
    async def scenario() -> None:
        async with telegram() as (fake, client):
            photo = "https://cdn.example/broken.png"
            fake.fail_photo(photo)
            card = TelegramMessage(
                "sendPhoto",
                {"photo": photo, "caption": "A card"},
                fallback=TelegramMessage("sendMessage", {"text": "A card, as text"}),
            )
            assert await client.send(str(USER), None, PushMessage.of(card)) == 1
            assert [(m.method, m.text) for m in fake.sent] == [("sendMessage", "A card, as text")]
            fake.fail_next("sendPhoto", 400, "Bad Request: can't parse entities: unsupported start tag")
            with pytest.raises(MessageRejected):  # any other refusal is the card's own fault
                await client.send(str(USER), None, PushMessage.of(card))

    run(scenario())


# -- what the fake never does: a raw HTTP server that answers as scripted -------------------------


class RawServer:
    """Answers each request (read whole, by Content-Length) with the next scripted bytes, and closes
    the connection after an HTTP/1.0 or `Connection: close` answer; an answer of None leaves the
    request unanswered, b"" closes the connection without a word."""

    def __init__(self, *answers: bytes | None) -> None:
        self.answers = list(answers)
        self.carried: list[int] = []  # requests per connection (the client opens spare ones)
        self.requests: list[bytes] = []
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot"

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.carried.append(0)
        mine = len(self.carried) - 1
        self._writers.append(writer)
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                self.requests.append(head + await reader.readexactly(length))
                self.carried[mine] += 1
                answer = self.answers.pop(0)
                if answer is None:
                    await asyncio.sleep(3600)
                if not answer:
                    break
                writer.write(answer)
                await writer.drain()
                if answer.startswith(b"HTTP/1.0") or b"Connection: close" in answer:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def ok(message_id: int, *headers: str) -> bytes:
    body = b'{"ok":true,"result":{"message_id":%d,"date":0,"text":"hi"}}' % message_id
    lines = ["HTTP/1.1 200 OK", "Content-Type: application/json", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@on_both_loops
def test_one_connection_carries_request_after_request(run: Runner) -> None:
    async def scenario() -> None:
        server = RawServer(ok(1), ok(2), ok(3))
        async with server as url, PushClient(url, "T") as client:
            assert [await client.send("1", None, TEXT) for _ in range(3)] == [1, 2, 3]
        assert [n for n in server.carried if n] == [3]
        assert server.requests[0].startswith(b"POST /botT/sendMessage HTTP/1.1\r\nHost: 127.0.0.1:")
        assert server.requests[0].endswith(
            b'{"chat_id":"1","text":"<b>Daily</b> Papers","parse_mode":"HTML"}'
        )

    run(scenario())


@on_both_loops
def test_chunked_and_close_delimited_answers_are_read(run: Runner) -> None:
    async def scenario() -> None:
        body = b'{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}'
        chunked = (
            b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"%x;ext=1\r\n%s\r\n" % (10, body[:10])
            + b"%x\r\n%s\r\n0\r\nX-Trailer: 1\r\n\r\n" % (len(body) - 10, body[10:])
        )
        until_close = b"HTTP/1.0 200 OK\r\n\r\n" + b'{"result": {"message_id": 9}, "ok": true}'
        server = RawServer(chunked, until_close, ok(3, "Connection: close"), ok(4))
        async with server as url, PushClient(url, "T") as client:
            with pytest.raises(DestinationGone, match="chat not found"):
                await client.send("1", None, TEXT)
            assert await client.send("1", None, TEXT) == 9  # not in Telegram's order: decoded whole
            assert await client.send("1", None, TEXT) == 3
            assert await client.send("1", None, TEXT) == 4
        assert sorted(n for n in server.carried if n) == [1, 1, 2]  # kept after the chunked answer only

    run(scenario())


@on_both_loops
def test_broken_answers_are_transient_failures(run: Runner) -> None:
    async def scenario() -> None:
        server = RawServer(
            b"",
            b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\nConnection: close\r\n\r\n{}",
            b"NOT HTTP\r\n\r\n",
            ok(5),
        )
        async with server as url, PushClient(url, "T") as client:
            with pytest.raises(TransientFailure, match="ConnectionResetError"):
                await client.send("1", None, TEXT)  # closed without an answer
            with pytest.raises(TransientFailure, match="ConnectionResetError"):
                await client.send("1", None, TEXT)  # closed mid-answer
            with pytest.raises(TransientFailure, match="HttpError"):
                await client.send("1", None, TEXT)
            assert await client.send("1", None, TEXT) == 5
        assert [n for n in server.carried if n] == [1, 1, 1, 1]

    run(scenario())


@on_both_loops
def test_a_silent_server_times_out_and_its_connection_is_dropped(run: Runner) -> None:
    async def scenario() -> None:
        server = RawServer(None, ok(6))
        async with server as url, PushClient(url, "T", timeout=0.2) as client:
            with pytest.raises(TransientFailure, match="TimeoutError"):
                await client.send("1", None, TEXT)
            assert await client.send("1", None, TEXT) == 6  # on a new connection: the old one is out of step
        assert [n for n in server.carried if n] == [1, 1]

    run(scenario())


@on_both_loops
def test_nobody_listening_is_a_transient_failure(run: Runner) -> None:
    async def scenario() -> None:
        server = RawServer()
        async with server as url:
            pass  # the port is free again
        async with PushClient(url, "T") as client:
            with pytest.raises(TransientFailure, match="ConnectionRefusedError"):
                await client.send("1", None, TEXT)

    run(scenario())


@on_both_loops
def test_a_connection_is_open_before_a_send_needs_it(run: Runner) -> None:
    """A send takes its slot first; opening a connection after that would make its message late."""

    async def scenario() -> None:
        server = RawServer(ok(1))
        async with server as url, PushClient(url, "T") as client:
            await asyncio.sleep(0.1)
            assert server.carried == [0]
            assert await client.send("1", None, TEXT) == 1
            await asyncio.sleep(0.1)
            assert server.carried == [1, 0]  # the spare was used, and the next one is open

    run(scenario())
