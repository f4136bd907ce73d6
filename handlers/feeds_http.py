"""The Atom feeds on the HTTP server: routes, `?q=`/`?lang=`, and the caching feed readers expect.

Every answer carries a strong ETag (a hash of the document) and Last-Modified (its newest entry);
a reader that sends either back gets 304 with no body while nothing changed (If-None-Match wins
over If-Modified-Since, RFC 9110 §13.2.2). A public feed written in the last minute is answered
as written (a new list shows within FRESH_SECONDS), so a crowd of readers costs one build a minute.
Bad input is one plain-text line in the feed's language.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from aiohttp import web

from bot.atom import CONTENT_TYPE, atom_document
from bot.errors import NotFoundError, StoreUnavailable, UsageError, for_users
from bot.feeds import SEARCH_PATH, SUBSCRIPTION_PATH, TOP_PATH, Feed, feed_language
from bot.i18n import Text, pick_language, t
from bot.service import PaperService

MAX_AGE_SECONDS = 600  # lists change every ingest round (30 minutes by default); votes in between
RETRY_AFTER_SECONDS = 60
FRESH_SECONDS = 60.0  # a public feed written this recently is answered again as written
KEPT = 32  # public feeds kept written (each at most a few hundred kilobytes)
TOKEN = re.compile("[A-Za-z0-9_-]{16,64}")


def feed_routes(
    service: PaperService, public_url: str | None, clock: Callable[[], float] = time.monotonic
) -> list[web.RouteDef]:
    """The three feeds (GET and HEAD); links in them start with `public_url`, else with the
    address the request came to. `clock` (monotonic seconds) ages the public feeds kept written."""
    feeds = _Feeds(service, public_url, clock)
    return [
        web.get(TOP_PATH, feeds.top),
        web.get(SEARCH_PATH, feeds.search),
        web.get(SUBSCRIPTION_PATH, feeds.subscription),
    ]


@dataclass(frozen=True)
class _Document:
    """A written feed and its validators: what an answer (200 or 304) is made of."""

    body: bytes
    etag: str
    modified: datetime
    private: bool


class _Recent:
    """Public feeds written in the last FRESH_SECONDS, by their address: readers polling a popular
    feed (and a flood of requests) cost one build a minute, not one each. At most KEPT of them (a
    search per query); private feeds are never kept, so a renewed token's old link ends at once."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._kept: OrderedDict[str, tuple[float, _Document]] = OrderedDict()

    def get(self, address: str) -> _Document | None:
        kept = self._kept.get(address)
        if kept is None or self._clock() - kept[0] > FRESH_SECONDS:
            return None
        return kept[1]

    def keep(self, address: str, document: _Document) -> None:
        if document.private:
            return
        self._kept.pop(address, None)
        self._kept[address] = (self._clock(), document)
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)


class _Feeds:
    def __init__(self, service: PaperService, public_url: str | None, clock: Callable[[], float]) -> None:
        self._service = service
        self._public_url = public_url.rstrip("/") if public_url else None
        self._recent = _Recent(clock)

    async def top(self, request: web.Request) -> web.Response:
        return await self._answer(request, {}, lambda language: self._service.top_feed(language or "en"))

    async def search(self, request: web.Request) -> web.Response:
        query = " ".join(request.query.get("q", "").split())
        if not query:
            return _refusal(400, t("feed.no_query"), request)
        return await self._answer(
            request, {"q": query}, lambda language: self._service.search_feed(query, language or "en")
        )

    async def subscription(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not TOKEN.fullmatch(token):  # no token looks like that: not worth a query
            return _refusal(404, t("feed.unknown"), request)
        return await self._answer(
            request, {}, lambda language: self._service.subscription_feed(token, language)
        )

    async def _answer(
        self,
        request: web.Request,
        asked: dict[str, str],
        build: Callable[[str | None], Awaitable[Feed]],
    ) -> web.Response:
        """The feed `build` makes in the `?lang=` asked for (None: the feed's own default), or why
        not. Its address (the self link, and the key of recent public feeds) holds only what
        shapes it (`asked`, then lang), in one order: other parameters change nothing."""
        raw = request.query.get("lang")
        try:
            language = feed_language(raw)
        except ValueError:
            return _refusal(400, t("feed.bad_lang", value=raw), request)
        home = self._public_url or f"{request.scheme}://{request.host}"
        shaping = asked | ({"lang": language} if language else {})
        address = home + request.path + ("?" + urlencode(shaping, quote_via=quote) if shaping else "")
        document = self._recent.get(address)
        if document is None:
            try:
                feed = await build(language)
            except UsageError as err:
                return _refusal(400, err.text, request)
            except NotFoundError as err:
                return _refusal(404, err.text, request)
            except StoreUnavailable as err:  # said once in the log (for the operator), an apology here
                response = _refusal(503, for_users(err), request)
                response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return response
            body = atom_document(feed, address, home + "/")
            etag = hashlib.sha256(body).hexdigest()[:40]
            document = _Document(body, etag, feed.updated.replace(microsecond=0), feed.private)
            self._recent.keep(address, document)
        return _answered(request, document)


def _answered(request: web.Request, document: _Document) -> web.Response:
    """The document with its validators, or 304 when the reader's copy is still this one."""
    scope = "private" if document.private else "public"
    headers = {"Cache-Control": f"{scope}, max-age={MAX_AGE_SECONDS}"}
    if _unchanged(request, document.etag, document.modified):
        response = web.Response(status=304, headers=headers)
    else:
        response = web.Response(body=document.body, headers=headers | {"Content-Type": CONTENT_TYPE})
    response.etag = document.etag  # strong: the same bytes, the same tag
    response.last_modified = document.modified
    return response


def _unchanged(request: web.Request, etag: str, modified: datetime) -> bool:
    """Whether the reader already has this document: by its ETag when it sent any (a weak
    comparison, as RFC 9110 says for If-None-Match), else by the date when it sent one."""
    if "If-None-Match" in request.headers:
        tags = request.if_none_match or ()
        return any(tag.value in (etag, "*") for tag in tags)
    since = request.if_modified_since
    return since is not None and modified <= since


def _refusal(status: int, why: Text, request: web.Request) -> web.Response:
    """One line, in the language `?lang=` asks for (English when it is none we speak)."""
    lang = pick_language(request.query.get("lang"))
    return web.Response(status=status, text=why.render(lang) + "\n")
