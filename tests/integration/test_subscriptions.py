"""Subscriptions through the service on a real store: subscribe, settings, pause, move, preview."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.errors import NotFoundError, UsageError
from bot.models import Destination, DigestDay
from bot.ports import Store
from bot.service import PaperService
from tests.conftest import SAMPLE_DAY, PaperFactory

GROUP = Destination(platform="telegram", chat_id="-100200", thread_id="7")


async def subscribe(
    service: PaperService, send_time: time | None = None, time_zone: str | None = None
) -> None:
    await service.subscribe(
        GROUP,
        chat_type="supergroup",
        title="Readers",
        by="user:1",
        language="ko",
        send_time=send_time,
        time_zone=time_zone,
    )


async def test_subscribe_stores_every_setting(service: PaperService, store: Store) -> None:
    first, new = await service.subscribe(
        GROUP,
        chat_type="supergroup",
        title="Readers",
        by="user:1",
        language="ko",
        send_time=time(8, 30),
        time_zone="Asia/Seoul",
    )
    assert new
    assert first.active_since <= datetime.now(UTC)
    changed = await service.update_subscription(
        GROUP,
        "user:2",
        weekdays=frozenset({0, 1, 2, 3, 4}),
        top_n=5,
        min_votes=10,
        include=("diffusion", "모델"),
        exclude=("survey",),
        format="cards",
        notify_empty=True,
        late_risers=True,
    )
    stored = await store.get_subscription(GROUP)
    assert stored == changed
    assert stored is not None
    assert (stored.send_time, stored.time_zone, stored.language) == (time(8, 30), "Asia/Seoul", "ko")
    assert (stored.top_n, stored.min_votes, stored.include, stored.format) == (
        5,
        10,
        ("diffusion", "모델"),
        "cards",
    )
    assert (stored.created_by, stored.changed_by) == ("user:1", "user:2")
    assert await store.list_subscriptions(platform="telegram") == [stored]
    assert await store.list_subscriptions(platform="slack") == []


async def test_unsubscribe_keeps_settings_for_a_comeback(service: PaperService) -> None:
    await subscribe(service, send_time=time(7, 0))
    await service.update_subscription(GROUP, None, top_n=3)
    assert await service.unsubscribe(GROUP, "user:1")
    assert not await service.unsubscribe(GROUP, "user:1")
    again, new = await service.subscribe(GROUP, chat_type="supergroup", title=None, by=None, language="en")
    assert not new
    assert (again.active, again.top_n, again.send_time) == (True, 3, time(7, 0))


async def test_bad_settings_are_refused_and_nothing_changes(service: PaperService) -> None:
    await subscribe(service)
    with pytest.raises(UsageError, match="top_n"):
        await service.update_subscription(GROUP, None, top_n=0)
    with pytest.raises(UsageError, match="time_zone"):
        await service.update_subscription(GROUP, None, time_zone="Nowhere/Land")
    subscription = await service.subscription(GROUP)
    assert subscription is not None
    assert (subscription.top_n, subscription.time_zone) == (10, "UTC")
    with pytest.raises(NotFoundError):
        await service.update_subscription(Destination(platform="slack", chat_id="C1"), None, top_n=3)


async def test_pause_and_resume_without_backlog(service: PaperService, store: Store) -> None:
    await subscribe(service)
    long_ago = datetime(2025, 1, 1, tzinfo=UTC)
    await service.update_subscription(GROUP, None, active_since=long_ago)
    await service.pause(GROUP, "bot was blocked by the user")
    assert await store.list_subscriptions(delivering_only=True) == []
    paused = await service.subscription(GROUP)
    assert paused is not None
    assert paused.paused_reason == "bot was blocked by the user"
    resumed, _ = await service.subscribe(GROUP, chat_type="supergroup", title=None, by=None, language="en")
    assert resumed.delivering
    assert resumed.active_since > long_ago  # what was missed while paused is not sent as a backlog


async def test_group_migration_keeps_the_subscription(service: PaperService, store: Store) -> None:
    await subscribe(service, send_time=time(6, 15))
    assert await service.move_chat("telegram", "-100200", "-100999") == 1
    moved = await store.get_subscription(Destination(platform="telegram", chat_id="-100999", thread_id="7"))
    assert moved is not None
    assert moved.send_time == time(6, 15)
    assert await store.get_subscription(GROUP) is None


async def test_preview_explains_each_paper(service: PaperService) -> None:
    await service.seed_sample()
    await subscribe(service, send_time=time(9, 0), time_zone="Asia/Seoul")
    await service.update_subscription(GROUP, None, top_n=3, include=("LLM",))
    monday_evening = datetime(2025, 2, 24, 12, 0, tzinfo=UTC)  # 21:00 in Seoul: next push Tuesday 09:00
    preview = await service.preview(GROUP, monday_evening)
    assert preview.due == datetime(2025, 2, 25, 0, 0, tzinfo=UTC)
    assert preview.day == SAMPLE_DAY
    assert len(preview.selection.picks) == 3
    assert [str(r) for r in preview.selection.picks[0].reasons] == [
        "among the most voted (▲ 95)",
        "matches LLM",
    ]


async def test_preview_reasons_when_empty(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    assert str((await service.preview(GROUP)).empty_reason).startswith("No push is scheduled here")
    await subscribe(service, send_time=time(9, 0), time_zone="UTC")
    early = datetime(2025, 2, 24, 10, 0, tzinfo=UTC)
    await store.upsert_day(DigestDay(day=SAMPLE_DAY, source="t", papers=[make_paper(votes=1)]))
    # The list of the 24th is complete when the push of the 25th, 09:00 UTC, goes out.
    assert (await service.preview(GROUP, early)).day == SAMPLE_DAY
    # The push of the 25th carried that list; days later with no newer one (a weekend), it is skipped.
    assert await store.enqueue(GROUP, "digest", SAMPLE_DAY, datetime(2025, 2, 25, 9, 0, tzinfo=UTC))
    later = await service.preview(GROUP, datetime(2025, 2, 26, 10, 0, tzinfo=UTC))
    assert str(later.empty_reason) == (
        "No new list since 2025-02-24 (weekends and holidays have none): the next push would be skipped."
    )
    years_later = await service.preview(GROUP, datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    assert str(years_later.empty_reason) == (  # no weekend: say how old the list is and how to fetch
        "The newest list is from 2025-02-24, 639 days ago: no weekend or holiday is that long, so "
        "ingestion may be off. Fetch the missing days with paperboy fetch-hf --date 2025-02-25 "
        "--to 2026-11-25 (paperboy run fetches new days itself unless PAPERBOY_INGEST__EVERY_MINUTES is 0)."
    )
    assert years_later.day is None
    six_days = await service.preview(GROUP, datetime(2025, 3, 2, 10, 0, tzinfo=UTC))
    assert str(six_days.empty_reason).startswith("The newest list is from 2025-02-24, 6 days ago")
    five_days = await service.preview(GROUP, datetime(2025, 3, 1, 10, 0, tzinfo=UTC))
    assert str(five_days.empty_reason).startswith("No new list since 2025-02-24 (weekends")
    await service.update_subscription(GROUP, None, min_votes=1000)
    filtered = await service.preview(GROUP, early)
    assert str(filtered.empty_reason).startswith("All 1 papers were filtered out")
    await service.pause(GROUP, "chat not found")
    assert str((await service.preview(GROUP)).empty_reason) == (
        "The push is paused: chat not found. /subscribe resumes it."
    )


async def test_preview_with_no_complete_list(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    await subscribe(service, send_time=time(23, 0), time_zone="UTC")
    await store.upsert_day(DigestDay(day=date(2025, 3, 3), source="t", papers=[make_paper()]))
    preview = await service.preview(GROUP, datetime(2025, 3, 3, 1, 0, tzinfo=UTC))
    assert str(preview.empty_reason) == "No complete Daily Papers list yet: the next push would be empty."
