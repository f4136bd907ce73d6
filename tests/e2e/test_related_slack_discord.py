"""/papers related on Slack and on Discord, end to end through their loopback fakes: the list with
each paper's shared terms, an Open button per paper (Slack), Share in channel, and usage lines."""

from __future__ import annotations

import json
from pathlib import Path

from handlers.slack_adapter.asks import OPEN_ACTION, SHARE_ACTION
from tests.e2e.discord_rig import running_discord
from tests.e2e.slack_rig import button_value, running_slack
from tests.fakes.discord_api import DEFAULT_USER_ID


def _text(blocks: object) -> str:
    return json.dumps(blocks, ensure_ascii=False)


async def test_slack_related_lists_opens_and_shares(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        [listing] = await rig.answer("/papers", "related https://arxiv.org/abs/2502.15007")
        assert listing.response_type == "ephemeral"
        assert "Related to “LLM-Microscope" in _text(listing.blocks)
        assert "Shared: Context" in _text(listing.blocks)
        assert button_value(listing, OPEN_ACTION) == "2502.14922"

        await rig.user.click(SHARE_ACTION, button_value(listing, SHARE_ACTION))
        shared = (await rig.fake.wait_for_responses(2))[-1]
        assert shared.response_type == "in_channel"
        assert "Shared: Context" in _text(shared.blocks)

        [usage] = await rig.answer("/papers", "related")
        assert "Usage: /papers related &lt;arXiv id or link&gt;" in usage.text  # escaped for mrkdwn
        [unknown] = await rig.answer("/papers", "related 2502.99999")
        assert "2502.99999 is not in the digest" in unknown.text
        assert rig.fake.errors == []


async def test_discord_related_lists_and_shares(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("papers", {"paper": "2502.15007"}, subcommand="related")
        listing = rig.last()
        assert listing.ephemeral
        assert "Related to “LLM-Microscope" in _text(listing.embeds)
        assert "Shared: Context" in _text(listing.embeds)
        [share, opener] = listing.custom_ids()
        assert share == "share:related:0:10::2502.15007"
        assert opener == "open:0"  # "Open a paper…": a related paper's card, with 👍 👎 Save

        await rig.press(listing, share)
        shared = rig.last()
        assert not shared.ephemeral
        assert f"<@{DEFAULT_USER_ID}>" in shared.content
        assert "Shared: Context" in _text(shared.embeds)

        missing = await rig.run("papers", {"paper": "not-a-paper"}, subcommand="related")
        assert "/papers related" in missing.data["content"]
        assert rig.fake.errors == []
