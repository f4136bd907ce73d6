"""The boundaries the core depends on, as Protocols: storage here, platform senders later.

The core talks to these and never to a driver, so a store can be SQLite today and something
else tomorrow without the service or the adapters noticing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from bot.models import DigestDay, Paper


@dataclass(frozen=True)
class UpsertResult:
    """What storing one DigestDay changed: nothing at all when the same data comes again."""

    day_added: bool
    papers_added: int
    papers_updated: int


@dataclass(frozen=True)
class SearchQuery:
    """A search as the user asked it; `text` is free text and never query syntax."""

    text: str
    limit: int = 10
    offset: int = 0
    since: date | None = None
    until: date | None = None
    min_votes: int | None = None


@dataclass(frozen=True)
class SearchPage:
    """One page of results, best first.

    `total` counts every match so callers can offer more pages; `terms` are the words actually
    searched for (after dropping punctuation and operators), so renderers can show what matched.
    """

    papers: list[Paper]
    total: int
    terms: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class DayInfo:
    day: date
    papers: int
    top_votes: int | None


@dataclass(frozen=True)
class StoreStats:
    papers: int
    days: int
    first_day: date | None
    last_day: date | None
    subscriptions: int
    outbox_pending: int
    outbox_sent: int
    outbox_dead: int


class Store(Protocol):
    """Everything the core needs from a database."""

    async def upsert_day(self, digest: DigestDay) -> UpsertResult:
        """Store a day's papers, merging each with what is known (see bot.merge)."""
        ...

    async def get_paper(self, arxiv_id: str) -> Paper | None: ...

    async def top(self, day: date, *, limit: int, min_votes: int | None = None) -> list[Paper]:
        """The day's papers by votes (unknown last), then by their position in the list."""
        ...

    async def latest_day(self) -> date | None: ...

    async def list_days(self, *, limit: int = 30) -> list[DayInfo]:
        """The most recent days first."""
        ...

    async def search(self, query: SearchQuery) -> SearchPage: ...

    async def stats(self) -> StoreStats: ...

    async def close(self) -> None: ...
