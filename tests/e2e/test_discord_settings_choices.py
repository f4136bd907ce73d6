"""Discord's settings pages for how often, the code filters, the ranking and the follows, over the real
interactions endpoint against the fake (which holds every message to Discord's limits: five rows,
25 options a select, custom_ids of at most 100 characters, five inputs a form)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.models import Destination, Follow, Subscription
from tests.e2e.discord_rig import CHANNEL, MODERATOR, DiscordRig, running_discord
from tests.fakes.discord_api import EPHEMERAL, SentMessage

HERE = Destination(platform="discord", chat_id=CHANNEL)
FOLLOWS = tuple(Follow(kind="author", value=f"Author {n}") for n in range(20))


def options(message: SentMessage, custom_id: str) -> list[dict[str, object]]:
    found = next(
        c for row in message.components for c in row["components"] if c.get("custom_id") == custom_id
    )
    return list(found["options"])


def embed(message: SentMessage) -> str:
    return json.dumps(message.embeds, ensure_ascii=False)


async def saved(rig: DiscordRig) -> Subscription:
    subscription = await rig.service.subscription(HERE)
    assert subscription is not None
    return subscription


async def test_cadence_filters_ranking_and_follows_change_through_the_menus(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("papers", subcommand="subscribe", user_id=MODERATOR)
        await rig.service.update_subscription(HERE, "test", follows=FOLLOWS)  # the most there can be
        await rig.run("papers", subcommand="settings", user_id=MODERATOR)
        menu = rig.last()

        await rig.press(menu, "setpage:2", user_id=MODERATOR)
        page = rig.last()
        assert page.custom_ids() == [
            "set:cadence",
            "set:cadence:w",
            "set:cadence:m1",
            "set:cadence:m2",
            "setpage:0",
        ]
        assert [o["value"] for o in options(page, "set:cadence:m2")][-1] == "monthly 31"
        assert options(page, "set:cadence:m2")[-1]["label"] == "31 (last day in shorter months)"
        await rig.press(page, "set:cadence:w", values=["weekly fri"], user_id=MODERATOR)
        assert ((await saved(rig)).cadence, (await saved(rig)).week_day) == ("weekly", 4)
        assert "Weekly, on Friday" in embed(rig.last())
        assert "Weekly push for" in embed(rig.last())
        await rig.press(rig.last(), "set:cadence:m2", values=["monthly 31"], user_id=MODERATOR)
        assert ((await saved(rig)).cadence, (await saved(rig)).month_day) == ("monthly", 31)
        assert "Monthly, on day 31 (last day in shorter months)" in embed(rig.last())
        await rig.press(rig.last(), "set:cadence", values=["daily"], user_id=MODERATOR)
        assert ((await saved(rig)).cadence, (await saved(rig)).month_day) == ("daily", 31)  # its day kept
        await rig.press(rig.last(), "set:cadence", values=["monthly"], user_id=MODERATOR)
        assert (await saved(rig)).cadence == "monthly"

        await rig.press(rig.last(), "setpage:0", user_id=MODERATOR)
        await rig.press(rig.last(), "setpage:3", user_id=MODERATOR)
        page = rig.last()
        assert page.custom_ids() == [
            "set:code", "set:stars", "set:ranking", "unfollow", "setpage:0", "setform",
        ]  # fmt: skip
        assert len(options(page, "unfollow")) == 20
        await rig.press(page, "set:code", values=["on"], user_id=MODERATOR)
        await rig.press(rig.last(), "set:stars", values=["100"], user_id=MODERATOR)
        await rig.press(rig.last(), "set:ranking", values=["personal"], user_id=MODERATOR)
        subscription = await saved(rig)
        assert (subscription.has_code, subscription.min_stars, subscription.ranking) == (
            True,
            100,
            "personal",
        )
        shown = embed(rig.last())
        assert "only papers with code" in shown
        assert "at least 100 ★" in shown
        assert "personal: votes blended with your 👍/👎" in shown

        keys = [str(o["value"]) for o in options(rig.last(), "unfollow")]
        await rig.press(rig.last(), "unfollow", values=keys[:2], user_id=MODERATOR)
        assert (await saved(rig)).follows == FOLLOWS[2:]
        assert len(options(rig.last(), "unfollow")) == 18
        assert rig.last().message_id == menu.message_id  # every pick redrew the one message

        refused = await rig.press(rig.last(), "unfollow", values=keys[2:3])  # not a manager
        assert refused.data["flags"] == EPHEMERAL
        assert (await saved(rig)).follows == FOLLOWS[2:]
        assert rig.fake.errors == []


async def test_any_stars_floor_is_typed_in_the_form(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("papers", subcommand="subscribe", user_id=MODERATOR)
        await rig.run("papers", subcommand="settings", user_id=MODERATOR)
        menu = rig.last()
        await rig.press(menu, "setform", user_id=MODERATOR)
        [form] = rig.fake.modals
        bad = rig.fake.modal_submit(form, {"stars": "lots"}, channel_id=CHANNEL, user_id=MODERATOR)
        refused = await rig.fake.interact(rig.url, bad)
        assert refused.data["flags"] == EPHEMERAL
        assert "stars STARS (0 or more)" in refused.data["content"]
        good = rig.fake.modal_submit(form, {"stars": "250"}, channel_id=CHANNEL, user_id=MODERATOR)
        saved_form = await rig.fake.interact(rig.url, good)
        assert saved_form.response_type == 7
        assert (await saved(rig)).min_stars == 250
        assert "at least 250 ★" in embed(rig.fake.current(menu.message_id))
        await rig.press(rig.fake.current(menu.message_id), "setpage:3", user_id=MODERATOR)
        assert "unfollow" not in rig.last().custom_ids()  # nothing followed: no select of none
        assert [o["value"] for o in options(rig.last(), "set:stars")] == ["0", "10", "100", "250", "1000"]
        assert rig.fake.errors == []
