"""Telegram's HTML parse mode, parsed as strictly as the Bot API parses it.

A paper title with `<think>` in it or a summary with `Q&A` makes Telegram refuse the whole message
with 400 "can't parse entities", and a fake that accepts any string would let that bug ship. This
parser follows the Bot API's HTML style the way Telegram's own parser does: only the supported tags,
attribute values quoted or as name tokens, the four named entities plus numeric ones, byte offsets
in the error messages and entity offsets counted in UTF-16 code units.

It is stricter than the live servers seem to be in three places, as the Bot API documentation asks
of clients: a `&` that does not start a known entity is an error (the servers appear to pass it
through), so is a link whose URL is not http(s) or tg:// (the servers appear to drop the link), and
so is nesting the "Formatting options" forbid (the servers appear to drop the inner entity): a
blockquote in a blockquote; anything in `code` or `pre` but `code` right inside `pre` (its language);
and links, code, pre and custom emoji inside one another ("All other entities can't contain each
other"). Each is a bug in the caller, and the fake's job is to make it visible.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

_SPACE = frozenset(" \t\r\n\v\f\0")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_REF = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9]*));")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.-]*")
_SPECIAL = re.compile(r"[<&]")
_MAX_CODE_POINT = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)

_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class EntityParseError(ValueError):
    """Telegram's refusal of a message's markup; `detail` is the part after "can't parse entities: "."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Can't parse entities: {detail}")
        self.detail = detail


@dataclass(frozen=True)
class Entity:
    """One MessageEntity as Telegram reports it; offset and length count UTF-16 code units."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The Bot API object, without the fields that do not apply."""
        return {key: value for key, value in asdict(self).items() if value is not None}


def utf16_len(text: str) -> int:
    """The length of `text` as Telegram counts it: UTF-16 code units (an emoji is usually 2)."""
    return len(text.encode("utf-16-le")) // 2


def valid_link(url: str) -> bool:
    """Whether Telegram takes `url` as a link target: http(s) with a host, or a tg:// link."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme in ("http", "https"):
        return bool(host)
    return parts.scheme == "tg" and bool(parts.netloc or parts.path)


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Parse `text` in HTML parse mode into the plain text and its entities, or raise EntityParseError."""
    return _HtmlParser(text).run()


@dataclass
class _OpenTag:
    """A start tag waiting for its end tag."""

    name: str
    byte_offset: int
    offset: int
    attributes: dict[str, str] = field(default_factory=dict)


class _HtmlParser:
    """One pass over the markup; positions are str indexes, errors report UTF-8 byte offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.pieces: list[str] = []
        self.offset = 0
        self.open: list[_OpenTag] = []
        self.entities: list[Entity] = []

    def run(self) -> tuple[str, list[Entity]]:
        while self.pos < len(self.text):
            found = _SPECIAL.search(self.text, self.pos)
            end = found.start() if found else len(self.text)
            self._emit(self.text[self.pos : end])
            self.pos = end
            if found is None:
                break
            if found.group() == "&":
                self._emit(self._entity_ref())
            elif self._peek(1) == "/":
                self._end_tag()
            else:
                self._start_tag()
        if self.open:
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{self.open[-1].name}"')
        return "".join(self.pieces), _in_telegram_order(self.entities)

    def _peek(self, ahead: int = 0) -> str:
        """The character `ahead` places after the cursor, or "" past the end."""
        index = self.pos + ahead
        return self.text[index] if index < len(self.text) else ""

    def _byte_offset(self, index: int) -> int:
        return len(self.text[:index].encode())

    def _emit(self, plain: str) -> None:
        self.pieces.append(plain)
        self.offset += utf16_len(plain)

    def _skip_spaces(self) -> None:
        while self._peek() in _SPACE:
            self.pos += 1

    def _scan_until(self, stops: str) -> str:
        """Advance over characters that are neither spaces nor in `stops`; return them."""
        start = self.pos
        while self._peek() and self._peek() not in _SPACE and self._peek() not in stops:
            self.pos += 1
        return self.text[start : self.pos]

    def _entity_ref(self) -> str:
        """Decode the entity at the cursor (`&lt;`, `&#60;`, `&#x3C;` ...) and step past it."""
        start = self.pos
        match = _ENTITY_REF.match(self.text, start)
        if match is None:
            raise EntityParseError(
                f'Character "&" at byte offset {self._byte_offset(start)} must be escaped as "&amp;"'
            )
        decimal, hexadecimal, name = match.groups()
        if name is not None:
            decoded = _NAMED_ENTITIES.get(name)
        else:
            code = int(decimal) if decimal is not None else int(hexadecimal, 16)
            decoded = chr(code) if 0 < code <= _MAX_CODE_POINT and code not in _SURROGATES else None
        if decoded is None:
            raise EntityParseError(
                f'Unsupported HTML entity "{match.group()}" at byte offset {self._byte_offset(start)}'
            )
        self.pos = match.end()
        return decoded

    def _start_tag(self) -> None:
        begin = self.pos
        self.pos += 1
        name = self._scan_until(">").lower()
        if not self._peek():
            raise EntityParseError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        if name not in _TAG_TYPES:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {self._byte_offset(begin)}'
            )
        tag = _OpenTag(name, self._byte_offset(begin), self.offset)
        self._read_attributes(tag)
        self.pos += 1
        _check_start_tag(tag)
        _check_nesting(tag, self.open)
        self.open.append(tag)

    def _read_attributes(self, tag: _OpenTag) -> None:
        """Read `name="value"` pairs up to the closing `>` of the start tag."""
        while True:
            self._skip_spaces()
            if self._peek() == ">":
                return
            if not self._peek():
                raise EntityParseError(f"Unclosed start tag at byte offset {tag.byte_offset}")
            name = self._scan_until("=>").lower()
            if not name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag.name}" at byte offset {tag.byte_offset}'
                )
            self._skip_spaces()
            if self._peek() != "=":
                if (tag.name, name) != ("blockquote", "expandable"):
                    raise EntityParseError(
                        f'Expected equal sign in declaration of an attribute of the tag "{tag.name}" '
                        f"at byte offset {tag.byte_offset}"
                    )
                tag.attributes[name] = ""
                continue
            self.pos += 1
            self._skip_spaces()
            tag.attributes[name] = self._attribute_value(tag)

    def _attribute_value(self, tag: _OpenTag) -> str:
        """A quoted string (entities decoded) or a bare name token (lower-cased), as HTML allows."""
        quote = self._peek()
        if quote in ('"', "'"):
            self.pos += 1
            chars: list[str] = []
            while self._peek() not in (quote, ""):
                if self._peek() == "&":
                    chars.append(self._entity_ref())
                else:
                    chars.append(self._peek())
                    self.pos += 1
            if not self._peek():
                raise EntityParseError(f"Unclosed start tag at byte offset {tag.byte_offset}")
            self.pos += 1
            return "".join(chars)
        token = _NAME_TOKEN.match(self.text, self.pos)
        assert token is not None  # the pattern matches the empty string
        self.pos = token.end()
        if not self._peek():
            raise EntityParseError(f"Unclosed start tag at byte offset {tag.byte_offset}")
        if self._peek() not in _SPACE and self._peek() != ">":
            raise EntityParseError(
                f"Unexpected end of name token at byte offset {self._byte_offset(token.start())}"
            )
        return token.group().lower()

    def _end_tag(self) -> None:
        begin = self.pos
        if not self.open:
            raise EntityParseError(f"Unexpected end tag at byte offset {self._byte_offset(begin)}")
        self.pos += 2
        name = self._scan_until(">").lower()
        self._skip_spaces()
        if self._peek() != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {self._byte_offset(begin)}")
        self.pos += 1
        tag = self.open.pop()
        if name and name != tag.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self._byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{name}>"'
            )
        self._close(tag)

    def _close(self, tag: _OpenTag) -> None:
        """Turn a finished tag into its entity; empty ones leave none, as in Telegram."""
        length = self.offset - tag.offset
        if length == 0:
            return
        inner = self.entities[-1] if self.entities else None
        if (
            tag.name == "pre"
            and inner is not None
            and (inner.type, inner.offset, inner.length) == ("code", tag.offset, length)
        ):
            self.entities[-1] = Entity("pre", tag.offset, length, language=inner.language)
            return
        self.entities.append(_entity(tag, length))


def _in_telegram_order(closed: list[Entity]) -> list[Entity]:
    """By offset, longer first; of two over the same text the outer one (closed later) first."""
    ranked = sorted(enumerate(closed), key=lambda pair: (pair[1].offset, -pair[1].length, -pair[0]))
    return [entity for _, entity in ranked]


def _check_start_tag(tag: _OpenTag) -> None:
    """The attribute rules Telegram enforces on the tags that need them."""
    where = f"at byte offset {tag.byte_offset}"
    if tag.name == "a":
        href = tag.attributes.get("href")
        if href is None:
            raise EntityParseError(f'Tag "a" must have attribute "href" {where}')
        if not valid_link(href):
            raise EntityParseError(f'Wrong URL "{href}" in the tag "a" {where}')
    elif tag.name == "span" and tag.attributes.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" {where}')
    elif tag.name == "tg-emoji" and not tag.attributes.get("emoji-id", "").isdigit():
        raise EntityParseError(f'Tag "tg-emoji" must have a numeric attribute "emoji-id" {where}')


_VERBATIM = frozenset({"code", "pre"})
_EXCLUSIVE = frozenset({"text_link", "code", "pre", "custom_emoji"})
"""Entities that can't contain each other (bold, italic, underline, strikethrough and spoiler can
contain and be in anything but code and pre; blockquotes anything but blockquotes)."""


def _check_nesting(tag: _OpenTag, open_tags: list[_OpenTag]) -> None:
    """The nesting rules of the Bot API's "Formatting options", for a tag opening inside `open_tags`."""
    kind = _TAG_TYPES[tag.name]
    for outer in open_tags:
        outer_kind = _TAG_TYPES[outer.name]
        language_of_pre = (
            kind == "code" and outer is open_tags[-1] and outer_kind == "pre" and tag.offset == outer.offset
        )
        if language_of_pre:
            continue
        if (
            (kind == outer_kind == "blockquote")
            or outer_kind in _VERBATIM
            or (kind in _EXCLUSIVE and outer_kind in _EXCLUSIVE)
        ):
            raise EntityParseError(
                f'Tag "{tag.name}" can\'t be nested in tag "{outer.name}" at byte offset {tag.byte_offset}'
            )


def _entity(tag: _OpenTag, length: int) -> Entity:
    """The entity a closed tag stands for."""
    attributes = tag.attributes
    if tag.name == "a":
        return Entity("text_link", tag.offset, length, url=attributes["href"])
    if tag.name == "code":
        css = attributes.get("class", "")
        language = css.removeprefix("language-") if css.startswith("language-") else ""
        return Entity("code", tag.offset, length, language=language or None)
    if tag.name == "tg-emoji":
        return Entity("custom_emoji", tag.offset, length, custom_emoji_id=attributes["emoji-id"])
    if tag.name == "blockquote" and "expandable" in attributes:
        return Entity("expandable_blockquote", tag.offset, length)
    return Entity(_TAG_TYPES[tag.name], tag.offset, length)
