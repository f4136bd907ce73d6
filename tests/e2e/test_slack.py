"""Slack end to end: signed requests into the real Bolt endpoint, answers through the fake Web API."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

import storage.sqlite
from bot.models import Destination
from handlers.slack_adapter.asks import OPEN_ACTION, SHARE_ACTION
from tests.e2e.slack_rig import GUEST, OUTSIDE, button_value, running_slack
from tests.fakes.slack_api import DEFAULT_USER_ID
from tests.fakes.slack_requests import DEFAULT_CHANNEL_ID, post_signed, slash_command

HERE = Destination(platform="slack", chat_id=DEFAULT_CHANNEL_ID)


def _text(blocks: object) -> str:
    return json.dumps(blocks, ensure_ascii=False)


async def test_top_answers_privately_with_pages_and_share(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        started = time.perf_counter()
        delivery = await rig.user.command("/papers", "top 15")
        assert delivery.status == 200
        assert time.perf_counter() - started < 3  # acknowledged well within Slack's 3 seconds
        [first] = await rig.fake.wait_for_responses(1)
        assert first.response_type == "ephemeral"
        assert "*1.*" in _text(first.blocks)
        assert "*10.*" in _text(first.blocks)
        assert "*11.*" not in _text(first.blocks)
        nxt = await rig.user.click("page-next", button_value(first, "page-next"))
        assert nxt.status == 200
        [_, second] = await rig.fake.wait_for_responses(2)
        assert second.replace_original
        assert "*11.*" in _text(second.blocks)
        assert "*15.*" in _text(second.blocks)
        share = await rig.user.click(SHARE_ACTION, button_value(second, SHARE_ACTION))
        assert share.status == 200
        shared = (await rig.fake.wait_for_responses(3))[-1]
        assert shared.response_type == "in_channel"
        assert f"<@{DEFAULT_USER_ID}>" in _text(shared.blocks)
        assert "page-next" not in _text(shared.blocks)
        assert rig.fake.errors == []


async def test_search_paper_and_open_buttons(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        [found] = await rig.answer("/search", "모델")
        assert "LLM" in _text(found.blocks) or "모델" in _text(found.blocks)
        arxiv_id = button_value(found, OPEN_ACTION)
        await rig.user.click(OPEN_ACTION, arxiv_id)
        card = (await rig.fake.wait_for_responses(2))[-1]
        assert card.blocks is not None
        assert card.blocks[0]["type"] == "header"
        assert f"arxiv.org/abs/{arxiv_id}" in _text(card.blocks)
        [paper] = await rig.answer("/papers", "paper https://arxiv.org/abs/2502.15007v2")
        assert "2502.15007" in _text(paper.blocks)
        assert rig.fake.errors == []


async def test_bad_arguments_get_a_usage_line_in_slack_syntax(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        [bad] = await rig.answer("/papers", "top lots")
        assert "/papers top [N] [YYYY-MM-DD]" in bad.text
        assert "/papers top 5 2025-02-24" in bad.text
        [empty] = await rig.answer("/papers", "search")
        assert "/papers search" in empty.text
        [unknown] = await rig.answer("/papers", "dance")
        assert "dance" in unknown.text
        [helped] = await rig.answer("/papers")
        assert "/papers subscribe [HH:MM] [Area/City]" in _text(helped.blocks)
        [too_many] = await rig.answer("/top", "99")
        assert "50" in too_many.text


async def test_subscribe_checks_who_and_where(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        [said] = await rig.answer("/papers", "subscribe 08:30 Asia/Seoul")
        assert said.response_type == "in_channel"
        assert f"<@{DEFAULT_USER_ID}>" in _text(said.blocks)
        subscription = await rig.service.subscription(HERE)
        assert subscription is not None
        assert (f"{subscription.send_time:%H:%M}", subscription.time_zone) == ("08:30", "Asia/Seoul")
        assert subscription.title == "#digest"

        rig.user = rig.as_user(channel_id=OUTSIDE)
        [outside] = await rig.answer("/papers", "subscribe")
        assert "/invite" in outside.text
        rig.user = rig.as_user(user_id=GUEST)
        [guest] = await rig.answer("/papers", "unsubscribe")
        assert "full members" in guest.text
        assert (await rig.service.subscription(HERE)).active  # type: ignore[union-attr]

        rig.user = rig.as_user()
        [stopped] = await rig.answer("/papers", "unsubscribe")
        assert stopped.response_type == "in_channel"
        assert not (await rig.service.subscription(HERE)).active  # type: ignore[union-attr]


async def test_settings_modal_edits_and_announces(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        await rig.answer("/papers", "subscribe")
        delivery = await rig.user.command("/papers", "settings")
        assert delivery.status == 200
        await rig.fake.wait_until(lambda: bool(rig.fake.opened_views))
        [modal] = rig.fake.opened_views
        assert modal.private_metadata == DEFAULT_CHANNEL_ID

        values = {
            b["block_id"]: {"value": _initial(b["element"])} for b in modal.view["blocks"] if "element" in b
        }
        values["zone"] = {"value": {"type": "plain_text_input", "value": "Asia/Seol"}}
        refused = await rig.user.submit(modal, values)
        assert refused.status == 200
        assert json.loads(refused.text)["response_action"] == "errors"
        assert "Asia/Seoul" in json.loads(refused.text)["errors"]["zone"]

        values["zone"] = {"value": {"type": "plain_text_input", "value": "Europe/Berlin"}}
        values["top_n"] = {"value": {"type": "number_input", "value": "3"}}
        values["include"] = {"value": {"type": "plain_text_input", "value": "diffusion, 모델"}}
        accepted = await rig.user.submit(modal, values)
        assert accepted.status == 200
        assert accepted.text in ("", "null")
        [announcement] = await rig.fake.wait_for_messages(1)
        assert announcement.channel == DEFAULT_CHANNEL_ID
        assert "Europe/Berlin" in _text(announcement.blocks)
        assert f"<@{DEFAULT_USER_ID}>" in _text(announcement.blocks)
        subscription = await rig.service.subscription(HERE)
        assert subscription is not None
        assert (subscription.time_zone, subscription.top_n) == ("Europe/Berlin", 3)
        assert subscription.include == ("diffusion", "모델")


def _initial(element: dict[str, object]) -> dict[str, object]:
    """What Slack submits for an untouched input: its initial value in the element's state shape."""
    kind = element["type"]
    if kind == "timepicker":
        return {"type": kind, "selected_time": element["initial_time"]}
    if kind == "checkboxes":
        return {"type": kind, "selected_options": element.get("initial_options", [])}
    if kind in ("radio_buttons", "static_select"):
        return {"type": kind, "selected_option": element["initial_option"]}
    if kind == "multi_static_select":
        return {"type": kind, "selected_options": element.get("initial_options", [])}
    return {"type": kind, "value": element.get("initial_value")}


async def test_preview_and_days(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        [none] = await rig.answer("/papers", "preview")
        assert "subscribe" in none.text.lower()
        await rig.answer("/papers", "subscribe 09:00 UTC")
        [preview] = await rig.answer("/papers", "preview")
        assert "UTC" in _text(preview.blocks)
        [days] = await rig.answer("/papers", "days")
        assert "2025-02-24" in _text(days.blocks)


async def test_app_home_lists_top_papers_and_my_subscriptions(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        await rig.answer("/papers", "subscribe 07:00 Asia/Seoul")
        delivery = await rig.user.open_home()
        assert delivery.status == 200
        await rig.fake.wait_until(lambda: rig.fake.home(DEFAULT_USER_ID) is not None)
        home = rig.fake.home(DEFAULT_USER_ID)
        assert home is not None
        shown = _text(home.view["blocks"])
        assert "2502.15007" in shown
        assert f"<#{DEFAULT_CHANNEL_ID}>" in shown
        assert "07:00 Asia/Seoul" in shown


async def test_forged_and_stale_requests_get_401(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        body = slash_command("/papers", "top", response_url=rig.fake.response_url(), trigger_id="t")
        assert (await post_signed(rig.url, body, forge=True))[0] == 401
        assert (await post_signed(rig.url, body, timestamp=int(time.time()) - 301))[0] == 401
        assert (await post_signed(rig.url, body, "another-secret"))[0] == 401
        assert rig.fake.responses == []


async def test_a_database_that_does_not_answer_gets_the_apology_not_its_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The SQLite file's write lock is held by another program past the busy timeout: the channel
    cannot subscribe now. The user gets the apology; the database's sentence goes to the log."""
    monkeypatch.setattr(storage.sqlite, "BUSY_TIMEOUT_MS", 200)
    async with running_slack(tmp_path) as rig:
        other = sqlite3.connect(tmp_path / "slack.db", isolation_level=None, timeout=10)
        other.execute("BEGIN EXCLUSIVE")
        try:
            [said] = await rig.answer("/papers", "subscribe 08:30 Asia/Seoul")
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert "Something went wrong on my side" in _text(said.blocks)
        assert "slack.db" not in _text(said.blocks)
        assert "slack.db is locked by another program" in caplog.text
        assert "Traceback" not in caplog.text
