"""Telegram HTML built with its length as Telegram counts it, so limits are checked before sending.

Telegram measures a message after entity parsing, in UTF-16 code units (an emoji counts 2), and
rejects 4097 of them; it also shows only the first 100 entities of a message and ignores the rest
(a link, a bold word, each one). Building markup, length and entity count together means a splitter
never has to re-parse what it made, and a cut never lands inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_ENTITIES = 100
ELLIPSIS = "…"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Html:
    """A fragment of Telegram HTML, the length of the text it shows, and how many entities it has."""

    markup: str = ""
    length: int = 0
    entities: int = 0

    def __add__(self, other: Html) -> Html:
        return Html(self.markup + other.markup, self.length + other.length, self.entities + other.entities)


def text(plain: str) -> Html:
    """Plain text, escaped: `<think>`, `Q&A` and `>80%` arrive as written."""
    return Html(html.escape(plain, quote=False), utf16_len(plain))


def tag(name: str, inner: Html, **attributes: str | None) -> Html:
    """`<name attr="...">inner</name>`; an attribute given as "" is written bare (`expandable`)."""
    attrs = "".join(
        f" {key}" if value == "" else f' {key}="{html.escape(value, quote=True)}"'
        for key, value in attributes.items()
        if value is not None
    )
    # Telegram makes no entity of a tag around nothing.
    return Html(f"<{name}{attrs}>{inner.markup}</{name}>", inner.length, inner.entities + (inner.length > 0))


def bold(inner: Html | str) -> Html:
    return tag("b", text(inner) if isinstance(inner, str) else inner)


def italic(inner: Html | str) -> Html:
    return tag("i", text(inner) if isinstance(inner, str) else inner)


def link(url: str, inner: Html | str) -> Html:
    return tag("a", text(inner) if isinstance(inner, str) else inner, href=url)


def join(parts: Iterable[Html], separator: str = "") -> Html:
    out = Html()
    for index, part in enumerate(parts):
        out = out + (text(separator) if index and separator else Html()) + part
    return out


def cut(plain: str, limit: int) -> str:
    """`plain` shortened to at most `limit` UTF-16 units, ending in an ellipsis when cut."""
    if utf16_len(plain) <= limit:
        return plain
    if limit <= 0:
        return ""
    budget = limit - 1
    out: list[str] = []
    for char in plain:
        budget -= utf16_len(char)
        if budget < 0:
            break
        out.append(char)
    return "".join(out).rstrip() + ELLIPSIS


def highlight(plain: str, terms: Iterable[str], most: int | None = None) -> Html:
    """`plain` with the occurrences of the search terms in bold (case-insensitive): every one, or
    the first `most` (each is an entity, and a message shows only 100)."""
    words = [re.escape(term) for term in terms if term.strip()]
    if not words or most == 0:
        return text(plain)
    pattern = re.compile("|".join(sorted(words, key=len, reverse=True)), re.IGNORECASE)
    out, position = Html(), 0
    for match in pattern.finditer(plain):
        if most is not None and out.entities >= most:
            break
        out = out + text(plain[position : match.start()]) + bold(match.group())
        position = match.end()
    return out + text(plain[position:])
