"""HFDailyPapersClient against a real loopback server: days, pages, ranges, retries and refusals."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.errors import SourceError, SourceUnreachable
from bot.sources.hf_api import MAX_DELAY, HFDailyPapersClient
from tests.fakes.hf_api import FakeHFServer, Fault

SAMPLE = Path(__file__).parent.parent / "fixtures" / "hf" / "daily_papers_2025-02-24.json"
DAY = date(2025, 2, 24)


class RecordingSleep:
    """A stand-in for asyncio.sleep that returns at once and remembers what it was asked to wait."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def items(count: int) -> list[Any]:
    """`count` minimal API items with distinct ids."""
    return [{"paper": {"id": f"2502.{n:05d}", "title": f"Paper {n}"}} for n in range(1, count + 1)]


@pytest.fixture
async def server() -> AsyncIterator[FakeHFServer]:
    async with FakeHFServer() as fake:
        yield fake


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
async def client(server: FakeHFServer, sleep: RecordingSleep) -> AsyncIterator[HFDailyPapersClient]:
    async with HFDailyPapersClient(server.base_url, timeout=0.5, sleep=sleep) as hf:
        yield hf


async def test_fetch_day_reads_the_sample(server: FakeHFServer, client: HFDailyPapersClient) -> None:
    server.set_day(DAY, json.loads(SAMPLE.read_text(encoding="utf-8")))

    day = await client.fetch_day(DAY)

    assert day.day == DAY
    assert day.source == f"{server.base_url}/api/daily_papers?date=2025-02-24"
    assert [p.votes for p in day.papers] == [95, 73, 36]
    assert [r.query for r in server.api_requests()] == [{"date": "2025-02-24", "limit": "100", "p": "0"}]


@pytest.mark.parametrize(("count", "pages"), [(5, ["0", "1", "2"]), (4, ["0", "1", "2"]), (1, ["0"])])
async def test_fetch_day_follows_pages_until_a_short_one(
    server: FakeHFServer, sleep: RecordingSleep, count: int, pages: list[str]
) -> None:
    server.set_day(DAY, items(count))

    async with HFDailyPapersClient(server.base_url, page_size=2, sleep=sleep) as hf:
        day = await hf.fetch_day(DAY)

    assert len(day.papers) == count
    assert [r.query["p"] for r in server.api_requests()] == pages


async def test_fetch_day_stops_when_the_api_ignores_pages(
    server: FakeHFServer, sleep: RecordingSleep
) -> None:
    server.honour_pages = False
    server.set_day(DAY, items(4))

    async with HFDailyPapersClient(server.base_url, page_size=2, sleep=sleep) as hf:
        day = await hf.fetch_day(DAY)

    assert len(day.papers) == 4
    assert len(server.api_requests()) == 2


async def test_429_waits_for_retry_after(
    server: FakeHFServer, client: HFDailyPapersClient, sleep: RecordingSleep
) -> None:
    server.set_day(DAY, items(1))
    server.fail_next(2, Fault(status=429, retry_after="7"))

    day = await client.fetch_day(DAY)

    assert len(day.papers) == 1
    assert sleep.delays == [7.0, 7.0]


async def test_429_retry_after_is_capped(
    server: FakeHFServer, client: HFDailyPapersClient, sleep: RecordingSleep
) -> None:
    server.fail_next(1, Fault(status=429, retry_after="86400"))

    await client.fetch_day(DAY)

    assert sleep.delays == [MAX_DELAY]


@pytest.mark.parametrize("retry_after", [None, "Wed, 21 Oct 2025 07:28:00 GMT"])
async def test_429_without_usable_retry_after_backs_off(
    server: FakeHFServer, client: HFDailyPapersClient, sleep: RecordingSleep, retry_after: str | None
) -> None:
    server.fail_next(1, Fault(status=429, retry_after=retry_after))

    await client.fetch_day(DAY)

    assert len(sleep.delays) == 1
    assert 1.0 <= sleep.delays[0] <= 2.0


async def test_5xx_is_retried_with_growing_backoff(
    server: FakeHFServer, client: HFDailyPapersClient, sleep: RecordingSleep
) -> None:
    server.set_day(DAY, items(3))
    server.fail_next(1, Fault(status=500))
    server.fail_next(1, Fault(status=503, raw="<html>Service Unavailable</html>"))

    day = await client.fetch_day(DAY)

    assert len(day.papers) == 3
    assert len(server.api_requests()) == 3
    first, second = sleep.delays
    assert 1.0 <= first <= 2.0
    assert 2.0 <= second <= 3.0


async def test_retries_exhausted_is_a_source_error(server: FakeHFServer, sleep: RecordingSleep) -> None:
    server.fail_next(3, Fault(status=503, error="upstream busy"))

    async with HFDailyPapersClient(server.base_url, max_retries=2, sleep=sleep) as hf:
        with pytest.raises(
            SourceError, match=r"2025-02-24: gave up after 3 attempts.*HTTP 503.*upstream busy"
        ):
            await hf.fetch_day(DAY)

    assert len(server.api_requests()) == 3
    assert len(sleep.delays) == 2


async def test_timeout_is_retried(server: FakeHFServer, sleep: RecordingSleep) -> None:
    server.set_day(DAY, items(1))
    server.fail_next(1, Fault(status=None, delay=5.0))

    async with HFDailyPapersClient(server.base_url, timeout=0.2, sleep=sleep) as hf:
        day = await hf.fetch_day(DAY)

    assert len(day.papers) == 1
    assert len(server.api_requests()) == 2
    assert len(sleep.delays) == 1


async def test_connection_refused_fails_at_once(sleep: RecordingSleep) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async with HFDailyPapersClient(f"http://127.0.0.1:{port}", max_retries=4, sleep=sleep) as hf:
        with pytest.raises(SourceUnreachable, match=rf"cannot reach Hugging Face at http://127.0.0.1:{port}"):
            await hf.fetch_day(DAY)

    assert sleep.delays == []  # no backoff: a refused port is not going to open in a few seconds


@pytest.mark.parametrize(
    ("failure", "unreachable", "attempts"),
    [
        (httpx.ConnectError("[Errno -3] Temporary failure in name resolution"), True, 1),
        (httpx.ConnectTimeout("timed out"), True, 3),
        (httpx.ReadError("connection reset"), False, 3),
    ],
)
async def test_which_transport_failures_mean_unreachable(
    sleep: RecordingSleep, failure: httpx.TransportError, unreachable: bool, attempts: int
) -> None:
    calls: list[httpx.Request] = []

    def fail(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise failure

    http = httpx.AsyncClient(transport=httpx.MockTransport(fail))
    async with HFDailyPapersClient("https://hf.example", max_retries=2, client=http, sleep=sleep) as hf:
        with pytest.raises(SourceError) as caught:
            await hf.fetch_day(DAY)
    await http.aclose()
    assert isinstance(caught.value, SourceUnreachable) is unreachable
    assert len(calls) == attempts


async def test_400_fails_at_once_with_the_api_error(
    server: FakeHFServer, client: HFDailyPapersClient, sleep: RecordingSleep
) -> None:
    server.fail_next(1, Fault(status=400, error='"date" must be a valid date'))

    with pytest.raises(SourceError) as caught:
        await client.fetch_day(DAY)

    assert str(caught.value) == (
        'Hugging Face rejected the date 2025-02-24 (HTTP 400): "date" must be a valid date'
    )
    assert sleep.delays == []


async def test_the_fake_rejects_a_malformed_date_like_the_api(server: FakeHFServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{server.base_url}/api/daily_papers", params={"date": "2025-13-01"})

    assert response.status_code == 400
    assert "2025-13-01" in response.json()["error"]


async def test_other_4xx_fails_at_once(
    server: FakeHFServer, client: HFDailyPapersClient, sleep: RecordingSleep
) -> None:
    server.fail_next(1, Fault(status=404, error="Not Found"))

    with pytest.raises(SourceError, match="HTTP 404: Not Found"):
        await client.fetch_day(DAY)

    assert sleep.delays == []


async def test_a_body_that_is_not_json_is_a_source_error(
    server: FakeHFServer, client: HFDailyPapersClient
) -> None:
    server.fail_next(1, Fault(status=200, raw="<html>maintenance</html>"))

    with pytest.raises(SourceError, match="not JSON: <html>maintenance</html>"):
        await client.fetch_day(DAY)


async def test_json_that_is_not_a_list_is_a_source_error(
    server: FakeHFServer, client: HFDailyPapersClient
) -> None:
    server.fail_next(1, Fault(status=200, error="surprise"))

    with pytest.raises(SourceError, match="a JSON dict, not a list"):
        await client.fetch_day(DAY)


async def test_a_client_passed_in_stays_open(server: FakeHFServer, sleep: RecordingSleep) -> None:
    async with httpx.AsyncClient() as http:
        async with HFDailyPapersClient(server.base_url, client=http, sleep=sleep) as hf:
            await hf.fetch_day(DAY)

        assert not http.is_closed


@pytest.mark.parametrize("status", [200, 400])
async def test_json_nested_too_deeply_is_a_source_error(
    server: FakeHFServer, client: HFDailyPapersClient, status: int
) -> None:
    server.fail_next(5, Fault(status=status, raw="[" * 100_000 + "]" * 100_000))

    with pytest.raises(SourceError, match=r"not JSON|HTTP 400"):
        await client.fetch_day(DAY)
