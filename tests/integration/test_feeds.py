"""The Atom feeds as the service builds them on a real store, each read back by feedparser (a real
feed reader): valid, bounded, in the feed's language, and unbroken by hostile papers."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import feedparser
import pytest

from bot.atom import (
    CONTENT_CHARS,
    MAX_CATEGORIES,
    MAX_ENTRY_AUTHORS,
    SUMMARY_CHARS,
    atom_document,
    entry_id,
    feed_id,
)
from bot.config import HFSettings
from bot.errors import NotFoundError, UsageError
from bot.feeds import FEED_DAYS, FEED_TOP, MAX_ENTRIES, Feed
from bot.ingest import DigestSources
from bot.models import Destination, DigestDay, Section, Subscription, Summary
from bot.ports import Store
from bot.service import PaperService
from tests.conftest import PaperFactory
from tests.fixtures.adversarial import HOSTILE_TITLES, hostile_papers

FIRST = date(2025, 3, 1)
HOME = "https://papers.example.org/"
SELF = "https://papers.example.org/feeds/top.atom"
GROUP = Destination(platform="telegram", chat_id="-100300")
ARXIV_15007 = "https://arxiv.org/abs/2502.15007"


def read(feed: Feed, self_url: str = SELF) -> Any:
    """The feed as feedparser reads it, after checking it found nothing wrong."""
    parsed = feedparser.parse(atom_document(feed, self_url, HOME))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def english(text: str) -> Summary:
    return Summary(language="en", source="llm", sections=(Section(heading="What's New", text=text),))


async def store_days(store: Store, make_paper: PaperFactory, days: int, per_day: int) -> None:
    """`days` lists from FIRST on, `per_day` papers each; paper (d, i) has 100 - i votes."""
    for d in range(days):
        day = FIRST + timedelta(days=d)
        papers = [
            make_paper(f"2503.{d:02d}{i:03d}", title=f"Paper {i} of {day}", votes=100 - i, keywords=("LLM",))
            for i in range(per_day)
        ]
        await store.upsert_day(DigestDay(day=day, source="t", papers=papers))


async def test_the_top_feed_holds_the_last_lists_top_papers_newest_first(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    await store_days(store, make_paper, days=FEED_DAYS + 2, per_day=FEED_TOP + 3)
    parsed = read(await service.top_feed())
    feed = parsed.feed
    assert feed.title == "Daily Papers: the top papers"
    assert feed.id.startswith("urn:uuid:")
    assert {link.rel: link.href for link in feed.links} == {
        "self": SELF,
        "alternate": "https://huggingface.co/papers",
    }
    assert feed.author_detail.name == "Paperboy"
    newest = FIRST + timedelta(days=FEED_DAYS + 1)
    assert feed.updated == f"{newest}T00:00:00Z"
    entries = parsed.entries
    assert len(entries) == FEED_DAYS * FEED_TOP
    expected = [
        f"Paper {i} of {newest - timedelta(days=d)}" for d in range(FEED_DAYS) for i in range(FEED_TOP)
    ]
    assert [entry.title for entry in entries] == expected
    first = entries[0]
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", first.id)
    assert first.link == "https://huggingface.co/papers/2503.08000"
    assert "https://arxiv.org/abs/2503.08000" in [link.href for link in first.links]
    assert first.updated == f"{newest}T00:00:00Z"
    assert [author.name for author in first.authors] == ["Ada Lovelace", "Alan Turing"]
    assert [tag.term for tag in first.tags] == ["LLM"]
    assert "▲ 100" in first.content[0].value
    assert f"Listed on {newest}" in first.content[0].value
    assert len({entry.id for entry in entries}) == len(entries)


async def test_a_paper_on_two_lists_is_one_entry_on_the_newer(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    again = make_paper("2503.00001", title="Twice listed", votes=50)
    await store.upsert_day(DigestDay(day=FIRST, source="t", papers=[again]))
    await store.upsert_day(DigestDay(day=FIRST + timedelta(days=1), source="t", papers=[again]))
    entries = read(await service.top_feed()).entries
    assert [entry.title for entry in entries] == ["Twice listed"]
    assert entries[0].published == f"{FIRST}T00:00:00Z"
    assert entries[0].updated == f"{FIRST + timedelta(days=1)}T00:00:00Z"


async def test_summaries_come_in_the_feeds_language_with_the_cards_fallbacks(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    written = datetime(2025, 3, 2, 6, 30, tzinfo=UTC)
    both = make_paper(
        "2503.00001",
        title="Both languages",
        summaries=(
            Summary.from_archive((Section(heading="What's New", text="한국어 요약입니다."),)),
            english("An English summary.").model_copy(update={"created_at": written}),
        ),
    )
    korean_only = make_paper("2503.00002", title="Korean only", votes=0)
    await store.upsert_day(DigestDay(day=FIRST, source="t", papers=[both, korean_only]))
    ko = read(await service.top_feed("ko"))
    en = read(await service.top_feed("en"))
    assert ko.feed.title == "Daily Papers 인기 논문"
    assert ko.feed.language == "ko"
    assert [e.summary for e in ko.entries] == ["한국어 요약입니다.", "새로운 방법을 제안합니다."]
    assert [e.summary for e in en.entries] == ["An English summary.", "새로운 방법을 제안합니다."]
    # an English reader is told the Korean text is Korean, as on a card
    assert "Summary in Korean: there is none in English yet." in en.entries[1].content[0].value
    assert en.entries[0].updated == "2025-03-02T06:30:00Z"  # the summary came after the list
    assert ko.entries[0].updated == f"{FIRST}T00:00:00Z"
    assert "CC BY-NC-ND 4.0" in ko.entries[0].rights  # the archive's text, with its attribution
    assert "rights" not in en.entries[0]
    japanese = read(await service.top_feed("ja"))
    assert japanese.feed.language == "ja"
    assert japanese.entries[0].summary == "An English summary."  # English before any other language


async def test_hostile_papers_cannot_break_the_feed(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    papers = hostile_papers()
    control = make_paper(
        "2503.29999",
        title="Bell\x07 vertical\x0btab\x1f and \ufffe end & <b>",
        authors=("Nul\x08l Author",),
        keywords=tuple(f"kw{i} <&>" for i in range(15)),
        summaries=(english("Form feed\x0c here & <there> " + "long " * 2000),),
    )
    await store.upsert_day(DigestDay(day=FIRST, source="t", papers=[*papers, control]))
    parsed = read(await service.top_feed("ko"))
    titles = [entry.title for entry in parsed.entries]
    assert titles[: len(HOSTILE_TITLES)] == HOSTILE_TITLES  # votes 300, 299, ...: every one whole
    crowded = next(e for e in parsed.entries if e.title.startswith("A Paper With Six Hundred"))
    assert len(crowded.authors) == MAX_ENTRY_AUTHORS
    assert f"외 저자 {660 - MAX_ENTRY_AUTHORS}명" in crowded.content[0].value  # the rest, counted
    assert len(crowded.summary) <= SUMMARY_CHARS
    english_feed = read(await service.top_feed("en"))
    odd = next(e for e in english_feed.entries if e.title.startswith("Bell"))
    assert odd.title == "Bell verticaltab and  end & <b>"
    assert [a.name for a in odd.authors] == ["Null Author"]
    assert len(odd.tags) == MAX_CATEGORIES
    assert odd.tags[0].term == "kw0 <&>"
    assert len(odd.summary) <= SUMMARY_CHARS
    assert odd.summary.endswith("…")
    assert len(odd.content[0].value) < CONTENT_CHARS + 1000  # the sections are cut, links stay
    assert "https://arxiv.org/pdf/2503.29999" in odd.content[0].value
    hostile = next(e for e in parsed.entries if e.title == HOSTILE_TITLES[0])
    links = {link.get("title"): link.href for link in hostile.links}
    assert links["GitHub"] == "https://github.com/example/repo?x=1&y=<2>"
    assert "<script>" not in hostile.content[0].value  # feedparser's sanitiser agrees it is text


async def test_a_feed_never_passes_its_bound(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    subscription = Subscription(destination=GROUP, chat_type="supergroup", top_n=50)
    await store.save_subscription(subscription)
    await store_days(store, make_paper, days=FEED_DAYS, per_day=50)
    parsed = read(await service.subscription_feed(subscription.feed_token))
    assert len(parsed.entries) == MAX_ENTRIES


async def test_the_search_feed_is_the_search_of_the_chats(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    papers = [
        make_paper("2503.00001", title="Diffusion models for video", votes=5),
        make_paper("2503.00002", title="A survey of tokenizers", votes=90),
        make_paper("2503.00003", title="Diffusion, diffusion and more diffusion", votes=1),
    ]
    await store.upsert_day(DigestDay(day=FIRST, source="t", papers=papers))
    found = await service.search("diffusion")
    feed = read(await service.search_feed("  diffusion  ", "ko"))
    assert [entry.title for entry in feed.entries] == [paper.title for paper in found.page.papers]
    assert {entry.title for entry in feed.entries} == {papers[0].title, papers[2].title}
    assert feed.feed.title == "Daily Papers: “diffusion” 검색"
    assert all(entry.updated == f"{FIRST}T00:00:00Z" for entry in feed.entries)
    nothing = read(await service.search_feed("zebra"))
    assert nothing.entries == []
    assert nothing.feed.updated == f"{FIRST}T00:00:00Z"  # the newest list: a valid, stable date
    with pytest.raises(UsageError):
        await service.search_feed("   ")
    long = read(await service.search_feed("diffusion " * 100))
    assert len(long.feed.title) < 120
    assert long.feed.title.endswith("…”")
    assert [entry.title for entry in long.entries] == [entry.title for entry in feed.entries]


async def test_a_subscription_feed_carries_its_filters_in_its_language(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    subscribed, _ = await service.subscribe(
        GROUP, chat_type="supergroup", title="Readers", by="u1", language="ko"
    )
    await service.update_subscription(GROUP, "u1", include=("diffusion",), top_n=1, min_votes=3)
    day_one = [
        make_paper("2503.00001", title="Diffusion one", votes=9),
        make_paper("2503.00002", title="Diffusion two", votes=8),
        make_paper("2503.00003", title="Unrelated", votes=99),
    ]
    day_two = [make_paper("2503.00004", title="Diffusion, too few votes", votes=2)]
    await store.upsert_day(DigestDay(day=FIRST, source="t", papers=day_one))
    await store.upsert_day(DigestDay(day=FIRST + timedelta(days=1), source="t", papers=day_two))
    feed = await service.subscription_feed(subscribed.feed_token)
    assert feed.private
    parsed = read(feed)
    assert parsed.feed.title == "Readers의 Daily Papers"
    assert parsed.feed.language == "ko"  # the subscription's own language unless ?lang= says
    assert [entry.title for entry in parsed.entries] == ["Diffusion one"]
    assert read(await service.subscription_feed(subscribed.feed_token, "en")).feed.language == "en"


async def test_a_new_token_ends_the_old_link_and_unsubscribing_ends_the_feed(
    service: PaperService, store: Store
) -> None:
    subscribed, _ = await service.subscribe(GROUP, chat_type="supergroup", title=None, by="u1", language="en")
    with pytest.raises(NotFoundError):
        await service.subscription_feed("x" * 24)
    renewed = await service.renew_feed_token(GROUP, "u2")
    assert renewed.feed_token != subscribed.feed_token
    assert renewed.changed_by == "u2"
    with pytest.raises(NotFoundError):
        await service.subscription_feed(subscribed.feed_token)
    assert (await service.subscription_feed(renewed.feed_token)).entries == ()
    await service.unsubscribe(GROUP, "u2")
    with pytest.raises(NotFoundError):
        await service.subscription_feed(renewed.feed_token)
    with pytest.raises(NotFoundError):
        await service.renew_feed_token(Destination(platform="telegram", chat_id="404"), "u1")


async def test_the_feed_link_needs_a_public_url(store: Store, service: PaperService) -> None:
    subscription, _ = await service.subscribe(
        GROUP, chat_type="supergroup", title=None, by=None, language="en"
    )
    assert service.feed_url(subscription) is None
    sources = DigestSources(HFSettings())
    public = PaperService(store, sources, public_url="https://papers.example.org/paperboy/")
    assert public.feed_url(subscription) == (
        f"https://papers.example.org/paperboy/feeds/s/{subscription.feed_token}.atom"
    )


def test_entry_ids_are_stable_per_paper_and_feed_ids_per_feed_and_language() -> None:
    assert entry_id("2502.15007") == "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, ARXIV_15007))
    assert entry_id("2502.15007") != entry_id("2502.15008")
    assert feed_id("top", "en") != feed_id("top", "ko") != feed_id("search:x", "ko")


async def test_a_weekly_or_monthly_feed_holds_its_periods_best_as_its_pushes_do(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    votes_by_day = {
        date(2025, 2, 20): [70],
        date(2025, 3, 3): [5, 50],  # a Monday
        date(2025, 3, 5): [30],
        date(2025, 3, 10): [1],
        date(2025, 3, 12): [40, 20],
        date(2025, 3, 14): [],  # the newest list (a Friday) has nothing new
    }
    for n, (day, votes) in enumerate(votes_by_day.items()):
        papers = [
            make_paper(f"2503.{n:02d}{i:03d}", title=f"{day} ▲{v}", votes=v) for i, v in enumerate(votes)
        ]
        zero = make_paper(f"2503.{n:02d}999", votes=0, title="nothing new")
        await store.upsert_day(DigestDay(day=day, source="t", papers=papers or [zero]))
    weekly = Subscription(
        destination=GROUP, chat_type="supergroup", cadence="weekly", week_day=0, top_n=2, title="W"
    )
    monthly = Subscription(
        destination=Destination(platform="telegram", chat_id="-100301"),
        chat_type="supergroup", cadence="monthly", month_day=1, top_n=2,
    )  # fmt: skip
    for subscription in (weekly, monthly):
        await store.save_subscription(subscription)
    # Mondays 09:00 UTC: the push of March 17 carries March 10-16, the one of March 10 March 3-9
    weeks = read(await service.subscription_feed(weekly.feed_token)).entries
    assert [entry.title for entry in weeks][:4] == [
        "2025-03-12 ▲40", "2025-03-12 ▲20", "2025-03-03 ▲50", "2025-03-05 ▲30",
    ]  # fmt: skip
    assert weeks[0].updated == "2025-03-12T00:00:00Z"
    assert "2025-02-20 ▲70" in [
        entry.title for entry in weeks
    ]  # February 24 - March 2: nothing; the week before
    # the 1st of each month: April 1 carries March, March 1 carries February
    months = read(await service.subscription_feed(monthly.feed_token)).entries
    assert [entry.title for entry in months] == ["2025-03-03 ▲50", "2025-03-12 ▲40", "2025-02-20 ▲70"]
