"""The `thread` format: only where threads exist, offered by Slack's settings, and migration 0005
relaxing the format CHECK on both databases without losing a row of what references it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import asyncpg
import pytest

from bot.errors import UsageError
from bot.models import Destination, Subscription
from bot.platforms import push_formats
from bot.ports import Store
from bot.service import PaperService
from handlers.slack_adapter.settings import read_submission, settings_modal
from storage import open_store
from storage.migrate import available_migrations

SLACK = Destination(platform="slack", chat_id="C1")
TELEGRAM = Destination(platform="telegram", chat_id="-1001")


async def _subscribe(service: PaperService, destination: Destination) -> None:
    await service.subscribe(destination, chat_type="channel", title=None, by="U1", language="en")


async def test_only_slack_can_be_set_to_thread(service: PaperService) -> None:
    await _subscribe(service, SLACK)
    await _subscribe(service, TELEGRAM)
    saved = await service.update_subscription(SLACK, "U1", format="thread")
    assert saved.format == "thread"
    again = await service.subscription(SLACK)
    assert again is not None
    assert again.format == "thread"  # the database's CHECK takes it
    with pytest.raises(UsageError, match="not available here: choose compact, cards"):
        await service.update_subscription(TELEGRAM, "U1", format="thread")
    telegram = await service.subscription(TELEGRAM)
    assert telegram is not None
    assert telegram.format == "compact"  # nothing half-saved
    assert push_formats("telegram") == ("compact", "cards")
    assert push_formats("console") == ("compact", "cards")


def test_the_slack_settings_modal_offers_thread_and_reads_it_back() -> None:
    subscription = Subscription(destination=SLACK, chat_type="channel", format="thread")
    view = settings_modal(subscription, "ko")
    [block] = [b for b in view["blocks"] if b["block_id"] == "format"]
    assert [o["value"] for o in block["element"]["options"]] == ["compact", "cards", "thread"]
    assert block["element"]["initial_option"]["value"] == "thread"
    values = {
        b["block_id"]: {"value": _untouched(b["element"])}
        for b in view["blocks"]
        if b["block_id"] != "options"
    }
    assert read_submission(values, "en")["format"] == "thread"


def _untouched(element: dict[str, object]) -> dict[str, object]:
    kind = element["type"]
    if kind == "timepicker":
        return {"type": kind, "selected_time": element["initial_time"]}
    if kind == "checkboxes":
        return {"type": kind, "selected_options": element.get("initial_options", [])}
    if kind == "radio_buttons":
        return {"type": kind, "selected_option": element["initial_option"]}
    return {"type": kind, "value": element.get("initial_value")}


# -- migration 0005 ------------------------------------------------------------------------------

T = "'2025-02-24T00:00:00.000000+00:00'"
_ROWS = [
    """INSERT INTO subscriptions (id, platform, chat_id, chat_type, format, top_n, active_since,
                                  created_at, updated_at)
       VALUES (7, 'slack', 'C1', 'channel', 'cards', 5, {T}, {T}, {T})""",
    """INSERT INTO outbox (id, subscription_id, digest_day, due_at, status, next_attempt_at, created_at)
       VALUES (3, 7, '2025-02-24', {T}, 'pending', {T}, {T})""",
    """INSERT INTO outbox_messages (outbox_id, seq, platform_message_id, destination, papers, sent_at)
       VALUES (3, 0, '1700000000.000100', 'slack:C1', '["2502.15007"]', {T})""",
]


async def _after_0005(store: Store) -> None:
    """Every row is still there and still tied together; `thread` is accepted, nonsense is not."""
    [subscription] = await store.list_subscriptions()
    assert (subscription.destination, subscription.format, subscription.top_n) == (SLACK, "cards", 5)
    stats = await store.stats()
    assert stats.outbox_pending == 1  # the outbox row was not cascaded away with the old table
    assert await store.already_sent(SLACK, ["2502.15007"]) == {"2502.15007"}
    await store.save_subscription(subscription.model_copy(update={"format": "thread"}))
    [threaded] = await store.list_subscriptions()
    assert threaded.format == "thread"
    items = await store.lease("test", datetime(2100, 1, 1, tzinfo=UTC), seconds=60, limit=10)
    [item] = items
    assert (item.id, item.sent, dict(item.message_ids)) == (3, frozenset({0}), {0: "1700000000.000100"})


async def test_sqlite_0005_keeps_every_row_and_reference(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with aiosqlite.connect(path) as db:
        for step in available_migrations("sqlite")[:4]:
            await db.executescript(step.sql)
        await db.execute("PRAGMA user_version = 4")
        for statement in _ROWS:
            await db.execute(statement.format(T=T))
        await db.commit()
    store = await open_store(path)
    try:
        await _after_0005(store)
    finally:
        await store.close()
    async with aiosqlite.connect(path) as db:
        await db.execute("PRAGMA foreign_keys = ON")
        async with db.execute("PRAGMA user_version") as cursor:
            assert await cursor.fetchone() == (len(available_migrations("sqlite")),)  # 0005 and what follows
        async with db.execute("PRAGMA foreign_key_check") as cursor:
            assert await cursor.fetchall() == []
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            await db.execute("UPDATE subscriptions SET format = 'bogus'")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            await db.execute(
                """INSERT INTO outbox (subscription_id, digest_day, due_at, next_attempt_at, created_at)
                   VALUES (99, '2025-02-25', 'now', 'now', 'now')"""
            )
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            await db.execute(
                """INSERT INTO subscriptions
                       (platform, chat_id, chat_type, active_since, created_at, updated_at)
                   VALUES ('slack', 'C1', 'channel', 'now', 'now', 'now')"""
            )
        await db.execute("DELETE FROM subscriptions")  # the cascade still reaches the outbox
        async with db.execute("SELECT count(*) FROM outbox") as cursor:
            assert await cursor.fetchone() == (0,)


async def test_postgres_0005_keeps_every_row_and_reference(postgres_url: str) -> None:
    db = await asyncpg.connect(postgres_url)
    try:
        await db.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT, applied_at TIMESTAMPTZ)"
        )
        for step in available_migrations("postgresql")[:4]:
            await db.execute(step.sql)
            await db.execute("INSERT INTO schema_version VALUES ($1, $2, now())", step.version, step.name)
        for statement in _ROWS:
            await db.execute(statement.format(T=T))
    finally:
        await db.close()
    store = await open_store(postgres_url)
    try:
        await _after_0005(store)
    finally:
        await store.close()
    db = await asyncpg.connect(postgres_url)
    try:
        with pytest.raises(asyncpg.CheckViolationError):
            await db.execute("UPDATE subscriptions SET format = 'bogus'")
    finally:
        await db.close()
