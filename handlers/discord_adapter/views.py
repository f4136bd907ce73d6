"""The help, days and preview answers as Discord embeds (one message each, cut to fit)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Lang, Text, t
from bot.ports import DayInfo
from bot.subscriptions import Preview
from handlers.discord_adapter.markup import MAX_DESCRIPTION, MAX_EMBED_TITLE, bold, cut, link
from handlers.discord_adapter.render import COLOR, DiscordMessage, Embed

MAX_PREVIEW_LINE = 400


def _lines(lines: Sequence[str], limit: int = MAX_DESCRIPTION) -> str:
    """Whole lines up to `limit` characters, then "…"."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > limit - 2:
            kept.append("…")
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def _embed(title: str, lines: Sequence[str]) -> DiscordMessage:
    embed: Embed = {"title": cut(title, MAX_EMBED_TITLE), "color": COLOR, "description": _lines(lines)}
    return DiscordMessage(embeds=(embed,))


def help_message(calls: Sequence[tuple[str, Text]], lang: Lang) -> DiscordMessage:
    """Each command as it is typed, and what it does."""
    lines = [f"`{call}`  {cut(description.render(lang), 200)}" for call, description in calls]
    return _embed(t("help.heading").render(lang), lines)


def days_message(days: Sequence[DayInfo], lang: Lang) -> DiscordMessage:
    if not days:
        return DiscordMessage(cut(t("days.none").render(lang), 2000))
    lines = [f"`{d.day}`  ▲ {d.top_votes if d.top_votes is not None else '?'}  ({d.papers})" for d in days]
    return _embed(t("days.heading").render(lang), lines)


def preview_message(preview: Preview, lang: Lang) -> DiscordMessage:
    """When the next push goes out, which list it holds, and why each paper is in."""
    title = t("cmd.preview").render(lang)
    if preview.due is not None and preview.subscription is not None:
        local = preview.due.astimezone(preview.subscription.zone)
        title = t("preview.next", when=f"{local:%Y-%m-%d %H:%M} {preview.subscription.time_zone}").render(
            lang
        )
    lines = [cut(t("preview.day", day=preview.day).render(lang), 200)] if preview.day else []
    for rank, pick in enumerate(preview.selection.picks, start=1):
        reasons = cut("; ".join(reason.render(lang) for reason in pick.reasons), 200)
        lines.append(
            f"{bold(str(rank) + '.')} {link(pick.paper.arxiv_url, pick.paper.title, 180)}\n{reasons}"
        )
    if preview.empty_reason is not None:
        lines.append(cut(preview.empty_reason.render(lang), MAX_PREVIEW_LINE * 4))
    return _embed(title, lines)
