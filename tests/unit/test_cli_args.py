"""Arguments the CLI refuses with a usage line (exit 2) rather than a traceback from a store."""

from __future__ import annotations

import pytest

from handlers.console_adapter.cli import build_parser


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
