"""The ingest report counts what happened, and the CLI prints it: no day added for a file or an API
day without papers, no source counted as read that was not."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.service import PaperService
from bot.sources.markdown import parse_markdown
from handlers.console_adapter.cli import build_parser, run_command
from tests.fakes.hf_api import FakeHFServer
from tests.unit.test_loader import markdown

DAY = date(2025, 2, 24)


async def _cli(service: PaperService, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = await run_command(build_parser().parse_args(list(argv)), service, out)
    return code, out.getvalue()


async def test_a_file_without_papers_adds_no_day(service: PaperService, tmp_path: Path) -> None:
    empty = tmp_path / "2025-02-23.md"
    empty.write_text("## Daily Papers (2025-02-23)\n\n", encoding="utf-8")
    good = tmp_path / "2025-02-24.md"
    good.write_text(markdown("2502.00001"), encoding="utf-8")
    report = await service.ingest([str(empty), str(good)])
    assert (report.sources, report.days_added, report.days_empty, report.papers_added) == (2, 1, 1, 1)
    assert [d.day for d in await service.days()] == [DAY]
    code, out = await _cli(service, "ingest", str(empty))
    assert code == 0
    assert "Read 1 source(s): 0 day(s) added, 0 updated; 0 paper(s) added, 0 updated" in out
    assert "1 day(s) without papers" in out


async def test_a_source_not_read_is_not_counted_as_read(service: PaperService, tmp_path: Path) -> None:
    good = tmp_path / "2025-02-24.md"
    good.write_text(markdown("2502.00001"), encoding="utf-8")
    missing = tmp_path / "2025-02-25.md"
    report = await service.ingest([str(good), str(missing)])
    assert (report.sources, report.sources_failed, len(report.errors)) == (1, 1, 1)
    code, out = await _cli(service, "ingest", str(good), str(missing))
    assert code == 1
    assert "Read 1 of 2 source(s)" in out
    assert f"not read: {missing}: no such file or directory" in out


async def test_fetch_hf_counts_an_empty_day_as_read_but_not_added(service: PaperService) -> None:
    async with FakeHFServer() as hf:
        hf.set_day(DAY, [])
        sourced = PaperService(service._store, DigestSources(HFSettings(base_url=hf.base_url, max_retries=0)))
        report = await sourced.fetch_hf(DAY, DAY)
        assert (report.sources, report.days_added, report.days_empty) == (1, 0, 1)
        code, out = await _cli(sourced, "fetch-hf", "--date", "2025-02-24")
    assert code == 0
    assert "Read 1 source(s): 0 day(s) added" in out
    assert "1 day(s) without papers" in out
    assert await service.days() == []


async def test_the_sample_still_counts_one_day(service: PaperService) -> None:
    report = await service.seed_sample()
    assert report is not None
    assert (report.sources, report.days_added, report.days_empty) == (0, 1, 0)
    assert parse_markdown("## Daily Papers (2025-02-24)\n", source="x").papers == []
