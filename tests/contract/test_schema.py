"""Both dialects' migrations end in the same schema: tables, columns, keys, indexes and triggers.

Each step is written twice (storage/migrations/ and storage/migrations/postgres/), so this is what
keeps the two texts one definition: a column added to one file only, a key or an ON DELETE rule that
differs, fails here. Types are compared by what they hold, since each dialect spells them its own way.
Only the search index is dialect-specific by nature (FTS5's tables, the tsvector table), and so is
where each database records its version (PRAGMA user_version, the schema_version table).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg

from storage.migrate import available_migrations, migrate_postgres
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore

SQLITE_ONLY = {"papers_fts", "papers_fts_data", "papers_fts_idx", "papers_fts_docsize", "papers_fts_config"}
POSTGRES_ONLY = {"papers_search", "schema_version", "papers_search_words"}
# What a SQLite column's declared type may be in PostgreSQL: the same values, natively typed.
SAME_VALUES = {
    "TEXT": {"text", "jsonb", "date", "timestamp with time zone", "time without time zone"},
    "INTEGER": {"integer", "bigint", "boolean"},
}


@dataclass(frozen=True)
class Column:
    name: str
    not_null: bool  # a primary key column counts as NOT NULL in both


@dataclass
class Schema:
    columns: dict[str, list[Column]]
    types: dict[tuple[str, str], str]  # (table, column) -> declared or data type
    primary_keys: dict[str, tuple[str, ...]]
    unique: set[tuple[str, tuple[str, ...]]]
    foreign_keys: set[tuple[str, str, str, str, str]]  # table, column, referenced table and column, on delete
    indexes: dict[str, tuple[str, tuple[str, ...]]]  # name -> table, columns
    triggers: set[str]


async def _sqlite_schema(path: Path) -> Schema:
    async with aiosqlite.connect(path) as db:

        async def rows(sql: str) -> list[tuple[Any, ...]]:
            async with db.execute(sql) as cursor:
                return [tuple(row) for row in await cursor.fetchall()]

        master = await rows("SELECT type, name, tbl_name, sql FROM sqlite_master")
        tables = sorted(str(n) for t, n, _, _ in master if t == "table" and n not in SQLITE_ONLY)
        schema = Schema({}, {}, {}, set(), set(), {}, {str(n) for t, n, _, _ in master if t == "trigger"})
        for table in tables:
            info = await rows(f"PRAGMA table_info({table})")
            schema.columns[table] = [Column(str(c[1]), bool(c[3]) or bool(c[5])) for c in info]
            schema.types |= {(table, str(c[1])): str(c[2]) for c in info}
            schema.primary_keys[table] = tuple(
                str(c[1]) for c in sorted(info, key=lambda c: int(c[5])) if c[5]
            )
            for _, index, unique, origin, _ in await rows(f"PRAGMA index_list({table})"):
                if unique and origin == "u":
                    names = tuple(str(c[2]) for c in await rows(f"PRAGMA index_info({index})"))
                    schema.unique.add((table, names))
            for fk in await rows(f"PRAGMA foreign_key_list({table})"):
                schema.foreign_keys.add((table, str(fk[3]), str(fk[2]), str(fk[4]), str(fk[6])))
        for kind, name, table, sql in master:
            if kind == "index" and sql is not None:  # the ones a migration created by name
                columns = tuple(str(c[2]) for c in await rows(f"PRAGMA index_info({name})"))
                schema.indexes[str(name)] = (str(table), columns)
        return schema


_PG_CONSTRAINTS = """
    SELECT c.contype::text, t.relname AS table, c.confdeltype::text,
           array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
           r.relname AS referenced,
           array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a
                 ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS to_columns
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid LEFT JOIN pg_class r ON r.oid = c.confrelid
    WHERE t.relnamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f')"""
_PG_INDEXES = """
    SELECT i.relname AS name, t.relname AS table,
           array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o) AS columns
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relnamespace = current_schema()::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"""
_ON_DELETE = {"c": "CASCADE", "n": "SET NULL", "a": "NO ACTION", "r": "RESTRICT", "d": "SET DEFAULT"}


async def _postgres_schema(url: str) -> Schema:
    db = await asyncpg.connect(url)
    try:
        columns = await db.fetch(
            """SELECT table_name, column_name, is_nullable = 'NO' AS not_null, data_type
               FROM information_schema.columns WHERE table_schema = current_schema()
               ORDER BY table_name, ordinal_position"""
        )
        triggers = await db.fetch(
            "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = current_schema()"
        )
        schema = Schema({}, {}, {}, set(), set(), {}, {row["trigger_name"] for row in triggers})
        for row in columns:
            if row["table_name"] not in POSTGRES_ONLY:
                schema.columns.setdefault(row["table_name"], []).append(
                    Column(row["column_name"], row["not_null"])
                )
                schema.types[(row["table_name"], row["column_name"])] = row["data_type"]
        for row in await db.fetch(_PG_CONSTRAINTS):
            if row["table"] in POSTGRES_ONLY:
                continue
            if row["contype"] == "p":
                schema.primary_keys[row["table"]] = tuple(row["columns"])
            elif row["contype"] == "u":
                schema.unique.add((row["table"], tuple(row["columns"])))
            else:
                (column,), (to_column,) = row["columns"], row["to_columns"]
                on_delete = _ON_DELETE[row["confdeltype"]]
                schema.foreign_keys.add((row["table"], column, row["referenced"], to_column, on_delete))
        for row in await db.fetch(_PG_INDEXES):
            if row["name"] not in POSTGRES_ONLY:
                schema.indexes[row["name"]] = (row["table"], tuple(row["columns"]))
        return schema
    finally:
        await db.close()


async def test_both_dialects_end_with_the_same_schema(tmp_path: Path, postgres_url: str) -> None:
    await (await SqliteStore.open(tmp_path / "p.db")).close()
    await (await PostgresStore.open(postgres_url)).close()
    sqlite, postgres = await _sqlite_schema(tmp_path / "p.db"), await _postgres_schema(postgres_url)
    assert postgres.columns == sqlite.columns
    assert postgres.primary_keys == sqlite.primary_keys
    assert postgres.unique == sqlite.unique
    assert postgres.foreign_keys == sqlite.foreign_keys
    assert postgres.indexes == sqlite.indexes
    assert postgres.triggers == sqlite.triggers == {"ledger_from_messages", "push_sent_with_last_message"}
    mistyped = {
        column: (declared, postgres.types[column])
        for column, declared in sqlite.types.items()
        if postgres.types[column] not in SAME_VALUES[declared]
    }
    assert mistyped == {}


async def test_postgres_records_each_step_once_even_when_instances_start_together(postgres_url: str) -> None:
    db = await asyncpg.connect(postgres_url)
    other = await asyncpg.connect(postgres_url)
    try:
        versions = await asyncio.gather(migrate_postgres(db), migrate_postgres(other))
        assert await migrate_postgres(db) == available_migrations("postgresql")[-1].version  # nothing left
        applied = await db.fetch("SELECT version, name FROM schema_version ORDER BY version")
    finally:
        await db.close()
        await other.close()
    steps = available_migrations("postgresql")
    assert list(versions) == [steps[-1].version] * 2
    assert [(row["version"], row["name"]) for row in applied] == [(s.version, s.name) for s in steps]
