"""Paper cards and digests as plain terminal text, wrapped to a width in display cells.

Echoed values (a search query) are cut; control characters are escaped where the text is printed
(see handlers/console_adapter/text.py).
"""

from __future__ import annotations

from bot.cards import DigestView, PaperCard, votes_label
from bot.i18n import DEFAULT_LANG, Lang, t
from bot.models import Subscription
from bot.ports import DayInfo
from bot.subscriptions import Preview, settings_rows
from handlers.console_adapter.text import DEFAULT_WIDTH, clipped, wrap

WIDTH = DEFAULT_WIDTH
_INDENT = "    "


def _wrap(text: str, width: int, indent: str = _INDENT, first: str | None = None) -> str:
    """Wrap each paragraph; `first` replaces the indent on the very first line (a bullet)."""
    paragraphs = [p for p in text.splitlines() if p.strip()]
    return "\n".join(
        line
        for i, p in enumerate(paragraphs)
        for line in wrap(p, width, first if i == 0 and first is not None else indent, indent)
    )


def render_card(card: PaperCard, lang: Lang = DEFAULT_LANG, *, width: int = WIDTH) -> str:
    """Title, votes and days, authors (cut with "+N more"), each summary section, then the links."""
    days = ", ".join(day.isoformat() for day in card.days) or "-"
    lines = [
        _wrap(card.title, width, indent=""),
        f"{votes_label(card.votes, lang)} · arXiv {card.arxiv_id} · {days}",
    ]
    if card.authors:
        authors = ", ".join(card.authors)
        if card.more_authors:
            authors += " " + t("authors.more", count=card.more_authors).render(lang)
        lines.append(_wrap(authors, width, indent=""))
    for section in card.sections:
        lines.append("")
        if section.heading:
            lines += [_wrap(section.heading, width, indent=""), _wrap(section.text, width)]
        else:
            lines.append(_wrap(section.text, width, indent="  ", first="• "))
    lines += [line for note in card.notes for line in ("", _wrap(note.render(lang), width))]
    lines += ["", *(f"{link.label}: {link.url}" for link in card.links)]
    return "\n".join(lines)


def render_digest(
    view: DigestView, *, more_hint: str | None = None, lang: Lang = DEFAULT_LANG, width: int = WIDTH
) -> str:
    """A numbered list: rank, votes, title, the one-line summary and the arXiv link."""
    heading = _wrap(clipped(view.heading).render(lang), width, indent="")
    if not view.items:
        reason = clipped(view.empty_reason or t("list.empty")).render(lang)
        return f"{heading}\n{_wrap(reason, width, indent='')}"
    lines = [heading, ""]
    for item in view.items:
        title = f"{item.rank:>2}. [{votes_label(item.votes, lang)}] {item.title}"
        lines.append(_wrap(title, width, first="", indent=_INDENT))
        if item.summary:
            lines.append(_wrap(item.summary, width))
        lines.append(f"{_INDENT}{item.url}")
    shown = view.offset + len(view.items)
    if more_hint and shown < view.total:
        lines += ["", t("list.more", count=view.total - shown, hint=more_hint).render(lang)]
    return "\n".join(lines)


def render_days(days: list[DayInfo], lang: Lang = DEFAULT_LANG) -> str:
    """The days in the store, latest first, with their size and best vote count."""
    if not days:
        return t("days.none").render(lang)
    rows = [
        t("days.row", day=d.day, papers=d.papers, votes=votes_label(d.top_votes, lang)).render(lang)
        for d in days
    ]
    return "\n".join([t("days.heading").render(lang), *rows])


def render_settings(subscription: Subscription, lang: Lang = DEFAULT_LANG) -> str:
    """The subscription's settings, one per line."""
    rows = [
        f"{label.render(lang)}: {value if isinstance(value, str) else value.render(lang)}"
        for label, value in settings_rows(subscription)
    ]
    return "\n".join(rows)


def render_preview(preview: Preview, lang: Lang = DEFAULT_LANG, *, width: int = WIDTH) -> str:
    """When the next push goes out, which day, and each paper with why it is in (or why none)."""
    lines = []
    if preview.due is not None and preview.subscription is not None:
        local = preview.due.astimezone(preview.subscription.zone)
        lines.append(
            t("preview.next", when=f"{local:%Y-%m-%d %H:%M} {preview.subscription.time_zone}").render(lang)
        )
    if preview.day is not None:
        lines.append(t("preview.day", day=preview.day).render(lang))
    for rank, pick in enumerate(preview.selection.picks, start=1):
        reasons = "; ".join(reason.render(lang) for reason in pick.reasons)
        lines += [_wrap(f"{rank:>2}. {pick.paper.title}", width, first="", indent=_INDENT)]
        lines += [_wrap(reasons, width)]
    if preview.empty_reason is not None:
        lines.append(_wrap(preview.empty_reason.render(lang), width, indent=""))
    return "\n".join(lines)
