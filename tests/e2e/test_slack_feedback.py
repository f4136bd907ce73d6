"""👍 / 👎 / Save on Slack end to end: signed button presses into the real Bolt endpoint, answers and
updates through the fake Web API. A pushed card is relabelled in place for everyone and the presser
alone is told; an ephemeral card is redrawn with the counts; /papers saved pages and removes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from bot.config import PushSettings
from bot.delivery import Deliverer, Scheduler
from bot.models import Destination, PushFormat, Subscription
from handlers.slack_adapter.notifier import SlackNotifier
from handlers.slack_adapter.render import SAVED_REMOVE_ACTION
from tests.e2e.slack_rig import SlackRig, button_value, running_slack
from tests.fakes.slack_api import DEFAULT_USER_ID, ResponsePost, SlackMessage
from tests.fakes.slack_requests import DEFAULT_CHANNEL_ID, find_action

HERE = Destination(platform="slack", chat_id=DEFAULT_CHANNEL_ID)
OTHER_USER = "U0OTHER"


def label(blocks: object, action_id: str) -> str:
    found: dict[str, Any] = find_action_anywhere(blocks, action_id)
    return str(found["text"]["text"])


def find_action_anywhere(blocks: object, action_id: str) -> dict[str, Any]:
    found = find_action(blocks, action_id)
    assert found is not None, f"no {action_id} in {json.dumps(blocks)[:300]}"
    return found[1]


async def push_cards(rig: SlackRig, n: int, fmt: PushFormat = "cards") -> list[SlackMessage]:
    await rig.store.save_subscription(
        Subscription(
            destination=HERE,
            chat_type="channel",
            send_time=clock_time(0, 0),
            top_n=n,
            format=fmt,
            active_since=datetime(2020, 1, 1, tzinfo=UTC),
        )
    )
    settings = PushSettings(workers=1)
    await Scheduler(rig.store, settings).enqueue_due(everyone_now=True)
    report = await Deliverer(rig.store, {"slack": SlackNotifier(rig.client)}, settings).drain()
    assert report.pushes == 1
    return rig.fake.messages(DEFAULT_CHANNEL_ID)


async def click(rig: SlackRig, action_id: str, *, message: SlackMessage | None = None,
                value: str | None = None, user: str = DEFAULT_USER_ID) -> ResponsePost:  # fmt: skip
    """Press as `user`; the one response the app posts back."""
    before = len(rig.fake.responses)
    delivery = await rig.as_user(user_id=user).click(action_id, value, message=message)
    assert delivery.status == 200, delivery.text
    return (await rig.fake.wait_for_responses(before + 1))[-1]


async def test_a_pushed_card_is_relabelled_for_everyone(tmp_path: Path) -> None:
    async with running_slack(tmp_path, rate_limits=False) as rig:
        rig.fake.add_user(OTHER_USER, "other")
        _heading, card, _ = await push_cards(rig, 2)
        arxiv_id = str(find_action_anywhere(card.blocks, "feedback-like")["value"])
        assert [label(card.blocks, f"feedback-{k}") for k in ("like", "dislike", "save")] == [
            "👍",
            "👎",
            "💾 Save",
        ]

        said = await click(rig, "feedback-like", message=card)
        assert said.response_type == "ephemeral"
        assert not said.replace_original
        assert said.text == f"👍 noted for {arxiv_id} (1 here)."
        await rig.fake.wait_until(lambda: len(rig.fake.updates) == 1)
        assert label(rig.fake.current(DEFAULT_CHANNEL_ID, card.ts).blocks, "feedback-like") == "👍 1"

        current = rig.fake.current(DEFAULT_CHANNEL_ID, card.ts)
        other = await click(rig, "feedback-like", message=current, user=OTHER_USER)
        assert other.text == f"👍 noted for {arxiv_id} (2 here)."
        await rig.fake.wait_until(lambda: len(rig.fake.updates) == 2)
        current = rig.fake.current(DEFAULT_CHANNEL_ID, card.ts)
        assert label(current.blocks, "feedback-like") == "👍 2"

        back = await click(rig, "feedback-like", message=current)
        assert back.text == f"👍 taken back for {arxiv_id}."
        await rig.fake.wait_until(lambda: len(rig.fake.updates) == 3)
        current = rig.fake.current(DEFAULT_CHANNEL_ID, card.ts)
        await click(rig, "feedback-dislike", message=current)
        await rig.fake.wait_until(lambda: len(rig.fake.updates) == 4)
        current = rig.fake.current(DEFAULT_CHANNEL_ID, card.ts)
        assert [label(current.blocks, f"feedback-{k}") for k in ("like", "dislike")] == ["👍 1", "👎 1"]
        assert (current.blocks or [])[:-1] == (card.blocks or [])[:-1]  # only the buttons changed
        assert len(rig.fake.messages(DEFAULT_CHANNEL_ID)) == 3  # nothing posted again
        assert rig.fake.errors == []


async def test_a_compact_push_opens_each_card_for_the_one_who_asks(tmp_path: Path) -> None:
    async with running_slack(tmp_path, rate_limits=False) as rig:
        [digest] = await push_cards(rig, 4, "compact")
        arxiv_id = str(find_action_anywhere(digest.blocks, "open")["value"])
        card = await click(rig, "open", message=digest)
        assert card.response_type == "ephemeral"
        assert f"arxiv.org/abs/{arxiv_id}" in json.dumps(card.blocks)
        liked = await click(rig, "feedback-like", value=arxiv_id)  # on that ephemeral card
        assert label(liked.blocks, "feedback-like") == "👍 1"
        assert (await rig.service.tally(HERE, arxiv_id)).likes == 1
        assert rig.fake.errors == []


async def test_an_ephemeral_card_is_redrawn_with_counts(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        [card] = await rig.answer("/papers", "paper 2502.15007")
        assert label(card.blocks, "feedback-save") == "💾 Save"
        saved = await click(rig, "feedback-save", value="2502.15007")
        assert saved.replace_original
        assert label(saved.blocks, "feedback-save") == "💾 1"
        assert "2502.15007 is in your saved papers here." in json.dumps(saved.blocks, ensure_ascii=False)
        assert button_value(saved, "share")  # still the member's own card, Share and all
        again = await click(rig, "feedback-save", value="2502.15007")
        assert label(again.blocks, "feedback-save") == "💾 Save"
        assert "was removed" in json.dumps(again.blocks)
        assert rig.fake.errors == []


async def test_related_on_a_card_answers_privately(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        [card] = await rig.answer("/papers", "paper 2502.15007")
        assert label(card.blocks, "related") == "🔗 Related"
        related = await click(rig, "related", value="2502.15007")
        assert related.response_type == "ephemeral"
        assert not related.replace_original  # the card stays; the list comes under it
        assert "Related to “LLM-Microscope" in json.dumps(related.blocks, ensure_ascii=False)
        forged = await click(rig, "related", value="2502.15007v9")
        assert forged.text == "This button no longer works. Run the command again."
        assert rig.fake.errors == []


async def test_saved_pages_and_removes(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        [empty] = await rig.answer("/papers", "saved")
        assert "No saved papers here yet" in json.dumps(empty.blocks)
        papers = await rig.service.day_list((await rig.service.top()).day)  # type: ignore[arg-type]
        for paper in papers[:11]:
            await rig.service.save(HERE, DEFAULT_USER_ID, paper.arxiv_id, True)
        [first] = await rig.answer("/papers", "saved")
        assert first.response_type == "ephemeral"
        assert "Your saved papers here (11)" in json.dumps(first.blocks)
        assert "*10.*" in json.dumps(first.blocks)
        second = await click(rig, "saved-page-next", value=button_value(first, "saved-page-next"))
        assert second.replace_original
        assert "*11.*" in json.dumps(second.blocks)
        remove = button_value(second, SAVED_REMOVE_ACTION)
        removed = await click(rig, SAVED_REMOVE_ACTION, value=remove)
        text = json.dumps(removed.blocks, ensure_ascii=False)
        assert "Your saved papers here (10)" in text
        assert "*10.*" in text  # the last page emptied: the page before it
        assert f"{remove.split(':', 1)[1]} was removed from your saved papers." in text
        assert (await rig.service.saved_page(HERE, DEFAULT_USER_ID)).total == 10
        assert rig.fake.errors == []


async def test_forged_feedback_buttons_get_one_line(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        for action_id, value in [
            ("feedback-zap", "2502.15007"), ("feedback-like", "2502.15007v2"), ("feedback-like", "<script>"),
            ("feedback-save", ""), ("saved-page-next", "-10"), ("saved-page-next", "٣"),
            (SAVED_REMOVE_ACTION, "x:2502.15007"), (SAVED_REMOVE_ACTION, "0:nonsense"),
        ]:  # fmt: skip
            said = await click(rig, action_id, value=value)
            assert said.text == "This button no longer works. Run the command again.", (action_id, value)
        unknown = await click(rig, "feedback-like", value="2599.99999")
        assert unknown.text == "Paper 2599.99999 is not in the digest."
        assert rig.fake.errors == []
