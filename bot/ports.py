"""The boundaries the core depends on, as Protocols: storage here, platform senders later.

The core talks to these and never to a driver, so a store can be SQLite today and something
else tomorrow without the service or the adapters noticing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from bot.models import (
    Destination,
    DigestDay,
    FinalStatus,
    Opinion,
    OutboxItem,
    OutboxStatus,
    Paper,
    PushKind,
    Subscription,
    Summary,
)
from bot.ratelimit import RateKey
from bot.related import Vector


@dataclass(frozen=True)
class RefusedPaper:
    """A paper of a day the database refused (a value it cannot keep); the rest of the day is stored."""

    position: int  # 0-based place in the day's list
    arxiv_id: str
    reason: str


@dataclass(frozen=True)
class Enqueued:
    """One push for `Store.enqueue_many`: the same fields as `Store.enqueue` takes."""

    destination: Destination
    kind: PushKind
    digest_day: date
    due_at: datetime
    last_list: date | None = None


@dataclass(frozen=True)
class DueSubscription:
    """A subscription whose time to be looked at has come (`Store.subscriptions_due`): its row id
    and `next_check_at` are the page's position; `saved_at` (when the row was last written) is what
    `NextCheck.was` must still match."""

    row_id: int
    next_check_at: datetime
    saved_at: datetime
    subscription: Subscription


@dataclass(frozen=True)
class NextCheck:
    """When the scheduler should look at a subscription again. It applies only while the row was
    last written at `was`: a save in between (new settings) asked for a fresh look, which wins."""

    row_id: int
    was: datetime
    at: datetime


@dataclass(frozen=True)
class UpsertResult:
    """What storing one DigestDay changed: nothing at all when the same data comes again.

    `day_added` is true only when the day got its first stored paper; `refused` are the papers the
    database would not take, each written on its own so that it costs no other paper."""

    day_added: bool
    papers_added: int
    papers_updated: int
    refused: tuple[RefusedPaper, ...] = ()


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
    capped: bool = False  # a very broad query: `total` counts only the matches that were ranked


@dataclass(frozen=True)
class Trend:
    """A paper and the votes it gained within the trending window (as the vote history saw them)."""

    paper: Paper
    gained: int


@dataclass(frozen=True)
class TrendingPage:
    """The papers of `first_day`..`last_day` that gained votes, most gained first (ties: more votes).

    `listed` counts the papers of those days; `tracked` those whose votes the history saw at least
    twice (none: there is no history to rank by yet). The days are None when nothing is listed.
    """

    trends: list[Trend]
    first_day: date | None
    last_day: date | None
    listed: int
    tracked: int


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
    subscriptions_by_platform: dict[str, int]
    paused: int
    last_push: datetime | None
    outbox_pending: int
    outbox_sent: int
    outbox_failed: int
    outbox_dead: int
    errors: dict[str, int]


@dataclass(frozen=True)
class SummaryStats:
    """What the writer and the archive have produced: summaries by language and source, the tokens
    the writer's cost, and its standing failures by reason."""

    by_language: dict[str, dict[str, int]]
    tokens_in: int
    tokens_out: int
    unverified: int
    failures: dict[str, int]


@dataclass(frozen=True)
class Outgoing:
    """One rendered message for one platform and the papers it carries (for the ledger).

    `reply_to` is the number of an earlier message of the same push this one answers in its thread
    (the `thread` format: every card replies to the header); the deliverer finds that message's id,
    in this run or recorded before a crash, and sends the reply to it.
    """

    payload: Any
    papers: tuple[str, ...] = ()
    reply_to: int | None = None


class Notifier(Protocol):
    """A platform's way to render and send a push; raises bot.errors.DeliveryError subclasses."""

    platform: str

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        """The messages of a push, always the same for the same papers (a resume skips sent ones)."""
        ...

    def rate_keys(self, subscription: Subscription) -> list[RateKey]:
        """The rate limits one message to this destination counts against."""
        ...

    async def send(self, destination: Destination, message: Outgoing) -> str:
        """Send one message; returns the platform's message id. A reply comes with the id of the
        message it answers as the destination's `thread_id`."""
        ...


class Catalog(Protocol):
    """The papers and their days: what ingestion writes, commands and pushes read, and the
    summaries the writer adds."""

    async def upsert_day(self, digest: DigestDay) -> UpsertResult:
        """Store a day's papers, merging each with what is known (see bot.merge). A paper the
        database refuses is left out and named in `refused`; StoreError when nothing can be written."""
        ...

    async def get_paper(self, arxiv_id: str) -> Paper | None: ...

    async def save_summary(self, arxiv_id: str, summary: Summary) -> None:
        """Keep `summary` as the paper's summary in its language (replacing any there), searchable,
        and forget a failure recorded for that language."""
        ...

    async def record_summary_failure(
        self, arxiv_id: str, language: str, prompt_version: str, reason: str
    ) -> None:
        """The writer gave up on this paper and language for now: keep why (the last reason wins)."""
        ...

    async def summary_stats(self) -> SummaryStats: ...

    async def summary_tokens_since(self, since: datetime) -> int:
        """Tokens (in and out) of the writer's summaries stored since `since`: the day's budget."""
        ...

    async def top(self, day: date, *, limit: int, min_votes: int | None = None) -> list[Paper]:
        """The day's papers by votes (unknown last), then by their position in the list."""
        ...

    async def top_between(self, first: date, last: date, *, limit: int) -> list[Paper]:
        """The papers listed on any day from `first` to `last` (both included), each once, by their
        current votes (unknown last), then by the first day and place they were listed on in that
        span: the candidates of a weekly or monthly push."""
        ...

    async def latest_day(self, *, on_or_before: date | None = None) -> date | None:
        """The most recent day with a list, optionally no later than `on_or_before`."""
        ...

    async def list_days(self, *, limit: int = 30) -> list[DayInfo]:
        """The most recent days first."""
        ...

    async def search(self, query: SearchQuery) -> SearchPage: ...

    async def trending(self, now: datetime, *, days: int, window: timedelta, limit: int) -> TrendingPage:
        """Papers listed in the `days` days up to the latest list on or before `now` (UTC), ranked
        by the votes gained from `now - window` to `now` in the vote history (the last count seen by
        then, else the first seen after), then by current votes; only papers that gained any."""
        ...

    async def stats(self) -> StoreStats: ...


class Subscriptions(Protocol):
    """Who gets a daily push, and how they chose it."""

    async def get_subscription(self, destination: Destination) -> Subscription | None: ...

    async def subscription_by_feed_token(self, token: str) -> Subscription | None:
        """The subscription whose Atom feed `token` names (active or not), or None: the token is
        unique, so it finds one row at most, by its index."""
        ...

    async def list_subscriptions(
        self, *, platform: str | None = None, delivering_only: bool = False
    ) -> list[Subscription]: ...

    async def subscriptions_page(
        self, *, after: int, limit: int, noting_only: bool = False
    ) -> list[tuple[int, Subscription]]:
        """Up to `limit` delivering subscriptions whose row id is above `after`, by id, each with its
        id (the next page starts after the last): the scheduler streams them, never all at once.
        `noting_only`: only those that want a note on days without a new list (`notify_empty`)."""
        ...

    async def save_subscription(self, subscription: Subscription) -> None:
        """Insert or replace the subscription of its destination; the scheduler looks at it again
        at its next round (new settings may make it due)."""
        ...

    async def subscriptions_due(
        self, now: datetime, *, after: tuple[datetime, int] | None, limit: int
    ) -> list[DueSubscription]:
        """Up to `limit` delivering subscriptions whose `next_check_at` is at or before `now`, in
        (next_check_at, row id) order after the position `after` (None: from the start). Indexed:
        the cost follows the number found, not the number of subscribers."""
        ...

    async def schedule_checks(self, checks: Sequence[NextCheck]) -> int:
        """Set each subscription's next look, where its row was not written since `was`; returns
        how many."""
        ...

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        """Re-key a chat's subscriptions after the platform changed its id; returns how many."""
        ...


class Outbox(Protocol):
    """The pushes waiting, leased and done, and the ledger of what each destination received."""

    async def enqueue(
        self,
        destination: Destination,
        kind: PushKind,
        digest_day: date,
        due_at: datetime,
        last_list: date | None = None,
    ) -> bool:
        """Add a push to the outbox; False when that (destination, kind, day) is already there.

        A note (a day without a new list) is keyed by its local date and names the `last_list`.
        """
        ...

    async def enqueue_many(self, pushes: Sequence[Enqueued]) -> int:
        """`enqueue` for many pushes in one statement (a destination with no subscription is
        skipped); returns how many were new, the ones already there are not added again."""
        ...

    async def enqueue_delivering(
        self, digest_day: date, due_at: datetime, *, after: int = 0, limit: int | None = None
    ) -> tuple[int, int | None]:
        """`push --now`: the digest of `digest_day`, due at `due_at`, for the delivering
        subscriptions without `notify_empty` whose row id is above `after`, the first `limit` of them
        in id order (None: all), in one statement. Returns how many were new and the last row id the
        page read (None: there was none; the next page starts after it)."""
        ...

    async def enqueued_at(
        self, destination: Destination, kind: PushKind, digest_day: date
    ) -> datetime | None: ...

    async def lease(self, owner: str, now: datetime, *, seconds: float, limit: int) -> list[OutboxItem]:
        """Take ready pushes (due pending ones and ones whose lease expired) for `seconds`."""
        ...

    async def record_message(
        self,
        item_id: int,
        seq: int,
        message_id: str,
        destination: Destination,
        arxiv_ids: Sequence[str],
        *,
        choice: Sequence[str] | None = None,
        final: bool = False,
    ) -> None:
        """A message of a push went out: keep its id and put its papers in the ledger, atomically;
        the first message fixes the push's `choice`, the `final` one marks the push sent."""
        ...

    async def extend_lease(self, item_id: int, lease: str, until: datetime) -> bool:
        """Keep holding a push; False when its lease was lost to another worker."""
        ...

    async def finish(self, item_id: int, status: FinalStatus, error: str | None = None) -> None: ...

    async def retry_later(self, item_id: int, at: datetime, error: str) -> None: ...

    async def release(self, owner: str) -> int:
        """Hand back every push this owner's leases hold (a clean shutdown), and leave the instances."""
        ...

    async def already_sent(self, destination: Destination, arxiv_ids: Sequence[str]) -> set[str]: ...

    async def outbox_counts(self) -> dict[OutboxStatus, int]:
        """Outbox rows by status as `stats` counts them: pending (leased ones too), sent, failed, dead."""
        ...


class Instances(Protocol):
    """The processes sharing the database: who is alive and who schedules (bot/cluster.py)."""

    async def heartbeat(self, owner: str, now: datetime, *, seconds: float) -> tuple[int, bool]:
        """This instance is alive for `seconds` more: returns how many instances are alive, and
        whether this one is the oldest of them (the one that schedules)."""
        ...


class Tokens(Protocol):
    """Short tokens for buttons whose payload would not fit in them."""

    async def remember(self, payload: str) -> str:
        """A short token standing for `payload`, for buttons that cannot carry it whole."""
        ...

    async def recall(self, token: str) -> str | None:
        """The payload of a token, or None once it has expired."""
        ...


@dataclass(frozen=True)
class PaperFeedback:
    """What one destination's members said about one paper: each member counts once per paper
    (a later press replaces their earlier one); `saves` is how many members saved it."""

    arxiv_id: str
    likes: int = 0
    dislikes: int = 0
    saves: int = 0


@dataclass(frozen=True)
class SavedPaper:
    """A paper a member saved in a destination (their reading list there), and when."""

    paper: Paper
    saved_at: datetime


class Feedback(Protocol):
    """👍/👎 and saved papers, per destination and member: a destination's profile for personal
    ranking is every member's presses there; a member's reading list is their saves there."""

    async def set_opinion(
        self, destination: Destination, user: str, arxiv_id: str, opinion: Opinion | None
    ) -> None:
        """The member's 👍 or 👎 on the paper in this destination; None takes it back."""
        ...

    async def set_saved(self, destination: Destination, user: str, arxiv_id: str, saved: bool) -> None:
        """Add the paper to (or remove it from) the member's saved papers in this destination."""
        ...

    async def member_feedback(
        self, destination: Destination, user: str, arxiv_ids: Sequence[str]
    ) -> dict[str, tuple[Opinion | None, bool]]:
        """The member's own opinion and saved flag of each paper they pressed anything on
        (papers they never pressed are missing): what their buttons show."""
        ...

    async def saved_papers(
        self, destination: Destination, user: str, *, offset: int = 0, limit: int = 10
    ) -> tuple[list[SavedPaper], int]:
        """A page of the member's saved papers here, newest first, and how many there are."""
        ...

    async def destination_feedback(
        self, destination: Destination, arxiv_ids: Sequence[str] | None = None
    ) -> list[PaperFeedback]:
        """Every paper anyone pressed anything on in this destination (the profile a personal
        ranking trains on), or only those of `arxiv_ids` (the counts a card's buttons show: a busy
        group's whole profile is not read for one press)."""
        ...

    async def feedback_destinations(self) -> set[str]:
        """The keys (Destination.key) of every destination where anyone pressed anything: a push
        reads it once and asks `destination_feedback` of those alone, not of every subscriber."""
        ...


@dataclass(frozen=True)
class RelatedSource:
    """A paper as a question for related papers: its vector, and the frequencies of its terms now.

    `key` is the store's own number for the paper (higher: stored later); ties between equally
    related papers go to the higher one, in the store and in the brute-force reference alike."""

    key: int
    paper: Paper
    vector: Vector
    frequencies: dict[str, int]  # how many papers hold each of its terms (itself included)
    papers: int  # how many papers the index holds


@dataclass(frozen=True)
class Neighbour:
    """A related paper, its score (bot.related.score) and its vector (to say which terms it shares)."""

    key: int
    paper: Paper
    score: int
    vector: Vector


class Related(Protocol):
    """The related-papers index: each paper's vector, kept current by every write of a paper (a day,
    a summary), and the document frequencies of their terms (bot/related.py decides the rest)."""

    async def related_source(self, arxiv_id: str) -> RelatedSource | None:
        """The paper, its vector and its terms' frequencies; None when no such paper is indexed."""
        ...

    async def nearest(self, source: int, weights: Mapping[str, int], limit: int) -> list[Neighbour]:
        """The `limit` papers with the highest bot.related.score for `weights` (a score above 0),
        the paper `source` left out; ties to the higher key. One indexed query, whatever the corpus."""
        ...

    async def related_vectors(self, *, after: int, limit: int) -> list[tuple[int, Vector]]:
        """Up to `limit` papers' (key, vector) with a key above `after`, by key: the brute-force scan
        the index is checked against (bench/related.py, the contract tests)."""
        ...

    async def index_related(self) -> int:
        """Index every paper that has no vector yet (a database from before the index, rows copied
        in); returns how many. Stores run it when they open; cheap when nothing is missing."""
        ...


class Database(Protocol):
    """Whether the database answers and takes writes, and letting it go."""

    async def ping(self) -> None:
        """A trivial query (`SELECT 1`): returns when the database answers, raises when it does not."""
        ...

    async def writable(self) -> None:
        """A cheap round trip that proves the database takes writes (SQLite: the write lock is free);
        StoreUnavailable when it does not. The outage prober's question; /healthz asks `ping`."""
        ...

    async def close(self) -> None: ...


class Store(Catalog, Subscriptions, Outbox, Feedback, Instances, Tokens, Related, Database, Protocol):
    """Everything the core needs from a database: every role, as each storage class implements it.

    Consumers take the narrowest role (or the combination below) that covers what they call, so a
    reader sees at the signature which part of the database a part of the bot touches."""


class PushHistory(Catalog, Outbox, Feedback, Protocol):
    """The lists and what the outbox holds of them: what a push would carry (selection, /preview),
    and the feedback a personal ranking orders it by."""


class Pushes(PushHistory, Subscriptions, Protocol):
    """The scheduler and the subscription commands: the push's history and the subscribers."""


class Delivery(Pushes, Database, Protocol):
    """The deliverer: the push's roles, and the probe that tells when a store that failed is back."""


class ServiceStore(Pushes, Feedback, Tokens, Related, Protocol):
    """PaperService: the push's roles, the members' feedback, the tokens its buttons carry, and
    related papers."""


class WriterStore(Catalog, Subscriptions, Protocol):
    """The digest writer: the lists it summarises, and the languages the subscribers read."""
