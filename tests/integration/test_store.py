"""SqliteStore against a real database file: schema, upserts, merging, top, days, stats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import aiosqlite
import pytest

from bot.models import DigestDay, Section
from storage.migrate import available_migrations
from storage.sqlite import SqliteStore
from tests.conftest import SAMPLE_DAY, PaperFactory

DAY = date(2025, 3, 3)


async def test_schema_is_migrated_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    store = await SqliteStore.open(path)
    await store.close()
    store = await SqliteStore.open(path)  # reopening applies nothing twice
    await store.close()
    async with aiosqlite.connect(path) as db:
        async with db.execute("PRAGMA user_version") as cur:
            assert (await cur.fetchone()) == (available_migrations()[-1].version,)
        async with db.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone()) == ("wal",)
        async with db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
            tables = {row[0] for row in await cur.fetchall()}
    assert {"papers", "days", "paper_days", "papers_fts", "subscriptions", "outbox", "ledger"} <= tables


async def test_foreign_keys_are_enforced(store: SqliteStore) -> None:
    with pytest.raises(aiosqlite.IntegrityError, match="FOREIGN KEY"):
        await store._db.execute(
            "INSERT INTO paper_days (day, paper_id, position) VALUES ('2025-01-01', 999, 0)"
        )


async def test_sample_day_is_stored_and_a_second_ingest_changes_nothing(
    store: SqliteStore, sample_day: DigestDay
) -> None:
    first = await store.upsert_day(sample_day)
    assert (first.day_added, first.papers_added, first.papers_updated) == (True, 32, 0)
    again = await store.upsert_day(sample_day)
    assert (again.day_added, again.papers_added, again.papers_updated) == (False, 0, 0)
    paper = await store.get_paper("2502.15007")
    assert paper is not None
    assert paper.votes == 95
    assert [s.heading for s in paper.sections] == [
        "What's New",
        "Technical Details",
        "Performance Highlights",
    ]
    assert paper.days == (SAMPLE_DAY,)


async def test_top_orders_by_votes_unknown_last_then_list_position(
    store: SqliteStore, make_paper: PaperFactory
) -> None:
    papers = [
        make_paper("2503.00001", votes=None),
        make_paper("2503.00002", votes=5),
        make_paper("2503.00003", votes=50),
        make_paper("2503.00004", votes=5),
        make_paper("2503.00005", votes=0),
    ]
    await store.upsert_day(DigestDay(day=DAY, source="t", papers=papers))
    top = await store.top(DAY, limit=10)
    assert [p.arxiv_id for p in top] == ["2503.00003", "2503.00002", "2503.00004", "2503.00005", "2503.00001"]
    assert [p.arxiv_id for p in await store.top(DAY, limit=2)] == ["2503.00003", "2503.00002"]
    at_least_5 = await store.top(DAY, limit=10, min_votes=5)
    assert [p.arxiv_id for p in at_least_5] == ["2503.00003", "2503.00002", "2503.00004"]


async def test_two_sources_merge_into_one_paper(store: SqliteStore, make_paper: PaperFactory) -> None:
    markdown = make_paper("2503.00001", votes=10, sections=(Section(heading="What's New", text="요약"),))
    api = make_paper(
        "2503.00001v2",
        votes=42,
        sections=(),
        abstract="We study things.",
        keywords=("llm",),
        github="https://g/x",
    )
    await store.upsert_day(DigestDay(day=DAY, source="md", papers=[markdown]))
    result = await store.upsert_day(DigestDay(day=DAY, source="api", papers=[api]))
    assert (result.papers_added, result.papers_updated) == (0, 1)
    merged = await store.get_paper("2503.00001")
    assert merged is not None
    assert merged.votes == 42
    assert merged.sections == (Section(heading="What's New", text="요약"),)
    assert merged.abstract == "We study things."
    assert merged.github == "https://g/x"
    stale = make_paper("2503.00001", votes=7)
    await store.upsert_day(DigestDay(day=DAY, source="old", papers=[stale]))
    refreshed = await store.get_paper("2503.00001")
    assert refreshed is not None
    assert refreshed.votes == 42  # the highest count seen wins


async def test_a_paper_listed_on_two_days_keeps_both(store: SqliteStore, make_paper: PaperFactory) -> None:
    other = date(2025, 3, 4)
    await store.upsert_day(DigestDay(day=DAY, source="a", papers=[make_paper("2503.00001")]))
    result = await store.upsert_day(DigestDay(day=other, source="b", papers=[make_paper("2503.00001")]))
    assert (result.day_added, result.papers_added, result.papers_updated) == (True, 0, 1)
    paper = await store.get_paper("2503.00001")
    assert paper is not None
    assert paper.days == (DAY, other)
    assert [p.arxiv_id for p in await store.top(DAY, limit=5)] == ["2503.00001"]
    assert [p.arxiv_id for p in await store.top(other, limit=5)] == ["2503.00001"]


async def test_days_latest_and_stats(
    store: SqliteStore, make_paper: PaperFactory, sample_day: DigestDay
) -> None:
    assert await store.latest_day() is None
    await store.upsert_day(sample_day)
    await store.upsert_day(DigestDay(day=DAY, source="t", papers=[make_paper(votes=None)]))
    assert await store.latest_day() == DAY
    days = await store.list_days()
    assert [(d.day, d.papers) for d in days] == [(DAY, 1), (SAMPLE_DAY, 32)]
    assert days[0].top_votes is None
    assert days[1].top_votes == 95
    stats = await store.stats()
    assert (stats.papers, stats.days, stats.first_day, stats.last_day) == (33, 2, SAMPLE_DAY, DAY)
    assert (stats.subscriptions, stats.outbox_pending, stats.outbox_sent, stats.outbox_dead) == (0, 0, 0, 0)
