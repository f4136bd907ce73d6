"""The embedded default Store: one SQLite file (WAL, foreign keys, FTS5) through aiosqlite.

Every SQL statement of the project lives in storage/; the core sees only bot.ports.Store. What this
store shares with storage/postgres.py (how a day merges, how rows become models, how text becomes
search tokens) lives in storage/records.py and storage/search_terms.py.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import NotFoundError, StoreError, StoreUnavailable
from bot.i18n import t
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
from bot.ports import (
    DayInfo,
    DueSubscription,
    Enqueued,
    Neighbour,
    NextCheck,
    PaperFeedback,
    RefusedPaper,
    RelatedSource,
    SavedPaper,
    SearchPage,
    SearchQuery,
    StoreStats,
    SummaryStats,
    TrendingPage,
    UpsertResult,
)
from bot.related import Vector, build_vector
from bot.selection import LATE_RISER_DAYS
from storage.errors import sqlite_unavailable
from storage.fts_text import build_match, index_columns
from storage.migrate import migrate
from storage.records import (
    DESTINATION_KEYED,
    EPOCH,
    PAPER_COLUMNS,
    UI_STATE_DAYS,
    as_datetime,
    history_floor,
    member_feedback_of,
    merge_day,
    outbox_counts,
    outbox_item_from_row,
    paper_feedback_of,
    paper_from_row,
    paper_values,
    ranked_trends,
    search_fields,
    store_stats,
    subscription_from_row,
    subscription_values,
    summary_stats,
    trend_row,
    trending_days,
    trending_page,
    ui_token,
    upsert_result,
    vote_samples,
    with_summary,
)
from storage.related_rows import (
    BACKFILL_BATCH,
    Backfill,
    neighbour_of,
    postings,
    source_of,
    term_change,
    vectors_of,
)
from storage.search_terms import BROAD_POOL, RANKED_MATCHES

log = logging.getLogger(__name__)

RECORD_GATHER = 0.005  # seconds a sent message waits for others to be recorded with it
# Another process writing the same file (a second `paperboy ingest`, `paperboy run`) is waited for
# this long; and a day is written WRITE_CHUNK papers per transaction, so no write of ours holds the
# lock for long (a 50 MB day took ~7 s in one transaction, past any sensible wait of the others).
BUSY_TIMEOUT_MS = 30_000
WRITE_CHUNK = 50
# What a paper's write may fail with because of its values (not because of the database): that paper
# is left out and reported, the rest of the day goes on.
_REFUSED = (sqlite3.DataError, sqlite3.IntegrityError, sqlite3.InterfaceError, OverflowError, ValueError)

# Title hits weigh most, then authors, then summaries, abstract and keywords.
_BM25 = "bm25(papers_fts, 10.0, 4.0, 1.0)"
_PAPER_COLUMNS = "p.id, p.arxiv_id, " + ", ".join(f"p.{column}" for column in PAPER_COLUMNS)
# A paper's days in the same read as its row (related papers: one round trip less per answer).
_DAYS_JSON = (
    "(SELECT json_group_array(day) FROM (SELECT day FROM paper_days WHERE paper_id = p.id ORDER BY day))"
)


# A sent message for outbox_messages: outbox id, seq, platform message id, destination key,
# papers, choice (or None), final (0/1), sent at.
_MessageRecord = tuple[int, int, str, str, list[str], list[str] | None, int, str]
_RECORD_MESSAGES = """
    INSERT OR IGNORE INTO outbox_messages
        (outbox_id, seq, platform_message_id, destination, papers, choice, final, sent_at)
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
           json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
           json_extract(value, '$[6]'), json_extract(value, '$[7]')
    FROM json_each(?) ORDER BY key"""


def _now() -> str:
    return _ts(datetime.now(UTC))


def _ts(moment: datetime) -> str:
    """UTC timestamps as text that sorts in time order (microseconds kept for leases)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _key(destination: Destination) -> tuple[str, str, str]:
    return destination.platform, destination.chat_id, destination.thread_id


def _fts_values(paper: Paper) -> tuple[str, ...]:
    return index_columns(search_fields(paper))


def _column(value: Any) -> Any:
    """A value as this store keeps it: times as sortable UTC text, a time of day as HH:MM."""
    if isinstance(value, datetime):
        return _ts(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


# The scheduler's read (`subscriptions_due`): a range of the partial index subscriptions_next_check,
# already in its order (tests/integration/test_store.py checks the plan: no scan, no sort).
DUE_QUERY = """SELECT * FROM subscriptions
               WHERE active = 1 AND paused_reason IS NULL AND next_check_at <= ?
                 AND (next_check_at, id) > (?, ?)
               ORDER BY next_check_at, id LIMIT ?"""


class SqliteStore:
    """bot.ports.Store on SQLite. Open with `await SqliteStore.open(path)`; close when done."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        # Workers share one connection: a transaction must not take in another coroutine's writes.
        self._lock = asyncio.Lock()
        self._unrecorded: list[tuple[_MessageRecord, asyncio.Future[None]]] = []
        self._recorder: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: str | Path) -> SqliteStore:
        """Open (creating if needed) the database file and bring its schema up to date; a file or
        disk it cannot use raises StoreUnavailable, leaving the file as it was."""
        where = Path(path)
        try:
            if str(path) != ":memory:":
                where.parent.mkdir(parents=True, exist_ok=True)
                # A file that cannot be opened fails here rather than in aiosqlite's thread, which
                # would then answer into an event loop already closed (a second traceback).
                await asyncio.to_thread(_opens, where)
            db = await aiosqlite.connect(str(path), isolation_level=None)
        except (sqlite3.Error, OSError) as err:
            _raise_unavailable(err, where)
            raise
        try:
            db.row_factory = aiosqlite.Row
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await migrate(db)
            store = cls(db, where)
            await store._index_related_backlog()
        except BaseException as err:
            await db.close()
            if isinstance(err, sqlite3.Error):
                _raise_unavailable(err, where)
            raise
        return store

    async def close(self) -> None:
        if self._recorder is not None:
            await self._recorder
        await self._db.close()

    async def writable(self) -> None:
        """Take the write lock and give it back: raises StoreUnavailable while another program
        holds it past the busy timeout, or the file cannot be written."""
        async with self._transaction():
            pass

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        """One writer at a time on the shared connection, all or nothing."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write statement, never inside another coroutine's open transaction; returns rowcount."""
        async with self._lock:
            cursor = await self._db.execute(sql, params)
            return cursor.rowcount

    async def _write_returning(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        async with self._lock, self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _all(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        async with self._db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    # -- reading papers -------------------------------------------------------------------

    async def _days_of(self, paper_ids: Iterable[int]) -> dict[int, list[str]]:
        ids = list(paper_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = await self._all(
            f"SELECT paper_id, day FROM paper_days WHERE paper_id IN ({marks}) ORDER BY day", ids
        )
        days: dict[int, list[str]] = {}
        for row in rows:
            days.setdefault(row["paper_id"], []).append(row["day"])
        return days

    async def _papers(self, rows: Sequence[aiosqlite.Row]) -> list[Paper]:
        days = await self._days_of(row["id"] for row in rows)
        return [paper_from_row(row, days.get(row["id"], ())) for row in rows]

    async def _paper_row(self, arxiv_id: str) -> aiosqlite.Row | None:
        return await self._one(f"SELECT {_PAPER_COLUMNS} FROM papers p WHERE p.arxiv_id = ?", (arxiv_id,))

    async def get_paper(self, arxiv_id: str) -> Paper | None:
        row = await self._paper_row(arxiv_id)
        return (await self._papers([row]))[0] if row else None

    async def top(self, day: date, *, limit: int, min_votes: int | None = None) -> list[Paper]:
        rows = await self._all(
            f"""SELECT {_PAPER_COLUMNS} FROM paper_days d JOIN papers p ON p.id = d.paper_id
                WHERE d.day = ? AND (? IS NULL OR p.votes >= ?)
                ORDER BY p.votes IS NULL, p.votes DESC, d.position
                LIMIT ?""",
            (day.isoformat(), min_votes, min_votes, limit),
        )
        return await self._papers(rows)

    async def top_between(self, first: date, last: date, *, limit: int) -> list[Paper]:
        rows = await self._all(
            f"""WITH listed AS MATERIALIZED (
                    SELECT paper_id, min(day) AS first_day, min(position) AS position FROM paper_days
                    WHERE day BETWEEN ? AND ? GROUP BY paper_id)
                SELECT {_PAPER_COLUMNS} FROM listed l JOIN papers p ON p.id = l.paper_id
                ORDER BY p.votes IS NULL, p.votes DESC, l.first_day, l.position, p.id
                LIMIT ?""",
            (first.isoformat(), last.isoformat(), limit),
        )
        return await self._papers(rows)

    async def latest_day(self, *, on_or_before: date | None = None) -> date | None:
        bound = (on_or_before or date.max).isoformat()
        row = await self._one("SELECT max(day) AS day FROM paper_days WHERE day <= ?", (bound,))
        return date.fromisoformat(row["day"]) if row and row["day"] else None

    async def list_days(self, *, limit: int = 30) -> list[DayInfo]:
        rows = await self._all(
            """SELECT d.day, count(*) AS papers, max(p.votes) AS top_votes
               FROM paper_days d JOIN papers p ON p.id = d.paper_id
               GROUP BY d.day ORDER BY d.day DESC LIMIT ?""",
            (limit,),
        )
        return [DayInfo(date.fromisoformat(r["day"]), r["papers"], r["top_votes"]) for r in rows]

    async def search(self, query: SearchQuery) -> SearchPage:
        """Relevance (bm25, title hits first), then votes.

        bm25 scores every match, so it is used while a query matches at most RANKED_MATCHES papers.
        A broader query (a word in most papers, where relevance says little) ranks the most
        recently added BROAD_POOL matches by votes instead; `total` is then a lower bound and
        `capped` says so (storage/search_terms.py). Either way a page costs a few milliseconds at
        100,000 papers.
        """
        match = build_match(query.text)
        if match is None:
            return SearchPage(papers=[], total=0, terms=())
        filters, params = self._search_filters(query)
        row = await self._one(
            "SELECT count(*) AS n FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)",
            (match.expression, RANKED_MATCHES + 1),
        )
        matches = int(row["n"]) if row else 0
        if matches <= RANKED_MATCHES:
            # bm25() works only in a plain scan of the index: rank there, filter after the join.
            hits = f"SELECT rowid AS id, {_BM25} AS score FROM papers_fts WHERE papers_fts MATCH ?"
            order = "{t}score, {t}votes IS NULL, {t}votes DESC"
        else:
            join = "JOIN papers p ON p.id = papers_fts.rowid" if filters else ""
            hits = f"""SELECT papers_fts.rowid AS id, 0 AS score FROM papers_fts {join}
                       WHERE papers_fts MATCH ? {filters} ORDER BY papers_fts.rowid DESC LIMIT {BROAD_POOL}"""
            order = "{t}votes IS NULL, {t}votes DESC, {t}id DESC"
            filters = ""  # applied inside the pool already
        # Rank narrow rows (id, score, votes); read whole papers only for the page.
        rows = await self._all(
            f"""WITH hits AS MATERIALIZED ({hits}),
                ranked AS MATERIALIZED (
                    SELECT hits.id AS id, hits.score AS score, p.votes AS votes, count(*) OVER () AS total
                    FROM hits JOIN papers p ON p.id = hits.id
                    WHERE 1 {filters}
                    ORDER BY {order.format(t="")} LIMIT ? OFFSET ?)
                SELECT {_PAPER_COLUMNS}, ranked.total FROM ranked JOIN papers p ON p.id = ranked.id
                ORDER BY {order.format(t="ranked.")}""",
            (match.expression, *params, query.limit, query.offset),
        )
        total = rows[0]["total"] if rows else await self._count(hits, filters, [match.expression, *params])
        return SearchPage(
            papers=await self._papers(rows), total=total, terms=match.terms, capped=matches > RANKED_MATCHES
        )

    async def trending(self, now: datetime, *, days: int, window: timedelta, limit: int) -> TrendingPage:
        span = trending_days(await self.latest_day(on_or_before=now.astimezone(UTC).date()), days)
        if span is None:
            return trending_page(None, [], [], {})
        rows = [
            trend_row(row)
            for row in await self._all(
                """SELECT p.id, p.arxiv_id, p.votes,
                      (SELECT v.votes FROM paper_votes v WHERE v.paper_id = p.id AND v.seen_at <= :now
                       ORDER BY v.seen_at DESC LIMIT 1) AS last_votes,
                      coalesce(
                          (SELECT v.votes FROM paper_votes v WHERE v.paper_id = p.id AND v.seen_at <= :since
                           ORDER BY v.seen_at DESC LIMIT 1),
                          (SELECT v.votes FROM paper_votes v
                           WHERE v.paper_id = p.id AND v.seen_at > :since AND v.seen_at <= :now
                           ORDER BY v.seen_at LIMIT 1)) AS first_votes,
                      (SELECT count(*) FROM paper_votes v WHERE v.paper_id = p.id AND v.seen_at <= :now)
                          AS samples
                   FROM papers p
                   WHERE p.id IN (SELECT paper_id FROM paper_days WHERE day BETWEEN :first AND :last)""",
                {
                    "now": _ts(now),
                    "since": _ts(now - window),
                    "first": span[0].isoformat(),
                    "last": span[1].isoformat(),
                },
            )
        ]
        ranked = ranked_trends(rows, limit)
        ids = [paper_id for paper_id, _ in ranked]
        found = await self._all(
            f"SELECT {_PAPER_COLUMNS} FROM papers p WHERE p.id IN ({','.join('?' * len(ids))})", ids
        )
        papers = {row["id"]: paper for row, paper in zip(found, await self._papers(found), strict=True)}
        return trending_page(span, rows, ranked, papers)

    @staticmethod
    def _search_filters(query: SearchQuery) -> tuple[str, list[Any]]:
        filters, params = "", list[Any]()
        if query.min_votes is not None:
            filters += " AND p.votes >= ?"
            params.append(query.min_votes)
        if query.since is not None or query.until is not None:
            filters += (
                " AND EXISTS (SELECT 1 FROM paper_days d WHERE d.paper_id = p.id AND d.day BETWEEN ? AND ?)"
            )
            params += [(query.since or date.min).isoformat(), (query.until or date.max).isoformat()]
        return filters, params

    async def _count(self, hits: str, filters: str, params: list[Any]) -> int:
        """How many hits there are when the requested page is past the end of them."""
        row = await self._one(
            f"SELECT count(*) AS n FROM ({hits}) AS hits JOIN papers p ON p.id = hits.id WHERE 1 {filters}",
            params,
        )
        return int(row["n"]) if row else 0

    async def stats(self) -> StoreStats:
        row = await self._one(
            """SELECT (SELECT count(*) FROM papers) AS papers,
                      (SELECT count(DISTINCT day) FROM paper_days) AS days,
                      (SELECT min(day) FROM paper_days) AS first_day,
                      (SELECT max(day) FROM paper_days) AS last_day,
                      (SELECT count(*) FROM subscriptions WHERE active = 1) AS subscriptions,
                      (SELECT count(*) FROM subscriptions WHERE active = 1 AND paused_reason IS NOT NULL)
                          AS paused,
                      (SELECT max(sent_at) FROM outbox_messages) AS last_push"""
        )
        assert row is not None  # an aggregate query always yields one row
        return store_stats(
            row,
            await self._all(
                "SELECT platform, count(*) AS n FROM subscriptions WHERE active = 1 GROUP BY platform"
            ),
            await self._all("SELECT status, count(*) AS n FROM outbox GROUP BY status"),
            await self._all(
                """SELECT last_error, count(*) AS n FROM outbox WHERE last_error IS NOT NULL
                   GROUP BY last_error ORDER BY n DESC LIMIT 10"""
            ),
        )

    async def ping(self) -> None:
        await self._one("SELECT 1")

    async def outbox_counts(self) -> dict[OutboxStatus, int]:
        return outbox_counts(await self._all("SELECT status, count(*) AS n FROM outbox GROUP BY status"))

    # -- subscriptions ----------------------------------------------------------------------

    async def get_subscription(self, destination: Destination) -> Subscription | None:
        row = await self._one(
            "SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ? AND thread_id = ?",
            (destination.platform, destination.chat_id, destination.thread_id),
        )
        return subscription_from_row(row) if row else None

    async def subscription_by_feed_token(self, token: str) -> Subscription | None:
        row = await self._one("SELECT * FROM subscriptions WHERE feed_token = ?", (token,))
        return subscription_from_row(row) if row else None

    async def list_subscriptions(
        self, *, platform: str | None = None, delivering_only: bool = False
    ) -> list[Subscription]:
        rows = await self._all(
            """SELECT * FROM subscriptions
               WHERE (? IS NULL OR platform = ?) AND (? = 0 OR (active = 1 AND paused_reason IS NULL))
               ORDER BY id""",
            (platform, platform, int(delivering_only)),
        )
        return [subscription_from_row(row) for row in rows]

    async def subscriptions_page(
        self, *, after: int, limit: int, noting_only: bool = False
    ) -> list[tuple[int, Subscription]]:
        rows = await self._all(
            """SELECT * FROM subscriptions
               WHERE id > ? AND active = 1 AND paused_reason IS NULL AND (? = 0 OR notify_empty = 1)
               ORDER BY id LIMIT ?""",
            (after, int(noting_only), limit),
        )
        return [(row["id"], subscription_from_row(row)) for row in rows]

    async def subscriptions_due(
        self, now: datetime, *, after: tuple[datetime, int] | None, limit: int
    ) -> list[DueSubscription]:
        checked, row_id = after if after is not None else (EPOCH, -1)
        rows = await self._all(DUE_QUERY, (_ts(now), _ts(checked), row_id, limit))
        return [
            DueSubscription(
                row["id"],
                datetime.fromisoformat(row["next_check_at"]),
                datetime.fromisoformat(row["updated_at"]),
                subscription_from_row(row),
            )
            for row in rows
        ]

    async def schedule_checks(self, checks: Sequence[NextCheck]) -> int:
        if not checks:
            return 0
        async with self._transaction():
            cursor = await self._db.executemany(
                "UPDATE subscriptions SET next_check_at = ? WHERE id = ? AND updated_at = ?",
                [(_ts(check.at), check.row_id, _ts(check.was)) for check in checks],
            )
            return cursor.rowcount

    async def save_subscription(self, subscription: Subscription) -> None:
        """Insert or replace the subscription of its destination (one per chat and topic)."""
        values = {
            name: _column(value)
            for name, value in subscription_values(subscription, datetime.now(UTC)).items()
        }
        columns = ", ".join(values)
        updates = ", ".join(
            f"{name} = excluded.{name}" for name in values if name not in ("created_at", "paused_at")
        )
        # A pause keeps the moment it started while the reason stays the same.
        updates += (
            ", paused_at = CASE WHEN excluded.paused_reason IS subscriptions.paused_reason"
            " THEN subscriptions.paused_at ELSE excluded.paused_at END"
        )
        await self._write(
            f"""INSERT INTO subscriptions ({columns}) VALUES ({", ".join("?" * len(values))})
                ON CONFLICT (platform, chat_id, thread_id) DO UPDATE SET {updates}""",
            tuple(values.values()),
        )

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        """A chat got a new id (a group became a supergroup): its subscriptions follow it, and so do
        the rows keyed by its destinations (what they received, their members' presses and saves);
        a row the new chat already has stays as it is."""
        old, new = f"{platform}:{old_chat_id}", f"{platform}:{new_chat_id}"
        keyed = "destination = ? OR substr(destination, 1, ?) = ?"
        where = (old, len(old) + 1, f"{old}:")
        async with self._transaction():
            cursor = await self._db.execute(
                """UPDATE OR IGNORE subscriptions SET chat_id = ?, updated_at = ?
                   WHERE platform = ? AND chat_id = ?""",
                (new_chat_id, _now(), platform, old_chat_id),
            )
            for table in DESTINATION_KEYED:
                await self._db.execute(
                    f"UPDATE OR IGNORE {table} SET destination = ? || substr(destination, ?) WHERE {keyed}",
                    (new, len(old) + 1, *where),
                )
                await self._db.execute(f"DELETE FROM {table} WHERE {keyed}", where)
        return cursor.rowcount

    # -- delivery: outbox and ledger -----------------------------------------------------

    async def enqueue(
        self,
        destination: Destination,
        kind: PushKind,
        digest_day: date,
        due_at: datetime,
        last_list: date | None = None,
    ) -> bool:
        """Add one push to the outbox; False when it was already there (the key is unique)."""
        rowcount = await self._write(
            """INSERT OR IGNORE INTO outbox
                   (subscription_id, kind, digest_day, last_list, due_at, next_attempt_at, created_at)
               SELECT id, ?, ?, ?, ?, ?, ? FROM subscriptions
               WHERE platform = ? AND chat_id = ? AND thread_id = ?""",
            (
                kind,
                digest_day.isoformat(),
                last_list.isoformat() if last_list else None,
                _ts(due_at),
                _ts(due_at),
                _now(),
                *_key(destination),
            ),
        )
        return rowcount == 1

    async def enqueue_many(self, pushes: Sequence[Enqueued]) -> int:
        """Many pushes in one transaction (one prepared statement run for each); how many were new."""
        if not pushes:
            return 0
        now = _now()
        rows = [
            (
                push.kind,
                push.digest_day.isoformat(),
                push.last_list.isoformat() if push.last_list else None,
                _ts(push.due_at),
                _ts(push.due_at),
                now,
                *_key(push.destination),
            )
            for push in pushes
        ]
        async with self._transaction():
            cursor = await self._db.executemany(
                """INSERT OR IGNORE INTO outbox
                       (subscription_id, kind, digest_day, last_list, due_at, next_attempt_at, created_at)
                   SELECT id, ?, ?, ?, ?, ?, ? FROM subscriptions
                   WHERE platform = ? AND chat_id = ? AND thread_id = ?""",
                rows,
            )
            return cursor.rowcount

    async def enqueue_delivering(
        self, digest_day: date, due_at: datetime, *, after: int = 0, limit: int | None = None
    ) -> tuple[int, int | None]:
        page = """SELECT id FROM subscriptions
                  WHERE active = 1 AND paused_reason IS NULL AND notify_empty = 0 AND id > ?
                  ORDER BY id LIMIT ?"""
        bounds = (after, -1 if limit is None else limit)  # SQLite: a negative LIMIT is none
        async with self._transaction():
            last = await self._one(f"SELECT max(id) AS last FROM ({page})", bounds)
            cursor = await self._db.execute(
                f"""INSERT OR IGNORE INTO outbox
                        (subscription_id, kind, digest_day, last_list, due_at, next_attempt_at, created_at)
                    SELECT id, 'digest', ?, NULL, ?, ?, ? FROM ({page})""",
                (digest_day.isoformat(), _ts(due_at), _ts(due_at), _now(), *bounds),
            )
            return cursor.rowcount, (last["last"] if last else None)

    async def enqueued_at(
        self, destination: Destination, kind: PushKind, digest_day: date
    ) -> datetime | None:
        """When the push of that day (or note) to that destination was due, if it was ever enqueued."""
        row = await self._one(
            """SELECT o.due_at FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id
               WHERE s.platform = ? AND s.chat_id = ? AND s.thread_id = ?
                 AND o.kind = ? AND o.digest_day = ?""",
            (*_key(destination), kind, digest_day.isoformat()),
        )
        return datetime.fromisoformat(row["due_at"]) if row else None

    async def lease(self, owner: str, now: datetime, *, seconds: float, limit: int) -> list[OutboxItem]:
        """Take up to `limit` ready pushes: pending ones that are due, and leased ones whose lease expired.

        Each call gets its own lease token, so a worker whose lease expired and was taken over (even
        by its own process) finds out at its next `extend_lease` and stops.
        """
        token = f"{owner}:{uuid.uuid4().hex[:12]}"
        until = now + timedelta(seconds=seconds)
        # The first due pending pushes come in index order and stop at `limit`, and the expired
        # leases (a few, after a crash) come from their own index; one OR over both sorted every
        # pending push at each lease, which made a drain quadratic.
        rows = await self._write_returning(
            """UPDATE outbox SET status = 'leased', lease_owner = ?, lease_expires_at = ?
               WHERE id IN (
                   SELECT id FROM (
                       SELECT * FROM (
                           SELECT id, next_attempt_at FROM outbox
                           WHERE status = 'pending' AND next_attempt_at <= ?
                           ORDER BY next_attempt_at, id LIMIT ?)
                       UNION ALL
                       SELECT id, next_attempt_at FROM outbox INDEXED BY outbox_expiring
                       WHERE status = 'leased' AND lease_expires_at <= ?)
                   ORDER BY next_attempt_at, id LIMIT ?)
               RETURNING id""",
            (token, _ts(until), _ts(now), limit, _ts(now), limit),
        )
        return await self._outbox_items([row["id"] for row in rows], leased_at=now)

    async def _outbox_items(self, ids: list[int], leased_at: datetime) -> list[OutboxItem]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = await self._all(
            f"""SELECT o.id AS outbox_id, o.lease_owner, o.kind, o.digest_day, o.last_list, o.due_at,
                       o.papers, o.attempts,
                       (SELECT json_group_object(seq, platform_message_id) FROM outbox_messages m
                        WHERE m.outbox_id = o.id) AS sent,
                       (SELECT json_group_array(l.arxiv_id) FROM ledger l
                        WHERE l.destination = s.platform || ':' || s.chat_id
                              || CASE WHEN s.thread_id != '' THEN ':' || s.thread_id ELSE '' END
                          AND l.arxiv_id IN (
                              SELECT p.arxiv_id FROM paper_days d JOIN papers p ON p.id = d.paper_id
                              WHERE d.day BETWEEN date(o.digest_day, ?) AND o.digest_day)) AS received,
                       s.*
                FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id
                WHERE o.id IN ({marks}) ORDER BY o.id""",
            (f"-{LATE_RISER_DAYS} days", *ids),
        )
        return [outbox_item_from_row(row, leased_at) for row in rows]

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
        """One message went out: remember it and, by trigger in the same statement, put its papers
        in the ledger, fix the push's `choice` (given with its first message) and, with the
        `final` one, mark the push sent.

        Group commit: a message waits RECORD_GATHER seconds for the ones sent meanwhile, then they
        go together in one statement (one transaction, one trip to the database thread); paced
        sends come a millisecond apart, and a commit per message cost more than the send. Each
        caller returns only once its own message is committed, so a crash can still lose at most
        one message per worker (sent, not yet recorded, sent again on resume); what the wait adds
        is that more of the workers' messages are in that state at any moment.
        """
        record: _MessageRecord = (
            item_id,
            seq,
            message_id,
            destination.key,
            list(arxiv_ids),
            None if choice is None else list(choice),
            int(final),
            _now(),
        )
        committed = asyncio.get_running_loop().create_future()
        self._unrecorded.append((record, committed))
        if self._recorder is None:
            self._recorder = asyncio.create_task(self._record_waiting())
        await committed

    async def _record_waiting(self) -> None:
        """Write the waiting messages, a batch at a time, until none waits."""
        try:
            while self._unrecorded:
                await asyncio.sleep(RECORD_GATHER)
                batch, self._unrecorded = self._unrecorded, []
                try:
                    await self._write(_RECORD_MESSAGES, (json.dumps([record for record, _ in batch]),))
                except Exception as err:  # the batch is one statement: none of it was written
                    for _, committed in batch:
                        if not committed.done():
                            committed.set_exception(err)
                else:
                    for _, committed in batch:
                        if not committed.done():  # its caller may have been cancelled meanwhile
                            committed.set_result(None)
        finally:
            self._recorder = None

    async def extend_lease(self, item_id: int, lease: str, until: datetime) -> bool:
        """Keep holding a push; False when the lease was lost (it expired and was taken over)."""
        rowcount = await self._write(
            "UPDATE outbox SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status = 'leased'",
            (_ts(until), item_id, lease),
        )
        return rowcount == 1

    async def finish(self, item_id: int, status: FinalStatus, error: str | None = None) -> None:
        """Close a push: sent, failed (a permanent refusal) or dead (retries exhausted)."""
        await self._write(
            """UPDATE outbox SET status = ?, last_error = coalesce(?, last_error), finished_at = ?,
                   lease_owner = NULL, lease_expires_at = NULL
               WHERE id = ?""",
            (status, error, _now(), item_id),
        )

    async def retry_later(self, item_id: int, at: datetime, error: str) -> None:
        """Give a push back to the queue after a transient failure, for another attempt at `at`."""
        await self._write(
            """UPDATE outbox SET status = 'pending', attempts = attempts + 1, next_attempt_at = ?,
                   last_error = ?, lease_owner = NULL, lease_expires_at = NULL
               WHERE id = ?""",
            (_ts(at), error, item_id),
        )

    async def release(self, owner: str) -> int:
        """Hand back every push an instance still holds (a clean shutdown), ready at once."""
        await self._write("DELETE FROM instances WHERE owner = ?", (owner,))
        return await self._write(
            """UPDATE outbox SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL
               WHERE status = 'leased' AND lease_owner LIKE ? ESCAPE '\\'""",
            (owner.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ":%",),
        )

    async def heartbeat(self, owner: str, now: datetime, *, seconds: float) -> tuple[int, bool]:
        async with self._transaction():
            await self._db.execute("DELETE FROM instances WHERE expires_at <= ?", (_ts(now),))
            await self._db.execute(
                """INSERT INTO instances (owner, started_at, expires_at) VALUES (?, ?, ?)
                   ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at""",
                (owner, _ts(now), _ts(now + timedelta(seconds=seconds))),
            )
            rows = await self._all("SELECT owner FROM instances ORDER BY started_at, owner")
        return len(rows), rows[0]["owner"] == owner

    async def already_sent(self, destination: Destination, arxiv_ids: Sequence[str]) -> set[str]:
        """Which of these papers the destination has received before (the ledger)."""
        if not arxiv_ids:
            return set()
        marks = ",".join("?" * len(arxiv_ids))
        rows = await self._all(
            f"SELECT arxiv_id FROM ledger WHERE destination = ? AND arxiv_id IN ({marks})",
            (destination.key, *arxiv_ids),
        )
        return {row["arxiv_id"] for row in rows}

    # -- feedback: opinions and saved papers ---------------------------------------------

    async def set_opinion(
        self, destination: Destination, user: str, arxiv_id: str, opinion: Opinion | None
    ) -> None:
        """The member's 👍 or 👎 on the paper in this destination (replacing theirs); None takes it back."""
        if opinion is None:
            await self._write(
                "DELETE FROM opinions WHERE destination = ? AND user_id = ? AND arxiv_id = ?",
                (destination.key, user, arxiv_id),
            )
            return
        await self._write(
            """INSERT INTO opinions (destination, user_id, arxiv_id, opinion, updated_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (destination, user_id, arxiv_id)
               DO UPDATE SET opinion = excluded.opinion, updated_at = excluded.updated_at""",
            (destination.key, user, arxiv_id, opinion, _now()),
        )

    async def set_saved(self, destination: Destination, user: str, arxiv_id: str, saved: bool) -> None:
        """Add the paper to the member's saved papers here (again: keeps the first time), or remove it."""
        if saved:
            await self._write(
                """INSERT OR IGNORE INTO saved_papers (destination, user_id, arxiv_id, saved_at)
                   VALUES (?, ?, ?, ?)""",
                (destination.key, user, arxiv_id, _now()),
            )
        else:
            await self._write(
                "DELETE FROM saved_papers WHERE destination = ? AND user_id = ? AND arxiv_id = ?",
                (destination.key, user, arxiv_id),
            )

    async def member_feedback(
        self, destination: Destination, user: str, arxiv_ids: Sequence[str]
    ) -> dict[str, tuple[Opinion | None, bool]]:
        if not arxiv_ids:
            return {}
        marks = ",".join("?" * len(arxiv_ids))
        rows = await self._all(
            f"""SELECT arxiv_id, opinion, 0 AS saved FROM opinions
                WHERE destination = ? AND user_id = ? AND arxiv_id IN ({marks})
                UNION ALL
                SELECT arxiv_id, NULL, 1 FROM saved_papers
                WHERE destination = ? AND user_id = ? AND arxiv_id IN ({marks})""",
            (destination.key, user, *arxiv_ids, destination.key, user, *arxiv_ids),
        )
        return member_feedback_of(rows)

    async def saved_papers(
        self, destination: Destination, user: str, *, offset: int = 0, limit: int = 10
    ) -> tuple[list[SavedPaper], int]:
        """A page of the member's saved papers here, newest first (a paper no longer stored is skipped)."""
        joined = """saved_papers s JOIN papers p ON p.arxiv_id = s.arxiv_id
                    WHERE s.destination = ? AND s.user_id = ?"""
        rows = await self._all(
            f"""SELECT {_PAPER_COLUMNS}, s.saved_at FROM {joined}
                ORDER BY s.saved_at DESC, s.arxiv_id LIMIT ? OFFSET ?""",
            (destination.key, user, limit, offset),
        )
        total = await self._one(f"SELECT count(*) AS n FROM {joined}", (destination.key, user))
        papers = await self._papers(rows)
        saved = [
            SavedPaper(paper, as_datetime(row["saved_at"])) for paper, row in zip(papers, rows, strict=True)
        ]
        return saved, int(total["n"]) if total else 0

    async def destination_feedback(
        self, destination: Destination, arxiv_ids: Sequence[str] | None = None
    ) -> list[PaperFeedback]:
        only = "" if arxiv_ids is None else f" AND arxiv_id IN ({','.join('?' * len(arxiv_ids))})"
        ids = () if arxiv_ids is None else tuple(arxiv_ids)
        rows = await self._all(
            f"""SELECT arxiv_id, count(*) FILTER (WHERE opinion = 'like') AS likes,
                       count(*) FILTER (WHERE opinion = 'dislike') AS dislikes, sum(saved) AS saves
                FROM (SELECT arxiv_id, opinion, 0 AS saved FROM opinions WHERE destination = ?{only}
                      UNION ALL
                      SELECT arxiv_id, NULL, 1 FROM saved_papers WHERE destination = ?{only})
                GROUP BY arxiv_id ORDER BY arxiv_id""",
            (destination.key, *ids, destination.key, *ids),
        )
        return paper_feedback_of(rows)

    async def feedback_destinations(self) -> set[str]:
        rows = await self._all("SELECT destination FROM opinions UNION SELECT destination FROM saved_papers")
        return {str(row[0]) for row in rows}

    # -- button state ---------------------------------------------------------------------

    async def remember(self, payload: str, *, keep_days: int = UI_STATE_DAYS) -> str:
        """A short stable token for `payload` (the same payload gets the same token)."""
        token = ui_token(payload)
        now = datetime.now(UTC)
        await self._write(
            """INSERT INTO ui_state (token, payload, created_at) VALUES (?, ?, ?)
               ON CONFLICT (token) DO UPDATE SET created_at = excluded.created_at""",
            (token, payload, now.isoformat(timespec="seconds")),
        )
        await self.prune_ui_state(keep_days=keep_days)
        return token

    async def prune_ui_state(self, *, keep_days: int = UI_STATE_DAYS) -> None:
        """Forget tokens older than `keep_days`; their buttons then answer that they expired."""
        cutoff = (datetime.now(UTC) - timedelta(days=keep_days)).isoformat(timespec="seconds")
        await self._write("DELETE FROM ui_state WHERE created_at < ?", (cutoff,))

    async def recall(self, token: str) -> str | None:
        row = await self._one("SELECT payload FROM ui_state WHERE token = ?", (token,))
        return str(row["payload"]) if row else None

    # -- writing papers -------------------------------------------------------------------

    async def upsert_day(self, digest: DigestDay) -> UpsertResult:
        """Merge a day into the store, WRITE_CHUNK papers per transaction; unchanged data writes
        nothing. A paper the database refuses is left out (a savepoint each) and reported."""
        day_added = False
        added = updated = 0
        refused: list[RefusedPaper] = []
        for start in range(0, len(digest.papers), WRITE_CHUNK):
            chunk = digest.model_copy(update={"papers": digest.papers[start : start + WRITE_CHUNK]})
            try:
                outcome = await self._upsert_chunk(chunk, start)
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err):
                    raise
                raise StoreError(
                    f"the database is locked by another writer (waited {BUSY_TIMEOUT_MS / 1000:g} s): "
                    f"{digest.day} stored up to paper {start} of {len(digest.papers)}; ingest it again later"
                ) from None
            day_added |= outcome.day_added
            added += outcome.papers_added
            updated += outcome.papers_updated
            refused.extend(outcome.refused)
        return UpsertResult(day_added, added, updated, tuple(refused))

    async def _upsert_chunk(self, digest: DigestDay, offset: int) -> UpsertResult:
        """One transaction: merge these papers (the day's list from `offset` on) and write them."""
        day = digest.day.isoformat()
        now = _now()
        async with self._transaction():
            arxiv_ids = [paper.arxiv_id for paper in digest.papers]
            marks = ",".join("?" * len(arxiv_ids))
            rows = await self._all(
                f"SELECT {_PAPER_COLUMNS} FROM papers p WHERE p.arxiv_id IN ({marks})", arxiv_ids
            )
            ids: dict[str, int | None] = {row["arxiv_id"]: row["id"] for row in rows}
            changes = merge_day(digest, {paper.arxiv_id: paper for paper in await self._papers(rows)})
            refused: list[RefusedPaper] = []
            for arxiv_id, (before, after) in changes.rows.items():
                await self._db.execute("SAVEPOINT paper")
                try:
                    ids[arxiv_id] = await self._write_paper(ids.get(arxiv_id), before, after, now)
                except _REFUSED as err:
                    await self._db.execute("ROLLBACK TO paper")
                    position = offset + changes.positions[arxiv_id]
                    refused.append(RefusedPaper(position, arxiv_id, f"{type(err).__name__}: {err}"))
                await self._db.execute("RELEASE paper")
            left_out = {r.arxiv_id for r in refused}
            positions = {a: p for a, p in changes.positions.items() if a not in left_out}
            day_added = False
            if positions:  # a day is added with its first stored paper, never empty
                cursor = await self._db.execute(
                    "INSERT OR IGNORE INTO days (day, first_ingested_at, last_ingested_at) VALUES (?, ?, ?)",
                    (day, now, now),
                )
                day_added = cursor.rowcount == 1
            await self._db.executemany(
                """INSERT INTO paper_days (day, paper_id, position) VALUES (?, ?, ?)
                   ON CONFLICT (day, paper_id) DO UPDATE SET position = excluded.position
                   WHERE position != excluded.position""",
                [(day, ids[arxiv_id], offset + position) for arxiv_id, position in positions.items()],
            )
            if not day_added and len(changes.rows) > len(refused):
                await self._db.execute("UPDATE days SET last_ingested_at = ? WHERE day = ?", (now, day))
            await self._record_votes(digest, vote_samples(changes, refused), ids)
        return upsert_result(day_added, changes, refused)

    async def _record_votes(
        self, digest: DigestDay, samples: list[tuple[str, int]], ids: dict[str, int | None]
    ) -> None:
        """The vote history: a row per paper whose count changed, at the time the answer was read;
        what is older than the history keeps is pruned."""
        if not samples:
            return
        seen = digest.seen_at or datetime.now(UTC)
        await self._db.executemany(
            """INSERT INTO paper_votes (paper_id, seen_at, votes) VALUES (?, ?, ?)
               ON CONFLICT (paper_id, seen_at) DO UPDATE SET votes = excluded.votes""",
            [(ids[arxiv_id], _ts(seen), votes) for arxiv_id, votes in samples],
        )
        await self._db.execute("DELETE FROM paper_votes WHERE seen_at < ?", (_ts(history_floor(seen)),))

    async def save_summary(self, arxiv_id: str, summary: Summary) -> None:
        async with self._transaction():
            row = await self._paper_row(arxiv_id)
            if row is None:
                raise NotFoundError(t("paper.not_found", arxiv_id=arxiv_id))
            before = (await self._papers([row]))[0]
            await self._write_paper(row["id"], before, with_summary(before, summary), _now())
            await self._db.execute(
                "DELETE FROM summary_failures WHERE paper_id = ? AND language = ?",
                (row["id"], summary.language),
            )

    async def record_summary_failure(
        self, arxiv_id: str, language: str, prompt_version: str, reason: str
    ) -> None:
        await self._write(
            """INSERT INTO summary_failures (paper_id, language, prompt_version, reason, failed_at)
               SELECT id, ?, ?, ?, ? FROM papers WHERE arxiv_id = ?
               ON CONFLICT (paper_id, language) DO UPDATE SET prompt_version = excluded.prompt_version,
                   reason = excluded.reason, failed_at = excluded.failed_at""",
            (language, prompt_version, reason, _now(), arxiv_id),
        )

    async def summary_stats(self) -> SummaryStats:
        groups = await self._all(
            """SELECT json_extract(s.value, '$.language') AS language,
                      json_extract(s.value, '$.source') AS source, count(*) AS n,
                      sum(json_extract(s.value, '$.tokens_in')) AS tokens_in,
                      sum(json_extract(s.value, '$.tokens_out')) AS tokens_out,
                      sum(json_extract(s.value, '$.verified') = 0) AS unverified
               FROM papers, json_each(papers.summaries) AS s GROUP BY 1, 2 ORDER BY 1, 2"""
        )
        failures = await self._all(
            "SELECT reason, count(*) AS n FROM summary_failures GROUP BY reason ORDER BY n DESC LIMIT 20"
        )
        return summary_stats(groups, failures)

    async def summary_tokens_since(self, since: datetime) -> int:
        row = await self._one(
            """SELECT coalesce(sum(coalesce(json_extract(s.value, '$.tokens_in'), 0)
                                   + coalesce(json_extract(s.value, '$.tokens_out'), 0)), 0) AS n
               FROM papers, json_each(papers.summaries) AS s
               WHERE json_extract(s.value, '$.created_at') >= ?""",
            (since.astimezone(UTC).isoformat(),),
        )
        return int(row["n"]) if row else 0

    async def _write_paper(
        self, rowid: int | None, before: Paper | None, after: Paper, now: str
    ) -> int | None:
        """Insert a new paper (`before` None) or overwrite a stored one, and index it; returns its id."""
        if before is None:
            cursor = await self._db.execute(
                f"""INSERT INTO papers ({", ".join(PAPER_COLUMNS)}, arxiv_id, created_at, updated_at)
                    VALUES ({", ".join("?" * (len(PAPER_COLUMNS) + 3))})""",
                (*paper_values(after), after.arxiv_id, now, now),
            )
            await self._index(cursor.lastrowid, after)
            if cursor.lastrowid is not None:
                await self._index_related(cursor.lastrowid, None, after)
            return cursor.lastrowid
        await self._db.execute(
            f"UPDATE papers SET {', '.join(f'{c} = ?' for c in PAPER_COLUMNS)}, updated_at = ? WHERE id = ?",
            (*paper_values(after), now, rowid),
        )
        # A contentless index forgets a row only when told exactly what it had indexed.
        await self._db.execute(
            "INSERT INTO papers_fts (papers_fts, rowid, title, authors, body) VALUES ('delete', ?, ?, ?, ?)",
            (rowid, *_fts_values(before)),
        )
        await self._index(rowid, after)
        if rowid is not None:
            await self._index_related(rowid, before, after)
        return rowid

    async def _index(self, rowid: int | None, paper: Paper) -> None:
        await self._db.execute(
            "INSERT INTO papers_fts (rowid, title, authors, body) VALUES (?, ?, ?, ?)",
            (rowid, *_fts_values(paper)),
        )

    # -- related papers (bot/related.py) --------------------------------------------------------

    async def _index_related(self, paper_id: int, before: Paper | None, after: Paper) -> None:
        """Keep the paper's vector, its postings and the term frequencies current with what was just
        written (inside the writer's transaction); a write that changes no term writes nothing."""
        old = await self._one("SELECT vector FROM related_docs WHERE paper_id = ?", (paper_id,))
        change = term_change(before if old else None, after, new=old is None)
        if change is None:
            return
        await self._add_frequencies(change.delta, 1 if change.new else 0)
        frequencies, total = await self._frequencies(list(change.terms.counts))
        vector = build_vector(change.terms, frequencies, total)
        if old is not None:
            await self._db.execute(
                "DELETE FROM related_terms WHERE paper_id = ? AND term IN (SELECT value FROM json_each(?))",
                (paper_id, json.dumps(list(Vector.from_json(old["vector"]).weights))),
            )
        await self._db.executemany(
            "INSERT INTO related_terms (term, paper_id, weight) VALUES (?, ?, ?)",
            [(term, paper_id, weight) for term, weight in postings(vector)],
        )
        await self._db.execute(
            """INSERT INTO related_docs (paper_id, vector) VALUES (?, ?)
               ON CONFLICT (paper_id) DO UPDATE SET vector = excluded.vector""",
            (paper_id, vector.to_json()),
        )

    async def _add_frequencies(self, delta: Mapping[str, int], papers: int) -> None:
        if delta:
            await self._db.execute(
                """INSERT INTO related_df (term, papers) SELECT key, value FROM json_each(?) WHERE true
                   ON CONFLICT (term) DO UPDATE SET papers = papers + excluded.papers""",
                (json.dumps(delta, ensure_ascii=False),),
            )
            await self._db.execute(
                "DELETE FROM related_df WHERE papers <= 0 AND term IN (SELECT value FROM json_each(?))",
                (json.dumps([term for term, change in delta.items() if change < 0], ensure_ascii=False),),
            )
        if papers:
            await self._db.execute(
                """INSERT INTO related_corpus (id, papers) VALUES (1, ?)
                   ON CONFLICT (id) DO UPDATE SET papers = papers + excluded.papers""",
                (papers,),
            )

    async def _frequencies(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """How many papers hold each of `terms`, and how many papers are indexed, in one read."""
        rows = await self._all(
            """SELECT term, papers FROM related_df WHERE term IN (SELECT value FROM json_each(?))
               UNION ALL SELECT NULL, papers FROM related_corpus WHERE id = 1""",
            (json.dumps(list(terms), ensure_ascii=False),),
        )
        total = next((int(row["papers"]) for row in rows if row["term"] is None), 0)
        return {row["term"]: int(row["papers"]) for row in rows if row["term"] is not None}, total

    async def related_source(self, arxiv_id: str) -> RelatedSource | None:
        """The paper with its days, its vector and its terms' frequencies, in one read."""
        rows = await self._db.execute_fetchall(
            f"""SELECT {_PAPER_COLUMNS}, d.vector AS vector, {_DAYS_JSON} AS days,
                       (SELECT json_group_object(f.term, f.papers) FROM related_df f
                        WHERE f.term IN (SELECT json_extract(v.value, '$[0]') FROM json_each(d.vector) v))
                           AS frequencies,
                       (SELECT papers FROM related_corpus WHERE id = 1) AS total
                FROM papers p JOIN related_docs d ON d.paper_id = p.id WHERE p.arxiv_id = ?""",
            (arxiv_id,),
        )
        row = next(iter(rows), None)
        return None if row is None else source_of(row, paper_from_row(row, json.loads(row["days"])))

    async def nearest(self, source: int, weights: Mapping[str, int], limit: int) -> list[Neighbour]:
        """The postings of the asking terms (ranges of related_terms' key), summed per paper in SQL."""
        if not weights or limit < 1:
            return []
        rows = await self._db.execute_fetchall(  # one hop to SQLite's thread, not three
            f"""WITH asked (term, weight) AS (SELECT key, value FROM json_each(?)),
                ranked AS MATERIALIZED (
                    SELECT r.paper_id AS id, sum(asked.weight * r.weight) AS score
                    FROM asked CROSS JOIN related_terms r
                    WHERE r.term = asked.term AND r.paper_id <> ?
                    GROUP BY r.paper_id ORDER BY score DESC, r.paper_id DESC LIMIT ?)
                SELECT {_PAPER_COLUMNS}, ranked.score AS score, d.vector AS vector, {_DAYS_JSON} AS days
                FROM ranked JOIN papers p ON p.id = ranked.id JOIN related_docs d ON d.paper_id = ranked.id
                ORDER BY ranked.score DESC, ranked.id DESC""",
            (json.dumps(dict(weights), ensure_ascii=False), source, limit),
        )
        return [neighbour_of(row, paper_from_row(row, json.loads(row["days"]))) for row in rows]

    async def related_vectors(self, *, after: int, limit: int) -> list[tuple[int, Vector]]:
        rows = await self._all(
            "SELECT paper_id, vector FROM related_docs WHERE paper_id > ? ORDER BY paper_id LIMIT ?",
            (after, limit),
        )
        return [(int(row["paper_id"]), Vector.from_json(row["vector"])) for row in rows]

    async def index_related(self) -> int:
        """Every paper without a vector, indexed in one transaction: their terms counted first (so
        each vector is chosen with the whole corpus' frequencies), then their vectors written."""
        row = await self._one(
            """SELECT (SELECT count(*) FROM papers)
                      - coalesce((SELECT papers FROM related_corpus WHERE id = 1), 0) AS missing"""
        )
        if row is None or int(row["missing"]) <= 0:
            return 0
        async with self._transaction():
            ids = [
                int(r["id"])
                for r in await self._all(
                    """SELECT id FROM papers p
                       WHERE NOT EXISTS (SELECT 1 FROM related_docs d WHERE d.paper_id = p.id) ORDER BY id"""
                )
            ]
            batches = [ids[i : i + BACKFILL_BATCH] for i in range(0, len(ids), BACKFILL_BATCH)]
            counted = Backfill()
            for batch in batches:
                counted.count(paper for _, paper in await self._unindexed(batch))
            await self._add_frequencies(counted.frequencies, counted.papers)
            frequencies = {r["term"]: int(r["papers"]) for r in await self._all("SELECT * FROM related_df")}
            corpus = await self._one("SELECT papers FROM related_corpus WHERE id = 1")
            total = int(corpus["papers"]) if corpus else 0
            for batch in batches:
                vectors = vectors_of(await self._unindexed(batch), frequencies, total)
                await self._db.executemany(
                    "INSERT INTO related_docs (paper_id, vector) VALUES (?, ?)",
                    [(key, vector.to_json()) for key, vector in vectors],
                )
                await self._db.executemany(
                    "INSERT INTO related_terms (term, paper_id, weight) VALUES (?, ?, ?)",
                    [(term, key, weight) for key, vector in vectors for term, weight in postings(vector)],
                )
        return len(ids)

    async def _unindexed(self, ids: Sequence[int]) -> list[tuple[int, Paper]]:
        """These papers (days left out: the index does not read them), with their keys."""
        rows = await self._all(
            f"""SELECT {_PAPER_COLUMNS} FROM papers p WHERE p.id IN (SELECT value FROM json_each(?))
                ORDER BY p.id""",
            (json.dumps(list(ids)),),
        )
        return [(int(row["id"]), paper_from_row(row, ())) for row in rows]

    async def _index_related_backlog(self) -> None:
        """On open: index what has no vector (a database from before migration 0012). A database
        that cannot be written (read-only) still answers; its related papers wait for a writer."""
        try:
            indexed = await self.index_related()
        except StoreUnavailable as err:
            log.warning("related papers: could not index the papers without a vector yet: %s", err)
            return
        if indexed:
            log.info("related papers: indexed %d paper(s) stored before the index", indexed)


def _opens(path: Path) -> None:
    sqlite3.connect(path).close()


def _raise_unavailable(err: sqlite3.Error | OSError, path: Path) -> None:
    """Raise StoreUnavailable for a file or disk problem; return for anything else (a bug)."""
    unavailable = sqlite_unavailable(err, path)
    if unavailable is not None:
        raise unavailable from err


def _one_line_errors(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def wrapper(self: SqliteStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except sqlite3.Error as err:
            _raise_unavailable(err, self.path)
            raise

    return wrapper


# Every Store method turns a read-only, full or locked file into StoreUnavailable (one line for the
# user) wherever it happens: a read-only database still answers `paperboy top`, but `ingest` cannot.
for _name, _method in list(vars(SqliteStore).items()):
    if not _name.startswith("_") and _name != "close" and inspect.iscoroutinefunction(_method):
        setattr(SqliteStore, _name, _one_line_errors(_method))
