"""Store implementations behind bot.ports.Store, and `open_store`, which picks one by database URL."""

from __future__ import annotations

import re
from pathlib import Path

from bot.errors import StartupError
from bot.ports import Store

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_POSTGRES_SCHEMES = ("postgresql", "postgres")


def sqlite_path(url: str | Path) -> Path | None:
    """The file a SQLite URL (or a bare path) names; None for any other database URL."""
    match = _SCHEME.match(str(url))
    if match is None:
        return Path(url)
    return Path(str(url).removeprefix("sqlite:///")) if match.group(1).lower() == "sqlite" else None


async def open_store(url: str | Path) -> Store:
    """Open the store a database URL names, bringing its schema up to date.

    `sqlite:///data/paperboy.db` (relative), `sqlite:////var/lib/paperboy.db` (absolute) or a bare
    path is a SQLite file; `postgresql://user@host/db` (or `postgres://`) is a PostgreSQL database.
    Each driver is imported only when its store is opened, so SQLite users never load asyncpg.
    """
    match = _SCHEME.match(str(url))
    scheme = match.group(1).lower() if match else None
    if scheme in _POSTGRES_SCHEMES:
        from storage.postgres import PostgresStore

        return await PostgresStore.open(str(url))  # refused, unknown host, no database: StoreUnavailable
    if scheme not in (None, "sqlite"):
        raise StartupError(
            f"unsupported database URL scheme {scheme!r}: use sqlite:///path, a file path or postgresql://"
        )
    from storage.sqlite import SqliteStore

    return await SqliteStore.open(sqlite_path(url) or url)
