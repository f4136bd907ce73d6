"""The /settings payloads for how often, stars, ranking and follows: each fits Telegram's 64 bytes with
the longest chat id, reads back as made, and a forged one reads as nothing."""

from __future__ import annotations

import pytest

from bot.models import Follow
from bot.views import follow_key
from handlers.telegram_adapter.callbacks import MAX_BYTES, SETTING_ARGUMENTS, Setting, decode, encode

LONGEST_CHAT = "-1009999999999999"
NEW = ("cad", "wk", "md", "code", "st", "rank", "fl")


def test_every_new_payload_fits_and_reads_back() -> None:
    presses = [Setting(name, argument, LONGEST_CHAT) for name in NEW for argument in SETTING_ARGUMENTS[name]]
    presses.append(Setting("uf", follow_key(Follow(kind="search", value="x" * 100)), LONGEST_CHAT))
    for press in presses:
        data = encode(press)
        assert len(data.encode()) <= MAX_BYTES
        assert decode(data) == press


@pytest.mark.parametrize(
    "data",
    ["c:md:29:", "c:md:0:", "c:wk:7:", "c:st:5:", "c:cad:yearly:", "c:uf:abc:", "c:uf:0123456g:", "c:uf::"],
)
def test_forged_choices_read_as_nothing(data: str) -> None:
    assert decode(data) is None
