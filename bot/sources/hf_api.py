"""A client for the Hugging Face Daily Papers API (`GET /api/daily_papers?date=YYYY-MM-DD`).

The API is public but rate-limited (429 past about 500 requests per 5 minutes) and, like any
network service, sometimes slow or failing. Backfills fetch hundreds of days in a row, so transient
failures are retried with backoff and a 429's Retry-After is honoured, while answers that retrying
cannot fix (a rejected date, a body that is not JSON) fail at once with a message a person can act on,
and a host that cannot be reached at all (no DNS answer, connection refused) is SourceUnreachable at once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections.abc import Awaitable, Callable
from datetime import date
from types import TracebackType
from typing import Self

import httpx

from bot.errors import SourceError, SourceUnreachable
from bot.models import DigestDay
from bot.retry_after import retry_after_seconds
from bot.sources.hf_json import parse_hf_daily

# No wait, whether asked for by Retry-After or computed by backoff, is longer than this.
MAX_DELAY = 300.0

_USER_AGENT = "paperboy/0.1"


class _Retryable(Exception):
    """A failure worth another try; `delay` is the wait the server asked for, if it did;
    `unreachable` when no connection was made (a connect timeout)."""

    def __init__(self, what: str, delay: float | None = None, *, unreachable: bool = False) -> None:
        super().__init__(what)
        self.delay = delay
        self.unreachable = unreachable


class HFDailyPapersClient:
    """Fetches Daily Papers days from Hugging Face as DigestDays.

    Use it as an async context manager; it closes the httpx client only if it created it. Timeouts,
    connection errors and 5xx answers are retried `max_retries` times with exponential backoff and
    jitter; 429 waits for Retry-After (capped at MAX_DELAY) when the server sends it. `sleep` is
    injectable so tests need not wait.
    """

    def __init__(
        self,
        base_url: str = "https://huggingface.co",
        *,
        timeout: float = 20.0,
        max_retries: int = 4,
        backoff: float = 1.0,
        page_size: int = 100,
        client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._endpoint = base_url.rstrip("/") + "/api/daily_papers"
        self._timeout = timeout
        self._max_retries = max_retries
        self._backoff = backoff
        self._page_size = page_size
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(headers={"User-Agent": _USER_AGENT})
        self._sleep = sleep

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the httpx client if this object created it; a client passed in is the caller's."""
        if self._owns_client:
            await self._client.aclose()

    async def fetch_day(self, day: date) -> DigestDay:
        """Fetch every paper listed on `day`, following pages (`p`) until a short page.

        An empty list is an empty DigestDay, not an error: weekends and days not yet filled have none.
        Raises SourceError when the API rejects the date, answers garbage or keeps failing.
        """
        items: list[object] = []
        previous: list[object] | None = None
        for page_number in itertools.count():
            page = await self._page(day, page_number)
            if page == previous:  # the API ignored `p`: it would repeat this page forever
                break
            items.extend(page)
            if len(page) < self._page_size:
                break
            previous = page
        source = f"{self._endpoint}?date={day.isoformat()}"
        return parse_hf_daily(items, source=source, day=day)[0]

    async def _page(self, day: date, page_number: int) -> list[object]:
        """One page of one day, as the list the API answered."""
        params = {"date": day.isoformat(), "limit": str(self._page_size), "p": str(page_number)}
        response = await self._get(params)
        try:
            payload: object = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            raise SourceError(
                f"Hugging Face answered {response.url} with something that is not JSON: {_excerpt(response)}"
            ) from None
        if not isinstance(payload, list):
            raise SourceError(
                f"Hugging Face answered {response.url} with a JSON {type(payload).__name__}, not a list"
            )
        return payload

    async def _get(self, params: dict[str, str]) -> httpx.Response:
        """GET the endpoint, retrying what may pass; SourceError once retries run out."""
        attempt = 0
        while True:
            try:
                return await self._attempt(params)
            except _Retryable as failure:
                if attempt == self._max_retries:
                    error = SourceUnreachable if failure.unreachable else SourceError
                    raise error(
                        f"Hugging Face daily papers for {params['date']}: gave up after {attempt + 1} "
                        f"attempts; the last one failed with {failure}"
                    ) from None
                delay = self._backoff_delay(attempt) if failure.delay is None else failure.delay
                await self._sleep(min(delay, MAX_DELAY))
            attempt += 1

    async def _attempt(self, params: dict[str, str]) -> httpx.Response:
        """One request: the response if usable, _Retryable if worth retrying, else SourceError."""
        try:
            response = await self._client.get(self._endpoint, params=params, timeout=self._timeout)
        except httpx.ConnectTimeout as err:
            raise _Retryable(
                f"a timeout after {self._timeout:g}s ({type(err).__name__})", unreachable=True
            ) from None
        except httpx.TimeoutException as err:
            raise _Retryable(f"a timeout after {self._timeout:g}s ({type(err).__name__})") from None
        except httpx.ConnectError as err:  # no DNS answer, refused: retrying in seconds will not help
            raise SourceUnreachable(
                f"cannot reach Hugging Face at {self._endpoint} ({type(err).__name__}: {err})"
            ) from None
        except httpx.TransportError as err:
            raise _Retryable(f"a connection error ({type(err).__name__}: {err})") from None
        status = response.status_code
        if status == 429:
            raise _Retryable("HTTP 429 (rate limited)", _retry_after(response))
        if status >= 500:
            raise _Retryable(f"HTTP {status}: {_excerpt(response)}")
        if status == 400:
            raise SourceError(
                f"Hugging Face rejected the date {params['date']} (HTTP 400): {_api_error(response)}"
            )
        if not response.is_success:
            raise SourceError(
                f"Hugging Face answered {response.url} with HTTP {status}: {_api_error(response)}"
            )
        return response

    def _backoff_delay(self, attempt: int) -> float:
        """Exponential backoff with jitter, so many clients do not retry in lockstep."""
        return self._backoff * 2.0**attempt + random.uniform(0, self._backoff)


def _retry_after(response: httpx.Response) -> float | None:
    return retry_after_seconds(response.headers.get("Retry-After"))


def _api_error(response: httpx.Response) -> str:
    """The API's own error text (`{"error": "..."}`), else the start of the body."""
    try:
        payload = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return _excerpt(response)
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        return str(payload["error"])
    return _excerpt(response)


def _excerpt(response: httpx.Response, limit: int = 200) -> str:
    """The first `limit` characters of a body, for error messages."""
    text = response.text.strip()
    if len(text) > limit:
        return text[:limit] + "…"
    return text or "(empty body)"
