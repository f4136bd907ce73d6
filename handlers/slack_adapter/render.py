"""Views in Block Kit, within Slack's limits: paper cards, digests, a push, and the answers of
bot/views.py.

A card: header (the title), a section with the first summary and the thumbnail beside it, a
context line (votes, authors cut with "+N more", days), the other summary sections, and link
buttons. Section texts shrink together until the card fits one message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

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
from bot.views import DaysView, HelpView, PreviewView
from handlers.slack_adapter.markup import (
    MAX_MESSAGE_CHARS,
    MAX_SECTION,
    Block,
    SlackMessage,
    actions,
    bold,
    button,
    context,
    cut,
    escape,
    header,
    image,
    link,
    pack,
    plain_cut,
    section,
    size,
)

Format = PushFormat
MAX_AUTHORS_LINE = 300
LINK_ACTION = "link"  # url buttons still send an action; one listener acknowledges them all
FEEDBACK_ACTION = "feedback"  # `feedback-like`, `feedback-dislike`, `feedback-save`; the value: the arXiv id
SAVED_PAGE_ACTION = "saved-page"  # `saved-page-previous` / `-next`; the value: the page's offset
SAVED_REMOVE_ACTION = "saved-remove"  # the value: `offset:arXiv id`
RELATED_ACTION = "related"  # the value: the arXiv id; the nearest papers, privately


def _section_text(part: Section, limit: int) -> str:
    if not part.heading:
        return cut(part.text, limit)
    heading = bold(escape(part.heading)) + "\n"
    return heading + cut(part.text, max(1, limit - len(heading)))


def _authors(card: PaperCard, lang: Lang) -> str:
    names = ", ".join(card.authors)
    if card.more_authors:
        names += " " + t("authors.more", count=card.more_authors).render(lang)
    return cut(names, MAX_AUTHORS_LINE)


MAX_FACT = 210  # an organization's name (HF allows 200) with its emoji


def chip(topic: str) -> str:
    """A topic as inline code, the closest mrkdwn has to a tag (escaped; no backtick inside)."""
    return "`" + escape(topic.replace("`", "'")) + "`"


def feedback_elements(arxiv_id: str, buttons: Sequence[FeedbackButton], lang: Lang) -> list[Block]:
    """👍, 👎 and Save for one paper, labelled with the channel's counts, and 🔗 Related."""
    presses = [button(b.label.render(lang), f"{FEEDBACK_ACTION}-{b.kind}", value=arxiv_id) for b in buttons]
    return [*presses, button(t("fb.btn_related").render(lang), RELATED_ACTION, value=arxiv_id)]


def with_feedback(blocks: Sequence[Block], arxiv_id: str, buttons: Sequence[FeedbackButton],
                  lang: Lang) -> list[Block]:  # fmt: skip
    """The message's blocks with the paper's feedback buttons relabelled (`👍 3`), all else as it was:
    a press shows its count on a message everyone sees without posting the card again."""
    labels = {f"{FEEDBACK_ACTION}-{b.kind}": b.label.render(lang) for b in buttons}
    out = []
    for block in blocks:
        if block.get("type") == "actions":
            elements = [_relabelled(e, arxiv_id, labels) for e in block.get("elements", [])]
            block = {**block, "elements": elements}
        out.append(block)
    return out


def _relabelled(element: Block, arxiv_id: str, labels: dict[str, str]) -> Block:
    label = labels.get(str(element.get("action_id")))
    if label is None or element.get("value") != arxiv_id:
        return element
    return {**element, "text": {"type": "plain_text", "text": label, "emoji": True}}


def card_blocks(card: PaperCard, lang: Lang, extra: Sequence[Block] = (), *,
                budget: int = MAX_MESSAGE_CHARS) -> list[Block]:  # fmt: skip
    """The card's blocks, with `extra` buttons after the links (👍 👎 Save among them); together
    within `budget` characters."""
    sections = list(card.sections)
    limit = MAX_SECTION
    while True:
        blocks = _card(card, lang, sections, limit, extra)
        if size(blocks) <= budget or limit <= 100:
            return blocks
        limit = max(100, limit - (size(blocks) - budget) // max(1, len(sections)) - 50)


def _card(
    card: PaperCard, lang: Lang, sections: list[Section], limit: int, extra: Sequence[Block]
) -> list[Block]:
    first = _section_text(sections[0], limit) if sections else link(card.url, f"arXiv {card.arxiv_id}")
    accessory = image(card.thumbnail, card.title) if card.thumbnail else None
    blocks = [header(card.title), section(first, accessory)]
    about = [
        escape(votes_label(card.votes, lang)),
        *(cut(fact.render(lang), MAX_FACT) for fact in card.facts),
        link(card.url, f"arXiv {card.arxiv_id}"),
        escape(", ".join(d.isoformat() for d in card.days)),
    ]
    if card.authors:
        about.append(_authors(card, lang))
    blocks.append(context(about))
    if card.topics:
        blocks.append(context([" ".join(chip(topic) for topic in card.topics)]))
    blocks += [section(_section_text(part, limit)) for part in sections[1:]]
    if card.notes:
        blocks.append(context([f"_{escape(note.render(lang))}_" for note in card.notes]))
    links = [button(item.label, f"{LINK_ACTION}-{item.label.lower()}", url=item.url) for item in card.links]
    blocks.append(actions([*links, *extra]))
    return blocks


def card_message(card: PaperCard, lang: Lang, extra: Sequence[Block] = (),
                 feedback: Sequence[FeedbackButton] | None = None) -> SlackMessage:  # fmt: skip
    """The card with its link buttons, then 👍 👎 Save (`feedback`: their labels, the channel's
    counts; none on a fresh card), then `extra`."""
    presses = feedback_elements(card.arxiv_id, feedback_buttons() if feedback is None else feedback, lang)
    return SlackMessage(_fallback(f"{card.title} ({votes_label(card.votes, lang)}) {card.url}"),
                        tuple(card_blocks(card, lang, [*presses, *extra])))  # fmt: skip


def item_block(item: DigestItem, lang: Lang, accessory: Block | None = None) -> Block:
    """One ranked line: the linked title, votes and the one-line summary."""
    title = link(item.url, plain_cut(item.title, 500))
    head = f"*{item.rank}.* {title} · {escape(item_votes_label(item, lang))}"
    summary = "\n" + cut(item.summary, MAX_SECTION - len(head) - 1) if item.summary else ""
    return section(head + summary, accessory)


def _digest_groups(view: DigestView, lang: Lang, item_accessory: bool) -> list[list[Block]]:
    groups: list[list[Block]] = [[header(view.heading.render(lang))]]
    if not view.items:
        reason = view.empty_reason or t("list.empty")
        groups[0].append(section(cut(reason.render(lang), MAX_SECTION)))
    for item in view.items:
        opener = button(t("slack.open").render(lang), "open", value=item.arxiv_id) if item_accessory else None
        groups.append([item_block(item, lang, opener)])
    return groups


def digest_blocks(view: DigestView, lang: Lang, *, item_accessory: bool = False) -> list[Block]:
    """The list as blocks for a surface without the message limits (App Home allows 100 blocks)."""
    return [block for group in _digest_groups(view, lang, item_accessory) for block in group]


def digest_messages(view: DigestView, lang: Lang, *, item_accessory: bool = False,
                    footer: Sequence[Block] = ()) -> list[SlackMessage]:  # fmt: skip
    """The list as one or more messages (split between items); `footer` blocks close the last one."""
    groups = _digest_groups(view, lang, item_accessory)
    if footer:
        groups.append(list(footer))
    return pack(groups, _fallback(view.heading.render(lang)))


def push_messages(
    period: DigestPeriod | date,
    papers: list[Paper],
    fmt: Format,
    lang: Lang,
    reads: str | None = None,
    marks: Mapping[str, str] | None = None,
) -> list[SlackMessage]:
    """Compact: the ranked list in as few messages as fit. Cards: a heading, then a message per paper.
    Thread: the same, the heading saying the cards follow in its thread (the deliverer posts them there).
    Words in `lang`, summaries in `reads` (default: `lang`)."""
    reads = reads or lang
    heading = push_heading(period, len(papers))
    if fmt == "compact":  # each paper with Open: its card, with 👍 👎 Save, for the one who asks
        view = DigestView(heading, digest_items(papers, reads, marks=marks), total=len(papers))
        return digest_messages(view, lang, item_accessory=True)
    if fmt == "thread":
        heading = push_heading(period, len(papers), thread=True)
    title = heading.render(lang)
    return [SlackMessage(_fallback(title), (header(title),))] + [
        card_message(paper_card(paper, reads, mark=(marks or {}).get(paper.arxiv_id)), lang)
        for paper in papers
    ]


def notice(sentence: Text, lang: Lang, *, mention: str | None = None) -> SlackMessage:
    """A sentence as a message; `mention` (a user id) goes in front as a real @-mention."""
    rendered = sentence.render(lang)
    prefix = f"<@{mention}> " if mention else ""
    body = prefix + cut(rendered, MAX_SECTION - len(prefix))
    return SlackMessage(_fallback(rendered), (section(body),))


def _fallback(raw: str) -> str:
    """Notification text: Slack escapes nothing here for us either."""
    return cut(raw, 3000)


# -- /saved ------------------------------------------------------------------------------------


def saved_messages(view: SavedPage, lang: Lang, note: Text | None = None) -> list[SlackMessage]:
    """A page of saved papers: each with the day it was saved and a Remove button, then ◀ ▶, and
    `note` (what the last press did) under them."""
    heading = view.heading.render(lang)
    blocks: list[Block] = [header(heading)]
    if not view.items:
        blocks.append(section(cut(view.empty.render(lang), MAX_SECTION)))
    for item in view.items:
        title = link(item.url, plain_cut(item.title, 500))
        saved = t("saved.row", day=item.saved_on).render(lang)
        line = f"*{item.rank}.* {title} · {escape(votes_label(item.votes, lang))} · _{escape(saved)}_"
        remove = button(
            t("slack.remove").render(lang), SAVED_REMOVE_ACTION, value=f"{view.offset}:{item.arxiv_id}"
        )
        blocks.append(section(line, remove))
    paging = [
        button(t(label).render(lang), f"{SAVED_PAGE_ACTION}-{name}", value=str(offset))
        for label, name, offset in (
            ("slack.previous", "previous", view.previous),
            ("slack.next", "next", view.following),
        )
        if offset is not None
    ]
    if paging:
        blocks.append(actions(paging))
    if note is not None:
        blocks.append(context([escape(note.render(lang))]))
    return [SlackMessage(_fallback(heading), tuple(blocks))]


# -- answers built in bot/views.py --------------------------------------------------------------


def help_message(view: HelpView, lang: Lang, singles: Sequence[str] = ()) -> SlackMessage:
    """The commands in code type, and the stand-alone slash commands this workspace also has."""
    rows = [f"`{escape(line.call)}`  {escape(line.description.render(lang))}" for line in view.commands]
    heading = view.heading.render(lang)
    blocks = [header(heading), section(cut("\n".join(rows), MAX_SECTION))]
    if singles:
        commands = ", ".join(f"`{name}`" for name in singles)
        blocks.append(context([t("slack.singles", commands=commands).render(lang)]))
    return SlackMessage(heading, tuple(blocks))


def days_message(view: DaysView, lang: Lang) -> SlackMessage:
    if not view.rows:
        return notice(view.empty, lang)
    heading = view.heading.render(lang)
    body = section(cut("\n".join(escape(row.line.render(lang)) for row in view.rows), MAX_SECTION))
    return SlackMessage(heading, (header(heading), body))


def preview_messages(view: PreviewView, lang: Lang) -> list[SlackMessage]:
    """The preview, split into several messages only when it holds more than about 45 papers."""
    top: list[Block] = [header(view.heading.render(lang))]
    if view.day is not None:
        top.append(context([escape(view.day.render(lang))]))
    groups = [top]
    for pick in view.picks:
        title = link(pick.url, plain_cut(pick.title, 300))
        groups.append([section(f"*{pick.rank}.* {title}\n" + cut(pick.reason(lang), MAX_SECTION - 400))])
    if view.empty_reason is not None:
        groups.append([section(cut(view.empty_reason.render(lang), MAX_SECTION))])
    fallback = view.empty_reason.render(lang) if view.empty_reason else top[0]["text"]["text"]
    return pack(groups, cut(fallback, 3000))
