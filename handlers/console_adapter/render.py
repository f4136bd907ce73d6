"""Paper cards and digests as plain, wrapped terminal text."""

from __future__ import annotations

import textwrap

from bot.cards import DigestView, PaperCard, votes_label
from bot.ports import DayInfo

WIDTH = 100
_INDENT = "    "


def _wrap(text: str, indent: str = _INDENT, first: str | None = None) -> str:
    """Wrap each paragraph; `first` replaces the indent on the very first line (a bullet)."""
    paragraphs = [p for p in text.splitlines() if p.strip()]
    return "\n".join(
        textwrap.fill(
            p, WIDTH, initial_indent=first if i == 0 and first else indent, subsequent_indent=indent
        )
        for i, p in enumerate(paragraphs)
    )


def render_card(card: PaperCard) -> str:
    """Title, votes and days, authors (cut with "+N more"), each summary section, then the links."""
    lines = [card.title, f"{votes_label(card.votes)} · arXiv {card.arxiv_id} · listed {_days(card)}"]
    if card.authors:
        authors = ", ".join(card.authors)
        if card.more_authors:
            authors += f" +{card.more_authors} more"
        lines.append(textwrap.fill(authors, WIDTH))
    for section in card.sections:
        lines.append("")
        if section.heading:
            lines += [section.heading, _wrap(section.text)]
        else:
            lines.append(_wrap(section.text, indent="  ", first="• "))
    if card.fallback_summary:
        lines += ["", _wrap(card.fallback_summary)]
    lines += ["", *(f"{link.label}: {link.url}" for link in card.links)]
    return "\n".join(lines)


def _days(card: PaperCard) -> str:
    return ", ".join(day.isoformat() for day in card.days) or "never"


def render_digest(view: DigestView, *, more_hint: str | None = None) -> str:
    """A numbered list: rank, votes, title, the one-line summary and the arXiv link."""
    if not view.items:
        return f"{view.heading}\n{view.empty_reason or 'Nothing to show.'}"
    lines = [view.heading, ""]
    for item in view.items:
        lines.append(f"{item.rank:>2}. [{votes_label(item.votes)}] {item.title}")
        if item.summary:
            lines.append(_wrap(item.summary))
        lines.append(f"{_INDENT}{item.url}")
    shown = view.offset + len(view.items)
    if more_hint and shown < view.total:
        lines += ["", f"{view.total - shown} more: {more_hint}"]
    return "\n".join(lines)


def render_days(days: list[DayInfo]) -> str:
    """The days in the store, latest first, with their size and best vote count."""
    if not days:
        return "No days yet: ingest a digest first."
    rows = [f"{d.day}  {d.papers:>3} papers  top {votes_label(d.top_votes)}" for d in days]
    return "\n".join(["Days in the digest (latest first):", *rows])
