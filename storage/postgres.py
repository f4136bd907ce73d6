"""The shared Store: PostgreSQL through an asyncpg pool, for several Paperboy instances at once.

It behaves as storage/sqlite.py does; what the two share (how a day merges, how rows become models,
how text becomes search tokens) lives in storage/records.py and storage/search_terms.py, and only
the SQL differs. Where SQLite relies on one writer at a time, this store relies on row locks:
`lease` takes outbox rows with FOR UPDATE SKIP LOCKED so instances never take the same push, and
`upsert_day` merges under an advisory lock so two ingests cannot both merge into one paper.

Search indexes the very tokens FTS5 gets (storage/search_terms.py: Latin words whole, Korean as
bigrams) as a tsvector written by this module, not by to_tsvector: PostgreSQL's parser would cut
text its own way (and cannot cut Korean at all), and then a query could find other papers here than
in SQLite. ts_rank weighs title, authors and the rest as bm25 does in SQLite.
"""

from __future__ import annotations

import functools
import inspect
import logging
import unicodedata
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.errors import NotFoundError
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
from storage.errors import postgres_unavailable
from storage.migrate import migrate_postgres
from storage.records import (
    DESTINATION_KEYED,
    EPOCH,
    PAPER_COLUMNS,
    UI_STATE_DAYS,
    history_floor,
    json_text,
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
from storage.search_terms import BROAD_POOL, RANKED_MATCHES, Term, index_fields, parse_query

log = logging.getLogger(__name__)

# Generic in the type stubs only: a string, so nothing subscripts the classes at run time.
_Pool: TypeAlias = "asyncpg.Pool[asyncpg.Record]"
_Connection: TypeAlias = "PoolConnectionProxy[asyncpg.Record]"

# Two ingests at once (two instances, a range fetch and the periodic one) would both read a paper,
# merge, and the second write would drop the first one's merge.
_INGEST_LOCK = 0x7061706572696E67  # "papering"

# What a paper's write may fail with because of its values (not because of the database): that paper
# is left out (its savepoint rolled back) and reported, the rest of the day goes on.
_REFUSED = (
    asyncpg.DataError,
    asyncpg.IntegrityConstraintViolationError,
    asyncpg.ProgramLimitExceededError,
    OverflowError,
    ValueError,
)

_SELECT_PAPER = "p.id, p.arxiv_id, " + ", ".join(f"p.{column}" for column in PAPER_COLUMNS)
# A paper's days in the same read as its row (related papers: one round trip less per answer).
_DAYS = "ARRAY(SELECT day FROM paper_days WHERE paper_id = p.id ORDER BY day)"

# tsvector limits: a position is at most 16383 and a lexeme at most 2047 bytes (4 per character).
_MAX_POSITION = 16383
_MAX_LEXEME_CHARS = 500
# Title hits weigh most, then authors, then the rest ({D, C, B, A}; D is unused): bm25's 10, 4, 1.
_RANK = "ts_rank('{0.1, 0.1, 0.4, 1.0}', s.words, $1::tsquery)"
# Search hits after the filters: $1 the query, $2 min votes, $3 and $4 the days, $5 the pool size of
# a broad query (its most recent matches, ranked by votes alone) or NULL to rank every match.
_HITS = f"""
    SELECT s.paper_id AS id, p.votes, CASE WHEN $5::int IS NULL THEN {_RANK} ELSE 0 END AS score
    FROM papers_search s JOIN papers p ON p.id = s.paper_id
    WHERE s.words @@ $1::tsquery
      AND ($2::int IS NULL OR p.votes >= $2)
      AND ($3::date IS NULL AND $4::date IS NULL OR EXISTS (
          SELECT 1 FROM paper_days d WHERE d.paper_id = p.id
            AND d.day BETWEEN coalesce($3, '-infinity'::date) AND coalesce($4, 'infinity'::date)))
    ORDER BY s.paper_id DESC LIMIT $5"""
_ORDER = "score DESC, votes DESC NULLS LAST, id DESC"
# Rank narrow rows (id, score, votes); read whole papers only for the page ($6 limit, $7 offset).
_SEARCH = f"""
    WITH ranked AS (
        SELECT id, score, votes, count(*) OVER () AS total FROM ({_HITS}) AS hits
        ORDER BY {_ORDER} LIMIT $6 OFFSET $7)
    SELECT {_SELECT_PAPER}, ranked.total FROM ranked JOIN papers p ON p.id = ranked.id
    ORDER BY {", ".join(f"ranked.{term}" for term in _ORDER.split(", "))}"""
_COUNT_HITS = f"SELECT count(*) FROM ({_HITS}) AS hits"

_DESTINATION_KEY = (
    "s.platform || ':' || s.chat_id || CASE WHEN s.thread_id <> '' THEN ':' || s.thread_id ELSE '' END"
)


def _affected(status: str) -> int:
    """The row count of a command status such as "UPDATE 3" or "INSERT 0 1"."""
    return int(status.rsplit(" ", 1)[-1])


def _lexeme(token: str) -> str:
    """A token as tsvector and tsquery literals spell it: folded as FTS5's unicode61 folds (case,
    diacritics), quoted; empty when nothing is left of it."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", token) if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFC", stripped).lower()[:_MAX_LEXEME_CHARS]
    return "'" + folded.replace("\\", "\\\\").replace("'", "''") + "'" if folded else ""


def _words(paper: Paper) -> str:
    """The paper's tsvector literal: title at weight A, authors B, the rest C, each field a position
    apart from the next so that no phrase runs from one into another."""
    positions: dict[str, list[str]] = {}
    position = 0
    for weight, tokens in zip("ABC", index_fields(search_fields(paper)), strict=True):
        for token in tokens:
            position = min(position + 1, _MAX_POSITION)
            if lexeme := _lexeme(token):
                positions.setdefault(lexeme, []).append(f"{position}{weight}")
        position += 1
    return " ".join(f"{lexeme}:{','.join(marks)}" for lexeme, marks in positions.items())


def _tsquery(terms: Iterable[Term]) -> str:
    """The AND of the terms, each a phrase of its tokens; empty when no token is left."""
    phrases = []
    for term in terms:
        lexemes = [lexeme for token in term.tokens if (lexeme := _lexeme(token))]
        if lexemes:
            phrases.append("(" + " <-> ".join(lexemes) + (":*" if term.prefix else "") + ")")
    return " & ".join(phrases)


class PostgresStore:
    """bot.ports.Store on PostgreSQL. Open with `await PostgresStore.open(url)`; close when done."""

    def __init__(self, pool: _Pool, url: str = "") -> None:
        self._pool = pool
        self._url = url  # for the sentence of a failure (host and database, never the password)

    @classmethod
    async def open(cls, url: str, *, max_connections: int = 10) -> PostgresStore:
        """Connect (a pool of up to `max_connections`) and bring the schema up to date; a server
        that cannot be reached or refuses raises StoreUnavailable (host and database, no password)."""
        # Plan each statement for its values: a plan cached for any value (PostgreSQL's choice after
        # five runs) cannot tell a rare search word from a common one, and scanned 100,000 papers
        # for a word no paper has. Planning these statements costs well under a millisecond.
        try:
            # No floor of idle connections: asyncpg would restore it in the background while the
            # server is down, logging a traceback at every try.
            pool = await asyncpg.create_pool(
                url,
                min_size=0,
                max_size=max_connections,
                server_settings={"plan_cache_mode": "force_custom_plan"},
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            if (unavailable := postgres_unavailable(err, url)) is not None:
                raise unavailable from err
            raise
        try:
            async with pool.acquire() as db:
                await migrate_postgres(db)
            store = cls(pool, url)
            await store._index_related_backlog()
        except BaseException as err:
            await pool.close()
            if (unavailable := postgres_unavailable(err, url)) is not None:
                raise unavailable from err  # a user without rights, a read-only server, a full disk
            raise
        return store

    async def close(self) -> None:
        await self._pool.close()

    async def writable(self) -> None:
        """The cheapest round trip (a server that answers takes writes): raises StoreUnavailable
        while it does not answer."""
        await self.ping()

    # -- reading papers -------------------------------------------------------------------

    @staticmethod
    async def _papers(db: _Pool | _Connection, rows: Sequence[asyncpg.Record]) -> list[Paper]:
        if not rows:
            return []
        days: dict[int, list[date]] = {}
        listed = await db.fetch(
            "SELECT paper_id, day FROM paper_days WHERE paper_id = ANY($1::bigint[]) ORDER BY day",
            [row["id"] for row in rows],
        )
        for row in listed:
            days.setdefault(row["paper_id"], []).append(row["day"])
        return [paper_from_row(row, days.get(row["id"], ())) for row in rows]

    async def reindex(self) -> int:
        """Rebuild the search index of every paper (after rows were copied in without it)."""
        async with self._pool.acquire() as db, db.transaction():
            papers = await self._papers(db, await db.fetch(f"SELECT {_SELECT_PAPER} FROM papers p"))
            ids = {row["arxiv_id"]: row["id"] for row in await db.fetch("SELECT id, arxiv_id FROM papers")}
            await db.executemany(
                """INSERT INTO papers_search (paper_id, words) VALUES ($1, $2::tsvector)
                   ON CONFLICT (paper_id) DO UPDATE SET words = EXCLUDED.words""",
                [(ids[paper.arxiv_id], _words(paper)) for paper in papers],
            )
        return len(papers)

    async def get_paper(self, arxiv_id: str) -> Paper | None:
        row = await self._pool.fetchrow(
            f"SELECT {_SELECT_PAPER} FROM papers p WHERE p.arxiv_id = $1", arxiv_id
        )
        return (await self._papers(self._pool, [row]))[0] if row else None

    async def top(self, day: date, *, limit: int, min_votes: int | None = None) -> list[Paper]:
        rows = await self._pool.fetch(
            f"""SELECT {_SELECT_PAPER} FROM paper_days d JOIN papers p ON p.id = d.paper_id
                WHERE d.day = $1 AND ($2::int IS NULL OR p.votes >= $2)
                ORDER BY p.votes DESC NULLS LAST, d.position
                LIMIT $3""",
            day,
            min_votes,
            limit,
        )
        return await self._papers(self._pool, rows)

    async def top_between(self, first: date, last: date, *, limit: int) -> list[Paper]:
        rows = await self._pool.fetch(
            f"""WITH listed AS (
                    SELECT paper_id, min(day) AS first_day, min(position) AS position FROM paper_days
                    WHERE day BETWEEN $1 AND $2 GROUP BY paper_id)
                SELECT {_SELECT_PAPER} FROM listed l JOIN papers p ON p.id = l.paper_id
                ORDER BY p.votes DESC NULLS LAST, l.first_day, l.position, p.id
                LIMIT $3""",
            first,
            last,
            limit,
        )
        return await self._papers(self._pool, rows)

    async def latest_day(self, *, on_or_before: date | None = None) -> date | None:
        day: date | None = await self._pool.fetchval(
            "SELECT max(day) FROM paper_days WHERE $1::date IS NULL OR day <= $1", on_or_before
        )
        return day

    async def list_days(self, *, limit: int = 30) -> list[DayInfo]:
        rows = await self._pool.fetch(
            """SELECT d.day, count(*) AS papers, max(p.votes) AS top_votes
               FROM paper_days d JOIN papers p ON p.id = d.paper_id
               GROUP BY d.day ORDER BY d.day DESC LIMIT $1""",
            limit,
        )
        return [DayInfo(r["day"], r["papers"], r["top_votes"]) for r in rows]

    async def search(self, query: SearchQuery) -> SearchPage:
        """Relevance (ts_rank, title hits first), then votes; broad queries as in SqliteStore.search:
        past RANKED_MATCHES matches, the BROAD_POOL most recent ones by votes, `capped`."""
        terms = parse_query(query.text)
        tsquery = _tsquery(terms)
        if not tsquery:
            return SearchPage(papers=[], total=0, terms=())
        matches = await self._pool.fetchval(
            "SELECT count(*) FROM (SELECT 1 FROM papers_search WHERE words @@ $1::tsquery LIMIT $2) AS m",
            tsquery,
            RANKED_MATCHES + 1,
        )
        broad = matches > RANKED_MATCHES
        hits = (tsquery, query.min_votes, query.since, query.until, BROAD_POOL if broad else None)
        rows = await self._pool.fetch(_SEARCH, *hits, query.limit, query.offset)
        total = rows[0]["total"] if rows else await self._pool.fetchval(_COUNT_HITS, *hits)
        return SearchPage(
            papers=await self._papers(self._pool, rows),
            total=total,
            terms=tuple(term.word for term in terms),
            capped=broad,
        )

    async def trending(self, now: datetime, *, days: int, window: timedelta, limit: int) -> TrendingPage:
        span = trending_days(await self.latest_day(on_or_before=now.astimezone(UTC).date()), days)
        if span is None:
            return trending_page(None, [], [], {})
        found = await self._pool.fetch(
            """SELECT p.id, p.arxiv_id, p.votes,
                  (SELECT v.votes FROM paper_votes v WHERE v.paper_id = p.id AND v.seen_at <= $1
                   ORDER BY v.seen_at DESC LIMIT 1) AS last_votes,
                  coalesce(
                      (SELECT v.votes FROM paper_votes v WHERE v.paper_id = p.id AND v.seen_at <= $2
                       ORDER BY v.seen_at DESC LIMIT 1),
                      (SELECT v.votes FROM paper_votes v
                       WHERE v.paper_id = p.id AND v.seen_at > $2 AND v.seen_at <= $1
                       ORDER BY v.seen_at LIMIT 1)) AS first_votes,
                  (SELECT count(*) FROM paper_votes v WHERE v.paper_id = p.id AND v.seen_at <= $1) AS samples
               FROM papers p
               WHERE p.id IN (SELECT paper_id FROM paper_days WHERE day BETWEEN $3 AND $4)""",
            now,
            now - window,
            span[0],
            span[1],
        )
        rows = [trend_row(row) for row in found]
        ranked = ranked_trends(rows, limit)
        chosen = await self._pool.fetch(
            f"SELECT {_SELECT_PAPER} FROM papers p WHERE p.id = ANY($1::bigint[])",
            [paper_id for paper_id, _ in ranked],
        )
        papers = dict(zip((r["id"] for r in chosen), await self._papers(self._pool, chosen), strict=True))
        return trending_page(span, rows, ranked, papers)

    async def stats(self) -> StoreStats:
        totals = await self._pool.fetchrow(
            """SELECT (SELECT count(*) FROM papers) AS papers,
                      (SELECT count(DISTINCT day) FROM paper_days) AS days,
                      (SELECT min(day) FROM paper_days) AS first_day,
                      (SELECT max(day) FROM paper_days) AS last_day,
                      (SELECT count(*) FROM subscriptions WHERE active) AS subscriptions,
                      (SELECT count(*) FROM subscriptions WHERE active AND paused_reason IS NOT NULL)
                          AS paused,
                      (SELECT max(sent_at) FROM outbox_messages) AS last_push"""
        )
        assert totals is not None  # an aggregate query always yields one row
        return store_stats(
            totals,
            await self._pool.fetch(
                "SELECT platform, count(*) AS n FROM subscriptions WHERE active GROUP BY platform"
            ),
            await self._pool.fetch("SELECT status, count(*) AS n FROM outbox GROUP BY status"),
            await self._pool.fetch(
                """SELECT last_error, count(*) AS n FROM outbox WHERE last_error IS NOT NULL
                   GROUP BY last_error ORDER BY n DESC LIMIT 10"""
            ),
        )

    async def ping(self) -> None:
        await self._pool.fetchval("SELECT 1")

    async def outbox_counts(self) -> dict[OutboxStatus, int]:
        return outbox_counts(
            await self._pool.fetch("SELECT status, count(*) AS n FROM outbox GROUP BY status")
        )

    # -- subscriptions ----------------------------------------------------------------------

    async def get_subscription(self, destination: Destination) -> Subscription | None:
        row = await self._pool.fetchrow(
            "SELECT * FROM subscriptions WHERE platform = $1 AND chat_id = $2 AND thread_id = $3",
            destination.platform,
            destination.chat_id,
            destination.thread_id,
        )
        return subscription_from_row(row) if row else None

    async def subscription_by_feed_token(self, token: str) -> Subscription | None:
        row = await self._pool.fetchrow("SELECT * FROM subscriptions WHERE feed_token = $1", token)
        return subscription_from_row(row) if row else None

    async def list_subscriptions(
        self, *, platform: str | None = None, delivering_only: bool = False
    ) -> list[Subscription]:
        rows = await self._pool.fetch(
            """SELECT * FROM subscriptions
               WHERE ($1::text IS NULL OR platform = $1) AND (NOT $2 OR (active AND paused_reason IS NULL))
               ORDER BY id""",
            platform,
            delivering_only,
        )
        return [subscription_from_row(row) for row in rows]

    async def subscriptions_page(
        self, *, after: int, limit: int, noting_only: bool = False
    ) -> list[tuple[int, Subscription]]:
        rows = await self._pool.fetch(
            """SELECT * FROM subscriptions
               WHERE id > $1 AND active AND paused_reason IS NULL AND (NOT $3 OR notify_empty)
               ORDER BY id LIMIT $2""",
            after,
            limit,
            noting_only,
        )
        return [(row["id"], subscription_from_row(row)) for row in rows]

    async def subscriptions_due(
        self, now: datetime, *, after: tuple[datetime, int] | None, limit: int
    ) -> list[DueSubscription]:
        checked, row_id = after if after is not None else (EPOCH, -1)
        rows = await self._pool.fetch(
            """SELECT * FROM subscriptions
               WHERE active AND paused_reason IS NULL AND next_check_at <= $1
                 AND (next_check_at, id) > ($2, $3)
               ORDER BY next_check_at, id LIMIT $4""",
            now,
            checked,
            row_id,
            limit,
        )
        return [
            DueSubscription(row["id"], row["next_check_at"], row["updated_at"], subscription_from_row(row))
            for row in rows
        ]

    async def schedule_checks(self, checks: Sequence[NextCheck]) -> int:
        if not checks:
            return 0
        status = await self._pool.execute(
            """UPDATE subscriptions s SET next_check_at = v.at
               FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS v(id, was, at)
               WHERE s.id = v.id AND s.updated_at = v.was""",
            [check.row_id for check in checks],
            [check.was for check in checks],
            [check.at for check in checks],
        )
        return _affected(status)

    async def save_subscription(self, subscription: Subscription) -> None:
        """Insert or replace the subscription of its destination (one per chat and topic)."""
        values = subscription_values(subscription, datetime.now(UTC))
        updates = ", ".join(
            f"{name} = EXCLUDED.{name}" for name in values if name not in ("created_at", "paused_at")
        )
        # A pause keeps the moment it started while the reason stays the same.
        updates += (
            ", paused_at = CASE WHEN EXCLUDED.paused_reason IS NOT DISTINCT FROM subscriptions.paused_reason"
            " THEN subscriptions.paused_at ELSE EXCLUDED.paused_at END"
        )
        marks = ", ".join(f"${index}" for index in range(1, len(values) + 1))
        await self._pool.execute(
            f"""INSERT INTO subscriptions ({", ".join(values)}) VALUES ({marks})
                ON CONFLICT (platform, chat_id, thread_id) DO UPDATE SET {updates}""",
            *values.values(),
        )

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        """A chat got a new id (a group became a supergroup): its subscriptions follow it, except
        one whose topic the new chat already has (as SQLite's UPDATE OR IGNORE skips it), and so do
        the rows keyed by its destinations (what they received, their members' presses and saves);
        a row the new chat already has stays as it is."""
        old, new = f"{platform}:{old_chat_id}", f"{platform}:{new_chat_id}"
        async with self._pool.acquire() as db, db.transaction():
            status = await db.execute(
                """UPDATE subscriptions s SET chat_id = $1, updated_at = $2
                   WHERE platform = $3 AND chat_id = $4 AND NOT EXISTS (
                       SELECT 1 FROM subscriptions t
                       WHERE t.platform = s.platform AND t.chat_id = $1 AND t.thread_id = s.thread_id)""",
                new_chat_id,
                datetime.now(UTC),
                platform,
                old_chat_id,
            )
            for table, rest in DESTINATION_KEYED.items():
                moved = f"$2 || substr(r.destination, {len(old) + 1})"
                same = " AND ".join(f"t.{column} = r.{column}" for column in rest)
                await db.execute(
                    f"""UPDATE {table} r SET destination = {moved}
                        WHERE (r.destination = $1 OR starts_with(r.destination, $1 || ':'))
                          AND NOT EXISTS (
                              SELECT 1 FROM {table} t WHERE t.destination = {moved} AND {same})""",
                    old,
                    new,
                )
                await db.execute(
                    f"DELETE FROM {table} WHERE destination = $1 OR starts_with(destination, $1 || ':')", old
                )
        return _affected(status)

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
        status = await self._pool.execute(
            """INSERT INTO outbox
                   (subscription_id, kind, digest_day, last_list, due_at, next_attempt_at, created_at)
               SELECT id, $1, $2, $3, $4, $4, $5 FROM subscriptions
               WHERE platform = $6 AND chat_id = $7 AND thread_id = $8
               ON CONFLICT (subscription_id, kind, digest_day) DO NOTHING""",
            kind,
            digest_day,
            last_list,
            due_at,
            datetime.now(UTC),
            destination.platform,
            destination.chat_id,
            destination.thread_id,
        )
        return _affected(status) == 1

    async def enqueue_many(self, pushes: Sequence[Enqueued]) -> int:
        """Many pushes in one INSERT over arrays (one round trip); how many were new."""
        if not pushes:
            return 0
        status = await self._pool.execute(
            """INSERT INTO outbox
                   (subscription_id, kind, digest_day, last_list, due_at, next_attempt_at, created_at)
               SELECT s.id, p.kind, p.digest_day, p.last_list, p.due_at, p.due_at, $8
               FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::date[],
                           $7::timestamptz[])
                    AS p(platform, chat_id, thread_id, kind, digest_day, last_list, due_at)
               JOIN subscriptions s
                 ON s.platform = p.platform AND s.chat_id = p.chat_id AND s.thread_id = p.thread_id
               ON CONFLICT (subscription_id, kind, digest_day) DO NOTHING""",
            [push.destination.platform for push in pushes],
            [push.destination.chat_id for push in pushes],
            [push.destination.thread_id for push in pushes],
            [push.kind for push in pushes],
            [push.digest_day for push in pushes],
            [push.last_list for push in pushes],
            [push.due_at for push in pushes],
            datetime.now(UTC),
        )
        return _affected(status)

    async def enqueue_delivering(
        self, digest_day: date, due_at: datetime, *, after: int = 0, limit: int | None = None
    ) -> tuple[int, int | None]:
        row = await self._pool.fetchrow(
            """WITH page AS (
                   SELECT id FROM subscriptions
                   WHERE active AND paused_reason IS NULL AND NOT notify_empty AND id > $4
                   ORDER BY id LIMIT $5),
               added AS (
                   INSERT INTO outbox
                       (subscription_id, kind, digest_day, last_list, due_at, next_attempt_at, created_at)
                   SELECT id, 'digest', $1, NULL, $2, $2, $3 FROM page
                   ON CONFLICT (subscription_id, kind, digest_day) DO NOTHING
                   RETURNING 1)
               SELECT (SELECT count(*) FROM added) AS added, (SELECT max(id) FROM page) AS last""",
            digest_day,
            due_at,
            datetime.now(UTC),
            after,
            limit,
        )
        assert row is not None  # an aggregate query always yields one row
        return int(row["added"]), row["last"]

    async def enqueued_at(
        self, destination: Destination, kind: PushKind, digest_day: date
    ) -> datetime | None:
        """When the push of that day (or note) to that destination was due, if it was ever enqueued."""
        due: datetime | None = await self._pool.fetchval(
            """SELECT o.due_at FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id
               WHERE s.platform = $1 AND s.chat_id = $2 AND s.thread_id = $3
                 AND o.kind = $4 AND o.digest_day = $5""",
            destination.platform,
            destination.chat_id,
            destination.thread_id,
            kind,
            digest_day,
        )
        return due

    async def lease(self, owner: str, now: datetime, *, seconds: float, limit: int) -> list[OutboxItem]:
        """Take up to `limit` ready pushes: pending ones that are due, and leased ones whose lease expired.

        SKIP LOCKED lets instances lease at the same moment without waiting for each other or taking
        the same push; each call gets its own lease token, so a worker whose lease expired and was
        taken over finds out at its next `extend_lease` and stops.
        """
        rows = await self._pool.fetch(
            """WITH pending AS (
                   SELECT id, next_attempt_at FROM outbox
                   WHERE status = 'pending' AND next_attempt_at <= $3
                   ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED),
               expired AS (
                   SELECT id, next_attempt_at FROM outbox
                   WHERE status = 'leased' AND lease_expires_at <= $3
                   ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED),
               chosen AS (
                   SELECT id FROM (SELECT * FROM pending UNION ALL SELECT * FROM expired) AS ready
                   ORDER BY next_attempt_at, id LIMIT $4)
               UPDATE outbox o SET status = 'leased', lease_owner = $1, lease_expires_at = $2
               FROM chosen WHERE o.id = chosen.id
               RETURNING o.id""",
            f"{owner}:{uuid.uuid4().hex[:12]}",
            now + timedelta(seconds=seconds),
            now,
            limit,
        )
        return await self._outbox_items([row["id"] for row in rows], leased_at=now)

    async def _outbox_items(self, ids: list[int], leased_at: datetime) -> list[OutboxItem]:
        if not ids:
            return []
        rows = await self._pool.fetch(
            f"""SELECT o.id AS outbox_id, o.lease_owner, o.kind, o.digest_day, o.last_list, o.due_at,
                       o.papers, o.attempts,
                       (SELECT json_object_agg(m.seq, m.platform_message_id) FROM outbox_messages m
                        WHERE m.outbox_id = o.id) AS sent,
                       (SELECT coalesce(json_agg(l.arxiv_id), '[]') FROM ledger l
                        WHERE l.destination = {_DESTINATION_KEY}
                          AND l.arxiv_id IN (
                              SELECT p.arxiv_id FROM paper_days d JOIN papers p ON p.id = d.paper_id
                              WHERE d.day BETWEEN o.digest_day - $2::int AND o.digest_day)) AS received,
                       s.*
                FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id
                WHERE o.id = ANY($1::bigint[]) ORDER BY o.id""",
            ids,
            LATE_RISER_DAYS,
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
        """One message went out: remember it and, by trigger in the same statement (and so the same
        transaction), put its papers in the ledger, fix the push's `choice` (given with its first
        message) and, with the `final` one, mark the push sent. Recording it twice changes nothing."""
        await self._pool.execute(
            """INSERT INTO outbox_messages
                   (outbox_id, seq, platform_message_id, destination, papers, choice, final, sent_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
               ON CONFLICT (outbox_id, seq) DO NOTHING""",
            item_id,
            seq,
            message_id,
            destination.key,
            json_text(arxiv_ids),
            None if choice is None else json_text(choice),
            final,
            datetime.now(UTC),
        )

    async def extend_lease(self, item_id: int, lease: str, until: datetime) -> bool:
        """Keep holding a push; False when the lease was lost (it expired and was taken over)."""
        status = await self._pool.execute(
            """UPDATE outbox SET lease_expires_at = $1
               WHERE id = $2 AND lease_owner = $3 AND status = 'leased'""",
            until,
            item_id,
            lease,
        )
        return _affected(status) == 1

    async def finish(self, item_id: int, status: FinalStatus, error: str | None = None) -> None:
        """Close a push: sent, failed (a permanent refusal) or dead (retries exhausted)."""
        await self._pool.execute(
            """UPDATE outbox SET status = $1, last_error = coalesce($2, last_error), finished_at = $3,
                   lease_owner = NULL, lease_expires_at = NULL
               WHERE id = $4""",
            status,
            error,
            datetime.now(UTC),
            item_id,
        )

    async def retry_later(self, item_id: int, at: datetime, error: str) -> None:
        """Give a push back to the queue after a transient failure, for another attempt at `at`."""
        await self._pool.execute(
            """UPDATE outbox SET status = 'pending', attempts = attempts + 1, next_attempt_at = $1,
                   last_error = $2, lease_owner = NULL, lease_expires_at = NULL
               WHERE id = $3""",
            at,
            error,
            item_id,
        )

    async def heartbeat(self, owner: str, now: datetime, *, seconds: float) -> tuple[int, bool]:
        async with self._pool.acquire() as db, db.transaction():
            await db.execute("DELETE FROM instances WHERE expires_at <= $1", now)
            await db.execute(
                """INSERT INTO instances (owner, started_at, expires_at) VALUES ($1, $2, $3)
                   ON CONFLICT (owner) DO UPDATE SET expires_at = EXCLUDED.expires_at""",
                owner,
                now,
                now + timedelta(seconds=seconds),
            )
            rows = await db.fetch("SELECT owner FROM instances ORDER BY started_at, owner")
        return len(rows), rows[0]["owner"] == owner

    async def release(self, owner: str) -> int:
        """Hand back every push an instance still holds (a clean shutdown), ready at once."""
        await self._pool.execute("DELETE FROM instances WHERE owner = $1", owner)
        status = await self._pool.execute(
            """UPDATE outbox SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL
               WHERE status = 'leased' AND starts_with(lease_owner, $1 || ':')""",
            owner,
        )
        return _affected(status)

    async def already_sent(self, destination: Destination, arxiv_ids: Sequence[str]) -> set[str]:
        """Which of these papers the destination has received before (the ledger)."""
        rows = await self._pool.fetch(
            "SELECT arxiv_id FROM ledger WHERE destination = $1 AND arxiv_id = ANY($2::text[])",
            destination.key,
            list(arxiv_ids),
        )
        return {row["arxiv_id"] for row in rows}

    # -- feedback: opinions and saved papers ---------------------------------------------

    async def set_opinion(
        self, destination: Destination, user: str, arxiv_id: str, opinion: Opinion | None
    ) -> None:
        """The member's 👍 or 👎 on the paper in this destination (replacing theirs); None takes it back."""
        if opinion is None:
            await self._pool.execute(
                "DELETE FROM opinions WHERE destination = $1 AND user_id = $2 AND arxiv_id = $3",
                destination.key,
                user,
                arxiv_id,
            )
            return
        await self._pool.execute(
            """INSERT INTO opinions (destination, user_id, arxiv_id, opinion, updated_at)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (destination, user_id, arxiv_id)
               DO UPDATE SET opinion = EXCLUDED.opinion, updated_at = EXCLUDED.updated_at""",
            destination.key,
            user,
            arxiv_id,
            opinion,
            datetime.now(UTC),
        )

    async def set_saved(self, destination: Destination, user: str, arxiv_id: str, saved: bool) -> None:
        """Add the paper to the member's saved papers here (again: keeps the first time), or remove it."""
        if saved:
            await self._pool.execute(
                """INSERT INTO saved_papers (destination, user_id, arxiv_id, saved_at)
                   VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING""",
                destination.key,
                user,
                arxiv_id,
                datetime.now(UTC),
            )
        else:
            await self._pool.execute(
                "DELETE FROM saved_papers WHERE destination = $1 AND user_id = $2 AND arxiv_id = $3",
                destination.key,
                user,
                arxiv_id,
            )

    async def member_feedback(
        self, destination: Destination, user: str, arxiv_ids: Sequence[str]
    ) -> dict[str, tuple[Opinion | None, bool]]:
        rows = await self._pool.fetch(
            """SELECT arxiv_id, opinion, 0 AS saved FROM opinions
               WHERE destination = $1 AND user_id = $2 AND arxiv_id = ANY($3::text[])
               UNION ALL
               SELECT arxiv_id, NULL, 1 FROM saved_papers
               WHERE destination = $1 AND user_id = $2 AND arxiv_id = ANY($3::text[])""",
            destination.key,
            user,
            list(arxiv_ids),
        )
        return member_feedback_of(rows)

    async def saved_papers(
        self, destination: Destination, user: str, *, offset: int = 0, limit: int = 10
    ) -> tuple[list[SavedPaper], int]:
        """A page of the member's saved papers here, newest first (a paper no longer stored is skipped)."""
        joined = """saved_papers s JOIN papers p ON p.arxiv_id = s.arxiv_id
                    WHERE s.destination = $1 AND s.user_id = $2"""
        rows = await self._pool.fetch(
            f"""SELECT {_SELECT_PAPER}, s.saved_at FROM {joined}
                ORDER BY s.saved_at DESC, s.arxiv_id LIMIT $3 OFFSET $4""",
            destination.key,
            user,
            limit,
            offset,
        )
        total: int = await self._pool.fetchval(f"SELECT count(*) FROM {joined}", destination.key, user)
        papers = await self._papers(self._pool, rows)
        return [SavedPaper(paper, row["saved_at"]) for paper, row in zip(papers, rows, strict=True)], total

    async def destination_feedback(
        self, destination: Destination, arxiv_ids: Sequence[str] | None = None
    ) -> list[PaperFeedback]:
        only = "" if arxiv_ids is None else " AND arxiv_id = ANY($2::text[])"
        rows = await self._pool.fetch(
            f"""SELECT arxiv_id, count(*) FILTER (WHERE opinion = 'like') AS likes,
                       count(*) FILTER (WHERE opinion = 'dislike') AS dislikes, sum(saved) AS saves
                FROM (SELECT arxiv_id, opinion, 0 AS saved FROM opinions WHERE destination = $1{only}
                      UNION ALL
                      SELECT arxiv_id, NULL, 1 FROM saved_papers WHERE destination = $1{only}) AS pressed
                GROUP BY arxiv_id ORDER BY arxiv_id""",
            destination.key,
            *(() if arxiv_ids is None else (list(arxiv_ids),)),
        )
        return paper_feedback_of(rows)

    async def feedback_destinations(self) -> set[str]:
        rows = await self._pool.fetch(
            "SELECT destination FROM opinions UNION SELECT destination FROM saved_papers"
        )
        return {str(row[0]) for row in rows}

    # -- button state ---------------------------------------------------------------------

    async def remember(self, payload: str) -> str:
        """A short stable token for `payload` (the same payload gets the same token); tokens older
        than UI_STATE_DAYS are forgotten meanwhile, and their buttons then answer that they expired."""
        token = ui_token(payload)
        now = datetime.now(UTC)
        await self._pool.execute(
            """WITH pruned AS (DELETE FROM ui_state WHERE created_at < $4)
               INSERT INTO ui_state (token, payload, created_at) VALUES ($1, $2, $3)
               ON CONFLICT (token) DO UPDATE SET created_at = EXCLUDED.created_at""",
            token,
            payload,
            now,
            now - timedelta(days=UI_STATE_DAYS),
        )
        return token

    async def recall(self, token: str) -> str | None:
        payload: str | None = await self._pool.fetchval(
            "SELECT payload FROM ui_state WHERE token = $1 AND created_at >= $2",
            token,
            datetime.now(UTC) - timedelta(days=UI_STATE_DAYS),
        )
        return payload

    # -- writing papers -------------------------------------------------------------------

    async def upsert_day(self, digest: DigestDay) -> UpsertResult:
        """Merge a day into the store in one transaction; unchanged data writes nothing. A paper the
        database refuses is left out (a savepoint each) and reported."""
        now = datetime.now(UTC)
        async with self._pool.acquire() as db, db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock($1)", _INGEST_LOCK)
            rows = await db.fetch(
                f"SELECT {_SELECT_PAPER} FROM papers p WHERE p.arxiv_id = ANY($1::text[])",
                [paper.arxiv_id for paper in digest.papers],
            )
            ids: dict[str, int] = {row["arxiv_id"]: row["id"] for row in rows}
            changes = merge_day(digest, {p.arxiv_id: p for p in await self._papers(db, rows)})
            refused: list[RefusedPaper] = []
            for arxiv_id, (before, after) in changes.rows.items():
                try:
                    async with db.transaction():  # a savepoint: a refused paper costs only itself
                        paper_id = await self._write_paper(db, ids.get(arxiv_id), after, now)
                        await db.execute(
                            """INSERT INTO papers_search (paper_id, words) VALUES ($1, $2::tsvector)
                               ON CONFLICT (paper_id) DO UPDATE SET words = EXCLUDED.words""",
                            paper_id,
                            _words(after),
                        )
                        await self._index_related(db, paper_id, before, after)
                    ids[arxiv_id] = paper_id
                except _REFUSED as err:
                    position = changes.positions[arxiv_id]
                    refused.append(RefusedPaper(position, arxiv_id, f"{type(err).__name__}: {err}"))
            left_out = {r.arxiv_id for r in refused}
            positions = {a: p for a, p in changes.positions.items() if a not in left_out}
            day_added = False
            if positions:  # a day is added with its first stored paper, never empty
                day_added = bool(
                    await db.fetchval(
                        """INSERT INTO days (day, first_ingested_at, last_ingested_at) VALUES ($1, $2, $2)
                           ON CONFLICT (day) DO NOTHING RETURNING TRUE""",
                        digest.day,
                        now,
                    )
                )
            await db.executemany(
                """INSERT INTO paper_days (day, paper_id, position) VALUES ($1, $2, $3)
                   ON CONFLICT (day, paper_id) DO UPDATE SET position = EXCLUDED.position
                   WHERE paper_days.position <> EXCLUDED.position""",
                [(digest.day, ids[arxiv_id], position) for arxiv_id, position in positions.items()],
            )
            if not day_added and len(changes.rows) > len(refused):
                await db.execute("UPDATE days SET last_ingested_at = $1 WHERE day = $2", now, digest.day)
            samples = vote_samples(changes, refused)
            if samples:  # the vote history (see SqliteStore._record_votes)
                seen = digest.seen_at or now
                await db.executemany(
                    """INSERT INTO paper_votes (paper_id, seen_at, votes) VALUES ($1, $2, $3)
                       ON CONFLICT (paper_id, seen_at) DO UPDATE SET votes = EXCLUDED.votes""",
                    [(ids[arxiv_id], seen, votes) for arxiv_id, votes in samples],
                )
                await db.execute("DELETE FROM paper_votes WHERE seen_at < $1", history_floor(seen))
        return upsert_result(day_added, changes, refused)

    async def save_summary(self, arxiv_id: str, summary: Summary) -> None:
        async with self._pool.acquire() as db, db.transaction():
            # the related index's frequencies are written by one writer at a time (as upsert_day)
            await db.execute("SELECT pg_advisory_xact_lock($1)", _INGEST_LOCK)
            row = await db.fetchrow(
                f"SELECT {_SELECT_PAPER} FROM papers p WHERE p.arxiv_id = $1 FOR UPDATE", arxiv_id
            )
            if row is None:
                raise NotFoundError(t("paper.not_found", arxiv_id=arxiv_id))
            before = (await self._papers(db, [row]))[0]
            after = with_summary(before, summary)
            await self._write_paper(db, row["id"], after, datetime.now(UTC))
            await db.execute(
                "UPDATE papers_search SET words = $2::tsvector WHERE paper_id = $1", row["id"], _words(after)
            )
            await self._index_related(db, row["id"], before, after)
            await db.execute(
                "DELETE FROM summary_failures WHERE paper_id = $1 AND language = $2",
                row["id"],
                summary.language,
            )

    async def record_summary_failure(
        self, arxiv_id: str, language: str, prompt_version: str, reason: str
    ) -> None:
        await self._pool.execute(
            """INSERT INTO summary_failures (paper_id, language, prompt_version, reason, failed_at)
               SELECT id, $1, $2, $3, $4 FROM papers WHERE arxiv_id = $5
               ON CONFLICT (paper_id, language) DO UPDATE SET prompt_version = EXCLUDED.prompt_version,
                   reason = EXCLUDED.reason, failed_at = EXCLUDED.failed_at""",
            language, prompt_version, reason, datetime.now(UTC), arxiv_id,
        )  # fmt: skip

    async def summary_stats(self) -> SummaryStats:
        groups = await self._pool.fetch(
            """SELECT s ->> 'language' AS language, s ->> 'source' AS source, count(*) AS n,
                      sum((s ->> 'tokens_in')::bigint) AS tokens_in,
                      sum((s ->> 'tokens_out')::bigint) AS tokens_out,
                      count(*) FILTER (WHERE s -> 'verified' = 'false'::jsonb) AS unverified
               FROM papers, jsonb_array_elements(papers.summaries) AS s GROUP BY 1, 2 ORDER BY 1, 2"""
        )
        failures = await self._pool.fetch(
            "SELECT reason, count(*) AS n FROM summary_failures GROUP BY reason ORDER BY n DESC LIMIT 20"
        )
        return summary_stats(groups, failures)

    async def summary_tokens_since(self, since: datetime) -> int:
        total = await self._pool.fetchval(
            """SELECT coalesce(sum(coalesce((s ->> 'tokens_in')::bigint, 0)
                                   + coalesce((s ->> 'tokens_out')::bigint, 0)), 0)
               FROM papers, jsonb_array_elements(papers.summaries) AS s
               WHERE (s ->> 'created_at')::timestamptz >= $1""",
            since,
        )
        return int(total)

    # -- related papers (bot/related.py) --------------------------------------------------------

    @staticmethod
    async def _index_related(db: _Connection, paper_id: int, before: Paper | None, after: Paper) -> None:
        """Keep the paper's vector, its postings and the term frequencies current with what was just
        written (inside the writer's transaction, under the ingest lock); a write that changes no
        term writes nothing."""
        old = await db.fetchval("SELECT vector FROM related_docs WHERE paper_id = $1", paper_id)
        change = term_change(before if old is not None else None, after, new=old is None)
        if change is None:
            return
        await _add_frequencies(db, change.delta, 1 if change.new else 0)
        frequencies, total = await _frequencies(db, list(change.terms.counts))
        vector = build_vector(change.terms, frequencies, total)
        if old is not None:
            await db.execute(
                "DELETE FROM related_terms WHERE paper_id = $1 AND term = ANY($2::text[])",
                paper_id,
                list(Vector.from_json(old).weights),
            )
        rows = postings(vector)
        await db.execute(
            """INSERT INTO related_terms (term, paper_id, weight)
               SELECT term, $1, weight FROM unnest($2::text[], $3::int[]) AS v(term, weight)""",
            paper_id,
            [term for term, _ in rows],
            [weight for _, weight in rows],
        )
        await db.execute(
            """INSERT INTO related_docs (paper_id, vector) VALUES ($1, $2)
               ON CONFLICT (paper_id) DO UPDATE SET vector = EXCLUDED.vector""",
            paper_id,
            vector.to_json(),
        )

    async def related_source(self, arxiv_id: str) -> RelatedSource | None:
        """The paper with its days, its vector and its terms' frequencies, in one read."""
        row = await self._pool.fetchrow(
            f"""SELECT {_SELECT_PAPER}, d.vector AS vector, {_DAYS} AS days,
                       (SELECT json_object_agg(f.term, f.papers) FROM related_df f
                        WHERE f.term IN (SELECT v ->> 0 FROM jsonb_array_elements(d.vector::jsonb) v))
                           AS frequencies,
                       (SELECT papers FROM related_corpus WHERE id = 1) AS total
                FROM papers p JOIN related_docs d ON d.paper_id = p.id WHERE p.arxiv_id = $1""",
            arxiv_id,
        )
        if row is None:
            return None
        return source_of(row, paper_from_row(row, row["days"]))

    async def nearest(self, source: int, weights: Mapping[str, int], limit: int) -> list[Neighbour]:
        """The postings of the asking terms (ranges of related_terms' key), summed per paper in SQL."""
        if not weights or limit < 1:
            return []
        rows = await self._pool.fetch(
            f"""WITH ranked AS MATERIALIZED (
                    SELECT r.paper_id AS id, sum(asked.weight * r.weight)::bigint AS score
                    FROM unnest($1::text[], $2::bigint[]) AS asked (term, weight)
                    JOIN related_terms r ON r.term = asked.term
                    WHERE r.paper_id <> $3
                    GROUP BY r.paper_id ORDER BY score DESC, r.paper_id DESC LIMIT $4)
                SELECT {_SELECT_PAPER}, ranked.score AS score, d.vector AS vector, {_DAYS} AS days
                FROM ranked JOIN papers p ON p.id = ranked.id
                JOIN related_docs d ON d.paper_id = ranked.id
                ORDER BY ranked.score DESC, ranked.id DESC""",
            list(weights),
            list(weights.values()),
            source,
            limit,
        )
        return [neighbour_of(row, paper_from_row(row, row["days"])) for row in rows]

    async def related_vectors(self, *, after: int, limit: int) -> list[tuple[int, Vector]]:
        rows = await self._pool.fetch(
            "SELECT paper_id, vector FROM related_docs WHERE paper_id > $1 ORDER BY paper_id LIMIT $2",
            after,
            limit,
        )
        return [(int(row["paper_id"]), Vector.from_json(row["vector"])) for row in rows]

    async def index_related(self) -> int:
        """Every paper without a vector, indexed in one transaction under the ingest lock: their
        terms counted first (so each vector is chosen with the whole corpus' frequencies), then
        their vectors written (COPY)."""
        missing = await self._pool.fetchval(
            """SELECT (SELECT count(*) FROM papers)
                      - coalesce((SELECT papers FROM related_corpus WHERE id = 1), 0)"""
        )
        if int(missing) <= 0:
            return 0
        async with self._pool.acquire() as db, db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock($1)", _INGEST_LOCK)
            ids = [
                int(r["id"])
                for r in await db.fetch(
                    """SELECT id FROM papers p
                       WHERE NOT EXISTS (SELECT 1 FROM related_docs d WHERE d.paper_id = p.id) ORDER BY id"""
                )
            ]
            batches = [ids[i : i + BACKFILL_BATCH] for i in range(0, len(ids), BACKFILL_BATCH)]
            counted = Backfill()
            for batch in batches:
                counted.count(paper for _, paper in await _unindexed(db, batch))
            await _add_frequencies(db, counted.frequencies, counted.papers)
            frequencies = {r["term"]: int(r["papers"]) for r in await db.fetch("SELECT * FROM related_df")}
            total = int(await db.fetchval("SELECT coalesce(max(papers), 0) FROM related_corpus"))
            for batch in batches:
                vectors = vectors_of(await _unindexed(db, batch), frequencies, total)
                await db.copy_records_to_table(
                    "related_docs", records=[(key, vector.to_json()) for key, vector in vectors]
                )
                await db.copy_records_to_table(
                    "related_terms",
                    columns=["term", "paper_id", "weight"],
                    records=[(t, key, w) for key, vector in vectors for t, w in postings(vector)],
                )
        return len(ids)

    async def _index_related_backlog(self) -> None:
        """On open: index what has no vector (a database from before migration 0012), then mark
        the new rows visible to every transaction (VACUUM), as autovacuum would later: questions
        then read postings from the index alone from the first one on."""
        indexed = await self.index_related()
        if indexed:
            log.info("related papers: indexed %d paper(s) stored before the index", indexed)
            await self._pool.execute("VACUUM (ANALYZE) related_terms, related_docs, related_df")

    @staticmethod
    async def _write_paper(db: _Connection, paper_id: int | None, paper: Paper, now: datetime) -> int:
        """Insert a new paper (`paper_id` None) or overwrite a stored one; returns its id."""
        if paper_id is None:
            new_id: int = await db.fetchval(
                f"""INSERT INTO papers ({", ".join(PAPER_COLUMNS)}, arxiv_id, created_at, updated_at)
                    VALUES ({", ".join(f"${i}" for i in range(1, len(PAPER_COLUMNS) + 4))})
                    RETURNING id""",
                *paper_values(paper),
                paper.arxiv_id,
                now,
                now,
            )
            return new_id
        assignments = ", ".join(f"{column} = ${i}" for i, column in enumerate(PAPER_COLUMNS, start=1))
        await db.execute(
            f"""UPDATE papers SET {assignments}, updated_at = ${len(PAPER_COLUMNS) + 1}
                WHERE id = ${len(PAPER_COLUMNS) + 2}""",
            *paper_values(paper),
            now,
            paper_id,
        )
        return paper_id


async def _add_frequencies(db: _Connection, delta: Mapping[str, int], papers: int) -> None:
    """Add `delta` to the related index's term frequencies (dropping terms no paper holds any
    more) and `papers` to its count of papers."""
    if delta:
        await db.execute(
            """INSERT INTO related_df (term, papers) SELECT * FROM unnest($1::text[], $2::int[])
               ON CONFLICT (term) DO UPDATE SET papers = related_df.papers + EXCLUDED.papers""",
            list(delta),
            list(delta.values()),
        )
        gone = [term for term, change in delta.items() if change < 0]
        if gone:
            await db.execute("DELETE FROM related_df WHERE papers <= 0 AND term = ANY($1::text[])", gone)
    if papers:
        await db.execute(
            """INSERT INTO related_corpus (id, papers) VALUES (1, $1)
               ON CONFLICT (id) DO UPDATE SET papers = related_corpus.papers + EXCLUDED.papers""",
            papers,
        )


async def _frequencies(db: _Connection, terms: Sequence[str]) -> tuple[dict[str, int], int]:
    """How many papers hold each of `terms`, and how many papers are indexed, in one read."""
    rows = await db.fetch(
        """SELECT term, papers FROM related_df WHERE term = ANY($1::text[])
           UNION ALL SELECT NULL, papers FROM related_corpus WHERE id = 1""",
        list(terms),
    )
    total = next((int(row["papers"]) for row in rows if row["term"] is None), 0)
    return {row["term"]: int(row["papers"]) for row in rows if row["term"] is not None}, total


async def _unindexed(db: _Connection, ids: Sequence[int]) -> list[tuple[int, Paper]]:
    """These papers (days left out: the index does not read them), with their keys."""
    rows = await db.fetch(
        f"SELECT {_SELECT_PAPER} FROM papers p WHERE p.id = ANY($1::bigint[]) ORDER BY p.id", list(ids)
    )
    return [(int(row["id"]), paper_from_row(row, ())) for row in rows]


def _one_line_errors(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def wrapper(self: PostgresStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            if (unavailable := postgres_unavailable(err, self._url)) is not None:
                raise unavailable from err
            raise

    return wrapper


# Every Store method turns a server that went away (a reset or closed connection, a refused
# reconnect, a shutdown) into StoreUnavailable, as SqliteStore does for its file: one sentence for
# the user, and what the push loop waits out (bot/outage.py) instead of a traceback.
for _name, _method in list(vars(PostgresStore).items()):
    if not _name.startswith("_") and _name != "close" and inspect.iscoroutinefunction(_method):
        setattr(PostgresStore, _name, _one_line_errors(_method))
