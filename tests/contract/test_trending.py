"""Every store keeps the HF fields and the vote history, and ranks trending the same way."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.models import DigestDay, Paper
from bot.ports import SearchQuery, Store
from tests.conftest import PaperFactory

MON, TUE, WED = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
NOON = datetime(2026, 3, 4, 12, tzinfo=UTC)
DAY_LONG = timedelta(hours=24)


async def _round(store: Store, day: date, at: datetime, papers: list[Paper]) -> None:
    """One ingest round's answer for `day`, read at `at`."""
    await store.upsert_day(DigestDay(day=day, source="hf", seen_at=at, papers=papers))


async def test_the_hf_fields_round_trip_and_a_later_answer_replaces_the_counts(
    store: Store, make_paper: PaperFactory
) -> None:
    paper = make_paper(
        "2602.00001", organization="AIRI", github="https://github.com/a/b", github_stars=41, num_comments=4,
        keywords=("context memory",), days=(MON,),
    )  # fmt: skip
    await store.upsert_day(DigestDay(day=MON, source="hf", papers=[paper]))
    assert await store.get_paper("2602.00001") == paper
    later = make_paper("2602.00001", github="https://github.com/a/b", github_stars=39, num_comments=None)
    await store.upsert_day(DigestDay(day=MON, source="hf", papers=[later]))
    stored = await store.get_paper("2602.00001")
    assert stored is not None
    assert (stored.github_stars, stored.num_comments, stored.organization) == (39, 4, "AIRI")
    unknown = make_paper("2602.00002", github_stars=None, num_comments=None, days=(MON,))
    await store.upsert_day(DigestDay(day=MON, source="hf", papers=[unknown]))
    assert await store.get_paper("2602.00002") == unknown  # unknown is kept as unknown, not 0


async def test_search_finds_a_paper_by_its_organization(store: Store, make_paper: PaperFactory) -> None:
    await store.upsert_day(
        DigestDay(day=MON, source="hf", papers=[make_paper("2602.00001", organization="Moonshot Labs")])
    )
    found = await store.search(SearchQuery("moonshot", limit=5))
    assert [p.arxiv_id for p in found.papers] == ["2602.00001"]


async def test_trending_ranks_by_votes_gained_in_the_window(store: Store, make_paper: PaperFactory) -> None:
    early = NOON - timedelta(hours=30)
    await _round(store, MON, early, [make_paper("2602.00001", votes=100), make_paper("2602.00002", votes=10)])
    await _round(store, TUE, early, [make_paper("2602.00003", votes=50)])
    # the window's start: the last count seen by then (30 hours ago) is the baseline
    later = NOON - timedelta(hours=2)
    await _round(store, MON, later, [make_paper("2602.00001", votes=120), make_paper("2602.00002", votes=45)])
    await _round(store, TUE, later, [make_paper("2602.00003", votes=70)])
    page = await store.trending(NOON, days=3, window=DAY_LONG, limit=10)
    assert [(t.paper.arxiv_id, t.gained) for t in page.trends] == [
        ("2602.00002", 35),
        ("2602.00001", 20),  # ties by current votes: 120 before 70
        ("2602.00003", 20),
    ]
    assert page.trends[0].paper.votes == 45
    assert (page.first_day, page.last_day, page.listed, page.tracked) == (date(2026, 3, 1), TUE, 3, 3)
    assert [
        t.paper.arxiv_id for t in (await store.trending(NOON, days=3, window=DAY_LONG, limit=1)).trends
    ] == ["2602.00002"]


async def test_trending_reads_the_history_as_of_now(store: Store, make_paper: PaperFactory) -> None:
    """A paper first seen inside the window counts from its first sighting there; samples after `now`
    do not count; a paper whose count did not move wrote no row and gains nothing."""
    await _round(store, WED, NOON - timedelta(hours=10), [make_paper("2602.00001", votes=5)])
    await _round(store, WED, NOON - timedelta(hours=5), [make_paper("2602.00001", votes=25)])
    await _round(store, WED, NOON - timedelta(hours=4), [make_paper("2602.00001", votes=25)])  # no change
    await _round(store, WED, NOON + timedelta(hours=1), [make_paper("2602.00001", votes=99)])
    page = await store.trending(NOON, days=1, window=DAY_LONG, limit=10)
    assert [(t.paper.arxiv_id, t.gained) for t in page.trends] == [("2602.00001", 20)]
    # an hour-long window that holds no change: nothing gained, but there is a history
    quiet = await store.trending(NOON, days=1, window=timedelta(hours=1), limit=10)
    assert (quiet.trends, quiet.listed, quiet.tracked) == ([], 1, 1)


async def test_trending_without_history_or_lists(store: Store, make_paper: PaperFactory) -> None:
    empty = await store.trending(NOON, days=3, window=DAY_LONG, limit=10)
    assert (empty.trends, empty.first_day, empty.listed, empty.tracked) == ([], None, 0, 0)
    await _round(store, MON, NOON - timedelta(hours=3), [make_paper("2602.00001", votes=7)])
    once = await store.trending(NOON, days=3, window=DAY_LONG, limit=10)
    assert (once.trends, once.listed, once.tracked) == ([], 1, 0)  # seen once: no history to rank by
    # the days end with the latest list on or before now, not with today
    assert (once.first_day, once.last_day) == (date(2026, 2, 28), MON)


async def test_the_vote_history_is_bounded(store: Store, make_paper: PaperFactory) -> None:
    """A row only when the count moved, and rows older than the history's span are pruned."""
    start = NOON - timedelta(days=40)
    listed = start.date()
    for step in range(4):
        await _round(store, listed, start + timedelta(days=step), [make_paper("2602.00001", votes=step)])
    await _round(store, listed, start + timedelta(days=4), [make_paper("2602.00001", votes=3)])  # unchanged
    then = await store.trending(start + timedelta(days=5), days=1, window=timedelta(days=10), limit=5)
    assert [(t.gained, then.tracked) for t in then.trends] == [(3, 1)]  # four samples: 0 .. 3
    await _round(store, listed, NOON, [make_paper("2602.00001", votes=9)])
    # only NOON's sample is left: the older ones went when it was written
    now = await store.trending(NOON + timedelta(hours=1), days=1, window=timedelta(days=60), limit=5)
    assert (now.trends, now.listed, now.tracked) == ([], 1, 0)
