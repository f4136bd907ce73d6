"""What storing a day promises for any data a source hands over, on every store: the result does
not depend on the reading order, and one bad value costs at most its own paper."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pytest

from bot.ingest import IngestReport
from bot.models import DigestDay, Paper, Section, Summary
from bot.ports import SearchQuery, Store
from bot.service import PaperService
from tests.conftest import PaperFactory


def _sightings(make_paper: PaperFactory, arxiv_id: str) -> list[Paper]:
    """Four sightings of one paper on four listing days, with conflicting and missing fields."""
    return [
        make_paper(arxiv_id, title="Title, two-star era", authors=("B", "A"), votes=3,
                   sections=(Section(heading="What's New", text="두 별 형식"),), thumbnail="https://x/a.png"),
        make_paper(arxiv_id, title="Title, 3-star era!!", authors=("A", "B"), votes=None,
                   sections=(Section(heading="What's New", text="세 별 형식"),), abstract="An abstract."),
        make_paper(arxiv_id, title="Title", authors=(), votes=7, sections=(), keywords=("k",),
                   github="https://github.com/a/b"),
        make_paper(arxiv_id, title="Title, two-star era", authors=("C",), votes=5,
                   summaries=(Summary.from_archive((Section(heading="", text="다른 요약"),)),),
                   abstract="Another one", keywords=("k", "j")),
    ]  # fmt: skip


DAYS = [date(2024, 10, 16), date(2024, 10, 18), date(2024, 10, 20), date(2024, 10, 17)]


async def test_every_reading_order_stores_the_same_paper(store: Store, make_paper: PaperFactory) -> None:
    """Each permutation of the sightings goes to its own arXiv id; all must end up equal."""
    orders = list(itertools.permutations(range(4)))
    ids = [f"2410.{10000 + n}" for n in range(len(orders))]
    for arxiv_id, order in zip(ids, orders, strict=True):
        sightings = _sightings(make_paper, arxiv_id)
        for index in order:
            await store.upsert_day(DigestDay(day=DAYS[index], source="test", papers=[sightings[index]]))
    stored = [await store.get_paper(arxiv_id) for arxiv_id in ids]
    assert len({paper.model_copy(update={"arxiv_id": ids[0]}) for paper in stored if paper}) == 1
    # the same data again, in yet another order: nothing changes
    for arxiv_id in ids[:3]:
        sightings = _sightings(make_paper, arxiv_id)
        for index in (3, 1, 0, 2):
            digest = DigestDay(day=DAYS[index], source="test", papers=[sightings[index]])
            result = await store.upsert_day(digest)
            assert (result.day_added, result.papers_added, result.papers_updated) == (False, 0, 0)


# NUL (PostgreSQL refuses it in text) and lone surrogates (neither driver can encode them).
BAD = "a\x00b\ud800c\udfffd"


def _strings(value: object) -> list[str]:
    """Every string inside a dumped model."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*_strings(key), *_strings(item))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def _poisoned(arxiv_id: str, votes: int | None = 1) -> Paper:
    """A paper with BAD in every text field the model has (checked by the test below)."""
    sections = (Section(heading=BAD, text=BAD),)
    summary = Summary(language="ko", source="llm", sections=sections, model=BAD, prompt_version=BAD)
    return Paper(
        arxiv_id=arxiv_id, title=BAD, authors=(BAD, "Ada"), votes=votes, thumbnail="https://x/" + BAD,
        media_url="https://x/" + BAD, github="https://github.com/" + BAD, project_page="https://p/" + BAD,
        summaries=(summary,), abstract=BAD, ai_summary=BAD, keywords=(BAD, "k"), organization=BAD,
        github_stars=3, num_comments=2, days=(DAYS[0],),
    )  # fmt: skip


def test_every_text_field_loses_nul_and_lone_surrogates() -> None:
    paper = _poisoned("2410.00001")
    texts = _strings(paper.model_dump(mode="python"))
    assert not [text for text in texts if "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)]
    assert paper.title == "abcd"
    assert paper.summaries[0].sections[0].text == "abcd"
    # every str field of the models is poisoned above: a new text field must be covered too
    dumped = paper.model_dump(mode="python")
    assert all(dumped[name] for name in Paper.model_fields if name not in ("votes", "days", "arxiv_id"))
    summary = dumped["summaries"][0]
    assert all(summary[name] is not None for name in ("model", "prompt_version"))


async def test_poisoned_text_is_stored_cleanly_on_every_store(store: Store) -> None:
    papers = [_poisoned(f"2410.0000{n}") for n in range(1, 4)]
    result = await store.upsert_day(DigestDay(day=DAYS[0], source="test", papers=papers))
    assert result.papers_added == 3
    assert await store.get_paper("2410.00002") == papers[1]
    assert [p.arxiv_id for p in await store.top(DAYS[0], limit=5)] == [p.arxiv_id for p in papers]


async def test_votes_out_of_range_are_unknown_on_every_store(store: Store) -> None:
    # PostgreSQL keeps votes in int4, SQLite in a signed 64-bit integer: one rule for both
    votes = [2**31 - 1, 2**31, 2**63, 2**80, -1, 0]
    papers = [_poisoned(f"2410.0010{n}", votes=v) for n, v in enumerate(votes)]
    assert [p.votes for p in papers] == [2**31 - 1, None, None, None, None, 0]
    result = await store.upsert_day(DigestDay(day=DAYS[0], source="test", papers=papers))
    assert result.papers_added == len(votes)
    assert [(await store.get_paper(p.arxiv_id)).votes for p in papers] == [p.votes for p in papers]  # type: ignore[union-attr]


@pytest.mark.parametrize("width", [8, 200], ids=["many-words", "long-words"])
async def test_an_abstract_past_the_index_limit_is_searched_alike(store: Store, width: int) -> None:
    """PostgreSQL refuses a tsvector over 1 MB; both stores index the same first part of the text."""
    count = 1_600_000 // width  # 1.6 MB of distinct words: past the positions, or past the bytes
    words = [f"w{n:06d}x".ljust(width, "y") for n in range(count)]
    paper = _poisoned("2410.00200").model_copy(update={"abstract": " ".join(words), "title": "Huge"})
    other = _poisoned("2410.00201").model_copy(update={"title": "Small"})
    result = await store.upsert_day(DigestDay(day=DAYS[0], source="test", papers=[paper, other]))
    assert result.papers_added == 2
    stored = await store.get_paper("2410.00200")
    assert stored is not None
    assert stored.abstract == paper.abstract  # the text is kept whole; only the index is cut
    found = await store.search(SearchQuery(text=words[10]))
    assert [p.arxiv_id for p in found.papers] == ["2410.00200"]
    assert (await store.search(SearchQuery(text=words[-10]))).total == 0  # past the cut, on both


def _hf_item(arxiv_id: str, **paper: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": arxiv_id, "title": "A title", "summary": "An abstract.", "upvotes": 3,
        "authors": [{"name": "Ada", "hidden": False}], "ai_keywords": ["k"],
    }  # fmt: skip
    return {"paper": fields | paper, "title": "A title"}


async def test_an_api_answer_with_unstorable_values_is_stored_whole(
    service: PaperService, tmp_path: Path
) -> None:
    """Every value that once failed a store, in an HF JSON file: every paper is stored."""
    items = [
        _hf_item("2410.00301", title="NUL\u0000 in the title"),
        _hf_item("2410.00302", summary="NUL\u0000 in the abstract"),
        _hf_item("2410.00303", authors=[{"name": "A\u0000da", "hidden": False}]),
        _hf_item("2410.00304", ai_keywords=["k\u0000"], ai_summary="s\u0000"),
        _hf_item("2410.00305", upvotes=2**31),
        _hf_item("2410.00306", upvotes=2**63),
        _hf_item("2410.00307", title="lone \ud800 surrogate", summary="\udfff"),
    ]
    path = tmp_path / "2024-10-16.json"
    path.write_text(json.dumps(items), encoding="utf-8")  # json escapes NUL and surrogates as \\uXXXX
    report = await service.ingest([str(path)])
    assert report.errors == []
    assert [problem.reason.split(" has ")[0] for problem in report.problems] == [
        "item 5: 2410.00305",
        "item 6: 2410.00306",
    ]  # votes out of range: kept as unknown, and said so
    assert report.papers_added == len(items)
    top = await service.top(DAYS[0], 10)
    assert len(top.papers) == len(items)
    assert {p.title for p in top.papers} >= {"NUL in the title", "lone  surrogate"}


def _unstorable(arxiv_id: str) -> Paper:
    """A paper no store can keep (built past the model's cleaning, as a future bug could)."""
    return Paper.model_construct(**(_poisoned(arxiv_id).__dict__ | {"title": "bad \ud800 title"}))


async def test_a_paper_the_store_refuses_costs_only_itself(store: Store, make_paper: PaperFactory) -> None:
    papers = [make_paper("2410.00401"), _unstorable("2410.00402"), make_paper("2410.00403")]
    result = await store.upsert_day(DigestDay(day=DAYS[0], source="t", papers=papers))
    assert (result.day_added, result.papers_added) == (True, 2)
    assert [(r.position, r.arxiv_id) for r in result.refused] == [(1, "2410.00402")]
    assert [p.arxiv_id for p in await store.top(DAYS[0], limit=5)] == ["2410.00401", "2410.00403"]
    assert await store.get_paper("2410.00402") is None


async def test_a_day_whose_every_paper_is_refused_adds_no_day(store: Store) -> None:
    result = await store.upsert_day(DigestDay(day=DAYS[0], source="t", papers=[_unstorable("2410.00501")]))
    assert (result.day_added, result.papers_added, len(result.refused)) == (False, 0, 1)
    assert await store.latest_day() is None


async def test_ingest_reports_a_refused_paper_with_its_file_and_place_and_goes_on(
    store: Store, make_paper: PaperFactory
) -> None:
    report = IngestReport()
    bad = DigestDay(day=DAYS[0], source="a.md", papers=[make_paper("2410.00601"), _unstorable("2410.00602")],
                    lines={"2410.00601": 3, "2410.00602": 12})  # fmt: skip
    await report.add_day(store, bad)
    await report.add_day(store, DigestDay(day=DAYS[1], source="b.md", papers=[make_paper("2410.00603")]))
    assert (report.days_added, report.papers_added, report.failed_entries) == (2, 2, 1)
    (problem,) = report.problems
    assert (problem.source, problem.line) == ("a.md", 12)
    assert "2410.00602" in problem.reason
    assert "paper 2 of 2024-10-16" in problem.reason
    assert "not stored" in problem.reason
