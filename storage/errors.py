"""Database failures that are not bugs (a path that is a folder, a read-only or full disk, a server
that refuses) as one sentence naming the problem and the file or host, never a password.

The stores raise bot.errors.StoreUnavailable with these sentences; `paperboy` prints it as one line.
Anything else (a constraint, a syntax error) is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sqlite3
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.errors import StoreUnavailable

# Below this much free space a failed write is put down to a full disk (SQLite reports one that
# fills while it grows its shared-memory file as an I/O error, not as SQLITE_FULL).
NEARLY_FULL_BYTES = 1 << 20

# SQLite's primary result codes that say something about the file or the disk, not about the SQL.
_CANTOPEN, _NOTADB, _READONLY, _FULL, _IOERR = (
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_NOTADB,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
)
_CORRUPT, _BUSY, _LOCKED, _PERM = (
    sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_PERM,
)


def sqlite_unavailable(err: sqlite3.Error | OSError, path: Path) -> StoreUnavailable | None:
    """The sentence for a SQLite failure the user can fix, or None for a bug."""
    if isinstance(err, OSError):  # creating the folder
        return StoreUnavailable(
            f"cannot create the folder {path.parent} for the SQLite database: {_reason(err)}"
        )
    code = getattr(err, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary == _NOTADB:
        return StoreUnavailable(f"{path} is not a SQLite database; it was left as it is")
    if primary == _CORRUPT:
        return StoreUnavailable(f"the SQLite database {path} is damaged ({err}); restore it from a backup")
    if primary == _CANTOPEN:
        return StoreUnavailable(f"cannot open the SQLite database {path}: {_cannot_open(path)}")
    if primary in (_BUSY, _LOCKED):
        return StoreUnavailable(f"the SQLite database {path} is locked by another program; try again")
    if primary in (_READONLY, _PERM):
        return StoreUnavailable(f"cannot write to the SQLite database {path}: {_read_only(path, code)}")
    if primary == _FULL or (primary == _IOERR and _nearly_full(path)):
        return StoreUnavailable(f"cannot write to the SQLite database {path}: the disk is full")
    if primary == _IOERR:
        return StoreUnavailable(f"cannot use the SQLite database {path}: {err} ({err.sqlite_errorname})")
    return None


def _reason(err: OSError) -> str:
    return (err.strerror or str(err)).lower()


def _cannot_open(path: Path) -> str:
    if path.is_dir():
        return "it is a folder, not a file"
    if not path.exists():
        if not path.parent.is_dir():
            return f"{path.parent} is not a folder"
        if not os.access(path.parent, os.W_OK | os.X_OK):
            return f"its folder {path.parent} is read-only, so the file cannot be created"
        return "the file cannot be created"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return "the file cannot be opened"


def _read_only(path: Path, code: int) -> str:
    if code == sqlite3.SQLITE_READONLY_DIRECTORY or (
        os.access(path, os.W_OK) and not os.access(path.parent, os.W_OK | os.X_OK)
    ):
        return f"its folder {path.parent} is read-only (SQLite writes its -wal and -shm files there)"
    if not os.access(path, os.W_OK):
        return "the file is read-only (its permissions, or an immutable flag)"
    return "the file is read-only"


def _nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def postgres_place(url: str) -> str:
    """host:port/database of a PostgreSQL URL, without user or password, for messages."""
    parts = urlsplit(url)
    try:
        port = parts.port or 5432
    except ValueError:
        port = 5432
    database = unquote(parts.path.lstrip("/")) or unquote(parts.username or "") or "postgres"
    return f"{parts.hostname or 'localhost'}:{port}/{database}"


def without_password(text: str, url: str) -> str:
    """`text` with the URL's password (as written and decoded) masked."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    for form in {password, unquote(password or "")} - {None, ""}:
        text = text.replace(str(form), "[redacted]")
    return text


def _refused(err: OSError) -> bool:
    """Refused, also when the driver tried several addresses (localhost: ::1 and 127.0.0.1)."""
    return (
        isinstance(err, ConnectionRefusedError)
        or err.errno == errno.ECONNREFUSED
        or ("Connect call failed" in str(err) and "Errno 111" in str(err))
    )


def _closed(err: BaseException) -> bool:
    """asyncpg's InterfaceError for a connection (or pool) that closed under a query, not a misuse."""
    import asyncpg

    return isinstance(err, asyncpg.InterfaceError) and ("closed" in str(err) or "closing" in str(err))


def postgres_unavailable(err: BaseException, url: str) -> StoreUnavailable | None:
    """The sentence for a PostgreSQL connection failure the user can fix (at connection or in the
    middle of a query: the server went away), or None for a bug."""
    import asyncpg  # only when PostgreSQL is in use

    place = postgres_place(url)
    host = place.rsplit("/", 1)[0]
    user = unquote(urlsplit(url).username or "") or "(the default user)"
    message: str | None = None
    if isinstance(err, OSError) and _refused(err):
        message = f"cannot reach the PostgreSQL server at {host}: connection refused"
    elif isinstance(err, socket.gaierror):
        message = f"cannot reach the PostgreSQL server at {host}: unknown host"
    elif isinstance(err, TimeoutError):
        message = f"cannot reach the PostgreSQL server at {host}: no answer in time"
    elif isinstance(err, OSError):
        message = f"cannot reach the PostgreSQL server at {host}: {_reason(err)}"
    elif isinstance(err, asyncpg.PostgresConnectionError) or _closed(err):  # lost mid-query
        message = f"lost the connection to the PostgreSQL server at {host}: {err}"
    elif isinstance(err, asyncpg.AdminShutdownError | asyncpg.CrashShutdownError):
        message = f"the PostgreSQL server at {host} is shutting down: {err}"
    elif isinstance(err, asyncpg.InvalidCatalogNameError):
        database = place.rsplit("/", 1)[1]
        message = (
            f"the PostgreSQL server at {host} has no database {database!r}: create it (createdb {database})"
        )
    elif isinstance(err, asyncpg.InvalidPasswordError):
        message = f"the PostgreSQL server at {host} refused the password of user {user!r}"
    elif isinstance(err, asyncpg.InvalidAuthorizationSpecificationError):
        message = f"the PostgreSQL server at {host} refused user {user!r}: {err}"
    elif isinstance(err, asyncpg.CannotConnectNowError | asyncpg.TooManyConnectionsError):
        message = f"the PostgreSQL server at {host} takes no connection now: {err}"
    elif isinstance(err, asyncpg.InsufficientPrivilegeError):
        message = f"the PostgreSQL user {user!r} may not set up Paperboy's tables in {place}: {err}"
    elif isinstance(err, asyncpg.ReadOnlySQLTransactionError):
        message = f"the PostgreSQL server at {host} is read-only (a standby?): {err}"
    elif isinstance(err, asyncpg.DiskFullError):
        message = f"the PostgreSQL server at {host} has a full disk: {err}"
    elif isinstance(err, asyncpg.ClientConfigurationError):
        message = f"cannot use the PostgreSQL URL for {place}: {err}"
    if message is None:
        return None
    return StoreUnavailable(without_password(message, url))
