"""Paper cards, lists and the bot/views.py answers as Discord embeds, within Discord's limits
(FACTS.md §4d).

Every outgoing Discord message is a `DiscordMessage`: content, embeds and component rows, the same
object whether it answers a command (ephemeral), goes out in a push or is printed by
`paperboy render discord`. A card is one embed (the title linking the paper, the thumbnail, votes,
authors, the summary's sections) with link buttons under it; its section texts shrink together until
the embed fits a message. A list is embeds of ranked lines, packed into messages of at most ten
embeds and 6,000 characters, split only between items.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from bot.cards import (
    DigestItem,
    DigestView,
    PaperCard,
    digest_items,
    item_votes_label,
    paper_card,
    votes_label,
)
from bot.feedback import FeedbackButton, SavedPage, feedback_buttons
from bot.i18n import Lang, Text, t
from bot.models import Paper, PushFormat, Section
from bot.push_render import push_heading
from bot.schedule import DigestPeriod
from bot.views import DaysView, HelpView, PreviewView, SettingsView
from handlers.discord_adapter.markup import (
    MAX_AUTHOR_NAME,
    MAX_CONTENT,
    MAX_DESCRIPTION,
    MAX_EMBED_TITLE,
    MAX_EMBEDS,
    MAX_EMBEDS_TOTAL,
    MAX_FIELD_VALUE,
    MAX_FIELDS,
    MAX_FOOTER,
    MAX_LABEL,
    MAX_OPTIONS,
    Component,
    bold,
    button,
    cut,
    link,
    link_button,
    option,
    plain_cut,
    rows,
    safe_url,
    select,
)

Embed = dict[str, Any]
EPHEMERAL = 1 << 6
COLOR = 0xFFD21E  # Hugging Face yellow: the stripe beside every embed
NO_MENTIONS: dict[str, Any] = {"parse": []}  # a title or a summary can never ping anyone
MAX_AUTHORS_LINE = 300
MIN_SECTION = 100  # a section's text is not cut shorter than this to fit a card
FIELD_NAME = 100  # a section's heading as a field name (Discord allows 256; headings are a few words)
ITEM_TITLE = 250  # a ranked line: title, votes and one-line summary stay under 520 characters,
ITEM_SUMMARY = 200  # so a page of ten (bot.service.PAGE) always fits one message's 6,000
FEEDBACK_ACTION = "feedback"  # `feedback:like:2502.15007` (also dislike, save)
SAVED_ACTION = "saved"  # `saved:10`: a page of /saved
UNSAVE_ACTION = "unsave"  # `unsave:10:2502.15007`: remove a paper, then that page again
RELATED_ACTION = "related"  # `related:2502.15007`: the nearest papers, privately
OPEN_ACTION = "open"  # `open:0`: a list's "Open a paper…" menu (its number); the pick's card


@dataclass(frozen=True)
class DiscordMessage:
    """One message: `content` above, `embeds` (cards, lists), `components` (action rows)."""

    content: str = ""
    embeds: tuple[Embed, ...] = ()
    components: tuple[Component, ...] = field(default=())

    def payload(self, *, ephemeral: bool = False) -> dict[str, Any]:
        """The JSON body of POST /channels/{id}/messages, or of an interaction answer's `data`."""
        body: dict[str, Any] = {
            "content": self.content,
            "embeds": list(self.embeds),
            "components": list(self.components),
            "allowed_mentions": NO_MENTIONS,
        }
        if ephemeral:
            body["flags"] = EPHEMERAL
        return body

    def shows(self, paper: Paper) -> bool:
        return safe_url(paper.arxiv_url) in json.dumps(self.embeds, ensure_ascii=False)


def embed_chars(embeds: Sequence[Embed]) -> int:
    """The characters Discord counts toward a message's 6,000: titles, descriptions, field names
    and values, footers and author names."""
    total = 0
    for embed in embeds:
        total += len(embed.get("title", "")) + len(embed.get("description", ""))
        total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in embed.get("fields", []))
        total += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    return total


# --- a card ---------------------------------------------------------------------------------------


def _section(part: Section, limit: int) -> str:
    if not part.heading:
        return cut(part.text, limit)
    heading = bold(cut(part.heading, 200)) + "\n"
    return heading + cut(part.text, max(1, limit - len(heading)))


def _about(card: PaperCard, lang: Lang) -> str:
    """Votes, comments, the arXiv link and the days, then the authors cut with "+N more", then the
    topics as code-styled chips (the organization is the embed's author)."""
    comments = [t("card.comments", n=card.comments).render(lang)] if card.comments else []
    line = " · ".join(
        [
            cut(votes_label(card.votes, lang), 40),
            *comments,
            link(card.url, f"arXiv {card.arxiv_id}"),
            ", ".join(d.isoformat() for d in card.days),
        ]
    )
    if card.authors:
        names = ", ".join(card.authors)
        if card.more_authors:
            names += " " + t("authors.more", count=card.more_authors).render(lang)
        line += "\n" + cut(names, MAX_AUTHORS_LINE)
    if card.topics:
        line += "\n" + " ".join(chip(topic) for topic in card.topics)
    return line


def chip(topic: str) -> str:
    """A topic as inline code, Discord's closest thing to a tag (nothing inside is markup)."""
    return "`" + topic.replace("`", "'") + "`"


def card_embed(card: PaperCard, lang: Lang, budget: int = MAX_EMBEDS_TOTAL) -> Embed:
    """The card as one embed of at most `budget` characters: the sections shrink together, and a
    card with more sections than ever fit (dozens) loses its last ones."""
    limit = MAX_FIELD_VALUE
    while True:
        embed = _card(card, lang, limit)
        over = embed_chars([embed]) - budget
        if over <= 0:
            return embed
        if limit <= MIN_SECTION:
            break
        limit = max(MIN_SECTION, limit - over // max(1, len(card.sections)) - 20)
    fields = embed.get("fields", [])
    while fields and embed_chars([embed]) > budget:
        fields.pop()
    if not fields:
        embed.pop("fields", None)
    return embed


def _card(card: PaperCard, lang: Lang, limit: int) -> Embed:
    about = _about(card, lang)
    sections = list(card.sections)
    first = _section(sections[0], min(limit, MAX_DESCRIPTION - len(about) - 2)) if sections else ""
    embed: Embed = {
        "title": cut(card.title, MAX_EMBED_TITLE),
        "url": safe_url(card.url),
        "color": COLOR,
        "description": f"{about}\n\n{first}".rstrip(),
    }
    fields = [
        {"name": cut(part.heading or "·", FIELD_NAME), "value": cut(part.text, limit) or "·", "inline": False}
        for part in sections[1 : MAX_FIELDS + 1]
    ]
    if fields:
        embed["fields"] = fields
    if card.thumbnail:
        embed["thumbnail"] = {"url": safe_url(card.thumbnail)}
    if card.organization:
        organization = t("card.organization", name=card.organization).render(lang)
        embed["author"] = {"name": plain_cut(organization, MAX_AUTHOR_NAME)}
    if card.notes:
        embed["footer"] = {"text": plain_cut(" · ".join(n.render(lang) for n in card.notes), MAX_FOOTER)}
    return embed


def link_buttons(card: PaperCard) -> list[Component]:
    return [link_button(item.label, item.url) for item in card.links]


def feedback_components(arxiv_id: str, buttons: Sequence[FeedbackButton], lang: Lang) -> list[Component]:
    """👍, 👎 and Save for one paper, labelled with the channel's counts, and 🔗 Related."""
    presses = [button(b.label.render(lang), f"{FEEDBACK_ACTION}:{b.kind}:{arxiv_id}") for b in buttons]
    return [*presses, button(t("fb.btn_related").render(lang), f"{RELATED_ACTION}:{arxiv_id}")]


def with_feedback(
    rows: Sequence[Component], arxiv_id: str, buttons: Sequence[FeedbackButton], lang: Lang
) -> list[Component]:
    """Action rows with the paper's feedback buttons relabelled (`👍 3`), every other one as it was:
    a press shows its count on the card without sending it again."""
    labels = {f"{FEEDBACK_ACTION}:{b.kind}:{arxiv_id}": b.label.render(lang) for b in buttons}
    return [
        {**row, "components": [_relabelled(child, labels) for child in row.get("components", [])]}
        for row in rows
    ]


def _relabelled(child: Component, labels: dict[str, str]) -> Component:
    label = labels.get(str(child.get("custom_id")))
    return child if label is None else {**child, "label": plain_cut(label, MAX_LABEL)}


def card_message(card: PaperCard, lang: Lang, extra: Sequence[Component] = (),
                 feedback: Sequence[FeedbackButton] | None = None) -> DiscordMessage:  # fmt: skip
    """The card with its links, 👍 👎 Save (`feedback`: their labels, the channel's counts; none on a
    fresh card) in a row of their own, and `extra` buttons (Share) in another."""
    presses = feedback_components(card.arxiv_id, feedback_buttons() if feedback is None else feedback, lang)
    return DiscordMessage(
        embeds=(card_embed(card, lang),), components=rows(link_buttons(card), presses, list(extra))
    )


# --- a list ---------------------------------------------------------------------------------------


def item_line(item: DigestItem, lang: Lang) -> str:
    """`**1.** [Title](url) · ▲ 12` and the one-line summary under it."""
    votes = cut(item_votes_label(item, lang), 60)
    head = f"**{item.rank}.** {link(item.url, item.title, ITEM_TITLE)} · {votes}"
    return head + ("\n" + cut(item.summary, ITEM_SUMMARY) if item.summary else "")


def _list_embeds(view: DigestView, lang: Lang) -> list[Embed]:
    """The heading's embed and as many more as the lines need, each within 4,096 characters."""
    title = cut(view.heading.render(lang), MAX_EMBED_TITLE)
    if not view.items:
        reason = (view.empty_reason or t("list.empty")).render(lang)
        return [{"title": title, "color": COLOR, "description": cut(reason, MAX_DESCRIPTION)}]
    embeds: list[Embed] = []
    lines: list[str] = []
    for line in (item_line(item, lang) for item in view.items):
        if lines and len("\n\n".join([*lines, line])) > MAX_DESCRIPTION:
            embeds.append({"color": COLOR, "description": "\n\n".join(lines)})
            lines = []
        lines.append(line)
    embeds.append({"color": COLOR, "description": "\n\n".join(lines)})
    embeds[0] = {"title": title, **embeds[0]}
    return embeds


def pack(embeds: Sequence[Embed], content: str = "") -> list[DiscordMessage]:
    """Messages holding `embeds` in order, each within ten embeds and 6,000 characters;
    `content` heads the first."""
    messages: list[DiscordMessage] = []
    current: list[Embed] = []
    for embed in embeds:
        if current and (len(current) == MAX_EMBEDS or embed_chars([*current, embed]) > MAX_EMBEDS_TOTAL):
            messages.append(DiscordMessage("" if messages else content, tuple(current)))
            current = []
        current.append(embed)
    if current or not messages:
        messages.append(DiscordMessage("" if messages else content, tuple(current)))
    return messages


def opener_rows(items: Sequence[DigestItem], lang: Lang) -> list[Component]:
    """ "Open a paper…" menus (25 papers each, at most five rows) whose pick shows that paper's card,
    where its 👍 👎 Save are: a list has no room for a button per paper."""
    options = [option(f"{item.rank}. {item.title}", item.arxiv_id) for item in items]
    placeholder = t("discord.open").render(lang)
    menus = [
        [select(f"{OPEN_ACTION}:{i // MAX_OPTIONS}", placeholder, options[i : i + MAX_OPTIONS])]
        for i in range(0, len(options), MAX_OPTIONS)
    ]
    return list(rows(*menus))


def list_messages(view: DigestView, lang: Lang) -> list[DiscordMessage]:
    """The list in as few messages as fit, each with the menu that opens the papers it shows."""
    return [
        replace(message, components=tuple(opener_rows(_shown(view.items, message), lang)))
        for message in pack(_list_embeds(view, lang))
    ]


def _shown(items: Sequence[DigestItem], message: DiscordMessage) -> list[DigestItem]:
    embeds = json.dumps(message.embeds, ensure_ascii=False)
    return [item for item in items if f"({safe_url(item.url)})" in embeds]


def list_message(view: DigestView, lang: Lang, components: Sequence[Component] = ()) -> DiscordMessage:
    """A page of at most ten items as one message (see ITEM_TITLE), with `components` under it and
    then the menu that opens them."""
    [message] = pack(_list_embeds(view, lang))[:1]
    return DiscordMessage(message.content, message.embeds, (*components, *opener_rows(view.items, lang)))


# --- the push -------------------------------------------------------------------------------------


def push_messages(
    period: DigestPeriod | date,
    papers: list[Paper],
    fmt: PushFormat,
    lang: Lang,
    reads: str | None = None,
    marks: Mapping[str, str] | None = None,
) -> list[DiscordMessage]:
    """Compact: the ranked list in as few messages as fit. Cards: a heading, then a message per paper
    (its embed and link buttons). Discord has no reply threads here: `thread` is sent as cards.
    Words in `lang`, summaries in `reads` (default: `lang`)."""
    reads = reads or lang
    heading = push_heading(period, len(papers))
    if fmt == "compact":
        return list_messages(
            DigestView(heading, digest_items(papers, reads, marks=marks), total=len(papers)), lang
        )
    title = DiscordMessage(bold(cut(heading.render(lang), MAX_CONTENT - 4)))
    return [title] + [
        card_message(paper_card(paper, reads, mark=(marks or {}).get(paper.arxiv_id)), lang)
        for paper in papers
    ]


def notice(sentence: Text, lang: Lang, *, mention: str | None = None) -> DiscordMessage:
    """A sentence as a message; `mention` (a user id) goes in front (shown, never pinging)."""
    prefix = f"<@{mention}> " if mention else ""
    return DiscordMessage(prefix + cut(sentence.render(lang), MAX_CONTENT - len(prefix)))


# -- /saved ----------------------------------------------------------------------------------------


def saved_message(view: SavedPage, lang: Lang, note: Text | None = None) -> DiscordMessage:
    """A page of saved papers with the day each was saved, a ✕ button per paper to remove it, ◀ ▶, and
    `note` (what the last press did) above."""
    if view.items:
        lines = [
            f"**{item.rank}.** {link(item.url, item.title, ITEM_TITLE)}"
            f" · {cut(votes_label(item.votes, lang), 40)}"
            f" · _{cut(t('saved.row', day=item.saved_on).render(lang), 60)}_"
            for item in view.items
        ]
    else:
        lines = [cut(view.empty.render(lang), 1000)]
    embed = titled(view.heading.render(lang), lines).embeds[0]
    removers = [
        button(
            t("fb.btn_unsave", rank=item.rank).render(lang), f"{UNSAVE_ACTION}:{view.offset}:{item.arxiv_id}"
        )
        for item in view.items
    ]
    paging = [
        button(t(label).render(lang), f"{SAVED_ACTION}:{offset}")
        for label, offset in (("discord.previous", view.previous), ("discord.next", view.following))
        if offset is not None
    ]
    content = cut(note.render(lang), MAX_CONTENT) if note is not None else ""
    return DiscordMessage(content, (embed,), rows(removers[:5], removers[5:], paging))


# -- answers built in bot/views.py -----------------------------------------------------------------


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


def titled(heading: str, lines: Sequence[str]) -> DiscordMessage:
    """One embed: a title and lines of already escaped markdown."""
    embed: Embed = {"title": cut(heading, MAX_EMBED_TITLE), "color": COLOR, "description": _lines(lines)}
    return DiscordMessage(embeds=(embed,))


def help_message(view: HelpView, lang: Lang, singles: Sequence[str] = ()) -> DiscordMessage:
    """Each command as it is typed here, in code type, and what it does; then the slash commands
    that also work on their own."""
    lines = [f"`{line.call}`  {cut(line.description.render(lang), 200)}" for line in view.commands]
    if singles:
        also = ", ".join(f"`{name}`" for name in singles)
        lines += ["", t("discord.singles", commands=also).render(lang)]
    return titled(view.heading.render(lang), lines)


def days_message(view: DaysView, lang: Lang) -> DiscordMessage:
    if not view.rows:
        return notice(view.empty, lang)
    return titled(view.heading.render(lang), [cut(row.line.render(lang), 200) for row in view.rows])


def preview_message(view: PreviewView, lang: Lang) -> DiscordMessage:
    """When the next push goes out, which list it holds, and why each paper is in."""
    lines = [cut(view.day.render(lang), 200)] if view.day is not None else []
    lines += [f"**{pick.rank}.** {link(pick.url, pick.title, 180)}\n{cut(pick.reason(lang), 200)}"
              for pick in view.picks]  # fmt: skip
    if view.empty_reason is not None:
        lines.append(cut(view.empty_reason.render(lang), 1600))
    return titled(view.heading.render(lang), lines)


def settings_lines(view: SettingsView, lang: Lang) -> list[str]:
    """Every setting as `**Label**: value`."""
    return [
        f"{bold(cut(row.label.render(lang), 100))}: {cut(row.value.render(lang), 300)}" for row in view.rows
    ]
