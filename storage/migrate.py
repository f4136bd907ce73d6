"""Apply the numbered schema steps in storage/migrations/ that a database has not seen yet.

Each step runs in its own transaction together with the `PRAGMA user_version` bump, so a crash
mid-way leaves the database at the previous version, never half-migrated.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib.resources import files

import aiosqlite

_STEP_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Every step shipped with the package, in order."""
    steps = []
    for entry in files("storage.migrations").iterdir():
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
    """Bring the schema up to date; returns the version the database is at afterwards."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    for step in available_migrations():
        if step.version <= current:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(step.sql):
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {step.version}")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        await db.execute("COMMIT")
        current = step.version
    return current
