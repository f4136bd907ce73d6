"""The messages of one push (or of `paperboy render telegram`): a compact digest or one card per paper."""

from __future__ import annotations

from datetime import date

from bot.cards import DigestView, digest_items, paper_card
from bot.i18n import Lang, t
from bot.models import Paper, PushFormat
from handlers.telegram_adapter.html import bold
from handlers.telegram_adapter.render import TelegramMessage, card_message, digest_pages, text_message

Format = PushFormat  # `thread` is never a Telegram subscription's (the service refuses it): cards


def push_messages(
    day: date, papers: list[Paper], fmt: Format, lang: Lang, reads: str | None = None
) -> list[TelegramMessage]:
    """Compact: the ranked list, split between items when it passes 4096 characters.
    Cards: a heading, then each paper as a photo card (or a text card when it will not fit).
    Words in `lang`, summaries in `reads` (default: `lang`)."""
    reads = reads or lang
    heading = t("push.heading", day=day, n=len(papers))
    if fmt == "compact":
        view = DigestView(heading, digest_items(papers, reads), total=len(papers))
        return [text_message(body) for body in digest_pages(view, lang)]
    return [text_message(bold(heading.render(lang)))] + [
        card_message(paper_card(p, reads), lang) for p in papers
    ]
