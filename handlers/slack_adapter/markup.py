"""Slack markup: mrkdwn text (escaping, links, cuts that never break an escape) and the Block Kit
pieces it goes in, under the limits they live under (FACTS.md §4).

Slack reads `&`, `<` and `>` as markup (links, mentions, entities), so paper titles and Korean
summaries full of `<`, `&` and `>` must be escaped, and a cut must never split `&amp;` in two.

Every outgoing Slack message is a `SlackMessage`: the notification text and its blocks, the same
object whether it answers a command, goes out in a push or is printed by `paperboy render slack`.
`pack` splits what would pass 50 blocks or about 12,000 characters into several messages, between
groups of blocks that belong together (a paper card is never cut in half).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

# -- mrkdwn ------------------------------------------------------------------------------------

ELLIPSIS = "…"
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def escape(raw: str) -> str:
    """The text as mrkdwn shows it literally (`&` first, or the other escapes would be re-escaped)."""
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped_len(raw: str) -> int:
    return len(raw) + 4 * raw.count("&") + 3 * (raw.count("<") + raw.count(">"))


def cut(raw: str, limit: int) -> str:
    """`raw` escaped, shortened with an ellipsis so that the escaped text has at most `limit` characters."""
    if escaped_len(raw) <= limit:
        return escape(raw)
    kept: list[str] = []
    used = len(ELLIPSIS)
    for char in raw:
        size = escaped_len(char)
        if used + size > limit:
            break
        kept.append(char)
        used += size
    return escape("".join(kept).rstrip()) + ELLIPSIS


def plain_cut(raw: str, limit: int) -> str:
    """A plain_text field (headers, buttons) shortened to `limit` characters; no escaping there."""
    return raw if len(raw) <= limit else raw[: limit - 1].rstrip() + ELLIPSIS


def safe_url(url: str) -> str:
    """The URL with everything outside RFC 3986's characters percent-encoded (`<`, `>`, `|`,
    spaces, quotes, non-ASCII): Slack refuses such URLs in buttons and misreads them in links."""
    return quote(url, safe=URL_SAFE)


def link(url: str, label: str) -> str:
    """`<url|label>`: the label escaped, and the URL's `&` too (Slack unescapes it when linking)."""
    return f"<{safe_url(url).replace('&', '&amp;')}|{escape(label)}>"


def bold(escaped: str) -> str:
    """Bold already-escaped text; Slack needs no space inside the asterisks, so trim it."""
    inner = escaped.strip()
    return f"*{inner}*" if inner else ""


# -- Block Kit ---------------------------------------------------------------------------------

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_FALLBACK = 3000  # notification text; Slack allows 40,000 but shows only the start
# Slack refuses a message near 12-13k characters (msg_blocks_too_long); measured as the JSON of the
# blocks, which counts every character Slack stores and leaves room for its own accounting.
MAX_MESSAGE_CHARS = 11_000


@dataclass(frozen=True)
class SlackMessage:
    """One message: `text` for notifications and screen readers, `blocks` for the eye."""

    text: str
    blocks: tuple[Block, ...] = field(default=())

    def payload(self, channel: str | None = None) -> dict[str, Any]:
        """chat.postMessage arguments (and, without a channel, a response_url body)."""
        body: dict[str, Any] = {"text": self.text, "blocks": list(self.blocks)}
        if channel is not None:
            body = {"channel": channel, **body, "unfurl_links": False, "unfurl_media": False}
        return body


def size(blocks: Iterable[Block]) -> int:
    return len(json.dumps(list(blocks), ensure_ascii=False, separators=(",", ":")))


def header(raw: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": plain_cut(raw, MAX_HEADER), "emoji": True},
    }


def section(mrkdwn: str, accessory: Block | None = None) -> Block:
    """A section of already escaped (and cut) mrkdwn."""
    if len(mrkdwn) > MAX_SECTION:
        raise ValueError(f"section text over {MAX_SECTION} characters")
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(elements: Sequence[str]) -> Block:
    """A context line of mrkdwn pieces (already escaped)."""
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": e} for e in elements[:MAX_CONTEXT_ELEMENTS] if e],
    }


def image(url: str, alt: str) -> Block:
    return {"type": "image", "image_url": safe_url(url), "alt_text": plain_cut(alt, 2000)}


def button(label: str, action_id: str, *, value: str | None = None, url: str | None = None,
           style: str | None = None) -> Block:  # fmt: skip
    if value is not None and len(value) > MAX_BUTTON_VALUE:
        raise ValueError(f"button value over {MAX_BUTTON_VALUE} characters")
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": plain_cut(label, MAX_BUTTON_TEXT), "emoji": True},
        "action_id": action_id,
    }
    if value is not None:
        element["value"] = value
    if url is not None:
        element["url"] = safe_url(url)
    if style is not None:
        element["style"] = style
    return element


def actions(elements: Sequence[Block], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:MAX_ACTIONS])}
    if block_id is not None:
        block["block_id"] = block_id
    return block


DIVIDER: Block = {"type": "divider"}


def pack(
    groups: Sequence[Sequence[Block]], text: str, *, budget: int = MAX_MESSAGE_CHARS
) -> list[SlackMessage]:
    """Messages holding `groups` in order, each within 50 blocks and `budget` characters.

    A group larger than a message on its own must be shrunk by its renderer first.
    """
    messages: list[SlackMessage] = []
    current: list[Block] = []
    for group in groups:
        fits = len(current) + len(group) <= MAX_BLOCKS and size([*current, *group]) <= budget
        if current and not fits:
            messages.append(SlackMessage(text, tuple(current)))
            current = []
        current.extend(group)
    if current or not messages:
        messages.append(SlackMessage(text, tuple(current)))
    return messages
