"""What one subscriber gets from a day (or a week's or month's lists): top N by votes, a vote floor,
code and star filters, include/exclude keywords.

/preview and the daily push both call this, so the preview explains exactly what will be sent,
with a reason for each paper and a reason when nothing is left.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from bot.i18n import Text, t
from bot.models import Paper, Subscription
from bot.ports import PushHistory
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
) -> Selection:
    """Choose from `papers` (best-voted first) what `subscription` receives: the top N that pass
    every filter, then up to MAX_LATE_RISERS `late` papers (from the days before) that now pass
    the vote floor and were never sent."""
    counts = {"sent": 0, "votes": 0, "no_code": 0, "stars": 0, "excluded": 0, "not_included": 0}
    picks: list[Pick] = []
    for paper in papers:
        refusal = _refusal(paper, subscription, already_sent)
        if refusal is not None:
            counts[refusal] += 1
            continue
        picks.append(Pick(paper, _reasons(paper, subscription)))
        if len(picks) == subscription.top_n:
            break
    risers = [p for p in late if subscription.min_votes and _refusal(p, subscription, already_sent) is None]
    risers.sort(key=lambda p: p.votes or 0, reverse=True)
    picks += [Pick(p, (*_reasons(p, subscription), t("why.late_riser"))) for p in risers[:MAX_LATE_RISERS]]
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


LATE_RISER_DAYS = 3
CANDIDATES = 200
# A week or a month lists up to a few hundred papers (68 a day at most): the best-voted this many are
# the candidates, so that keyword filters still find enough in them.
PERIOD_CANDIDATES = 600
DayLoader = Callable[[date], Awaitable[list[Paper]]]
PeriodLoader = Callable[[DigestPeriod], Awaitable[list[Paper]]]


SelectionMemo = dict[tuple[object, ...], Selection]
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
    sent = frozenset(received)
    if memo is None:
        return select(papers, subscription, already_sent=sent, late=late)
    s = subscription
    key = (
        period,
        s.top_n,
        s.min_votes,
        s.has_code,
        s.min_stars,
        s.include,
        s.exclude,
        s.late_risers,
        frozenset(sent),
    )
    if key not in memo:
        if len(memo) >= MEMO_SIZE:
            del memo[next(iter(memo))]
        memo[key] = select(papers, subscription, already_sent=sent, late=late)
    return memo[key]
