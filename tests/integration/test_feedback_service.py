"""Feedback through the service on both stores: a press toggles, the other opinion replaces it, each
member counts once toward the destination, Save toggles, and /saved pages newest first."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import NotFoundError, UsageError
from bot.feedback import SAVED_PAGE, Tally, feedback_buttons
from bot.models import Destination, DigestDay
from bot.ports import Store
from bot.service import PaperService
from tests.conftest import PaperFactory

GROUP = Destination(platform="telegram", chat_id="-100200", thread_id="7")
OTHER = Destination(platform="slack", chat_id="C0OTHER")


@pytest.fixture
async def stored(store: Store, make_paper: PaperFactory) -> list[str]:
    ids = [f"2501.{n:05d}" for n in range(1, 26)] + ["hep-th/9901001"]
    papers = [make_paper(arxiv_id, votes=n) for n, arxiv_id in enumerate(ids)]
    await store.upsert_day(DigestDay(day=date(2025, 1, 6), papers=tuple(papers), source="test"))
    return ids


async def test_a_second_press_takes_it_back_and_the_other_replaces_it(
    service: PaperService, stored: list[str]
) -> None:
    paper = stored[0]
    liked = await service.react(GROUP, "ann", paper, "like")
    assert (liked.opinion, liked.tally) == ("like", Tally(likes=1))
    assert liked.said.render("en") == f"👍 noted for {paper} (1 here)."
    assert [b.label.render("en") for b in liked.buttons] == ["👍 1", "👎", "💾 Save"]
    again = await service.react(GROUP, "ann", paper, "like")
    assert (again.opinion, again.tally) == (None, Tally())
    assert again.said.render("en") == f"👍 taken back for {paper}."
    await service.react(GROUP, "ann", paper, "like")
    replaced = await service.react(GROUP, "ann", paper, "dislike")
    assert (replaced.opinion, replaced.tally) == ("dislike", Tally(dislikes=1))
    cleared = await service.react(GROUP, "ann", paper, None)
    assert (cleared.opinion, cleared.tally) == (None, Tally())
    assert "👎 taken back" in cleared.said.render("en")
    assert "neither" in (await service.react(GROUP, "ann", paper, None)).said.render("en")


async def test_every_member_counts_once_toward_the_destination(
    service: PaperService, stored: list[str]
) -> None:
    paper = stored[1]
    await service.react(GROUP, "ann", paper, "like")
    await service.react(GROUP, "bob", f"https://arxiv.org/abs/{paper}v2", "like")
    await service.react(GROUP, "cyd", paper, "dislike")
    both = await service.react(GROUP, "ann", paper, "like")  # ann takes hers back
    assert both.tally == Tally(likes=1, dislikes=1)
    await service.react(OTHER, "ann", paper, "like")  # another destination is another profile
    assert await service.tally(GROUP, paper) == Tally(likes=1, dislikes=1)
    assert await service.tally(OTHER, paper) == Tally(likes=1)
    assert await service.tally(GROUP, stored[2]) == Tally()


async def test_save_toggles_and_explicit_values_hold(service: PaperService, stored: list[str]) -> None:
    paper = stored[3]
    saved = await service.save(GROUP, "ann", paper)
    assert (saved.saved, saved.tally.saves) == (True, 1)
    assert "is in your saved papers" in saved.said.render("en")
    assert (await service.save(GROUP, "ann", paper, True)).saved  # saving again keeps it
    await service.save(GROUP, "bob", paper, True)
    assert (await service.tally(GROUP, paper)).saves == 2
    toggled = await service.save(GROUP, "ann", paper)
    assert (toggled.saved, toggled.tally.saves) == (False, 1)
    assert "was removed" in toggled.said.render("en")
    absent = await service.save(GROUP, "ann", paper, False)
    assert "was not in your saved papers" in absent.said.render("en")
    assert "저장 목록" in absent.said.render("ko")


async def test_unknown_papers_and_bad_ids_get_one_clear_line(
    service: PaperService, stored: list[str]
) -> None:
    with pytest.raises(NotFoundError, match=r"2599\.99999 is not in the digest"):
        await service.react(GROUP, "ann", "2599.99999", "like")
    with pytest.raises(NotFoundError):
        await service.save(GROUP, "ann", "2599.99999")
    with pytest.raises(UsageError, match="arXiv id or link"):
        await service.react(GROUP, "ann", "not a paper", "dislike")


async def test_saved_pages_newest_first_and_removal_keeps_a_page(
    service: PaperService, stored: list[str]
) -> None:
    empty = await service.saved_page(GROUP, "ann")
    assert (empty.items, empty.total, empty.previous, empty.following) == ((), 0, None, None)
    assert "No saved papers here yet" in empty.empty.render("en")
    for arxiv_id in stored[:21]:
        await service.save(GROUP, "ann", arxiv_id, True)
    await service.save(GROUP, "bob", stored[22], True)  # another member's list is theirs
    first = await service.saved_page(GROUP, "ann")
    assert first.total == 21
    assert len(first.items) == SAVED_PAGE
    assert first.heading.render("en") == "Your saved papers here (21)"
    assert [item.rank for item in first.items] == list(range(1, 11))
    assert {item.arxiv_id for item in first.items} <= set(stored[:21])
    assert (first.previous, first.following) == (None, 10)
    last = await service.saved_page(GROUP, "ann", 20)
    assert ([item.rank for item in last.items], last.previous, last.following) == ([21], 10, None)
    await service.save(GROUP, "ann", last.items[0].arxiv_id, False)
    moved = await service.saved_page(GROUP, "ann", 20)  # its only paper gone: the last page there is
    assert (moved.offset, moved.total, len(moved.items), moved.following) == (10, 20, 10, None)
    pages = [await service.saved_page(GROUP, "ann", offset) for offset in (0, 10)]
    every = [item.arxiv_id for page in pages for item in page.items]
    assert len(set(every)) == 20
    assert (await service.saved_page(OTHER, "ann")).total == 0


def test_buttons_without_feedback_have_no_counts() -> None:
    assert [b.label.render("ko") for b in feedback_buttons()] == ["👍", "👎", "💾 저장"]
    assert [b.kind for b in feedback_buttons(Tally(2, 0, 5))] == ["like", "dislike", "save"]
