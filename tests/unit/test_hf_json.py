"""parse_hf_daily: the Hugging Face daily_papers JSON shape, its quirks and its broken items."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.errors import SourceError
from bot.sources.hf_json import parse_hf_daily
from tests.conftest import archive_sections

SAMPLE = Path(__file__).parent.parent / "fixtures" / "hf" / "daily_papers_2025-02-24.json"
DAY = date(2025, 2, 24)


def sample() -> list[Any]:
    """The shared sample answer for 2025-02-24 (three papers)."""
    items: list[Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return items


def item(arxiv_id: str = "2502.00001", *, when: str | None = "2025-02-24T08:00:00.000Z", **paper: Any) -> Any:
    """A minimal API item; `paper` fields override the defaults."""
    fields: dict[str, Any] = {"id": arxiv_id, "title": f"Paper {arxiv_id}", "submittedOnDailyAt": when}
    return {"paper": fields | paper, "title": fields["title"]}


def test_sample_day_reads_every_field() -> None:
    (day,) = parse_hf_daily(sample(), source="sample.json")

    assert day.day == DAY
    assert day.source == "sample.json"
    assert day.problems == []
    assert [p.arxiv_id for p in day.papers] == ["2502.15007", "2502.14776", "2502.11663"]
    first = day.papers[0]
    assert first.votes == 95
    assert first.authors[:2] == ("Anton Razzhigaev", "Matvey Mikhalchuk")
    assert first.github == "https://github.com/AIRI-Institute/LLM-Microscope"
    assert first.ai_summary is not None
    assert first.ai_summary.startswith("Seemingly minor tokens")
    assert first.keywords[0] == "Large Language Models"
    assert first.thumbnail == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2502.15007.png"
    assert archive_sections(first) == ()
    assert first.days == (DAY,)
    assert day.papers[1].project_page == "https://surveyx.cn"
    assert day.papers[2].media_url is not None
    assert day.papers[2].media_url.endswith("maskgwm-demo.mp4")


def test_hidden_authors_are_dropped_and_order_kept() -> None:
    (day,) = parse_hf_daily(sample(), source="s")

    survey = day.papers[1]
    assert "Zehao Lin" not in survey.authors
    assert survey.authors == (
        "Xun Liang",
        "Jiawei Yang",
        "Yezhaohui Wang",
        "Chen Tang",
        "Zifan Zheng",
        "Shichao Song",
        "Zhiyu li",
    )


def test_votes_come_from_the_nested_paper_only() -> None:
    counted = item("2502.00001", upvotes=5) | {"upvotes": 999}
    uncounted = item("2502.00002")

    (day,) = parse_hf_daily([counted, uncounted], source="s")

    assert [p.votes for p in day.papers] == [5, None]


def test_relative_thumbnail_is_resolved() -> None:
    relative = item() | {"thumbnail": "/avatars/2f1c9a6b1d.svg"}

    (day,) = parse_hf_daily([relative], source="s")

    assert day.papers[0].thumbnail == "https://huggingface.co/avatars/2f1c9a6b1d.svg"


def test_truncated_title_is_kept_and_item_title_is_the_fallback() -> None:
    truncated = item("2502.00001", title="Scaling Laws for Very Long Titles That the API Cut Sho...")
    untitled = item("2502.00002", title=None) | {"title": "Title From The Item"}

    (day,) = parse_hf_daily([truncated, untitled], source="s")

    assert [p.title for p in day.papers] == [
        "Scaling Laws for Very Long Titles That the API Cut Sho...",
        "Title From The Item",
    ]


def test_abstract_line_breaks_reflowed_paragraphs_kept() -> None:
    wrapped = item(summary="First line\nof one paragraph.\n  \nSecond\nparagraph.\n")

    (day,) = parse_hf_daily([wrapped], source="s")

    assert day.papers[0].abstract == "First line of one paragraph.\n\nSecond paragraph."


def test_abstract_falls_back_to_the_item_summary() -> None:
    (day,) = parse_hf_daily([item() | {"summary": "From\nthe item."}], source="s")

    assert day.papers[0].abstract == "From the item."


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (42, "item 2: expected an object, got int"),
        ({"title": "no paper"}, "item 2: no paper"),
        ({"paper": {"title": "no id"}}, "item 2: no paper.id"),
        ({"paper": {"id": "not-an-id"}}, "item 2: paper.id 'not-an-id' is not an arXiv id"),
        (item(title=7), "item 2: title should be a string, got int"),
        (item(title=" ") | {"title": None}, "item 2: 2502.00001 has no title"),
        (item(upvotes="many"), "item 2: paper.upvotes should be an integer"),
        (item(authors="A, B"), "item 2: paper.authors should be a list"),
        (item(authors=["A"]), "item 2: an author should be an object"),
        (item(ai_keywords=[1, 2]), "item 2: ai_keywords should be a list of strings"),
        (item(submittedOnDailyAt="yesterday"), "item 2: unreadable date 'yesterday'"),
    ],
)
def test_malformed_item_is_reported_and_the_rest_kept(bad: Any, reason: str) -> None:
    good_before, good_after = sample()[:2]

    (day,) = parse_hf_daily([good_before, bad, good_after], source="feed.json")

    assert [p.arxiv_id for p in day.papers] == ["2502.15007", "2502.14776"]
    assert len(day.problems) == 1
    assert day.problems[0].source == "feed.json"
    assert day.problems[0].line is None
    assert day.problems[0].reason.startswith(reason)


def test_withdrawn_paper_is_skipped_with_a_problem() -> None:
    withdrawn = item("2502.00009", withdrawnAt="2025-02-26T10:00:00.000Z")

    (day,) = parse_hf_daily([withdrawn, *sample()], source="s")

    assert "2502.00009" not in [p.arxiv_id for p in day.papers]
    assert len(day.papers) == 3
    assert [p.reason for p in day.problems] == [
        "item 1: 2502.00009 was withdrawn (2025-02-26T10:00:00.000Z); skipped"
    ]


def test_items_are_grouped_by_day_in_item_order() -> None:
    payload = [
        item("2502.00001", when="2025-02-25T01:00:00.000Z"),
        item("2502.00002", when="2025-02-24T23:00:00.000Z"),
        item("2502.00003", when=None) | {"publishedAt": "2025-02-25T09:00:00.000Z"},
    ]

    days = parse_hf_daily(payload, source="s")

    assert [(d.day, [p.arxiv_id for p in d.papers]) for d in days] == [
        (date(2025, 2, 25), ["2502.00001", "2502.00003"]),
        (date(2025, 2, 24), ["2502.00002"]),
    ]


def test_the_fetched_day_overrides_item_dates() -> None:
    payload = [item("2502.00001", when="2025-02-25T01:00:00.000Z"), item("2502.00002", when=None)]

    (day,) = parse_hf_daily(payload, source="s", day=DAY)

    assert day.day == DAY
    assert [p.days for p in day.papers] == [(DAY,), (DAY,)]


def test_undated_item_is_a_problem_on_the_first_day() -> None:
    payload = [item("2502.00001"), item("2502.00002", when=None)]

    (day,) = parse_hf_daily(payload, source="s")

    assert [p.arxiv_id for p in day.papers] == ["2502.00001"]
    assert [p.reason for p in day.problems] == [
        "item 2: 2502.00002 has no date (submittedOnDailyAt or publishedAt)"
    ]


def test_nothing_readable_and_no_day_is_a_source_error() -> None:
    with pytest.raises(SourceError, match=r"s: no item could be read; item 1: no paper.id"):
        parse_hf_daily([{"paper": {}}], source="s")


def test_a_paper_listed_twice_on_a_day_is_merged() -> None:
    payload = [item("2502.00001", upvotes=3), item("2502.00001v2", upvotes=8)]

    (day,) = parse_hf_daily(payload, source="s")

    assert [(p.arxiv_id, p.votes) for p in day.papers] == [("2502.00001", 8)]


def test_empty_list_is_an_empty_day_when_the_day_is_known() -> None:
    assert parse_hf_daily([], source="s") == []
    (day,) = parse_hf_daily([], source="s", day=DAY)
    assert (day.day, day.papers, day.problems) == (DAY, [], [])


@pytest.mark.parametrize("payload", [{"error": "nope"}, "text", None])
def test_payload_that_is_not_a_list_is_a_source_error(payload: object) -> None:
    with pytest.raises(SourceError, match=r"feed\.json: expected a JSON list of papers"):
        parse_hf_daily(payload, source="feed.json")


@pytest.mark.parametrize("votes", [2**31, 2**63, 10**30, -1])
def test_votes_out_of_range_are_kept_as_unknown_with_a_problem(votes: int) -> None:
    payload = [item("2502.00001", upvotes=12), item("2502.00002", upvotes=votes)]
    (day,) = parse_hf_daily(payload, source="f.json", day=DAY)
    assert [(p.arxiv_id, p.votes) for p in day.papers] == [("2502.00001", 12), ("2502.00002", None)]
    assert [str(p) for p in day.problems] == [
        f"f.json: item 2: 2502.00002 has {votes} votes, out of 0..2147483647: kept as unknown"
    ]


def test_the_sample_day_brings_organization_stars_and_comments() -> None:
    """`organization` (item and paper, its display name), `paper.githubStars` and the item's
    `numComments`, as the sample shows them; unknown stays None, never 0."""
    (day,) = parse_hf_daily(sample(), source="s")
    first, survey, world = day.papers
    assert (first.organization, first.github_stars, first.num_comments) == ("AIRI", 41, 4)
    assert (survey.organization, survey.github_stars, survey.num_comments) == (None, None, 2)
    assert world.num_comments == 0


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"paper": {"organization": {"name": "nvidia", "fullname": "NVIDIA"}}}, "NVIDIA"),
        ({"paper": {"organization": {"name": "google"}}}, "google"),
        ({"item": {"organization": {"name": "x", "fullname": "  Meta   AI "}}}, "Meta AI"),
        # 2025-09-29 .. 10-02 HF called it submitterOrganization
        ({"paper": {"submitterOrganization": {"name": "qwen", "fullname": "Qwen"}}}, "Qwen"),
        ({"item": {"submitterOrganization": {"name": "qwen"}}}, "qwen"),
        ({}, None),  # before 2025-09-29: nothing
    ],
)
def test_organization_in_every_shape_hf_used(where: dict[str, dict[str, Any]], expected: str | None) -> None:
    raw = item(**where.get("paper", {})) | where.get("item", {})
    (day,) = parse_hf_daily([raw], source="s", day=DAY)
    assert day.problems == []
    assert day.papers[0].organization == expected


def test_comments_on_the_paper_when_the_item_has_none() -> None:
    (day,) = parse_hf_daily([item(numComments=7)], source="s", day=DAY)
    assert day.papers[0].num_comments == 7


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (item(githubStars="41"), "paper.githubStars should be a count from 0 to 2147483647, got '41'"),
        (item(githubStars=-1), "paper.githubStars should be a count"),
        (item(githubStars=True), "paper.githubStars should be a count"),
        (item(githubStars=2**40), "paper.githubStars should be a count"),
        (item() | {"numComments": 1.5}, "numComments should be a count from 0 to 2147483647, got 1.5"),
        (item(organization="AIRI"), "paper.organization should be an object, got str"),
        (item() | {"organization": {"avatar": "x.png"}}, "organization has no name"),
        (item(organization={"name": 5, "fullname": ""}), "paper.organization has no name"),
    ],
)
def test_a_malformed_new_field_is_dropped_with_a_problem_and_the_paper_kept(raw: Any, problem: str) -> None:
    raw["paper"].setdefault("upvotes", 12)
    (day,) = parse_hf_daily([raw, item("2502.00002", githubStars=3)], source="s", day=DAY)
    kept, other = day.papers
    assert kept.arxiv_id == "2502.00001"
    assert kept.votes == 12  # the rest of the paper is read
    assert (kept.github_stars, kept.num_comments, kept.organization) == (None, None, None)
    assert other.github_stars == 3
    (reported,) = day.problems
    assert reported.reason.startswith(f"item 1: 2502.00001: {problem}")
    assert reported.reason.endswith("the paper kept without it")


def test_two_malformed_fields_are_both_said_and_the_good_one_kept() -> None:
    raw = item(githubStars="many", organization={"name": "ok"}) | {"numComments": "3"}
    (day,) = parse_hf_daily([raw], source="s", day=DAY)
    assert day.papers[0].organization == "ok"
    (reported,) = day.problems
    assert "paper.githubStars" in reported.reason
    assert "numComments" in reported.reason


def test_a_huge_malformed_count_is_quoted_short() -> None:
    (day,) = parse_hf_daily([item(githubStars="9" * 10_000)], source="s", day=DAY)
    (reported,) = day.problems
    assert len(reported.reason) < 200
    assert "got '999" in reported.reason
