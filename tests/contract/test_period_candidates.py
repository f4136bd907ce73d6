"""Catalog.top_between on every store: a weekly or monthly push's candidates, each paper once."""

from __future__ import annotations

from datetime import date

from bot.models import DigestDay
from bot.ports import Store
from tests.conftest import PaperFactory

MON, TUE, WED, NEXT_MON = date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 5), date(2025, 3, 10)


async def _week(store: Store, make_paper: PaperFactory) -> None:
    await store.upsert_day(
        DigestDay(
            day=MON,
            source="t",
            papers=[
                make_paper("2503.00001", votes=5),
                make_paper("2503.00002", votes=40),
                make_paper("2503.00003"),
            ],
        )
    )
    await store.upsert_day(
        DigestDay(
            day=TUE,
            source="t",
            # 00001 is listed again on Tuesday: it is one candidate, not two.
            papers=[make_paper("2503.00004", votes=40), make_paper("2503.00001", votes=5)],
        )
    )
    unknown = make_paper("2503.00005", votes=None)
    await store.upsert_day(
        DigestDay(day=WED, source="t", papers=[unknown, make_paper("2503.00006", votes=90)])
    )
    await store.upsert_day(DigestDay(day=NEXT_MON, source="t", papers=[make_paper("2503.00007", votes=500)]))


async def test_each_paper_once_by_votes_then_first_listing(store: Store, make_paper: PaperFactory) -> None:
    await _week(store, make_paper)
    found = await store.top_between(MON, WED, limit=10)
    # 00002 and 00004 tie at 40: Monday's comes first; unknown votes come last.
    expected = ["2503.00006", "2503.00002", "2503.00004", "2503.00001", "2503.00003", "2503.00005"]
    assert [p.arxiv_id for p in found] == expected
    twice = next(p for p in found if p.arxiv_id == "2503.00001")
    assert set(twice.days) == {MON, TUE}  # the paper keeps every day it was listed
    assert found[0].summaries  # whole papers, summaries and all, as `top` gives them


async def test_bounds_are_included_and_limit_applies(store: Store, make_paper: PaperFactory) -> None:
    await _week(store, make_paper)
    assert [p.arxiv_id for p in await store.top_between(TUE, TUE, limit=10)] == ["2503.00004", "2503.00001"]
    assert [p.arxiv_id for p in await store.top_between(MON, NEXT_MON, limit=2)] == [
        "2503.00007",
        "2503.00006",
    ]
    assert (
        await store.top_between(date(2025, 3, 6), date(2025, 3, 9), limit=10) == []
    )  # a weekend without lists
    assert await store.top_between(WED, MON, limit=10) == []  # an empty span
