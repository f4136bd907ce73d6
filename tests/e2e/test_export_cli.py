"""`paperboy export markdown` as a user runs it: exit codes, stdout, the file it writes."""

from __future__ import annotations

from pathlib import Path

from bot.sources.markdown import parse_markdown
from tests.e2e.test_cli import SAMPLE, assert_no_traceback, paperboy


async def test_export_markdown_to_stdout_to_a_folder_and_its_errors(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    printed = await paperboy(db, "export", "markdown", "--date", "2025-02-24")
    assert printed.code == 0, printed.err
    assert printed.out.startswith("## Daily Papers (2025-02-24)\n\n### [LLM-Microscope")
    assert len(parse_markdown(printed.out, source="stdout").papers) == 32
    written = await paperboy(
        db, "export", "markdown", "--date", "2025-02-24", "--lang", "ko", "--out", "logs"
    )
    assert written.code == 0, written.err
    assert (tmp_path / "logs" / "2025" / "02" / "24.md").read_text(encoding="utf-8") == printed.out
    assert written.out == ""
    assert len(SAMPLE.read_bytes()) + 6 == len(printed.out.encode())  # one two-star entry, now three
    missing = await paperboy(db, "export", "markdown", "--date", "2025-02-25")
    assert (missing.code, missing.out) == (1, "")
    assert missing.err.strip().count("\n") == 0
    assert "No list for 2025-02-25" in missing.err
    bad_calls = [
        ("export", "markdown"),
        ("export", "html", "--date", "2025-02-24"),
        ("export", "markdown", "--date", "24/02/2025"),
        ("export", "markdown", "--date", "2025-02-24", "--lang", "??"),
    ]
    for bad in bad_calls:
        run = await paperboy(db, *bad)
        assert run.code == 2, bad
        assert "usage: paperboy export" in run.err
        assert_no_traceback(run)
