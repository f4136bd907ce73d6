"""The selection memo and personal ranking: shared only between destinations with the same feedback."""

from __future__ import annotations

from datetime import date
from typing import cast

from bot.models import Destination, Paper, Subscription
from bot.ports import PaperFeedback, Store
from bot.selection import SelectionMemo, selection_for
from tests.conftest import PaperFactory

DAY = date(2025, 1, 6)


class Presses:
    """Just the feedback a personal selection reads (the day and the ledger come from the caller)."""

    def __init__(self, feedback: dict[str, list[PaperFeedback]]) -> None:
        self.feedback = feedback
        self.asked: list[str] = []

    async def feedback_destinations(self) -> set[str]:
        return set(self.feedback)

    async def destination_feedback(self, destination: Destination) -> list[PaperFeedback]:
        self.asked.append(destination.key)
        return self.feedback.get(destination.key, [])

    async def get_paper(self, arxiv_id: str) -> Paper | None:
        return None


def sub(chat: str, **settings: object) -> Subscription:
    destination = Destination(platform="telegram", chat_id=chat)
    return Subscription.model_validate({"destination": destination, "chat_type": "private", **settings})


async def test_personal_selections_are_shared_only_with_the_same_feedback(make_paper: PaperFactory) -> None:
    papers = [
        make_paper("2501.00001", votes=90, title="Language model reasoning", sections=()),
        make_paper("2501.00002", votes=80, title="Language model tuning", sections=()),
        make_paper("2501.00003", votes=10, title="Video diffusion transformers", sections=()),
        make_paper("2501.00004", votes=5, title="Video diffusion editing", sections=()),
    ]

    async def listed(_: date) -> list[Paper]:
        return papers

    liked = [PaperFeedback("2501.00004", likes=2)]
    presses = Presses({"telegram:1": liked, "telegram:2": liked})
    store = cast(Store, presses)
    memo = SelectionMemo()
    personal = {"top_n": 2, "ranking": "personal"}
    one = await selection_for(store, sub("1", **personal), DAY, listed, memo, received=())
    two = await selection_for(store, sub("2", **personal), DAY, listed, memo, received=())
    three = await selection_for(store, sub("3", **personal), DAY, listed, memo, received=())
    by_votes = await selection_for(store, sub("4", top_n=2), DAY, listed, memo, received=())
    assert two is one  # the same presses: computed once
    assert [p.paper.arxiv_id for p in one.picks] == ["2501.00003", "2501.00001"]
    assert three is by_votes  # no presses: the votes' selection, shared with votes-ranked subscribers
    assert [p.paper.arxiv_id for p in three.picks] == ["2501.00001", "2501.00002"]
    assert presses.asked == ["telegram:1", "telegram:2"]  # the others were never asked about
    memo.clear()
    assert memo.with_feedback is None  # a new drain reads who has feedback again
