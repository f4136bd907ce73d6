"""Lists with buttons: a page of /top or /search, shared by the commands and the page buttons."""

from __future__ import annotations

from datetime import date

from bot.cards import DigestView
from bot.i18n import Lang
from bot.service import PaperService, search_view, top_view
from handlers.telegram_adapter.callbacks import Action, OpenPaper, SearchPage, TopPage, encode
from handlers.telegram_adapter.render import (
    Keyboard,
    TelegramMessage,
    callback_button,
    digest_pages,
    text_message,
)

PAGE = 10


def _keyboard(view: DigestView, previous: Action | None, following: Action | None) -> Keyboard:
    openers = [callback_button(str(item.rank), encode(OpenPaper(item.arxiv_id))) for item in view.items]
    rows = [openers[i : i + 5] for i in range(0, len(openers), 5)]
    paging = []
    if previous is not None:
        paging.append(callback_button("◀", encode(previous)))
    if following is not None:
        paging.append(callback_button("▶", encode(following)))
    return rows + ([paging] if paging else [])


def _messages(
    view: DigestView, lang: Lang, terms: tuple[str, ...], keyboard: Keyboard
) -> list[TelegramMessage]:
    """The page as messages; the buttons ride on the last one."""
    pages = digest_pages(view, lang, terms)
    return [
        text_message(body, keyboard if index == len(pages) - 1 else None) for index, body in enumerate(pages)
    ]


async def top_page(
    service: PaperService, lang: Lang, day: date | None, n: int, offset: int
) -> list[TelegramMessage]:
    """Items offset+1 .. offset+PAGE of the day's top n, with buttons to open each and to page."""
    result = await service.top(day, n)
    if result.day is None or not result.papers:
        return _messages(top_view(result), lang, (), [])
    shown = result.papers[offset : offset + PAGE]
    view = top_view(result)
    view = DigestView(
        view.heading, view.items[offset : offset + PAGE], total=len(result.papers), offset=offset
    )
    previous = TopPage(result.day, n, max(0, offset - PAGE)) if offset else None
    following = TopPage(result.day, n, offset + PAGE) if offset + len(shown) < len(result.papers) else None
    return _messages(view, lang, (), _keyboard(view, previous, following))


async def search_page(service: PaperService, lang: Lang, query: str, offset: int) -> list[TelegramMessage]:
    """A page of search results with the matched words in bold, and page buttons."""
    result = await service.search(query, limit=PAGE, offset=offset)
    view = search_view(result)
    if not view.items:
        return _messages(view, lang, (), [])
    token = await service.remember_query(query)
    previous = SearchPage(token, max(0, offset - PAGE)) if offset else None
    following = SearchPage(token, offset + PAGE) if offset + len(view.items) < view.total else None
    return _messages(view, lang, result.page.terms, _keyboard(view, previous, following))
