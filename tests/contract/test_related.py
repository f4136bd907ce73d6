"""The related-papers index on every store: kept current by every write of a paper, answering with
exactly the brute-force scan's top 10, and built for papers stored before it existed."""

from __future__ import annotations

import sqlite3
from datetime import date

import asyncpg

from bot.models import DigestDay, Paper, Section, Summary
from bot.ports import Store
from bot.related import Vector, build_vector, nearest_by_scan, paper_terms, query_weights
from storage import open_store, sqlite_path
from tests.conftest import PaperFactory

DAY = date(2025, 3, 3)

# Four topics, each with words of its own, and words every topic uses: enough papers that some
# share a topic, some share only common words, and some tie.
_TOPICS = {
    "diffusion": "diffusion denoising sampler latent image video guidance scheduler",
    "agents": "agent planning tool browser environment reward trajectory memory",
    "speech": "speech audio waveform vocoder phoneme speaker prosody codec",
    "proof": "theorem proof lean formal tactic lemma verifier premise",
}
_COMMON = "model large training data evaluation benchmark efficient framework"
_KOREAN = {
    "diffusion": "확산 모델로 고해상도 이미지를 생성합니다.",
    "agents": "에이전트가 도구를 사용해 웹 작업을 계획합니다.",
    "speech": "음성 합성의 운율을 개선합니다.",
    "proof": "형식 증명을 자동으로 찾습니다.",
}


def _corpus(make_paper: PaperFactory, count: int = 40) -> list[Paper]:
    papers = []
    topics = list(_TOPICS)
    for index in range(count):
        topic = topics[index % len(topics)]
        words = _TOPICS[topic].split()
        # each paper takes a different slice of its topic's words, plus common ones
        picked = [words[(index + k) % len(words)] for k in range(3 + index % 4)]
        common = _COMMON.split()[index % 5 : index % 5 + 3]
        korean = index % 3 == 0
        papers.append(
            make_paper(
                f"2503.{index + 1:05d}",
                title=f"{' '.join(picked[:2]).title()} for {common[0]} {topic}",
                abstract=" ".join(picked + common) + ".",
                authors=(f"Author {topic.title()}", f"Person {index % 7}"),
                votes=index % 9,
                sections=(Section(heading="What's New", text=_KOREAN[topic]),) if korean else (),
            )
        )
    return papers


async def _vectors(store: Store) -> list[tuple[int, Vector]]:
    found: list[tuple[int, Vector]] = []
    while page := await store.related_vectors(after=found[-1][0] if found else 0, limit=7):
        found.extend(page)
    return found


async def test_the_index_answers_exactly_as_a_scan_of_every_vector(
    store: Store, make_paper: PaperFactory
) -> None:
    papers = _corpus(make_paper)
    await store.upsert_day(DigestDay(day=DAY, source="test", papers=papers))
    vectors = await _vectors(store)
    assert len(vectors) == len(papers)

    for paper in papers:
        source = await store.related_source(paper.arxiv_id)
        assert source is not None
        assert source.paper.arxiv_id == paper.arxiv_id
        assert source.papers == len(papers)
        weights = query_weights(source.vector, source.frequencies, source.papers)
        found = await store.nearest(source.key, weights, 10)

        expected = nearest_by_scan(source.key, weights, vectors, 10)
        assert [(near.key, near.score) for near in found] == expected
        assert paper.arxiv_id not in {near.paper.arxiv_id for near in found}
        assert found, paper.arxiv_id  # every paper shares its topic with others


async def test_ties_go_to_the_paper_stored_later(store: Store, make_paper: PaperFactory) -> None:
    twins = [make_paper(f"2503.0000{n}", title="Quantum kittens", sections=()) for n in (1, 2, 3)]
    await store.upsert_day(DigestDay(day=DAY, source="test", papers=twins))
    source = await store.related_source("2503.00001")
    assert source is not None
    weights = query_weights(source.vector, source.frequencies, source.papers)

    found = await store.nearest(source.key, weights, 5)

    assert [near.paper.arxiv_id for near in found] == ["2503.00003", "2503.00002"]
    assert found[0].score == found[1].score > 0


async def test_a_new_summary_reindexes_the_paper(store: Store, make_paper: PaperFactory) -> None:
    first = make_paper("2503.00001", title="Kernels", abstract="", sections=(), authors=("A",))
    second = make_paper("2503.00002", title="Protein folding", abstract="", sections=(), authors=("B",))
    third = make_paper("2503.00003", title="Weather forecasting", abstract="", sections=(), authors=("C",))
    await store.upsert_day(DigestDay(day=DAY, source="test", papers=[first, second, third]))
    source = await store.related_source("2503.00001")
    assert source is not None
    assert "트랜" not in source.vector.weights

    summary = Summary(
        language="ko",
        source="llm",
        sections=(Section(heading="What's New", text="트랜스포머로 단백질 Protein"),),
    )
    await store.save_summary("2503.00001", summary)

    source = await store.related_source("2503.00001")
    assert source is not None
    assert {"트랜", "protein"} <= source.vector.weights.keys()
    assert source.vector.display["트랜"] == "트랜스포머로"
    assert source.frequencies["protein"] == 2
    weights = query_weights(source.vector, source.frequencies, source.papers)
    found = await store.nearest(source.key, weights, 5)
    assert [near.paper.arxiv_id for near in found] == ["2503.00002"]


async def test_frequencies_follow_each_rewrite_and_new_votes_write_nothing(
    store: Store, make_paper: PaperFactory
) -> None:
    old = make_paper("2503.00001", title="Graph networks", abstract="molecules", sections=())
    other = make_paper("2503.00002", title="Graph molecules", abstract="", sections=())
    await store.upsert_day(DigestDay(day=DAY, source="test", papers=[old, other]))
    before = await store.related_source("2503.00002")
    assert before is not None
    assert before.frequencies["molecule"] == 2

    votes_only = old.model_copy(update={"votes": 50})
    await store.upsert_day(DigestDay(day=DAY, source="test", papers=[votes_only]))
    unchanged = await store.related_source("2503.00002")
    assert unchanged is not None
    assert unchanged.frequencies == before.frequencies

    rewritten = old.model_copy(update={"abstract": "crystals and their lattices"})  # the fuller one stays
    await store.upsert_day(DigestDay(day=DAY, source="test", papers=[rewritten]))
    after = await store.related_source("2503.00002")
    assert after is not None
    assert after.frequencies["molecule"] == 1
    assert after.frequencies["graph"] == 2
    assert after.papers == 2


async def _forget_the_index(url: str) -> None:
    """The database as it was before migration 0012 filled anything: papers, no vectors."""
    tables = ("related_terms", "related_docs", "related_df", "related_corpus")
    path = sqlite_path(url)
    if path is not None:
        with sqlite3.connect(path) as lite:
            for table in tables:
                lite.execute(f"DELETE FROM {table}")
        return
    db = await asyncpg.connect(url)
    try:
        for table in tables:
            await db.execute(f"DELETE FROM {table}")
    finally:
        await db.close()


async def test_papers_stored_before_the_index_are_indexed_when_the_store_opens(
    store_url: str, make_paper: PaperFactory
) -> None:
    papers = _corpus(make_paper, 12)
    store = await open_store(store_url)
    try:
        await store.upsert_day(DigestDay(day=DAY, source="test", papers=papers))
        incremental = await store.related_source(papers[0].arxiv_id)
    finally:
        await store.close()
    await _forget_the_index(store_url)

    store = await open_store(store_url)
    try:
        assert await store.index_related() == 0  # the opening did it
        rebuilt = await store.related_source(papers[0].arxiv_id)
        vectors = dict(await _vectors(store))
    finally:
        await store.close()

    assert incremental is not None
    assert rebuilt is not None
    assert (rebuilt.frequencies, rebuilt.papers) == (incremental.frequencies, incremental.papers)
    assert len(vectors) == len(papers)
    # each vector chosen with the whole corpus' frequencies
    assert rebuilt.vector == build_vector(paper_terms(papers[0]), rebuilt.frequencies, len(papers))
    assert vectors[rebuilt.key] == rebuilt.vector


async def test_an_unknown_paper_has_no_source(store: Store) -> None:
    assert await store.related_source("2503.99999") is None
    assert await store.nearest(1, {}, 5) == []
