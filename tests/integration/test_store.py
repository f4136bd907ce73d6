"""Every store against a real database: schema, upserts, merging, top, days, stats, the outbox."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.models import Destination, DigestDay, Section, Subscription
from bot.ports import Store
from storage import open_store
from storage.migrate import available_migrations
from storage.sqlite import DUE_QUERY, SqliteStore
from tests.conftest import SAMPLE_DAY, PaperFactory, archive_sections

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


async def test_foreign_keys_are_enforced(sqlite_store: SqliteStore) -> None:
    with pytest.raises(aiosqlite.IntegrityError, match="FOREIGN KEY"):
        await sqlite_store._db.execute(
            "INSERT INTO paper_days (day, paper_id, position) VALUES ('2025-01-01', 999, 0)"
        )


async def test_sample_day_is_stored_and_a_second_ingest_changes_nothing(
    store: Store, sample_day: DigestDay
) -> None:
    first = await store.upsert_day(sample_day)
    assert (first.day_added, first.papers_added, first.papers_updated) == (True, 32, 0)
    again = await store.upsert_day(sample_day)
    assert (again.day_added, again.papers_added, again.papers_updated) == (False, 0, 0)
    paper = await store.get_paper("2502.15007")
    assert paper is not None
    assert paper.votes == 95
    assert [s.heading for s in archive_sections(paper)] == [
        "What's New",
        "Technical Details",
        "Performance Highlights",
    ]
    assert paper.days == (SAMPLE_DAY,)


async def test_top_orders_by_votes_unknown_last_then_list_position(
    store: Store, make_paper: PaperFactory
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


async def test_two_sources_merge_into_one_paper(store: Store, make_paper: PaperFactory) -> None:
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
    assert archive_sections(merged) == (Section(heading="What's New", text="요약"),)
    assert merged.abstract == "We study things."
    assert merged.github == "https://g/x"
    stale = make_paper("2503.00001", votes=7)
    await store.upsert_day(DigestDay(day=DAY, source="old", papers=[stale]))
    refreshed = await store.get_paper("2503.00001")
    assert refreshed is not None
    assert refreshed.votes == 42  # the highest count seen wins


async def test_a_paper_listed_on_two_days_keeps_both(store: Store, make_paper: PaperFactory) -> None:
    other = date(2025, 3, 4)
    await store.upsert_day(DigestDay(day=DAY, source="a", papers=[make_paper("2503.00001")]))
    result = await store.upsert_day(DigestDay(day=other, source="b", papers=[make_paper("2503.00001")]))
    assert (result.day_added, result.papers_added, result.papers_updated) == (True, 0, 1)
    paper = await store.get_paper("2503.00001")
    assert paper is not None
    assert paper.days == (DAY, other)
    assert [p.arxiv_id for p in await store.top(DAY, limit=5)] == ["2503.00001"]
    assert [p.arxiv_id for p in await store.top(other, limit=5)] == ["2503.00001"]


async def test_days_latest_and_stats(store: Store, make_paper: PaperFactory, sample_day: DigestDay) -> None:
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


async def _outbox_of(store: Store, sample_day: DigestDay, chats: int, due: datetime) -> list[Destination]:
    """`chats` subscriptions with a digest of the sample day in the outbox, due at `due` + i seconds."""
    await store.upsert_day(sample_day)
    destinations = []
    for index in range(chats):
        destination = Destination(platform="telegram", chat_id=str(1000 + index))
        await store.save_subscription(Subscription(destination=destination, chat_type="private"))
        assert await store.enqueue(destination, "digest", sample_day.day, due + timedelta(seconds=index))
        destinations.append(destination)
    return destinations


async def test_lease_takes_the_first_due_pushes_then_the_expired_leases(
    store: Store, sample_day: DigestDay
) -> None:
    due = datetime(2025, 3, 3, 9, tzinfo=UTC)
    await _outbox_of(store, sample_day, 4, due)
    now = due + timedelta(minutes=1)
    first = await store.lease("a", now, seconds=60, limit=2)
    second = await store.lease("b", now, seconds=600, limit=3)
    assert [i.subscription.destination.chat_id for i in first] == ["1000", "1001"]
    assert [i.subscription.destination.chat_id for i in second] == ["1002", "1003"]
    assert await store.lease("c", now, seconds=60, limit=4) == []  # every lease still held
    later = now + timedelta(seconds=61)  # a's leases ran out, b's did not
    taken_over = await store.lease("c", later, seconds=60, limit=4)
    assert [i.subscription.destination.chat_id for i in taken_over] == ["1000", "1001"]
    assert not await store.extend_lease(first[0].id, first[0].lease, later)  # a finds out


async def test_ping_and_outbox_counts_agree_with_stats(store: Store, sample_day: DigestDay) -> None:
    """The cheap queries /healthz and /metrics use: a ping, and the outbox by status as stats counts it."""
    await store.ping()
    assert await store.outbox_counts() == {"pending": 0, "sent": 0, "failed": 0, "dead": 0}
    due = datetime(2025, 3, 3, 9, tzinfo=UTC)
    await _outbox_of(store, sample_day, 3, due)
    await store.lease("a", due + timedelta(minutes=1), seconds=60, limit=1)  # a leased push is pending
    counts = await store.outbox_counts()
    stats = await store.stats()
    assert counts == {"pending": 3, "sent": 0, "failed": 0, "dead": 0}
    assert counts == {
        "pending": stats.outbox_pending, "sent": stats.outbox_sent,
        "failed": stats.outbox_failed, "dead": stats.outbox_dead,
    }  # fmt: skip


async def test_messages_recorded_at_once_are_each_committed(
    store_url: str, store: Store, sample_day: DigestDay
) -> None:
    due = datetime(2025, 3, 3, 9, tzinfo=UTC)
    destinations = await _outbox_of(store, sample_day, 30, due)
    items = await store.lease("a", due + timedelta(minutes=1), seconds=60, limit=30)
    papers = [p.arxiv_id for p in sample_day.papers[:3]]
    await asyncio.gather(
        *(
            store.record_message(
                item.id,
                0,
                str(index),
                item.subscription.destination,
                papers[:1],
                choice=papers,
                final=index % 2 == 0,
            )
            for index, item in enumerate(items)
        )
    )
    # Returned means committed: another connection sees every message, its paper and its push.
    other = await open_store(store_url)
    try:
        stats = await other.stats()
        assert (stats.outbox_sent, stats.outbox_pending) == (15, 15)
        for destination in destinations:
            assert await other.already_sent(destination, papers) == {papers[0]}
        resumed = await other.lease("b", due + timedelta(minutes=5), seconds=60, limit=30)
    finally:
        await other.close()
    assert [(i.papers, i.sent) for i in resumed] == [(tuple(papers), frozenset({0}))] * 15


async def test_a_failed_record_fails_its_callers(store: Store, sample_day: DigestDay) -> None:
    destination = Destination(platform="telegram", chat_id="1")
    with pytest.raises(Exception, match=r"(?i)foreign key"):  # no such push (each driver has its own error)
        await store.record_message(404, 0, "1", destination, ["2502.00001"], final=True)
    (destination,) = await _outbox_of(store, sample_day, 1, datetime(2025, 3, 3, 9, tzinfo=UTC))
    (item,) = await store.lease("a", datetime(2025, 3, 4, tzinfo=UTC), seconds=60, limit=1)
    await store.record_message(item.id, 0, "1", destination, [], final=True)  # the next batch goes on
    assert (await store.stats()).outbox_sent == 1


async def test_the_schedulers_read_is_a_range_of_its_index_in_order(tmp_path: Path) -> None:
    """O(due), not O(subscribers): SQLite reads the partial index's range, with no scan and no sort."""
    async with aiosqlite.connect(tmp_path / "plan.db") as db:
        store = await SqliteStore.open(tmp_path / "plan.db")
        await store.close()
        plan = await db.execute_fetchall(f"EXPLAIN QUERY PLAN {DUE_QUERY}", ("2025", "1970", -1, 10))
    details = " ".join(str(row[3]) for row in plan)
    assert "USING INDEX subscriptions_next_check" in details, details
    assert "SCAN" not in details, details
    assert "TEMP B-TREE" not in details, details
