"""Shared fixtures: a real store per test, the bundled sample day, and a paper factory.

`store` is the Store contract: every test that takes it runs once per backend named in
PAPERBOY_TEST_BACKENDS (comma-separated: sqlite, postgres; default both). PostgreSQL tests share one
throwaway server per session (tests/pg_server.py), each test in an empty schema of its own, and skip,
saying why, where the server binaries are missing. Tests of SQLite itself (its file, WAL, FTS5) take
`sqlite_store`; tests of PostgreSQL itself take `postgres_url`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.models import DigestDay, Paper, Section, Summary
from bot.ports import Store
from bot.sample import sample_digest
from bot.service import PaperService
from bot.sources.markdown import parse_markdown
from storage import open_store
from storage.sqlite import SqliteStore
from tests import pg_server

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DAY = date(2025, 2, 24)
BACKENDS = ("sqlite", "postgres")
TESTED_BACKENDS = [
    name.strip() for name in os.environ.get("PAPERBOY_TEST_BACKENDS", ",".join(BACKENDS)).split(",")
]
if unknown := set(TESTED_BACKENDS) - set(BACKENDS):
    raise ValueError(f"PAPERBOY_TEST_BACKENDS: unknown {sorted(unknown)}, expected some of {BACKENDS}")


E2E = REPO / "tests" / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `slow` what `make check` leaves to `make test`: the end-to-end tests (real processes,
    fake platforms over HTTP, real pacing) and every PostgreSQL run (a server per session)."""
    for item in items:
        if item.path.is_relative_to(E2E) or _on_postgres(item):
            item.add_marker(pytest.mark.slow)


def _on_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("store_url") == "postgres":
        return True
    return bool({"postgres_url", "postgres_server"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns (an error here) when building RetryAfter unless durations are timedeltas."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pg_server.PostgresServer]:
    """One PostgreSQL server for the whole session: starting one takes a second or two."""
    if not pg_server.available():
        pytest.skip(f"no PostgreSQL server binaries in {pg_server.PG_BIN} (set PAPERBOY_TEST_PG_BIN)")
    server = pg_server.PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    """An empty PostgreSQL database, for tests of PostgreSQL itself (its schema, its migrations)."""
    if "postgres" not in TESTED_BACKENDS:
        pytest.skip("postgres is not in PAPERBOY_TEST_BACKENDS")
    server: pg_server.PostgresServer = request.getfixturevalue("postgres_server")
    return server.database()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database, migrated once per session by the real migrations: each test's
    database starts as a copy of it, a few milliseconds instead of creating the schema again."""
    path = tmp_path_factory.mktemp("template") / "paperboy.db"

    async def migrated() -> None:
        await (await SqliteStore.open(path)).close()

    asyncio.run(migrated())
    return path


@pytest.fixture(params=TESTED_BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database of each tested backend (for a test that opens it more than once)."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    template: Path = request.getfixturevalue("sqlite_template")
    shutil.copyfile(template, tmp_path / "paperboy.db")
    return f"sqlite:///{tmp_path / 'paperboy.db'}"


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    """A migrated, empty store of each tested backend, opened through its database URL."""
    opened = await open_store(store_url)
    yield opened
    await opened.close()


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    """For tests of SQLite itself; anything a Store promises belongs with `store`."""
    opened = await SqliteStore.open(tmp_path / "paperboy.db")
    yield opened
    await opened.close()


@pytest.fixture
def sample_day() -> DigestDay:
    return parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample")


@pytest.fixture
def service(store: Store) -> PaperService:
    return PaperService(store, DigestSources(HFSettings()))


PaperFactory = Callable[..., Paper]


@pytest.fixture
def make_paper() -> PaperFactory:
    """Build a Paper with sensible defaults; keyword arguments override any field, and `sections`
    stands for the archive's summary made of them (Korean or English by their script)."""

    def build(arxiv_id: str = "2501.00001", **fields: Any) -> Paper:
        defaults: dict[str, Any] = {
            "title": f"Paper {arxiv_id}",
            "authors": ("Ada Lovelace", "Alan Turing"),
            "votes": 1,
            "sections": (Section(heading="What's New", text="새로운 방법을 제안합니다."),),
            "days": (),
        }
        fields = defaults | fields
        sections = fields.pop("sections")
        fields.setdefault("summaries", (Summary.from_archive(sections),) if sections else ())
        return Paper(arxiv_id=arxiv_id, **fields)

    return build


def archive_sections(paper: Paper) -> tuple[Section, ...]:
    """The sections of the paper's archive summary (none when it has none)."""
    return next((s.sections for s in paper.summaries if s.source == "archive"), ())
