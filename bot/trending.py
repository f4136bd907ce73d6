"""/trending and `paperboy trending`: the papers of the last days that gained the most votes recently.

Votes are recorded over time by the ingest rounds (the store's vote history: a sample each time a
paper's count was seen to change), so "recently" means between the rounds that fall in the window.
Decided here once for every platform: the range, the limits, and what an empty answer says (no list
yet, no history yet, or nothing gained).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.cards import DigestItem, DigestView, one_line
from bot.errors import UsageError
from bot.i18n import Text, t
from bot.ports import Catalog, TrendingPage

DEFAULT_TRENDING = 10
DEFAULT_DAYS = 3  # a paper keeps gaining votes for a few days after its list
MAX_DAYS = 30  # within what the vote history keeps (storage/records.VOTE_HISTORY_DAYS)
WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class TrendingResult:
    """What /trending found: the page, the window it measured, and why it is empty (None: it is not)."""

    page: TrendingPage
    window: timedelta
    empty_reason: Text | None = None

    @property
    def window_text(self) -> Text:
        return t("trending.hours", n=int(self.window.total_seconds() // 3600))


def check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(t("usage.days_range", max=MAX_DAYS))


async def find_trending(
    store: Catalog, now: datetime | None, n: int, days: int = DEFAULT_DAYS, window: timedelta = WINDOW
) -> TrendingResult:
    """The `n` papers of the last `days` days of lists that gained the most votes in `window`."""
    check_days(days)
    moment = now or datetime.now(UTC)
    page = await store.trending(moment, days=days, window=window, limit=n)
    result = TrendingResult(page, window)
    if page.trends:
        return result
    return TrendingResult(page, window, _empty_reason(page, result.window_text))


def _empty_reason(page: TrendingPage, window: Text) -> Text:
    if page.first_day is None or page.last_day is None:
        return t("trending.no_list")
    if not page.tracked:
        return t("trending.no_history", first=page.first_day, last=page.last_day)
    return t(
        "trending.none_gained", listed=page.listed, first=page.first_day, last=page.last_day, window=window
    )


def trending_view(result: TrendingResult, language: str) -> DigestView:
    """The neutral list every platform renders, each item with its votes and what they gained."""
    window = result.window_text
    items = tuple(
        DigestItem(
            rank,
            trend.paper.arxiv_id,
            trend.paper.title,
            trend.paper.arxiv_url,
            trend.paper.votes,
            one_line(trend.paper, language),
            t("trending.gained", votes="?" if trend.paper.votes is None else trend.paper.votes,
              gained=trend.gained, window=window),
        )
        for rank, trend in enumerate(result.page.trends, start=1)
    )  # fmt: skip
    page = result.page
    first, last = page.first_day or "-", page.last_day or "-"
    heading = t("trending.heading", window=window, first=first, last=last)
    return DigestView(heading, items, result.empty_reason, total=len(items))
