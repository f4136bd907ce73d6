"""The console chat over a real store: every command, bad input, paging, and the stdin loop."""

from __future__ import annotations

import io

import pytest

from bot.service import PaperService
from handlers.console_adapter.chat import ConsoleChat, run_console


@pytest.fixture
async def chat(service: PaperService) -> ConsoleChat:
    await service.seed_sample()
    return ConsoleChat(service)


async def answer(chat: ConsoleChat, line: str) -> str:
    reply = await chat.answer(line)
    assert reply is not None
    return reply


async def test_today_and_top(chat: ConsoleChat) -> None:
    today = await answer(chat, "/today")
    assert today.startswith("Top 10 of 2025-02-24 (32 listed)")
    top = await answer(chat, "/top 2")
    assert " 1. [▲ 95] LLM-Microscope" in top
    assert " 2. [▲ 73] SurveyX" in top
    assert " 3. " not in top
    assert "https://arxiv.org/abs/2502.15007" in top


async def test_paper_card(chat: ConsoleChat) -> None:
    card = await answer(chat, "/paper https://huggingface.co/papers/2502.15007")
    assert (
        card.splitlines()[0]
        == "LLM-Microscope: Uncovering the Hidden Role of Punctuation in Context Memory of Transformers"
    )
    for part in (
        "▲ 95",
        "What's New",
        "Technical Details",
        "Performance Highlights",
        "PDF: https://arxiv.org/pdf/2502.15007",
    ):
        assert part in card


async def test_search_and_more(chat: ConsoleChat) -> None:
    first = await answer(chat, "/search 모델")
    assert "more: /more" in first
    second = await answer(chat, "/more")
    assert "11. " in second
    assert " 1. " not in second
    assert await answer(chat, "/search 구두점") != first
    assert (await answer(chat, "/more")).startswith("Nothing to page through")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/top many", "Usage: /top [N] [YYYY-MM-DD], e.g. /top 5 2025-02-24"),
        ("/top 99", "N must be between 1 and 50"),
        ("/search", "Usage: /search <words>, e.g. /search 모델"),
        ("/paper", "Usage: /paper <arXiv id or link>"),
        ("/paper hello", "Give an arXiv id or link"),
        ("/paper 2401.99999", "Paper 2401.99999 is not in the digest."),
        ("/frobnicate", "Unknown command /frobnicate."),
        ("hello there", "Commands start with /."),
        ("/top 2025-02-23", "No list for 2025-02-23 (Sunday)."),
    ],
)
async def test_bad_input_gets_a_hint(chat: ConsoleChat, line: str, expected: str) -> None:
    assert expected in await answer(chat, line)


async def test_blank_line_is_ignored(chat: ConsoleChat) -> None:
    assert await chat.answer("   ") is None


async def test_help_lists_every_command(chat: ConsoleChat) -> None:
    text = await answer(chat, "/help")
    for name in ("/today", "/top", "/search", "/paper", "/days", "/more", "/help"):
        assert name in text


async def test_run_console_reads_until_end_of_input(service: PaperService) -> None:
    await service.seed_sample()
    out = io.StringIO()
    await run_console(service, io.StringIO("/top 1\n\n/days\n"), out)
    text = out.getvalue()
    assert "LLM-Microscope" in text
    assert "2025-02-24   32 papers  top ▲ 95" in text
    assert "paperboy>" not in text  # no prompt when input is not a terminal
