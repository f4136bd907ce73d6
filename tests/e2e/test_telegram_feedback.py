"""👍 / 👎 / Save on Telegram end to end against the rule-enforcing fake Bot API: on a pushed card and
on a /paper card, a second press takes it back, 👎 replaces 👍, every member of a group counts, the
buttons show the counts without the card being sent again, /saved pages and removes, and inline
results carry the buttons too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.config import PushSettings
from bot.delivery import Deliverer, Scheduler
from bot.models import Destination, DigestDay, Paper, Subscription
from handlers.telegram_adapter.app import SECRET_HEADER
from handlers.telegram_adapter.config import TelegramSettings
from handlers.telegram_adapter.notifier import TelegramNotifier
from handlers.telegram_adapter.push_client import PushClient
from tests.e2e.telegram_rig import ADMIN, GROUP, USER, Rig, running_bot, until
from tests.fakes.telegram_api import SentMessage

PAPER = "2502.15007"
HERE = Destination(platform="telegram", chat_id=str(USER))


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with running_bot(tmp_path) as running:
        yield running


def labels(message: SentMessage, arxiv_id: str = PAPER) -> list[str]:
    """The labels of the paper's 👍 👎 Save buttons, in order."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [b["text"] for row in rows for b in row if b.get("callback_data", "").startswith("f:")
            and b["callback_data"].endswith(f":{arxiv_id}")]  # fmt: skip


def data_of(message: SentMessage, label_start: str) -> str:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return str(next(b["callback_data"] for row in rows for b in row if b["text"].startswith(label_start)))


async def press(rig: Rig, chat: int, message: SentMessage, label: str, user: int | None = None) -> str:
    """Press the button whose label starts with `label` on the message as it is now; the answer's text."""
    current = rig.fake.current(chat, message.message_id)
    query = await rig.press(current, data_of(current, label), user)
    return str(next(a for a in rig.fake.callback_answers if a.query_id == query).text)


async def test_a_paper_card_toggles_replaces_and_shows_counts(rig: Rig) -> None:
    card = (await rig.say(USER, f"/paper {PAPER}"))[0]
    assert labels(card) == ["👍", "👎", "💾 Save"]
    assert data_of(card, "👍") == f"f:l:{PAPER}"
    sent = len(rig.fake.sent)

    assert await press(rig, USER, card, "👍") == f"👍 noted for {PAPER} (1 here)."
    await until(lambda: labels(rig.fake.current(USER, card.message_id)) == ["👍 1", "👎", "💾 Save"])
    assert await press(rig, USER, card, "👍") == f"👍 taken back for {PAPER}."
    await until(lambda: labels(rig.fake.current(USER, card.message_id)) == ["👍", "👎", "💾 Save"])
    await press(rig, USER, card, "👍")
    assert await press(rig, USER, card, "👎") == f"👎 noted for {PAPER} (1 here)."
    await until(lambda: labels(rig.fake.current(USER, card.message_id)) == ["👍", "👎 1", "💾 Save"])
    assert "saved papers" in await press(rig, USER, card, "💾")
    await until(lambda: labels(rig.fake.current(USER, card.message_id)) == ["👍", "👎 1", "💾 1"])

    assert len(rig.fake.sent) == sent  # the card was never sent again, only its buttons edited
    current = rig.fake.current(USER, card.message_id)
    assert [b["text"] for b in (current.reply_markup or {})["inline_keyboard"][0]] == ["arXiv", "PDF", "HF"]
    assert current.text == card.text
    again = (await rig.say(USER, f"/paper {PAPER}v2"))[0]  # asked again: the counts are there
    assert labels(again) == ["👍", "👎 1", "💾 1"]
    assert rig.fake.errors == []


async def test_related_on_a_card_sends_the_nearest_papers(rig: Rig) -> None:
    card = (await rig.say(USER, f"/paper {PAPER}"))[0]
    assert data_of(card, "🔗") == f"r:{PAPER}"
    before = len(rig.fake.sent)
    await rig.press(card, f"r:{PAPER}")
    listing = (await rig.fake.wait_sent(before + 1))[-1]
    assert listing.text.startswith("Related to “LLM-Microscope")
    assert "Shared: " in listing.text
    assert rig.fake.current(USER, card.message_id).text == card.text  # the card stays as it was
    assert rig.fake.errors == []


async def test_every_member_of_a_group_counts_once(rig: Rig) -> None:
    card = (await rig.say(GROUP, f"/paper {PAPER}", user_id=USER))[0]
    await press(rig, GROUP, card, "👍", USER)
    assert await press(rig, GROUP, card, "👍", ADMIN) == f"👍 noted for {PAPER} (2 here)."
    await until(lambda: labels(rig.fake.current(GROUP, card.message_id))[0] == "👍 2")
    await press(rig, GROUP, card, "👎", USER)  # one vote per member: USER's 👍 becomes a 👎
    await until(lambda: labels(rig.fake.current(GROUP, card.message_id))[:2] == ["👍 1", "👎 1"])
    group = Destination(platform="telegram", chat_id=str(GROUP))
    tally = await rig.service.tally(group, PAPER)
    assert (tally.likes, tally.dislikes) == (1, 1)
    assert (await rig.service.tally(HERE, PAPER)).likes == 0  # a group's presses are the group's
    assert rig.fake.errors == []


async def push(rig: Rig, fmt: str, n: int) -> list[SentMessage]:
    """One push to the private chat, as the deliverer sends it; the messages it sent."""
    subscription = Subscription.model_validate(
        {"destination": HERE, "chat_type": "private", "send_time": clock_time(0, 0), "top_n": n,
         "format": fmt, "active_since": datetime(2020, 1, 1, tzinfo=UTC)}
    )  # fmt: skip
    await rig.store.save_subscription(subscription)
    settings = PushSettings(workers=1)
    await Scheduler(rig.store, settings).enqueue_due(everyone_now=True)
    async with PushClient(rig.fake.api_url, rig.fake.token) as client:
        notifier = TelegramNotifier(client, TelegramSettings(token=SecretStr(rig.fake.token)))
        report = await Deliverer(rig.store, {"telegram": notifier}, settings, limiter=rig.limiter).drain()
    assert report.pushes == 1
    return rig.fake.sent_to(USER)


async def test_a_pushed_card_has_the_buttons(rig: Rig) -> None:
    await push(rig, "cards", 3)
    _heading, *cards = rig.fake.sent_to(USER)
    assert len(cards) == 3
    pushed = cards[0]
    arxiv_id = data_of(pushed, "👍").split(":", 2)[2]
    assert labels(pushed, arxiv_id) == ["👍", "👎", "💾 Save"]
    assert await press(rig, USER, pushed, "👍") == f"👍 noted for {arxiv_id} (1 here)."
    await until(lambda: labels(rig.fake.current(USER, pushed.message_id), arxiv_id)[0] == "👍 1")
    assert await press(rig, USER, pushed, "👍") == f"👍 taken back for {arxiv_id}."
    await press(rig, USER, pushed, "💾")
    page = (await rig.say(USER, "/saved"))[0]
    assert arxiv_id in str(page.html)
    assert rig.fake.errors == []


async def test_a_compact_push_opens_each_card_with_its_buttons(rig: Rig) -> None:
    [digest] = await push(rig, "compact", 7)
    rows = (digest.reply_markup or {})["inline_keyboard"]
    assert [[b["text"] for b in row] for row in rows] == [["1", "2", "3", "4", "5"], ["6", "7"]]
    before = len(rig.fake.sent)
    await rig.press(digest, rows[0][0]["callback_data"])
    card = (await rig.fake.wait_sent(before + 1))[-1]
    arxiv_id = rows[0][0]["callback_data"].removeprefix("p:")
    assert labels(card, arxiv_id) == ["👍", "👎", "💾 Save"]
    assert await press(rig, USER, card, "👍") == f"👍 noted for {arxiv_id} (1 here)."


async def _save_many(rig: Rig, papers: list[Paper]) -> None:
    for paper in papers:
        await rig.service.save(HERE, str(USER), paper.arxiv_id, True)


async def test_saved_pages_and_removes(rig: Rig) -> None:
    empty = (await rig.say(USER, "/saved"))[0]
    assert "No saved papers here yet" in empty.text
    day = await rig.service.day_list((await rig.service.top()).day)  # type: ignore[arg-type]
    await _save_many(rig, day[:12])
    first = (await rig.say(USER, "/saved"))[0]
    assert first.text.startswith("Your saved papers here (12)")
    assert "10. " in first.text
    assert "11. " not in first.text
    assert data_of(first, "▶") == f"v:{USER}:10"
    removed_id = data_of(first, "✕ 1").rsplit(":", 1)[1]
    query = await rig.press(first, data_of(first, "✕ 1"))
    answer = next(a for a in rig.fake.callback_answers if a.query_id == query)
    assert answer.text == f"{removed_id} was removed from your saved papers."
    await until(
        lambda: rig.fake.current(USER, first.message_id).text.startswith("Your saved papers here (11)")
    )
    assert removed_id not in str(rig.fake.current(USER, first.message_id).html)

    await rig.press(rig.fake.current(USER, first.message_id), f"v:{USER}:10")
    await until(lambda: "11. " in rig.fake.current(USER, first.message_id).text)
    last = rig.fake.current(USER, first.message_id)
    assert data_of(last, "◀") == f"v:{USER}:0"
    await rig.press(last, data_of(last, "✕ 11"))  # the last page's only paper: back to the page before
    await until(lambda: "Your saved papers here (10)" in rig.fake.current(USER, first.message_id).text)
    assert "10. " in rig.fake.current(USER, first.message_id).text
    before = len(rig.fake.sent)
    now = rig.fake.current(USER, first.message_id)
    await rig.press(now, data_of(now, "1"))
    opened = (await rig.fake.wait_sent(before + 1))[-1]
    assert labels(opened, data_of(opened, "👍").split(":", 2)[2])[2] == "💾 1"
    assert rig.fake.errors == []


async def test_another_members_saved_list_cannot_be_turned(rig: Rig) -> None:
    group = Destination(platform="telegram", chat_id=str(GROUP))
    day = await rig.service.day_list((await rig.service.top()).day)  # type: ignore[arg-type]
    for paper in day[:11]:
        await rig.service.save(group, str(USER), paper.arxiv_id, True)
    page = (await rig.say(GROUP, "/saved", user_id=USER))[0]
    query = await rig.press(page, data_of(page, "✕ 1"), ADMIN)
    answer = next(a for a in rig.fake.callback_answers if a.query_id == query)
    assert (answer.text, answer.show_alert) == ("This is another member's list: /saved shows yours.", True)
    assert (await rig.service.saved_page(group, str(USER))).total == 11
    mine = (await rig.say(GROUP, "/saved", user_id=ADMIN))[0]
    assert "No saved papers here yet" in mine.text
    assert "Usage: /saved" in (await rig.say(USER, "/saved please"))[0].text


async def test_long_arxiv_ids_fit_and_unknown_papers_are_one_line(rig: Rig, tmp_path: Path) -> None:
    old = Paper(arxiv_id="hep-th/9901001", title="An old-style id", votes=3)
    await rig.store.upsert_day(DigestDay(day=datetime(2025, 2, 24).date(), papers=(old,), source="test"))
    card = (await rig.say(USER, "/paper hep-th/9901001"))[0]
    assert data_of(card, "💾") == "f:s:hep-th/9901001"
    await press(rig, USER, card, "💾")
    page = (await rig.say(USER, "/saved"))[0]
    assert data_of(page, "✕ 1") == f"u:{USER}:0:hep-th/9901001"
    rows = (page.reply_markup or {})["inline_keyboard"]
    assert all(len(b["callback_data"].encode()) <= 64 for row in rows for b in row)
    assert "is not in the digest" in (await rig.say(USER, "/paper 2599.99999"))[0].text
    assert rig.fake.errors == []


async def test_inline_results_carry_the_buttons(rig: Rig) -> None:
    rig.fake.inline_query(USER, "LLM-Microscope")
    await until(lambda: rig.fake.inline_answers)
    result = rig.fake.inline_answers[-1].results[0]
    rows = result["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[1]] == ["👍", "👎", "💾 Save"]
    assert rows[1][0]["callback_data"] == f"f:l:{result['id']}"


async def test_a_press_on_a_card_shared_inline_counts_in_the_private_chat(tmp_path: Path) -> None:
    """Telegram sends such a press with an inline_message_id and no message: there is no chat to
    count it in but the member's own private chat with the bot, and it says so."""
    async with running_bot(tmp_path, webhook=True) as rig, aiohttp.ClientSession() as session:
        fake, hook = rig.fake, rig.fake.webhook
        assert hook is not None
        assert hook.secret_token is not None
        fake.send_text(USER, f"/paper {PAPER}")
        assert await fake.deliver_webhook() == [200]
        card = (await fake.wait_sent(1))[-1]
        query_id = fake.press_button(card, f"f:l:{PAPER}", ADMIN)  # an id Telegram would have opened
        reader = {"id": ADMIN, "is_bot": False, "first_name": "Admin", "language_code": "en"}
        query = {"id": query_id, "from": reader, "inline_message_id": "AAQx", "chat_instance": "ci",
                 "data": f"f:l:{PAPER}"}  # fmt: skip
        update = {"update_id": 90_000, "callback_query": query}
        headers = {SECRET_HEADER: hook.secret_token}
        async with session.post(fake.webhook_address(), json=update, headers=headers) as response:
            assert response.status == 200
        await until(lambda: fake.callback_answers)
        assert fake.callback_answers[-1].text == (
            f"👍 noted for {PAPER} (1 here). (Cards shared inline count in your private chat with me.)"
        )
        private = Destination(platform="telegram", chat_id=str(ADMIN))
        assert (await rig.service.tally(private, PAPER)).likes == 1
        assert (await rig.service.tally(HERE, PAPER)).likes == 0
        assert fake.errors == []
