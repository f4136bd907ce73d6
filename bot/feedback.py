"""Feedback as the facade offers it: 👍 / 👎 / Save presses and each member's saved papers.

Kept apart from bot/service.py so each file has one job; PaperService inherits these methods, so
adapters still call one facade. The decisions live here, once for every platform: a second press of
the same opinion takes it back, the other opinion replaces it, Save toggles; what a card's buttons
say (the destination's counts), what the presser is told, and how /saved pages.

In a group or channel every member presses for themselves (one opinion per member and paper) and
every press counts toward that destination: the buttons show the destination's totals, which is all
a message shared by many members can show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal, Protocol

from bot.i18n import Text, t
from bot.models import Destination, Opinion, Paper
from bot.ports import Catalog, Feedback

SAVED_PAGE = 10  # saved papers a /saved page shows (the lists' page size, bot.service.PAGE)
ButtonKind = Literal["like", "dislike", "save"]
BUTTON_KINDS: tuple[ButtonKind, ...] = ("like", "dislike", "save")


@dataclass(frozen=True)
class Tally:
    """What a destination's members said about one paper: the counts its buttons show."""

    likes: int = 0
    dislikes: int = 0
    saves: int = 0

    def count(self, kind: ButtonKind) -> int:
        return {"like": self.likes, "dislike": self.dislikes, "save": self.saves}[kind]


@dataclass(frozen=True)
class FeedbackButton:
    """One of a card's feedback buttons: which press it makes, and its label (the count, if any)."""

    kind: ButtonKind
    label: Text


def feedback_buttons(tally: Tally = Tally()) -> tuple[FeedbackButton, ...]:
    """👍, 👎 and Save, each with the destination's count once it is not zero (`👍 3`)."""
    return tuple(FeedbackButton(kind, button_label(kind, tally.count(kind))) for kind in BUTTON_KINDS)


def button_label(kind: ButtonKind, count: int) -> Text:
    return t(f"fb.btn_{kind}_n", n=count) if count else t(f"fb.btn_{kind}")


@dataclass(frozen=True)
class Pressed:
    """The outcome of a press: the member's own state now, the destination's counts, and the one line
    the member is told (a Telegram answer, a Slack or Discord ephemeral line, a console reply)."""

    arxiv_id: str
    opinion: Opinion | None
    saved: bool
    tally: Tally
    said: Text

    @property
    def buttons(self) -> tuple[FeedbackButton, ...]:
        return feedback_buttons(self.tally)


# -- /saved ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedItem:
    """A saved paper in the list, at its rank (counted across pages), and the day it was saved."""

    rank: int
    arxiv_id: str
    title: str
    url: str
    votes: int | None
    saved_on: date


@dataclass(frozen=True)
class SavedPage:
    """A page of a member's saved papers in one destination, newest first, with the offsets of its
    neighbours (None at either end); `empty` is said instead when there are none."""

    heading: Text
    items: tuple[SavedItem, ...]
    empty: Text
    total: int
    offset: int
    previous: int | None
    following: int | None


class FeedbackStore(Catalog, Feedback, Protocol):
    """What the mixin needs of the store: papers to check a press against, and the feedback itself."""


class FeedbackMixin:
    """Presses and saved papers (part of the PaperService facade)."""

    _store: FeedbackStore

    if TYPE_CHECKING:  # PaperService's own lookup: a press names a paper as /paper does

        async def paper(self, ref: str) -> Paper: ...

    async def react(self, destination: Destination, user: str, ref: str, opinion: Opinion | None) -> Pressed:
        """The member pressed 👍 or 👎 on a paper here: the same opinion again takes it back, the
        other one replaces it; None takes any back. `ref` is an arXiv id (any version) or link."""
        paper = await self.paper(ref)
        current, saved = await self._member(destination, user, paper.arxiv_id)
        wanted = None if opinion == current else opinion
        await self._store.set_opinion(destination, user, paper.arxiv_id, wanted)
        tally = await self.tally(destination, paper.arxiv_id)
        about = wanted or current  # the opinion the member is told about
        if about is None:
            said = t("fb.no_opinion", arxiv_id=paper.arxiv_id)
        else:
            count = tally.likes if about == "like" else tally.dislikes
            said = t(f"fb.{about}_{'set' if wanted else 'unset'}", arxiv_id=paper.arxiv_id, n=count)
        return Pressed(paper.arxiv_id, wanted, saved, tally, said)

    async def save(self, destination: Destination, user: str, ref: str, saved: bool | None = None) -> Pressed:
        """Add the paper to the member's saved papers here (True), remove it (False), or toggle (None:
        what the Save button does)."""
        paper = await self.paper(ref)
        opinion, was = await self._member(destination, user, paper.arxiv_id)
        wanted = (not was) if saved is None else saved
        if wanted != was:
            await self._store.set_saved(destination, user, paper.arxiv_id, wanted)
        if wanted:
            said = t("fb.saved", arxiv_id=paper.arxiv_id)
        else:
            said = t("fb.unsaved" if was else "fb.not_saved", arxiv_id=paper.arxiv_id)
        return Pressed(paper.arxiv_id, opinion, wanted, await self.tally(destination, paper.arxiv_id), said)

    async def tally(self, destination: Destination, arxiv_id: str) -> Tally:
        """The destination's counts for one paper (what its card's buttons show)."""
        return (await self.tallies(destination, [arxiv_id])).get(arxiv_id, Tally())

    async def tallies(self, destination: Destination, arxiv_ids: Sequence[str]) -> dict[str, Tally]:
        """The counts of the papers that anyone here pressed anything on (the others have none)."""
        return {
            row.arxiv_id: Tally(row.likes, row.dislikes, row.saves)
            for row in await self._store.destination_feedback(destination, arxiv_ids)
        }

    async def saved_page(self, destination: Destination, user: str, offset: int = 0) -> SavedPage:
        """Saved papers offset+1 .. offset+SAVED_PAGE, newest first. An offset past the end (the last
        one of a page was just removed) shows the last page instead."""
        offset = max(0, offset - offset % SAVED_PAGE)
        saved, total = await self._store.saved_papers(destination, user, offset=offset, limit=SAVED_PAGE)
        if not saved and offset and total:
            offset = (total - 1) // SAVED_PAGE * SAVED_PAGE
            saved, total = await self._store.saved_papers(destination, user, offset=offset, limit=SAVED_PAGE)
        items = tuple(
            SavedItem(rank, p.arxiv_id, p.title, p.arxiv_url, p.votes, s.saved_at.date())
            for rank, (s, p) in enumerate(((s, s.paper) for s in saved), start=offset + 1)
        )
        following = offset + SAVED_PAGE if offset + len(items) < total else None
        previous = max(0, offset - SAVED_PAGE) if offset else None
        heading = t("saved.heading", total=total)
        return SavedPage(heading, items, t("saved.none"), total, offset, previous, following)

    async def _member(
        self, destination: Destination, user: str, arxiv_id: str
    ) -> tuple[Opinion | None, bool]:
        """The member's own opinion of the paper here and whether they saved it."""
        pressed = await self._store.member_feedback(destination, user, [arxiv_id])
        return pressed.get(arxiv_id, (None, False))
