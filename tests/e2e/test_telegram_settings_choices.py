"""Telegram's /settings editor for how often, the code filters, the ranking and the follows, end to end
through the real PTB Application and the fake Bot API (which refuses callback_data over 64 bytes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.models import Destination, Follow, Subscription
from tests.e2e.telegram_rig import ADMIN, CHANNEL, GROUP, USER, Rig, running_bot, until
from tests.fakes.telegram_api import SentMessage

ME = Destination(platform="telegram", chat_id=str(USER))
FOLLOWS = (Follow(kind="author", value="Yann LeCun"), Follow(kind="org", value="Meta"))


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with running_bot(tmp_path) as running:
        yield running


def buttons(message: SentMessage) -> list[dict[str, str]]:
    markup = message.reply_markup or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def callback(message: SentMessage, label: str) -> str:
    return next(b["callback_data"] for b in buttons(message) if b["text"] == label and "callback_data" in b)


async def saved(rig: Rig, destination: Destination = ME) -> Subscription:
    subscription = await rig.service.subscription(destination)
    assert subscription is not None
    return subscription


async def press(rig: Rig, chat: int, message_id: int, label: str, user_id: int | None = None) -> SentMessage:
    """Press the button labelled `label` on the message as it is now; the message afterwards."""
    current = rig.fake.current(chat, message_id)
    await rig.press(current, callback(current, label), user_id=user_id)
    return rig.fake.current(chat, message_id)


async def test_cadence_code_stars_ranking_and_follows_change_from_the_editor(rig: Rig) -> None:
    await rig.say(USER, "/subscribe 08:00")
    await rig.service.update_subscription(ME, "test", follows=FOLLOWS)
    editor = (await rig.say(USER, "/settings"))[0]
    at = editor.message_id
    assert "How often: Daily" in editor.text
    assert "Following: author: Yann LeCun, org: Meta" in editor.text
    assert callback(editor, "✓Sat") == "c:wd:5:"  # a daily push: its weekdays

    menu = await press(rig, USER, at, "📅 Daily")
    assert [b["text"] for b in buttons(menu)] == ["✓Daily", "Weekly", "Monthly", "◀"]
    picker = await press(rig, USER, at, "Weekly")
    assert "Weekly, on which day?" in picker.text
    assert [b["text"] for b in buttons(picker)][3:10] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    weekly = await press(rig, USER, at, "Fri")
    assert "How often: Weekly, on Friday" in weekly.text
    assert "Days:" not in weekly.text
    assert not any(b["callback_data"].startswith("c:wd:") for b in buttons(weekly) if "callback_data" in b)
    assert ((await saved(rig)).cadence, (await saved(rig)).week_day) == ("weekly", 4)
    assert next(a for a in reversed(rig.fake.callback_answers)).text == "Saved"

    await press(rig, USER, at, "📅 Weekly, on Friday")
    days = await press(rig, USER, at, "Monthly")
    labels = [b["text"] for b in buttons(days)]
    assert labels[3:31] == [str(day) for day in range(1, 29)]
    assert labels[31:] == ["last day", "◀"]
    monthly = await press(rig, USER, at, "last day")
    assert "How often: Monthly, on day 31 (last day in shorter months)" in monthly.text
    assert ((await saved(rig)).cadence, (await saved(rig)).month_day) == ("monthly", 31)

    coded = await press(rig, USER, at, "· only papers with code")
    assert "Code: only papers with code" in coded.text
    assert (await saved(rig)).has_code

    stars = await press(rig, USER, at, "★ any")
    floors = ["✓any", "at least 10 ★", "at least 100 ★", "at least 1000 ★"]
    assert [b["text"] for b in buttons(stars)][:4] == floors
    hundred = await press(rig, USER, at, "at least 100 ★")
    assert "GitHub stars: at least 100 ★" in hundred.text
    assert (await saved(rig)).min_stars == 100

    personal = await press(rig, USER, at, "Ranking: by votes")
    assert "Ranking: personal: votes blended with your 👍/👎" in personal.text
    assert (await saved(rig)).ranking == "personal"

    follows = await press(rig, USER, at, "Following (2) ✖")
    assert [b["text"] for b in buttons(follows)] == ["✖ author: Yann LeCun", "✖ org: Meta", "◀"]
    left = await press(rig, USER, at, "✖ author: Yann LeCun")
    assert rig.fake.callback_answers[-1].text == "No longer following author: Yann LeCun."
    assert [b["text"] for b in buttons(left)] == ["✖ org: Meta", "◀"]
    assert (await saved(rig)).follows == (FOLLOWS[1],)
    assert "Following: org: Meta" in left.text
    assert rig.fake.errors == []


async def test_a_typed_stars_floor_and_a_follow_removed_meanwhile(rig: Rig) -> None:
    await rig.say(USER, "/subscribe")
    await rig.service.update_subscription(ME, "test", follows=FOLLOWS[:1])
    editor = (await rig.say(USER, "/settings"))[0]
    await press(rig, USER, editor.message_id, "★ any")
    before = len(rig.fake.sent)
    await press(rig, USER, editor.message_id, "✎ Another number")
    prompt = (await rig.fake.wait_sent(before + 1))[-1]
    assert prompt.text.startswith("⭐ Reply with the fewest GitHub stars")
    refused = (await rig.say(USER, "lots", reply_to=prompt.message_id))[0]
    assert "Usage: /settings stars STARS (0 or more)" in refused.text
    changed = (await rig.say(USER, "250", reply_to=prompt.message_id))[0]
    assert "GitHub stars: at least 250 ★" in changed.text
    assert (await saved(rig)).min_stars == 250

    follows = await press(rig, USER, changed.message_id, "Following (1) ✖")
    await rig.service.update_subscription(ME, "test", follows=())  # /unfollow, elsewhere
    await rig.press(follows, callback(follows, "✖ author: Yann LeCun"))
    answer = rig.fake.callback_answers[-1]
    assert (answer.text, answer.show_alert) == ("That follow was already removed.", True)
    assert "Following: none" in rig.fake.current(USER, changed.message_id).text
    assert rig.fake.errors == []


async def test_a_channel_managed_from_the_private_chat_fits_every_button(rig: Rig) -> None:
    channel = Destination(platform="telegram", chat_id=str(CHANNEL))
    before = len(rig.fake.sent)
    rig.fake.channel_post(CHANNEL, "/subscribe 06:00")
    await rig.fake.wait_sent(before + 1)
    await rig.service.update_subscription(channel, "test", follows=(Follow(kind="search", value="x" * 100),))
    editor = (await rig.say(ADMIN, f"/start settings_{CHANNEL}", user_id=ADMIN))[0]
    at = editor.message_id
    await press(rig, ADMIN, at, "📅 Daily", user_id=ADMIN)
    days = await press(rig, ADMIN, at, "Monthly", user_id=ADMIN)
    assert callback(days, "28") == f"c:md:28:{CHANNEL}"
    await press(rig, ADMIN, at, "28", user_id=ADMIN)
    follows = await press(rig, ADMIN, at, "Following (1) ✖", user_id=ADMIN)
    remove = callback(follows, "✖ search: “" + "x" * 100 + "”")
    assert len(remove.encode()) <= 64
    await rig.press(follows, remove, user_id=ADMIN)
    subscription = await saved(rig, channel)
    assert (subscription.cadence, subscription.month_day, subscription.follows) == ("monthly", 28, ())
    assert rig.fake.errors == []


async def test_only_administrators_change_a_groups_cadence(rig: Rig) -> None:
    group = Destination(platform="telegram", chat_id=str(GROUP))
    await rig.say(GROUP, "/subscribe 07:00", user_id=ADMIN)
    editor = (await rig.say(GROUP, "/settings", user_id=ADMIN))[0]
    menu = await press(rig, GROUP, editor.message_id, "📅 Daily", user_id=ADMIN)
    await rig.press(menu, callback(menu, "Weekly"), user_id=ADMIN)
    picker = rig.fake.current(GROUP, editor.message_id)
    refused = await rig.press(picker, callback(picker, "Fri"), user_id=USER)
    assert next(a for a in rig.fake.callback_answers if a.query_id == refused).show_alert
    assert (await saved(rig, group)).cadence == "daily"
    await rig.press(picker, callback(picker, "Fri"), user_id=ADMIN)
    await until(lambda: "Weekly, on Friday" in rig.fake.current(GROUP, editor.message_id).text)
    assert (await saved(rig, group)).week_day == 4
    assert rig.fake.errors == []


async def test_an_editor_posted_in_a_channel_asks_for_a_typed_floor_in_the_private_chat(rig: Rig) -> None:
    channel = Destination(platform="telegram", chat_id=str(CHANNEL))
    link = f"https://t.me/PaperboyTestBot?start=settings_{CHANNEL}"
    before = len(rig.fake.sent)
    rig.fake.channel_post(CHANNEL, "/subscribe 06:00")
    await rig.fake.wait_sent(before + 1)
    rig.fake.channel_post(CHANNEL, "/settings")
    editor = (await rig.fake.wait_sent(before + 2))[-1]
    stars = await press(rig, CHANNEL, editor.message_id, "★ any", user_id=ADMIN)
    assert {"text": "✎ Another number", "url": link} in buttons(stars)
    await press(rig, CHANNEL, editor.message_id, "at least 1000 ★", user_id=ADMIN)
    await press(rig, CHANNEL, editor.message_id, "📅 Daily", user_id=ADMIN)
    await press(rig, CHANNEL, editor.message_id, "Weekly", user_id=ADMIN)
    shown = await press(rig, CHANNEL, editor.message_id, "Sun", user_id=ADMIN)
    assert "How often: Weekly, on Sunday" in shown.text
    subscription = await saved(rig, channel)
    assert (subscription.min_stars, subscription.cadence, subscription.week_day) == (1000, "weekly", 6)
    assert all(m.reply_markup != {"force_reply": True, "selective": True} for m in rig.fake.sent_to(CHANNEL))
    assert rig.fake.errors == []


async def test_the_editor_links_the_subscriptions_feed_when_feeds_are_public(tmp_path: Path) -> None:
    async with running_bot(tmp_path, public_url="https://papers.example.org/") as rig:
        await rig.say(USER, "/subscribe")
        feed = f"https://papers.example.org/feeds/s/{(await saved(rig)).feed_token}.atom"
        editor = (await rig.say(USER, "/settings"))[0]
        assert f"Atom feed: {feed}" in editor.text
        assert {"text": "📰 Atom feed", "url": feed} in buttons(editor)
        coded = await press(rig, USER, editor.message_id, "· only papers with code")
        assert {"text": "📰 Atom feed", "url": feed} in buttons(coded)  # still there after a change
        assert rig.fake.errors == []
