"""SQLite with a second writer on the file: long days commit in chunks, a busy file is waited for,
and a write that still cannot get the lock is one line, not a traceback."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

import storage.sqlite
from bot.config import HFSettings
from bot.errors import StoreError
from bot.ingest import DigestSources
from bot.models import DigestDay
from bot.service import PaperService
from storage.sqlite import SqliteStore
from tests.conftest import PaperFactory

DAY = date(2025, 3, 3)


async def test_the_store_waits_long_for_another_writer(sqlite_store: SqliteStore) -> None:
    async with sqlite_store._db.execute("PRAGMA busy_timeout") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    assert row[0] >= 30_000


async def test_a_long_day_commits_in_chunks(
    sqlite_store: SqliteStore, make_paper: PaperFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.sqlite, "WRITE_CHUNK", 10)
    statements: list[str] = []
    await sqlite_store._db.set_trace_callback(statements.append)
    papers = [make_paper(f"2503.{n:05d}") for n in range(25)]
    result = await sqlite_store.upsert_day(DigestDay(day=DAY, source="t", papers=papers))
    await sqlite_store._db.set_trace_callback(lambda _statement: None)
    assert (result.day_added, result.papers_added) == (True, 25)
    assert sum(s.strip().upper() == "COMMIT" for s in statements) == 3  # 10 + 10 + 5 papers
    assert [p.arxiv_id for p in await sqlite_store.top(DAY, limit=50)] == [p.arxiv_id for p in papers]


async def test_a_writer_holding_the_lock_too_long_is_one_line(
    tmp_path: Path, make_paper: PaperFactory
) -> None:
    path = tmp_path / "paperboy.db"
    store = await SqliteStore.open(path)
    other = await SqliteStore.open(path)  # a second instance on the same file
    await store._db.execute("PRAGMA busy_timeout = 200")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        await other.upsert_day(DigestDay(day=DAY, source="t", papers=[make_paper("2503.00001")]))
        holder.execute("BEGIN IMMEDIATE")  # a third writer keeps the write lock
        with pytest.raises(StoreError) as raised:
            await store.upsert_day(DigestDay(day=DAY, source="t", papers=[make_paper("2503.00002")]))
        assert "\n" not in str(raised.value)
        assert "another" in str(raised.value)
        service = PaperService(store, DigestSources(HFSettings()))
        day_file = tmp_path / "2025-03-04.md"
        day_file.write_text("## Daily Papers (2025-03-04)\n\n### [T](https://arxiv.org/abs/2503.00003)\n")
        report = await service.ingest([str(day_file)])
        (error,) = report.errors
        assert "2025-03-04" in error
        assert "\n" not in error
        holder.execute("ROLLBACK")
        report = await service.ingest([str(day_file)])  # the lock is free again: it goes in
        assert (report.errors, report.papers_added) == ([], 1)
    finally:
        holder.close()
        await other.close()
        await store.close()
