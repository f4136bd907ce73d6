"""`paperboy copy`: move a SQLite database into PostgreSQL with nothing lost.

Both schemas come from the same numbered steps and have the same tables and columns (the schema
tests hold them to it), so the copy goes table by table, in foreign-key order, converting each
SQLite value to its PostgreSQL column's type (dates, timestamps, booleans, JSON). Ids are kept, so
the outbox, its messages and the ledger still point at the same rows; the identity sequences are
moved past them, the search index is rebuilt from the copied papers, and the row counts of both
sides are compared before the copy is called done.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bot.errors import StartupError
from storage import absolute_path_hint, sqlite_path
from storage.errors import sqlite_unavailable
from storage.postgres import PostgresStore

# Foreign-key order; the search tables (papers_fts, papers_search) are rebuilt, not copied.
TABLES = (
    "papers", "days", "paper_days", "paper_votes", "summary_failures", "subscriptions", "outbox",
    "outbox_messages", "ledger", "ui_state", "opinions", "saved_papers",
    "related_docs", "related_terms", "related_df", "related_corpus",
)  # fmt: skip
BATCH = 1000


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]


def _timestamp(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _converter(pg_type: str) -> Callable[[Any], Any]:
    """SQLite stores dates, times and JSON as text and booleans as integers; PostgreSQL has types."""
    if pg_type == "date":
        return lambda value: None if value is None else date.fromisoformat(str(value))
    if pg_type.startswith("timestamp"):
        return _timestamp
    if pg_type == "boolean":
        return lambda value: None if value is None else bool(value)
    if pg_type in ("json", "jsonb"):
        return lambda value: (
            None if value is None else (value if isinstance(value, str) else json.dumps(value))
        )
    if pg_type == "time without time zone":
        return lambda value: None if value is None else datetime.strptime(str(value)[:5], "%H:%M").time()
    return lambda value: value


async def copy_sqlite_to_postgres(source: str, target: str) -> CopyReport:
    """Copy every row of the SQLite database `source` into the empty PostgreSQL database `target`."""
    path = sqlite_path(source)
    if path is None:
        raise StartupError("copy reads a SQLite database: --from sqlite:///path (or a file path)")
    if not path.exists():
        hint = absolute_path_hint(source)
        raise StartupError(f"no SQLite database at {path}" + (f": {hint}" if hint else ""))
    if not target.startswith(("postgresql://", "postgres://")):
        raise StartupError("copy writes to PostgreSQL: --to postgresql://user@host/db")
    sqlite = _read_only(path)  # a source that is no database stops the copy before the target changes
    try:
        store = await PostgresStore.open(target)  # brings the target's schema up to date
    except BaseException:
        sqlite.close()
        raise
    await store.close()
    db = await asyncpg.connect(target)
    try:
        for table in TABLES:
            if await db.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
                raise StartupError(f"the target already has rows in {table}: copy into an empty database")
        async with db.transaction():
            for table in TABLES:
                await _copy_table(sqlite, db, table)
        counts = {
            table: int(sqlite.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in TABLES
        }
        copied = {table: int(await db.fetchval(f"SELECT count(*) FROM {table}")) for table in TABLES}
        if copied != counts:
            raise StartupError(f"row counts differ after the copy: SQLite {counts}, PostgreSQL {copied}")
    finally:
        await db.close()
        sqlite.close()
    store = await PostgresStore.open(target)
    try:
        await store.reindex()
    finally:
        await store.close()
    return CopyReport(counts)


def _read_only(path: Path) -> sqlite3.Connection:
    """The source, opened read-only and read once, so that a file it cannot use fails in one line."""
    try:
        sqlite = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise sqlite_unavailable(err, path) or err from None
    try:
        sqlite.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as err:
        sqlite.close()
        raise sqlite_unavailable(err, path) or err from None
    sqlite.row_factory = sqlite3.Row
    return sqlite


async def _copy_table(sqlite: sqlite3.Connection, db: asyncpg.Connection[Any], table: str) -> None:
    types = {
        row["column_name"]: row["data_type"]
        for row in await db.fetch(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = $1",
            table,
        )
    }
    columns = [row[1] for row in sqlite.execute(f"PRAGMA table_info({table})")]
    missing = [column for column in columns if column not in types]
    if missing:
        raise StartupError(f"{table}: columns {missing} are not in the PostgreSQL schema")
    convert = [_converter(types[column]) for column in columns]
    names = ", ".join(columns)
    marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    insert = f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING"
    order = " ORDER BY id" if "id" in columns else ""  # ids first to last; WITHOUT ROWID tables have none
    rows = sqlite.execute(f"SELECT {names} FROM {table}{order}")
    while batch := rows.fetchmany(BATCH):
        await db.executemany(
            insert, [[f(value) for f, value in zip(convert, row, strict=True)] for row in batch]
        )
    if "id" in columns:
        highest = f"GREATEST((SELECT max(id) FROM {table}), 1)"
        await db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {highest})")
