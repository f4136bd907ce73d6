"""The Atom feeds on the HTTP server: routes, `?q=`/`?lang=`, and the caching feed readers expect.

Every answer carries a strong ETag (a hash of the document) and Last-Modified (its newest entry);
a reader that sends either back gets 304 with no body while nothing changed (If-None-Match wins
over If-Modified-Since, RFC 9110 §13.2.2). Bad input is one plain-text line in the feed's language.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiohttp import web

from bot.atom import CONTENT_TYPE, atom_document
from bot.errors import NotFoundError, StoreUnavailable, UsageError, for_users
from bot.feeds import SEARCH_PATH, SUBSCRIPTION_PATH, TOP_PATH, Feed, feed_language
from bot.i18n import Text, pick_language, t
from bot.service import PaperService

MAX_AGE_SECONDS = 600  # lists change every ingest round (30 minutes by default); votes in between
RETRY_AFTER_SECONDS = 60
TOKEN = re.compile("[A-Za-z0-9_-]{16,64}")


def feed_routes(service: PaperService, public_url: str | None) -> list[web.RouteDef]:
    """The three feeds (GET and HEAD); links in them start with `public_url`, else with the
    address the request came to."""
    feeds = _Feeds(service, public_url)
    return [
        web.get(TOP_PATH, feeds.top),
        web.get(SEARCH_PATH, feeds.search),
        web.get(SUBSCRIPTION_PATH, feeds.subscription),
    ]


class _Feeds:
    def __init__(self, service: PaperService, public_url: str | None) -> None:
        self._service = service
        self._public_url = public_url.rstrip("/") if public_url else None

    async def top(self, request: web.Request) -> web.Response:
        return await self._answer(request, lambda language: self._service.top_feed(language or "en"))

    async def search(self, request: web.Request) -> web.Response:
        query = request.query.get("q", "")
        if not query.strip():
            return _refusal(400, t("feed.no_query"), request)
        return await self._answer(
            request, lambda language: self._service.search_feed(query, language or "en")
        )

    async def subscription(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not TOKEN.fullmatch(token):  # no token looks like that: not worth a query
            return _refusal(404, t("feed.unknown"), request)
        return await self._answer(request, lambda language: self._service.subscription_feed(token, language))

    async def _answer(
        self, request: web.Request, build: Callable[[str | None], Awaitable[Feed]]
    ) -> web.Response:
        """The feed `build` makes in the `?lang=` asked for (None: the feed's own default), or why not."""
        raw = request.query.get("lang")
        try:
            language = feed_language(raw)
        except ValueError:
            return _refusal(400, t("feed.bad_lang", value=raw), request)
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
        home = self._public_url or f"{request.scheme}://{request.host}"
        body = atom_document(feed, home + request.path_qs, home + "/")
        return _cached(request, feed, body)


def _cached(request: web.Request, feed: Feed, body: bytes) -> web.Response:
    """The document with its validators, or 304 when the reader's copy is still this one."""
    etag = hashlib.sha256(body).hexdigest()[:40]
    modified = feed.updated.replace(microsecond=0)
    scope = "private" if feed.private else "public"
    headers = {"Cache-Control": f"{scope}, max-age={MAX_AGE_SECONDS}"}
    if _unchanged(request, etag, modified):
        response = web.Response(status=304, headers=headers)
    else:
        response = web.Response(body=body, headers=headers | {"Content-Type": CONTENT_TYPE})
    response.etag = etag  # strong: the same bytes, the same tag
    response.last_modified = modified
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
