"""Forged inline-button payloads: every field of every kind the adapter makes is fuzzed (wrong types,
missing and extra parts, huge numbers, other scripts' digits, unicode), and each decodes to None, which
the bot answers as an expired button. Every payload the adapter makes decodes back to itself."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from bot.models import Destination, Subscription
from handlers.telegram_adapter.callbacks import (
    SETTING_ARGUMENTS,
    Action,
    OpenPaper,
    Press,
    Related,
    SavedList,
    SearchPage,
    Setting,
    TopPage,
    Unsave,
    decode,
    encode,
)
from handlers.telegram_adapter.settings import settings_keyboard

pytestmark = pytest.mark.slow  # a fuzz: 2,624 forged payloads

# Values that are wrong for any field: types, shapes, sizes and scripts this version never writes.
WRONG = [
    "", "x", "zz", "-", "+", "++", "--", "1.5", "-1", "0x10", "1e9", "NaN", " 1", "1 ", "+1", "01", "00",
    "9" * 20, "9" * 40, "٣", "𝟙", "١٢", "²", "모델", "é", "🚀", "\u200f1", "\x00", "a:b", "::",
    "2025-02-30", "2025-13-01", "0000-00-00",
]  # fmt: skip

# Each kind as a template of fields; a forged payload replaces, drops or adds one field.
TEMPLATES: list[tuple[str, list[str]]] = [
    ("p", ["2502.15007"]),
    ("t", ["2025-02-24", "25", "10"]),
    ("s", ["abcDEF_12-x", "10"]),
    ("f", ["l", "2502.15007"]),
    ("f", ["s", "hep-th/9901001"]),
    ("r", ["2502.15007"]),
    ("v", ["1001", "10"]),
    ("u", ["1001", "10", "2502.15007"]),
    *(("c", [name, sorted(arguments)[-1], ""]) for name, arguments in SETTING_ARGUMENTS.items()),
    *(("c", [name, sorted(arguments)[-1], "-100700"]) for name, arguments in SETTING_ARGUMENTS.items()),
]


# Mutations that happen to name a real button (an empty argument where one is allowed, chat -1).
VALID_SETTINGS = {
    f"c:{name}:{argument}:{chat}"
    for name, arguments in SETTING_ARGUMENTS.items()
    for argument in arguments
    for chat in ("", "-1", "-100700")
}


def _join(kind: str, fields: list[str]) -> str:
    return ":".join([kind, *fields])


def forged_payloads() -> list[str]:
    forged: set[str] = set()
    for kind, fields in TEMPLATES:
        for index in range(len(fields)):
            for wrong in WRONG:
                mutated = [*fields[:index], wrong, *fields[index + 1 :]]
                forged.add(_join(kind, mutated))
            forged.add(_join(kind, fields[:index] + fields[index + 1 :]))  # a part missing
        forged.add(_join(kind, [*fields, "x"]))  # a part too many
        forged.add(_join(kind, [*fields, ""]))
        forged.add(kind)
        forged.add(kind + ":")
        forged.add(_join(kind, fields) + "\n")
        forged.add(_join(kind, fields).upper())
    for name in SETTING_ARGUMENTS:  # an argument of another setting
        for other in set(itertools.chain(*SETTING_ARGUMENTS.values())) - SETTING_ARGUMENTS[name]:
            forged.add(f"c:{name}:{other}:")
    forged |= {
        "c:n:+:-", "c:zz::", "c:wd:x:", "c:wd:7:", "c:wd:-1:", "c:n:+:99999999999999999999", "c:n:+:0",
        "c:n:+:-0", "c:tz:+:", "c:done:x:", "t:2025-02-24:0:0", "t:2025-02-24:51:0", "t:2025-02-24:10:10",
        "t:2025-02-24:25:5", "t:2025-02-24:25:25", "s:tok:5", "s:tok:99990", "p:2502.150", "p:25021.15007",
        "p:hep-th/990100", "p:HEP-TH/9901001", "p:2502.15007v2", "x:1", "", ":", "p", "🚀", "c" * 65,
        "p:" + "1" * 70,
        "f:x:2502.15007", "f:L:2502.15007", "f:l:2502.15007v2", "f:l:", "f::2502.15007", "v:0:0", "v:1001:5",
        "v:1001:100000", "v:-1001:0", "u:1001:5:2502.15007", "u:1001:0:2502.150", "u:1001:0", "v:01001:0",
        "r:", "r:2502.15007v1", "r:HEP-TH/9901001",
    }  # fmt: skip
    return sorted(forged - VALID_SETTINGS)


FORGED = forged_payloads()


def test_the_fuzz_covers_every_kind_and_is_large() -> None:
    assert {payload[:2] for payload in FORGED} >= {"p:", "t:", "s:", "c:", "f:", "r:", "v:", "u:"}
    assert len(FORGED) > 1000


@pytest.mark.parametrize("payload", FORGED)
def test_a_forged_payload_decodes_to_nothing(payload: str) -> None:
    """Nothing, except a search page whose opaque token alone is off: the database does not know it,
    and the press is answered as expired all the same (the end-to-end test presses them all)."""
    action = decode(payload)
    assert action is None or (isinstance(action, SearchPage) and action.offset == 10), payload


@pytest.mark.parametrize("payload", [None, 5, b"p:2502.15007", ["p:2502.15007"]])
def test_a_payload_that_is_no_string_decodes_to_nothing(payload: object) -> None:
    assert decode(payload) is None


MADE: list[Action] = [
    OpenPaper("2502.15007"),
    OpenPaper("hep-th/9901001"),
    OpenPaper("math.AG/0601001"),
    TopPage(date(2025, 2, 24), 50, 40),
    TopPage(date(2025, 2, 24), 1, 0),
    SearchPage("abcDEF_12-x", 0),
    SearchPage("t" * 32, 9990),
    Press("like", "2502.15007"),
    Press("dislike", "hep-th/9901001"),
    Press("save", "math.AG/0601001"),
    Related("hep-th/9901001"),
    SavedList(1001, 0),
    SavedList(9_999_999_999, 99_990),
    Unsave(1001, 10, "2502.15007"),
    Unsave(9_999_999_999_999, 99_990, "math.AG/0601001"),
]


@pytest.mark.parametrize("action", MADE)
def test_what_the_adapter_makes_comes_back(action: Action) -> None:
    assert decode(encode(action)) == action


@pytest.mark.parametrize("chat", ["", "-100700", "1001"])
def test_every_settings_button_comes_back(chat: str) -> None:
    """A new /settings button needs its name and arguments in SETTING_ARGUMENTS, or it would be
    answered as expired: this fails first."""
    subscription = Subscription(
        destination=Destination(platform="telegram", chat_id="1001"), chat_type="private"
    )
    for lang in ("en", "ko"):
        for row in settings_keyboard(subscription, lang, chat):
            for button in row:
                data = button["callback_data"]
                action = decode(data)
                assert isinstance(action, Setting), data
                assert encode(action) == data
