"""What a user asked for (a top list, a search, a paper), rendered as Slack messages.

An `Ask` travels in button values, so "Next ▶" and "Share in channel" re-run exactly the question
that was asked; the value holds the whole question (no database token that could expire).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Literal

from bot.cards import paper_card
from bot.errors import UsageError
from bot.feedback import feedback_buttons
from bot.i18n import Lang, Text, t
from bot.models import Destination, canonical_arxiv_id
from bot.service import PAGE, ListPage, PaperService, related_page_of, search_page_of, top_page_of
from handlers.slack_adapter.markup import (
    MAX_BUTTON_VALUE,
    Block,
    SlackMessage,
    actions,
    button,
    context,
    escape,
)
from handlers.slack_adapter.render import card_message, digest_messages

Kind = Literal["top", "search", "paper", "related"]
SHARE_ACTION = "share"
PAGE_ACTION = "page"
OPEN_ACTION = "open"


@dataclass(frozen=True)
class Ask:
    kind: Kind
    day: str | None = None  # ISO date for top; None means the latest list
    n: int = 10
    query: str = ""
    offset: int = 0
    arxiv_id: str = ""

    def encode(self) -> str:
        fields = {key: value for key, value in asdict(self).items() if value not in (None, "", 0)}
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, value: str) -> Ask:
        """The Ask a button carries; a value that was not made by `encode` is a UsageError."""
        try:
            fields = json.loads(value)
            ask = cls(**fields)
            if ask.kind not in ("top", "search", "paper", "related") or not 0 <= ask.offset <= 10_000:
                raise ValueError(ask.kind)
            if ask.day is not None:
                date.fromisoformat(ask.day)
        except (ValueError, TypeError) as err:
            raise UsageError(t("slack.bad_button")) from err
        return ask

    def at(self, offset: int) -> Ask:
        return replace(self, offset=offset)


def top_ask(day: date | None, n: int) -> Ask:
    return Ask("top", day.isoformat() if day else None, n)


async def answer(
    service: PaperService,
    ask: Ask,
    lang: Lang,
    destination: Destination,
    *,
    shared_by: str | None = None,
    note: Text | None = None,
) -> list[SlackMessage]:
    """The messages answering `ask` in `destination` (a card's 👍 👎 Save show its counts there):
    ephemeral ones get page and share buttons, shared ones name who shared them; `note` (what a press
    on the card did) closes a card."""
    if ask.kind == "paper":
        paper = await service.paper(ask.arxiv_id)
        tally = await service.tally(destination, paper.arxiv_id)
        extra = [] if shared_by else [_share(ask, lang)]
        message = card_message(paper_card(paper, lang), lang, extra, feedback_buttons(tally))
        if note is not None:
            message = SlackMessage(message.text, (*message.blocks, context([escape(note.render(lang))])))
        return [_signed(message, shared_by, lang)] if shared_by else [message]
    ask, page = await _page(service, ask, lang)
    footer: list[Block] = []
    if shared_by:
        footer.append(context([t("slack.shared_by", user=f"<@{shared_by}>").render(lang)]))
    elif page.view.items and len(ask.encode()) <= MAX_BUTTON_VALUE - 20:  # room for any offset
        footer.append(actions([*_page_buttons(ask, page, lang), _share(ask, lang)]))
    return digest_messages(page.view, lang, item_accessory=True, footer=footer)


async def _page(service: PaperService, ask: Ask, lang: Lang) -> tuple[Ask, ListPage]:
    """The page, and the ask pinned to the day it showed (so "Next" stays on that day's list)."""
    if ask.kind == "top":
        result = await service.top(date.fromisoformat(ask.day) if ask.day else None, ask.n)
        pinned = replace(ask, day=result.day.isoformat()) if result.day else ask
        return pinned, top_page_of(result, ask.offset, lang)
    if ask.kind == "related":
        return ask, related_page_of(await service.related(ask.arxiv_id), lang)
    return ask, search_page_of(await service.search(ask.query, limit=PAGE, offset=ask.offset), lang)


async def related_page(
    service: PaperService, lang: Lang, ref: str, destination: Destination
) -> list[SlackMessage]:
    """The papers nearest to the one `ref` names, each with the terms it shares, an Open button and
    Share in channel: what `/papers related` answers (and a card's Related button)."""
    return await answer(service, Ask("related", arxiv_id=canonical_arxiv_id(ref) or ref), lang, destination)


def _page_buttons(ask: Ask, page: ListPage, lang: Lang) -> list[Block]:
    buttons = []
    if page.previous is not None:
        buttons.append(button(t("slack.previous").render(lang), f"{PAGE_ACTION}-previous",
                              value=ask.at(page.previous).encode()))  # fmt: skip
    if page.following is not None:
        buttons.append(button(t("slack.next").render(lang), f"{PAGE_ACTION}-next",
                              value=ask.at(page.following).encode()))  # fmt: skip
    return buttons


def _share(ask: Ask, lang: Lang) -> Block:
    return button(t("slack.share").render(lang), SHARE_ACTION, value=ask.encode(), style="primary")


def _signed(message: SlackMessage, user: str, lang: Lang) -> SlackMessage:
    note = context([t("slack.shared_by", user=f"<@{user}>").render(lang)])
    return SlackMessage(message.text, (*message.blocks, note))
