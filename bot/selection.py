"""What one subscriber gets from a day: top N by votes, a vote floor, include/exclude keywords.

/preview and the daily push both call this, so the preview explains exactly what will be sent,
with a reason for each paper and a reason when nothing is left.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.i18n import Text, t
from bot.models import Paper, Subscription


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
        *(s.text for s in paper.sections),
        paper.ai_summary,
        paper.abstract,
        *paper.keywords,
    )
    return "\n".join(part for part in parts if part)


def keyword_hits(paper: Paper, keywords: Iterable[str]) -> tuple[str, ...]:
    """The keywords found in the paper's title, summaries or keywords."""
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


def select(papers: list[Paper], subscription: Subscription, already_sent: Collection[str] = ()) -> Selection:
    """Choose from `papers` (best-voted first) what `subscription` receives.

    Order of filters: already received, vote floor, excluded keyword, required keyword; then top N.
    """
    counts = {"sent": 0, "votes": 0, "excluded": 0, "not_included": 0}
    picks: list[Pick] = []
    for paper in papers:
        if paper.arxiv_id in already_sent:
            counts["sent"] += 1
            continue
        if subscription.min_votes and (paper.votes is None or paper.votes < subscription.min_votes):
            counts["votes"] += 1
            continue
        if keyword_hits(paper, subscription.exclude):
            counts["excluded"] += 1
            continue
        included = keyword_hits(paper, subscription.include)
        if subscription.include and not included:
            counts["not_included"] += 1
            continue
        picks.append(Pick(paper, _reasons(paper, subscription, included)))
        if len(picks) == subscription.top_n:
            break
    if picks:
        return Selection(picks)
    if not papers:
        return Selection([], t("select.no_papers"))
    return Selection([], t("select.all_filtered", total=len(papers), **counts))


def _reasons(paper: Paper, subscription: Subscription, included: tuple[str, ...]) -> tuple[Text, ...]:
    reasons = []
    if subscription.min_votes:
        reasons.append(t("why.votes", votes=paper.votes, min_votes=subscription.min_votes))
    else:
        reasons.append(t("why.top", votes="?" if paper.votes is None else paper.votes))
    if included:
        reasons.append(t("why.keyword", words=", ".join(included)))
    return tuple(reasons)
