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
