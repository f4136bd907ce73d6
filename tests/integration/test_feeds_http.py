"""The feeds over real HTTP (the server `paperboy run` and `paperboy serve` start, a real client):
content type, validators, 304 answers, HEAD, and one clear line for what cannot be answered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import aiohttp
import feedparser
import pytest
from multidict import CIMultiDict

from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.models import Destination, DigestDay
from bot.ports import Store
from bot.service import PaperService
from handlers.feeds_http import FRESH_SECONDS, MAX_AGE_SECONDS, feed_routes
from handlers.http_server import HttpServer
from tests.clock import VirtualClock
from tests.conftest import PaperFactory
from tests.fixtures.adversarial import DAY, hostile_papers

PUBLIC = "https://papers.example.org/paperboy"
ATOM = "application/atom+xml; charset=utf-8"


@dataclass
class Served:
    url: str
    service: PaperService
    session: aiohttp.ClientSession
    store: Store
    clock: VirtualClock

    async def get(
        self, path: str, method: str = "GET", **headers: str
    ) -> tuple[int, CIMultiDict[str], bytes]:
        """Status, headers (any case) and body of one request with these headers."""
        async with self.session.request(method, self.url + path, headers=headers) as response:
            return response.status, CIMultiDict(response.headers), await response.read()


@pytest.fixture
async def served(store: Store) -> AsyncIterator[Served]:
    """The hostile day stored, and the feeds served on a free port with a public URL set."""
    await store.upsert_day(DigestDay(day=DAY, source="t", papers=hostile_papers()))
    service = PaperService(store, DigestSources(HFSettings()), public_url=PUBLIC)
    clock = VirtualClock()
    server = HttpServer("127.0.0.1", 0, feed_routes(service, PUBLIC, clock.monotonic))
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            yield Served(f"http://127.0.0.1:{server.port}", service, session, store, clock)
    finally:
        await server.stop()


async def test_a_feed_is_atom_with_strong_validators_and_a_lifetime(served: Served) -> None:
    status, headers, body = await served.get("/feeds/top.atom?lang=ko")
    assert status == 200
    assert headers["Content-Type"] == ATOM
    assert headers["Cache-Control"] == f"public, max-age={MAX_AGE_SECONDS}"
    assert headers["ETag"].startswith('"')  # strong: no W/
    assert parsedate_to_datetime(headers["Last-Modified"]).date() == DAY
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert len(parsed.entries) == len(hostile_papers())
    assert parsed.feed.links[0].href == f"{PUBLIC}/feeds/top.atom?lang=ko"  # the public address
    assert parsed.feed.author_detail.href == f"{PUBLIC}/"
    again = await served.get("/feeds/top.atom?lang=ko")
    assert again[1]["ETag"] == headers["ETag"]  # the same content, the same tag
    english = await served.get("/feeds/top.atom?lang=en")
    assert english[1]["ETag"] != headers["ETag"]


async def test_a_reader_with_the_current_copy_gets_304_and_no_body(served: Served) -> None:
    _, headers, _ = await served.get("/feeds/top.atom")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    for sent in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", W/{etag}'},  # If-None-Match compares weakly
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
        {"If-Modified-Since": format_datetime(parsedate_to_datetime(modified) + timedelta(days=1), True)},
    ):
        status, answer, body = await served.get("/feeds/top.atom", **sent)
        assert (status, body) == (304, b""), sent
        assert answer["ETag"] == etag
        assert answer["Last-Modified"] == modified
        assert answer["Cache-Control"] == f"public, max-age={MAX_AGE_SECONDS}"
    older = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), True)
    for sent in (
        {"If-None-Match": '"stale"'},
        {"If-Modified-Since": older},
        {"If-None-Match": '"stale"', "If-Modified-Since": modified},  # the tag wins over the date
    ):
        status, _, body = await served.get("/feeds/top.atom", **sent)
        assert status == 200, sent
        assert body


async def test_head_answers_the_headers_of_get_without_a_body(served: Served) -> None:
    _, got, body = await served.get("/feeds/top.atom")
    status, headers, nothing = await served.get("/feeds/top.atom", method="HEAD")
    assert (status, nothing) == (200, b"")
    assert headers["ETag"] == got["ETag"]
    assert headers["Content-Type"] == ATOM
    assert headers["Content-Length"] == str(len(body))


async def test_search_needs_words_and_says_so_in_one_line(served: Served) -> None:
    for query in ("", "?q=", "?q=%20%20", "?lang=en"):
        status, headers, body = await served.get("/feeds/search.atom" + query)
        assert status == 400
        assert headers["Content-Type"].startswith("text/plain")
        assert body.decode() == "Say what to search for: /feeds/search.atom?q=WORDS (e.g. ?q=diffusion)\n"
    status, _, body = await served.get("/feeds/search.atom?lang=ko")
    assert status == 400
    assert body.decode().startswith("검색어를 넣어 주세요")
    status, headers, body = await served.get("/feeds/search.atom?q=accuracy%20%3E80%25&lang=en")
    assert status == 200
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert [entry.title for entry in parsed.entries] == ["M$^{2}$UGen: Q&A with >80% accuracy"]
    nothing = feedparser.parse((await served.get("/feeds/search.atom?q=%3C%26%3E"))[2])
    assert not nothing.bozo  # nothing searchable in it: a valid, empty feed
    assert nothing.entries == []


async def test_a_bad_language_is_one_line(served: Served) -> None:
    status, _, body = await served.get("/feeds/top.atom?lang=%3Cscript%3E")
    assert status == 400
    assert body.decode() == (
        "lang=<script> is not a language code: use e.g. ?lang=en, ?lang=ko or ?lang=ja\n"
    )


async def test_a_subscription_feed_lives_behind_its_token(served: Served) -> None:
    destination = Destination(platform="slack", chat_id="C1")
    subscription, _ = await served.service.subscribe(
        destination, chat_type="channel", title="#papers", by="U1", language="en"
    )
    link = served.service.feed_url(subscription)
    assert link is not None
    assert link.startswith(PUBLIC)
    path = link.removeprefix(PUBLIC)
    status, headers, body = await served.get(path)
    assert status == 200
    assert headers["Cache-Control"] == f"private, max-age={MAX_AGE_SECONDS}"
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert parsed.feed.title == "Daily Papers for #papers"
    assert len(parsed.entries) == min(subscription.top_n, len(hostile_papers()))
    renewed = await served.service.renew_feed_token(destination, "U1")
    for gone in (path, "/feeds/s/" + "A" * 24 + ".atom", "/feeds/s/short.atom", "/feeds/s/a%2Fb.atom"):
        status, _, body = await served.get(gone)
        assert status == 404, gone
        assert body.decode().startswith("No such feed")
    fresh = served.service.feed_url(renewed)
    assert fresh is not None
    assert (await served.get(fresh.removeprefix(PUBLIC)))[0] == 200


async def test_a_public_feed_is_written_once_a_minute_and_its_address_is_canonical(
    served: Served, make_paper: PaperFactory
) -> None:
    _, first, _ = await served.get("/feeds/search.atom?lang=ko&q=%20accuracy%20&utm_source=x")
    _, same, body = await served.get("/feeds/search.atom?q=accuracy&lang=ko")
    assert same["ETag"] == first["ETag"]  # other parameters and spacing change nothing
    assert feedparser.parse(body).feed.links[0].href == f"{PUBLIC}/feeds/search.atom?q=accuracy&lang=ko"
    _, before, _ = await served.get("/feeds/top.atom")
    newer = make_paper("2503.40000", title="A newer list", votes=1)
    await served.store.upsert_day(DigestDay(day=DAY + timedelta(days=1), source="t", papers=[newer]))
    served.clock.advance(FRESH_SECONDS - 1)
    _, kept, _ = await served.get("/feeds/top.atom")
    assert kept["ETag"] == before["ETag"]
    served.clock.advance(2)
    _, fresh, body = await served.get("/feeds/top.atom", **{"If-None-Match": before["ETag"]})
    assert fresh["ETag"] != before["ETag"]
    assert feedparser.parse(body).entries[0].title == "A newer list"
