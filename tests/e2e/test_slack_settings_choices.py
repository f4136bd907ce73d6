"""Slack's settings modal for how often, the code filters, the ranking and the follows: opened over the
real Bolt app against the fake Web API (which checks the modal's blocks), submitted, checked, saved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.models import Destination, Follow, Subscription
from tests.e2e.slack_rig import SlackRig, running_slack
from tests.e2e.test_slack import _initial
from tests.fakes.slack_api import DEFAULT_USER_ID
from tests.fakes.slack_requests import DEFAULT_CHANNEL_ID

HERE = Destination(platform="slack", chat_id=DEFAULT_CHANNEL_ID)
FOLLOWS = (Follow(kind="author", value="Yann LeCun"), Follow(kind="org", value="Meta"))


async def open_modal(rig: SlackRig) -> tuple[Any, dict[str, Any]]:
    """Open the settings modal; it and what Slack would submit for it untouched."""
    before = len(rig.fake.opened_views)
    assert (await rig.user.command("/papers", "settings")).status == 200
    await rig.fake.wait_until(lambda: len(rig.fake.opened_views) > before)
    modal = rig.fake.opened_views[-1]
    blocks = modal.view["blocks"]
    return modal, {b["block_id"]: {"value": _initial(b["element"])} for b in blocks if "element" in b}


def element(modal: Any, block_id: str) -> dict[str, Any]:
    return next(b["element"] for b in modal.view["blocks"] if b.get("block_id") == block_id)


def pick(modal: Any, block_id: str, value: str) -> dict[str, Any]:
    """What Slack submits when the option `value` of a select or radio input is chosen."""
    found = element(modal, block_id)
    option = next(o for o in found["options"] if o["value"] == value)
    return {"value": {"type": found["type"], "selected_option": option}}


def picks(modal: Any, block_id: str, *values: str) -> dict[str, Any]:
    found = element(modal, block_id)
    options = [o for o in found["options"] if o["value"] in values]
    return {"value": {"type": found["type"], "selected_options": options}}


async def saved(rig: SlackRig) -> Subscription:
    subscription = await rig.service.subscription(HERE)
    assert subscription is not None
    return subscription


async def test_the_modal_changes_cadence_filters_ranking_and_follows(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        await rig.answer("/papers", "subscribe")
        await rig.service.update_subscription(HERE, "test", follows=FOLLOWS)
        modal, values = await open_modal(rig)
        assert [o["text"]["text"] for o in element(modal, "unfollow")["options"]] == [
            "author: Yann LeCun",
            "org: Meta",
        ]
        assert element(modal, "month_day")["options"][30]["text"]["text"] == "31 (last day in shorter months)"
        assert element(modal, "cadence")["initial_option"]["value"] == "daily"

        values["cadence"] = pick(modal, "cadence", "weekly")
        values["week_day"] = pick(modal, "week_day", "4")
        accepted = await rig.user.submit(modal, values)
        assert accepted.text in ("", "null")
        [announcement] = await rig.fake.wait_for_messages(1)
        assert "*How often:* Weekly, on Friday" in json.dumps(announcement.blocks, ensure_ascii=False)
        assert ((await saved(rig)).cadence, (await saved(rig)).week_day) == ("weekly", 4)
        assert (await rig.user.open_home()).status == 200
        await rig.fake.wait_until(lambda: rig.fake.home(DEFAULT_USER_ID) is not None)
        home = rig.fake.home(DEFAULT_USER_ID)
        assert home is not None
        assert "Weekly, on Friday" in json.dumps(home.view["blocks"], ensure_ascii=False)  # App Home

        modal, values = await open_modal(rig)
        assert element(modal, "week_day")["initial_option"]["value"] == "4"
        values["cadence"] = pick(modal, "cadence", "monthly")
        values["month_day"] = pick(modal, "month_day", "31")
        values["has_code"] = picks(modal, "has_code", "has_code")
        values["min_stars"] = {"value": {"type": "number_input", "value": "100"}}
        values["ranking"] = pick(modal, "ranking", "personal")
        key = element(modal, "unfollow")["options"][0]["value"]
        values["unfollow"] = picks(modal, "unfollow", key)
        await rig.service.update_subscription(  # a follow added while the modal is open stays
            HERE, "test", follows=(*FOLLOWS, Follow(kind="search", value="diffusion"))
        )
        accepted = await rig.user.submit(modal, values)
        assert accepted.text in ("", "null")
        # One message a channel at a time (the fake's rate limit): the second change is told privately.
        await rig.fake.wait_until(lambda: bool(rig.fake.ephemerals))
        subscription = await saved(rig)
        assert (subscription.cadence, subscription.month_day) == ("monthly", 31)
        assert (subscription.has_code, subscription.min_stars) == (True, 100)
        assert subscription.ranking == "personal"
        assert subscription.follows == (FOLLOWS[1], Follow(kind="search", value="diffusion"))
        said = json.dumps(rig.fake.ephemerals[-1].blocks, ensure_ascii=False)
        assert "Monthly, on day 31 (last day in shorter months)" in said
        assert "only papers with code" in said
        assert "at least 100 ★" in said
        assert "personal: votes blended with your 👍/👎" in said

        modal, values = await open_modal(rig)
        assert element(modal, "has_code")["initial_options"][0]["value"] == "has_code"
        assert element(modal, "min_stars")["initial_value"] == "100"
        assert element(modal, "ranking")["initial_option"]["value"] == "personal"
        assert element(modal, "month_day")["initial_option"]["value"] == "31"


async def test_a_bad_stars_floor_is_said_next_to_its_field(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        await rig.answer("/papers", "subscribe")
        modal, values = await open_modal(rig)
        assert "unfollow" not in values  # nothing followed: no field for it
        for typed in ("-5", "lots", "99999999999"):
            values["min_stars"] = {"value": {"type": "number_input", "value": typed}}
            refused = await rig.user.submit(modal, values)
            answer = json.loads(refused.text)
            assert answer["response_action"] == "errors"
            assert answer["errors"] == {"min_stars": "A whole number from 0 to 10000000."}
        assert (await saved(rig)).min_stars == 0
        values["unfollow"] = {"value": {"type": "multi_static_select", "selected_options": [{"value": "x"}]}}
        values["min_stars"] = {"value": {"type": "number_input", "value": "5"}}
        forged = await rig.user.submit(modal, values)
        assert forged.status == 400
        assert (await saved(rig)).min_stars == 0
