"""Read one day of the Korean markdown digest archive into a DigestDay.

The archive (l-yohai/daily_papers_ko, one file per day) was written by a script that changed over
eighteen months, so a day file may be in any of six formats plus hand-made quirks: plain bullets,
two- or three-star headings, Python-list authors, `Vote: -`, video entries, two runs appended to
one file. This parser reads all of them in one pass over the lines with precompiled patterns,
because a backfill reads hundreds of days. It keeps every paper it can key on an arXiv id, merges
a paper listed twice, records a Problem with a 1-based line number for whatever it cannot read,
and never invents data: a missing vote stays None, not 0.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from datetime import date

from bot.errors import SourceError
from bot.merge import merge_papers
from bot.models import DigestDay, Paper, Problem, Section, Summary, canonical_arxiv_id

__all__ = ["parse_markdown"]

_HEADER = re.compile(r"##\s+Daily Papers\s*\(\s*(\d{4}-\d{2}-\d{2})\s*\)")
_TITLE = re.compile(r"###[ \t]+(.*)")
_THUMBNAIL = re.compile(r"!\[[^\]]*\]\((.*)\)")
_WATCH_VIDEO = re.compile(r"\[Watch Video\]\(?\s*([^\s()]+)\s*\)?")
_VIDEO_TAG = re.compile(r"<div>\s*<video\b[^>]*?\bsrc=\"([^\"]*)\"")
_VOTE = re.compile(r"Vote:\s*(.*)")
_AUTHORS = re.compile(r"Authors:\s*(.*)")
_BULLET = re.compile(r"-\s+(.*)")
# `***Name***:`, `**Name**:`, `**Name:**` and the malformed `***Name*:`; a name holds no `*` or `:`,
# so inline `**bold**` not followed by a colon stays part of the text.
_HEADING = re.compile(r"\*{2,3}([^*:]+)(?:\*{1,3}:|:\*{1,3})\s*(.*)")
_VOTE_COUNT = re.compile(r"[0-9]{1,9}")
_UNKNOWN_VOTES = frozenset({"", "-"})
_VIDEO_EXTENSIONS = (".mp4", ".webm", ".qt", ".mov")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_SNIPPET = 80


@dataclass(slots=True)
class _Entry:
    """One `### [Title](link)` block as read so far; becomes a Paper once the day is known."""

    arxiv_id: str
    title: str
    line: int = 0
    authors: tuple[str, ...] = ()
    votes: int | None = None
    thumbnail: str | None = None
    media_url: str | None = None
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    def to_paper(self, day: date) -> Paper:
        """Build the validated Paper, listed on `day`."""
        sections = tuple(
            Section(heading=heading, text="\n".join(parts).strip()) for heading, parts in self.sections
        )
        return Paper(
            arxiv_id=self.arxiv_id,
            title=self.title,
            authors=self.authors,
            votes=self.votes,
            thumbnail=self.thumbnail,
            media_url=self.media_url,
            summaries=(Summary.from_archive(sections),) if sections else (),
            days=(day,),
        )


def parse_markdown(text: str, *, source: str, day: date | None = None) -> DigestDay:
    """Parse one archive day file into a DigestDay, papers in file order.

    `source` labels the problems (a path or URL). `day` is used only when the file has no
    `## Daily Papers (YYYY-MM-DD)` header; the header wins when present. A paper listed twice
    (two runs appended to one file) becomes one entry at its first position. Raises SourceError
    when neither the header nor `day` gives a date.
    """
    parser = _Parser(source)
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        parser.feed(number, line.rstrip())
    return parser.result(day)


def _snippet(line: str) -> str:
    """A line shortened for a problem message."""
    return repr(line if len(line) <= _SNIPPET else line[:_SNIPPET] + "…")


def _split_title(rest: str) -> tuple[str, str | None]:
    """Split `[Title](url)` into title and url, taking the LAST `](...)` as the link.

    Titles may hold brackets (`[IDK]`), so only the last `](` can be trusted to start the link.
    """
    cut = rest.rfind("](")
    if cut < 0:
        return rest.strip(), None
    close = rest.find(")", cut + 2)
    url = rest[cut + 2 : close] if close >= 0 else rest[cut + 2 :]
    return rest[:cut].removeprefix("[").strip(), url.strip()


def _is_video(url: str) -> bool:
    """True when the URL's path names a video file rather than an image."""
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return path.endswith(_VIDEO_EXTENSIONS)


def _split_authors(value: str) -> tuple[str, ...]:
    """Read `A, B, C` or a Python list literal `['A', 'B']`, keeping order, dropping blanks and `+`."""
    value = value.strip()
    tokens: list[str]
    if value.startswith("["):
        literal = _literal_names(value)
        if literal is None:
            tokens = [token.strip().strip("'\"") for token in value.strip("[]").split(",")]
        else:
            tokens = literal
    else:
        tokens = value.split(",")
    return tuple(name for name in (token.strip() for token in tokens) if name and name != "+")


def _literal_names(value: str) -> list[str] | None:
    """The names of a list literal of strings, or None when the value is not one."""
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if isinstance(parsed, list) and all(isinstance(name, str) for name in parsed):
        return parsed
    return None


def _section(body: str) -> tuple[str, list[str]]:
    """A bullet's heading (empty for a plain bullet) and the first line of its text."""
    heading = _HEADING.fullmatch(body)
    if heading is None:
        return "", [body]
    name = heading.group(1).strip().translate(_APOSTROPHES)
    return name, [heading.group(2)]


class _Parser:
    """Line-by-line state: the day header, the entries read so far and the problems met."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._header_day: date | None = None
        self._entries: list[_Entry] = []
        self._problems: list[Problem] = []
        self._entry: _Entry | None = None
        self._skipping = False

    def feed(self, number: int, line: str) -> None:
        """Consume one line (trailing whitespace already removed)."""
        if not line:
            return
        if line.startswith("#") and self._structure(number, line):
            return
        entry = self._entry
        if entry is None:
            if not self._skipping:
                self._problem(number, f"text outside any paper, ignored: {_snippet(line)}")
            return
        bullet = _BULLET.match(line)
        if bullet is not None:
            entry.sections.append(_section(bullet.group(1)))
        elif entry.sections:
            entry.sections[-1][1].append(line.strip())
        else:
            self._metadata(number, line, entry)

    def result(self, fallback: date | None) -> DigestDay:
        """The DigestDay read; a paper listed twice is merged at its first position."""
        day = self._header_day or fallback
        if day is None:
            raise SourceError(
                f"{self._source}: no '## Daily Papers (YYYY-MM-DD)' header and no day given, "
                "so the papers cannot be dated"
            )
        papers: dict[str, Paper] = {}
        lines: dict[str, int] = {}
        for entry in self._entries:
            lines.setdefault(entry.arxiv_id, entry.line)
            paper = entry.to_paper(day)
            known = papers.get(paper.arxiv_id)
            papers[paper.arxiv_id] = paper if known is None else merge_papers(known, paper)
        return DigestDay(
            day=day, source=self._source, papers=list(papers.values()), problems=self._problems, lines=lines
        )

    def _structure(self, number: int, line: str) -> bool:
        """Handle a day header or a title line; False when the `#` line is neither."""
        title = _TITLE.match(line)
        if title is not None:
            self._start_entry(number, title.group(1))
            return True
        header = _HEADER.fullmatch(line)
        if header is not None:
            self._entry, self._skipping = None, False
            self._set_day(number, header.group(1))
            return True
        return False

    def _start_entry(self, number: int, rest: str) -> None:
        title, url = _split_title(rest)
        arxiv_id = canonical_arxiv_id(url) if url else None
        if arxiv_id is None:
            self._entry, self._skipping = None, True
            self._problem(number, f"no arXiv link in title line, paper skipped: {_snippet(rest)}")
            return
        self._entry, self._skipping = _Entry(arxiv_id=arxiv_id, title=title, line=number), False
        self._entries.append(self._entry)

    def _set_day(self, number: int, text: str) -> None:
        try:
            found = date.fromisoformat(text)
        except ValueError:
            self._problem(number, f"invalid date in header: {text!r}")
            return
        if self._header_day is None:
            self._header_day = found
        elif found != self._header_day:
            self._problem(number, f"second header says {found}, keeping {self._header_day}")

    def _metadata(self, number: int, line: str, entry: _Entry) -> None:
        """Read a line between the title and the first bullet: media, vote or authors."""
        if match := _THUMBNAIL.fullmatch(line):
            self._set_media(entry, match.group(1).strip())
        elif match := _WATCH_VIDEO.fullmatch(line):
            entry.media_url = entry.media_url or match.group(1)
        elif match := _VIDEO_TAG.match(line):
            entry.media_url = entry.media_url or match.group(1).strip() or None
        elif match := _VOTE.fullmatch(line):
            self._set_votes(number, entry, match.group(1).strip())
        elif match := _AUTHORS.fullmatch(line):
            entry.authors = _split_authors(match.group(1))
        else:
            self._problem(number, f"unrecognised line before the summary, ignored: {_snippet(line)}")

    @staticmethod
    def _set_media(entry: _Entry, url: str) -> None:
        """A `![](url)` image: videos go to media_url, everything else is the thumbnail."""
        if not url:
            return
        if _is_video(url):
            entry.media_url = entry.media_url or url
        else:
            entry.thumbnail = entry.thumbnail or url

    def _set_votes(self, number: int, entry: _Entry, value: str) -> None:
        """`Vote: N` is a count; `Vote: -` is unknown; anything else is unknown and a problem."""
        entry.votes = int(value) if _VOTE_COUNT.fullmatch(value) else None
        if entry.votes is None and value not in _UNKNOWN_VOTES:
            self._problem(number, f"unreadable vote count {value!r}, kept as unknown")

    def _problem(self, number: int, reason: str) -> None:
        self._problems.append(Problem(source=self._source, line=number, reason=reason))
