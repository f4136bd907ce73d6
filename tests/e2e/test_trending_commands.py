"""/trending end to end on Telegram, Slack and Discord, each through its rule-enforcing fake: the
list with what each paper gained, buttons to open a paper, one line when there is no history yet,
and a usage line for a bad argument."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.discord_rig import CHANNEL, running_discord
from tests.e2e.slack_rig import button_value, running_slack
from tests.e2e.telegram_rig import USER, running_bot
from tests.fixtures.vote_history import record_a_later_round

NO_HISTORY = "No vote history yet"


async def test_trending_on_telegram(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as rig:
        [empty] = await rig.say(USER, "/trending")
        assert NO_HISTORY in empty.text
        assert empty.reply_markup is None
        await record_a_later_round(rig.store)
        [listing] = await rig.say(USER, "/trending 5")
        lines = listing.text.splitlines()
        assert lines[0] == "Trending: votes gained in the last 24 h (lists of 2025-02-22 – 2025-02-24)"
        assert (
            "1. LLM-Microscope: Uncovering the Hidden Role of Punctuation in Context Memory of Transformers"
            " · ▲ 135 (+40 in 24 h)" in lines
        )
        assert any(line.startswith("2. SurveyX") and line.endswith("▲ 90 (+17 in 24 h)") for line in lines)
        assert listing.reply_markup is not None
        openers = [b for row in listing.reply_markup["inline_keyboard"] for b in row]
        assert [b["text"] for b in openers] == ["1", "2"]
        before = len(rig.fake.sent)
        await rig.press(listing, openers[0]["callback_data"])
        await rig.fake.wait_sent(before + 1)
        assert "LLM-Microscope" in (rig.fake.sent[-1].text or "")
        [korean] = await rig.say(USER, "/trending", language_code="ko")
        assert "▲ 135 (24시간 +40)" in korean.text
        [bad] = await rig.say(USER, "/trending many")
        assert "Usage: /trending [N], e.g. /trending 5" in bad.text
        assert rig.fake.errors == []


async def test_trending_on_slack(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        [empty] = await rig.answer("/papers", "trending")
        assert NO_HISTORY in json.dumps(empty.blocks, ensure_ascii=False)
        await record_a_later_round(rig.store)
        [listing] = await rig.answer("/papers", "trending 1")
        shown = json.dumps(listing.blocks, ensure_ascii=False)
        assert "▲ 135 (+40 in 24 h)" in shown
        assert "SurveyX" not in shown
        assert button_value(listing, "open") == "2502.15007"
        [bad] = await rig.answer("/papers", "trending 1 2")
        assert "/papers trending [N]" in bad.text
        assert rig.fake.errors == []


async def test_trending_on_discord(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("papers", subcommand="trending", channel_id=CHANNEL)
        assert NO_HISTORY in json.dumps(rig.last().embeds, ensure_ascii=False)
        await record_a_later_round(rig.store)
        await rig.run("papers", {"n": 2}, subcommand="trending", channel_id=CHANNEL)
        listing = rig.last()
        assert listing.ephemeral
        shown = json.dumps(listing.embeds, ensure_ascii=False)
        assert "▲ 135 (+40 in 24 h)" in shown
        assert "▲ 90 (+17 in 24 h)" in shown
        assert rig.fake.errors == []
