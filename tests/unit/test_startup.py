"""Starting a platform whose API cannot be reached: capped backoff with jitter, one reason in a few
words, /healthz saying why and when, and a refusal (not a silence) still fatal at once."""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl

import pytest

from bot.errors import StartupError
from bot.health import Health
from bot.startup import Unreachable, backoff, host_of, network_reason, start_when_reachable


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    highest = [backoff(n, first=1, cap=60, rng=lambda: 1.0) for n in range(10)]
    assert highest == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    lowest = [backoff(n, first=1, cap=60, rng=lambda: 0.0) for n in range(10)]
    assert lowest == [h / 2 for h in highest]
    assert backoff(10_000) <= 60  # no overflow after days of trying


def _wrapped(cause: BaseException) -> Exception:
    """An SDK's error around an OSError, two levels deep, as httpx and PTB raise them."""
    try:
        try:
            raise cause
        except BaseException as err:
            raise OSError("All connection attempts failed") from err
    except OSError as err:
        try:
            raise RuntimeError("httpx.ConnectError: All connection attempts failed") from err
        except RuntimeError as outer:
            return outer


@pytest.mark.parametrize(
    ("cause", "reason"),
    [
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed"), "connection refused"),
        (OSError(errno.ECONNREFUSED, "refused"), "connection refused"),
        (socket.gaierror(-2, "Name or service not known"), "its name does not resolve (DNS)"),
        (TimeoutError(), "no answer in time"),
        (
            ssl.SSLError(1, "[SSL: CERTIFICATE_VERIFY_FAILED]"),
            "TLS failed ([SSL: CERTIFICATE_VERIFY_FAILED])",
        ),
        (ConnectionResetError(errno.ECONNRESET, "reset"), "connection reset"),
    ],
)
def test_the_reason_is_found_down_the_chain(cause: BaseException, reason: str) -> None:
    assert network_reason(_wrapped(cause)) == reason


def test_a_server_gone_mid_request_is_said_plainly() -> None:
    """httpx's and aiohttp's errors for it, found by name (the core imports neither)."""
    for name in ("RemoteProtocolError", "ServerDisconnectedError"):
        cut = type(name, (Exception,), {})("Server disconnected without sending a response.")
        assert network_reason(_wrapped(cut)) == "the connection closed without an answer"


def test_a_reason_without_a_known_cause_is_the_message() -> None:
    assert network_reason(RuntimeError("Bad Gateway")) == "Bad Gateway"


def test_host_of() -> None:
    assert host_of("https://api.telegram.org/bot") == "api.telegram.org"
    assert host_of("http://127.0.0.1:8081/bot") == "127.0.0.1:8081"


async def test_unreachable_is_retried_and_health_says_why_until_it_starts() -> None:
    health, stop = Health(), asyncio.Event()
    tries: list[int] = []
    reasons: list[object] = []

    async def start() -> None:
        tries.append(1)
        if len(tries) <= 3:
            _, details = await health.report()
            reasons.append(details["checks"].get("telegram"))
            raise Unreachable("cannot reach api.telegram.org: connection refused")

    assert await start_when_reachable("telegram", start, stop, health, first=0.01, cap=0.02)
    assert len(tries) == 4
    assert reasons[0] is None  # nothing registered before the first try
    healthy, details = await health.report()
    assert not healthy
    assert str(details["checks"]["telegram"]).startswith(
        "cannot reach api.telegram.org: connection refused; retrying in "
    )  # until the platform registers its own check


async def test_a_refusal_is_fatal_at_once() -> None:
    async def start() -> None:
        raise StartupError("Telegram refused the bot token; check PAPERBOY_TELEGRAM__TOKEN")

    with pytest.raises(StartupError):
        await start_when_reachable("telegram", start, asyncio.Event(), Health())


async def test_stop_ends_the_wait_at_once() -> None:
    stop = asyncio.Event()

    async def start() -> None:
        stop.set()
        raise Unreachable("cannot reach slack.com: its name does not resolve (DNS)")

    started = await asyncio.wait_for(start_when_reachable("slack", start, stop, first=3600, cap=3600), 5)
    assert started is False


async def test_health_check_counts_the_time_left() -> None:
    health = Health()

    async def start() -> None:
        raise Unreachable("cannot reach slack.com: connection refused")

    stop = asyncio.Event()
    task = asyncio.create_task(start_when_reachable("slack", start, stop, health, first=20, cap=20))
    await asyncio.sleep(0.05)
    _, details = await health.report()
    assert details["status"] == "failing"
    left = float(str(details["checks"]["slack"]).rsplit(" in ", 1)[1].removesuffix(" s"))
    assert 9 <= left <= 20
    stop.set()
    assert await task is False
