"""Command splitting and argument parsing shared by every platform."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands import (
    DEFAULT_TOP,
    TopArgs,
    parse_paper_ref,
    parse_required,
    parse_top,
    split_command,
    usage,
)
from bot.errors import UsageError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/top 5", ("top", "5")),
        ("/TOP@PaperboyBot 5 2025-02-24", ("top", "5 2025-02-24")),
        ("  /search  모델 학습 ", ("search", "모델 학습")),
        ("/today", ("today", "")),
        ("hello", None),
        ("/", None),
    ],
)
def test_split_command(text: str, expected: tuple[str, str] | None) -> None:
    assert split_command(text) == expected


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("", TopArgs(DEFAULT_TOP, None)),
        ("5", TopArgs(5, None)),
        ("2025-02-24", TopArgs(DEFAULT_TOP, date(2025, 2, 24))),
        ("2025-02-24 3", TopArgs(3, date(2025, 2, 24))),
    ],
)
def test_parse_top(arguments: str, expected: TopArgs) -> None:
    assert parse_top(arguments) == expected


@pytest.mark.parametrize("arguments", ["x", "5 6", "2025-02-30", "-3", "²", "2025-02-24 2025-02-25"])
def test_bad_top_arguments_get_usage_with_example(arguments: str) -> None:
    with pytest.raises(UsageError, match=r"Usage: /top \[N\] \[YYYY-MM-DD\], e\.g\. /top 5 2025-02-24"):
        parse_top(arguments)


def test_required_argument() -> None:
    assert parse_required("search", "  모델 ") == "모델"
    with pytest.raises(UsageError, match=r"e\.g\. /search"):
        parse_required("search", " ")
    assert str(usage("paper")) == "Usage: /paper <arXiv id or link>, e.g. /paper 2502.15007"


@pytest.mark.parametrize("name", ["like", "dislike", "save", "unsave"])
def test_a_paper_ref_that_is_no_arxiv_id_gets_that_commands_usage(name: str) -> None:
    assert (
        parse_paper_ref(name, " https://arxiv.org/abs/2502.15007v2 ") == "https://arxiv.org/abs/2502.15007v2"
    )
    with pytest.raises(UsageError) as raised:
        parse_paper_ref(name, "xyz")
    assert str(raised.value.text) == f"I don't understand “xyz”. {usage(name)}"
    with pytest.raises(UsageError) as raised:
        parse_paper_ref(name, "  ")
    assert raised.value.text == usage(name)
