"""What every Store promises beyond the integration tests: several instances on one database, edge
cases of the outbox, and the search rules that a second engine could easily get subtly wrong."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from bot.models import Destination, DigestDay, Follow, Section, Subscription
from bot.ports import Enqueued, NextCheck, PaperFeedback, SearchQuery, Store
from storage import open_store
from tests.conftest import PaperFactory
from tests.fixtures.adversarial import hostile_papers, huge_day

DAY = date(2025, 3, 3)
DUE = datetime(2025, 3, 4, 9, tzinfo=UTC)


async def _subscribed(store: Store, chats: int) -> list[Destination]:
    """`chats` subscriptions, each with a digest of DAY in the outbox, due at DUE + i seconds."""
    destinations = []
    for index in range(chats):
        destination = Destination(platform="telegram", chat_id=str(1000 + index))
        await store.save_subscription(Subscription(destination=destination, chat_type="private"))
        assert await store.enqueue(destination, "digest", DAY, DUE + timedelta(seconds=index))
        destinations.append(destination)
    return destinations


async def test_instances_leasing_at_once_never_take_the_same_push(store_url: str) -> None:
    stores = [await open_store(store_url) for _ in range(3)]
    try:
        await _subscribed(stores[0], 40)
        now = DUE + timedelta(minutes=1)
        taken: list[int] = []
        while batches := [
            batch
            for batch in await asyncio.gather(
                *(store.lease(f"instance{i}", now, seconds=60, limit=4) for i, store in enumerate(stores))
            )
            if batch
        ]:
            taken += [item.id for batch in batches for item in batch]
    finally:
        for store in stores:
            await store.close()
    assert len(taken) == len(set(taken)) == 40


async def test_release_hands_back_only_that_owners_pushes(store: Store) -> None:
    await _subscribed(store, 2)
    now = DUE + timedelta(minutes=1)
    (mine,) = await store.lease("a_b", now, seconds=60, limit=1)
    (theirs,) = await store.lease("axb", now, seconds=60, limit=1)  # "_" is no wildcard
    assert await store.release("a_b") == 1
    assert await store.extend_lease(theirs.id, theirs.lease, now + timedelta(minutes=2))
    assert not await store.extend_lease(mine.id, mine.lease, now + timedelta(minutes=2))
    assert [item.id for item in await store.lease("c", now, seconds=60, limit=2)] == [mine.id]


async def test_a_message_recorded_twice_counts_once(store: Store) -> None:
    (destination,) = await _subscribed(store, 1)
    (item,) = await store.lease("a", DUE, seconds=60, limit=1)
    choice = ["2503.00001", "2503.00002"]
    for _ in range(2):  # a retry of the same write after a timeout
        await store.record_message(item.id, 0, "m0", destination, choice[:1], choice=choice)
    (resumed,) = await store.lease("b", DUE + timedelta(minutes=5), seconds=60, limit=1)
    assert (resumed.papers, resumed.sent, resumed.received) == (tuple(choice), frozenset({0}), frozenset())
    await store.record_message(item.id, 1, "m1", destination, choice[1:], final=True)
    assert await store.already_sent(destination, [*choice, "2503.00003"]) == set(choice)
    stats = await store.stats()
    assert (stats.outbox_sent, stats.outbox_pending, stats.last_push is not None) == (1, 0, True)
    assert await store.lease("c", DUE + timedelta(hours=1), seconds=60, limit=1) == []


async def test_retries_then_failure_are_counted(store: Store) -> None:
    (destination,) = await _subscribed(store, 1)
    (item,) = await store.lease("a", DUE, seconds=60, limit=1)
    await store.retry_later(item.id, DUE + timedelta(minutes=10), "502 Bad Gateway")
    assert await store.lease("a", DUE + timedelta(minutes=9), seconds=60, limit=1) == []
    (again,) = await store.lease("a", DUE + timedelta(minutes=10), seconds=60, limit=1)
    assert again.attempts == 1
    await store.finish(again.id, "failed", "Forbidden: bot was blocked by the user")
    stats = await store.stats()
    assert (stats.outbox_failed, stats.outbox_pending) == (1, 0)
    assert stats.errors == {"Forbidden: bot was blocked by the user": 1}
    assert not await store.enqueue(destination, "digest", DAY, DUE)  # still there, not enqueued twice
    assert await store.enqueued_at(destination, "digest", DAY) == DUE
    assert await store.enqueued_at(destination, "note", DAY) is None


async def test_move_chat_leaves_a_topic_the_new_chat_already_has(store: Store) -> None:
    for chat, thread in [("-1", ""), ("-1", "7"), ("-100", "7")]:
        destination = Destination(platform="telegram", chat_id=chat, thread_id=thread)
        await store.save_subscription(Subscription(destination=destination, chat_type="group", title=chat))
    assert await store.move_chat("telegram", "-1", "-100") == 1
    kept = await store.get_subscription(Destination(platform="telegram", chat_id="-100", thread_id="7"))
    assert kept is not None
    assert kept.title == "-100"
    assert await store.get_subscription(Destination(platform="telegram", chat_id="-100")) is not None
    assert await store.get_subscription(Destination(platform="telegram", chat_id="-1", thread_id="7"))


async def test_a_paper_listed_twice_in_one_day_is_stored_once(store: Store, make_paper: PaperFactory) -> None:
    again = make_paper("2503.00001v2", votes=9)
    papers = [make_paper("2503.00001", votes=3), make_paper("2503.00002"), again]
    result = await store.upsert_day(DigestDay(day=DAY, source="t", papers=papers))
    assert (result.day_added, result.papers_added, result.papers_updated) == (True, 2, 1)
    assert [(p.arxiv_id, p.votes) for p in await store.top(DAY, limit=5)] == [
        ("2503.00001", 9),
        ("2503.00002", 1),
    ]
    assert (await store.list_days())[0].papers == 2
    assert await store.latest_day(on_or_before=DAY - timedelta(days=1)) is None
    assert await store.latest_day(on_or_before=DAY) == DAY


async def test_hostile_and_huge_papers_come_back_as_they_went_in(store: Store) -> None:
    hostile = DigestDay(day=DAY, source="hostile", papers=hostile_papers())
    huge = DigestDay(day=DAY + timedelta(days=1), source="huge", papers=huge_day())
    for digest in (hostile, huge):
        await store.upsert_day(digest)
        for paper in digest.papers:
            assert await store.get_paper(paper.arxiv_id) == paper.model_copy(update={"days": (digest.day,)})
        again = await store.upsert_day(digest)
        assert (again.papers_added, again.papers_updated) == (0, 0)


async def _found(store: Store, text: str) -> list[str]:
    return [paper.arxiv_id for paper in (await store.search(SearchQuery(text))).papers]


async def test_search_rules_hold_on_every_engine(store: Store, make_paper: PaperFactory) -> None:
    papers = [
        make_paper("2503.00001", title="Sparse Attention", authors=("Kernel Smith",)),
        make_paper("2503.00002", title="Für Elise: Evaluating GPT-4o on Music"),
        make_paper("2503.00003", title="GPT Scaling with 4o Data"),
        make_paper("2503.00004", sections=(Section(heading="", text="LLM들이 추론합니다."),)),
        make_paper("2503.00005", sections=(Section(heading="", text="LLM 모델들이 추론합니다."),)),
    ]
    await store.upsert_day(DigestDay(day=DAY, source="t", papers=papers))
    assert await _found(store, '"sparse attention"') == ["2503.00001"]
    assert await _found(store, '"attention kernel"') == []  # a phrase stays within one field
    assert await _found(store, "FUR") == ["2503.00002"]  # case and diacritics fold
    assert await _found(store, "GPT-4o") == ["2503.00002"]  # joined words side by side
    assert await _found(store, "LLM들이") == ["2503.00004"]
    assert sorted(await _found(store, "추론")) == ["2503.00004", "2503.00005"]
    assert await _found(store, "ks") == []  # two letters match whole words only


async def test_tokens_stand_for_their_payload(store: Store) -> None:
    token = await store.remember("search:모델 page 2")
    assert await store.remember("search:모델 page 2") == token
    assert await store.recall(token) == "search:모델 page 2"
    assert await store.recall("no-such-token") is None


async def test_instances_count_each_other_and_the_oldest_live_one_schedules(store: Store) -> None:
    start = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

    def at(seconds: float) -> datetime:
        return start + timedelta(seconds=seconds)

    assert await store.heartbeat("a", at(0), seconds=3) == (1, True)
    assert await store.heartbeat("b", at(1), seconds=3) == (2, False)
    assert await store.heartbeat("a", at(2), seconds=3) == (2, True)
    assert await store.heartbeat("b", at(6), seconds=3) == (1, True)  # a stopped beating: b takes over
    assert await store.heartbeat("a", at(7), seconds=3) == (2, False)  # a is back, and now the younger
    await store.release("b")  # a clean shutdown leaves at once
    assert await store.heartbeat("a", at(8), seconds=3) == (1, True)


async def test_enqueue_many_adds_each_push_once_and_counts_the_new_ones(store: Store) -> None:
    destinations = []
    for index in range(3):
        destination = Destination(platform="telegram", chat_id=str(2000 + index))
        await store.save_subscription(Subscription(destination=destination, chat_type="private"))
        destinations.append(destination)
    nobody = Destination(platform="telegram", chat_id="999")  # no subscription: skipped
    first = [Enqueued(d, "digest", DAY, DUE) for d in [*destinations[:2], nobody]]
    assert await store.enqueue_many(first) == 2
    assert await store.enqueue_many([]) == 0
    again = [Enqueued(d, "digest", DAY, DUE + timedelta(hours=1)) for d in destinations]
    note = Enqueued(destinations[0], "note", DAY, DUE, last_list=DAY - timedelta(days=1))
    assert await store.enqueue_many([*again, note]) == 2  # the third digest and the note
    assert await store.enqueued_at(destinations[0], "digest", DAY) == DUE  # the first one stays
    assert await store.enqueued_at(destinations[2], "digest", DAY) == DUE + timedelta(hours=1)
    assert not await store.enqueue(destinations[2], "digest", DAY, DUE)
    assert (await store.outbox_counts())["pending"] == 4
    leased = await store.lease("a", DUE + timedelta(hours=2), seconds=60, limit=10)
    assert sorted((i.subscription.destination.chat_id, i.kind) for i in leased) == [
        ("2000", "digest"), ("2000", "note"), ("2001", "digest"), ("2002", "digest")
    ]  # fmt: skip


CHOSEN = {
    "title": "Lab",
    "language": "ko",
    "summary_language": "de",
    "send_time": time(7, 30),
    "time_zone": "Asia/Seoul",
    "weekdays": frozenset({0, 2}),
    "top_n": 3,
    "min_votes": 5,
    "include": ("LLM", "agent"),
    "exclude": ("survey",),
    "format": "cards",
    "notify_empty": True,
    "late_risers": True,
    "created_by": "u1",
    "changed_by": "u2",
    "active_since": datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
}


async def test_subscriptions_come_in_pages_of_delivering_ones_by_id(store: Store) -> None:
    for index in range(7):
        destination = Destination(platform="telegram", chat_id=str(3000 + index))
        subscription = Subscription(destination=destination, chat_type="private", active=index != 3)
        if index == 0:  # every setting away from its default, to compare what each read gives
            subscription = subscription.model_copy(update=CHOSEN)
        await store.save_subscription(subscription)
    paused = Destination(platform="slack", chat_id="C1")
    await store.save_subscription(Subscription(destination=paused, chat_type="channel", paused_reason="gone"))
    pages, after, read = [], 0, []
    while page := await store.subscriptions_page(after=after, limit=2):
        assert [i for i, _ in page] == sorted(i for i, _ in page)
        assert page[0][0] > after
        after = page[-1][0]
        pages.append([s.destination.chat_id for _, s in page])
        read += [s for _, s in page]
    assert pages == [["3000", "3001"], ["3002", "3004"], ["3005", "3006"]]
    assert read == await store.list_subscriptions(delivering_only=True)  # every setting read back
    assert read[0].model_dump() == {**read[0].model_dump(), **CHOSEN}


async def test_enqueue_delivering_adds_a_digest_for_every_delivering_subscription_without_a_note(
    store: Store,
) -> None:
    settings: list[dict[str, object]] = [
        {},
        {"notify_empty": True},
        {"active": False},
        {"paused_reason": "gone"},
        {},
    ]
    for index, chosen in enumerate(settings):
        destination = Destination(platform="telegram", chat_id=str(4000 + index))
        await store.save_subscription(Subscription(destination=destination, chat_type="private", **chosen))
    assert (await store.enqueue_delivering(DAY, DUE))[0] == 2
    assert (await store.enqueue_delivering(DAY, DUE + timedelta(hours=1)))[0] == 0  # the unique key
    assert (await store.enqueue_delivering(DAY + timedelta(days=1), DUE))[0] == 2
    first = Destination(platform="telegram", chat_id="4000")
    assert await store.enqueued_at(first, "digest", DAY) == DUE
    assert await store.enqueued_at(Destination(platform="telegram", chat_id="4001"), "digest", DAY) is None
    noting = await store.subscriptions_page(after=0, limit=10, noting_only=True)
    assert [s.destination.chat_id for _, s in noting] == ["4001"]


async def test_subscriptions_due_reads_only_those_to_look_at_in_keyset_pages(store: Store) -> None:
    for index in range(6):
        destination = Destination(platform="telegram", chat_id=str(5000 + index))
        await store.save_subscription(
            Subscription(destination=destination, chat_type="private", active=index != 4)
        )
    paused = Destination(platform="slack", chat_id="C2")
    await store.save_subscription(Subscription(destination=paused, chat_type="channel", paused_reason="gone"))
    now = DUE
    pages, after = [], None
    while page := await store.subscriptions_due(now, after=after, limit=2):
        after = (page[-1].next_check_at, page[-1].row_id)
        pages.append([found.subscription.destination.chat_id for found in page])
    assert pages == [["5000", "5001"], ["5002", "5003"], ["5005"]]  # saved rows: look at once

    found = await store.subscriptions_due(now, after=None, limit=10)
    later = [NextCheck(f.row_id, f.saved_at, now + timedelta(hours=index)) for index, f in enumerate(found)]
    assert await store.schedule_checks(later) == 5
    assert [
        f.subscription.destination.chat_id for f in await store.subscriptions_due(now, after=None, limit=10)
    ] == [
        "5000"  # its next look is `now` itself
    ]
    ahead = await store.subscriptions_due(now + timedelta(hours=2, minutes=1), after=None, limit=10)
    assert [f.subscription.destination.chat_id for f in ahead] == ["5000", "5001", "5002"]
    assert [f.next_check_at for f in ahead] == [now, now + timedelta(hours=1), now + timedelta(hours=2)]


async def test_a_save_between_reading_and_scheduling_wins(store: Store) -> None:
    """New settings ask for a fresh look; the scheduler's next look, worked out from the old ones,
    must not overwrite that."""
    destination = Destination(platform="telegram", chat_id="5100")
    await store.save_subscription(Subscription(destination=destination, chat_type="private"))
    [found] = await store.subscriptions_due(DUE, after=None, limit=10)
    await asyncio.sleep(0.002)  # the save's moment differs from the read's
    await store.save_subscription(found.subscription.model_copy(update={"send_time": time(7, 0)}))
    assert (
        await store.schedule_checks([NextCheck(found.row_id, found.saved_at, DUE + timedelta(days=1))]) == 0
    )
    [again] = await store.subscriptions_due(DUE, after=None, limit=10)
    assert again.subscription.send_time == time(7, 0)
    assert (
        await store.schedule_checks([NextCheck(again.row_id, again.saved_at, DUE + timedelta(days=1))]) == 1
    )
    assert await store.subscriptions_due(DUE, after=None, limit=10) == []


async def test_enqueue_delivering_goes_page_by_page_in_id_order(store: Store) -> None:
    for index in range(7):
        destination = Destination(platform="telegram", chat_id=str(6000 + index))
        await store.save_subscription(
            Subscription(destination=destination, chat_type="private", notify_empty=index == 2)
        )
    pages, after = [], 0
    while True:
        added, last = await store.enqueue_delivering(DAY, DUE, after=after, limit=2)
        if last is None:
            break
        assert last > after
        pages.append(added)
        after = last
    assert pages == [2, 2, 2]  # six without a note, two a page
    assert await store.enqueue_delivering(DAY, DUE, after=0, limit=10) == (0, after)  # all there already


async def test_every_subscription_choice_is_kept_and_each_feed_token_finds_one_row(store: Store) -> None:
    chosen = Subscription(
        destination=Destination(platform="slack", chat_id="C1", thread_id="1.5"),
        chat_type="channel",
        cadence="monthly",
        week_day=4,
        month_day=31,
        has_code=True,
        min_stars=250,
        ranking="personal",
        follows=(Follow(kind="author", value="Yann  LeCun"), Follow(kind="search", value="모델 합병")),
    )
    plain = Subscription(destination=Destination(platform="telegram", chat_id="7"), chat_type="private")
    await store.save_subscription(chosen)
    await store.save_subscription(plain)
    assert await store.get_subscription(chosen.destination) == chosen
    again = await store.get_subscription(plain.destination)
    assert again is not None
    assert again.feed_token == plain.feed_token != chosen.feed_token
    assert chosen.follows[0].value == "Yann LeCun"


async def test_a_moved_chat_takes_what_it_received_and_its_members_presses_along(
    store: Store, make_paper: PaperFactory
) -> None:
    """A Telegram group that became a supergroup keeps its ledger (nothing comes twice), its profile
    for personal ranking and its members' saved papers, for the chat and each of its topics."""
    await store.upsert_day(
        DigestDay(day=DAY, source="test", papers=[make_paper(f"2503.0000{n}") for n in range(1, 4)])
    )
    old, topic = (
        Destination(platform="telegram", chat_id="-5"),
        Destination(platform="telegram", chat_id="-5", thread_id="9"),
    )
    new, new_topic = (
        Destination(platform="telegram", chat_id="-1005"),
        Destination(platform="telegram", chat_id="-1005", thread_id="9"),
    )
    other = Destination(platform="telegram", chat_id="-50")  # shares the old id's first characters
    for destination in (old, topic, other):
        await store.save_subscription(Subscription(destination=destination, chat_type="group"))
        await store.set_opinion(destination, "ann", "2503.00001", "like")
        await store.set_saved(destination, "ann", "2503.00002", True)
    await store.set_opinion(new, "ann", "2503.00001", "dislike")  # the new chat already has her press
    assert await store.enqueue(topic, "digest", DAY, DUE)
    (item,) = await store.lease("a", DUE, seconds=60, limit=1)
    await store.record_message(item.id, 0, "m0", topic, ["2503.00003"], choice=["2503.00003"], final=True)
    assert await store.move_chat("telegram", "-5", "-1005") == 2
    assert await store.already_sent(new_topic, ["2503.00001", "2503.00003"]) == {"2503.00003"}
    assert await store.already_sent(topic, ["2503.00003"]) == set()
    assert await store.destination_feedback(new) == [
        PaperFeedback("2503.00001", dislikes=1),
        PaperFeedback("2503.00002", saves=1),
    ]
    assert await store.destination_feedback(new_topic) == [
        PaperFeedback("2503.00001", likes=1),
        PaperFeedback("2503.00002", saves=1),
    ]
    assert await store.destination_feedback(old) == []
    assert await store.destination_feedback(topic) == []
    assert len(await store.destination_feedback(other)) == 2
    assert [saved.paper.arxiv_id for saved in (await store.saved_papers(new_topic, "ann"))[0]] == [
        "2503.00002"
    ]
