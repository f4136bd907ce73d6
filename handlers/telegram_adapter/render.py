"""Views as Telegram messages: paper cards, digests, a push, and the answers of bot/views.py, as
HTML text, a photo caption and inline buttons.

Every outgoing message is a `TelegramMessage` (a Bot API method and its parameters), the same
object whether it answers a command, goes out in a push or is printed by `paperboy render telegram`,
so what is inspected is exactly what is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from bot.cards import (
    DigestItem,
    DigestView,
    Link,
    PaperCard,
    digest_items,
    item_votes_label,
    paper_card,
    votes_label,
)
from bot.feedback import FeedbackButton, SavedPage, feedback_buttons
from bot.i18n import Lang, Text, t
from bot.models import Paper, PushFormat, Section
from bot.push_render import push_heading
from bot.schedule import DigestPeriod
from bot.views import DaysView, HelpView, PreviewView
from handlers.telegram_adapter.callbacks import OpenPaper, Press, Related, encode
from handlers.telegram_adapter.markup import (
    MAX_CAPTION,
    MAX_ENTITIES,
    MAX_TEXT,
    Html,
    bold,
    cut,
    highlight,
    italic,
    join,
    link,
    tag,
    text,
    utf16_len,
)

Button = dict[str, str]
Keyboard = list[list[Button]]
MAX_AUTHORS_LINE = 300
NO_PREVIEW = {"is_disabled": True}


@dataclass(frozen=True)
class TelegramMessage:
    """One Bot API call that shows something (`sendMessage`, `sendPhoto`), without its chat.

    `fallback` is what to send instead when Telegram refuses the photo URL.
    """

    method: str
    params: dict[str, Any] = field(default_factory=dict)
    fallback: TelegramMessage | None = None

    def to(self, chat_id: int | str, thread_id: int | None = None) -> dict[str, Any]:
        """The full parameters for a destination (forum topics need `message_thread_id`)."""
        where: dict[str, Any] = {"chat_id": chat_id}
        if thread_id is not None:
            where["message_thread_id"] = thread_id
        return where | self.params


def text_message(body: Html, keyboard: Keyboard | None = None) -> TelegramMessage:
    params: dict[str, Any] = {"text": body.markup, "parse_mode": "HTML", "link_preview_options": NO_PREVIEW}
    if keyboard:
        params["reply_markup"] = {"inline_keyboard": keyboard}
    return TelegramMessage("sendMessage", params)


def url_button(label: str, url: str) -> Button:
    return {"text": label, "url": url}


def callback_button(label: str, data: str) -> Button:
    if len(data.encode()) > 64:
        raise ValueError(f"callback_data over 64 bytes: {data!r}")
    return {"text": label, "callback_data": data}


def link_buttons(links: Sequence[Link]) -> Keyboard:
    return [[url_button(item.label, item.url) for item in links]]


class Ranked(Protocol):
    """A paper at its rank in a list (a DigestItem, a SavedItem)."""

    @property
    def rank(self) -> int: ...
    @property
    def arxiv_id(self) -> str: ...
    @property
    def url(self) -> str: ...


def opener_rows(items: Sequence[Ranked], body: Html | None = None) -> Keyboard:
    """A button per item (its rank) that opens its card, where 👍 👎 Save are; five a row. With
    `body`, only the items that page of a split list shows (its links name them)."""
    shown = [item for item in items if body is None or f'href="{item.url}"' in body.markup]
    openers = [callback_button(str(item.rank), encode(OpenPaper(item.arxiv_id))) for item in shown]
    return [openers[i : i + 5] for i in range(0, len(openers), 5)]


def feedback_row(
    arxiv_id: str, buttons: Sequence[FeedbackButton], lang: Lang, *, related: bool = True
) -> list[Button]:
    """👍, 👎 and Save for one paper, labelled with the destination's counts, and 🔗 Related (not
    where there is no chat to send the related papers to: a card shared inline)."""
    row = [callback_button(b.label.render(lang), encode(Press(b.kind, arxiv_id))) for b in buttons]
    if related:
        row.append(callback_button(t("fb.btn_related").render(lang), encode(Related(arxiv_id))))
    return row


def with_feedback(
    keyboard: Keyboard, arxiv_id: str, buttons: Sequence[FeedbackButton], lang: Lang
) -> Keyboard:
    """The keyboard with the paper's feedback buttons relabelled (`👍 3`), every other button as it was:
    a press shows its count on the message without sending the card again."""
    labels = {encode(Press(b.kind, arxiv_id)): b.label.render(lang) for b in buttons}
    return [[_relabelled(button, labels) for button in row] for row in keyboard]


def _relabelled(button: Button, labels: dict[str, str]) -> Button:
    data = button.get("callback_data")
    return button | {"text": labels[data]} if data in labels else button


# -- a paper card ------------------------------------------------------------------------------


def _authors(card: PaperCard, lang: Lang) -> str:
    names = ", ".join(card.authors)
    if card.more_authors:
        names += " " + t("authors.more", count=card.more_authors).render(lang)
    return cut(names, MAX_AUTHORS_LINE)


def _section(section: Section, limit: int | None) -> Html:
    body = text(section.text if limit is None else cut(section.text, limit))
    if not section.heading:
        return text("• ") + body
    return bold(section.heading) + text("\n") + body


_NOT_IN_HASHTAG = re.compile(r"\W+")


def hashtag(topic: str) -> str:
    """A topic as a Telegram hashtag (`context memory` -> `#context_memory`), which Telegram makes a
    search of the chat; empty when nothing of it can be one."""
    word = _NOT_IN_HASHTAG.sub("_", topic).strip("_")
    return f"#{word}" if word and not word.isdigit() else ""


def card_html(card: PaperCard, lang: Lang, limit: int = MAX_TEXT) -> Html:
    """Title linked to arXiv, votes, organization, comments and days, authors, topics as hashtags, the
    first section in the open and the rest in an expandable blockquote; section texts are shortened
    until the whole fits `limit`."""
    about = [votes_label(card.votes, lang), *(fact.render(lang) for fact in card.facts)]
    about.append(", ".join(d.isoformat() for d in card.days))
    head = join([bold(link(card.url, card.title)), text("\n" + " · ".join(about))])
    if card.authors:
        head = head + text("\n") + italic(_authors(card, lang))
    tags = " ".join(filter(None, map(hashtag, card.topics)))
    if tags:
        head = head + text("\n" + tags)
    sections = list(card.sections)
    notes = join((text("\n\n") + italic(note.render(lang)) for note in card.notes), "")
    budget: int | None = None  # the most characters any one section may keep
    while True:
        whole = head + _card_body(sections, budget) + notes
        if whole.length <= limit or not sections or budget == 1:
            return whole  # the head alone (title, votes, cut authors) is far below any limit
        longest = budget or max(utf16_len(s.text) for s in sections)
        budget = max(1, longest - (whole.length - limit) - 1)


def _card_body(sections: list[Section], limit: int | None) -> Html:
    if not sections:
        return Html()
    first = text("\n\n") + _section(sections[0], limit)
    if len(sections) == 1:
        return first
    rest = join((_section(s, limit) for s in sections[1:]), "\n\n")
    return first + text("\n") + tag("blockquote", rest, expandable="")


def card_message(
    card: PaperCard,
    lang: Lang,
    extra_rows: Keyboard | None = None,
    feedback: Sequence[FeedbackButton] | None = None,
) -> TelegramMessage:
    """The card as a photo with caption when a thumbnail exists and the card fits 1024 characters;
    otherwise a text message. Either way with buttons for arXiv, PDF, HF and GitHub, then 👍, 👎 and
    Save (`feedback`: their labels, the destination's counts; none on a fresh card)."""
    presses = feedback_row(card.arxiv_id, feedback_buttons() if feedback is None else feedback, lang)
    keyboard = link_buttons(card.links) + [presses] + (extra_rows or [])
    full = card_html(card, lang)
    message = text_message(full, keyboard)
    if card.thumbnail and full.length <= MAX_CAPTION:
        params = {
            "photo": card.thumbnail,
            "caption": full.markup,
            "parse_mode": "HTML",
            "reply_markup": {"inline_keyboard": keyboard},
        }
        return TelegramMessage("sendPhoto", params, fallback=message)
    return message


# -- lists -------------------------------------------------------------------------------------


def _item(item: DigestItem, lang: Lang, terms: Sequence[str] = (), highlights: int = 0) -> Html:
    """One ranked line with its summary; at most `highlights` search terms in bold (which change
    neither the text nor its length, only the entity count)."""
    title = highlight(item.title, terms, highlights)
    line = text(f"{item.rank}. ") + link(item.url, title) + text(f" · {item_votes_label(item, lang)}")
    if item.summary:
        summary = highlight(item.summary, terms, highlights - title.entities)
        line = line + text("\n") + italic(summary)
    return line


def digest_pages(
    view: DigestView, lang: Lang, terms: Sequence[str] = (), limit: int = MAX_TEXT
) -> list[Html]:
    """The list as one or more message bodies, each within `limit` characters and 100 entities
    (Telegram ignores the rest: links and all); a split falls between items. The search terms are
    set in bold as long as a page has entities to spare, first come first served."""
    heading = bold(view.heading.render(lang))
    if not view.items:
        reason = view.empty_reason or t("list.empty")
        return [heading + text("\n") + text(reason.render(lang))]
    groups: list[list[DigestItem]] = [[]]
    current = heading
    for item in view.items:
        block = _item(item, lang)
        too_much = (
            current.length + 2 + block.length > limit or current.entities + block.entities > MAX_ENTITIES
        )
        if too_much and current.length:
            groups.append([])
            current = Html()
        current = (current + text("\n\n") if current.length else current) + block
        groups[-1].append(item)
    return [
        _page(heading if index == 0 else Html(), items, lang, terms) for index, items in enumerate(groups)
    ]


def _page(start: Html, items: list[DigestItem], lang: Lang, terms: Sequence[str]) -> Html:
    """The items after `start`, with as many highlights as the page's spare entities allow."""
    plain = [_item(item, lang) for item in items]
    spare = MAX_ENTITIES - start.entities - sum(block.entities for block in plain)
    page = start
    for item, bare in zip(items, plain, strict=True):
        block = _item(item, lang, terms, spare) if terms else bare
        spare -= block.entities - bare.entities
        page = (page + text("\n\n") if page.length else page) + block
    return page


def notice(sentence: Text, lang: Lang) -> TelegramMessage:
    return text_message(text(sentence.render(lang)))


# -- a push ------------------------------------------------------------------------------------

Format = PushFormat  # `thread` is never a Telegram subscription's (the service refuses it): cards


def push_messages(
    period: DigestPeriod | date,
    papers: list[Paper],
    fmt: Format,
    lang: Lang,
    reads: str | None = None,
    marks: Mapping[str, str] | None = None,
) -> list[TelegramMessage]:
    """The messages of one push (or of `paperboy render telegram`).
    Compact: the ranked list, split between items when it passes 4096 characters, with a button per
    paper that opens its card (and its 👍 👎 Save).
    Cards: a heading, then each paper as a photo card (or a text card when it will not fit).
    Words in `lang`, summaries in `reads` (default: `lang`)."""
    reads = reads or lang
    heading = push_heading(period, len(papers))
    if fmt == "compact":
        view = DigestView(heading, digest_items(papers, reads, marks=marks), total=len(papers))
        return [text_message(body, opener_rows(view.items, body)) for body in digest_pages(view, lang)]
    return [text_message(bold(heading.render(lang)))] + [
        card_message(paper_card(p, reads, mark=(marks or {}).get(p.arxiv_id)), lang) for p in papers
    ]


# -- /saved ------------------------------------------------------------------------------------


def saved_html(view: SavedPage, lang: Lang) -> Html:
    """The heading, then each saved paper: its rank, linked title, votes and the day it was saved."""
    heading = bold(view.heading.render(lang))
    if not view.items:
        return heading + text("\n") + text(view.empty.render(lang))
    lines = [
        text(f"{item.rank}. ")
        + link(item.url, cut(item.title, 300))
        + text(f" · {votes_label(item.votes, lang)} · ")
        + italic(t("saved.row", day=item.saved_on).render(lang))
        for item in view.items
    ]
    return heading + text("\n\n") + join(lines, "\n")


# -- answers built in bot/views.py --------------------------------------------------------------

CREDIT_URL = "https://github.com/l-yohai/daily_papers_ko"


def help_message(view: HelpView, lang: Lang) -> TelegramMessage:
    """The commands, then how inline mode works and whose summaries these are."""
    lines = [bold(view.heading.render(lang))]
    lines += [text(f"{line.call} — ") + italic(line.description.render(lang)) for line in view.commands]
    lines.append(text(t("help.inline").render(lang)))
    lines.append(link(CREDIT_URL, t("help.credit").render(lang)))
    return text_message(join(lines, "\n"))


def days_message(view: DaysView, lang: Lang) -> TelegramMessage:
    if not view.rows:
        return notice(view.empty, lang)
    rows = [text(row.line.render(lang)) for row in view.rows]
    return text_message(bold(view.heading.render(lang)) + text("\n") + join(rows, "\n"))


def preview_message(view: PreviewView, lang: Lang) -> TelegramMessage:
    """When the next push goes out, which day it holds, and each paper with why it is in."""
    lines: list[Html] = []
    if view.next_push is not None:
        lines.append(bold(view.next_push.render(lang)))
    if view.day is not None:
        lines.append(text(view.day.render(lang)))
    lines += [
        text(f"{pick.rank}. ") + link(pick.url, pick.title) + text("\n") + italic(pick.reason(lang))
        for pick in view.picks
    ]
    if view.empty_reason is not None:
        lines.append(text(view.empty_reason.render(lang)))
    return text_message(join(lines, "\n\n"))
