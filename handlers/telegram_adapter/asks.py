"""Lists with buttons: a page of /top or /search, asked by a command and asked again by its page
buttons, and the papers related to one (the same role as the Slack adapter's asks.py)."""

from __future__ import annotations

from datetime import date

from bot.cards import DigestView
from bot.i18n import Lang
from bot.service import PAGE, ListPage, PaperService, related_page_of, search_page_of, top_page_of
from bot.trending import trending_view
from handlers.telegram_adapter.callbacks import Action, OpenPaper, SearchPage, TopPage, encode
from handlers.telegram_adapter.render import (
    Keyboard,
    TelegramMessage,
    callback_button,
    digest_pages,
    text_message,
)


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
    page: ListPage = top_page_of(result, offset, lang)
    if result.day is None or not page.view.items:
        return _messages(page.view, lang, (), [])
    previous = TopPage(result.day, n, page.previous) if page.previous is not None else None
    following = TopPage(result.day, n, page.following) if page.following is not None else None
    return _messages(page.view, lang, (), _keyboard(page.view, previous, following))


async def trending_page(service: PaperService, lang: Lang, n: int) -> list[TelegramMessage]:
    """The papers that gained the most votes recently, each with a button to open it (one page)."""
    view = trending_view(await service.trending(n), lang)
    return _messages(view, lang, (), _keyboard(view, None, None))


async def search_page(service: PaperService, lang: Lang, query: str, offset: int) -> list[TelegramMessage]:
    """A page of search results with the matched words in bold, and page buttons."""
    result = await service.search(query, limit=PAGE, offset=offset)
    page = search_page_of(result, lang)
    if not page.view.items:
        return _messages(page.view, lang, (), [])
    token = await service.remember_query(query)
    previous = SearchPage(token, page.previous) if page.previous is not None else None
    following = SearchPage(token, page.following) if page.following is not None else None
    return _messages(page.view, lang, result.page.terms, _keyboard(page.view, previous, following))


async def related_page(service: PaperService, lang: Lang, ref: str) -> list[TelegramMessage]:
    """The papers nearest to the one `ref` names, each with the terms it shares and a button to open
    it: what /related answers (and a card's Related button, which passes the card's arXiv id)."""
    page = related_page_of(await service.related(ref), lang)
    keyboard = _keyboard(page.view, None, None) if page.view.items else []
    return _messages(page.view, lang, (), keyboard)
