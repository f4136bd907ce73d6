"""open_store: the database URL picks the store, and SQLite users never load the PostgreSQL driver."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import StartupError
from storage import open_store
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore
from tests.conftest import REPO


async def _opens_sqlite(url: str | Path, file: Path) -> None:
    store = await open_store(url)
    await store.close()
    assert isinstance(store, SqliteStore)
    assert await asyncio.to_thread(file.exists)


async def test_sqlite_urls_and_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    await _opens_sqlite("sqlite:///data/relative.db", tmp_path / "data" / "relative.db")
    await _opens_sqlite(f"sqlite:///{tmp_path / 'absolute.db'}", tmp_path / "absolute.db")
    await _opens_sqlite("bare.db", tmp_path / "bare.db")
    await _opens_sqlite(tmp_path / "path.db", tmp_path / "path.db")


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
async def test_postgres_urls(postgres_url: str, scheme: str) -> None:
    store = await open_store(postgres_url.replace("postgresql", scheme, 1))
    await store.close()
    assert isinstance(store, PostgresStore)


async def test_other_schemes_are_refused() -> None:
    with pytest.raises(StartupError, match="unsupported database URL scheme 'mysql'"):
        await open_store("mysql://localhost/paperboy")


def test_sqlite_never_imports_asyncpg(tmp_path: Path) -> None:
    script = (
        "import asyncio, sys\n"
        "from storage import open_store\n"
        "async def main():\n"
        f"    await (await open_store({str(tmp_path / 'p.db')!r})).close()\n"
        "asyncio.run(main())\n"
        "assert 'asyncpg' not in sys.modules, 'asyncpg was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=60)


async def test_a_likely_absolute_sqlite_url_is_opened_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`sqlite:///tmp/x.db` names ./tmp/x.db: one warning line naming both paths and the spelling."""
    monkeypatch.chdir(tmp_path)
    name = f"paperboy-{tmp_path.name}.db"
    await _opens_sqlite(f"sqlite:///tmp/{name}", tmp_path / "tmp" / name)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        f"the SQLite URL names the relative path tmp/{name}, here {tmp_path}/tmp/{name}; "
        f"if you meant /tmp/{name}, put four slashes after sqlite: (three begin a relative path)"
    ]
    assert not (Path("/tmp") / name).exists()


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///data/relative.db",  # no /data here (or ./data exists): relative as written
        "sqlite:///tmp/again.db",  # ./tmp exists now: the user works in it
        "tmp/bare.db",  # a bare path is plainly relative
    ],
)
async def test_plain_relative_paths_are_not_warned_about(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tmp").mkdir()
    (tmp_path / "data").mkdir()
    store = await open_store(url)
    await store.close()
    assert not [r for r in caplog.records if r.levelname == "WARNING"]
