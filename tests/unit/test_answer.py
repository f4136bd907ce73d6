"""Reading an answer: every shape servers send, every way an answer can be unusable, and numbers."""

from __future__ import annotations

import json

import pytest

from bot.writer.answer import (
    MAX_ANSWER_CHARS,
    MAX_SECTION_CHARS,
    BadAnswer,
    parse_sections,
    unverified_numbers,
)

KO = {
    "whats_new": "이 논문은 긴 문맥(long context)을 다루는 희소 전문가 혼합(Sparse Mixture of "
    "Experts) 모델인 SparseMix를 제안합니다. 기존 방법보다 적은 계산으로 긴 입력을 처리합니다.",
    "technical_details": "SparseMix는 토큰마다 두 개의 전문가(expert)만 활성화하는 라우터(router)를 "
    "사용합니다. 학습에는 WMT14 영어-독일어 데이터를 사용했습니다.",
    "performance_highlights": "WMT14 En-De에서 41.3 BLEU를 기록해 기준 모델(baseline)보다 2.1 높았습니다.",
}
EN = {
    "whats_new": "The paper proposes SparseMix, a sparse mixture of experts for long inputs.",
    "technical_details": "A router activates two experts per token; training uses WMT14 English-German.",
    "performance_highlights": "It reaches 41.3 BLEU on WMT14 En-De, 2.1 above the baseline.",
}


def test_a_clean_object() -> None:
    assert parse_sections(json.dumps(KO, ensure_ascii=False), "ko") == KO


def test_an_object_in_json_fences() -> None:
    content = "```json\n" + json.dumps(EN, indent=2) + "\n```"
    assert parse_sections(content, "en") == EN


def test_the_first_section_object_in_prose() -> None:
    content = (
        'Sure! A config looks like {"lr": 0.1}, but here is the summary:\n'
        + json.dumps(EN)
        + '\nAnd a second one: {"whats_new": "ignored"}'
    )
    assert parse_sections(content) == EN


def test_a_reasoning_block_with_braces_comes_off_first() -> None:
    content = '<think>Maybe {"whats_new": "draft"} ... no.</think>\n' + json.dumps(EN)
    assert parse_sections(content) == EN


def test_headings_as_keys_lists_as_sentences_and_extra_keys() -> None:
    content = json.dumps(
        {
            "What's New": EN["whats_new"],
            "Technical Details": ["A router activates two experts per token;", "training uses WMT14."],
            "performance highlights": EN["performance_highlights"],
            "title": "SparseMix",
        }
    )
    sections = parse_sections(content)

    assert list(sections) == ["whats_new", "technical_details", "performance_highlights"]
    assert sections["technical_details"] == "A router activates two experts per token; training uses WMT14."


def test_sections_are_stripped() -> None:
    padded = {key: f"  {value}\n" for key, value in EN.items()}
    assert parse_sections(json.dumps(padded)) == EN


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "empty answer"),
        ("  \n ", "empty answer"),
        ('{"whats_new": "The paper proposes', "malformed JSON"),
        ("```json\n{'whats_new': 'single quotes'}\n```", "malformed JSON"),
        ("The paper proposes SparseMix.", "no JSON object"),
        (json.dumps({"whats_new": "a" * 20, "technical_details": "b" * 20}), "missing section performance_highlights"),  # noqa: E501
        (json.dumps(EN | {"technical_details": 42}), "missing section technical_details"),
        (json.dumps(EN | {"technical_details": "  "}), "empty section technical_details"),
        ("I'm sorry, but I can't help with summarising this paper.", "refusal"),
        (json.dumps(EN | {"whats_new": "I cannot summarise this paper."}), "refusal"),
        (json.dumps(KO | {"whats_new": "죄송하지만 이 논문은 요약할 수 없습니다."}, ensure_ascii=False), "refusal"),  # noqa: E501
    ],
)  # fmt: skip
def test_unusable_answers_say_why(content: str, reason: str) -> None:
    with pytest.raises(BadAnswer) as caught:
        parse_sections(content, "ko" if "논문" in content else None)
    assert caught.value.reason == reason


def test_an_enormous_section() -> None:
    content = json.dumps(EN | {"technical_details": "word " * (MAX_SECTION_CHARS // 5 + 10)})

    with pytest.raises(BadAnswer, match="enormous section technical_details"):
        parse_sections(content)


def test_an_enormous_answer_is_not_even_parsed() -> None:
    with pytest.raises(BadAnswer, match="enormous answer"):
        parse_sections("{" + "x" * MAX_ANSWER_CHARS + "}")


def test_english_where_korean_was_asked() -> None:
    with pytest.raises(BadAnswer) as caught:
        parse_sections(json.dumps(EN), "ko")
    assert caught.value.reason == "wrong script in whats_new (expected Hangul)"


def test_one_section_slipping_into_english_is_caught() -> None:
    content = json.dumps(KO | {"technical_details": EN["technical_details"]}, ensure_ascii=False)

    with pytest.raises(BadAnswer, match="wrong script in technical_details"):
        parse_sections(content, "ko")


def test_korean_heavy_with_english_terms_passes() -> None:
    heavy = KO | {
        "technical_details": "저자들은 Grouped-Query Attention(GQA)과 Rotary Position Embedding(RoPE)을 "
        "결합한 Transformer 디코더를 사용하며, FlashAttention-2로 학습합니다."
    }
    assert parse_sections(json.dumps(heavy, ensure_ascii=False), "ko-kr") == heavy


def test_japanese_needs_kana_not_only_han() -> None:
    japanese = {
        "whats_new": "本論文は長い文脈を扱う疎な専門家混合モデル SparseMix を提案します。",
        "technical_details": "各トークンで二つの専門家(expert)だけを使うルーター(router)を用います。",
        "performance_highlights": "WMT14 En-De で 41.3 BLEU を達成しました。",
    }
    chinese = {
        "whats_new": "本文提出了处理长上下文的稀疏专家混合模型 SparseMix。",
        "technical_details": "每个词元只激活两个专家(expert)的路由器(router)。",
        "performance_highlights": "在 WMT14 En-De 上达到 41.3 BLEU。",
    }
    assert parse_sections(json.dumps(japanese, ensure_ascii=False), "ja") == japanese
    assert parse_sections(json.dumps(chinese, ensure_ascii=False), "zh") == chinese
    with pytest.raises(BadAnswer, match="expected Japanese"):
        parse_sections(json.dumps(chinese, ensure_ascii=False), "ja")


def test_cyrillic_for_russian() -> None:
    russian = {
        "whats_new": "Статья предлагает SparseMix, разреженную смесь экспертов (mixture of experts).",
        "technical_details": "Маршрутизатор (router) выбирает двух экспертов для каждого токена.",
        "performance_highlights": "Модель достигает 41.3 BLEU на WMT14 En-De.",
    }
    assert parse_sections(json.dumps(russian, ensure_ascii=False), "ru") == russian
    with pytest.raises(BadAnswer, match="expected Cyrillic"):
        parse_sections(json.dumps(EN), "ru")


@pytest.mark.parametrize("language", ["en", "de", "fr", "vi", "sw", None])
def test_latin_languages_are_not_script_checked(language: str | None) -> None:
    assert parse_sections(json.dumps(EN), language) == EN


SOURCE = (
    "We train on 1,000 samples for 3 epochs. SparseMix reaches 41.3 BLEU (baseline 39.2), an accuracy "
    "of 0.375 on ARC and 12 % fewer FLOPs. Latency drops from 37.46 ms to 20.0 ms on 8 GPUs."
)


@pytest.mark.parametrize(
    "summary",
    [
        "SparseMix reaches 41.3 BLEU against 39.2 for the baseline.",
        "It trains on 1000 samples.",  # thousands separator in the source only
        "It trains on 1\u00a0000 samples.",  # a no-break space as thousands separator
        "12% fewer FLOPs; 12 % fewer; 12-fold.",  # the unit does not matter
        "Accuracy 37.5% on ARC.",  # a percentage matches its fraction 0.375
        "Latency falls to 20 ms.",  # trailing zeros: 20.0 is 20
        "Latency is 37.5 ms before.",  # rounded from 37.46
        "Die Latenz sinkt von 37,46 ms auf 20,0 ms.",  # decimal commas
        "It uses 2 stages, 3 epochs, 8 GPUs and 10 heads.",  # small integers are not checked
    ],
)
def test_numbers_from_the_source_are_verified(summary: str) -> None:
    assert unverified_numbers({"s": summary}, SOURCE) == []


def test_invented_numbers_are_listed_once_in_order_as_written() -> None:
    sections = {
        "whats_new": "SparseMix reaches 45.2 BLEU, 6.5 above 39.2 (6.0 is a small integer).",
        "performance_highlights": "It needs 30% less memory, 45.2 BLEU again; from 2019, with 11 heads.",
    }
    assert unverified_numbers(sections, SOURCE) == ["45.2", "6.5", "30%", "2019", "11"]


def test_rounding_only_goes_one_way() -> None:
    """37.46 may be stated as 37.5 or 37, not as 38; a summary cannot be more precise than its source."""
    assert unverified_numbers(["38 ms", "37 ms"], SOURCE) == ["38"]
    assert unverified_numbers(["41.30 BLEU", "41.31 BLEU"], SOURCE) == ["41.31"]


def test_sections_may_be_any_iterable_of_texts() -> None:
    assert unverified_numbers(("99.9 points",), SOURCE) == ["99.9"]
