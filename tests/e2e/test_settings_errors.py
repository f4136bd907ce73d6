"""A newcomer's first start: settings read from the environment and `.env` as the README says, and
every mistake in them told in one line per variable (exit 2), never as a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.test_cli import assert_no_traceback, paperboy


async def test_the_readme_steps_with_the_example_env_file_start_the_bot(tmp_path: Path) -> None:
    """`cp .env.example .env`, `make run`: every token is empty, so no platform, the console chat."""
    shutil.copy(REPO / ".env.example", tmp_path / ".env")
    run = await paperboy(tmp_path / "p.db", "run", stdin="/paper 2502.15007\n")
    assert_no_traceback(run)
    assert run.code == 0, run.err
    assert "LLM-Microscope" in run.out


BAD = {
    "PAPERBOY_LOG_LEVEL": "verbose",
    "PAPERBOY_SERVER__PORT": "abc",
    "PAPERBOY_HF__MAX_RETRIES": "11",
    "PAPERBOY_PUSH__WORKERS": "0",
    "PAPERBOY_SEED_SAMPLE": "nah",
}


@pytest.mark.parametrize("source", ["environment", ".env"])
@pytest.mark.parametrize("command", ["run", "days"])
async def test_bad_values_are_one_line_each_and_exit_2(tmp_path: Path, source: str, command: str) -> None:
    if source == ".env":
        (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in BAD.items()), encoding="utf-8")
    # (an empty variable is unset, so the .env value of PAPERBOY_SEED_SAMPLE is the one read)
    run = await paperboy(
        tmp_path / "p.db", command, env=BAD if source == "environment" else {"PAPERBOY_SEED_SAMPLE": ""}
    )
    assert_no_traceback(run)
    assert run.code == 2
    assert run.out == ""
    assert sorted(run.err.splitlines()) == [
        "paperboy: PAPERBOY_HF__MAX_RETRIES=11: expected a whole number from 0 to 10",
        "paperboy: PAPERBOY_LOG_LEVEL=verbose: expected one of DEBUG, INFO, WARNING, ERROR (in any case)",
        "paperboy: PAPERBOY_PUSH__WORKERS=0: expected a whole number from 1 to 1000",
        "paperboy: PAPERBOY_SEED_SAMPLE=nah: expected true or false (also yes/no, on/off, 1/0)",
        "paperboy: PAPERBOY_SERVER__PORT=abc: expected a whole number from 0 to 65535",
    ]
    assert not (tmp_path / "p.db").exists()  # nothing was started


async def test_choices_in_any_case_are_accepted(tmp_path: Path) -> None:
    env = {"PAPERBOY_LOG_LEVEL": "debug", "PAPERBOY_LOG_FORMAT": "JSON"}
    run = await paperboy(tmp_path / "p.db", "days", env=env)
    assert run.code == 0, run.err
    assert "2025-02-24" in run.out


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"PAPERBOY_SLACK__BOT_TOKEN": "xoxb-s3cr3t"}, "PAPERBOY_SLACK__BOT_TOKEN is set but neither"),
        ({"PAPERBOY_SLACK__APP_TOKEN": "xapp-s3cr3t"}, "PAPERBOY_SLACK__APP_TOKEN is set but"),
        (
            {"PAPERBOY_TELEGRAM__WEBHOOK_URL": "https://bot.example.org/hook"},
            "PAPERBOY_TELEGRAM__WEBHOOK_URL is set",
        ),
        (
            {
                "PAPERBOY_TELEGRAM__TOKEN": "1:s3cr3t",
                "PAPERBOY_TELEGRAM__WEBHOOK_URL": "http://bot.example.org/hook",
            },
            "PAPERBOY_TELEGRAM__WEBHOOK_URL=http://bot.example.org/hook: expected an https:// URL",
        ),
    ],
)
async def test_run_with_a_platform_configured_by_halves_is_one_line(
    tmp_path: Path, env: dict[str, str], problem: str
) -> None:
    run = await paperboy(tmp_path / "p.db", "run", env=env)
    assert_no_traceback(run)
    assert run.code == 2
    [line] = run.err.splitlines()
    assert line.startswith(f"paperboy: {problem}")
    assert "s3cr3t" not in run.out + run.err
