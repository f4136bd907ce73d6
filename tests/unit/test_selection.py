"""Who gets which papers: top N, vote floor, include/exclude keywords, already sent."""

from __future__ import annotations

from datetime import date
from typing import cast

import pytest

import bot.selection
from bot.models import Destination, Paper, Section, Subscription
from bot.ports import Store
from bot.selection import SelectionMemo, keyword_hits, select, selection_for
from tests.conftest import PaperFactory

HOME = Destination(platform="telegram", chat_id="1")


def sub(**settings: object) -> Subscription:
    return Subscription.model_validate({"destination": HOME, "chat_type": "private", **settings})


@pytest.mark.parametrize(
    ("keyword", "text", "hit"),
    [
        ("LLM", "Scaling LLMs to the moon", True),
        ("AI", "Scientist AI offers", True),
        ("AI", "we said it", False),
        ("diffusion", "Diffusion-based editing", True),
        ("3D", "CrossOver: 3D Scene", True),
        ("모델", "대형언어모델을 제안합니다", True),
        ("agent", "Agents everywhere", True),
        ("agent", "reagents", False),
    ],
)
def test_keyword_matching(make_paper: PaperFactory, keyword: str, text: str, hit: bool) -> None:
    paper = make_paper(title="x", sections=(Section(heading="", text=text),))
    assert bool(keyword_hits(paper, [keyword])) is hit


def test_top_n_by_given_order(make_paper: PaperFactory) -> None:
    papers = [make_paper(f"2501.0000{i}", votes=10 - i) for i in range(5)]
    chosen = select(papers, sub(top_n=3))
    assert [p.paper.arxiv_id for p in chosen.picks] == ["2501.00000", "2501.00001", "2501.00002"]
    assert str(chosen.picks[0].reasons[0]) == "among the most voted (▲ 10)"


def test_filters_and_their_reasons(make_paper: PaperFactory) -> None:
    papers = [
        make_paper("2501.00001", votes=50, title="Diffusion for robots"),
        make_paper("2501.00002", votes=40, title="Diffusion survey"),
        make_paper("2501.00003", votes=30, title="Agents"),
        make_paper("2501.00004", votes=None, title="Diffusion with unknown votes"),
        make_paper("2501.00005", votes=5, title="Diffusion, few votes"),
    ]
    chosen = select(
        papers, sub(min_votes=10, include=("diffusion",), exclude=("survey",)), already_sent={"x"}
    )
    assert [p.paper.arxiv_id for p in chosen.picks] == ["2501.00001"]
    assert [str(r) for r in chosen.picks[0].reasons] == ["▲ 50 ≥ 10", "matches diffusion"]


def test_empty_selection_says_why(make_paper: PaperFactory) -> None:
    papers = [make_paper("2501.00001", votes=50), make_paper("2501.00002", votes=1)]
    nothing = select(papers, sub(min_votes=10), already_sent={"2501.00001"})
    assert nothing.picks == []
    assert str(nothing.empty_reason) == (
        "All 2 papers were filtered out: 1 already sent, 1 under the vote floor, 0 without code, "
        "0 under the star floor, 0 with an excluded keyword, 0 without a wanted keyword."
    )
    assert str(select([], sub()).empty_reason) == "The day's list is empty."


def test_subscription_validation() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        sub(time_zone="Mars/Olympus")
    with pytest.raises(ValueError, match="weekdays"):
        sub(weekdays=frozenset())
    assert sub(include=(" diffusion ", "diffusion", "", "LLM  agents")).include == ("diffusion", "LLM agents")
    assert Destination(platform="telegram", chat_id="-100", thread_id="7").key == "telegram:-100:7"


async def test_selections_are_shared_by_equal_settings_and_histories_and_the_memo_is_bounded(
    make_paper: PaperFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.selection, "MEMO_SIZE", 3)
    papers = [make_paper(f"2501.0000{i}", votes=10 - i) for i in range(5)]
    day = date(2025, 1, 6)

    async def listed(_: date) -> list[Paper]:
        return papers

    memo: SelectionMemo = {}
    nobody = cast(Store, None)  # `received` and the loader answer everything the store would
    one = await selection_for(nobody, sub(top_n=2), day, listed, memo, received=())
    other = Destination(platform="slack", chat_id="C1")
    same = await selection_for(nobody, sub(top_n=2, destination=other), day, listed, memo, received=())
    assert same is one  # the same settings and history: computed once
    had = await selection_for(nobody, sub(top_n=2), day, listed, memo, received={"2501.00000"})
    assert [p.paper.arxiv_id for p in had.picks] == ["2501.00001", "2501.00002"]  # the ledger stays exact
    for top_n in (3, 4, 5):
        await selection_for(nobody, sub(top_n=top_n), day, listed, memo, received=())
    assert len(memo) == 3
    assert await selection_for(nobody, sub(top_n=2), day, listed, memo, received=()) is not one


def test_code_and_star_filters_with_their_counts_and_reasons(make_paper: PaperFactory) -> None:
    repo = "https://github.com/a/b"
    papers = [
        make_paper("2501.00001", votes=50, github=None),  # no code
        make_paper("2501.00002", votes=40, github=repo, github_stars=None),  # stars unknown
        make_paper("2501.00003", votes=30, github=repo, github_stars=9),  # under the floor
        make_paper("2501.00004", votes=20, github=repo, github_stars=10),
        make_paper("2501.00005", votes=10, github=repo, github_stars=0),
    ]
    with_code = select(papers, sub(has_code=True))
    assert [p.paper.arxiv_id for p in with_code.picks] == [
        "2501.00002",
        "2501.00003",
        "2501.00004",
        "2501.00005",
    ]
    assert [str(r) for r in with_code.picks[0].reasons] == ["among the most voted (▲ 40)", "has code"]
    starred = select(papers, sub(has_code=True, min_stars=10))
    assert [p.paper.arxiv_id for p in starred.picks] == ["2501.00004"]
    assert [str(r) for r in starred.picks[0].reasons] == ["among the most voted (▲ 20)", "★ 10 ≥ 10"]
    # a star floor alone also leaves out papers without code: they have no stars
    assert [p.paper.arxiv_id for p in select(papers, sub(min_stars=1)).picks] == ["2501.00003", "2501.00004"]
    nothing = select(papers, sub(has_code=True, min_stars=1000))
    assert str(nothing.empty_reason) == (
        "All 5 papers were filtered out: 0 already sent, 0 under the vote floor, 1 without code, "
        "4 under the star floor, 0 with an excluded keyword, 0 without a wanted keyword."
    )
    assert "코드 없음 1, 스타 수 부족 4" in nothing.empty_reason.render("ko")  # type: ignore[union-attr]


async def test_the_memo_keeps_code_filters_apart(make_paper: PaperFactory) -> None:
    """Two subscribers alike but for their code filters never share a selection."""
    papers = [
        make_paper("2501.00001", votes=5, github=None),
        make_paper("2501.00002", votes=3, github="https://g/x"),
    ]

    class History:
        async def already_sent(self, destination: Destination, arxiv_ids: list[str]) -> set[str]:
            return set()

    async def load(day: date) -> list[Paper]:
        return papers

    memo: SelectionMemo = {}
    store = cast(Store, History())
    plain = await selection_for(store, sub(), date(2025, 1, 6), load, memo)
    coded = await selection_for(store, sub(has_code=True), date(2025, 1, 6), load, memo)
    assert [p.paper.arxiv_id for p in plain.picks] == ["2501.00001", "2501.00002"]
    assert [p.paper.arxiv_id for p in coded.picks] == ["2501.00002"]
