"""The markdown archive parser reads every era and quirk of the digest archive without losing a paper."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from bot.errors import SourceError
from bot.models import DigestDay, Paper, Section
from bot.sources.markdown import parse_markdown
from tests.conftest import archive_sections

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "markdown"
SAMPLE_DAY = Path(__file__).resolve().parents[2] / "bot" / "sample" / "2025-02-24.md"


def _parse(name: str, day: date | None = None) -> DigestDay:
    return parse_markdown((FIXTURES / name).read_text(encoding="utf-8"), source=name, day=day)


def _headings(paper: Paper) -> list[str]:
    return [section.heading for section in archive_sections(paper)]


def _by_id(digest: DigestDay) -> dict[str, Paper]:
    return {paper.arxiv_id: paper for paper in digest.papers}


def test_2023_11_20_plain_bullets_only() -> None:
    digest = _parse("era_2023_11_20_plain_bullets.md")

    assert digest.day == date(2023, 11, 20)
    assert [paper.arxiv_id for paper in digest.papers] == ["2311.10001", "2311.10002"]
    first = digest.papers[0]
    assert first.title == "Plain Bullets One: A Baseline"
    assert (first.authors, first.votes, first.thumbnail) == ((), None, None)
    assert _headings(first) == ["", "", ""]
    assert archive_sections(first)[1].text == (
        "두 번째 요약 문장은 네 가지 특징을 가집니다:\n"
        "- (1) 들여쓴 하위 항목은 이어지는 줄입니다.\n"
        "- (2) 두 번째 하위 항목."
    )
    assert archive_sections(digest.papers[1]) == (
        Section(heading="", text="제목 바로 앞에 빈 줄이 없어도 됩니다."),
    )
    assert digest.papers[0].days == (date(2023, 11, 20),)
    assert digest.problems == []


def test_2023_11_21_thumbnail_and_authors_without_vote() -> None:
    digest = _parse("era_2023_11_21_thumbnail_authors.md")

    first, second = digest.papers
    assert first.thumbnail == "https://cdn-uploads.huggingface.co/production/uploads/abc/thumb1.png"
    assert first.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")
    assert first.votes is None
    assert len(archive_sections(first)) == 2
    assert second.authors == ("Edsger Dijkstra",)
    assert digest.problems == []


def test_vote_with_plain_bullets() -> None:
    digest = _parse("era_2023_12_vote_plain_bullets.md")

    first, second = digest.papers
    assert first.votes == 17
    assert first.authors == ("Barbara Liskov", "Donald Knuth")
    assert _headings(first) == ["", ""]
    assert second.votes == 0
    assert digest.problems == []


def test_two_star_headings_with_blank_lines_between_bullets() -> None:
    digest = _parse("era_2024_06_two_star_blank_lines.md")

    (paper,) = digest.papers
    assert paper.votes == 42
    assert archive_sections(paper) == (
        Section(heading="What's New", text="두 별표 제목입니다."),
        Section(heading="Technical Details", text="글머리표 사이에 빈 줄이 있습니다."),
        Section(heading="Performance Highlights", text="성능이 좋습니다."),
    )
    assert digest.problems == []


def test_three_stars_with_python_list_authors() -> None:
    digest = _parse("era_2024_10_18_three_star_list_authors.md")

    listed, broken = digest.papers
    assert listed.authors == ("Zed Zulu", "Amy Alpha", "Conan O'Brien", "Smith, Jr.")
    assert _headings(listed) == ["What's New", "Technical Details", "Performance Highlights"]
    assert broken.authors == ("Unclosed Quote", "Bob Beta")
    assert digest.problems == []


def test_current_format_with_some_two_star_entries() -> None:
    digest = _parse("era_2024_10_28_current_mixed.md")

    expected = ["What's New", "Technical Details", "Performance Highlights"]
    assert [_headings(paper) for paper in digest.papers] == [expected, expected]
    assert archive_sections(digest.papers[1])[0].text == "일부 항목은 여전히 두 별표입니다."
    assert digest.problems == []


def test_vote_dash_or_missing_is_unknown_and_garbage_is_reported() -> None:
    digest = _parse("quirk_vote_dash.md")

    assert [paper.votes for paper in digest.papers] == [None, None, None]
    (problem,) = digest.problems
    assert problem.line == 13
    assert "'abc'" in problem.reason
    assert problem.source == "quirk_vote_dash.md"


def test_unknown_and_korean_keys_are_kept_verbatim() -> None:
    digest = _parse("quirk_unknown_keys.md")

    others, only_new = digest.papers
    assert _headings(others) == [
        "What's New",
        "Methodology",
        "Ablation Study",
        "Limitations",
        "Related Work Summary",
        "Conclusion",
        "고찰",
    ]
    assert archive_sections(others)[-1].text == "한국어 키입니다."
    assert archive_sections(only_new) == (
        Section(heading="What's New", text="This one summary is in English."),
    )
    assert digest.problems == []


def test_curly_apostrophe_heading_is_normalised() -> None:
    (paper,) = _parse("quirk_curly_apostrophe.md").papers

    assert _headings(paper) == ["What's New", "Technical Details"]
    assert archive_sections(paper)[1].text == "본문의 ’따옴표’는 그대로 둡니다."


def test_malformed_star_headings() -> None:
    digest = _parse("quirk_malformed_stars.md")

    (paper,) = digest.papers
    assert archive_sections(paper) == (
        Section(heading="What's New", text="정상입니다."),
        Section(heading="Technical Details", text="별표 셋으로 열고 하나로 닫았습니다."),
        Section(heading="Performance Highlights", text="콜론이 별표 안에 있습니다."),
    )
    assert digest.problems == []


def test_duplicate_header_merges_a_repeated_paper_at_its_first_position() -> None:
    digest = _parse("quirk_duplicate_header.md")

    assert digest.day == date(2024, 10, 21)
    assert [paper.arxiv_id for paper in digest.papers] == ["2410.14001", "2410.14002", "2410.14003"]
    repeated = digest.papers[1]
    assert repeated.votes == 8
    assert repeated.authors == ("F Six", "G Seven")
    assert archive_sections(repeated) == (Section(heading="What's New", text="두 번째 실행의 요약."),)
    assert repeated.days == (date(2024, 10, 21),)
    assert digest.problems == []


def test_thumbnails_and_video_entries() -> None:
    digest = _parse("quirk_media.md")

    media = [(paper.thumbnail, paper.media_url) for paper in digest.papers]
    uploads = "https://cdn-uploads.huggingface.co/production/uploads/abc"
    assert media == [
        ("https://huggingface.co/avatars/0123456789abcdef.svg", None),
        (f"{uploads}/anim.GIF", None),
        (None, f"{uploads}/clip.webm"),
        (None, f"{uploads}/clip.qt?download=true"),
        (None, f"{uploads}/demo1.mp4"),
        (None, f"{uploads}/demo2.mp4"),
    ]
    assert all(paper.votes == 4 for paper in digest.papers)
    assert digest.problems == []


def test_plus_and_empty_author_tokens_are_dropped() -> None:
    (paper,) = _parse("quirk_plus_author.md").papers

    assert paper.authors == ("O Fifteen", "P Sixteen", "Q Seventeen", "R Eighteen")


def test_660_authors_are_read_in_order_and_fast() -> None:
    names = [f"Author Number{index}" for index in range(660)]
    authors_line = "Authors: " + ", ".join(names)
    assert len(authors_line) > 10_000
    text = "\n".join(
        [
            "## Daily Papers (2024-07-01)",
            "### [Many Hands](https://arxiv.org/abs/2407.00001)",
            "Vote: 291",
            authors_line,
            "- ***What's New***: 저자가 매우 많습니다.",
        ]
    )

    started = time.perf_counter()
    (paper,) = parse_markdown(text, source="generated").papers
    elapsed = time.perf_counter() - started

    assert paper.authors == tuple(names)
    assert paper.votes == 291
    assert elapsed < 0.5


def test_hostile_titles_and_link_forms() -> None:
    digest = _parse("quirk_hostile_titles.md")

    assert [(paper.arxiv_id, paper.title) for paper in digest.papers] == [
        ("2503.00001", "Say [IDK]: Refusal Tokens for <think> Models"),
        ("2503.00002", "Fixing `unbalanced backtick in *Titles* with $L_2$"),
        ("2503.00003", "M$^{2}$UGen: Music Q&A at >80% with FürElise, PixArt-Σ and μ-Bench"),
        ("2503.00004", "PDF Link Form"),
        ("2503.00005", "Hugging Face Link Form"),
    ]
    assert digest.problems == []


def test_summary_special_characters_bold_and_continuation() -> None:
    digest = _parse("quirk_summary_specials.md")

    (paper,) = digest.papers
    assert archive_sections(paper) == (
        Section(
            heading="What's New",
            text="특수 문자 [ ] & _ ~ < > \\ $ # | 와 `code` 그리고 **굵게** 표시가 있습니다.",
        ),
        Section(
            heading="Technical Details",
            text="굵은 **Key Idea** 뒤에도: 제목이 아닙니다.\n이어지는 줄은 앞 항목에 붙습니다.",
        ),
        Section(heading="", text="**bold** 로 시작하는 평범한 글머리표."),
    )
    assert digest.problems == []


def test_entries_without_arxiv_link_are_reported_and_the_rest_kept() -> None:
    digest = _parse("quirk_missing_link.md")

    assert [paper.arxiv_id for paper in digest.papers] == ["2503.10001", "2503.10002"]
    after = digest.papers[1]
    assert after.votes == 4
    assert after.authors == ("V Twentytwo",)
    assert archive_sections(after) == (Section(heading="What's New", text="뒤의 논문."),)
    assert [problem.line for problem in digest.problems] == [11, 19, 27]
    assert "No Link Here" in digest.problems[0].reason
    assert "github.com" in digest.problems[1].reason
    assert "stray note" in digest.problems[2].reason
    assert str(digest.problems[0]).startswith("quirk_missing_link.md:11: ")


def test_no_header_and_no_day_is_a_source_error() -> None:
    with pytest.raises(SourceError, match=r"no_header\.md.*no day given"):
        _parse("no_header.md")


def test_no_header_uses_the_given_day() -> None:
    digest = _parse("no_header.md", day=date(2025, 5, 2))

    assert digest.day == date(2025, 5, 2)
    (paper,) = digest.papers
    assert paper.days == (date(2025, 5, 2),)
    assert digest.problems == []


def test_header_wins_over_the_given_day() -> None:
    digest = _parse("era_2024_06_two_star_blank_lines.md", day=date(2000, 1, 1))

    assert digest.day == date(2024, 6, 12)
    assert digest.papers[0].days == (date(2024, 6, 12),)


def test_real_day_2025_02_24() -> None:
    text = SAMPLE_DAY.read_text(encoding="utf-8")
    digest = parse_markdown(text, source=str(SAMPLE_DAY))

    title_lines = sum(1 for line in text.splitlines() if line.startswith("### "))
    assert title_lines == 32
    assert len(digest.papers) == title_lines
    assert digest.day == date(2025, 2, 24)
    first = digest.papers[0]
    assert first.arxiv_id == "2502.15007"
    assert first.votes == 95
    assert len(first.authors) == 7
    assert _headings(first) == ["What's New", "Technical Details", "Performance Highlights"]
    assert all(len(archive_sections(paper)) == 3 for paper in digest.papers)
    assert digest.problems == []
