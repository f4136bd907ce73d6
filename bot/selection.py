"""What one subscriber gets from a day (or a week's or month's lists): top N by votes (or by votes
and the destination's own feedback, bot/personal.py), a vote floor, code and star filters,
include/exclude keywords, and what it follows.

/preview and the daily push both call this, so the preview explains exactly what will be sent,
with a reason for each paper and a reason when nothing is left.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from bot.i18n import Text, t
from bot.models import Follow, Paper, Subscription
from bot.personal import TERMS as PAPER_TERMS
from bot.personal import Ranked, feedback_key, rank
from bot.ports import PaperFeedback, PushHistory
from bot.schedule import DigestPeriod


@lru_cache(maxsize=1024)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    """Latin keywords match whole words (`LLM` finds `LLMs`, `AI` not `said`); others match inside words."""
    escaped = re.escape(keyword)
    if keyword.isascii():
        return re.compile(rf"(?<![0-9A-Za-z]){escaped}(?:s|es)?(?![0-9A-Za-z])", re.IGNORECASE)
    return re.compile(escaped, re.IGNORECASE)


def _haystack(paper: Paper) -> str:
    parts: Iterable[str | None] = (
        paper.title,
        *(s.text for summary in paper.summaries for s in summary.sections),
        paper.ai_summary,
        paper.abstract,
        *paper.keywords,
    )
    return "\n".join(part for part in parts if part)


def keyword_hits(paper: Paper, keywords: Collection[str]) -> tuple[str, ...]:
    """The keywords found in the paper's title, summaries or keywords."""
    if not keywords:
        return ()
    text = _haystack(paper)
    return tuple(word for word in keywords if _keyword_pattern(word).search(text))


@dataclass(frozen=True)
class Pick:
    """A paper chosen for a push and why it was chosen."""

    paper: Paper
    reasons: tuple[Text, ...]


@dataclass(frozen=True)
class Selection:
    picks: list[Pick]
    empty_reason: Text | None = None


MAX_LATE_RISERS = 5


def _refusal(paper: Paper, subscription: Subscription, already_sent: Collection[str]) -> str | None:
    """Which filter leaves the paper out, if any: already received, vote floor, no code repository,
    too few stars (unknown stars fail any floor above 0), excluded, not included."""
    if paper.arxiv_id in already_sent:
        return "sent"
    if subscription.min_votes and (paper.votes is None or paper.votes < subscription.min_votes):
        return "votes"
    if subscription.has_code and not paper.github:
        return "no_code"
    if subscription.min_stars and (paper.github_stars is None or paper.github_stars < subscription.min_stars):
        return "stars"
    if keyword_hits(paper, subscription.exclude):
        return "excluded"
    if subscription.include and not keyword_hits(paper, subscription.include):
        return "not_included"
    return None


def select(
    papers: list[Paper],
    subscription: Subscription,
    already_sent: Collection[str] = (),
    late: Iterable[Paper] = (),
    personal: Ranked | None = None,
) -> Selection:
    """Choose from `papers` (best-voted first) what `subscription` receives: the top N that pass
    every filter (in `personal` order when given), then up to MAX_LATE_RISERS `late` papers (from
    the days before) that now pass the vote floor and were never sent, then up to MAX_FOLLOWED
    papers of the day it follows that the filters left out."""
    counts = {"sent": 0, "votes": 0, "no_code": 0, "stars": 0, "excluded": 0, "not_included": 0}
    picks: list[Pick] = []
    for paper in personal.papers if personal is not None else papers:
        refusal = _refusal(paper, subscription, already_sent)
        if refusal is not None:
            counts[refusal] += 1
            continue
        picks.append(Pick(paper, (*_liked(paper, personal), *_reasons(paper, subscription))))
        if len(picks) == subscription.top_n:
            break
    risers = [p for p in late if subscription.min_votes and _refusal(p, subscription, already_sent) is None]
    risers.sort(key=lambda p: p.votes or 0, reverse=True)
    picks += [Pick(p, (*_reasons(p, subscription), t("why.late_riser"))) for p in risers[:MAX_LATE_RISERS]]
    picks = _with_follows(picks, papers, subscription, already_sent)
    if picks:
        return Selection(picks)
    if not papers:
        return Selection([], t("select.no_papers"))
    return Selection([], t("select.all_filtered", total=len(papers), **counts))


def _reasons(paper: Paper, subscription: Subscription) -> tuple[Text, ...]:
    included = keyword_hits(paper, subscription.include)
    reasons = []
    if subscription.min_votes:
        reasons.append(t("why.votes", votes=paper.votes, min_votes=subscription.min_votes))
    else:
        reasons.append(t("why.top", votes="?" if paper.votes is None else paper.votes))
    if subscription.min_stars:
        reasons.append(t("why.stars", stars=paper.github_stars, min_stars=subscription.min_stars))
    elif subscription.has_code:
        reasons.append(t("why.code"))
    if included:
        reasons.append(t("why.keyword", words=", ".join(included)))
    return tuple(reasons)


# -- personal ranking and follows ---------------------------------------------------------------

# Papers of the day a destination follows that are pushed beyond its top N and below its vote floor:
# a followed prolific author or a broad saved search must not turn the digest into the whole list.
MAX_FOLLOWED = 10


def _liked(paper: Paper, personal: Ranked | None) -> tuple[Text, ...]:
    """ "you liked: diffusion, video" when the destination's profile (not the votes) chose it."""
    terms = personal.liked_terms(paper.arxiv_id) if personal is not None else ()
    return (t("why.liked", terms=", ".join(terms)),) if terms else ()


def _folded(text: str) -> list[str]:
    """A name as comparable words: case and accents folded (`Müller` is `muller`), punctuation gone."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.findall(r"\w+", plain)


def _name_matches(wanted: str, name: str) -> bool:
    """Whether the followed name is the name, or its words in order within it (`LeCun` finds
    `Yann LeCun`, `Yann LeCun` finds `Yann A. LeCun`); every word whole."""
    words, have = _folded(wanted), iter(_folded(name))
    return bool(words) and all(word in have for word in words)


def follow_matches(paper: Paper, follow: Follow) -> bool:
    """Whether the paper is one the follow asks for: by one of its authors; by its HF organization
    (or, for papers listed before HF had one, an author of that name); or, for a saved search,
    every word of it found as include keywords are found (`keyword_hits`)."""
    if follow.kind == "author":
        return any(_name_matches(follow.value, name) for name in paper.authors)
    if follow.kind == "org":
        names = (paper.organization,) if paper.organization else paper.authors
        return any(_name_matches(follow.value, name) for name in names)
    words = tuple(follow.value.split())
    return bool(words) and len(keyword_hits(paper, words)) == len(words)


def followed_reasons(paper: Paper, follows: Sequence[Follow]) -> tuple[Text, ...]:
    """ "followed: author Yann LeCun" for each follow the paper matches."""
    return tuple(t(f"why.followed_{f.kind}", value=f.value) for f in follows if follow_matches(paper, f))


def _with_follows(
    picks: list[Pick], papers: list[Paper], subscription: Subscription, already_sent: Collection[str]
) -> list[Pick]:
    """The picks marked with the follows they match, then the day's other followed papers (never
    sent, not excluded), best-voted first, at most MAX_FOLLOWED: they pass the vote floor, the
    top N and the include keywords, which is what following means."""
    follows = subscription.follows
    if not follows:
        return picks
    marked = [Pick(p.paper, (*followed_reasons(p.paper, follows), *p.reasons)) for p in picks]
    chosen = {p.paper.arxiv_id for p in picks}
    extra: list[Pick] = []
    for paper in papers:
        if len(extra) == MAX_FOLLOWED:
            break
        if paper.arxiv_id in chosen or paper.arxiv_id in already_sent:
            continue
        reasons = followed_reasons(paper, follows)
        if reasons and not keyword_hits(paper, subscription.exclude):
            extra.append(Pick(paper, reasons))
    return marked + extra


async def personal_feedback(
    store: PushHistory, subscription: Subscription, memo: SelectionMemo | None = None
) -> list[PaperFeedback]:
    """The destination's presses when it ranks personally (none otherwise: not even a query). With
    a memo (a push), only destinations the store lists as having feedback are asked about."""
    if subscription.ranking != "personal":
        return []
    if memo is not None:
        if memo.with_feedback is None:
            memo.with_feedback = frozenset(await store.feedback_destinations())
        if subscription.destination.key not in memo.with_feedback:
            return []
    return await store.destination_feedback(subscription.destination)


async def personal_order(store: PushHistory, papers: list[Paper], feedback: list[PaperFeedback]) -> Ranked:
    """The day's candidates in the destination's order; pressed papers of other days are read from
    the store the first time this process meets them (their terms are kept after that)."""
    listed = {p.arxiv_id for p in papers}
    missing = [
        f.arxiv_id for f in feedback if f.arxiv_id not in listed and PAPER_TERMS.known(f.arxiv_id) is None
    ]
    pressed = [paper for arxiv_id in missing if (paper := await store.get_paper(arxiv_id)) is not None]
    return rank(papers, feedback, pressed)


LATE_RISER_DAYS = 3
CANDIDATES = 200
# A week or a month lists up to a few hundred papers (68 a day at most): the best-voted this many are
# the candidates, so that keyword filters still find enough in them.
PERIOD_CANDIDATES = 600
DayLoader = Callable[[date], Awaitable[list[Paper]]]
PeriodLoader = Callable[[DigestPeriod], Awaitable[list[Paper]]]


class SelectionMemo(dict[tuple[object, ...], Selection]):
    """Selections shared by subscribers with the same filters, history and feedback; and, read once
    (per drain: `clear` forgets it), which destinations have any feedback, so a personal ranking
    asks the store for the feedback of those alone."""

    with_feedback: frozenset[str] | None = None

    def clear(self) -> None:
        super().clear()
        self.with_feedback = None


# Selections a memo keeps (the oldest goes first): a push to a million destinations with their
# own histories must not keep a million of them.
MEMO_SIZE = 4096


async def selection_for(
    store: PushHistory,
    subscription: Subscription,
    day: date,
    papers_of_day: DayLoader | None = None,
    memo: SelectionMemo | None = None,
    received: Collection[str] | None = None,
    *,
    period: DigestPeriod | None = None,
    papers_of_period: PeriodLoader | None = None,
) -> Selection:
    """What `subscription` gets from `day` now: the ledger excludes what it already received, and
    late risers come from the days before when it asked for them. /preview and the push share this.

    A weekly or monthly push passes its `period` (`day` is its last day): the candidates are then
    every paper listed in it, each once, by current votes (`Catalog.top_between`, or
    `papers_of_period`), and there are no late risers (the period holds those days already).

    `memo` shares results between subscribers with the same filters and the same history: a push
    to ten thousand chats computes a handful of different selections, not ten thousand.
    `received` saves the ledger query when the caller already knows what the destination has.
    A personal ranking reads the destination's feedback: the memo shares its selection only with
    destinations of the same feedback (and with votes-ranked ones while it has none).
    """

    async def top_of(when: date) -> list[Paper]:
        return await store.top(when, limit=CANDIDATES)

    async def top_in(span: DigestPeriod) -> list[Paper]:
        return await store.top_between(span.first, span.last, limit=PERIOD_CANDIDATES)

    late: list[Paper] = []
    if period is not None and period.spans_days:
        papers = await (papers_of_period or top_in)(period)
    else:
        period = DigestPeriod.daily(day)
        load = papers_of_day or top_of
        papers = await load(day)
        if subscription.late_risers:
            for back in range(1, LATE_RISER_DAYS + 1):
                late += await load(day - timedelta(days=back))
    if received is None:
        received = await store.already_sent(subscription.destination, [p.arxiv_id for p in papers + late])
    feedback = await personal_feedback(store, subscription, memo)
    # A paper someone here pressed 👍/👎/save on was seen here: a personal push does not bring it again.
    sent = frozenset(received) | {f.arxiv_id for f in feedback}

    async def chosen() -> Selection:
        personal = await personal_order(store, papers, feedback) if feedback else None
        return select(papers, subscription, already_sent=sent, late=late, personal=personal)

    if memo is None:
        return await chosen()
    s = subscription
    key = (
        period, s.top_n, s.min_votes, s.has_code, s.min_stars, s.include, s.exclude, s.late_risers,
        frozenset(sent), s.follows, feedback_key(feedback),
    )  # fmt: skip
    if key in memo:  # the least recently used go first: personal selections must not push out
        memo[key] = memo.pop(key)  # the one selection thousands of votes-ranked subscribers share
        return memo[key]
    if len(memo) >= MEMO_SIZE:
        del memo[next(iter(memo))]
    memo[key] = await chosen()
    return memo[key]
