"""Cutting to a budget: never over it, at the best boundary near it, mid-word only when nothing else fits."""

from __future__ import annotations

import pytest

from bot.writer.cut import cut_text


def test_text_within_the_budget_is_untouched() -> None:
    assert cut_text("Short.  ", 8) == "Short.  "
    assert cut_text("", 1) == ""


def test_prefers_a_paragraph_break_near_the_budget() -> None:
    text = "A" * 95 + ". Next sentence.\n\nSecond paragraph goes on and on."
    assert cut_text("x" * 900 + "\n\n" + "y" * 200, 1000) == "x" * 900
    assert cut_text(text, 100) == "A" * 95 + "."


def test_falls_back_to_the_last_sentence_end() -> None:
    text = "word " * 190 + "End here. And then more words that go past the budget."
    cut = cut_text(text, 1000)
    assert cut.endswith("End here.")
    assert len(cut) <= 1000


def test_sentence_end_may_close_a_quote_or_bracket() -> None:
    text = "w" * 950 + ' he said "done." then more text ' + "z" * 100
    assert cut_text(text, 1000).endswith('"done."')


def test_falls_back_to_the_last_space_then_mid_word() -> None:
    assert cut_text("word " * 300, 1000) == ("word " * 200).rstrip()
    assert cut_text("x" * 2000, 1000) == "x" * 1000
    # A boundary further back than a tenth of the budget wastes too much: cut mid-word instead.
    assert cut_text("a b " + "x" * 2000, 1000) == "a b " + "x" * 996


def test_a_boundary_exactly_at_the_budget_counts() -> None:
    assert cut_text("x" * 1000 + " more", 1000) == "x" * 1000
    assert cut_text("x" * 999 + ". more", 1000) == "x" * 999 + "."


@pytest.mark.parametrize("budget", [1, 2, 7, 50, 333, 1000, 4096])
def test_never_over_the_budget(budget: int) -> None:
    text = ("Sentence one is here. Another one!\n\nA paragraph? Yes. " * 200).strip()
    cut = cut_text(text, budget)
    assert 0 < len(cut) <= budget
    assert text.startswith(cut)


def test_a_budget_below_one_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        cut_text("text", 0)
