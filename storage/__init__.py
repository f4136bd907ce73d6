"""Store implementations behind bot.ports.Store, and `open_store`, which picks one by database URL."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from bot.errors import StartupError
from bot.ports import Store

log = logging.getLogger(__name__)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_POSTGRES_SCHEMES = ("postgresql", "postgres")


def sqlite_path(url: str | Path) -> Path | None:
    """The file a SQLite URL (or a bare path) names; None for any other database URL."""
    match = _SCHEME.match(str(url))
    if match is None:
        return Path(url)
    return Path(str(url).removeprefix("sqlite:///")) if match.group(1).lower() == "sqlite" else None


def absolute_path_hint(url: str | Path) -> str | None:
    """A warning for `sqlite:///tmp/x.db`, which names the relative path tmp/x.db: said when the
    first folder exists at / but not here, where it would be created (likely meant: /tmp/x.db)."""
    text = str(url)
    if not text.lower().startswith("sqlite:///") or text.lower().startswith("sqlite:////"):
        return None
    relative = Path(text[len("sqlite:///") :])
    if not relative.parts or relative.is_absolute():
        return None
    first = relative.parts[0]
    if not (Path("/") / first).is_dir() or Path(first).exists():
        return None
    # The URL itself is not repeated: logs mask the database URL (and its part after the colon).
    return (
        f"the SQLite URL names the relative path {relative}, here {Path.cwd() / relative}; "
        f"if you meant /{relative}, put four slashes after sqlite: (three begin a relative path)"
    )


async def open_store(url: str | Path) -> Store:
    """Open the store a database URL names, bringing its schema up to date.

    `sqlite:///data/paperboy.db` (relative), `sqlite:////var/lib/paperboy.db` (absolute) or a bare
    path is a SQLite file (`sqlite:///tmp/x.db`, likely meant absolute, is opened with a warning);
    `postgresql://user@host/db` (or `postgres://`) is a PostgreSQL database.
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

    if (hint := absolute_path_hint(url)) is not None:
        log.warning("%s", hint)
    return await SqliteStore.open(sqlite_path(url) or url)
