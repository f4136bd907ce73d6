"""The console's /settings for how often, the code filters, the ranking and the follows, over a real
store (both stores): each change is saved, read back through the service and shown."""

from __future__ import annotations

import pytest

from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.models import Destination, Follow
from bot.ports import Store
from bot.service import PaperService
from handlers.console_adapter.commands import ConsoleCommands

pytestmark = pytest.mark.slow

HOME = Destination(platform="console", chat_id="local")
FOLLOWS = (Follow(kind="author", value="Yann LeCun"), Follow(kind="org", value="Meta"),
           Follow(kind="search", value="diffusion"))  # fmt: skip


@pytest.fixture
async def chat(service: PaperService) -> ConsoleCommands:
    chat = ConsoleCommands(service)
    await chat.answer("/subscribe")
    return chat


async def answer(chat: ConsoleCommands, line: str) -> str:
    reply = await chat.answer(line)
    assert reply is not None
    return reply


async def test_settings_show_the_new_choices_and_how_to_change_them(chat: ConsoleCommands) -> None:
    text = await answer(chat, "/settings")
    for shown in ("How often: Daily", "Code: any paper", "GitHub stars: any", "Ranking: by votes",
                  "Following: none"):  # fmt: skip
        assert shown in text
    for call in ("cadence daily | weekly DAY | monthly 1-31|last", "code on | off", "stars STARS (0 or more)",
                 "ranking votes | personal", "unfollow N (its number in /settings)"):  # fmt: skip
        assert f"  /settings {call}" in text


async def test_each_choice_is_saved_and_shown(chat: ConsoleCommands, service: PaperService) -> None:
    weekly = await answer(chat, "/settings cadence weekly fri")
    assert weekly.startswith("Saved.")
    assert "How often: Weekly, on Friday" in weekly
    assert "Days:" not in weekly  # a weekly push names its day
    monthly = await answer(chat, "/settings cadence monthly last")
    assert "How often: Monthly, on day 31 (last day in shorter months)" in monthly
    assert "Code: only papers with code" in await answer(chat, "/settings code on")
    assert "GitHub stars: at least 100 ★" in await answer(chat, "/settings stars 100")
    assert "Ranking: personal: votes blended with your 👍/👎" in await answer(
        chat, "/settings ranking personal"
    )
    subscription = await service.subscription(HOME)
    assert subscription is not None
    assert (subscription.cadence, subscription.week_day, subscription.month_day) == ("monthly", 4, 31)
    assert (subscription.has_code, subscription.min_stars, subscription.ranking) == (True, 100, "personal")
    assert "How often: Weekly, on Friday" in await answer(chat, "/settings cadence weekly")  # its day kept
    assert "How often: Monthly, on day 15" in await answer(chat, "/settings every monthly 15")
    assert "How often: Daily" in await answer(chat, "/settings cadence daily")


async def test_a_follow_is_removed_by_its_number(chat: ConsoleCommands, service: PaperService) -> None:
    await service.update_subscription(HOME, "test", follows=FOLLOWS)
    listed = await answer(chat, "/settings")
    assert "Following:\n  1. author: Yann LeCun\n  2. org: Meta\n  3. search: “diffusion”" in listed
    removed = await answer(chat, "/settings unfollow 2")
    assert "Following:\n  1. author: Yann LeCun\n  2. search: “diffusion”\n" in removed
    subscription = await service.subscription(HOME)
    assert subscription is not None
    assert subscription.follows == (FOLLOWS[0], FOLLOWS[2])
    refused = await answer(chat, "/settings unfollow 3")
    assert refused.startswith("There is no follow number 3: /settings lists 2.")
    assert "Usage: /settings unfollow N" in refused


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("/settings cadence", "Usage: /settings cadence daily | weekly DAY | monthly 1-31|last"),
        ("/settings cadence yearly", "Usage: /settings cadence"),
        ("/settings cadence weekly someday", "Usage: /settings cadence"),
        ("/settings cadence monthly 32", "Usage: /settings cadence"),
        ("/settings cadence daily 5", "Usage: /settings cadence"),
        ("/settings code maybe", "Usage: /settings code on | off"),
        ("/settings stars -1", "Usage: /settings stars STARS (0 or more), e.g. /settings stars 100"),
        ("/settings stars many", "Usage: /settings stars"),
        ("/settings ranking best", "Usage: /settings ranking votes | personal"),
        ("/settings unfollow one", "Usage: /settings unfollow N"),
        ("/settings unfollow 1", "There is no follow number 1: /settings lists 0."),
    ],
)
async def test_a_bad_choice_gets_its_usage_and_changes_nothing(
    chat: ConsoleCommands, line: str, hint: str
) -> None:
    before = await answer(chat, "/settings")
    assert hint in await answer(chat, line)
    assert await answer(chat, "/settings") == before


async def test_the_feed_link_is_shown_when_feeds_are_public(store: Store, service: PaperService) -> None:
    public = PaperService(store, DigestSources(HFSettings()), public_url="https://papers.example.org")
    chat = ConsoleCommands(public)
    await chat.answer("/subscribe")
    subscription = await service.subscription(HOME)
    assert subscription is not None
    feed = f"Atom feed: https://papers.example.org/feeds/s/{subscription.feed_token}.atom"
    assert feed in await answer(chat, "/settings")
    assert feed in await answer(chat, "/settings code on")
    assert "Atom feed" not in await answer(ConsoleCommands(service), "/settings")  # no public URL, no link
