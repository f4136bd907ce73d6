"""Shared fixtures: a real SQLite file per test, the bundled sample day, and a paper factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.models import DigestDay, Paper, Section
from bot.sample import sample_digest
from bot.service import PaperService
from bot.sources.markdown import parse_markdown
from storage.sqlite import SqliteStore

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DAY = date(2025, 2, 24)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns (an error here) when building RetryAfter unless durations are timedeltas."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = await SqliteStore.open(tmp_path / "paperboy.db")
    yield opened
    await opened.close()


@pytest.fixture
def sample_day() -> DigestDay:
    return parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample")


@pytest.fixture
def service(store: SqliteStore) -> PaperService:
    return PaperService(store, DigestSources(HFSettings()))


PaperFactory = Callable[..., Paper]


@pytest.fixture
def make_paper() -> PaperFactory:
    """Build a Paper with sensible defaults; keyword arguments override any field."""

    def build(arxiv_id: str = "2501.00001", **fields: Any) -> Paper:
        defaults: dict[str, Any] = {
            "title": f"Paper {arxiv_id}",
            "authors": ("Ada Lovelace", "Alan Turing"),
            "votes": 1,
            "sections": (Section(heading="What's New", text="새로운 방법을 제안합니다."),),
            "days": (),
        }
        return Paper(arxiv_id=arxiv_id, **(defaults | fields))

    return build
