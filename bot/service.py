"""The one facade every adapter and the CLI call: top, search, paper lookup, days, stats, ingest.

Adapters translate a platform's update into one of these calls and render what comes back; the
decisions (which day counts as latest, why a list is empty, what a bad argument is) live here,
so every platform answers the same question the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.cards import DigestItem, DigestView, digest_items, one_line
from bot.commands import usage
from bot.errors import NotFoundError, UsageError
from bot.feedback import FeedbackMixin
from bot.feeds import FeedsMixin
from bot.i18n import Lang, Text, pick_language, t
from bot.ingest import DigestSources, IngestReport, Progress, ingest_batches
from bot.models import Paper, canonical_arxiv_id
from bot.ports import DayInfo, SearchPage, SearchQuery, ServiceStore, StoreStats, SummaryStats
from bot.related import query_weights, shared_terms
from bot.sample import SAMPLE_NAME, sample_digest
from bot.sources.markdown import parse_markdown
from bot.subscriptions import SubscriptionsMixin
from bot.trending import DEFAULT_DAYS, DEFAULT_TRENDING, TrendingResult, find_trending

MAX_LIST = 50
MAX_QUERY_CHARS = 1000
MAX_DAY_PAPERS = 10_000  # a whole day's list (the archive's longest has 68 papers)
DEFAULT_RELATED = 5


@dataclass(frozen=True)
class TopResult:
    """The top papers of a day; `empty_reason` says why there are none, in words for a person."""

    day: date | None
    papers: list[Paper]
    listed: int
    empty_reason: Text | None = None


@dataclass(frozen=True)
class RelatedPaper:
    """A paper near the source, its score (bot/related.py) and the shared terms that make it so."""

    paper: Paper
    score: int
    shared: tuple[str, ...]


@dataclass(frozen=True)
class RelatedResult:
    """The papers nearest to `source`, best first; `empty_reason` says why there are none."""

    source: Paper
    related: list[RelatedPaper]
    empty_reason: Text | None = None


@dataclass(frozen=True)
class SearchResult:
    query: str
    page: SearchPage
    offset: int
    empty_reason: Text | None = None


def _check_count(n: int, command: str, most: int = MAX_LIST) -> None:
    """A count of papers within 1..most, else a UsageError with the usage line of the `command` asked."""
    if not 1 <= n <= most:
        raise UsageError(t("usage.count_range", max=most, usage=usage(command)))


class PaperService(SubscriptionsMixin, FeedsMixin, FeedbackMixin):
    """Answers questions about the digest from a Store, and fills the Store from digest sources.

    `public_url` is where the HTTP server is reached from outside (PAPERBOY_PUBLIC_URL): the feed
    links a subscription's settings show start with it."""

    _store: ServiceStore

    def __init__(
        self,
        store: ServiceStore,
        sources: DigestSources,
        *,
        today_so_far: bool = False,
        public_url: str | None = None,
    ) -> None:
        self._store = store
        self._sources = sources
        self._today_so_far = today_so_far
        self._public_url = public_url.rstrip("/") if public_url else None

    async def ingest(self, targets: Sequence[str], progress: Progress | None = None) -> IngestReport:
        """Read files, directories and URLs into the store; unreadable parts are reported, not fatal."""
        total = await self._sources.count(targets)
        return await ingest_batches(
            self._store, self._sources.from_targets(targets), total=total, progress=progress
        )

    async def fetch_hf(self, start: date, end: date, progress: Progress | None = None) -> IngestReport:
        """Fetch each day of the range from the Hugging Face API (refreshing votes of known papers)."""
        if start > end:
            raise UsageError(t("usage.range_backwards", start=start, end=end))
        total = (end - start).days + 1
        return await ingest_batches(
            self._store, self._sources.from_hf(start, end), total=total, progress=progress
        )

    async def seed_sample(self) -> IngestReport | None:
        """Load the bundled sample day into an empty store, so a first run has papers to show."""
        if await self._store.latest_day() is not None:
            return None
        report = IngestReport()
        text = sample_digest().read_text(encoding="utf-8")
        await report.add_day(self._store, parse_markdown(text, source=f"bundled sample {SAMPLE_NAME}"))
        return report

    async def top(
        self, day: date | None = None, n: int = 10, min_votes: int | None = None, *, most: int = MAX_LIST
    ) -> TopResult:
        """The n most-voted papers of `day`, or of the latest day listed when `day` is None. A chat
        message holds at most MAX_LIST; the CLI (`most=MAX_DAY_PAPERS`) can list a whole day."""
        _check_count(n, "top", most)
        latest = await self._store.latest_day()
        if latest is None:
            return TopResult(None, [], 0, t("top.no_digest"))
        wanted = day or latest
        listed = await self._store.top(wanted, limit=MAX_DAY_PAPERS)
        if not listed:
            weekday = t(f"weekday.{wanted.weekday()}")
            return TopResult(wanted, [], 0, t("top.no_list", day=wanted, weekday=weekday, latest=latest))
        papers = await self._store.top(wanted, limit=n, min_votes=min_votes)
        reason = None
        if not papers:
            reason = t("top.filtered_out", listed=len(listed), day=wanted, min_votes=min_votes)
        return TopResult(wanted, papers, len(listed), reason)

    async def day_list(self, day: date) -> list[Paper]:
        """Every paper of `day`'s list, in `top`'s order (votes, unknown last, then list position)."""
        return await self._store.top(day, limit=MAX_DAY_PAPERS)

    async def search(
        self,
        text: str,
        *,
        limit: int = 10,
        offset: int = 0,
        since: date | None = None,
        until: date | None = None,
        min_votes: int | None = None,
    ) -> SearchResult:
        """Full-text search; any text is accepted, and an unusable one is explained, not raised."""
        query = " ".join(text.split())[:MAX_QUERY_CHARS]
        if not query:
            raise UsageError(t("usage.search_empty"))
        _check_count(limit, "search")
        page = await self._store.search(
            SearchQuery(
                query, limit=limit, offset=max(offset, 0), since=since, until=until, min_votes=min_votes
            )
        )
        reason = None
        if not page.terms:
            reason = t("search.nothing_searchable")
        elif not page.papers:
            reason = t("search.no_match", query=query) if offset == 0 else t("search.no_more")
        return SearchResult(query, page, offset, reason)

    async def remember_query(self, query: str) -> str:
        """A short token for a search, so a page button can carry it (see Store.remember)."""
        return await self._store.remember(query)

    async def recall_query(self, token: str) -> str | None:
        return await self._store.recall(token)

    async def paper(self, ref: str) -> Paper:
        """A paper by arXiv id (any version) or by its arXiv or Hugging Face URL."""
        arxiv_id = canonical_arxiv_id(ref)
        if arxiv_id is None:
            raise UsageError(t("usage.paper_ref"))
        paper = await self._store.get_paper(arxiv_id)
        if paper is None:
            raise NotFoundError(t("paper.not_found", arxiv_id=arxiv_id))
        return paper

    async def related(self, ref: str, n: int = DEFAULT_RELATED) -> RelatedResult:
        """The n papers of the whole corpus nearest to the paper `ref` names (arXiv id or link) by
        content, each with the shared terms that make it near (bot/related.py)."""
        _check_count(n, "related")
        arxiv_id = canonical_arxiv_id(ref)
        if arxiv_id is None:
            raise UsageError(usage("related"))
        source = await self._store.related_source(arxiv_id)
        if source is None:
            paper = await self._store.get_paper(arxiv_id)
            if paper is None:
                raise NotFoundError(t("paper.not_found", arxiv_id=arxiv_id))
            return RelatedResult(paper, [], t("related.not_indexed", arxiv_id=arxiv_id))
        weights = query_weights(source.vector, source.frequencies, source.papers)
        found = await self._store.nearest(source.key, weights, n)
        related = [
            RelatedPaper(near.paper, near.score, shared_terms(weights, near.vector, source.vector.display))
            for near in found
        ]
        return RelatedResult(source.paper, related, None if related else t("related.none", arxiv_id=arxiv_id))

    async def days(self, limit: int = 30) -> list[DayInfo]:
        return await self._store.list_days(limit=limit)

    async def stats(self) -> StoreStats:
        return await self._store.stats()

    async def trending(
        self,
        n: int = DEFAULT_TRENDING,
        *,
        days: int = DEFAULT_DAYS,
        now: datetime | None = None,
        most: int = MAX_LIST,
    ) -> TrendingResult:
        """The n papers of the last `days` days of lists that gained the most votes in the last 24 h."""
        _check_count(n, "trending", most)
        return await find_trending(self._store, now, n, days)

    async def summary_stats(self) -> SummaryStats:
        return await self._store.summary_stats()


def top_view(result: TopResult, language: str) -> DigestView:
    """The neutral list a platform renders for /top and /today, summaries in `language`."""
    n = len(result.papers)
    if result.listed:
        heading = t("top.heading_listed", n=n, day=result.day, listed=result.listed)
    else:
        heading = t("top.heading", n=n, day=result.day or "-")
    return DigestView(
        heading, digest_items(result.papers, language), result.empty_reason, total=len(result.papers)
    )


def search_view(result: SearchResult, language: str) -> DigestView:
    """The neutral list a platform renders for /search, ranked across pages, summaries in `language`."""
    page = result.page
    total = f"{page.total}+" if page.capped else page.total
    if page.terms:
        heading = t("search.heading_terms", query=result.query, total=total, terms=", ".join(page.terms))
    else:
        heading = t("search.heading", query=result.query, total=total)
    items = digest_items(page.papers, language, start_rank=result.offset + 1)
    return DigestView(heading, items, result.empty_reason, total=page.total, offset=result.offset)


def _item(rank: int, near: RelatedPaper, language: str, lang: Lang) -> DigestItem:
    """A related paper as a list line: its summary line starts with the shared terms (`Shared:
    LoRA, 트랜스포머, Jane Doe — `), then the first sentence of its summary in `language`."""
    why = t("related.why", terms=", ".join(near.shared)).render(lang) if near.shared else ""
    line = " — ".join(part for part in (why, one_line(near.paper, language)) if part)
    paper = near.paper
    return DigestItem(rank, paper.arxiv_id, paper.title, paper.arxiv_url, paper.votes, line)


def related_view(result: RelatedResult, language: str) -> DigestView:
    """The neutral list a platform renders for /related: each paper's line says which terms it
    shares with the source, then its summary's first sentence in `language`."""
    lang = pick_language(language)
    source = result.source
    heading = t("related.heading", title=source.title, arxiv_id=source.arxiv_id, n=len(result.related))
    items = tuple(_item(rank, near, language, lang) for rank, near in enumerate(result.related, start=1))
    return DigestView(heading, items, result.empty_reason, total=len(items))


PAGE = 10


@dataclass(frozen=True)
class ListPage:
    """One page of a list and the offsets of its neighbours (None at either end)."""

    view: DigestView
    previous: int | None
    following: int | None


def top_page_of(result: TopResult, offset: int, language: str, size: int = PAGE) -> ListPage:
    """Items offset+1 .. offset+size of the day's top list, ranked across pages."""
    view = top_view(result, language)
    shown = view.items[offset : offset + size]
    page = DigestView(view.heading, shown, view.empty_reason, total=len(result.papers), offset=offset)
    following = offset + size if offset + len(shown) < len(result.papers) else None
    return ListPage(page, max(0, offset - size) if offset else None, following)


def related_page_of(result: RelatedResult, language: str) -> ListPage:
    """The /related list as a page of its own (it has no neighbours: a few papers, never paged)."""
    return ListPage(related_view(result, language), None, None)


def search_page_of(result: SearchResult, language: str, size: int = PAGE) -> ListPage:
    """A page of search results (fetched with `size` at `result.offset`) and its neighbours."""
    view = search_view(result, language)
    offset = result.offset
    following = offset + size if view.items and offset + len(view.items) < view.total else None
    return ListPage(view, max(0, offset - size) if offset and view.items else None, following)
