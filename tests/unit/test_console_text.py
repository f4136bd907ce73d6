"""Terminal text: control characters shown, echoes cut, lines wrapped in display cells."""

from __future__ import annotations

import pytest

from bot.i18n import t
from handlers.console_adapter.text import cells, clip, clipped, printable, wrap


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain 모델 text\nsecond line", "plain 모델 text\nsecond line"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("\x1b]0;pwned\x07title", "\\x1b]0;pwned\\x07title"),
        ("nul\x00here", "nul\\x00here"),
        ("back\rspace\x08\x7f", "back\\x0dspace\\x08\\x7f"),
        ("c1\x9bcsi", "c1\\x9bcsi"),
        ("tab\there", "tab here"),
        ("lone \udcff surrogate", "lone \ufffd surrogate"),
    ],
)
def test_printable_leaves_nothing_a_terminal_would_obey(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert printable(raw).encode("utf-8")  # always encodable


def test_clip_marks_the_cut() -> None:
    assert clip("x" * 200) == "x" * 200
    assert clip("x" * 2_000_000) == "x" * 199 + "…"
    assert len(clip("x" * 201)) == 200


def test_clipped_cuts_every_echoed_value_of_a_sentence() -> None:
    text = clipped(
        t("usage.not_understood", word="w" * 5000, usage=t("usage.line", call="c" * 300, example="e"))
    )
    rendered = text.render("en")
    assert len(rendered) < 500
    assert "w" * 199 + "…" in rendered
    assert "c" * 199 + "…" in rendered


def test_cells_count_wide_and_combining_characters() -> None:
    assert cells("abc") == 3
    assert cells("모델") == 4
    assert cells("ｆｕｌｌ") == 8
    assert cells("e\u0301") == 1


KOREAN = (
    "LLM-Microscope는 트랜스포머 모델에서 구두점과 같은 사소해 보이는 토큰이 문맥 정보를 "
    "어떻게 저장하고 전달하는지 분석하는 프레임워크입니다. 이 연구는 토큰 수준의 비선형성, "
    "문맥 기억력, 중간 레이어의 기여도를 평가하는 새로운 방법들을 제시합니다."
)


@pytest.mark.parametrize("width", [20, 40, 60, 100])
@pytest.mark.parametrize("text", [KOREAN, "word " * 80, "한" * 300, "x" * 300, "日本語のテキスト" * 20])
def test_wrap_fits_the_width_in_cells_and_keeps_every_character(text: str, width: int) -> None:
    lines = wrap(text, width, first="  • ", rest="    ")
    assert all(cells(line) <= width for line in lines)
    assert lines[0].startswith("  • ")
    assert all(line.startswith("    ") for line in lines[1:])
    assert "".join(line.strip().removeprefix("• ") for line in lines).replace(" ", "") == text.replace(
        " ", ""
    )


def test_wrap_keeps_leading_spaces_of_a_ranked_line() -> None:
    assert wrap(" 1. [▲ 95] Title", 100) == [" 1. [▲ 95] Title"]
