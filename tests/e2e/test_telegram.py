"""The real PTB Application end to end against the rule-enforcing fake Bot API."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import storage.sqlite
from bot.models import Destination, DigestDay, Subscription
from bot.views import settings_view
from tests.e2e.telegram_rig import ADMIN, CHANNEL, FORUM, GROUP, USER, Rig, running_bot, until
from tests.fakes.telegram_api import post_webhook
from tests.fakes.telegram_html import parse_html
from tests.fixtures.adversarial import DAY, hostile_papers, huge_day


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with running_bot(tmp_path) as running:
        yield running


def settings_rows_text(subscription: Subscription | None) -> str:
    assert subscription is not None
    return "\n".join(f"{row.label}: {row.value}" for row in settings_view(subscription).rows)


def buttons(message: object) -> list[dict[str, str]]:
    markup = getattr(message, "reply_markup", None) or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def callback(message: object, label: str) -> str:
    return next(b["callback_data"] for b in buttons(message) if b["text"] == label and "callback_data" in b)


def assert_no_errors(rig: Rig) -> None:
    assert rig.fake.errors == []


async def test_menu_is_registered_in_both_languages(rig: Rig) -> None:
    languages = {entry.language_code for entry in rig.fake.commands}
    assert languages == {"", "ko"}
    english = next(entry for entry in rig.fake.commands if entry.language_code == "")
    assert [name for name, _ in english.commands][:4] == ["start", "help", "today", "top"]


async def test_start_help_and_deep_link(rig: Rig) -> None:
    welcome = (await rig.say(USER, "/start"))[0]
    assert "Hugging Face Daily Papers" in welcome.text
    korean = (await rig.say(USER, "/help", language_code="ko"))[0]
    assert "명령어" in korean.text
    card = (await rig.say(USER, "/start paper_2502_15007"))[0]
    assert card.text.startswith("LLM-Microscope")
    assert_no_errors(rig)


async def test_top_pages_with_buttons(rig: Rig) -> None:
    listing = (await rig.say(USER, "/top 25"))[0]
    assert listing.text.startswith("Top 25 of 2025-02-24 (32 listed)")
    assert "1. LLM-Microscope" in listing.text
    assert "11. " not in listing.text
    await rig.press(listing, callback(listing, "▶"))
    await until(lambda: rig.fake.current(USER, listing.message_id).text != listing.text)
    second = rig.fake.current(USER, listing.message_id)
    assert "11. " in second.text
    assert "1. LLM-Microscope" not in second.text
    assert callback(second, "◀") == "t:2025-02-24:25:0"
    before = len(rig.fake.sent)
    await rig.press(second, callback(second, "11"))
    await rig.fake.wait_sent(before + 1)
    assert rig.fake.sent[-1].method in ("sendPhoto", "sendMessage")
    assert_no_errors(rig)


async def test_search_shows_matches_in_bold_and_survives_hostile_input(rig: Rig) -> None:
    found = (await rig.say(USER, "/search 구두점"))[0]
    assert any(
        e.type == "bold" and found.text[e.offset : e.offset + e.length] == "구두점" for e in found.entities
    )
    for hostile in ['"unclosed', "NEAR(a OR", "<think> & $L_2$ `x` [IDK]", "🚀", "x" * 1000]:
        reply = (await rig.say(USER, f"/search {hostile}"))[0]
        assert reply.text
    assert_no_errors(rig)


async def test_a_search_for_a_letter_keeps_every_link(rig: Rig) -> None:
    found = await rig.say(USER, "/search a")  # every "a" in bold would pass Telegram's 100 entities

    for message in found:
        entities = parse_html(message.html)[1]
        ranks = re.findall(r"^\d+\. ", message.text, re.MULTILINE)
        assert len(entities) <= 100
        assert [e.type for e in entities].count("text_link") == len(ranks)
    assert "<b>a</b>" in found[0].html
    assert_no_errors(rig)


async def test_bad_arguments_get_a_usage_line(rig: Rig) -> None:
    assert (
        "Usage: /top [N] [YYYY-MM-DD], e.g. /top 5 2025-02-24" in (await rig.say(USER, "/top lots"))[0].text
    )
    assert "Usage: /search" in (await rig.say(USER, "/search"))[0].text
    assert "Give an arXiv id" in (await rig.say(USER, "/paper nonsense"))[0].text
    zone = (await rig.say(USER, "/subscribe 08:00 Asia/Seol"))[0].text
    assert "Unknown time zone “Asia/Seol”" in zone
    assert "Asia/Seoul" in zone
    assert "사용법" in (await rig.say(USER, "/top 많이", language_code="ko"))[0].text


async def test_refused_photo_falls_back_to_the_text_card(rig: Rig) -> None:
    rig.fake.fail_photo("https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2502.14776.png")
    card = (await rig.say(USER, "/paper 2502.14776"))[-1]
    assert card.method == "sendMessage"
    assert card.text.startswith("SurveyX")
    assert [b["text"] for b in buttons(card)] == ["arXiv", "PDF", "HF", "👍", "👎", "💾 Save", "🔗 Related"]


async def test_subscribe_settings_and_preview_in_private(rig: Rig) -> None:
    done = (await rig.say(USER, "/subscribe 08:30 Asia/Seoul"))[0]
    assert "every day at 08:30 (Asia/Seoul)" in done.text
    editor = (await rig.say(USER, "/settings"))[0]
    assert "Top N: 10" in editor.text
    await rig.press(editor, callback(editor, "+ papers"))
    await until(lambda: "Top N: 15" in rig.fake.current(USER, editor.message_id).text)
    await rig.press(editor, callback(editor, "✓Sat"))
    await until(
        lambda: "Sat" not in rig.fake.current(USER, editor.message_id).text.split("Days: ")[1].split("\n")[0]
    )
    before = len(rig.fake.sent)
    await rig.press(editor, callback(editor, "🌐"))
    prompt = (await rig.fake.wait_sent(before + 1))[-1]
    assert prompt.reply_markup == {"force_reply": True, "selective": True}
    changed = (await rig.say(USER, "europe/berlin", reply_to=prompt.message_id))[0]
    assert "Time: 08:30 Europe/Berlin" in changed.text
    subscription = await rig.service.subscription(Destination(platform="telegram", chat_id=str(USER)))
    assert subscription is not None
    assert subscription.top_n == 15
    assert 5 not in subscription.weekdays
    preview = (await rig.say(USER, "/preview"))[0]
    assert "Next push:" in preview.text
    assert_no_errors(rig)


async def test_settings_prompt_reply_sets_keywords(rig: Rig) -> None:
    await rig.say(USER, "/subscribe")
    editor = (await rig.say(USER, "/settings"))[0]
    before = len(rig.fake.sent)
    await rig.press(editor, callback(editor, "➕ Only with keywords"))
    prompt = (await rig.fake.wait_sent(before + 1))[-1]
    reply = await rig.say(USER, "diffusion, 모델", reply_to=prompt.message_id)
    assert "Only with keywords: diffusion, 모델" in reply[0].text
    subscription = await rig.service.subscription(Destination(platform="telegram", chat_id=str(USER)))
    assert subscription is not None
    assert subscription.include == ("diffusion", "모델")


async def test_settings_prompt_reply_sets_the_summary_language(rig: Rig) -> None:
    await rig.say(USER, "/subscribe")
    editor = (await rig.say(USER, "/settings"))[0]
    before = len(rig.fake.sent)
    await rig.press(editor, callback(editor, "📝 Summaries in: English"))
    prompt = (await rig.fake.wait_sent(before + 1))[-1]
    refused = await rig.say(USER, "日本語!", reply_to=prompt.message_id)
    reply = await rig.say(USER, "JA", reply_to=prompt.message_id)
    assert "is not a language code" in refused[0].text
    assert "Summaries in: Japanese" in reply[0].text
    subscription = await rig.service.subscription(Destination(platform="telegram", chat_id=str(USER)))
    assert subscription is not None
    assert (subscription.language, subscription.summary_language, subscription.reads) == ("en", "ja", "ja")


async def test_groups_need_administrators(rig: Rig) -> None:
    refused = (await rig.say(GROUP, "/subscribe", user_id=USER))[0]
    assert refused.text == "Only administrators can change this chat's subscription."
    assert "Subscribed Paper Readers" in (await rig.say(GROUP, "/subscribe 07:00", user_id=ADMIN))[0].text
    anonymous = (await rig.say(GROUP, "/unsubscribe", sender_chat=GROUP))[0]
    assert anonymous.text.startswith("Unsubscribed Paper Readers")
    editor_owner = (await rig.say(GROUP, "/subscribe", user_id=ADMIN))[0]
    assert editor_owner.text.startswith("Subscription of Paper Readers updated")
    editor = (await rig.say(GROUP, "/settings", user_id=ADMIN))[0]
    query = await rig.press(editor, callback(editor, "+ papers"), user_id=USER)
    answer = next(a for a in rig.fake.callback_answers if a.query_id == query)
    assert (answer.text, answer.show_alert) == (
        "Only administrators can change this chat's subscription.",
        True,
    )


async def test_forum_topic_subscription_pushes_to_its_topic(rig: Rig) -> None:
    reply = (await rig.say(FORUM, "/subscribe", user_id=ADMIN, message_thread_id=42))[0]
    assert reply.message_thread_id == 42
    topic = Destination(platform="telegram", chat_id=str(FORUM), thread_id="42")
    assert await rig.service.subscription(topic) is not None
    assert await rig.service.subscription(Destination(platform="telegram", chat_id=str(FORUM))) is None


async def test_channels_by_post_or_from_a_private_chat(rig: Rig) -> None:
    before = len(rig.fake.sent)
    rig.fake.channel_post(CHANNEL, "/subscribe 06:00")
    posted = (await rig.fake.wait_sent(before + 1))[-1]
    assert posted.chat_id == CHANNEL
    assert "Subscribed Daily AI" in posted.text
    refused = (await rig.say(USER, "/unsubscribe @dailyai", user_id=USER))[0]
    assert refused.text == "Only administrators of @dailyai can change its subscription."
    done = (await rig.say(ADMIN, "/unsubscribe @dailyai", user_id=ADMIN))[0]
    assert done.text.startswith("Unsubscribed Daily AI")
    editor = (await rig.say(ADMIN, "/settings @dailyai", user_id=ADMIN))[0]
    assert callback(editor, "+ papers") == f"c:n:+:{CHANNEL}"
    await rig.press(editor, callback(editor, "+ papers"), user_id=ADMIN)
    channel = await rig.service.subscription(Destination(platform="telegram", chat_id=str(CHANNEL)))
    assert channel is not None
    assert channel.top_n == 15


def urls(message: object) -> list[str]:
    return [b["url"] for b in buttons(message) if "url" in b]


async def test_settings_in_a_channel_ask_nothing_in_the_channel(rig: Rig) -> None:
    channel = Destination(platform="telegram", chat_id=str(CHANNEL))
    link = f"https://t.me/PaperboyTestBot?start=settings_{CHANNEL}"
    before = len(rig.fake.sent)
    rig.fake.channel_post(CHANNEL, "/subscribe 06:00")
    await rig.fake.wait_sent(before + 1)
    rig.fake.channel_post(CHANNEL, "/settings")
    editor = (await rig.fake.wait_sent(before + 2))[-1]
    assert editor.chat_id == CHANNEL
    assert "private chat with me" in editor.text
    assert urls(editor) == [link]  # keywords: typed in the private chat, never in the channel

    await rig.press(editor, callback(editor, "🌐"), user_id=ADMIN)
    picker = rig.fake.current(CHANNEL, editor.message_id)
    assert [b["text"] for b in buttons(picker)][:3] == ["Los Angeles", "New York", "✓ UTC"]
    assert urls(picker) == [link]
    refused = await rig.press(picker, callback(picker, "Berlin"), user_id=USER)
    assert next(a for a in rig.fake.callback_answers if a.query_id == refused).show_alert
    await rig.press(picker, callback(picker, "Berlin"), user_id=ADMIN)
    saved = await rig.service.subscription(channel)
    assert saved is not None
    assert saved.time_zone == "Europe/Berlin"
    back = rig.fake.current(CHANNEL, editor.message_id)
    assert "Time: 06:00 Europe/Berlin" in back.text
    assert callback(back, "🌐") == "c:tz::"
    await rig.press(back, "c:tz::", user_id=ADMIN)
    await rig.press(rig.fake.current(CHANNEL, editor.message_id), "c:menu::", user_id=ADMIN)
    assert buttons(rig.fake.current(CHANNEL, editor.message_id)) == buttons(back)

    private = (await rig.say(ADMIN, f"/start settings_{CHANNEL}", user_id=ADMIN))[0]
    assert callback(private, "➕ Only with keywords") == f"c:inc::{CHANNEL}"
    before = len(rig.fake.sent)
    await rig.press(private, callback(private, "➕ Only with keywords"), user_id=ADMIN)
    prompt = (await rig.fake.wait_sent(before + 1))[-1]
    assert (prompt.chat_id, prompt.reply_markup) == (ADMIN, {"force_reply": True, "selective": True})
    await rig.say(ADMIN, "diffusion", reply_to=prompt.message_id, user_id=ADMIN)
    saved = await rig.service.subscription(channel)
    assert saved is not None
    assert saved.include == ("diffusion",)
    stranger = (await rig.say(USER, f"/start settings_{CHANNEL}", user_id=USER))[0]
    assert stranger.text.startswith("Only administrators of")
    assert all(
        message.reply_markup != {"force_reply": True, "selective": True}
        for message in rig.fake.sent_to(CHANNEL)
    )
    assert_no_errors(rig)


async def test_blocked_user_is_paused_with_the_reason(rig: Rig) -> None:
    await rig.say(USER, "/subscribe")
    home = Destination(platform="telegram", chat_id=str(USER))
    rig.fake.block(USER)

    async def paused() -> bool:
        subscription = await rig.service.subscription(home)
        return subscription is not None and subscription.paused_reason == "bot was blocked by the user"

    await until(paused)
    assert "paused: bot was blocked by the user" in str(
        settings_rows_text(await rig.service.subscription(home))
    )


async def test_group_migration_keeps_the_subscription(rig: Rig) -> None:
    rig.fake.add_chat(-4242, "group", title="Small group")
    rig.fake.set_member(-4242, ADMIN, "administrator")
    await rig.say(-4242, "/subscribe 09:15", user_id=ADMIN)
    rig.fake.migrate(-4242, -1004242)
    moved = Destination(platform="telegram", chat_id="-1004242")

    async def arrived() -> bool:
        return await rig.service.subscription(moved) is not None

    await until(arrived)
    subscription = await rig.service.subscription(moved)
    assert subscription is not None
    assert subscription.send_time.hour == 9


async def test_inline_mode_pages_results(rig: Rig) -> None:
    rig.fake.inline_query(USER, "모델")
    await until(lambda: rig.fake.inline_answers)
    first = rig.fake.inline_answers[0]
    assert len(first.results) == 20
    assert first.next_offset == "20"
    rig.fake.inline_query(USER, "모델", offset="20")
    await until(lambda: len(rig.fake.inline_answers) == 2)
    second = rig.fake.inline_answers[1]
    assert 0 < len(second.results) <= 20
    assert second.next_offset == ""
    assert not {r["id"] for r in first.results} & {r["id"] for r in second.results}
    rig.fake.inline_query(USER, "")
    await until(lambda: len(rig.fake.inline_answers) == 3)
    assert rig.fake.inline_answers[2].results[0]["id"] == "2502.15007"
    assert_no_errors(rig)


async def test_webhook_mode_checks_the_secret(tmp_path: Path) -> None:
    async with running_bot(tmp_path, webhook=True) as rig:
        assert rig.fake.webhook is not None
        rig.fake.send_text(USER, "/today")
        assert await rig.fake.deliver_webhook() == [200]
        await rig.fake.wait_sent(1)
        assert rig.fake.sent[0].text.startswith("Top 10 of 2025-02-24")
        update = {
            "update_id": 999,
            "message": {"message_id": 1, "date": 0, "chat": {"id": USER, "type": "private"}},
        }
        assert rig.fake.webhook.url == "https://paperboy.example/telegram-hook"
        assert await post_webhook(rig.fake.webhook_address(), update, "wrong") == 403
        assert await post_webhook(rig.fake.webhook_address(), update, None) == 403


async def test_hostile_day_through_commands_buttons_and_inline(rig: Rig) -> None:
    await rig.store.upsert_day(DigestDay(day=DAY, source="hostile", papers=hostile_papers() + huge_day()))
    listing = await rig.say(USER, "/top 50 2025-03-03")
    assert listing[0].text.startswith("Top 50 of 2025-03-03 (76 listed)")
    await rig.press(listing[-1], callback(listing[-1], "▶"))
    found = (await rig.say(USER, "/search think"))[0]
    assert "<think>" in found.text
    before = len(rig.fake.sent)
    await rig.press(found, callback(found, "1"))
    await rig.fake.wait_sent(before + 1)
    rig.fake.inline_query(USER, "authors")
    await until(lambda: rig.fake.inline_answers)
    assert any(r["id"] == "2503.20000" for r in rig.fake.inline_answers[0].results)
    assert_no_errors(rig)


async def test_expired_search_button_says_so(rig: Rig) -> None:
    found = (await rig.say(USER, "/search 모델"))[0]
    await rig.store.prune_ui_state(keep_days=-1)  # as if the token were older than its lifetime
    query = await rig.press(found, callback(found, "▶"))
    answer = next(a for a in rig.fake.callback_answers if a.query_id == query)
    assert answer.text == "This button has expired. Run the command again."


async def test_a_failing_command_is_logged_and_the_user_gets_an_apology(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(rig.service, "top", broken)
    reply = (await rig.say(USER, "/today"))[0]
    assert reply.text == "Something went wrong on my side; the error is logged. Try again or /help."
    assert "Traceback" not in reply.text
    assert "disk on fire" in caplog.text
    assert (await rig.say(USER, "/help"))[0].text.startswith("Commands:")  # and it carries on


async def test_flood_control_is_kept_and_a_429_is_waited_out(tmp_path: Path) -> None:
    async with running_bot(tmp_path, rate_limits=True) as rig:
        replies = await rig.say(USER, "/top 1", expect=1)
        replies += await rig.say(USER, "/paper 2502.15007", expect=1)
        assert rig.fake.rate_limited == 0  # answers to one chat are spaced a second apart
        retry = {"retry_after": 1}
        rig.fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", parameters=retry)
        replies += await rig.say(USER, "/days", expect=1)
        assert len(replies) == 3  # the answer Telegram refused once still arrived
        assert [e.status for e in rig.fake.errors] == [429]


async def test_a_database_that_does_not_answer_gets_the_apology_not_its_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Another program holds the SQLite file's write lock past the busy timeout: /subscribe cannot
    be saved. The user gets the apology (the database's sentence names a file, for the operator's
    log), and the bot answers again once the lock is gone."""
    monkeypatch.setattr(storage.sqlite, "BUSY_TIMEOUT_MS", 200)
    async with running_bot(tmp_path) as rig:
        other = sqlite3.connect(tmp_path / "telegram.db", isolation_level=None, timeout=10)
        other.execute("BEGIN EXCLUSIVE")
        try:
            reply = (await rig.say(USER, "/subscribe 08:30 Asia/Seoul"))[0]
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert reply.text == "Something went wrong on my side; the error is logged. Try again or /help."
        assert "telegram.db is locked by another program" in caplog.text
        assert "Traceback" not in caplog.text
        assert "08:30" in (await rig.say(USER, "/subscribe 08:30 Asia/Seoul"))[0].text
