"""The archive's format written back: the real day byte for byte, hostile text through our own parser."""

from __future__ import annotations

import os
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from bot.export import archive_path, export_markdown, write_export
from bot.models import Paper, Section, Summary
from bot.sample import sample_digest
from bot.sources.markdown import parse_markdown
from tests.fixtures.adversarial import HOSTILE_TITLES, SPECIALS

DAY = date(2025, 3, 3)
# The sample day's only entry in the two-star form (`- **What's New**:`); the export writes the
# archive's current three stars, which the parser reads as the same heading.
TWO_STARS = re.compile(r"^- \*\*(?!\*)([^*:]+)\*\*:", re.MULTILINE)


def _ko(*sections: Section) -> tuple[Summary, ...]:
    return (Summary(language="ko", source="archive", sections=sections),)


def _round_trip(papers: list[Paper], language: str = "ko") -> list[Paper]:
    text = export_markdown(DAY, papers, language).text
    parsed = parse_markdown(text, source="export")
    assert parsed.problems == []
    assert parsed.day == DAY
    return parsed.papers


def test_the_real_day_comes_back_byte_for_byte_but_for_its_two_star_entry() -> None:
    original = sample_digest().read_text(encoding="utf-8")
    papers = parse_markdown(original, source="sample").papers  # the file is already in vote order
    exported = export_markdown(date(2025, 2, 24), papers).text
    assert exported == TWO_STARS.sub(r"- ***\1***:", original)
    assert len(TWO_STARS.findall(original)) == 3  # the only difference: one entry, three headings
    assert exported.encode() != original.encode()


def test_the_real_day_reads_back_the_same() -> None:
    papers = parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample").papers
    assert _round_trip_on(date(2025, 2, 24), papers) == papers


def _round_trip_on(day: date, papers: list[Paper]) -> list[Paper]:
    return parse_markdown(export_markdown(day, papers).text, source="export").papers


TITLES = [
    *HOSTILE_TITLES,
    "[IDK] leading bracket",
    "ends with a bracket [x]",
    "a link inside](https://arxiv.org/abs/9999.99999) the title",
    "### not a heading ## Daily Papers (2020-01-01)",
    "back\\slash\\",
    "<think>\n</think> across two lines",
    "Vote: 3",
]


def test_hostile_titles_survive() -> None:
    papers = [
        Paper(arxiv_id=f"2503.{10000 + i}", title=title, votes=100 - i, days=(DAY,))
        for i, title in enumerate(TITLES)
    ]
    back = _round_trip(papers)
    assert [p.title for p in back] == [" ".join(t.split("\n")) for t in TITLES]
    assert [p.arxiv_id for p in back] == [p.arxiv_id for p in papers]


def test_section_text_with_line_breaks_keeps_the_bullets_apart() -> None:
    tricky = "\n".join(
        [
            "첫 줄.",
            "- looks like a bullet",
            "### [looks like a title](https://arxiv.org/abs/2501.00001)",
            "## Daily Papers (2020-01-01)",
            "Vote: 99",
            "Authors: Nobody",
            "![](https://example.org/x.png)",
            "- ***What's New***: a heading inside",
            f"특수 {SPECIALS}",
        ]
    )
    sections = (
        Section(heading="What's New", text=tricky),
        Section(heading="Technical Details", text="  spaces around  \n\n\n  and blank lines  "),
        Section(heading="고찰", text="키"),
        Section(heading="", text="A plain bullet\nwith a second line \\"),
        Section(heading="Empty", text=""),
    )
    paper = Paper(arxiv_id="2503.20000", title="T", votes=1, summaries=_ko(*sections), days=(DAY,))
    (back,) = _round_trip([paper])
    assert back.summaries[0].sections == (
        sections[0],
        Section(heading="Technical Details", text="spaces around\nand blank lines"),  # as the parser reads it
        sections[2],
        sections[3],
        sections[4],
    )


def test_metadata_votes_authors_and_media_survive() -> None:
    papers = [
        Paper(
            arxiv_id="2503.00001",
            title="Known",
            votes=291,
            authors=("Ada Lovelace", "Zoë O'Brien", "Q&A <Team>"),
            thumbnail="/avatars/abc.svg",
            media_url="https://cdn.example/clip.mp4",
            summaries=_ko(Section(heading="What's New", text="새")),
            days=(DAY,),
        ),
        Paper(arxiv_id="2503.00002", title="Unknown votes", votes=None, days=(DAY,)),
        Paper(
            arxiv_id="2503.00003",
            title="Commas in names",
            votes=0,
            authors=("Smith, Jr., John", "[bracketed]", 'Quote "Q" O\'Neil'),
            media_url="https://cdn.example/a (1).webm",
            days=(DAY,),
        ),
        Paper(
            arxiv_id="2503.00004",
            title="Many",
            votes=3,
            authors=tuple(f"A{i}" for i in range(660)),
            days=(DAY,),
        ),
    ]
    back = {p.arxiv_id: p for p in _round_trip(papers)}
    for paper in papers:
        got = back[paper.arxiv_id]
        assert (got.title, got.votes, got.authors) == (paper.title, paper.votes, paper.authors)
        assert (got.thumbnail, got.media_url) == (paper.thumbnail, paper.media_url)
        assert got.summaries == paper.summaries
    assert back["2503.00001"].thumbnail == "https://huggingface.co/avatars/abc.svg"


def test_language_choice_and_papers_without_a_summary_are_counted() -> None:
    ko = Paper(
        arxiv_id="2503.00001",
        title="ko",
        votes=3,
        summaries=_ko(Section(heading="A", text="가")),
        days=(DAY,),
    )
    english_archive = Paper(
        arxiv_id="2503.00002",
        title="the archive wrote this one in English",
        votes=2,
        summaries=(Summary(language="en", source="archive", sections=(Section(heading="A", text="en"),)),),
        days=(DAY,),
    )
    hf_only = Paper(
        arxiv_id="2503.00003", title="abstract only", votes=1, abstract="An abstract.", days=(DAY,)
    )
    llm_en = Summary(language="en", source="llm", sections=(Section(heading="What's New", text="written"),))
    both = Paper(arxiv_id="2503.00004", title="both", votes=0, summaries=(*ko.summaries, llm_en), days=(DAY,))
    korean = export_markdown(DAY, [ko, english_archive, hf_only, both], "ko")
    assert korean.without_summary == ("2503.00003",)
    assert korean.other_language == ("2503.00002",)
    assert "An abstract." not in korean.text
    english = export_markdown(DAY, [ko, english_archive, hf_only, both], "en")
    assert english.without_summary == ("2503.00001", "2503.00003")  # the HF abstract is no digest summary
    assert english.other_language == ()
    assert "- ***What's New***: written" in english.text
    assert "가" not in english.text
    entry = english.text.split("### [abstract only]")[1]
    assert entry == (
        "(https://arxiv.org/abs/2503.00003)\n\nVote: 1\n\n"  # no sections, and no Authors line for none
        "### [both](https://arxiv.org/abs/2503.00004)\n\nVote: 0\n\n- ***What's New***: written\n\n"
    )


def test_write_export_puts_the_day_where_the_archive_keeps_it(tmp_path: Path) -> None:
    papers = [Paper(arxiv_id="2503.00001", title="x", votes=1, days=(DAY,))]
    first = export_markdown(DAY, papers)
    path = write_export(tmp_path / "paper_logs", first)
    assert path == archive_path(tmp_path / "paper_logs", DAY) == tmp_path / "paper_logs/2025/03/03.md"
    assert path.read_text(encoding="utf-8") == first.text
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    second = export_markdown(DAY, [*papers, Paper(arxiv_id="2503.00002", title="y", days=(DAY,))])
    write_export(tmp_path / "paper_logs", second)  # replaces the file whole
    assert path.read_text(encoding="utf-8") == second.text
    assert sorted(p.name for p in path.parent.iterdir()) == ["03.md"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = [Paper(arxiv_id="2503.00001", title="x", votes=1, days=(DAY,))]
    path = write_export(tmp_path, export_markdown(DAY, papers))
    before = path.read_text(encoding="utf-8")

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_export(tmp_path, export_markdown(DAY, [*papers, *papers]))
    assert path.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["03.md"]
