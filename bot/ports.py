"""The boundaries the core depends on, as Protocols: storage here, platform senders later.

The core talks to these and never to a driver, so a store can be SQLite today and something
else tomorrow without the service or the adapters noticing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from bot.models import Destination, DigestDay, Paper, Subscription


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

    async def latest_day(self, *, on_or_before: date | None = None) -> date | None:
        """The most recent day with a list, optionally no later than `on_or_before`."""
        ...

    async def list_days(self, *, limit: int = 30) -> list[DayInfo]:
        """The most recent days first."""
        ...

    async def search(self, query: SearchQuery) -> SearchPage: ...

    async def stats(self) -> StoreStats: ...

    async def get_subscription(self, destination: Destination) -> Subscription | None: ...

    async def list_subscriptions(
        self, *, platform: str | None = None, delivering_only: bool = False
    ) -> list[Subscription]: ...

    async def save_subscription(self, subscription: Subscription) -> None:
        """Insert or replace the subscription of its destination."""
        ...

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        """Re-key a chat's subscriptions after the platform changed its id; returns how many."""
        ...

    async def remember(self, payload: str) -> str:
        """A short token standing for `payload`, for buttons that cannot carry it whole."""
        ...

    async def recall(self, token: str) -> str | None:
        """The payload of a token, or None once it has expired."""
        ...

    async def close(self) -> None: ...
