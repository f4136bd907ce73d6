"""What storing a day promises for any data a source hands over, on every store: the result does
not depend on the reading order, and one bad value costs at most its own paper."""

from __future__ import annotations

import itertools
from datetime import date

from bot.models import DigestDay, Paper, Section, Summary
from bot.ports import Store
from tests.conftest import PaperFactory


def _sightings(make_paper: PaperFactory, arxiv_id: str) -> list[Paper]:
    """Four sightings of one paper on four listing days, with conflicting and missing fields."""
    return [
        make_paper(arxiv_id, title="Title, two-star era", authors=("B", "A"), votes=3,
                   sections=(Section(heading="What's New", text="두 별 형식"),), thumbnail="https://x/a.png"),
        make_paper(arxiv_id, title="Title, 3-star era!!", authors=("A", "B"), votes=None,
                   sections=(Section(heading="What's New", text="세 별 형식"),), abstract="An abstract."),
        make_paper(arxiv_id, title="Title", authors=(), votes=7, sections=(), keywords=("k",),
                   github="https://github.com/a/b"),
        make_paper(arxiv_id, title="Title, two-star era", authors=("C",), votes=5,
                   summaries=(Summary.from_archive((Section(heading="", text="다른 요약"),)),),
                   abstract="Another one", keywords=("k", "j")),
    ]  # fmt: skip


DAYS = [date(2024, 10, 16), date(2024, 10, 18), date(2024, 10, 20), date(2024, 10, 17)]


async def test_every_reading_order_stores_the_same_paper(store: Store, make_paper: PaperFactory) -> None:
    """Each permutation of the sightings goes to its own arXiv id; all must end up equal."""
    orders = list(itertools.permutations(range(4)))
    ids = [f"2410.{10000 + n}" for n in range(len(orders))]
    for arxiv_id, order in zip(ids, orders, strict=True):
        sightings = _sightings(make_paper, arxiv_id)
        for index in order:
            await store.upsert_day(DigestDay(day=DAYS[index], source="test", papers=[sightings[index]]))
    stored = [await store.get_paper(arxiv_id) for arxiv_id in ids]
    assert len({paper.model_copy(update={"arxiv_id": ids[0]}) for paper in stored if paper}) == 1
    # the same data again, in yet another order: nothing changes
    for arxiv_id in ids[:3]:
        sightings = _sightings(make_paper, arxiv_id)
        for index in (3, 1, 0, 2):
            digest = DigestDay(day=DAYS[index], source="test", papers=[sightings[index]])
            result = await store.upsert_day(digest)
            assert (result.day_added, result.papers_added, result.papers_updated) == (False, 0, 0)
