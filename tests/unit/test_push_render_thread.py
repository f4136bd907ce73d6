"""In the `thread` format every message after the first replies to it, where the platform has threads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.i18n import Lang, Text
from bot.models import Destination, OutboxItem, Paper, Subscription
from bot.push_render import Format, PushRenderer
from bot.schedule import DigestPeriod

DAY = date(2025, 2, 24)
PAPERS = [Paper(arxiv_id=f"2502.0000{i}", title=f"P{i}", days=(DAY,)) for i in range(3)]


def _digest(period: DigestPeriod, papers: list[Paper], fmt: Format, lang: Lang, reads: str) -> list[str]:
    return ["header"] + [p.arxiv_id for p in papers]


def _note(text: Text, lang: Lang) -> str:
    return "note"


def _item(fmt: Format, platform: str = "slack") -> OutboxItem:
    subscription = Subscription(
        destination=Destination.model_validate({"platform": platform, "chat_id": "C1"}),
        chat_type="channel",
        format=fmt,
    )
    now = datetime(2025, 2, 25, tzinfo=UTC)
    return OutboxItem(id=1, lease="x", subscription=subscription, kind="digest", digest_day=DAY,
                      due_at=now, leased_at=now)  # fmt: skip


@pytest.mark.parametrize(("fmt", "threads", "expected"), [
    ("thread", True, [None, 0, 0, 0]),
    ("cards", True, [None, None, None, None]),
    ("thread", False, [None, None, None, None]),  # no threads on the platform: plain cards
])  # fmt: skip
def test_replies_point_at_the_first_message(fmt: Format, threads: bool, expected: list[int | None]) -> None:
    renderer = PushRenderer(_digest, _note, lambda message, paper: message == paper.arxiv_id, threads=threads)
    messages = renderer.render(_item(fmt), PAPERS)
    assert [m.reply_to for m in messages] == expected
    assert [m.papers for m in messages] == [(), *((p.arxiv_id,) for p in PAPERS)]
