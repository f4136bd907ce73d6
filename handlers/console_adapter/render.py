"""Views as plain terminal text, wrapped to a width in display cells: paper cards, digests, a push,
and the answers of bot/views.py.

Echoed values (a search query) are cut; control characters are escaped where the text is printed
(see handlers/console_adapter/text.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.cards import DigestView, PaperCard, digest_items, item_votes_label, votes_label
from bot.feedback import FeedbackButton, SavedPage
from bot.i18n import DEFAULT_LANG, Lang, t
from bot.models import Paper
from bot.push_render import push_heading
from bot.schedule import DigestPeriod
from bot.views import DaysView, HelpView, PreviewView, SettingsView
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


def render_card(
    card: PaperCard,
    lang: Lang = DEFAULT_LANG,
    *,
    width: int = WIDTH,
    feedback: tuple[FeedbackButton, ...] = (),
) -> str:
    """Title, votes, organization, comments and days, authors (cut with "+N more"), the topics in
    brackets, each summary section, the links (GitHub's with its stars), and in the chat (`feedback`:
    the counts here) the commands that stand for 👍 👎 Save."""
    days = ", ".join(day.isoformat() for day in card.days) or "-"
    about = [
        votes_label(card.votes, lang),
        *(fact.render(lang) for fact in card.facts),
        f"arXiv {card.arxiv_id}",
    ]
    lines = [_wrap(card.title, width, indent=""), _wrap(" · ".join([*about, days]), width, indent="")]
    if card.authors:
        authors = ", ".join(card.authors)
        if card.more_authors:
            authors += " " + t("authors.more", count=card.more_authors).render(lang)
        lines.append(_wrap(authors, width, indent=""))
    if card.topics:
        lines.append(_wrap(" ".join(f"[{topic}]" for topic in card.topics), width, indent=""))
    for section in card.sections:
        lines.append("")
        if section.heading:
            lines += [_wrap(section.heading, width, indent=""), _wrap(section.text, width)]
        else:
            lines.append(_wrap(section.text, width, indent="  ", first="• "))
    lines += [line for note in card.notes for line in ("", _wrap(note.render(lang), width))]
    lines += ["", *(f"{link.label}: {link.url}" for link in card.links)]
    if feedback:
        buttons = " · ".join(button.label.render(lang) for button in feedback)
        lines += [
            "",
            _wrap(t("fb.console_card", buttons=buttons, arxiv_id=card.arxiv_id).render(lang), width, ""),
        ]
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
        title = f"{item.rank:>2}. [{item_votes_label(item, lang)}] {item.title}"
        lines.append(_wrap(title, width, first="", indent=_INDENT))
        if item.summary:
            lines.append(_wrap(item.summary, width))
        lines.append(f"{_INDENT}{item.url}")
    shown = view.offset + len(view.items)
    if more_hint and shown < view.total:
        lines += ["", t("list.more", count=view.total - shown, hint=more_hint).render(lang)]
    return "\n".join(lines)


def push_messages(
    period: DigestPeriod | date,
    papers: list[Paper],
    lang: Lang,
    reads: str,
    marks: Mapping[str, str] | None = None,
) -> list[str]:
    """A day's (or a week's, a month's) push as the terminal shows it (one text), summaries in
    `reads`, followed papers marked, and how to say what you think of a paper here (the chat
    platforms' buttons)."""
    view = DigestView(push_heading(period, len(papers)), digest_items(papers, reads, marks=marks))
    hint = f"\n\n{_wrap(t('fb.console_push').render(lang), WIDTH, '')}" if papers else ""
    return [render_digest(view, lang=lang) + hint]


def render_saved(view: SavedPage, lang: Lang = DEFAULT_LANG, *, more_hint: str, width: int = WIDTH) -> str:
    """The member's saved papers, numbered across pages, each with the day saved and how to remove it."""
    heading = _wrap(view.heading.render(lang), width, indent="")
    if not view.items:
        return f"{heading}\n{_wrap(view.empty.render(lang), width, indent='')}"
    lines = [heading, ""]
    for item in view.items:
        lines.append(
            _wrap(f"{item.rank:>2}. [{votes_label(item.votes, lang)}] {item.title}", width, first="")
        )
        saved = t("saved.row", day=item.saved_on).render(lang)
        lines.append(f"{_INDENT}{saved} · {t('fb.console_unsave', arxiv_id=item.arxiv_id).render(lang)}")
        lines.append(f"{_INDENT}{item.url}")
    shown = view.offset + len(view.items)
    if shown < view.total:
        lines += ["", t("list.more", count=view.total - shown, hint=more_hint).render(lang)]
    return "\n".join(lines)


def render_days(view: DaysView, lang: Lang = DEFAULT_LANG) -> str:
    """The days in the store, latest first, with their size and best vote count."""
    if not view.rows:
        return view.empty.render(lang)
    return "\n".join([view.heading.render(lang), *(row.line.render(lang) for row in view.rows)])


def render_settings(view: SettingsView, lang: Lang = DEFAULT_LANG) -> str:
    """The subscription's settings, one per line; the follows numbered one per line below their
    label, as `/settings unfollow N` names them."""
    lines: list[str] = []
    for row in view.rows:
        if row.label.key == "set.follows" and view.follows:
            lines.append(f"{row.label.render(lang)}:")
            lines += [f"  {n}. {follow.text.render(lang)}" for n, follow in enumerate(view.follows, start=1)]
        else:
            lines.append(f"{row.label.render(lang)}: {row.value.render(lang)}")
    return "\n".join(lines)


HELP_COLUMN = 36


def render_help(view: HelpView, lang: Lang = DEFAULT_LANG) -> str:
    """The heading, then one command a line with its description in a column; a call too long for
    the column (`/follow author|org|search …`) has its description on the next line, in the column."""
    lines = []
    for line in view.commands:
        call = f"  {line.call}"
        gap = "\n" + " " * HELP_COLUMN if len(call) > HELP_COLUMN - 2 else " " * (HELP_COLUMN - len(call))
        lines.append(call + gap + line.description.render(lang))
    return "\n".join([view.heading.render(lang), *lines])


def render_preview(view: PreviewView, lang: Lang = DEFAULT_LANG, *, width: int = WIDTH) -> str:
    """When the next push goes out, which day, and each paper with why it is in (or why none)."""
    lines = [text.render(lang) for text in (view.next_push, view.day) if text is not None]
    for pick in view.picks:
        lines += [_wrap(f"{pick.rank:>2}. {pick.title}", width, first="", indent=_INDENT)]
        lines += [_wrap(pick.reason(lang), width)]
    if view.empty_reason is not None:
        lines.append(_wrap(view.empty_reason.render(lang), width, indent=""))
    return "\n".join(lines)
