"""The merge rule for two sightings of one paper."""

from __future__ import annotations

import functools
import itertools
from datetime import date

import pytest

from bot.merge import merge_later, merge_papers, merge_summaries
from bot.models import Paper, Section, Summary
from tests.conftest import PaperFactory, archive_sections


def test_sources_complement_each_other(make_paper: PaperFactory) -> None:
    markdown = make_paper(
        votes=None, title="Full Title of the Paper", days=(date(2025, 2, 24),), thumbnail="/avatars/a.svg"
    )
    api = make_paper(
        votes=12, title="Full Title of the", sections=(), abstract="Abstract.", days=(date(2025, 2, 25),)
    )
    merged = merge_papers(markdown, api)
    assert merged.votes == 12
    assert merged.title == "Full Title of the Paper"  # the API may truncate titles
    assert archive_sections(merged) == archive_sections(markdown)
    assert merged.abstract == "Abstract."
    assert merged.days == (date(2025, 2, 24), date(2025, 2, 25))
    assert merged.thumbnail == "https://huggingface.co/avatars/a.svg"


@pytest.mark.parametrize(("a", "b", "expected"), [(None, None, None), (None, 0, 0), (5, None, 5), (9, 4, 9)])
def test_highest_known_vote_wins(
    make_paper: PaperFactory, a: int | None, b: int | None, expected: int | None
) -> None:
    assert merge_papers(make_paper(votes=a), make_paper(votes=b)).votes == expected
    assert merge_papers(make_paper(votes=b), make_paper(votes=a)).votes == expected


def test_merging_with_itself_changes_nothing(make_paper: PaperFactory) -> None:
    paper = make_paper(sections=(Section(heading="고찰", text="x"),), days=(date(2025, 1, 1),))
    assert merge_papers(paper, paper) == paper


def test_different_papers_are_not_merged(make_paper: PaperFactory) -> None:
    with pytest.raises(ValueError, match="cannot merge"):
        merge_papers(make_paper("2501.00001"), make_paper("2501.00002"))


def _sightings(make_paper: PaperFactory) -> list[Paper]:
    """Four sightings of one paper on four days, every field in conflict or missing somewhere."""
    ko = Summary.from_archive
    return [
        make_paper(title="Same Length A", authors=("B", "A"), votes=3, days=(date(2024, 10, 18),),
                   sections=(Section(heading="What's New", text="세 별 형식의 요약"),),
                   thumbnail="https://x/a.png", abstract=None, keywords=("k2",)),
        make_paper(title="Same Length B", authors=("A", "B"), votes=None, days=(date(2024, 10, 16),),
                   sections=(Section(heading="What's New", text="두 별 형식의 요약"),),
                   thumbnail="https://x/b.png", abstract="An abstract.", keywords=("k1",)),
        make_paper(title="Short", authors=(), votes=7, days=(date(2024, 10, 20),), sections=(),
                   thumbnail=None, github="https://github.com/a/b", keywords=()),
        make_paper(title="Same Length A", authors=("C",), votes=5, days=(date(2024, 10, 17),),
                   summaries=(ko((Section(heading="", text="다른 요약"),)),
                              Summary(language="en", source="archive",
                                      sections=(Section(heading="", text="English"),))),
                   abstract="Another abstract"),
    ]  # fmt: skip


def test_any_reading_order_gives_one_paper(make_paper: PaperFactory) -> None:
    sightings = _sightings(make_paper)
    results = set()
    for order in itertools.permutations(sightings):
        merged = functools.reduce(merge_papers, order)
        results.add(merged)
        assert merge_papers(merged, merged) == merged  # idempotent: a second ingest changes nothing
        for sighting in sightings:
            assert merge_papers(merged, sighting) == merged
    assert len(results) == 1
    (merged,) = results
    assert merged.votes == 7
    assert merged.days == tuple(sorted(s.days[0] for s in sightings))
    assert merged.authors == ("B", "A")
    assert merged.abstract == "Another abstract"


def test_two_archive_summaries_of_one_language_merge_the_same_in_either_order() -> None:
    first = (Summary.from_archive((Section(heading="What's New", text="가"),)),)
    second = (Summary.from_archive((Section(heading="What's New", text="나"),)),)
    assert merge_summaries(first, second) == merge_summaries(second, first)


def test_counts_and_organization_merge_in_any_order(make_paper: PaperFactory) -> None:
    """Stars and comments take the highest known count, the organization the fuller name: a join,
    so any reading order gives one paper."""
    sightings = [
        make_paper(github_stars=None, num_comments=3, organization=None),
        make_paper(github_stars=41, num_comments=None, organization="AIRI"),
        make_paper(github_stars=12, num_comments=1, organization="AIRI Institute"),
    ]
    results = {functools.reduce(merge_papers, order) for order in itertools.permutations(sightings)}
    (merged,) = results
    assert (merged.github_stars, merged.num_comments, merged.organization) == (41, 3, "AIRI Institute")


def test_a_later_answer_replaces_the_stored_counts(make_paper: PaperFactory) -> None:
    stored = make_paper(votes=90, github_stars=41, num_comments=4, organization="AIRI")
    later = make_paper(votes=80, github_stars=39, num_comments=2, organization=None)
    merged = merge_later(stored, later)
    assert (merged.github_stars, merged.num_comments) == (39, 2)  # a repository loses stars too
    assert merged.votes == 90  # votes only grow: a stale copy never lowers them
    assert merged.organization == "AIRI"
    unknown = merge_later(stored, make_paper(votes=95, github_stars=None, num_comments=None))
    assert (unknown.github_stars, unknown.num_comments, unknown.votes) == (41, 4, 95)
    assert merge_later(stored, stored) == stored
