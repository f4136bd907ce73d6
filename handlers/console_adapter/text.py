"""Text made safe and fitting for a terminal: control characters shown, echoes cut, lines wrapped in cells.

Whatever the console prints may hold text from a user (a 2 MB line, an escape sequence that
retitles the window) or from the data (a paper title with a NUL). Control characters become visible
escapes (`\\x1b`), lone surrogates (from undecodable input) the replacement character, and a value
echoed back is cut to ECHO_LIMIT characters. Wrapping counts display cells, not characters: a
Korean or Chinese character takes two columns, a combining mark none.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Protocol, TextIO

from bot.i18n import Text

DEFAULT_WIDTH = 100  # when the output is no terminal (a pipe, a file, a test)
MIN_WIDTH = 20
ECHO_LIMIT = 200

_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\t":
        return " "
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    return f"\\x{ord(char):02x}"


def printable(text: str) -> str:
    """`text` with every control character but the newline shown as an escape (`\\x1b`), a tab as a
    space and a lone surrogate as U+FFFD: nothing in it can move the cursor or change the terminal."""
    return _UNSAFE.sub(_shown, text)


def clip(value: str, limit: int = ECHO_LIMIT) -> str:
    """At most `limit` characters, the cut marked with …."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def clipped(text: Text, limit: int = ECHO_LIMIT) -> Text:
    """The sentence with every string value in it (an echoed query, word or zone) clipped."""

    def clip_value(value: object) -> object:
        if isinstance(value, str):
            return clip(value, limit)
        if isinstance(value, Text):
            return clipped(value, limit)
        if isinstance(value, tuple):
            return tuple(clip_value(item) for item in value)
        return value

    return Text(text.key, {key: clip_value(value) for key, value in text.values.items()})


def cell_width(char: str) -> int:
    """Columns a character takes: 2 for wide (Hangul, CJK, fullwidth), 0 for combining and format
    characters, 1 otherwise."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    return sum(cell_width(char) for char in text)


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """`text` (one paragraph) in lines of at most `width` cells, the first starting with `first`, the
    others with `rest`; a word longer than a line is broken between characters. Leading spaces are
    kept (` 1.` stays aligned with `10.`)."""
    lines: list[str] = []
    first += text[: len(text) - len(text.lstrip(" "))]
    line, used, empty = first, cells(first), True

    def new_line() -> None:
        nonlocal line, used, empty
        lines.append(line.rstrip())
        line, used, empty = rest, cells(rest), True

    for word in text.split():
        size = cells(word)
        if not empty and used + 1 + size > width:
            new_line()
        if not empty:
            line, used = line + " ", used + 1
        if used + size <= width:
            line, used, empty = line + word, used + size, False
            continue
        for char in word:  # longer than a whole line: cut it where the line ends
            size = cell_width(char)
            if not empty and used + size > width:
                new_line()
            line, used, empty = line + char, used + size, False
    if not empty or not lines:
        lines.append(line.rstrip())
    return lines


def terminal_width(stream: TextIO) -> int:
    """The width of the terminal `stream` writes to, or DEFAULT_WIDTH when it is not a terminal."""
    try:
        if stream.isatty():
            return max(MIN_WIDTH, os.get_terminal_size(stream.fileno()).columns)
    except (OSError, ValueError, AttributeError):  # closed, redirected, or a stream without a descriptor
        pass
    return DEFAULT_WIDTH


class Writer(Protocol):
    def write(self, text: str, /) -> int: ...


class PrintableWriter:
    """Writes to `stream` through `printable`, for the CLI's text output."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable(text))

    def flush(self) -> None:
        self._stream.flush()
