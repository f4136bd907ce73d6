"""`paperboy copy`: a SQLite database moves to PostgreSQL with nothing lost, ids and ledger included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.errors import StartupError
from bot.models import Destination, DigestDay, Subscription
from bot.ports import SearchQuery, Store
from storage.copy import copy_sqlite_to_postgres
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore

DAY = date(2025, 2, 24)
NOW = datetime(2025, 2, 25, 0, 0, tzinfo=UTC)
HERE = Destination(platform="telegram", chat_id="42")


async def _snapshot(store: Store) -> dict[str, object]:
    """What a user of either store sees: lists, search, a subscription, the ledger, tokens, counts."""
    stats = await store.stats()
    return {
        "top": [(p.arxiv_id, p.votes, p.days) for p in await store.top(DAY, limit=50)],
        "search": sorted(p.arxiv_id for p in (await store.search(SearchQuery("모델", limit=50))).papers),
        "subscription": await store.get_subscription(HERE),
        "ledger": await store.already_sent(HERE, ["2502.15007", "2502.14776"]),
        "counts": (stats.papers, stats.days, stats.subscriptions, stats.outbox_sent, stats.outbox_pending),
    }


async def test_a_sqlite_database_moves_to_postgres_with_nothing_lost(
    tmp_path: Path, postgres_url: str, sample_day: DigestDay
) -> None:
    path = tmp_path / "old.db"
    old = await SqliteStore.open(path)
    await old.upsert_day(sample_day)
    subscription = Subscription(
        destination=HERE, chat_type="private", time_zone="Asia/Seoul", send_time=time(8, 30),
        include=("모델",), top_n=3, active_since=NOW,
    )  # fmt: skip
    await old.save_subscription(subscription)
    await old.enqueue(HERE, "digest", DAY, NOW)
    [item] = await old.lease("worker", NOW, seconds=60, limit=1)
    await old.record_message(item.id, 0, "m1", HERE, ["2502.15007"], choice=["2502.15007"], final=True)
    token = await old.remember("모델 search")
    before = await _snapshot(old)
    await old.close()

    report = await copy_sqlite_to_postgres(f"sqlite:///{path}", postgres_url)
    assert report.rows["papers"] == len(sample_day.papers)
    assert report.rows["ledger"] == 1

    new = await PostgresStore.open(postgres_url)
    try:
        assert await _snapshot(new) == before
        assert await new.recall(token) == "모델 search"
        assert await new.enqueue(HERE, "digest", date(2025, 2, 25), NOW)  # ids carry on past the copied ones
    finally:
        await new.close()
    with pytest.raises(StartupError, match="copy into an empty database"):
        await copy_sqlite_to_postgres(str(path), postgres_url)
