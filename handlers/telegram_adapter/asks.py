"""Lists with buttons: a page of /top, /search or /saved, asked by a command and asked again by its
page buttons, and the papers related to one (the same role as the Slack adapter's asks.py)."""

from __future__ import annotations

from datetime import date

from bot.cards import DigestView, paper_card
from bot.feedback import SavedPage, feedback_buttons
from bot.i18n import Lang, t
from bot.models import Destination
from bot.service import PAGE, ListPage, PaperService, related_page_of, search_page_of, top_page_of
from bot.trending import trending_view
from handlers.telegram_adapter.callbacks import (
    Action,
    SavedList,
    SearchPage,
    TopPage,
    Unsave,
    encode,
)
from handlers.telegram_adapter.render import (
    Button,
    Keyboard,
    TelegramMessage,
    callback_button,
    card_message,
    digest_pages,
    opener_rows,
    saved_html,
    text_message,
)


def _rows(buttons: list[Button]) -> Keyboard:
    return [buttons[i : i + 5] for i in range(0, len(buttons), 5)]


def _keyboard(view: DigestView, previous: Action | None, following: Action | None) -> Keyboard:
    return opener_rows(view.items) + _paging(previous, following)


def _paging(previous: Action | None, following: Action | None) -> Keyboard:
    paging = []
    if previous is not None:
        paging.append(callback_button("◀", encode(previous)))
    if following is not None:
        paging.append(callback_button("▶", encode(following)))
    return [paging] if paging else []


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


async def saved_page(
    service: PaperService, destination: Destination, user: int, lang: Lang, offset: int = 0
) -> TelegramMessage:
    """A page of the member's saved papers here, with a button to open each, one to remove each
    (✕ and its rank), and page buttons; every button names the member whose list it is."""
    page: SavedPage = await service.saved_page(destination, str(user), offset)
    removers = [
        callback_button(t("fb.btn_unsave", rank=item.rank).render(lang),
                        encode(Unsave(user, page.offset, item.arxiv_id)))
        for item in page.items
    ]  # fmt: skip
    previous = SavedList(user, page.previous) if page.previous is not None else None
    following = SavedList(user, page.following) if page.following is not None else None
    keyboard = opener_rows(page.items) + _rows(removers) + _paging(previous, following)
    return text_message(saved_html(page, lang), keyboard)


async def paper_message(
    service: PaperService, destination: Destination, ref: str, lang: Lang
) -> TelegramMessage:
    """A paper's card asked for in a chat (/paper, a list's button), its 👍 👎 Save showing that
    chat's counts."""
    paper = await service.paper(ref)
    tally = await service.tally(destination, paper.arxiv_id)
    return card_message(paper_card(paper, lang), lang, feedback=feedback_buttons(tally))


async def related_page(service: PaperService, lang: Lang, ref: str) -> list[TelegramMessage]:
    """The papers nearest to the one `ref` names, each with the terms it shares and a button to open
    it: what /related answers (and a card's Related button, which passes the card's arXiv id)."""
    page = related_page_of(await service.related(ref), lang)
    keyboard = _keyboard(page.view, None, None) if page.view.items else []
    return _messages(page.view, lang, (), keyboard)
