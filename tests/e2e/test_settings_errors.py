"""A newcomer's first start: settings read from the environment and `.env` as the README says, and
every mistake in them told in one line per variable (exit 2), never as a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import REPO
from tests.e2e.test_cli import assert_no_traceback, paperboy


async def test_the_readme_steps_with_the_example_env_file_start_the_bot(tmp_path: Path) -> None:
    """`cp .env.example .env`, `make run`: every token is empty, so no platform, the console chat."""
    shutil.copy(REPO / ".env.example", tmp_path / ".env")
    run = await paperboy(tmp_path / "p.db", "run", stdin="/paper 2502.15007\n")
    assert_no_traceback(run)
    assert run.code == 0, run.err
    assert "LLM-Microscope" in run.out
