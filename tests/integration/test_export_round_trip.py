"""Ingest, export, parse again: every paper, vote, author, thumbnail and section comes back, on
every store, for the real sample day, the hostile papers and every archive-era fixture."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.export import archive_text
from bot.models import DigestDay, Paper, Section
from bot.sample import sample_digest
from bot.service import PaperService
from bot.sources.markdown import parse_markdown
from handlers.console_adapter.export import run_export
from tests.conftest import REPO
from tests.fixtures.adversarial import DAY, hostile_papers, huge_day

pytestmark = pytest.mark.slow  # every archive-era fixture through ingest, export and parse

FIXTURES = REPO / "tests" / "fixtures" / "markdown"
HEADERLESS_DAY = date(2025, 5, 1)


def _markdown(path: Path) -> Callable[[], DigestDay]:
    return lambda: parse_markdown(path.read_text(encoding="utf-8"), source=path.name, day=HEADERLESS_DAY)


SOURCES: dict[str, Callable[[], DigestDay]] = {
    "sample": lambda: parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample"),
    "hostile": lambda: DigestDay(day=DAY, source="hostile", papers=hostile_papers()),
    "huge": lambda: DigestDay(day=DAY, source="huge", papers=huge_day()),
    **{path.stem: _markdown(path) for path in sorted(FIXTURES.glob("*.md"))},
}


def _carried(section: Section) -> Section:
    return Section(heading=section.heading, text=archive_text(section.text))


def _readable(paper: Paper) -> Paper:
    """What the archive's format can say about a paper: authors without the `+` token the parser
        drops (the archive wrote it among names), section text without the spaces around its lines (the
    parser strips them), nothing the format has no line for."""
    return Paper(
        arxiv_id=paper.arxiv_id,
        title=paper.title,
        authors=tuple(a for a in paper.authors if a != "+"),
        votes=paper.votes,
        thumbnail=paper.thumbnail,
        media_url=paper.media_url,
        summaries=tuple(
            s.model_copy(
                update={
                    "sections": tuple(
                        Section(heading=x.heading, text=archive_text(x.text)) for x in s.sections
                    )
                }
            )
            for s in paper.summaries
        ),
        days=paper.days,
    )


@pytest.mark.parametrize("name", list(SOURCES))
async def test_export_reads_back_the_same_papers(service: PaperService, name: str) -> None:
    digest = SOURCES[name]()
    assert digest.papers, name
    await service._store.upsert_day(digest)
    out, err = io.StringIO(), io.StringIO()
    args = argparse.Namespace(date=digest.day, lang="ko", out=None)
    assert await run_export(args, service, out, err) == 0
    back = parse_markdown(out.getvalue(), source="export")
    assert back.problems == []
    assert back.day == digest.day
    listed = await service.day_list(digest.day)
    assert [p.arxiv_id for p in back.papers] == [p.arxiv_id for p in listed]  # top's order, every paper
    assert len(listed) == len(digest.papers)
    original = {p.arxiv_id: _readable(p) for p in digest.papers}
    for paper in back.papers:
        expected = original[paper.arxiv_id]
        assert paper.title == expected.title
        assert paper.votes == expected.votes
        assert paper.authors == expected.authors
        assert (paper.thumbnail, paper.media_url) == (expected.thumbnail, expected.media_url)
        assert paper.summaries == expected.summaries, paper.arxiv_id
    missing = [p.arxiv_id for p in digest.papers if not p.summaries]
    assert (f"{len(missing)} paper(s) have no summary" in err.getvalue()) == bool(missing)


async def test_the_sample_day_file_is_the_archive_file_but_for_three_stars(
    service: PaperService, tmp_path: Path
) -> None:
    await service.seed_sample()
    args = argparse.Namespace(date=date(2025, 2, 24), lang="ko", out=tmp_path / "paper_logs")
    err = io.StringIO()
    assert await run_export(args, service, io.StringIO(), err) == 0
    written = (tmp_path / "paper_logs" / "2025" / "02" / "24.md").read_bytes()
    original = sample_digest().read_bytes()
    assert len(written) == len(original) + 6  # one entry's three headings: `**` became `***`
    assert written.replace(b"- ***", b"- **").replace(b"***:", b"**:") == original.replace(
        b"- ***", b"- **"
    ).replace(b"***:", b"**:")
    assert "wrote 32 paper(s)" in err.getvalue()


async def test_a_day_without_a_list_is_one_line_and_exit_1(service: PaperService) -> None:
    await service.seed_sample()
    out, err = io.StringIO(), io.StringIO()
    args = argparse.Namespace(date=date(2025, 2, 25), lang="ko", out=None)
    assert await run_export(args, service, out, err) == 1
    assert out.getvalue() == ""
    assert err.getvalue().count("\n") == 1
    assert "No list for 2025-02-25" in err.getvalue()
