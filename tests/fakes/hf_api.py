"""A loopback imitation of the Hugging Face Daily Papers API, for tests that need real HTTP.

Mocking httpx would test our assumptions about it; a real server on 127.0.0.1 exercises the actual
client stack (query encoding, timeouts, headers, redirects). It serves
`GET /api/daily_papers?date=YYYY-MM-DD[&limit=N&p=K]` from per-day item lists set by the test,
answers an invalid date with 400 `{"error": ...}` as the real API does, plays scripted faults
(429 with Retry-After, 5xx, slow answers) on the next requests, records every request, and serves
static files under `/files/<name>` for the loader's URL tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import deque
from dataclasses import dataclass
from datetime import date
from typing import Any

from aiohttp import web

from tests.fakes.loopback import LoopbackServer

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Fault:
    """A scripted misbehaviour for one request: wait `delay` seconds, then answer `status`.

    `status=None` answers normally after the delay (a slow answer); `retry_after` sets that header.
    The body is `{"error": error}` as the real API sends, or `raw` as text/html when given.
    """

    status: int | None = 503
    retry_after: str | None = None
    delay: float = 0.0
    error: str = "scripted fault"
    raw: str | None = None


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received."""

    path: str
    query: dict[str, str]


class FakeHFServer(LoopbackServer):
    """The fake API server; `async with FakeHFServer() as server:` then use `server.base_url`."""

    def __init__(self) -> None:
        super().__init__()
        self.days: dict[str, list[Any]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        self.requests: list[RecordedRequest] = []
        self.honour_pages = True
        self._faults: deque[Fault] = deque()
        self._stopping = asyncio.Event()

    def set_day(self, day: date | str, items: list[Any]) -> None:
        """Serve `items` as the list for `day`; days never set answer an empty list."""
        self.days[str(day)] = items

    def add_file(self, name: str, body: str | bytes, content_type: str) -> str:
        """Serve `body` at `/files/<name>` with `content_type`; returns its full URL."""
        self.files[name] = (body.encode() if isinstance(body, str) else body, content_type)
        return f"{self.base_url}/files/{name}"

    def fail_next(self, count: int, fault: Fault) -> None:
        """Make the next `count` requests misbehave as `fault` says."""
        self._faults.extend([fault] * count)

    def api_requests(self) -> list[RecordedRequest]:
        """The requests made to the daily papers endpoint, in order."""
        return [r for r in self.requests if r.path == "/api/daily_papers"]

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/api/daily_papers", self._daily_papers)
        app.router.add_get("/files/{name}", self._file)

    def on_stop(self) -> None:
        """Release slow answers still waiting."""
        self._stopping.set()

    async def _intercept(self, request: web.Request) -> web.Response | None:
        """Record the request and play the next fault; a response here replaces the normal one."""
        self.requests.append(RecordedRequest(request.path, dict(request.query)))
        if not self._faults:
            return None
        fault = self._faults.popleft()
        if fault.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), fault.delay)
        if fault.status is None:
            return None
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        if fault.raw is not None:
            return web.Response(
                text=fault.raw, status=fault.status, headers=headers, content_type="text/html"
            )
        return web.json_response({"error": fault.error}, status=fault.status, headers=headers)

    async def _daily_papers(self, request: web.Request) -> web.Response:
        faulted = await self._intercept(request)
        if faulted is not None:
            return faulted
        day = request.query.get("date", "")
        if not _DATE.fullmatch(day) or not _valid(day):
            return web.json_response({"error": f'Invalid date "{day}", expected YYYY-MM-DD'}, status=400)
        items = self.days.get(day, [])
        if self.honour_pages:
            limit = int(request.query.get("limit", _DEFAULT_LIMIT))
            page = int(request.query.get("p", 0))
            items = items[page * limit : (page + 1) * limit]
        return web.json_response(items)

    async def _file(self, request: web.Request) -> web.Response:
        faulted = await self._intercept(request)
        if faulted is not None:
            return faulted
        found = self.files.get(request.match_info["name"])
        if found is None:
            return web.json_response({"error": "not found"}, status=404)
        body, content_type = found
        return web.Response(body=body, headers={"Content-Type": content_type})


def _valid(day: str) -> bool:
    """Whether `day` is a real calendar date."""
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True
