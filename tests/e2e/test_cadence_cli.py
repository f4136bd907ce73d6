"""`paperboy push --now` (and its dry run) in a fresh process for a weekly subscription: the push is
the week's digest ending with the latest list, on the console."""

from __future__ import annotations

from pathlib import Path

from storage.sqlite import SqliteStore
from tests.e2e.test_cli import assert_no_traceback, paperboy


async def test_a_weekly_console_subscription_is_pushed_by_hand(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    subscribed = await paperboy(db, "console", stdin="/subscribe 07:30 Europe/Berlin\n")
    assert subscribed.code == 0, subscribed.err
    store = await SqliteStore.open(db)
    try:
        [subscription] = await store.list_subscriptions()
        weekly = subscription.model_copy(update={"cadence": "weekly", "week_day": 4, "top_n": 3})
        await store.save_subscription(weekly)
    finally:
        await store.close()
    plan = await paperboy(db, "push", "--now", "--dry-run")
    assert plan.code == 0, plan.err
    assert "list 2025-02-24: 2502.15007, 2502.14776, " in plan.out
    pushed = await paperboy(db, "push", "--now")
    assert_no_traceback(pushed)
    assert pushed.code == 0, pushed.err
    assert "The week's digest, 2025-02-18 – 2025-02-24: the top 3 Daily Papers" in pushed.out
    assert "delivered 1 push(es) in 1 message(s)" in pushed.out
    again = await paperboy(db, "push", "--now")
    assert "Enqueued 0 push(es)" in again.out
