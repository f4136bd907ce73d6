"""The Feedback role on every store: one opinion per member, paper and destination (changeable and
revocable), each member's saved papers as a paged reading list, and a destination's profile."""

from __future__ import annotations

from datetime import date

from bot.models import Destination, DigestDay
from bot.ports import PaperFeedback, Store
from tests.conftest import PaperFactory

GROUP = Destination(platform="telegram", chat_id="-100", thread_id="7")
OTHER = Destination(platform="slack", chat_id="C1")
DAY = date(2025, 3, 3)


async def _papers(store: Store, make_paper: PaperFactory, count: int) -> list[str]:
    papers = [make_paper(f"2503.{index:05d}", votes=index) for index in range(1, count + 1)]
    await store.upsert_day(DigestDay(day=DAY, source="test", papers=papers))
    return [paper.arxiv_id for paper in papers]


async def test_each_member_counts_once_per_paper_and_can_change_or_take_back(
    store: Store, make_paper: PaperFactory
) -> None:
    first, second = await _papers(store, make_paper, 2)
    await store.set_opinion(GROUP, "ann", first, "like")
    await store.set_opinion(GROUP, "ann", first, "like")  # pressed twice: still one
    await store.set_opinion(GROUP, "bob", first, "like")
    await store.set_opinion(GROUP, "cat", first, "dislike")
    await store.set_opinion(GROUP, "ann", second, "like")
    await store.set_opinion(GROUP, "ann", second, "dislike")  # replaces the like
    await store.set_opinion(OTHER, "ann", second, "like")  # another destination's profile
    assert await store.destination_feedback(GROUP) == [
        PaperFeedback(first, likes=2, dislikes=1),
        PaperFeedback(second, dislikes=1),
    ]
    await store.set_opinion(GROUP, "cat", first, None)
    await store.set_opinion(GROUP, "cat", first, None)  # taking back what is gone changes nothing
    assert await store.destination_feedback(GROUP) == [
        PaperFeedback(first, likes=2),
        PaperFeedback(second, dislikes=1),
    ]
    assert await store.destination_feedback(OTHER) == [PaperFeedback(second, likes=1)]
    assert await store.feedback_destinations() == {GROUP.key, OTHER.key}
    assert await store.destination_feedback(GROUP, [second, "2599.99999"]) == [
        PaperFeedback(second, dislikes=1)
    ]
    assert await store.destination_feedback(GROUP, []) == []


async def test_saves_count_in_the_profile_and_each_member_sees_their_own_state(
    store: Store, make_paper: PaperFactory
) -> None:
    first, second, third = await _papers(store, make_paper, 3)
    await store.set_saved(GROUP, "ann", first, True)
    await store.set_saved(GROUP, "bob", first, True)
    await store.set_opinion(GROUP, "ann", first, "like")
    await store.set_saved(GROUP, "ann", second, True)
    assert await store.destination_feedback(GROUP) == [
        PaperFeedback(first, likes=1, saves=2),
        PaperFeedback(second, saves=1),
    ]
    assert await store.member_feedback(GROUP, "ann", [first, second, third]) == {
        first: ("like", True),
        second: (None, True),
    }
    assert await store.member_feedback(GROUP, "bob", [first, second]) == {first: (None, True)}
    assert await store.member_feedback(GROUP, "ann", []) == {}
    assert await store.feedback_destinations() == {GROUP.key}  # saves alone count


async def test_saved_papers_come_newest_first_in_pages_and_removal_drops_one(
    store: Store, make_paper: PaperFactory
) -> None:
    ids = await _papers(store, make_paper, 5)
    for arxiv_id in ids:
        await store.set_saved(GROUP, "ann", arxiv_id, True)
    await store.set_saved(GROUP, "ann", ids[0], True)  # saving again keeps its place
    await store.set_saved(OTHER, "ann", ids[0], True)  # her list elsewhere is another list
    page, total = await store.saved_papers(GROUP, "ann", offset=0, limit=2)
    assert total == 5
    assert [saved.paper.arxiv_id for saved in page] == [ids[4], ids[3]]
    assert page[0].saved_at >= page[1].saved_at
    assert page[0].paper.days == (DAY,)
    rest, _ = await store.saved_papers(GROUP, "ann", offset=2, limit=10)
    assert [saved.paper.arxiv_id for saved in rest] == [ids[2], ids[1], ids[0]]
    await store.set_saved(GROUP, "ann", ids[2], False)
    after, total = await store.saved_papers(GROUP, "ann", offset=0, limit=10)
    assert total == 4
    assert ids[2] not in [saved.paper.arxiv_id for saved in after]
    assert await store.saved_papers(GROUP, "bob") == ([], 0)
