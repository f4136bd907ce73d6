"""Summaries per language on every store: written, merged with re-ingested days, searched, counted,
and carried over from the `sections` of a database made before they existed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import aiosqlite
import asyncpg
import pytest

from bot.models import Destination, DigestDay, Section, Subscription, Summary
from bot.ports import SearchQuery, Store
from storage import open_store
from storage.migrate import available_migrations
from tests.conftest import PaperFactory

DAY = date(2025, 6, 2)
WRITTEN = datetime(2025, 6, 2, 8, tzinfo=UTC)


def _llm(language: str, text: str, **fields: object) -> Summary:
    return Summary.model_validate(
        {
            "language": language,
            "source": "llm",
            "sections": (Section(heading="What's New", text=text),),
            "model": "gpt-test",
            "prompt_version": "1",
            "created_at": WRITTEN,
            "tokens_in": 1200,
            "tokens_out": 300,
            **fields,
        }
    )


async def test_a_written_summary_is_kept_beside_the_archive_one_and_survives_reingest(
    store: Store, make_paper: PaperFactory
) -> None:
    paper = make_paper("2506.00001", abstract="We propose a method.")
    day = DigestDay(day=DAY, source="archive", papers=[paper])
    await store.upsert_day(day)
    japanese = _llm("ja", "新しい手法（method）を提案する。")
    await store.save_summary("2506.00001", japanese)
    await store.save_summary("2506.00001", _llm("en", "A new method."))

    again = await store.upsert_day(day)
    stored = await store.get_paper("2506.00001")

    assert again.papers_updated == 0
    assert stored is not None
    assert [(s.language, s.source) for s in stored.summaries] == [
        ("en", "llm"),
        ("ja", "llm"),
        ("ko", "archive"),
    ]
    assert stored.summary_in("ja") == japanese


async def test_rewriting_a_language_replaces_it_and_search_follows(
    store: Store, make_paper: PaperFactory
) -> None:
    await store.upsert_day(DigestDay(day=DAY, source="hf", papers=[make_paper("2506.00002", sections=())]))
    await store.save_summary("2506.00002", _llm("en", "Zebrafish locomotion is modelled."))
    await store.save_summary("2506.00002", _llm("en", "Penguin migration is modelled."))

    gone = await store.search(SearchQuery("zebrafish"))
    found = await store.search(SearchQuery("penguin"))
    await store.save_summary("2506.00002", _llm("ja", "ペンギンの移動をモデル化する。"))

    assert gone.total == 0
    assert [p.arxiv_id for p in found.papers] == ["2506.00002"]
    assert [p.arxiv_id for p in (await store.search(SearchQuery("ペンギン"))).papers] == ["2506.00002"]


async def test_failures_are_counted_until_a_summary_is_written(
    store: Store, make_paper: PaperFactory
) -> None:
    await store.upsert_day(DigestDay(day=DAY, source="hf", papers=[make_paper("2506.00003")]))
    await store.record_summary_failure("2506.00003", "en", "1", "malformed JSON after 4 attempts")
    await store.record_summary_failure("2506.00003", "en", "1", "rate limited (429) after 4 attempts")
    await store.record_summary_failure("2506.00003", "ja", "1", "rate limited (429) after 4 attempts")
    failing = await store.summary_stats()
    await store.save_summary("2506.00003", _llm("en", "Fine now.", verified=False))
    after = await store.summary_stats()

    assert failing.failures == {"rate limited (429) after 4 attempts": 2}
    assert after.failures == {"rate limited (429) after 4 attempts": 1}
    assert after.by_language == {"en": {"llm": 1}, "ko": {"archive": 1}}
    assert (after.tokens_in, after.tokens_out, after.unverified) == (1200, 300, 1)


async def test_a_summary_for_an_unknown_paper_is_refused(store: Store) -> None:
    with pytest.raises(Exception, match="not in the digest"):
        await store.save_summary("2506.09999", _llm("en", "x"))


# -- carried over from before summaries ----------------------------------------------------------

_OLD_PAPER = """INSERT INTO papers (arxiv_id, title, sections, created_at, updated_at) VALUES ({marks})"""
_ROWS = [
    ("2409.00001", "Korean", '[["What\'s New", "새로운 방법."], ["고찰", "한계."]]'),
    ("2409.00002", "English", '[["What\'s New", "An English entry of the archive."]]'),
    ("2409.00003", "None", "[]"),
]


async def _expected(store: Store) -> None:
    korean, english, none = [await store.get_paper(arxiv_id) for arxiv_id, _, _ in _ROWS]
    assert korean is not None
    assert english is not None
    assert none is not None
    assert korean.summaries == (
        Summary(
            language="ko",
            source="archive",
            sections=(
                Section(heading="What's New", text="새로운 방법."),
                Section(heading="고찰", text="한계."),
            ),
        ),
    )
    assert [(s.language, s.source) for s in english.summaries] == [("en", "archive")]
    assert none.summaries == ()


async def test_sqlite_sections_become_archive_summaries(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with aiosqlite.connect(path) as db:
        for step in available_migrations("sqlite")[:3]:
            await db.executescript(step.sql)
        await db.execute("PRAGMA user_version = 3")
        for arxiv_id, title, sections in _ROWS:
            await db.execute(_OLD_PAPER.format(marks="?, ?, ?, 'now', 'now'"), (arxiv_id, title, sections))
        await db.commit()
    store = await open_store(path)
    try:
        await _expected(store)
    finally:
        await store.close()


async def test_postgres_sections_become_archive_summaries(postgres_url: str) -> None:
    db = await asyncpg.connect(postgres_url)
    try:
        await db.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT, applied_at TIMESTAMPTZ)"
        )
        for step in available_migrations("postgresql")[:3]:
            await db.execute(step.sql)
            await db.execute("INSERT INTO schema_version VALUES ($1, $2, now())", step.version, step.name)
        for arxiv_id, title, sections in _ROWS:
            await db.execute(
                _OLD_PAPER.format(marks="$1, $2, $3::jsonb, now(), now()"), arxiv_id, title, sections
            )
    finally:
        await db.close()
    store = await open_store(postgres_url)
    try:
        await _expected(store)
    finally:
        await store.close()


# -- a destination that reads its summaries in another language ----------------------------------


async def test_a_subscription_keeps_its_summary_language(store: Store) -> None:
    destination = Destination(platform="telegram", chat_id="77")
    await store.save_subscription(
        Subscription(destination=destination, chat_type="private", language="en", summary_language="PT_br")
    )
    saved = await store.get_subscription(destination)
    assert saved is not None
    assert (saved.language, saved.summary_language, saved.reads) == ("en", "pt-br", "pt-br")


def test_a_summary_language_must_be_a_language_code() -> None:
    with pytest.raises(ValueError, match="not a language code"):
        Subscription(
            destination=Destination(platform="telegram", chat_id="1"),
            chat_type="private",
            summary_language="x!",
        )
