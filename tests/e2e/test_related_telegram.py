"""/related through the real PTB Application and the rule-enforcing fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.telegram_rig import USER, Rig, running_bot


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with running_bot(tmp_path) as running:
        yield running


def _buttons(message: object) -> dict[str, str]:
    markup = getattr(message, "reply_markup", None) or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}


async def test_related_lists_the_nearest_papers_with_why_and_opens_them(rig: Rig) -> None:
    listing = (await rig.say(USER, "/related https://arxiv.org/abs/2502.15007v1"))[0]

    assert listing.text.startswith("Related to “LLM-Microscope")
    assert "(2502.15007)" in listing.text
    assert "\n1. SIFT: Grounding LLM Reasoning in Contexts via Stickers" in listing.text
    assert "Shared: Context" in listing.text
    assert "LLM-Microscope" not in listing.text.split("\n", 1)[1]  # never its own neighbour
    assert list(_buttons(listing))[:2] == ["1", "2"]
    assert "◀" not in _buttons(listing)

    before = len(rig.fake.sent)
    await rig.press(listing, _buttons(listing)["1"])
    await rig.fake.wait_sent(before + 1)
    opened = rig.fake.sent[-1]
    assert opened.method in ("sendPhoto", "sendMessage")
    assert opened.text.startswith("SIFT")
    assert rig.fake.errors == []


async def test_related_speaks_korean_and_explains_bad_references(rig: Rig) -> None:
    korean = (await rig.say(USER, "/related 2502.15007", language_code="ko"))[0]
    assert "비슷한 논문" in korean.text
    assert "공통: " in korean.text

    assert "Usage: /related <arXiv id or link>" in (await rig.say(USER, "/related"))[0].text
    assert "Usage: /related" in (await rig.say(USER, "/related nonsense"))[0].text
    unknown = (await rig.say(USER, "/related 2502.99999"))[0]
    assert unknown.text == "Paper 2502.99999 is not in the digest."
    assert rig.fake.errors == []
