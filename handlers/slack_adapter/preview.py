"""/papers preview: when the next push goes out, which list it holds, and why each paper is in."""

from __future__ import annotations

from bot.i18n import Lang, t
from bot.subscriptions import Preview
from handlers.slack_adapter.blocks import MAX_SECTION, Block, SlackMessage, context, header, pack, section
from handlers.slack_adapter.mrkdwn import cut, escape, link, plain_cut


def preview_messages(preview: Preview, lang: Lang) -> list[SlackMessage]:
    """The preview, split into several messages only when it holds more than about 45 papers."""
    heading = t("cmd.preview").render(lang)
    top: list[Block] = [header(heading)]
    if preview.due is not None and preview.subscription is not None:
        local = preview.due.astimezone(preview.subscription.zone)
        when = f"{local:%Y-%m-%d %H:%M} {preview.subscription.time_zone}"
        top[0] = header(t("preview.next", when=when).render(lang))
    if preview.day is not None:
        top.append(context([escape(t("preview.day", day=preview.day).render(lang))]))
    groups = [top]
    for rank, pick in enumerate(preview.selection.picks, start=1):
        reasons = "; ".join(reason.render(lang) for reason in pick.reasons)
        title = link(pick.paper.arxiv_url, plain_cut(pick.paper.title, 300))
        groups.append([section(f"*{rank}.* {title}\n" + cut(reasons, MAX_SECTION - 400))])
    if preview.empty_reason is not None:
        groups.append([section(cut(preview.empty_reason.render(lang), MAX_SECTION))])
    fallback = preview.empty_reason.render(lang) if preview.empty_reason else top[0]["text"]["text"]
    return pack(groups, cut(fallback, 3000))
