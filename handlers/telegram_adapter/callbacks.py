"""Inline-button payloads: short, self-describing strings within Telegram's 64-byte limit.

Everything a button needs is in its payload (a day, an offset, a setting), so a button from before
a restart still works. Search pages refer to the query through a token kept in the database; a
token that is gone makes the button answer plainly that it expired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_BYTES = 64


@dataclass(frozen=True)
class OpenPaper:
    arxiv_id: str


@dataclass(frozen=True)
class TopPage:
    day: date
    n: int
    offset: int


@dataclass(frozen=True)
class SearchPage:
    token: str
    offset: int


@dataclass(frozen=True)
class Setting:
    """A press in the /settings editor: which setting, and an argument (`+`, `-`, a weekday, ...)."""

    name: str
    argument: str = ""
    chat: str = ""  # the chat to change when it is not the one the editor is shown in


Action = OpenPaper | TopPage | SearchPage | Setting

_PATTERNS: tuple[tuple[re.Pattern[str], type[Action]], ...] = (
    (re.compile(r"p:(?P<arxiv_id>[\w.\-/]{1,40})"), OpenPaper),
    (re.compile(r"t:(?P<day>\d{4}-\d{2}-\d{2}):(?P<n>\d{1,2}):(?P<offset>\d{1,3})"), TopPage),
    (re.compile(r"s:(?P<token>[A-Za-z0-9_-]{1,32}):(?P<offset>\d{1,4})"), SearchPage),
    (re.compile(r"c:(?P<name>[a-z_]{1,16}):(?P<argument>[\w+\-]{0,16}):(?P<chat>-?\d{0,20})"), Setting),
)


def encode(action: Action) -> str:
    if isinstance(action, OpenPaper):
        data = f"p:{action.arxiv_id}"
    elif isinstance(action, TopPage):
        data = f"t:{action.day.isoformat()}:{action.n}:{action.offset}"
    elif isinstance(action, SearchPage):
        data = f"s:{action.token}:{action.offset}"
    else:
        data = f"c:{action.name}:{action.argument}:{action.chat}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str) -> Action | None:
    """The action a payload names, or None for one this version does not know (answered as expired)."""
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(data)
        if match is None:
            continue
        values = {k: v for k, v in match.groupdict().items() if v is not None}
        try:
            if kind is TopPage:
                return TopPage(date.fromisoformat(values["day"]), int(values["n"]), int(values["offset"]))
            if kind is SearchPage:
                return SearchPage(values["token"], int(values["offset"]))
            if kind is OpenPaper:
                return OpenPaper(values["arxiv_id"])
            return Setting(values["name"], values["argument"], values["chat"])
        except ValueError:
            return None
    return None
