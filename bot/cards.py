"""Neutral views of papers that every platform renders in its own markup.

The core decides what a card holds (which links, how many authors, the one-line summary); each
adapter only decides how it looks. This keeps Telegram, Slack and the console telling the same
story about a paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.i18n import DEFAULT_LANG, Lang, Text, t
from bot.models import Paper, Section

MAX_AUTHORS_SHOWN = 8
ONE_LINE_CHARS = 160
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class PaperCard:
    """One paper, ready to render: long author lists are already cut."""

    arxiv_id: str
    title: str
    url: str
    votes: int | None
    authors: tuple[str, ...]
    more_authors: int
    sections: tuple[Section, ...]
    links: tuple[Link, ...]
    thumbnail: str | None
    days: tuple[date, ...]
    fallback_summary: str | None


@dataclass(frozen=True)
class DigestItem:
    rank: int
    arxiv_id: str
    title: str
    url: str
    votes: int | None
    summary: str


@dataclass(frozen=True)
class DigestView:
    """A ranked list (top of a day, search results) with an explanation when it is empty."""

    heading: Text
    items: tuple[DigestItem, ...]
    empty_reason: Text | None = None
    total: int = 0
    offset: int = 0


def links_of(paper: Paper) -> tuple[Link, ...]:
    links = [Link("arXiv", paper.arxiv_url), Link("PDF", paper.pdf_url), Link("HF", paper.hf_url)]
    if paper.github:
        links.append(Link("GitHub", paper.github))
    if paper.project_page:
        links.append(Link("Project", paper.project_page))
    return tuple(links)


def one_line(paper: Paper, limit: int = ONE_LINE_CHARS) -> str:
    """The first sentence of the first summary we have, cut to `limit` characters."""
    source = next((s.text for s in paper.sections if s.text), None) or paper.ai_summary or paper.abstract
    if not source:
        return ""
    sentence = _SENTENCE_END.split(" ".join(source.split()), maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def paper_card(paper: Paper, max_authors: int = MAX_AUTHORS_SHOWN) -> PaperCard:
    shown = paper.authors[:max_authors]
    return PaperCard(
        arxiv_id=paper.arxiv_id,
        title=paper.title,
        url=paper.arxiv_url,
        votes=paper.votes,
        authors=shown,
        more_authors=len(paper.authors) - len(shown),
        sections=paper.sections,
        links=links_of(paper),
        thumbnail=paper.thumbnail,
        days=paper.days,
        fallback_summary=None if paper.sections else (paper.ai_summary or paper.abstract),
    )


def digest_items(papers: list[Paper], start_rank: int = 1) -> tuple[DigestItem, ...]:
    return tuple(
        DigestItem(rank, p.arxiv_id, p.title, p.arxiv_url, p.votes, one_line(p))
        for rank, p in enumerate(papers, start=start_rank)
    )


def votes_label(votes: int | None, lang: Lang = DEFAULT_LANG) -> str:
    return t("votes.unknown").render(lang) if votes is None else f"▲ {votes}"


def paper_record(paper: Paper) -> dict[str, object]:
    """A paper as a JSON-ready dict: the shape of `--json` output (documented in the README)."""
    return {
        "id": paper.arxiv_id,
        "title": paper.title,
        "votes": paper.votes,
        "authors": list(paper.authors),
        "url": paper.arxiv_url,
        "pdf_url": paper.pdf_url,
        "hf_url": paper.hf_url,
        "github": paper.github,
        "project_page": paper.project_page,
        "thumbnail": paper.thumbnail,
        "media_url": paper.media_url,
        "days": [day.isoformat() for day in paper.days],
        "sections": [{"heading": s.heading, "text": s.text} for s in paper.sections],
        "abstract": paper.abstract,
        "ai_summary": paper.ai_summary,
        "keywords": list(paper.keywords),
    }
