"""Write a day back in the Korean archive's own markdown format, so the archive can go on.

The archive (l-yohai/daily_papers_ko, `paper_logs/YYYY/MM/DD.md`) stopped on 2025-05-09; Paperboy
keeps the lists (and, with `paperboy summarize`, the summaries) of every later day. This module
writes a day as the archive's last format wrote it: a `## Daily Papers (D)` header, then per paper,
most-voted first, the linked title, the thumbnail, `Vote: N`, `Authors: ...` and one
`- ***Heading***: text` bullet per summary section, each block followed by a blank line.

What is written must read back the same through bot/sources/markdown.py, whatever a title or a
summary holds. The archive's parser takes the title between the first `[` and the LAST `](`, so a
title needs no escaping (brackets, backticks, `<think>` stay as the archive wrote them); a line
break becomes a space, since a title is one line. Section text continues on lines indented by two
spaces: a markdown list item's continuation, which the parser can never take for a bullet, a title
or a header. Blank lines and the spaces around each line are not kept (the parser drops them too).
Authors are written `A, B, C`, or as the Python list the archive used in late 2024 when a name
holds a comma.

Only written summaries go out: the archive's own and the ones `paperboy summarize` wrote, in the
language asked for. A paper without one is written without sections (and counted), except that in
a Korean export (the archive's language) an entry the archive itself summarised in English keeps
that text: it is what the archive said about the paper. The HF abstract is not a digest summary and
never fills the gap, nor does a summary in another language in an export of any other language.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.models import Paper, Section, Summary

__all__ = ["DayExport", "archive_path", "export_markdown", "write_export"]

_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_VIDEO_LINK_SAFE = re.compile(r"[^\s()]+")  # what `[Watch Video](url)` can carry
_VIDEO_EXTENSIONS = (".mp4", ".webm", ".qt", ".mov")
CONTINUATION = "  "
ARCHIVE_LANGUAGE = "ko"  # the archive is Korean but for a few entries it wrote in English


@dataclass(frozen=True)
class DayExport:
    """A day in the archive's format, and which papers had no summary in the language asked for.

    `other_language` are papers written with the archive's own summary in another language.
    """

    day: date
    text: str
    papers: int
    without_summary: tuple[str, ...] = ()
    other_language: tuple[str, ...] = ()


def one_line(text: str) -> str:
    """A title or a name on one line: line breaks (and the spaces around them) become one space."""
    return _BREAKS.sub(" ", text).strip()


def archive_text(text: str) -> str:
    """Section text as the format carries it: each line without the spaces around it, no blank lines."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _is_video(url: str) -> bool:
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return path.endswith(_VIDEO_EXTENSIONS)


def _media_lines(paper: Paper) -> list[str]:
    lines = []
    if paper.thumbnail:
        lines.append(f"![]({one_line(paper.thumbnail)})")
    if paper.media_url:
        url = one_line(paper.media_url)
        if _VIDEO_LINK_SAFE.fullmatch(url):
            lines.append(f"[Watch Video]({url})")
        elif _is_video(url):
            lines.append(f"![]({url})")
    return lines


def _authors_line(authors: Sequence[str]) -> str | None:
    names = [one_line(name) for name in authors]
    names = [name for name in names if name]
    if not names:
        return None
    if any("," in name or name.startswith(("[", "'", '"')) for name in names):
        return f"Authors: {names!r}"  # a Python list literal, as the archive wrote in October 2024
    return "Authors: " + ", ".join(names)


def _bullet(section: Section) -> list[str]:
    """A section as its bullet line and the lines continuing it (indented)."""
    lines = archive_text(section.text).splitlines()
    heading = one_line(section.heading)
    if not heading:
        if not lines:
            return []  # an empty plain bullet would read back as text of the one before
        return [f"- {lines[0]}", *(CONTINUATION + line for line in lines[1:])]
    first = f"- ***{heading}***:" + (f" {lines[0]}" if lines else "")
    return [first, *(CONTINUATION + line for line in lines[1:])]


def _summary_for(paper: Paper, language: str) -> tuple[Summary | None, bool]:
    """The summary to write and whether it is the archive's own in another language."""
    wanted = paper.summary_in(language)
    if wanted is not None and wanted.source != "hf":
        return wanted, False
    if language != ARCHIVE_LANGUAGE:
        return None, False
    archived = next((s for s in paper.summaries if s.source == "archive"), None)
    return archived, archived is not None


def paper_entry(paper: Paper, summary: Summary | None) -> str:
    """One paper's block, ending with the blank line that separates it from the next."""
    blocks = [f"### [{one_line(paper.title)}]({paper.arxiv_url})", *_media_lines(paper)]
    blocks.append(f"Vote: {paper.votes if paper.votes is not None else '-'}")
    authors = _authors_line(paper.authors)
    if authors:
        blocks.append(authors)
    text = "".join(block + "\n\n" for block in blocks)
    bullets = [line for section in (summary.sections if summary else ()) for line in _bullet(section)]
    if bullets:
        text += "\n".join(bullets) + "\n\n"
    return text


def export_markdown(day: date, papers: Sequence[Paper], language: str = "ko") -> DayExport:
    """The day's file in the archive's format; `papers` in the order to write them (by votes)."""
    missing: list[str] = []
    other: list[str] = []
    parts = [f"## Daily Papers ({day.isoformat()})\n\n"]
    for paper in papers:
        summary, elsewhere = _summary_for(paper, language)
        if summary is None:
            missing.append(paper.arxiv_id)
        elif elsewhere:
            other.append(paper.arxiv_id)
        parts.append(paper_entry(paper, summary))
    return DayExport(day, "".join(parts), len(papers), tuple(missing), tuple(other))


_FILE_MODE = 0o666


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def archive_path(out: Path, day: date) -> Path:
    """Where the archive keeps a day: `OUT/YYYY/MM/DD.md`."""
    return out / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}.md"


def write_export(out: Path, export: DayExport) -> Path:
    """Write the day to `OUT/YYYY/MM/DD.md` atomically: a reader sees the old file or the new one,
    never half of it (a temporary file in the same folder, flushed, then renamed over)."""
    path = archive_path(out, export.day)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temporary, _FILE_MODE & ~_umask())  # mkstemp makes it 0600; a day file is for reading
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(export.text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
