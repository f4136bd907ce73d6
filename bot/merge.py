"""How two sightings of one paper become one record.

Sources complement each other: the markdown archive brings Korean summaries, the HF API brings
votes, the abstract and keywords. Every rule here is a join: commutative, associative and
idempotent, so the result depends only on WHICH sightings were read, never on their order, and
ingesting the same data twice (or the archive in another order) changes nothing.

For conflicting non-empty values the fuller one wins: the longer text (or the longer list), and
between equally long ones the greater in code-point order. A "latest listing day wins" rule would
need the day of every field stored with the paper to stay order-independent over three or more
sightings (a later sighting with the field empty must not reset which earlier one won); the two
sightings of one paper in the archive are the same pipeline's output for the same paper, so neither
is more right, and a content rule gives the same answer from the stored record alone.

Counts that can also fall (a repository's stars, a page's comments) merge by the highest too, so
the join stays order-independent; the store then lets a later answer's known count replace what it
had (`merge_later`): there the order is real time, a re-fetch of the same day an hour later.
"""

from __future__ import annotations

from typing import TypeVar

from bot.models import Paper, Summary

# Which summary of one language wins when two sources bring one: the archive's was written from the
# full text for that language's readers; a writer's summary stands until the archive has one.
_SOURCE_RANK = {"hf": 0, "llm": 1, "archive": 2}

_Value = TypeVar("_Value", str, tuple[str, ...])


def _max_votes(a: int | None, b: int | None) -> int | None:
    """Votes only grow, so the highest count seen wins; unknown never beats a number."""
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _fuller(a: _Value | None, b: _Value | None) -> _Value | None:
    """The non-empty one; of two, the longer, then the greater (a total order: any order, one answer)."""
    if not a:
        return b or a
    if not b:
        return a
    return max(a, b, key=lambda value: (len(value), value))


def _summary_key(summary: Summary) -> tuple[int, str, int, str]:
    """A total order on summaries of one language: source rank, then the newer written, then the
    longer, then the JSON text (so two distinct summaries never tie)."""
    stamp = summary.created_at.isoformat() if summary.created_at else ""
    length = sum(len(s.heading) + len(s.text) for s in summary.sections)
    return _SOURCE_RANK[summary.source], stamp, length, summary.model_dump_json()


def merge_summaries(existing: tuple[Summary, ...], incoming: tuple[Summary, ...]) -> tuple[Summary, ...]:
    """Every language either side has; within one language the greatest by `_summary_key` (the better
    source, else the newer written, else the longer, else by content: the same in any order)."""
    merged = {summary.language: summary for summary in existing}
    for summary in incoming:
        known = merged.get(summary.language)
        if known is None or _summary_key(summary) > _summary_key(known):
            merged[summary.language] = summary
    return tuple(merged.values())


def merge_papers(existing: Paper, incoming: Paper) -> Paper:
    """Combine two records of the same arXiv id: the fuller non-empty field wins, votes take the
    maximum, days accumulate; `merge_papers(a, b) == merge_papers(b, a)`.

    A longer title wins because the HF API may truncate titles the archive keeps whole.
    """
    if existing.arxiv_id != incoming.arxiv_id:
        raise ValueError(f"cannot merge {existing.arxiv_id} with {incoming.arxiv_id}")
    return Paper(
        arxiv_id=existing.arxiv_id,
        title=_fuller(existing.title, incoming.title) or "",
        authors=_fuller(existing.authors, incoming.authors) or (),
        votes=_max_votes(existing.votes, incoming.votes),
        thumbnail=_fuller(existing.thumbnail, incoming.thumbnail),
        media_url=_fuller(existing.media_url, incoming.media_url),
        github=_fuller(existing.github, incoming.github),
        project_page=_fuller(existing.project_page, incoming.project_page),
        summaries=merge_summaries(existing.summaries, incoming.summaries),
        abstract=_fuller(existing.abstract, incoming.abstract),
        ai_summary=_fuller(existing.ai_summary, incoming.ai_summary),
        keywords=_fuller(existing.keywords, incoming.keywords) or (),
        organization=_fuller(existing.organization, incoming.organization),
        github_stars=_max_votes(existing.github_stars, incoming.github_stars),
        num_comments=_max_votes(existing.num_comments, incoming.num_comments),
        days=existing.days + incoming.days,
    )


def merge_later(stored: Paper, later: Paper) -> Paper:
    """`later` (an answer read after what is `stored`) merged in: as `merge_papers`, except that the
    stars and comments `later` knows replace the stored ones (a repository loses stars, a comment is
    deleted); an unknown count (an archive entry, an old day) keeps the stored one. Votes still take
    the maximum: HF votes only grow, and a stale copy must not lower them."""
    merged = merge_papers(stored, later)
    counts = {
        name: value
        for name, value in (("github_stars", later.github_stars), ("num_comments", later.num_comments))
        if value is not None
    }
    return merged.model_copy(update=counts) if counts else merged
