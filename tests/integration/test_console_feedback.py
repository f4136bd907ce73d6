"""The console's stand-ins for the 👍 👎 Save buttons, over both stores: /like and /dislike toggle as
the buttons do, /save and /unsave say what they did, /saved pages with /more, bad input is one line."""

from __future__ import annotations

import pytest

from bot.service import PaperService
from handlers.console_adapter.commands import HOME, USER, ConsoleCommands
from handlers.console_adapter.render import push_messages

pytestmark = pytest.mark.slow  # a chat over a store with the sample day, each


@pytest.fixture
async def chat(service: PaperService) -> ConsoleCommands:
    await service.seed_sample()
    return ConsoleCommands(service)


async def answer(chat: ConsoleCommands, line: str) -> str:
    reply = await chat.answer(line)
    assert reply is not None
    return reply


async def test_like_and_dislike_toggle_as_the_buttons_do(
    chat: ConsoleCommands, service: PaperService
) -> None:
    assert await answer(chat, "/like 2502.15007") == "👍 noted for 2502.15007 (1 here).\n👍 1 · 👎 · 💾 Save"
    assert await answer(chat, "/like 2502.15007v2") == "👍 taken back for 2502.15007.\n👍 · 👎 · 💾 Save"
    await answer(chat, "/like 2502.15007")
    replaced = await answer(chat, "/dislike https://arxiv.org/abs/2502.15007")
    assert replaced == "👎 noted for 2502.15007 (1 here).\n👍 · 👎 1 · 💾 Save"
    tally = await service.tally(HOME, "2502.15007")
    assert (tally.likes, tally.dislikes) == (0, 1)
    card = await answer(chat, "/paper 2502.15007")
    assert card.endswith("👍 · 👎 1 · 💾 Save: /like, /dislike or /save 2502.15007")


async def test_save_unsave_and_saved_pages(chat: ConsoleCommands, service: PaperService) -> None:
    assert "No saved papers here yet" in await answer(chat, "/saved")
    top = await service.top(n=12)
    for paper in top.papers:
        assert "is in your saved papers here" in await answer(chat, f"/save {paper.arxiv_id}")
    again = await answer(chat, f"/save {top.papers[0].arxiv_id}")
    assert "is in your saved papers here" in again  # saving twice keeps one
    first = await answer(chat, "/saved")
    assert first.startswith("Your saved papers here (12)")
    assert first.count("/unsave ") == 10
    assert " 1. [" in first
    assert "2 more: /more" in first
    second = await answer(chat, "/more")
    assert "11. " in second
    assert "12. " in second
    assert "Nothing to page through" in await answer(chat, "/more")
    removed = await answer(chat, f"/unsave {top.papers[0].arxiv_id}")
    assert removed.startswith(f"{top.papers[0].arxiv_id} was removed from your saved papers.")
    assert "was not in your saved papers" in await answer(chat, f"/unsave {top.papers[0].arxiv_id}")
    assert (await service.saved_page(HOME, USER)).total == 11


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/like", "Usage: /like <arXiv id or link>, e.g. /like 2502.15007"),
        ("/save", "Usage: /save <arXiv id or link>, e.g. /save 2502.15007"),
        ("/unsave", "Usage: /unsave <arXiv id or link>, e.g. /unsave 2502.15007"),
        (
            "/dislike nonsense",
            "I don't understand “nonsense”. Usage: /dislike <arXiv id or link>, e.g. /dislike 2502.15007",
        ),
        ("/like 2599.99999", "Paper 2599.99999 is not in the digest."),
        ("/saved 2", "I don't understand “2”. Usage: /saved, e.g. /saved"),
    ],
)
async def test_bad_input_is_one_line(chat: ConsoleCommands, line: str, said: str) -> None:
    assert await answer(chat, line) == said


async def test_help_and_the_push_name_the_commands(chat: ConsoleCommands, service: PaperService) -> None:
    helped = await answer(chat, "/help")
    for call in ("/saved", "/like <arXiv id or link>", "/dislike", "/save", "/unsave"):
        assert call in helped
    top = await service.top(n=3)
    assert top.day is not None
    [pushed] = push_messages(top.day, top.papers, "en", "en")
    assert pushed.endswith("keep one with /save ID; /saved lists them.")
