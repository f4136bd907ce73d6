"""Inline mode: `@bot words` in any chat offers matching papers as articles to share.

An empty query offers the latest top list. Results come in pages (next_offset), at most 50 per
answer as Telegram allows; each article sends the full card with its link buttons.
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.ext import ContextTypes, InlineQueryHandler

from bot.cards import one_line, paper_card
from bot.feedback import feedback_buttons
from bot.i18n import Lang, pick_language
from bot.models import MAX_TOP_N, Paper
from bot.service import PaperService
from handlers.telegram_adapter.render import card_html, feedback_row
from handlers.telegram_adapter.replies import TelegramApp

PAGE = 20
MAX_OFFSET = 1000
CACHE_SECONDS = 300
_THUMBNAIL_TYPES = (".png", ".jpg", ".jpeg")


def article(paper: Paper, lang: Lang) -> InlineQueryResultArticle:
    card = paper_card(paper, lang)
    thumbnail = (
        paper.thumbnail if paper.thumbnail and paper.thumbnail.lower().endswith(_THUMBNAIL_TYPES) else None
    )
    votes = f"▲ {paper.votes} · " if paper.votes is not None else ""
    return InlineQueryResultArticle(
        id=paper.arxiv_id,
        title=paper.title,
        description=votes + one_line(paper, lang, 120),
        thumbnail_url=thumbnail,
        input_message_content=InputTextMessageContent(
            card_html(card, lang).markup,
            parse_mode="HTML",
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(link.label, url=link.url) for link in card.links],
                [
                    InlineKeyboardButton(button["text"], callback_data=button["callback_data"])
                    for button in feedback_row(paper.arxiv_id, feedback_buttons(), lang, related=False)
                ],
            ]
        ),
    )


class Inline:
    """Answers inline queries from the service's search (or the latest top list)."""

    def __init__(self, service: PaperService) -> None:
        self._service = service

    def register(self, app: TelegramApp) -> None:
        app.add_handler(InlineQueryHandler(self.on_query))

    async def on_query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        if query is None:
            return
        lang = pick_language(query.from_user.language_code)
        offset = min(int(query.offset), MAX_OFFSET) if query.offset.isdigit() else 0
        papers, total = await self._papers(query.query.strip(), offset)
        following = offset + len(papers)
        await query.answer(
            [article(paper, lang) for paper in papers],
            next_offset=str(following) if papers and following < total else "",
            cache_time=CACHE_SECONDS,
        )

    async def _papers(self, text: str, offset: int) -> tuple[list[Paper], int]:
        if not text:
            top = await self._service.top(n=MAX_TOP_N)
            return top.papers[offset : offset + PAGE], len(top.papers)
        found = await self._service.search(text, limit=PAGE, offset=offset)
        return found.page.papers, found.page.total
