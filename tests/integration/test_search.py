"""Full-text search on every store (FTS5, tsvector): English, Korean, short words, phrases, hostile input."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.models import DigestDay, Section
from bot.ports import SearchQuery, Store
from tests.conftest import PaperFactory

HOSTILE = [
    '"',
    '""',
    '"unclosed phrase',
    "*",
    "a*",
    "-",
    "-model",
    "NEAR",
    "NEAR(model, 3)",
    "OR",
    "model OR",
    "AND NOT",
    "(((",
    ")",
    "title:model",
    "^model",
    "{title}: x",
    "'; DROP TABLE papers; --",
    "🚀🔥",
    "모델 🚀",
    "\\",
    "\x00",
    "%_",
    "x" * 1000,
    "모델 " * 200,
]


@pytest.fixture
async def loaded(store: Store, sample_day: DigestDay) -> Store:
    await store.upsert_day(sample_day)
    return store


async def ids(store: Store, text: str, **kwargs: Any) -> list[str]:
    page = await store.search(SearchQuery(text, **kwargs))
    return [p.arxiv_id for p in page.papers]


async def test_korean_word_inside_longer_words(loaded: Store) -> None:
    assert await ids(loaded, "구두점") == ["2502.15007"]  # written 구두점과 in the summary
    page = await loaded.search(SearchQuery("모델", limit=50))
    assert page.total > 20
    assert page.terms == ("모델",)


async def test_english_words_and_prefixes(loaded: Store) -> None:
    assert await ids(loaded, "punctuation") == ["2502.15007"]
    assert await ids(loaded, "Punctu") == ["2502.15007"]  # a word being typed
    assert "2502.15007" in await ids(loaded, "Oseledets")  # authors are searched


@pytest.mark.parametrize(("query", "expected"), [("AI", "2502.15422"), ("3D", "2502.15011")])
async def test_two_character_queries(loaded: Store, query: str, expected: str) -> None:
    found = await ids(loaded, query, limit=50)
    assert expected in found
    assert "2502.14776" not in found  # SurveyX: "AI" must not match "aim" or "said"


async def test_phrase_needs_adjacent_words(loaded: Store) -> None:
    assert await ids(loaded, '"context memory"') == ["2502.15007"]
    assert await ids(loaded, '"memory context"') == []


@pytest.mark.parametrize("query", HOSTILE)
async def test_any_input_is_accepted(loaded: Store, query: str) -> None:
    page = await loaded.search(SearchQuery(query))
    assert page.total >= 0
    assert len(page.papers) <= 10


async def test_only_symbols_search_for_nothing(loaded: Store) -> None:
    page = await loaded.search(SearchQuery("🚀 *** ((( "))
    assert (page.papers, page.total, page.terms) == ([], 0, ())


async def test_title_hits_rank_first_then_votes(store: Store, make_paper: PaperFactory) -> None:
    body = (Section(heading="What's New", text="A new tokenizer for agents."),)
    papers = [
        make_paper("2503.00001", title="Fast Agents", votes=300, sections=body),
        make_paper("2503.00002", title="Tokenizer Scaling Laws", votes=3),
        make_paper("2503.00003", title="Better Tokenizer Training", votes=30),
    ]
    await store.upsert_day(DigestDay(day=date(2025, 3, 3), source="t", papers=papers))
    assert await ids(store, "tokenizer") == ["2503.00003", "2503.00002", "2503.00001"]


async def test_filters_and_paging(store: Store, make_paper: PaperFactory) -> None:
    early, late = date(2025, 1, 6), date(2025, 3, 3)
    await store.upsert_day(
        DigestDay(day=early, source="a", papers=[make_paper(f"2501.0000{i}", votes=i) for i in range(1, 6)])
    )
    await store.upsert_day(
        DigestDay(
            day=late, source="b", papers=[make_paper(f"2503.0000{i}", votes=10 * i) for i in range(1, 6)]
        )
    )
    everything = await store.search(SearchQuery("방법을", limit=4))
    assert (everything.total, len(everything.papers)) == (10, 4)
    second = await store.search(SearchQuery("방법을", limit=4, offset=4))
    assert not {p.arxiv_id for p in second.papers} & {p.arxiv_id for p in everything.papers}
    past_the_end = await store.search(SearchQuery("방법을", limit=4, offset=40))
    assert (past_the_end.papers, past_the_end.total) == ([], 10)
    assert len(await ids(store, "방법을", since=late)) == 5
    assert len(await ids(store, "방법을", until=early)) == 5
    assert await ids(store, "방법을", min_votes=30) == ["2503.00005", "2503.00004", "2503.00003"]


async def test_updated_paper_is_reindexed(store: Store, make_paper: PaperFactory) -> None:
    day = date(2025, 3, 3)
    await store.upsert_day(DigestDay(day=day, source="md", papers=[make_paper("2503.00001")]))
    assert await ids(store, "photosynthesis") == []
    api = make_paper("2503.00001", abstract="Photosynthesis in silico.", votes=9)
    await store.upsert_day(DigestDay(day=day, source="api", papers=[api]))
    assert await ids(store, "photosynthesis") == ["2503.00001"]
    assert await ids(store, "제안합니다") == ["2503.00001"]  # the markdown summary is still indexed


async def test_broad_queries_rank_recent_matches_by_votes(
    store: Store, make_paper: PaperFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if 제안합니다 were in thousands of papers (each store module reads its own name).
    monkeypatch.setattr(f"{type(store).__module__}.RANKED_MATCHES", 3)
    papers = [make_paper(f"2503.0000{i}", votes=v) for i, v in enumerate([5, 50, None, 20, 1])]
    await store.upsert_day(DigestDay(day=date(2025, 3, 3), source="t", papers=papers))
    page = await store.search(SearchQuery("제안합니다", limit=3))
    assert page.capped
    assert [p.votes for p in page.papers] == [50, 20, 5]
    assert page.total == 5
    assert [p.votes for p in (await store.search(SearchQuery("제안합니다", min_votes=10))).papers] == [50, 20]
    assert not (await store.search(SearchQuery("2503.00001"))).capped
