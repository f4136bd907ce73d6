"""What each Atom feed holds: the latest top lists, a search, or one subscription's picks.

The service decides which papers a feed carries and in what order (the same lists, search and
filters the chats get); bot/atom.py only writes them as Atom XML, and handlers/feeds_http.py serves
that with the HTTP caching feed readers rely on. PaperService inherits these methods, so the HTTP
server and the settings screens call one facade.

A subscription's feed is what its pushes select (bot/selection.py, as /preview): from each of the
latest lists for a daily one, from each of its last weekly or monthly periods (cut by its schedule,
bot/schedule.py) for the others; not the ledger of what its pushes sent: it works for a
subscription that was never pushed yet or is paused, in a feed-only deployment (`paperboy serve`,
no push at all), and reads only the lists, never the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.cards import summary_to_show
from bot.errors import NotFoundError
from bot.i18n import Lang, Text, pick_language, t
from bot.models import Cadence, Destination, Paper, Subscription, language_code, new_feed_token
from bot.ports import ServiceStore
from bot.schedule import complete_before, next_due, period_of, previous_due
from bot.selection import selection_for

if TYPE_CHECKING:
    from bot.service import SearchResult

# The bounds of every feed (the README's "Atom feeds" says them too).
FEED_DAYS = 7  # lists a top or subscription feed reaches back over, newest first
FEED_TOP = 10  # papers of each list in the top feed
SEARCH_ENTRIES = 30  # results in a search feed
MAX_ENTRIES = 100  # entries in any feed (a subscription's top N over seven lists can be 350)
# Digests a weekly or monthly subscription's feed reaches back over: about a month either way.
FEED_PERIODS: dict[Cadence, int] = {"daily": FEED_DAYS, "weekly": 4, "monthly": 2}
TICK = timedelta(microseconds=1)
MAX_TITLE_QUERY = 80  # characters of a search shown in its feed's title

TOP_PATH = "/feeds/top.atom"
SEARCH_PATH = "/feeds/search.atom"
SUBSCRIPTION_PATH = "/feeds/s/{token}.atom"
# Before any list: a fixed time, so an empty feed's `updated` (and its ETag) stays the same.
NO_LIST_YET = datetime(2023, 11, 20, tzinfo=UTC)


@dataclass(frozen=True)
class FeedEntry:
    """One paper of a feed: the list it is on here (a search: the newest list it was on) and when
    the entry last changed (that list, or a later summary in the feed's language)."""

    paper: Paper
    day: date | None
    updated: datetime


@dataclass(frozen=True)
class Feed:
    """A feed ready to write. `key` names it for its Atom id; `language` is its summaries' language;
    `private` feeds (behind a subscription's token) must not be kept by shared caches."""

    key: str
    title: Text
    subtitle: Text
    language: str
    entries: tuple[FeedEntry, ...]
    updated: datetime
    private: bool = False

    @property
    def interface(self) -> Lang:
        """The language of the feed's own sentences (title, notes): Korean or English."""
        return pick_language(self.language)


def feed_language(value: str | None) -> str | None:
    """`?lang=` as a language code (ValueError for one that is none); None when absent or empty:
    the feed's own default then (English, or a subscription's summary language)."""
    return language_code(value) if value and value.strip() else None


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def entry_of(paper: Paper, day: date | None, language: str) -> FeedEntry:
    """`paper` as listed on `day`: updated when the list came, or when the summary a reader of
    `language` sees was written, whichever is later."""
    times = [midnight(day)] if day is not None else [midnight(d) for d in paper.days[-1:]]
    shown = summary_to_show(paper, language).summary
    if shown is not None and shown.created_at is not None:
        written = shown.created_at
        times.append(written if written.tzinfo else written.replace(tzinfo=UTC))
    return FeedEntry(paper, day, max(times, default=NO_LIST_YET))


def _entries(listed: list[tuple[date | None, list[Paper]]], language: str) -> tuple[FeedEntry, ...]:
    """Each paper once (on the first list that has it: the newest), MAX_ENTRIES at most."""
    seen: set[str] = set()
    entries: list[FeedEntry] = []
    for day, papers in listed:
        for paper in papers:
            if paper.arxiv_id in seen:
                continue
            seen.add(paper.arxiv_id)
            entries.append(entry_of(paper, day, language))
            if len(entries) == MAX_ENTRIES:
                return tuple(entries)
    return tuple(entries)


def _shown_query(query: str) -> str:
    """A query as a feed's title names it: a reader's list has no room for a thousand characters."""
    return query if len(query) <= MAX_TITLE_QUERY else query[: MAX_TITLE_QUERY - 1].rstrip() + "…"


class FeedsMixin:
    """The feeds as the facade offers them (part of PaperService)."""

    _store: ServiceStore
    _public_url: str | None

    if TYPE_CHECKING:  # PaperService's own search: the feed runs the search /search runs

        async def search(
            self,
            text: str,
            *,
            limit: int = 10,
            offset: int = 0,
            since: date | None = None,
            until: date | None = None,
            min_votes: int | None = None,
        ) -> SearchResult: ...

    async def top_feed(self, language: str = "en") -> Feed:
        """The top FEED_TOP of each of the last FEED_DAYS lists, newest list first."""
        listed: list[tuple[date | None, list[Paper]]] = [
            (info.day, await self._store.top(info.day, limit=FEED_TOP))
            for info in await self._store.list_days(limit=FEED_DAYS)
        ]
        return await self._feed(
            "top",
            t("feed.top_title"),
            t("feed.top_subtitle", n=FEED_TOP, days=FEED_DAYS),
            language,
            _entries(listed, language),
        )

    async def search_feed(self, text: str, language: str = "en") -> Feed:
        """The SEARCH_ENTRIES best matches of `text`, most relevant first, each dated by the newest
        list it was on. An empty `text` raises UsageError, as /search does."""
        result = await self.search(text, limit=SEARCH_ENTRIES)
        listed: list[tuple[date | None, list[Paper]]] = [
            (paper.days[-1] if paper.days else None, [paper]) for paper in result.page.papers
        ]
        return await self._feed(
            f"search:{result.query}",
            t("feed.search_title", query=_shown_query(result.query)),
            t("feed.search_subtitle", n=SEARCH_ENTRIES),
            language,
            _entries(listed, language),
        )

    async def subscription_feed(self, token: str, language: str | None = None) -> Feed:
        """What the subscription named by `token` picks from each of the last FEED_DAYS lists (its
        top N, vote floor and keywords, as its pushes), in its summaries' language unless `language`
        says another. NotFoundError for a token no subscription has, or one that unsubscribed."""
        subscription = await self._store.subscription_by_feed_token(token)
        if subscription is None or not subscription.active:
            raise NotFoundError(t("feed.unknown"))
        language = language or subscription.reads
        if subscription.cadence == "daily":
            listed = await self._daily_picks(subscription)
            subtitle = t("feed.subscription_subtitle", days=FEED_DAYS)
        else:
            listed = await self._period_picks(subscription)
            subtitle = t(f"feed.subscription_{subscription.cadence}", n=FEED_PERIODS[subscription.cadence])
        name = subscription.title or subscription.destination.platform
        feed = await self._feed(
            f"subscription:{token}",
            t("feed.subscription_title", name=name),
            subtitle,
            language,
            _entries(listed, language),
        )
        return Feed(feed.key, feed.title, feed.subtitle, language, feed.entries, feed.updated, private=True)

    async def _daily_picks(self, subscription: Subscription) -> list[tuple[date | None, list[Paper]]]:
        """What the subscription's filters pick from each of the last FEED_DAYS lists."""
        listed: list[tuple[date | None, list[Paper]]] = []
        for info in await self._store.list_days(limit=FEED_DAYS):
            selection = await selection_for(self._store, subscription, info.day, received=frozenset())
            listed.append((info.day, [pick.paper for pick in selection.picks]))
        return listed

    async def _period_picks(self, subscription: Subscription) -> list[tuple[date | None, list[Paper]]]:
        """A weekly or monthly subscription's last FEED_PERIODS digests as its pushes make them (the
        periods its schedule cuts, each one's best by current votes): the one holding the newest
        list first, then back one scheduled push at a time. Each paper is dated by the newest list
        of that period it was on."""
        latest = await self._store.latest_day()
        if latest is None:
            return []
        # the first push after the newest list is complete carries it
        due: datetime | None = next_due(subscription, midnight(latest + timedelta(days=1)) - TICK)
        listed: list[tuple[date | None, list[Paper]]] = []
        for _ in range(FEED_PERIODS[subscription.cadence]):
            if due is None:
                break
            period = period_of(subscription, due, complete_before(due))
            selection = await selection_for(
                self._store, subscription, period.last, received=frozenset(), period=period
            )
            for pick in selection.picks:
                inside = [day for day in pick.paper.days if period.first <= day <= period.last]
                listed.append((max(inside, default=period.last), [pick.paper]))
            due = previous_due(subscription, due)
        return listed

    async def renew_feed_token(self, destination: Destination, by: str | None) -> Subscription:
        """A new token for the destination's feed: the old link stops working at once (a link that
        was shared too widely). NotFoundError when the destination has no subscription."""
        existing = await self._store.get_subscription(destination)
        if existing is None:
            raise NotFoundError(t("sub.none"))
        renewed = existing.model_copy(update={"feed_token": new_feed_token(), "changed_by": by})
        await self._store.save_subscription(renewed)
        return renewed

    def feed_url(self, subscription: Subscription) -> str | None:
        """The subscription's feed link to show in its settings; None while no public URL
        (PAPERBOY_PUBLIC_URL) says where the server is reached."""
        if self._public_url is None:
            return None
        return self._public_url + SUBSCRIPTION_PATH.format(token=subscription.feed_token)

    async def _feed(
        self, key: str, title: Text, subtitle: Text, language: str, entries: tuple[FeedEntry, ...]
    ) -> Feed:
        if entries:
            updated = max(entry.updated for entry in entries)
        else:  # nothing to show: the newest list's date, so the feed still says when it was looked at
            latest = await self._store.latest_day()
            updated = midnight(latest) if latest is not None else NO_LIST_YET
        return Feed(key, title, subtitle, language, entries, updated)
