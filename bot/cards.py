"""Neutral views of papers that every platform renders in its own markup.

The core decides what a card holds (which links, how many authors, the one-line summary); each
adapter only decides how it looks. This keeps Telegram, Slack and the console telling the same
story about a paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.i18n import DEFAULT_LANG, Lang, Text, language_name, t
from bot.models import Paper, Section, Summary

MAX_AUTHORS_SHOWN = 8
MAX_TOPICS = 5  # topic chips on a card: the first of HF's keywords
MAX_TOPIC_CHARS = 40
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
    notes: tuple[Text, ...] = ()  # said under the sections: another language shown, figures unchecked
    organization: str | None = None  # the HF organization it was submitted under
    stars: int | None = None  # the repository's stars (also on the GitHub link's label)
    comments: int | None = None  # comments on its HF page
    topics: tuple[str, ...] = ()  # a few of HF's keywords, shown as chips or tags

    @property
    def facts(self) -> tuple[Text, ...]:
        """What goes beside the votes: the organization and the comments (when there are any)."""
        facts = [t("card.organization", name=self.organization)] if self.organization else []
        if self.comments:
            facts.append(t("card.comments", n=self.comments))
        return tuple(facts)


@dataclass(frozen=True)
class DigestItem:
    rank: int
    arxiv_id: str
    title: str
    url: str
    votes: int | None
    summary: str
    trend: Text | None = None  # in a trending list: the votes and what they gained (`▲ 120 (+35 in 24 h)`)


def item_votes_label(item: DigestItem, lang: Lang = DEFAULT_LANG) -> str:
    """The votes of a list item: with what they gained in a trending list, else as `votes_label`."""
    return item.trend.render(lang) if item.trend is not None else votes_label(item.votes, lang)


@dataclass(frozen=True)
class DigestView:
    """A ranked list (top of a day, search results) with an explanation when it is empty."""

    heading: Text
    items: tuple[DigestItem, ...]
    empty_reason: Text | None = None
    total: int = 0
    offset: int = 0


def links_of(paper: Paper, *, stars: bool = False) -> tuple[Link, ...]:
    """The paper's links; with `stars` (a card's buttons) the GitHub one says its stars, `GitHub ★ 41`
    (a feed keeps the plain name: a count in a link's title would change the entry every day)."""
    links = [Link("arXiv", paper.arxiv_url), Link("PDF", paper.pdf_url), Link("HF", paper.hf_url)]
    if paper.github:
        count = f" ★ {paper.github_stars}" if stars and paper.github_stars is not None else ""
        links.append(Link(f"GitHub{count}", paper.github))
    if paper.project_page:
        links.append(Link("Project", paper.project_page))
    return tuple(links)


@dataclass(frozen=True)
class ShownSummary:
    """The summary a reader of one language sees, and a note when it is in another language."""

    summary: Summary | None
    note: Text | None = None


def summary_to_show(paper: Paper, language: str) -> ShownSummary:
    """The reader's language when the paper has it; otherwise English (the writer's or the HF
    abstract), otherwise whatever language there is, with a note naming it. So an English reader
    never gets Korean text while English text exists, and a Korean reader gets English rather than
    nothing while the writer has not caught up."""
    wanted = paper.summary_in(language)
    if wanted is not None:
        return ShownSummary(wanted)
    other = paper.summary_in("en") or next(iter(paper.summaries), None)
    if other is None:
        return ShownSummary(None)
    note = t("card.summary_in", shown=language_name(other.language), wanted=language_name(language))
    return ShownSummary(other, note)


def one_line(paper: Paper, language: str, limit: int = ONE_LINE_CHARS) -> str:
    """The first sentence of the summary shown in `language`, cut to `limit` characters."""
    shown = summary_to_show(paper, language).summary
    source = next((s.text for s in shown.sections if s.text), None) if shown else None
    if not source:
        return ""
    sentence = _SENTENCE_END.split(" ".join(source.split()), maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def paper_card(paper: Paper, language: str, max_authors: int = MAX_AUTHORS_SHOWN) -> PaperCard:
    """The card a reader of `language` sees (the summary chosen by `summary_to_show`)."""
    shown = paper.authors[:max_authors]
    summary = summary_to_show(paper, language)
    notes = [summary.note] if summary.note else []
    if summary.summary is not None and not summary.summary.verified:
        notes.append(t("card.unverified"))
    return PaperCard(
        arxiv_id=paper.arxiv_id,
        title=paper.title,
        url=paper.arxiv_url,
        votes=paper.votes,
        authors=shown,
        more_authors=len(paper.authors) - len(shown),
        sections=summary.summary.sections if summary.summary else (),
        links=links_of(paper, stars=True),
        thumbnail=paper.thumbnail,
        days=paper.days,
        notes=tuple(notes),
        organization=paper.organization,
        stars=paper.github_stars if paper.github else None,
        comments=paper.num_comments,
        topics=topics_of(paper),
    )


def topics_of(paper: Paper) -> tuple[str, ...]:
    """The first MAX_TOPICS distinct keywords, each on one line and cut to MAX_TOPIC_CHARS."""
    cleaned = (" ".join(word.split()) for word in paper.keywords)
    cut = (word if len(word) <= MAX_TOPIC_CHARS else word[: MAX_TOPIC_CHARS - 1] + "…" for word in cleaned)
    return tuple(dict.fromkeys(word for word in cut if word))[:MAX_TOPICS]


def digest_items(papers: list[Paper], language: str, start_rank: int = 1) -> tuple[DigestItem, ...]:
    return tuple(
        DigestItem(rank, p.arxiv_id, p.title, p.arxiv_url, p.votes, one_line(p, language))
        for rank, p in enumerate(papers, start=start_rank)
    )


def votes_text(votes: int | None) -> Text:
    return t("votes.unknown") if votes is None else t("raw", text=f"▲ {votes}")


def votes_label(votes: int | None, lang: Lang = DEFAULT_LANG) -> str:
    return votes_text(votes).render(lang)


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
        "summaries": {summary.language: summary_record(summary) for summary in _all_summaries(paper)},
        "abstract": paper.abstract,
        "ai_summary": paper.ai_summary,
        "keywords": list(paper.keywords),
        "organization": paper.organization,
        "github_stars": paper.github_stars,
        "num_comments": paper.num_comments,
    }


def _all_summaries(paper: Paper) -> tuple[Summary, ...]:
    """The stored summaries, plus the HF fallback when there is no English one."""
    hf = None if any(s.language == "en" for s in paper.summaries) else paper.hf_summary
    return paper.summaries + ((hf,) if hf else ())


def summary_record(summary: Summary) -> dict[str, object]:
    """A summary in `--json` output: where it came from and its sections."""
    return {
        "source": summary.source,
        "model": summary.model,
        "prompt_version": summary.prompt_version,
        "created_at": summary.created_at.isoformat() if summary.created_at else None,
        "verified": summary.verified,
        "sections": [{"heading": s.heading, "text": s.text} for s in summary.sections],
    }
