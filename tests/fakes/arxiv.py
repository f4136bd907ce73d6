"""A loopback imitation of arxiv.org's paper pages, strict about the etiquette arXiv asks of robots.

It serves what a test registers: `/html/ID` (LaTeXML pages), `/pdf/ID` (real PDF bytes) and `/abs/ID`
(an abstract page), with 404 for anything else, and a versioned id (`2502.15007v2`) is the same paper.
Like a strict server it refuses automated clients that do not say who they are (no User-Agent, a
library's default one such as `python-httpx/0.28`, or one without a contact URL or e-mail: 403), and it
records every request with the number in flight when it arrived and its start time on the test's clock,
so tests can assert "never two at once" and "at least N seconds apart". With `strict_pacing` on, a request
arriving sooner than `min_gap` after the previous one gets 429 with Retry-After, as a rate limiter would.

Faults are scripted per request: a status (503, 429 with Retry-After), a slow answer, a replaced body
(a corrupt PDF), a body cut short honestly (a truncated file) or dishonestly (the connection drops before
the declared length), and an oversized body, with or without a Content-Length.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from aiohttp import web

from tests.fakes.loopback import LoopbackServer

# The products of HTTP libraries' default User-Agents: a UA made only of these says nothing about who runs it.
LIBRARY_PRODUCTS = frozenset(
    {
        "python",
        "python-httpx",
        "python-requests",
        "python-urllib",
        "aiohttp",
        "curl",
        "wget",
        "go-http-client",
        "java",
        "okhttp",
        "libwww-perl",
        "node-fetch",
        "axios",
    }
)
_COMMENT = re.compile(r"\([^)]*\)")
_CONTACT = re.compile(r"https?://|mailto:|[\w.+-]+@[\w-]+\.[\w.]+")
_ID = re.compile(r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fault:
    """A scripted misbehaviour for one request (to a path starting with `path_prefix`, when given).

    `status` answers that status (with `retry_after` as Retry-After, `location` as Location: a redirect)
    instead of the paper; `status=None`
    serves the paper with the body changes below. `delay` waits that many real seconds first (a slow
    answer). `body` replaces the body; `truncate_to` serves only its first N bytes with an honest length;
    `drop_after` declares the full length and closes the connection after N bytes; `pad_to` serves a body
    of that many bytes; `declare_length=False` sends the body chunked, with no Content-Length;
    `content_type` replaces the Content-Type.
    """

    status: int | None = 503
    retry_after: str | None = None
    location: str | None = None
    content_type: str | None = None
    delay: float = 0.0
    body: bytes | None = None
    truncate_to: int | None = None
    drop_after: int | None = None
    pad_to: int | None = None
    declare_length: bool = True
    path_prefix: str | None = None


@dataclass
class RecordedRequest:
    """One request: what was asked, by whom, when (on the fake's clock), and how it was answered."""

    path: str
    kind: str  # html, pdf, abs or other
    paper: str | None  # the version-less id asked for
    user_agent: str
    started: float
    concurrent: int  # requests in flight when this one arrived, itself included
    status: int = 0


@dataclass
class _Paper:
    title: str = ""
    abstract: str = ""
    html: str | None = None
    pdf: bytes | None = None


class FakeArxiv(LoopbackServer):
    """The fake; `async with FakeArxiv() as arxiv:` then point the client at `arxiv.base_url`."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        strict_pacing: bool = False,
        min_gap: float = 3.0,
        require_contact: bool = True,
    ) -> None:
        super().__init__()
        self.requests: list[RecordedRequest] = []
        self.strict_pacing = strict_pacing
        self.min_gap = min_gap
        self.require_contact = require_contact
        self._clock = clock
        self._papers: dict[str, _Paper] = {}
        self._faults: deque[Fault] = deque()
        self._in_flight = 0
        self._last_start: float | None = None
        self._stopping = asyncio.Event()

    # What the test sets up.

    def add_paper(
        self,
        arxiv_id: str,
        *,
        title: str = "",
        abstract: str = "",
        html: str | None = None,
        pdf: bytes | None = None,
    ) -> None:
        """Register a paper: its abs page always, its HTML and PDF when given (else those 404)."""
        self._papers[_canonical(arxiv_id) or arxiv_id] = _Paper(
            title or f"Paper {arxiv_id}", abstract, html, pdf
        )

    def fail_next(self, count: int, fault: Fault) -> None:
        """Make the next `count` requests (matching the fault's path prefix) misbehave as `fault` says."""
        self._faults.extend([fault] * count)

    # What the test checks.

    @property
    def max_concurrent(self) -> int:
        """The most requests ever in flight at once (1 for a client that takes turns)."""
        return max((r.concurrent for r in self.requests), default=0)

    def gaps(self) -> list[float]:
        """Seconds between the starts of consecutive requests, on the fake's clock."""
        starts = [r.started for r in self.requests]
        return [b - a for a, b in itertools.pairwise(starts)]

    def paper_requests(self, kind: str | None = None) -> list[RecordedRequest]:
        """Requests for papers' html/pdf/abs pages (of one kind when given), in order."""
        return [r for r in self.requests if r.kind != "other" and (kind is None or r.kind == kind)]

    # The server.

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/{kind:html|pdf|abs}/{arxiv_id:.+}", self._paper)
        app.router.add_route("*", "/{tail:.*}", self._other)

    def on_stop(self) -> None:
        self._stopping.set()

    async def _paper(self, request: web.Request) -> web.StreamResponse:
        kind = request.match_info["kind"]
        paper = _canonical(request.match_info["arxiv_id"])
        return await self._serve(request, kind, paper)

    async def _other(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "other", None)

    async def _serve(self, request: web.Request, kind: str, paper: str | None) -> web.StreamResponse:
        now = self._clock()
        gap = None if self._last_start is None else now - self._last_start
        self._last_start = now
        self._in_flight += 1
        record = RecordedRequest(
            request.path, kind, paper, request.headers.get("User-Agent", ""), now, self._in_flight
        )
        self.requests.append(record)
        try:
            response = await self._answer(request, kind, paper, gap)
            record.status = response.status
            return response
        finally:
            self._in_flight -= 1

    async def _answer(
        self, request: web.Request, kind: str, paper: str | None, gap: float | None
    ) -> web.StreamResponse:
        refusal = self._refusal(request.headers.get("User-Agent", ""))
        if refusal:
            return await _send(request, 403, refusal.encode(), "text/html")
        if self.strict_pacing and gap is not None and gap < self.min_gap:
            wait = max(1, math.ceil(self.min_gap - gap))
            body = b"<h1>429 Too Many Requests</h1><p>One request at a time, a few seconds apart.</p>"
            return await _send(request, 429, body, "text/html", {"Retry-After": str(wait)})
        fault = self._next_fault(request.path)
        if fault is not None and fault.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), fault.delay)
        if fault is not None and fault.status is not None:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            if fault.location is not None:
                headers["Location"] = fault.location
            body = f"<h1>{fault.status}</h1><p>scripted fault</p>".encode()
            return await _send(request, fault.status, body, "text/html", headers)
        found = self._papers.get(paper) if paper else None
        content = None if found is None else _content(found, kind, paper or "")
        if content is None:
            return await _send(
                request, 404, _not_found(kind, request.match_info.get("arxiv_id", "")), "text/html"
            )
        body, content_type = content
        return await _send(request, 200, body, content_type, fault=fault)

    def _refusal(self, user_agent: str) -> str:
        """Why this User-Agent is refused (an HTML page), or "" when it is acceptable."""
        products = [token.split("/")[0].lower() for token in _COMMENT.sub(" ", user_agent).split()]
        if not user_agent.strip():
            why = "no User-Agent"
        elif all(product in LIBRARY_PRODUCTS for product in products):
            why = f"a library's default User-Agent ({escape(user_agent)})"
        elif self.require_contact and not _CONTACT.search(user_agent):
            why = "a User-Agent without a contact URL or e-mail address"
        else:
            return ""
        return f"<h1>403 Forbidden</h1><p>Automated access with {why}. Identify your client.</p>"

    def _next_fault(self, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.path_prefix is None or path.startswith(fault.path_prefix):
                self._faults.remove(fault)
                return fault
        return None


def _canonical(arxiv_id: str) -> str | None:
    match = _ID.fullmatch(arxiv_id.strip())
    return match.group("id") if match else None


def _content(paper: _Paper, kind: str, arxiv_id: str) -> tuple[bytes, str] | None:
    if kind == "html":
        return None if paper.html is None else (paper.html.encode(), "text/html; charset=utf-8")
    if kind == "pdf":
        return None if paper.pdf is None else (paper.pdf, "application/pdf")
    page = (
        f"<!DOCTYPE html><html><head><title>[{arxiv_id}] {escape(paper.title)}</title></head><body>"
        f'<h1 class="title mathjax">{escape(paper.title)}</h1>'
        f'<blockquote class="abstract mathjax">{escape(paper.abstract)}</blockquote></body></html>'
    )
    return page.encode(), "text/html; charset=utf-8"


def _not_found(kind: str, asked: str) -> bytes:
    if kind == "html":
        return f"<h1>No HTML for '{escape(asked)}'</h1>".encode()
    return f"<h1>Article identifier '{escape(asked)}' not recognized</h1>".encode()


async def _send(
    request: web.Request,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
    *,
    fault: Fault | None = None,
) -> web.StreamResponse:
    """Write the answer inside the handler, so a request counts as in flight until its body is sent."""
    declared = len(body)
    send = body
    chunked = False
    if fault is not None:
        content_type = fault.content_type or content_type
        if fault.body is not None:
            send = declared_body = fault.body
            declared = len(declared_body)
        if fault.truncate_to is not None:
            send = send[: fault.truncate_to]
            declared = len(send)
        if fault.pad_to is not None:
            send = (send + bytes(fault.pad_to))[: fault.pad_to]
            declared = len(send)
        if fault.drop_after is not None:
            send = send[: fault.drop_after]
        chunked = not fault.declare_length
    response = web.StreamResponse(status=status, headers={"Content-Type": content_type, **(headers or {})})
    if chunked:
        response.enable_chunked_encoding()
    else:
        response.content_length = declared
    try:
        await response.prepare(request)
        for start in range(0, len(send), _CHUNK):
            await response.write(send[start : start + _CHUNK])
        if fault is not None and fault.drop_after is not None:
            if request.transport is not None:
                request.transport.close()
            return response
        await response.write_eof()
    except ConnectionError:
        pass  # the client stopped reading (an oversized body): its decision, not an error here
    return response
