"""Discord's markdown and message pieces: escaping, cutting to a limit, buttons and rows.

Discord reads `*`, `_`, `~`, `` ` ``, `|`, `[`, `]` and `<` as markup anywhere (emphasis, spoilers,
masked links, mentions) and `#`, `>`, `-` at a line's start (headings, quotes, lists), so a paper
title like `[RE]think *everything*` must be escaped, and a cut
must never leave a lone backslash at the end. Limits are FACTS.md §4d's.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

Component = dict[str, Any]

ELLIPSIS = "…"
MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
MAX_AUTHOR_NAME = 256
MAX_EMBEDS_TOTAL = 6000
MAX_ROWS = 5
MAX_BUTTONS = 5
MAX_CUSTOM_ID = 100
MAX_LABEL = 80
MAX_OPTIONS = 25
MAX_OPTION_TEXT = 100
MAX_PLACEHOLDER = 150
MAX_MODAL_TITLE = 45
MAX_INPUT_LABEL = 45
MAX_INPUT_VALUE = 4000
MAX_INPUT_PLACEHOLDER = 100

_INLINE = re.compile(r"([\\*_~`|\[\]<])")  # markup anywhere: emphasis, code, spoilers, links, mentions
_LINE_START = re.compile(r"^(\s*)([#>-])", re.MULTILINE)  # markup at a line's start: headings, quotes, lists
URL_SAFE = ":/?#[]@!$&'*+,;=%~"  # no parentheses: they end a masked link


def escape(raw: str) -> str:
    """The text as Discord shows it literally (`<` too: `<@id>` would show as a mention)."""
    return _LINE_START.sub(r"\1\\\2", _INLINE.sub(r"\\\1", raw))


def cut(raw: str, limit: int) -> str:
    """`raw` escaped, shortened with an ellipsis so the escaped text has at most `limit` characters."""
    escaped = escape(raw)
    if len(escaped) <= limit:
        return escaped
    kept = escaped[: max(0, limit - len(ELLIPSIS))]
    trailing = len(kept) - len(kept.rstrip("\\"))
    if trailing % 2:  # never end on the backslash of an escape
        kept = kept[:-1]
    return kept.rstrip() + ELLIPSIS


def plain_cut(raw: str, limit: int) -> str:
    """Plain text (titles, labels, options: Discord shows them as typed) shortened to `limit`."""
    return raw if len(raw) <= limit else raw[: limit - 1].rstrip() + ELLIPSIS


def safe_url(url: str) -> str:
    """The URL with spaces, parentheses and non-ASCII percent-encoded (a `)` would end a masked link)."""
    return quote(url, safe=URL_SAFE)


def link(url: str, label: str, limit: int = 300) -> str:
    """A masked link `[label](url)`, the label escaped and cut to `limit`."""
    return f"[{cut(label, limit)}]({safe_url(url)})"


def bold(escaped: str) -> str:
    inner = escaped.strip()
    return f"**{inner}**" if inner else ""


def link_button(label: str, url: str) -> Component:
    return {"type": 2, "style": 5, "label": plain_cut(label, MAX_LABEL), "url": safe_url(url)}


def button(label: str, custom_id: str, *, style: int = 2) -> Component:
    """An interactive button (1 primary, 2 secondary, 3 success, 4 danger)."""
    if len(custom_id) > MAX_CUSTOM_ID:
        raise ValueError(f"custom_id over {MAX_CUSTOM_ID} characters: {custom_id[:40]}…")
    return {"type": 2, "style": style, "label": plain_cut(label, MAX_LABEL), "custom_id": custom_id}


def option(label: str, value: str, *, default: bool = False) -> Component:
    return {"label": plain_cut(label, MAX_OPTION_TEXT), "value": value[:MAX_OPTION_TEXT], "default": default}


def select(custom_id: str, placeholder: str, options: list[Component], *, most: int = 1) -> Component:
    """A string select (type 3): at most `most` of its options may be picked at once."""
    return {
        "type": 3,
        "custom_id": custom_id,
        "placeholder": plain_cut(placeholder, MAX_PLACEHOLDER),
        "options": options[:MAX_OPTIONS],
        "min_values": 1,
        "max_values": min(most, len(options[:MAX_OPTIONS])),
    }


def rows(*groups: list[Component]) -> tuple[Component, ...]:
    """Action rows of the non-empty groups, each cut to five buttons; at most five rows."""
    built = [{"type": 1, "components": group[:MAX_BUTTONS]} for group in groups if group]
    return tuple(built[:MAX_ROWS])


def text_input(custom_id: str, label: str, value: str = "", *, hint: str = "") -> Component:
    """A one-line, optional text input of a modal."""
    found: Component = {
        "type": 4,
        "custom_id": custom_id,
        "style": 1,
        "label": plain_cut(label, MAX_INPUT_LABEL),
        "required": False,
        "value": value[:MAX_INPUT_VALUE],
    }
    if hint:
        found["placeholder"] = plain_cut(hint, MAX_INPUT_PLACEHOLDER)
    return found
