"""Arguments the CLI refuses with a usage line (exit 2) rather than a traceback from a store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from handlers.console_adapter.cli import build_parser, parse_arguments


@pytest.mark.parametrize("votes", ["2147483648", "99999999999999999999", "-1", "many"])
@pytest.mark.parametrize("command", [["top"], ["search", "model"]])
def test_a_vote_floor_past_any_stored_count_is_a_usage_error(
    command: list[str], votes: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*command, "--min-votes", votes])
    assert exited.value.code == 2
    assert "not a vote count from 0 to 2147483647" in capsys.readouterr().err


def test_the_highest_vote_floor_is_accepted() -> None:
    assert build_parser().parse_args(["top", "--min-votes", "2147483647"]).min_votes == 2147483647


@pytest.mark.parametrize(
    ("argv", "usage", "message"),
    [
        (["search", ""], "usage: paperboy search", "QUERY is empty"),
        (["search", "  ", " "], "usage: paperboy search", "QUERY is empty"),
        (["paper", "nonsense"], "usage: paperboy paper", "not an arXiv id or link: 'nonsense'"),
        (["paper", ""], "usage: paperboy paper", "not an arXiv id or link"),
        (
            ["search", "x", "--since", "2025-03-01", "--until", "2025-02-01"],
            "usage: paperboy search",
            "--since 2025-03-01 is after --until 2025-02-01",
        ),
        (
            ["fetch-hf", "--date", "2025-03-01", "--to", "2025-02-01"],
            "usage: paperboy fetch-hf",
            "--date 2025-03-01 is after --to 2025-02-01",
        ),
        (["fetch-hf", "--date", "2999-01-01"], "usage: paperboy fetch-hf", "2999-01-01 has not come yet"),
        (
            ["fetch-hf", "--date", "2025-02-01", "--to", "2999-01-01"],
            "usage: paperboy fetch-hf",
            "2999-01-01 has not come yet",
        ),
        (
            ["summarize", "--since", "2025-03-01", "--until", "2025-02-01"],
            "usage: paperboy summarize",
            "--since 2025-03-01 is after --until 2025-02-01",
        ),
    ],
)
def test_unusable_arguments_get_the_commands_usage_line(
    argv: list[str], usage: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_arguments(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage)
    assert message in err
    assert "/search" not in err  # CLI syntax, not the chat's
    assert "/paper" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_arguments(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == "paperboy 0.1.0"


@pytest.mark.parametrize(
    "argv",
    [["--db", "x.db", "top"], ["top", "--db", "x.db"], ["--db", "other.db", "top", "--db", "x.db"]],
)
def test_db_is_accepted_before_and_after_the_command(argv: list[str]) -> None:
    assert parse_arguments(argv).db == Path("x.db")


def test_db_may_be_left_out() -> None:
    assert parse_arguments(["days"]).db is None


def test_a_valid_range_and_today_are_accepted() -> None:
    assert parse_arguments(["fetch-hf", "--date", "2025-02-24", "--to", "2025-02-24"]).to == date(2025, 2, 24)
    assert parse_arguments(["search", "x", "--since", "2025-02-01", "--until", "2025-02-01"]).query == ["x"]
