"""What a user asked for (a top list, a search, a paper), as one Discord message with its buttons.

An `Ask` travels in a button's custom_id, so "Next ▶" and "Share in channel" re-run exactly the
question that was asked. A custom_id holds 100 characters, so a search's words travel as the token
the store remembers them under (Store.remember); a token the store has forgotten makes the button
answer that it expired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from bot.cards import paper_card
from bot.errors import UsageError
from bot.feedback import feedback_buttons
from bot.i18n import Lang, t
from bot.models import Destination, canonical_arxiv_id
from bot.service import PAGE, ListPage, PaperService, related_page_of, search_page_of, top_page_of
from handlers.discord_adapter.markup import MAX_CUSTOM_ID, Component, button
from handlers.discord_adapter.render import DiscordMessage, card_message, list_message

Kind = Literal["top", "search", "paper", "related"]
PAGE_ACTION = "page"
SHARE_ACTION = "share"
_ASK = re.compile(r"(top|search|paper|related):(\d{1,5}):(\d{1,3}):(\d{4}-\d{2}-\d{2})?:([\w.\-/]{0,60})")


@dataclass(frozen=True)
class Ask:
    """A question: `ref` is the search's remembered token or the paper's arXiv id."""

    kind: Kind
    day: str | None = None  # ISO date for top; None means the latest list
    n: int = 10
    ref: str = ""
    offset: int = 0

    def encode(self) -> str:
        return f"{self.kind}:{self.offset}:{self.n}:{self.day or ''}:{self.ref}"

    @classmethod
    def decode(cls, value: str) -> Ask:
        """The Ask a custom_id carries; anything `encode` did not make is a UsageError."""
        found = _ASK.fullmatch(value)
        if found is None:
            raise UsageError(t("discord.bad_button"))
        kind, offset, n, day, ref = found.groups()
        try:
            if day:
                date.fromisoformat(day)
        except ValueError:
            raise UsageError(t("discord.bad_button")) from None
        return cls(kind, day or None, int(n), ref, int(offset))  # type: ignore[arg-type]

    def at(self, offset: int) -> Ask:
        return replace(self, offset=offset)

    def custom_id(self, action: str) -> str:
        value = f"{action}:{self.encode()}"
        if len(value) > MAX_CUSTOM_ID:
            raise ValueError(f"custom_id over {MAX_CUSTOM_ID}: {value[:40]}…")
        return value


def top_ask(day: date | None, n: int) -> Ask:
    return Ask("top", day.isoformat() if day else None, n)


async def search_ask(service: PaperService, query: str) -> Ask:
    return Ask("search", ref=await service.remember_query(query))


async def answer(
    service: PaperService, ask: Ask, lang: Lang, destination: Destination, *, shared_by: str | None = None
) -> DiscordMessage:
    """The message answering `ask` in `destination` (a card's 👍 👎 Save show its counts there): an
    ephemeral one gets page and share buttons, a shared one says who shared it."""
    if ask.kind == "paper":
        paper = await service.paper(ask.ref)
        tally = await service.tally(destination, paper.arxiv_id)
        extra = [] if shared_by else [_share(ask, lang)]
        message = card_message(paper_card(paper, lang), lang, extra, feedback_buttons(tally))
        return _signed(message, shared_by, lang)
    ask, page = await _page(service, ask, lang)
    components: list[Component] = []
    if not shared_by and page.view.items:
        components = [{"type": 1, "components": [*_page_buttons(ask, page, lang), _share(ask, lang)]}]
    return _signed(list_message(page.view, lang, components), shared_by, lang)


async def _page(service: PaperService, ask: Ask, lang: Lang) -> tuple[Ask, ListPage]:
    """The page, and the ask pinned to the day it showed (so "Next" stays on that day's list)."""
    if ask.kind == "top":
        result = await service.top(date.fromisoformat(ask.day) if ask.day else None, ask.n)
        pinned = replace(ask, day=result.day.isoformat()) if result.day else ask
        return pinned, top_page_of(result, ask.offset, lang)
    if ask.kind == "related":
        return ask, related_page_of(await service.related(ask.ref), lang)
    query = await service.recall_query(ask.ref)
    if query is None:
        raise UsageError(t("discord.bad_button"))
    return ask, search_page_of(await service.search(query, limit=PAGE, offset=ask.offset), lang)


async def related_page(
    service: PaperService, lang: Lang, ref: str, destination: Destination
) -> DiscordMessage:
    """The papers nearest to the one `ref` names, each with the terms it shares, and Share in
    channel: what `/papers related` answers (and a card's Related button)."""
    return await answer(service, Ask("related", ref=canonical_arxiv_id(ref) or ref), lang, destination)


def _page_buttons(ask: Ask, page: ListPage, lang: Lang) -> list[Component]:
    found = []
    if page.previous is not None:
        found.append(button(t("discord.previous").render(lang), ask.at(page.previous).custom_id(PAGE_ACTION)))
    if page.following is not None:
        found.append(button(t("discord.next").render(lang), ask.at(page.following).custom_id(PAGE_ACTION)))
    return found


def _share(ask: Ask, lang: Lang) -> Component:
    return button(t("discord.share").render(lang), ask.custom_id(SHARE_ACTION), style=1)


def _signed(message: DiscordMessage, user: str | None, lang: Lang) -> DiscordMessage:
    if user is None:
        return message
    # the sentence is ours and holds no markup; the mention must stay unescaped to show as one
    return replace(message, content=t("discord.shared_by", user=f"<@{user}>").render(lang))
