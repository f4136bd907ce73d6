"""The merge rule for two sightings of one paper."""

from __future__ import annotations

from datetime import date

import pytest

from bot.merge import merge_papers
from bot.models import Section
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
