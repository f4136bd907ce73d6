"""Lists asked for by name: the papers related to one (the same role as the other adapters'
asks.py, where a card's Related button asks it too)."""

from __future__ import annotations

from bot.i18n import Lang
from bot.service import PaperService, related_view
from handlers.console_adapter.render import render_digest
from handlers.console_adapter.text import DEFAULT_WIDTH


async def related_page(
    service: PaperService, lang: Lang, ref: str, *, n: int = 5, width: int = DEFAULT_WIDTH
) -> str:
    """The n papers nearest to the one `ref` names, each with the terms it shares, as text."""
    return render_digest(related_view(await service.related(ref, n), lang), lang=lang, width=width)
