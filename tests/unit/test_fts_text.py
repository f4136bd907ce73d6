"""How text becomes FTS5 tokens and how user input becomes a safe MATCH expression."""

from __future__ import annotations

import pytest

from storage.fts_text import MAX_TERMS, build_match, index_tokens


def test_hangul_runs_are_indexed_as_bigrams_and_split_from_latin() -> None:
    assert index_tokens("대형언어모델(LLMs)을 LLM들이") == "대형 형언 언어 어모 모델 LLMs 을 LLM 들이"


def test_latin_words_stay_whole() -> None:
    assert index_tokens("3D Q&A <think> FürElise") == "3D Q A think FürElise"


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("AI", '"AI"'),
        ("model", '"model"*'),
        ("모델", '"모델"'),
        ("모", '"모"*'),
        ("언어모델", '"언어 어모 모델"'),
        ('"context memory"', '"context memory"'),
        ("Q&A", '"Q A"'),
        ("a OR b", '"a" AND "OR" AND "b"'),
        ('say "hi', '"say"* AND "hi"'),
    ],
)
def test_expressions(text: str, expression: str) -> None:
    match = build_match(text)
    assert match is not None
    assert match.expression == expression


def test_terms_keep_what_the_user_typed() -> None:
    match = build_match('(GPT-4o) "context memory" 모델을')
    assert match is not None
    assert match.terms == ("GPT-4o", "context memory", "모델을")


def test_nothing_searchable() -> None:
    assert build_match("🚀 *** ( ) -") is None
    assert build_match("") is None


def test_long_input_is_capped() -> None:
    match = build_match(" ".join(f"w{i}" for i in range(500)))
    assert match is not None
    assert len(match.terms) == MAX_TERMS
