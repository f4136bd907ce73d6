"""The writer's small parts: the token estimate and cut, the backoff, the format ladder."""

from __future__ import annotations

import pytest

from bot.writer.compose import FormatLadder, RetryPolicy, cut_to_tokens
from bot.writer.tokens import estimate_tokens


@pytest.mark.parametrize(
    ("text", "tokens"),
    [("", 0), ("abcd" * 100, 100), ("abcde", 2), ("가" * 100, 100), ("本論文" * 10, 30), ("모델 model", 4)],
)
def test_the_estimate_is_four_latin_characters_or_one_cjk_character(text: str, tokens: int) -> None:
    assert estimate_tokens(text) == tokens


def test_a_text_that_fits_is_kept_whole() -> None:
    text = "A short abstract."
    assert cut_to_tokens(text, 100) is text


def test_a_cut_ends_at_a_word_and_fits() -> None:
    text = " ".join(f"word{n}" for n in range(2000))

    cut = cut_to_tokens(text, 500)

    assert estimate_tokens(cut) <= 500
    assert estimate_tokens(cut) > 450
    assert text.startswith(cut)
    assert text[len(cut)] == " ", "not in the middle of a word"


def test_a_cut_prefers_a_paragraph_end_near_the_limit() -> None:
    paragraph = "x" * 396 + "\n\n"  # 100 tokens a paragraph
    text = paragraph * 10

    assert cut_to_tokens(text, 420) == (paragraph * 4).rstrip()  # 1,590 of 1,680 characters
    assert cut_to_tokens(text, 350) == text[:1400], "a break far from the limit is not worth the loss"


def test_cjk_text_is_cut_by_characters() -> None:
    text = "한국어문장" * 100

    assert cut_to_tokens(text, 42) == text[:42]


def test_nothing_fits_in_zero_tokens() -> None:
    assert cut_to_tokens("anything", 0) == ""


def test_backoff_doubles_up_to_the_cap_and_jitter_only_shortens() -> None:
    policy = RetryPolicy(base_delay=2.0, max_delay=60.0, jitter=0.5)

    assert [policy.backoff(retry, 0.0) for retry in (1, 2, 3, 4, 5, 6, 7)] == [2, 4, 8, 16, 32, 60, 60]
    assert policy.backoff(3, 0.999999) == pytest.approx(4.0, rel=1e-3)
    assert RetryPolicy(jitter=0.0).backoff(2, 0.7) == 4.0


def test_the_ladder_goes_down_one_step_per_refusal_and_stops_at_text() -> None:
    ladder = FormatLadder()
    seen = [ladder.current]

    assert ladder.step_down("json_schema", "response_format refused (400)")
    seen.append(ladder.current)
    assert ladder.step_down("json_object", "response_format refused (422)")
    seen.append(ladder.current)
    assert not ladder.step_down("text", "refused again")
    seen.append(ladder.current)

    assert seen == ["json_schema", "json_object", "text", "text"]
    assert ladder.refused == {
        "json_schema": "response_format refused (400)",
        "json_object": "response_format refused (422)",
        "text": "refused again",
    }


def test_papers_refused_together_move_the_ladder_once() -> None:
    """Three papers asked with json_schema at the same time; all three were refused."""
    ladder = FormatLadder()

    moved = [ladder.step_down("json_schema", "refused") for _ in range(3)]

    assert moved == [True, True, True]
    assert ladder.current == "json_object", "not skipped to text by the second and third refusal"
