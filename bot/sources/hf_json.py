"""Read the Hugging Face Daily Papers JSON (`/api/daily_papers`) into DigestDays.

The API is where votes, abstracts, keywords and links come from, but its items are loosely typed:
fields go missing, titles get truncated, authors can be hidden and papers can be withdrawn. Each
item is therefore checked on its own, and one bad item becomes a Problem instead of costing the
whole day. Saved API answers (files, URLs) and live answers go through this same parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.errors import SourceError
from bot.merge import merge_papers
from bot.models import MAX_VOTES, DigestDay, Paper, Problem, canonical_arxiv_id

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


class _ItemError(ValueError):
    """An item that cannot become a Paper; the message says why, for a Problem."""


@dataclass(frozen=True)
class _Item:
    """What one API item yielded: a paper, or a reason it was left out, and the day it belongs to."""

    day: date | None
    paper: Paper | None = None
    reason: str | None = None  # why the item was left out, or (with a paper) what was not kept of it


def parse_hf_daily(payload: object, *, source: str, day: date | None = None) -> list[DigestDay]:
    """Turn a decoded `daily_papers` answer into one DigestDay per day, in item order.

    `day` is the date the list was fetched for; without it each item is dated by
    `paper.submittedOnDailyAt`, else by the item's `publishedAt`. Malformed and withdrawn items
    are reported as Problems (`item N: ...`) and the rest kept. A paper listed twice on one day is
    merged. Problems of items with no day go to the first day found; if there is no day at all,
    nothing could be read and SourceError says why. Raises SourceError if `payload` is not a list.
    """
    if not isinstance(payload, list):
        raise SourceError(f"{source}: expected a JSON list of papers, got {type(payload).__name__}")
    papers: dict[date, dict[str, Paper]] = {day: {}} if day is not None else {}
    problems: list[tuple[date | None, Problem]] = []
    for number, raw in enumerate(payload, start=1):
        item = _read_item(raw, day)
        if item.day is not None:
            papers.setdefault(item.day, {})
        if item.paper is not None and item.day is not None:
            _add(papers[item.day], item.paper)
            if item.reason:
                problems.append((item.day, Problem(source=source, reason=f"item {number}: {item.reason}")))
        else:
            problems.append((item.day, Problem(source=source, reason=f"item {number}: {item.reason}")))
    return _days(papers, problems, source)


def _add(day_papers: dict[str, Paper], paper: Paper) -> None:
    """Add `paper` to one day, merging it into an earlier sighting (e.g. overlapping pages)."""
    earlier = day_papers.get(paper.arxiv_id)
    day_papers[paper.arxiv_id] = paper if earlier is None else merge_papers(earlier, paper)


def _days(
    papers: dict[date, dict[str, Paper]],
    problems: list[tuple[date | None, Problem]],
    source: str,
) -> list[DigestDay]:
    """Assemble the DigestDays; problems of undated items go to the first day, in item order."""
    if not papers:
        if problems:
            raise SourceError(f"{source}: no item could be read; " + "; ".join(p.reason for _, p in problems))
        return []
    first = next(iter(papers))
    per_day: dict[date, list[Problem]] = {day: [] for day in papers}
    for day, problem in problems:
        per_day[first if day is None else day].append(problem)
    return [
        DigestDay(day=day, source=source, papers=list(found.values()), problems=per_day[day])
        for day, found in papers.items()
    ]


def _read_item(raw: object, day: date | None) -> _Item:
    """Read one API item; never raises, so one bad item cannot stop the rest."""
    item_day = day
    try:
        if not isinstance(raw, Mapping):
            raise _ItemError(f"expected an object, got {type(raw).__name__}")
        paper = _mapping(raw, "paper")
        if item_day is None:
            item_day = _item_day(raw, paper)
        built = _paper(raw, paper, item_day)
        votes = _votes(paper)
        notes = []
        if votes is not None and built.votes is None:
            notes.append(f"{built.arxiv_id} has {votes} votes, out of 0..{MAX_VOTES}: kept as unknown")
        extras, dropped = _extras(raw, paper)
        notes += [f"{built.arxiv_id}: {reason}; the paper kept without it" for reason in dropped]
        return _Item(day=item_day, paper=built.model_copy(update=extras), reason="; ".join(notes) or None)
    except _ItemError as err:
        return _Item(day=item_day, reason=str(err))


def _item_day(item: Mapping[str, object], paper: Mapping[str, object]) -> date | None:
    """The day the item was listed: `paper.submittedOnDailyAt`, else the item's `publishedAt`."""
    stamp = _text(paper, "submittedOnDailyAt") or _text(item, "publishedAt")
    if stamp is None:
        return None
    try:
        return date.fromisoformat(stamp[:10])
    except ValueError:
        raise _ItemError(f"unreadable date {stamp!r}") from None


def _paper(item: Mapping[str, object], paper: Mapping[str, object], day: date | None) -> Paper:
    """Build the Paper of one item, or raise _ItemError saying what is wrong with it."""
    arxiv_id = _arxiv_id(paper)
    if day is None:
        raise _ItemError(f"{arxiv_id} has no date (submittedOnDailyAt or publishedAt)")
    withdrawn = _text(paper, "withdrawnAt")
    if withdrawn:
        raise _ItemError(f"{arxiv_id} was withdrawn ({withdrawn}); skipped")
    title = (_text(paper, "title") or _text(item, "title") or "").strip()
    if not title:
        raise _ItemError(f"{arxiv_id} has no title")
    media = _strings(item, "mediaUrls") or _strings(paper, "mediaUrls")
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        authors=_authors(paper),
        votes=_votes(paper),
        thumbnail=_text(item, "thumbnail"),
        media_url=media[0] if media else None,
        github=_text(paper, "githubRepo"),
        project_page=_text(paper, "projectPage"),
        abstract=_reflow(_text(paper, "summary") or _text(item, "summary")),
        ai_summary=_text(paper, "ai_summary"),
        keywords=_strings(paper, "ai_keywords"),
        days=(day,),
    )


def _extras(item: Mapping[str, object], paper: Mapping[str, object]) -> tuple[dict[str, object], list[str]]:
    """The fields HF added later (organization, githubStars, numComments), each read on its own:
    a malformed one is dropped with a reason, never the paper. Returns the Paper fields and reasons."""
    readers: dict[str, Callable[[], object]] = {
        "organization": lambda: _organization(item, paper),
        "github_stars": lambda: _count(paper, "githubStars", "paper.githubStars"),
        "num_comments": lambda: (
            _count(item, "numComments", "numComments")
            if item.get("numComments") is not None
            else _count(paper, "numComments", "paper.numComments")
        ),
    }
    fields: dict[str, object] = {}
    dropped: list[str] = []
    for name, read in readers.items():
        try:
            fields[name] = read()
        except _ItemError as err:
            dropped.append(str(err))
    return fields, dropped


# Where HF put the organization a paper was submitted under, newest first: an object
# `{"name": "AIRI-Institute", "fullname": "AIRI", ...}` on the item and the paper since 2025-10-03,
# named `submitterOrganization` from 2025-09-29 to 10-02 (../FACTS.md §4b); nothing before.
_ORGANIZATION_KEYS = ("organization", "submitterOrganization")
MAX_ORGANIZATION = 200  # characters of its name kept (HF's own names are far shorter)


def _organization(item: Mapping[str, object], paper: Mapping[str, object]) -> str | None:
    """The organization's display name (`fullname`, else `name`), or None when there is none."""
    for where, data in (("", item), ("paper.", paper)):
        for key in _ORGANIZATION_KEYS:
            value = data.get(key)
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise _ItemError(f"{where}{key} should be an object, got {type(value).__name__}")
            names = [value.get("fullname"), value.get("name")]
            shown = next((n.strip() for n in names if isinstance(n, str) and n.strip()), None)
            if shown is None:
                raise _ItemError(f"{where}{key} has no name")
            return " ".join(shown.split())[:MAX_ORGANIZATION]  # one line, as a card shows it
    return None


def _count(data: Mapping[str, object], key: str, label: str) -> int | None:
    """An optional count (stars, comments): None when absent; _ItemError when not a count."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VOTES:
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:59] + "…"
        raise _ItemError(f"{label} should be a count from 0 to {MAX_VOTES}, got {shown}")
    return value


def _arxiv_id(paper: Mapping[str, object]) -> str:
    """The item's arXiv id, required: the id is the paper's key everywhere."""
    raw = _text(paper, "id")
    if not raw:
        raise _ItemError("no paper.id")
    arxiv_id = canonical_arxiv_id(raw)
    if arxiv_id is None:
        raise _ItemError(f"paper.id {raw!r} is not an arXiv id")
    return arxiv_id


def _authors(paper: Mapping[str, object]) -> tuple[str, ...]:
    """Visible author names in the API's order; `hidden: true` authors are left out."""
    authors = paper.get("authors") or []
    if not isinstance(authors, list):
        raise _ItemError(f"paper.authors should be a list, got {type(authors).__name__}")
    names: list[str] = []
    for author in authors:
        if not isinstance(author, Mapping):
            raise _ItemError(f"an author should be an object, got {type(author).__name__}")
        name = _text(author, "name")
        if name and author.get("hidden") is not True:
            names.append(name.strip())
    return tuple(names)


def _votes(paper: Mapping[str, object]) -> int | None:
    """`paper.upvotes`, the vote count (there is none at the top level); None when absent."""
    votes = paper.get("upvotes")
    if votes is None:
        return None
    if isinstance(votes, bool) or not isinstance(votes, int):
        raise _ItemError(f"paper.upvotes should be an integer, got {votes!r}")
    return votes


def _reflow(text: str | None) -> str | None:
    """Join hard-wrapped lines with spaces, keeping blank-line paragraph breaks; None if empty."""
    if text is None:
        return None
    paragraphs = (" ".join(part.split()) for part in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p) or None


def _mapping(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    """A required nested object."""
    value = data.get(key)
    if value is None:
        raise _ItemError(f"no {key}")
    if not isinstance(value, Mapping):
        raise _ItemError(f"{key} should be an object, got {type(value).__name__}")
    return value


def _text(data: Mapping[str, object], key: str) -> str | None:
    """An optional string field: None when absent or null, _ItemError when of another type."""
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _ItemError(f"{key} should be a string, got {type(value).__name__}")


def _strings(data: Mapping[str, object], key: str) -> tuple[str, ...]:
    """An optional list of strings, empty when absent."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _ItemError(f"{key} should be a list of strings")
    return tuple(value)
