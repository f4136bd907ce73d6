"""The text the digest writer summarises: a paper's full text from arXiv, else its abstract.

A summary written from the full text can say what the abstract leaves out (the method's details, the
numbers), so the writer asks for arXiv's HTML rendering (`/html/ID`, clean structured text), else the PDF
(`/pdf/ID`, through pypdf), else it uses the abstract. Whatever it gets is cut to the model's budget.

Expected trouble never raises to the caller: a paper without HTML, a broken or huge PDF, arXiv failing
or rate limiting past the retries all end in the abstract, with the reason in `SourceText.reason` and in
one log line. arXiv's etiquette (FACTS.md §4c) is kept here: a descriptive User-Agent with a contact,
one request at a time and a pause between them across the whole process (bot.writer.polite), Retry-After
honoured, and every text (and every "there is none") cached on disk (bot.writer.text_cache).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Literal, Self
from urllib.parse import urlsplit

import httpx

from bot import __version__
from bot.models import canonical_arxiv_id
from bot.retry_after import retry_after_seconds
from bot.writer.cut import cut_text
from bot.writer.html_text import html_to_text
from bot.writer.pdf_text import PdfTextError, pdf_to_text
from bot.writer.polite import PoliteGate
from bot.writer.text_cache import CachedMiss, CachedText, TextCache, TextKind

log = logging.getLogger(__name__)

SourceKind = Literal["html", "pdf", "abstract"]
Mode = Literal["abstract", "fulltext"]

# No wait, asked for by Retry-After or computed by backoff, is longer than this.
MAX_DELAY = 300.0
# Fewer characters than this from an HTML page means it held no paper (an error or placeholder page).
MIN_TEXT_CHARS = 500
# arXiv redirects at most once (to a versioned URL); more is a loop.
MAX_REDIRECTS = 3


@dataclass(frozen=True)
class SourceText:
    """What the writer feeds the model: the text, where it came from, its length before the cut.

    `reason` says what was tried before this kind and why it failed (`html: not on arXiv (HTTP 404)`);
    it is empty when the first choice worked, or when the abstract was asked for.
    """

    text: str
    kind: SourceKind
    chars: int
    cut: bool
    reason: str = ""


class _Retryable(Exception):
    """A failure another try may get past; `delay` is the wait the server asked for, if it did."""

    def __init__(self, what: str, delay: float | None = None) -> None:
        super().__init__(what)
        self.delay = delay


class _Redirect(Exception):
    """The answer is elsewhere: `location`, an absolute URL."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class _Unavailable(Exception):
    """Nothing usable of this kind; `lasting` when arXiv's answer will not change soon (cache it).

    `level` is how loudly to log it: INFO when there simply is none, WARNING when something failed.
    """

    def __init__(self, what: str, *, lasting: bool, level: int = logging.WARNING) -> None:
        super().__init__(what)
        self.lasting = lasting
        self.level = level


class FullTextFetcher:
    """Fetches papers' texts from arXiv politely, caching them in `cache_dir`.

    Use it as an async context manager; it owns its httpx client. `contact` (a URL or `mailto:` address)
    goes into the User-Agent so arXiv can reach whoever runs the bot instead of blocking it. Requests to
    the host take turns process-wide, starting at least `min_interval` seconds apart (`clock` and
    `sleep` are injectable so tests need not wait). Timeouts, connection errors, 5xx and 429 are tried
    `max_attempts` times in all, waiting Retry-After when sent, else backing off exponentially; 404 means
    there is none. Bodies over `max_html_bytes` / `max_pdf_bytes` count as unavailable.
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        contact: str,
        base_url: str = "https://arxiv.org",
        min_interval: float = 3.0,
        max_attempts: int = 3,
        backoff: float = 5.0,
        timeout: float = 30.0,
        deadline: float = 120.0,
        max_html_bytes: int = 10_000_000,
        max_pdf_bytes: int = 20_000_000,
        max_pdf_pages: int = 300,
        miss_ttl: timedelta = timedelta(days=7),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not contact.strip():
            raise ValueError("contact must say how to reach whoever runs the bot (a URL or mailto:)")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {max_attempts}")
        self._base_url = base_url.rstrip("/")
        self._host = urlsplit(self._base_url).netloc
        self._min_interval = min_interval
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._deadline = deadline
        self._limits: dict[TextKind, int] = {"html": max_html_bytes, "pdf": max_pdf_bytes}
        self._max_pdf_pages = max_pdf_pages
        self._clock = clock
        self._sleep = sleep
        self._cache = TextCache(cache_dir, miss_ttl=miss_ttl)
        self.user_agent = f"Paperboy/{__version__} (daily-papers digest bot; +{contact.strip()})"
        self._client = httpx.AsyncClient(
            headers={"User-Agent": self.user_agent},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def source_text(
        self, arxiv_id: str, abstract: str | None, *, mode: Mode, max_chars: int
    ) -> SourceText:
        """The text to summarise `arxiv_id` from, at most `max_chars` characters.

        "abstract" mode returns the abstract. "fulltext" tries the HTML rendering, then the PDF, then the
        abstract. A versioned id (`2502.15007v2`) is fetched as the paper (the latest version).
        """
        if max_chars < 1:
            raise ValueError(f"max_chars must be at least 1, not {max_chars}")
        if mode == "abstract":
            return _abstract(abstract, max_chars, reason="")
        paper = canonical_arxiv_id(arxiv_id)
        if paper is None:
            return _abstract(abstract, max_chars, reason=f"{arxiv_id!r} is not an arXiv id")
        reasons: list[str] = []
        news = logging.NOTSET  # the log level of what was learned now (cached misses were logged before)
        for kind in ("html", "pdf"):
            found = await asyncio.to_thread(self._cache.get, kind, paper)
            if found is None:
                found, level = await self._fetch(kind, paper)
                news = max(news, level)
            if isinstance(found, CachedText):
                text = cut_text(found.text, max_chars)
                tried = "; ".join(reasons)
                if news:
                    log.log(news, "arXiv %s: %s; using the %s", paper, tried, kind.upper())
                return SourceText(text, kind, len(found.text), len(text) < len(found.text), tried)
            reasons.append(f"{kind}: {found.reason}")
        reason = "; ".join(reasons)
        log.log(news or logging.DEBUG, "arXiv %s: no full text (%s); using the abstract", paper, reason)
        return _abstract(abstract, max_chars, reason=reason)

    async def _fetch(self, kind: TextKind, paper: str) -> tuple[CachedText | CachedMiss, int]:
        """Download and extract one kind of text, caching the text or a lasting miss.

        The level is how loudly a miss deserves logging: INFO for "there is none", WARNING for a failure
        (a broken PDF, arXiv failing past the retries); NOTSET for a text.
        """
        url = f"{self._base_url}/{kind}/{paper}"
        try:
            body, charset = await self._download(url, self._limits[kind])
            text = await asyncio.to_thread(self._extract, kind, body, charset)
        except _Unavailable as missing:
            if missing.lasting:
                await asyncio.to_thread(self._cache.put_miss, kind, paper, str(missing))
            return CachedMiss(str(missing)), missing.level
        await asyncio.to_thread(self._cache.put_text, kind, paper, text)
        return CachedText(text), logging.NOTSET

    def _extract(self, kind: TextKind, body: bytes, charset: str | None) -> str:
        """The text of a downloaded body (runs in a thread: parsing is CPU-bound)."""
        if kind == "pdf":
            try:
                return pdf_to_text(body, max_pages=self._max_pdf_pages)
            except PdfTextError as err:
                raise _Unavailable(str(err), lasting=True) from None
        text = html_to_text(_decode(body, charset))
        if len(text) < MIN_TEXT_CHARS:
            raise _Unavailable(
                f"the HTML page holds no paper ({len(text)} characters of text)",
                lasting=True,
                level=logging.INFO,
            )
        return text

    async def _download(self, url: str, limit: int) -> tuple[bytes, str | None]:
        """GET `url` taking turns with every other request to the host; retry what may pass.

        Redirects are followed here rather than by httpx, so each hop waits its turn like any request.
        """
        gate = PoliteGate.shared(self._host, self._min_interval, clock=self._clock, sleep=self._sleep)
        attempt = redirects = 0
        while True:
            async with gate.turn():
                try:
                    return await self._attempt(url, limit)
                except _Redirect as hop:
                    redirects += 1
                    if redirects > MAX_REDIRECTS:
                        raise _Unavailable(f"more than {MAX_REDIRECTS} redirects", lasting=False) from None
                    url = hop.location
                    continue
                except _Retryable as failure:
                    attempt += 1
                    delay = self._backoff_delay(attempt) if failure.delay is None else failure.delay
                    # Every request to the host waits, not only this paper's next try.
                    gate.hold_off(min(delay, MAX_DELAY))
                    if attempt == self._max_attempts:
                        raise _Unavailable(
                            f"gave up after {attempt} attempts; the last one failed with {failure}",
                            lasting=False,
                        ) from None

    async def _attempt(self, url: str, limit: int) -> tuple[bytes, str | None]:
        """One request: the body if usable, _Retryable if worth retrying, else _Unavailable."""
        try:
            async with asyncio.timeout(self._deadline), self._client.stream("GET", url) as response:
                _check_status(response)
                if response.is_redirect:
                    raise _Redirect(str(response.url.join(response.headers["Location"])))
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise _Unavailable(_too_large(limit, int(declared)), lasting=True)
                chunks: list[bytes] = []
                received = 0
                async for chunk in response.aiter_bytes():
                    received += len(chunk)
                    if received > limit:
                        raise _Unavailable(_too_large(limit), lasting=True)
                    chunks.append(chunk)
                return b"".join(chunks), response.charset_encoding
        except TimeoutError:
            raise _Retryable(f"no complete answer within {self._deadline:g}s") from None
        except httpx.TimeoutException as err:
            raise _Retryable(f"a timeout ({type(err).__name__})") from None
        except httpx.TransportError as err:
            raise _Retryable(f"a connection error ({type(err).__name__}: {err})") from None
        except httpx.HTTPError as err:  # a body whose Content-Encoding does not decode
            raise _Unavailable(f"{type(err).__name__}: {err}", lasting=False) from None

    def _backoff_delay(self, attempt: int) -> float:
        """Exponential backoff with jitter, never shorter than the pause between requests."""
        delay = self._backoff * 2.0 ** (attempt - 1) + random.uniform(0, self._backoff)
        return max(delay, self._min_interval)


def _check_status(response: httpx.Response) -> None:
    """Raise what the status means; return for a success."""
    status = response.status_code
    if status in (404, 410):
        raise _Unavailable(f"not on arXiv (HTTP {status})", lasting=True, level=logging.INFO)
    if status == 429:
        raise _Retryable("HTTP 429 (rate limited)", _retry_after(response))
    if status >= 500:
        raise _Retryable(f"HTTP {status}", _retry_after(response))
    if status == 403:
        raise _Unavailable("HTTP 403 (arXiv refuses clients without a descriptive User-Agent)", lasting=False)
    if not response.is_success and not response.is_redirect:
        raise _Unavailable(f"HTTP {status}", lasting=False)


def _retry_after(response: httpx.Response) -> float | None:
    return retry_after_seconds(response.headers.get("Retry-After"))


def _too_large(limit: int, declared: int | None = None) -> str:
    if declared is None:
        return f"too large (more than the limit of {limit:,} bytes)"
    return f"too large ({declared:,} bytes; the limit is {limit:,})"


def _decode(body: bytes, charset: str | None) -> str:
    """The page's text in its declared charset; UTF-8 (arXiv's) when none is declared or it is unknown."""
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _abstract(abstract: str | None, max_chars: int, *, reason: str) -> SourceText:
    """The abstract as source text, its hard line breaks joined (HF keeps arXiv's)."""
    whole = " ".join((abstract or "").split())
    text = cut_text(whole, max_chars)
    return SourceText(text, "abstract", len(whole), len(text) < len(whole), reason)
