"""👍 / 👎 / Save on Discord end to end: signed component interactions into the real route, answers
checked by the fake Discord. A press relabels the card's buttons in place (type 7 with only the
components, so the card stays) and tells the member privately (an ephemeral follow-up); every member
counts once; /papers saved pages and removes; forged custom_ids get one line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

import pytest

import handlers.discord_adapter.app
from bot.cards import digest_items
from bot.config import PushSettings
from bot.delivery import Deliverer, Scheduler
from bot.models import Destination, Paper, PushFormat, Subscription
from handlers.discord_adapter.notifier import DiscordNotifier
from handlers.discord_adapter.render import opener_rows
from tests.e2e.discord_rig import CHANNEL, MODERATOR, DiscordRig, running_discord
from tests.fakes.discord_api import DEFAULT_USER_ID, SentMessage

HERE = Destination(platform="discord", chat_id=CHANNEL)
EXPIRED = "This button has expired. Run the command again."


def labels(message: SentMessage, arxiv_id: str) -> list[str]:
    return [
        str(child["label"])
        for row in message.components
        for child in row["components"]
        if str(child.get("custom_id", "")).startswith("feedback:")
        and str(child["custom_id"]).endswith(f":{arxiv_id}")
    ]


async def push_cards(rig: DiscordRig, n: int, fmt: PushFormat = "cards") -> list[SentMessage]:
    subscription = Subscription(
        destination=HERE, chat_type="channel", send_time=clock_time(0, 0), top_n=n, format=fmt,
        active_since=datetime(2020, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    await rig.store.save_subscription(subscription)
    settings = PushSettings(workers=1)
    await Scheduler(rig.store, settings).enqueue_due(everyone_now=True)
    notifier = DiscordNotifier(rig.rest, rig.settings.rate_per_second)
    report = await Deliverer(rig.store, {"discord": notifier}, settings).drain()
    assert report.pushes == 1
    return rig.fake.messages(CHANNEL)


async def press(rig: DiscordRig, message: SentMessage, custom_id: str, user: str = DEFAULT_USER_ID) -> str:
    """Press on the message as it is now; the private line the member is told."""
    before = len(rig.fake.sent)
    exchange = await rig.press(rig.fake.current(message.message_id), custom_id, user_id=user)
    assert exchange.problems == []
    if exchange.status == 200:  # an answer in the response: a plain ephemeral line
        return str(exchange.data["content"])
    assert exchange.status == 204
    await rig.fake.wait_until(lambda: len(rig.fake.sent) >= before + 2)  # the update, the follow-up
    followup = rig.fake.sent[-1]
    assert (followup.source, followup.ephemeral) == ("followup", True)
    return followup.content


async def test_a_pushed_card_is_relabelled_and_the_member_told(tmp_path: Path) -> None:
    async with running_discord(tmp_path, rate_limits=False) as rig:
        _heading, card, _ = await push_cards(rig, 2)
        arxiv_id = next(c for c in card.custom_ids() if c.startswith("feedback:like:")).split(":", 2)[2]
        assert labels(card, arxiv_id) == ["👍", "👎", "💾 Save"]

        said = await press(rig, card, f"feedback:like:{arxiv_id}")
        assert said == f"👍 noted for {arxiv_id} (1 here)."
        assert labels(rig.fake.current(card.message_id), arxiv_id) == ["👍 1", "👎", "💾 Save"]
        said = await press(rig, card, f"feedback:like:{arxiv_id}", MODERATOR)
        assert said == f"👍 noted for {arxiv_id} (2 here)."
        assert labels(rig.fake.current(card.message_id), arxiv_id)[0] == "👍 2"
        await press(rig, card, f"feedback:dislike:{arxiv_id}")  # one vote per member: replaced
        assert labels(rig.fake.current(card.message_id), arxiv_id)[:2] == ["👍 1", "👎 1"]
        said = await press(rig, card, f"feedback:dislike:{arxiv_id}")
        assert said == f"👎 taken back for {arxiv_id}."

        now = rig.fake.current(card.message_id)
        assert now.embeds == card.embeds  # the card itself was never touched
        assert [c["label"] for c in now.components[0]["components"]][:3] == ["arXiv", "PDF", "HF"]
        public = [m for m in rig.fake.messages(CHANNEL) if m.source == "channel"]
        assert len(public) == 3  # nothing posted again: the heading and the two cards
        assert rig.fake.errors == []


async def test_lists_and_compact_pushes_open_cards_from_a_menu(tmp_path: Path) -> None:
    async with running_discord(tmp_path, rate_limits=False) as rig:
        messages = await push_cards(rig, 30, "compact")
        menus = [row["components"][0] for message in messages for row in message.components]
        options = [option for menu in menus for option in menu["options"]]
        assert [o["label"].split(".")[0] for o in options] == [str(n) for n in range(1, 31)]  # each once
        digest = messages[-1]
        menu = digest.components[0]["components"][0]
        picked = menu["options"][-1]
        assert picked["label"].startswith("30. ")
        opened = await rig.press(digest, menu["custom_id"], values=[picked["value"]])
        assert opened.data["flags"] == 64  # the card is the member's own
        card = rig.last()
        assert labels(card, picked["value"]) == ["👍", "👎", "💾 Save"]
        said = await press(rig, card, f"feedback:like:{picked['value']}")
        assert said == f"👍 noted for {picked['value']} (1 here)."

        await rig.run("papers", {"n": 5}, subcommand="top")
        listing = rig.last()
        assert "open:0" in listing.custom_ids()
        forged = await rig.press(listing, "open:0", values=["../etc/passwd"])
        assert forged.data["content"] == EXPIRED
        assert rig.fake.errors == []


def test_a_menu_holds_25_papers_and_more_get_another() -> None:
    items = digest_items([Paper(arxiv_id=f"2502.{n:05d}", title=f"Paper {n}") for n in range(60)], "en")
    menus = [row["components"][0] for row in opener_rows(items, "en")]
    assert [(m["custom_id"], len(m["options"])) for m in menus] == [
        ("open:0", 25),
        ("open:1", 25),
        ("open:2", 10),
    ]


async def test_the_members_own_card_and_saved_list(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("papers", {"paper": "2502.15007"}, subcommand="paper")
        card = rig.last()
        assert labels(card, "2502.15007") == ["👍", "👎", "💾 Save"]
        said = await press(rig, card, "feedback:save:2502.15007")
        assert "is in your saved papers here" in said
        updated = rig.fake.current(card.message_id)
        assert updated.ephemeral
        assert labels(updated, "2502.15007") == ["👍", "👎", "💾 1"]
        assert any(c.startswith("share:") for c in updated.custom_ids())

        papers = await rig.service.day_list((await rig.service.top()).day)  # type: ignore[arg-type]
        for paper in papers[:11]:  # 2502.15007, saved above, is among them
            await rig.service.save(HERE, DEFAULT_USER_ID, paper.arxiv_id, True)
        await rig.run("papers", subcommand="saved")
        first = rig.last()
        assert first.ephemeral
        text = json.dumps(first.embeds, ensure_ascii=False)
        assert "Your saved papers here (11)" in text
        assert "**10.**" in text
        assert "saved:10" in first.custom_ids()
        assert all(len(c) <= 100 for c in first.custom_ids())
        await rig.press(first, "saved:10")
        second = rig.fake.current(first.message_id)
        assert "**11.**" in json.dumps(second.embeds)
        remove = next(c for c in second.custom_ids() if c.startswith("unsave:10:"))
        await rig.press(second, remove)
        after = rig.fake.current(first.message_id)
        assert "Your saved papers here (10)" in json.dumps(after.embeds, ensure_ascii=False)
        assert "**10.**" in json.dumps(after.embeds)  # the last page emptied: the page before it
        assert "was removed from your saved papers" in after.content
        assert (await rig.service.saved_page(HERE, DEFAULT_USER_ID)).total == 10
        assert rig.fake.errors == []


async def test_related_on_a_card_answers_privately(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("papers", {"paper": "2502.15007"}, subcommand="paper")
        card = rig.last()
        assert "related:2502.15007" in card.custom_ids()
        related = await rig.press(card, "related:2502.15007")
        assert related.data["flags"] == 64
        assert related.data["embeds"][0]["title"].startswith("Related to “LLM-Microscope")
        assert rig.fake.current(card.message_id).embeds == card.embeds
        assert rig.fake.errors == []


async def test_forged_buttons_get_one_line(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("papers", {"paper": "2502.15007"}, subcommand="paper")
        card = rig.last()
        for forged in [
            "feedback:zap:2502.15007", "feedback:like:2502.15007v2", "feedback:like:", "feedback:save:x/1",
            "saved:-10", "saved:٣", "saved:9999999", "unsave:x:2502.15007", "unsave:0:nonsense",
            "related:2502.15007v2", "related:",
        ]:  # fmt: skip
            payload = rig.fake.component(card, "feedback:like:2502.15007")
            payload["data"]["custom_id"] = forged
            exchange = await rig.fake.interact(rig.url, payload)
            assert exchange.data["content"] == EXPIRED, forged
        payload = rig.fake.component(card, "feedback:like:2502.15007")
        payload["data"]["custom_id"] = "feedback:like:2599.99999"
        unknown = await rig.fake.interact(rig.url, payload)
        assert unknown.data["content"] == "Paper 2599.99999 is not in the digest."


async def test_a_slow_press_is_deferred_and_still_changes_only_the_buttons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers.discord_adapter.app, "DEFER_AFTER", 0.0)  # every answer counts as slow
    async with running_discord(tmp_path, rate_limits=False) as rig:
        _heading, card = await push_cards(rig, 1)
        arxiv_id = next(c for c in card.custom_ids() if c.startswith("feedback:like:")).split(":", 2)[2]
        before = len(rig.fake.sent)
        deferred = await rig.press(card, f"feedback:like:{arxiv_id}")
        assert deferred.status == 204
        await rig.fake.wait_until(lambda: len(rig.fake.sent) >= before + 2)
        update, followup = rig.fake.sent[-2:]
        assert (update.source, update.message_id) == ("update", card.message_id)
        assert update.embeds == card.embeds
        assert labels(update, arxiv_id)[0] == "👍 1"
        assert (followup.source, followup.ephemeral) == ("followup", True)
        assert followup.content == f"👍 noted for {arxiv_id} (1 here)."
        assert rig.fake.errors == []
