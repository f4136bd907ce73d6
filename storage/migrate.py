"""Apply the numbered schema steps that a database has not seen yet, for SQLite or PostgreSQL.

One list of steps serves both databases: step NNNN_name.sql in storage/migrations/ is the SQLite
text, and storage/migrations/postgres/NNNN_name.sql the PostgreSQL text of the same step (the two
dialects differ in types, keys and triggers, so neither can be generated from the other without a
schema language of our own). tests/unit/test_migrations.py holds them to the same numbered steps and
tests/contract/test_schema.py to the same tables, columns, indexes and triggers.

Each step runs in its own transaction together with the record of its version (SQLite's
`PRAGMA user_version`, PostgreSQL's `schema_version` table), so a crash mid-way leaves the database
at the previous version, never half-migrated. A SQLite step that rebuilds a table says so on its
first line (FOREIGN_KEYS_OFF) and runs with foreign keys off, then checked.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Literal

import aiosqlite

if TYPE_CHECKING:
    import asyncpg
    from asyncpg.pool import PoolConnectionProxy

Dialect = Literal["sqlite", "postgresql"]

_STEP_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_PACKAGES: dict[Dialect, str] = {"sqlite": "storage.migrations", "postgresql": "storage.migrations.postgres"}
# A SQLite step that starts with this line rebuilds a table (SQLite cannot change a CHECK in place):
# it runs with foreign keys off, as SQLite's documentation prescribes, or dropping the old table
# would cascade to the rows that reference it; the references are checked before the commit.
FOREIGN_KEYS_OFF = "-- paperboy: foreign keys off"
# Instances that start together would otherwise apply the same step twice: one migrates, the rest wait.
_POSTGRES_LOCK = 0x7061706572626F79  # "paperboy"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations(dialect: Dialect = "sqlite") -> list[Migration]:
    """Every step shipped with the package for that database, in order (SQLite, the embedded
    default, unless told otherwise)."""
    steps = []
    for entry in files(_PACKAGES[dialect]).iterdir():
        match = _STEP_NAME.match(entry.name)
        if match:
            steps.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(steps, key=lambda step: step.version)


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; SQLite itself says when one is complete (a trigger's
    body holds semicolons of its own)."""
    statements, buffer = [], ""
    for piece in re.sub(r"--[^\n]*", "", sql).split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n;"):
                statements.append(buffer.strip())
            buffer = ""
    return statements


async def migrate(db: aiosqlite.Connection) -> int:
    """Bring a SQLite schema up to date; returns the version the database is at afterwards."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    for step in available_migrations("sqlite"):
        if step.version <= current:
            continue
        rebuilds = step.sql.startswith(FOREIGN_KEYS_OFF)
        if rebuilds:  # only outside a transaction does this pragma take effect
            async with db.execute("PRAGMA foreign_keys") as cursor:
                row = await cursor.fetchone()
            enforced = bool(row and row[0])
            await db.execute("PRAGMA foreign_keys = OFF")
        try:
            await _apply_sqlite_step(db, step, check_foreign_keys=rebuilds)
        finally:
            if rebuilds and enforced:
                await db.execute("PRAGMA foreign_keys = ON")
        current = step.version
    return current


async def _apply_sqlite_step(db: aiosqlite.Connection, step: Migration, *, check_foreign_keys: bool) -> None:
    """One step and its version in one transaction; a step that rebuilt a table must leave every
    reference intact (`PRAGMA foreign_key_check` finds none broken) or nothing of it is kept."""
    await db.execute("BEGIN IMMEDIATE")
    try:
        for statement in _statements(step.sql):
            await db.execute(statement)
        if check_foreign_keys:
            async with db.execute("PRAGMA foreign_key_check") as cursor:
                broken = [tuple(row) for row in await cursor.fetchall()]
            if broken:
                raise sqlite3.IntegrityError(f"{step.name}: references broken by the rebuild: {broken[:5]}")
        await db.execute(f"PRAGMA user_version = {step.version}")
    except BaseException:
        await db.execute("ROLLBACK")
        raise
    await db.execute("COMMIT")


async def migrate_postgres(db: asyncpg.Connection[Any] | PoolConnectionProxy[Any]) -> int:
    """Bring a PostgreSQL schema up to date; returns the version the database is at afterwards.

    A step's text goes to the server whole (the simple query protocol runs several statements and
    PL/pgSQL bodies as they are); an advisory lock keeps concurrent instances from racing.
    """
    await db.execute("SELECT pg_advisory_lock($1)", _POSTGRES_LOCK)
    try:
        await db.execute(
            """CREATE TABLE IF NOT EXISTS schema_version (
                   version     INTEGER PRIMARY KEY,
                   name        TEXT NOT NULL,
                   applied_at  TIMESTAMPTZ NOT NULL DEFAULT now())"""
        )
        current = int(await db.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))
        for step in available_migrations("postgresql"):
            if step.version <= current:
                continue
            async with db.transaction():
                await db.execute(step.sql)
                await db.execute(
                    "INSERT INTO schema_version (version, name) VALUES ($1, $2)", step.version, step.name
                )
            current = step.version
    finally:
        await db.execute("SELECT pg_advisory_unlock($1)", _POSTGRES_LOCK)
    return current
