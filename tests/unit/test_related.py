"""What a paper is about, as bot/related.py sees it: terms in English and Korean, authors as whole
names, the vector's choice and weights, and how two papers are compared and explained."""

from __future__ import annotations

import math
from collections import Counter

from bot.models import Paper, Section, Summary
from bot.related import (
    MAX_TERMS,
    QUERY_TERMS,
    WEIGHT_SCALE,
    TermCounts,
    Vector,
    author_term,
    build_vector,
    nearest_by_scan,
    paper_terms,
    query_weights,
    score,
    shared_terms,
    text_terms,
)


def test_english_words_are_folded_and_stop_words_left_out() -> None:
    terms = text_terms("The Transformers of LLMs: a study with 3D models, 2025 and GPT-4o!")
    assert [term for term, _ in terms] == ["transformer", "llm", "study", "3d", "model", "gpt", "4o"]
    assert dict(terms)["transformer"] == "Transformers"  # shown as written


def test_short_words_and_other_endings_keep_their_s() -> None:
    terms = [term for term, _ in text_terms("bus gas process analysis corpus VLMs")]
    assert terms == ["bus", "gas", "process", "analysis", "corpus", "vlm"]


def test_korean_is_cut_into_bigrams_shown_as_their_word() -> None:
    terms = text_terms("트랜스포머를 활용합니다")
    assert [term for term, _ in terms] == ["트랜", "랜스", "스포", "포머", "머를", "활용", "용합"]
    assert dict(terms)["트랜"] == "트랜스포머를"


def test_korean_endings_and_one_syllable_words_ask_nothing() -> None:
    assert text_terms("있습니다 및 수") == []


def test_korean_and_english_summaries_share_terms() -> None:
    english = {term for term, _ in text_terms("A diffusion model with LoRA adapters.")}
    korean = {term for term, _ in text_terms("LoRA 어댑터를 쓰는 확산(Diffusion) 모델입니다.")}
    assert {"lora", "diffusion"} <= english & korean


def test_an_author_is_one_whole_name_term() -> None:
    assert author_term("  Yann   LeCun ") == ("@yann lecun", "Yann LeCun")
    assert author_term(" ") is None


def _paper(**fields: object) -> Paper:
    return Paper.model_validate({"arxiv_id": "2503.00001", "title": "Sparse Attention", **fields})


def test_a_paper_counts_its_title_keywords_text_summaries_and_authors() -> None:
    paper = _paper(
        authors=("Ada Lovelace", "Ada Lovelace"),
        abstract="Attention kernels.",
        keywords=("kernels",),
        summaries=(
            Summary(language="ko", source="archive", sections=(Section(heading="요약", text="희소 어텐션"),)),
        ),
    )
    terms = paper_terms(paper)
    assert terms.counts["attention"] == 3 + 1  # title three times, the abstract once
    assert terms.counts["kernel"] == 2 + 1  # keywords twice
    assert terms.counts["@ada lovelace"] == 1  # an author named twice is one author
    assert terms.counts["희소"] == terms.counts["어텐"] == terms.counts["요약"] == 1
    assert terms.display["attention"] == "Attention"


def test_a_vector_keeps_the_most_telling_terms_normalised() -> None:
    counts = TermCounts(
        counts=Counter({f"w{i}": 1 + i % 3 for i in range(40)} | {"common": 9}),
        display={f"w{i}": f"W{i}" for i in range(40)} | {"common": "Common"},
    )
    frequencies = {f"w{i}": 1 + i for i in range(40)} | {"common": 999}
    vector = build_vector(counts, frequencies, 1000)

    assert len(vector.weights) == MAX_TERMS
    assert "common" not in vector.weights  # frequent everywhere: said little despite its count
    assert "w0" in vector.weights
    assert "w39" not in vector.weights
    norm = math.sqrt(sum(w * w for w in vector.weights.values()))
    assert abs(norm - WEIGHT_SCALE) < MAX_TERMS  # L2-normalised, up to rounding
    assert Vector.from_json(vector.to_json()) == vector


def test_common_terms_ask_nothing_and_the_strongest_terms_ask() -> None:
    vector = Vector({f"t{i}": 1000 + i for i in range(20)} | {"common": 5000}, {})
    frequencies = {f"t{i}": 2 for i in range(20)} | {"common": 60_000}
    weights = query_weights(vector, frequencies, 100_000)
    assert "common" not in weights  # in 60% of the papers
    assert len(weights) == QUERY_TERMS
    assert set(weights) == {f"t{i}" for i in range(20 - QUERY_TERMS, 20)}  # the heaviest of the rare ones
    few = Vector({"t1": 1000, "common": 5000}, {})
    small = query_weights(few, frequencies | {"common": 150}, 300)
    assert set(small) == {"t1", "common"}  # a small corpus drops nothing below COMMON_FLOOR papers


def test_score_and_why_follow_the_shared_terms() -> None:
    weights = {"lora": 300, "diffusion": 100, "@ada": 50}
    near = Vector({"lora": 10, "diffusion": 90, "other": 500}, {"lora": "lora"})
    assert score(weights, near) == 300 * 10 + 100 * 90
    display = {"lora": "LoRA", "diffusion": "Diffusion", "@ada": "Ada"}
    assert shared_terms(weights, near, display) == ("Diffusion", "LoRA")


def test_two_bigrams_of_one_word_are_one_reason() -> None:
    weights = {"트랜": 10, "랜스": 9, "lora": 1}
    near = Vector({"트랜": 1, "랜스": 1, "lora": 1}, {})
    display = {"트랜": "트랜스포머", "랜스": "트랜스포머", "lora": "LoRA"}
    assert shared_terms(weights, near, display) == ("트랜스포머", "LoRA")


def test_the_scan_leaves_out_the_source_and_breaks_ties_to_the_newer_paper() -> None:
    weights = {"a": 2, "b": 1}
    vectors = [
        (1, Vector({"a": 5}, {})),  # the source
        (2, Vector({"a": 3}, {})),
        (3, Vector({"b": 6}, {})),
        (4, Vector({"a": 3}, {})),
        (5, Vector({"c": 9}, {})),  # nothing shared: never listed
    ]
    assert nearest_by_scan(1, weights, vectors, 10) == [(4, 6), (3, 6), (2, 6)]
    assert nearest_by_scan(1, weights, vectors, 2) == [(4, 6), (3, 6)]
