"""Discord end to end: signed interactions into the real route, answers checked by the fake Discord
(within 3 s, valid interaction responses, every message limit), follow-ups through hikari."""

from __future__ import annotations

import json
import time
from pathlib import Path

import aiohttp
import pytest

import handlers.discord_adapter.app
from bot.models import Destination
from tests.e2e.discord_rig import CHANNEL, DM_CHANNEL, MODERATOR, THREAD, running_discord
from tests.fakes.discord_api import DEFAULT_USER_ID, EPHEMERAL, sign

HERE = Destination(platform="discord", chat_id=CHANNEL)


def _text(message: object) -> str:
    return json.dumps(message, ensure_ascii=False)


async def test_the_endpoint_passes_discords_check_and_refuses_unsigned_requests(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        assert await rig.fake.check_endpoint(rig.url) == []  # signed PING -> PONG; forged, missing -> 401
        other = await rig.fake.interact(rig.url, rig.fake.ping(), signature="other_key", check=False)
        assert other.status == 401
        payload = rig.fake.command("top", channel_id=CHANNEL)
        body = json.dumps(payload).encode()
        stale = sign(rig.fake.signing_key, str(int(time.time()) - 600), body)
        async with aiohttp.ClientSession() as session, session.post(rig.url, data=body, headers=stale) as got:
            assert got.status == 401
        assert rig.fake.sent == []  # nothing refused reached a handler


async def test_a_signed_body_that_is_no_interaction_is_a_400(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        command = rig.fake.command("top", channel_id=CHANNEL)
        odd = [
            b"not json", b"[1, 2]", b'{"type": 2, "data": "x"}', b'{"type": 99}', b"\xff\xfe",
            json.dumps({**command, "type": 3}).encode(), json.dumps({**command, "member": 5}).encode(),
        ]  # fmt: skip
        for body in odd:
            headers = sign(rig.fake.signing_key, str(int(time.time())), body)
            async with (
                aiohttp.ClientSession() as session,
                session.post(rig.url, data=body, headers=headers) as got,
            ):
                assert got.status == 400, body
                assert "Traceback" not in await got.text()


async def test_top_answers_privately_with_pages_and_share(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        answered = await rig.run("papers", {"n": 15}, subcommand="top")
        assert answered.elapsed < 3
        first = rig.last()
        assert first.ephemeral
        assert first.source == "response"
        assert "**1.**" in _text(first.embeds)
        assert "**10.**" in _text(first.embeds)
        assert "**11.**" not in _text(first.embeds)
        [next_page, share, opener] = first.custom_ids()
        assert opener == "open:0"  # "Open a paper…": the picked card, with 👍 👎 Save
        assert next_page.startswith("page:")
        assert share.startswith("share:")

        await rig.press(first, next_page)
        second = rig.last()
        assert second.source == "update"
        assert second.message_id == first.message_id
        assert "**11.**" in _text(second.embeds)
        assert "**15.**" in _text(second.embeds)

        shares = [c for c in rig.fake.current(second.message_id).custom_ids() if c.startswith("share:")]
        await rig.press(second, shares[0])
        shared = rig.last()
        assert not shared.ephemeral
        assert f"<@{DEFAULT_USER_ID}>" in shared.content
        assert shared.custom_ids() == ["open:0"]  # no page or share buttons; anyone may open a card
        assert rig.fake.errors == []


async def test_search_paper_and_the_stand_alone_commands(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("search", {"words": "모델"})
        found = rig.last()
        assert "arxiv.org/abs/" in _text(found.embeds)
        assert all(len(custom_id) <= 100 for custom_id in found.custom_ids())
        await rig.run("papers", {"paper": "https://arxiv.org/abs/2502.15007v2"}, subcommand="paper")
        card = rig.last()
        assert card.embeds[0]["url"] == "https://arxiv.org/abs/2502.15007"
        assert card.embeds[0]["thumbnail"]["url"].endswith(".png")
        links = [c for row in card.components for c in row["components"] if c.get("style") == 5]
        assert [link["label"] for link in links][:3] == ["arXiv", "PDF", "HF"]
        await rig.run("top", {"n": 3})
        assert "**3.**" in _text(rig.last().embeds)
        assert "**4.**" not in _text(rig.last().embeds)
        await rig.run("papers", subcommand="today")
        await rig.run("papers", subcommand="days")
        assert "2025-02-24" in _text(rig.last().embeds)
        await rig.run("papers", subcommand="help")
        assert "/papers subscribe [HH:MM] [Area/City]" in _text(rig.last().embeds)
        assert rig.fake.errors == []


async def test_bad_arguments_get_one_usage_line(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        bad = await rig.run("papers", {"day": "tomorrow"}, subcommand="top")
        assert bad.data["flags"] == EPHEMERAL
        assert "/papers top \\[N\\] \\[YYYY-MM-DD\\]" in bad.data["content"]
        missing = await rig.run("papers", {"paper": "not-a-paper"}, subcommand="paper")
        assert "arXiv" in missing.data["content"]
        too_many = await rig.run("top", {"day": "2025-02-30"})
        assert "2025-02-30" in too_many.data["content"]
        assert "Traceback" not in _text([e.body for e in rig.fake.exchanges])


async def test_an_expired_search_button_says_so(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("search", {"words": "language model"})
        found = rig.last()
        await rig.store.prune_ui_state(keep_days=-1)  # the remembered words are forgotten
        expired = await rig.press(found, found.custom_ids()[0])
        assert expired.data["flags"] == EPHEMERAL
        assert "expired" in expired.data["content"]


async def test_subscribing_needs_manage_channels(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        refused = await rig.run("papers", {"time": "08:30"}, subcommand="subscribe")
        assert refused.data["flags"] == EPHEMERAL
        assert "Manage Channels" in refused.data["content"]
        assert await rig.service.subscription(HERE) is None

        said = await rig.run(
            "papers", {"time": "08:30", "zone": "Asia/Seoul"}, subcommand="subscribe", user_id=MODERATOR
        )
        assert "flags" not in said.data  # the channel sees who subscribed it
        assert f"<@{MODERATOR}>" in said.data["content"]
        subscription = await rig.service.subscription(HERE)
        assert subscription is not None
        assert subscription.title == "#papers"
        assert (f"{subscription.send_time:%H:%M}", subscription.time_zone) == ("08:30", "Asia/Seoul")

        await rig.run("papers", subcommand="unsubscribe")  # no Manage Channels: refused
        assert (await rig.service.subscription(HERE)).active  # type: ignore[union-attr]
        await rig.run("papers", subcommand="unsubscribe", user_id=MODERATOR)
        assert not (await rig.service.subscription(HERE)).active  # type: ignore[union-attr]


async def test_anyone_subscribes_their_dm_and_threads_are_their_own_destination(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        mine = await rig.run("papers", subcommand="subscribe", channel_id=DM_CHANNEL)
        assert mine.data["flags"] == EPHEMERAL
        dm = await rig.service.subscription(Destination(platform="discord", chat_id=DM_CHANNEL))
        assert dm is not None
        assert dm.chat_type == "dm"
        await rig.run("papers", subcommand="subscribe", channel_id=THREAD, user_id=MODERATOR)
        thread = await rig.service.subscription(Destination(platform="discord", chat_id=THREAD))
        assert thread is not None
        assert thread.chat_type == "thread"


async def test_settings_change_through_the_menus(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("papers", subcommand="subscribe", user_id=MODERATOR)
        await rig.run("papers", subcommand="settings", user_id=MODERATOR)
        menu = rig.last()
        assert menu.ephemeral
        assert menu.custom_ids() == [
            "set:time", "set:days", "set:top", "set:format", "setpage:1", "setpage:2", "setpage:3", "setform",
        ]  # fmt: skip

        await rig.press(menu, "set:top", values=["5"], user_id=MODERATOR)
        await rig.press(rig.last(), "set:days", values=["mon", "wed", "fri"], user_id=MODERATOR)
        await rig.press(rig.last(), "set:time", values=["07:00"], user_id=MODERATOR)
        await rig.press(rig.last(), "set:format", values=["cards"], user_id=MODERATOR)
        await rig.press(rig.last(), "setpage:1", user_id=MODERATOR)
        assert rig.last().custom_ids() == ["set:language", "set:summaries", "setpage:0"]
        await rig.press(rig.last(), "set:summaries", values=["ja"], user_id=MODERATOR)
        await rig.press(rig.last(), "set:language", values=["ko"], user_id=MODERATOR)
        shown = rig.last()
        assert shown.source == "update"
        assert shown.message_id == menu.message_id
        assert "매일 받기" in shown.embeds[0]["title"]

        subscription = await rig.service.subscription(HERE)
        assert subscription is not None
        assert (subscription.top_n, sorted(subscription.weekdays), f"{subscription.send_time:%H:%M}") == (
            5, [0, 2, 4], "07:00",
        )  # fmt: skip
        assert (subscription.format, subscription.summary_language, subscription.language) == (
            "cards",
            "ja",
            "ko",
        )
        assert subscription.changed_by == MODERATOR

        refused = await rig.press(rig.last(), "set:language", values=["en"])  # not a manager
        assert refused.data["flags"] == EPHEMERAL
        assert "채널 관리" in refused.data["content"]  # in the channel's language
        assert (await rig.service.subscription(HERE)).language == "ko"  # type: ignore[union-attr]
        assert rig.fake.errors == []


async def test_a_slow_answer_is_deferred_within_three_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers.discord_adapter.app, "DEFER_AFTER", 0.0)  # every answer counts as slow
    async with running_discord(tmp_path) as rig:
        deferred = await rig.run("papers", {"n": 12}, subcommand="top")
        assert deferred.elapsed < 3
        assert deferred.status == 204
        await rig.fake.wait_until(lambda: any(m.source == "original" for m in rig.fake.sent))
        original = rig.last()
        assert original.ephemeral
        assert "**1.**" in _text(original.embeds)

        await rig.press(original, original.custom_ids()[0])  # the page button: type 6, then an edit
        await rig.fake.wait_until(lambda: rig.last().source == "update")
        assert "**11.**" in _text(rig.last().embeds)

        await rig.run("papers", subcommand="subscribe", user_id=MODERATOR)  # public: after the private ✓
        await rig.fake.wait_until(lambda: rig.last().source == "followup")
        assert not rig.last().ephemeral
        assert f"<@{MODERATOR}>" in rig.last().content
        assert rig.fake.errors == []


async def test_the_typed_settings_come_in_a_form(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        await rig.run("papers", subcommand="subscribe", user_id=MODERATOR)
        await rig.run("papers", subcommand="settings", user_id=MODERATOR)
        menu = rig.last()
        opened = await rig.press(menu, "setform", user_id=MODERATOR)
        assert opened.response_type == 9
        [form] = rig.fake.modals
        assert form.from_message == menu.message_id

        typo = rig.fake.modal_submit(form, {"zone": "Asia/Seol"}, channel_id=CHANNEL, user_id=MODERATOR)
        refused = await rig.fake.interact(rig.url, typo)
        assert refused.data["flags"] == EPHEMERAL
        assert "Asia/Seoul" in refused.data["content"]  # the suggestion

        values = {"zone": "Europe/Berlin", "include": "LLM, agents", "exclude": "", "min": "10"}
        submitted = rig.fake.modal_submit(form, values, channel_id=CHANNEL, user_id=MODERATOR)
        saved = await rig.fake.interact(rig.url, submitted)
        assert saved.response_type == 7  # the settings message, redrawn
        subscription = await rig.service.subscription(HERE)
        assert subscription is not None
        assert (subscription.time_zone, subscription.include, subscription.min_votes) == (
            "Europe/Berlin", ("LLM", "agents"), 10,
        )  # fmt: skip
        assert "Europe/Berlin" in rig.fake.current(menu.message_id).embeds[0]["description"]

        await rig.press(rig.fake.current(menu.message_id), "setform")  # not a manager: no form
        assert len(rig.fake.modals) == 1
        assert rig.fake.errors == []
