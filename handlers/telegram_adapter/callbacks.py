"""Inline-button payloads: short, self-describing strings within Telegram's 64-byte limit.

Everything a button needs is in its payload (a day, an offset, a setting), so a button from before
a restart still works. Search pages refer to the query through a token kept in the database; a
token that is gone makes the button answer plainly that it expired.

A module of its own rather than part of actions.py: the vocabulary is written by two modules
(asks.py's page buttons, settings.py's editor) and read by a third (actions.py), and its strict
decoder, checked against forged payloads, is a job apart from answering presses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.feedback import SAVED_PAGE, ButtonKind
from bot.models import MAX_TOP_N
from bot.service import PAGE

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


@dataclass(frozen=True)
class Press:
    """A feedback button on a card: 👍 (`l`), 👎 (`d`) or Save (`s`) on one paper."""

    kind: ButtonKind
    arxiv_id: str


@dataclass(frozen=True)
class Related:
    """🔗 Related on a card: the papers nearest to it, sent as a new list."""

    arxiv_id: str


@dataclass(frozen=True)
class SavedList:
    """A page of /saved: whose list (the member who asked for it) and where it starts."""

    user: int
    offset: int


@dataclass(frozen=True)
class Unsave:
    """✕ beside a paper of /saved: remove it from the member's list, then show the page again."""

    user: int
    offset: int
    arxiv_id: str


Action = OpenPaper | TopPage | SearchPage | Setting | Press | Related | SavedList | Unsave
PRESS_CODES: dict[ButtonKind, str] = {"like": "l", "dislike": "d", "save": "s"}
_PRESS_KINDS = {code: kind for kind, code in PRESS_CODES.items()}

# Every /settings button as (name, the arguments it may carry); settings.py makes them. A press
# whose name or argument is not here is one this version never made (forged, or from another version).
SIGNS = frozenset({"+", "-"})
# The time zones a channel's editor offers as buttons (west to east; `c:tz:<index>`); any other is
# typed in the private chat.
COMMON_ZONES = (
    "America/Los_Angeles", "America/New_York", "UTC",
    "Europe/London", "Europe/Berlin", "Asia/Kolkata",
    "Asia/Shanghai", "Asia/Seoul", "Asia/Tokyo",
)  # fmt: skip
SETTING_ARGUMENTS: dict[str, frozenset[str]] = {
    "h": SIGNS,
    "m": SIGNS,
    "n": SIGNS,
    "v": SIGNS,
    "wd": frozenset(str(day) for day in range(7)),
    "tz": frozenset({"", *(str(index) for index in range(len(COMMON_ZONES)))}),
    "inc": frozenset({"", "clear"}),
    "exc": frozenset({"", "clear"}),
    "fmt": frozenset({""}),
    "lang": frozenset({""}),
    "empty": frozenset({""}),
    "late": frozenset({""}),
    "rd": frozenset({""}),
    "menu": frozenset({""}),
    "done": frozenset({""}),
    # How often, the code filters, the ranking and the follows (issues 14 and 15): `cad` opens the
    # cadence menu (or a picker: weekly's weekdays, monthly's days), `wk`/`md` pick the day, `st`
    # opens the stars choices (`ask`: a typed number), `fl` the follows, `uf:<key>` removes one.
    "cad": frozenset({"", "daily", "weekly", "monthly"}),
    "wk": frozenset(str(day) for day in range(7)),
    "md": frozenset({*(str(day) for day in range(1, 29)), "31"}),
    "code": frozenset({""}),
    "st": frozenset({"", "ask", "0", "10", "100", "1000"}),
    "rank": frozenset({""}),
    "fl": frozenset({""}),
}
# `uf`'s argument is a follow's key (bot.views.follow_key): eight hex digits, not a fixed set.
_FOLLOW_KEY = re.compile(r"[0-9a-f]{8}", re.ASCII)
MAX_SEARCH_OFFSET = 9990
MAX_SAVED_OFFSET = 99_990

# ASCII only: `\d` would take other scripts' digits (int("٣") is 3) and `\w` any letter.
_ARXIV = r"(?P<arxiv_id>\d{4}\.\d{4,5}|[a-z][a-z\-]{0,20}(?:\.[A-Z]{2})?/\d{7})"
_OPEN = re.compile(rf"p:{_ARXIV}", re.ASCII)
_PRESS = re.compile(rf"f:(?P<kind>[lds]):{_ARXIV}", re.ASCII)
_RELATED = re.compile(rf"r:{_ARXIV}", re.ASCII)
_USER = r"(?P<user>[1-9]\d{0,15})"
_OFFSET = r"(?P<offset>0|[1-9]\d{0,4})"
_SAVED = re.compile(rf"v:{_USER}:{_OFFSET}", re.ASCII)
_UNSAVE = re.compile(rf"u:{_USER}:{_OFFSET}:{_ARXIV}", re.ASCII)
_TOP = re.compile(r"t:(?P<day>\d{4}-\d{2}-\d{2}):(?P<n>[1-9]\d?):(?P<offset>0|[1-9]\d{0,2})", re.ASCII)
_SEARCH = re.compile(r"s:(?P<token>[A-Za-z0-9_-]{1,32}):(?P<offset>0|[1-9]\d{0,3})", re.ASCII)
_SETTING = re.compile(
    r"c:(?P<name>[a-z]{1,8}):(?P<argument>[a-z0-9+\-]{0,8}):(?P<chat>(?:-?[1-9]\d{0,15})?)", re.ASCII
)


def encode(action: Action) -> str:
    if isinstance(action, OpenPaper):
        data = f"p:{action.arxiv_id}"
    elif isinstance(action, TopPage):
        data = f"t:{action.day.isoformat()}:{action.n}:{action.offset}"
    elif isinstance(action, SearchPage):
        data = f"s:{action.token}:{action.offset}"
    elif isinstance(action, Press):
        data = f"f:{PRESS_CODES[action.kind]}:{action.arxiv_id}"
    elif isinstance(action, Related):
        data = f"r:{action.arxiv_id}"
    elif isinstance(action, SavedList):
        data = f"v:{action.user}:{action.offset}"
    elif isinstance(action, Unsave):
        data = f"u:{action.user}:{action.offset}:{action.arxiv_id}"
    else:
        data = f"c:{action.name}:{action.argument}:{action.chat}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: object) -> Action | None:
    """The action a payload names, or None for any payload this version could not have made (forged,
    from another version, cut short): every field is checked, so a press never fails past here and
    a None is answered as an expired button."""
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    if match := _OPEN.fullmatch(data):
        return OpenPaper(match["arxiv_id"])
    if match := _TOP.fullmatch(data):
        n, offset = int(match["n"]), int(match["offset"])
        try:
            day = date.fromisoformat(match["day"])
        except ValueError:
            return None
        return TopPage(day, n, offset) if n <= MAX_TOP_N and offset < n and offset % PAGE == 0 else None
    if match := _SEARCH.fullmatch(data):
        offset = int(match["offset"])
        return (
            SearchPage(match["token"], offset) if offset <= MAX_SEARCH_OFFSET and offset % PAGE == 0 else None
        )
    if match := _PRESS.fullmatch(data):
        return Press(_PRESS_KINDS[match["kind"]], match["arxiv_id"])
    if match := _RELATED.fullmatch(data):
        return Related(match["arxiv_id"])
    if (match := _SAVED.fullmatch(data) or _UNSAVE.fullmatch(data)) and _saved_offset(int(match["offset"])):
        user, offset = int(match["user"]), int(match["offset"])
        return Unsave(user, offset, match["arxiv_id"]) if data[0] == "u" else SavedList(user, offset)
    if match := _SETTING.fullmatch(data):
        name, argument = match["name"], match["argument"]
        known = argument in SETTING_ARGUMENTS.get(name, ()) or (
            name == "uf" and _FOLLOW_KEY.fullmatch(argument)
        )
        return Setting(name, argument, match["chat"]) if known else None
    return None


def _saved_offset(offset: int) -> bool:
    return offset <= MAX_SAVED_OFFSET and offset % SAVED_PAGE == 0
