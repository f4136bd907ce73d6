"""How two sightings of one paper become one record.

Sources complement each other: the markdown archive brings Korean summaries, the HF API brings
votes, the abstract and keywords. Merging keeps the best of both, so the order of ingestion
barely matters and ingesting the same data twice changes nothing.
"""

from __future__ import annotations

from bot.models import Paper, Summary

# Which summary of one language wins when two sources bring one: the archive's was written from the
# full text for that language's readers; a writer's summary stands until the archive has one.
_SOURCE_RANK = {"hf": 0, "llm": 1, "archive": 2}


def _max_votes(a: int | None, b: int | None) -> int | None:
    """Votes only grow, so the highest count seen wins; unknown never beats a number."""
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def merge_summaries(existing: tuple[Summary, ...], incoming: tuple[Summary, ...]) -> tuple[Summary, ...]:
    """Every language either side has; within one language the better source, else the incoming one."""
    merged = {summary.language: summary for summary in existing}
    for summary in incoming:
        known = merged.get(summary.language)
        if known is None or _SOURCE_RANK[summary.source] >= _SOURCE_RANK[known.source]:
            merged[summary.language] = summary
    return tuple(merged.values())


def merge_papers(existing: Paper, incoming: Paper) -> Paper:
    """Combine two records of the same arXiv id: newer non-empty fields win, votes and days accumulate.

    The title is the longer one, because the HF API may truncate titles the archive keeps whole.
    """
    if existing.arxiv_id != incoming.arxiv_id:
        raise ValueError(f"cannot merge {existing.arxiv_id} with {incoming.arxiv_id}")
    title = incoming.title if len(incoming.title) > len(existing.title) else existing.title
    return Paper(
        arxiv_id=existing.arxiv_id,
        title=title,
        authors=incoming.authors or existing.authors,
        votes=_max_votes(existing.votes, incoming.votes),
        thumbnail=incoming.thumbnail or existing.thumbnail,
        media_url=incoming.media_url or existing.media_url,
        github=incoming.github or existing.github,
        project_page=incoming.project_page or existing.project_page,
        summaries=merge_summaries(existing.summaries, incoming.summaries),
        abstract=incoming.abstract or existing.abstract,
        ai_summary=incoming.ai_summary or existing.ai_summary,
        keywords=incoming.keywords or existing.keywords,
        days=existing.days + incoming.days,
    )
