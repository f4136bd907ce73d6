"""The console chat over a real store: every command, bad input, paging, and the stdin loop."""

from __future__ import annotations

import io
from datetime import date

import pytest

from bot.models import DigestDay
from bot.service import PaperService
from handlers.console_adapter.app import run_console
from handlers.console_adapter.commands import ConsoleCommands
from handlers.console_adapter.text import cells
from tests.conftest import PaperFactory

pytestmark = pytest.mark.slow  # every command through a chat over a store with the sample day, each


@pytest.fixture
async def chat(service: PaperService) -> ConsoleCommands:
    await service.seed_sample()
    return ConsoleCommands(service)


async def answer(chat: ConsoleCommands, line: str) -> str:
    reply = await chat.answer(line)
    assert reply is not None
    return reply


async def test_today_and_top(chat: ConsoleCommands) -> None:
    today = await answer(chat, "/today")
    assert today.startswith("Top 10 of 2025-02-24 (32 listed)")
    top = await answer(chat, "/top 2")
    assert " 1. [▲ 95] LLM-Microscope" in top
    assert " 2. [▲ 73] SurveyX" in top
    assert " 3. " not in top
    assert "https://arxiv.org/abs/2502.15007" in top


async def test_paper_card(chat: ConsoleCommands) -> None:
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


async def test_search_and_more(chat: ConsoleCommands) -> None:
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
        ("/top 99", "N must be between 1 and 50. Usage: /top [N] [YYYY-MM-DD], e.g. /top 5 2025-02-24"),
        ("/trending 99", "N must be between 1 and 50. Usage: /trending [N], e.g. /trending 5"),
        ("/like hello", "I don't understand “hello”. Usage: /like <arXiv id or link>, e.g. /like 2502.15007"),
        ("/search", "Usage: /search <words>, e.g. /search 모델"),
        ("/paper", "Usage: /paper <arXiv id or link>"),
        ("/paper hello", "Give an arXiv id or link"),
        ("/paper 2401.99999", "Paper 2401.99999 is not in the digest."),
        ("/frobnicate", "Unknown command /frobnicate."),
        ("hello there", "Commands start with /."),
        ("/top 2025-02-23", "No list for 2025-02-23 (Sunday)."),
    ],
)
async def test_bad_input_gets_a_hint(chat: ConsoleCommands, line: str, expected: str) -> None:
    assert expected in await answer(chat, line)


async def test_blank_line_is_ignored(chat: ConsoleCommands) -> None:
    assert await chat.answer("   ") is None


async def test_help_lists_every_command(chat: ConsoleCommands) -> None:
    text = await answer(chat, "/help")
    for name in ("/today", "/top", "/search", "/paper", "/days", "/more", "/help"):
        assert name in text
    lines = text.splitlines()[1:]
    for line, after in zip(lines, [*lines[1:], ""], strict=True):
        if line.startswith(" " * 36):
            continue  # the description of a call too long for the column
        call, description = line[:36], line[36:]
        assert call.startswith("  /"), line
        assert call[-2:] == "  " or after.startswith(" " * 36), line  # never glued to its description
        assert description or after.startswith(" " * 36), line


async def test_run_console_reads_until_end_of_input(service: PaperService) -> None:
    await service.seed_sample()
    out = io.StringIO()
    await run_console(service, io.StringIO("/top 1\n\n/days\n"), out)
    text = out.getvalue()
    assert "LLM-Microscope" in text
    assert "2025-02-24   32 papers  top ▲ 95" in text
    assert "paperboy>" not in text  # no prompt when input is not a terminal


async def test_more_pages_through_the_days_list(chat: ConsoleCommands) -> None:
    first = await answer(chat, "/today")
    assert "22 more: /more" in first
    second = await answer(chat, "/more")
    assert "11. " in second
    assert " 1. " not in second
    assert "12 more: /more" in second
    third = await answer(chat, "/more")
    assert "21. " in third
    assert "2 more: /more" in third
    last = await answer(chat, "/more")
    assert "31. " in last
    assert "32. " in last
    assert "more: /more" not in last
    assert (await answer(chat, "/more")).startswith("Nothing to page through")


async def test_more_after_top_n_goes_on_from_n(chat: ConsoleCommands) -> None:
    assert "29 more: /more" in await answer(chat, "/top 3 2025-02-24")
    page = await answer(chat, "/more")
    assert page.splitlines()[2].startswith(" 4. ")
    assert "13. " in page
    assert "14. " not in page


async def test_today_takes_a_count(chat: ConsoleCommands) -> None:
    five = await answer(chat, "/today 5")
    assert five.startswith("Top 5 of 2025-02-24 (32 listed)")
    assert " 5. " in five
    assert " 6. " not in five
    assert "Usage: /today [N]" in await answer(chat, "/today 2025-02-24")
    assert "N must be between 1 and 50" in await answer(chat, "/today 99")
    assert "/today [N]" in await answer(chat, "/help")


async def test_settings_list_how_to_change_each(chat: ConsoleCommands) -> None:
    assert (await answer(chat, "/settings")).startswith("This chat has no subscription")
    await answer(chat, "/subscribe")
    text = await answer(chat, "/settings")
    assert "Time: 09:00 UTC" in text
    for name in (
        "time",
        "zone",
        "days",
        "top",
        "min",
        "include",
        "exclude",
        "format",
        "language",
        "empty",
        "late",
    ):
        assert f"  /settings {name} " in text
    helps = [line for line in text.splitlines() if line.startswith("  /settings ")]
    assert len({line.rindex("/settings ") for line in helps}) == 1  # the examples in one column
    assert any(line.startswith("  /settings days mon-fri | every | mon,wed,fri ") for line in helps)


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("/settings time 07:15", "Time: 07:15 UTC"),
        ("/settings time 9:00 europe/berlin", "Time: 09:00 Europe/Berlin"),
        ("/settings zone Asia/Seoul", "Time: 09:00 Asia/Seoul"),
        ("/settings days mon-fri", "Days: Monday to Friday"),
        ("/settings days every", "Days: every day"),
        ("/settings days sat, sun", "Days: Sat, Sun"),
        ("/settings days fri-mon", "Days: Mon, Fri, Sat, Sun"),
        ("/settings days 월-수", "Days: Mon, Tue, Wed"),
        ("/settings top 5", "Top N: 5"),
        ("/settings top_n 50", "Top N: 50"),
        ("/settings min 10", "Minimum votes: 10"),
        ("/settings include llm, agents", "Only with keywords: llm, agents"),
        ("/settings exclude -", "Without keywords: none"),
        ("/settings format cards", "Format: one card per paper"),
        ("/settings language ko", "Language: Korean"),
        ("/settings summaries JA", "Summaries in: Japanese"),
        ("/settings summaries -", "Summaries in: English"),
        ("/settings empty on", "Note on days without a list: on"),
        ("/settings late on", "Late risers"),
    ],
)
async def test_settings_change_one_at_a_time(chat: ConsoleCommands, line: str, shown: str) -> None:
    await answer(chat, "/subscribe")
    changed = await answer(chat, line)
    assert changed.startswith("Saved.")
    assert shown in changed
    assert shown in await answer(chat, "/settings")


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        (
            "/settings time 25:00",
            "Usage: /settings time HH:MM [Area/City], e.g. /settings time 09:00 Europe/Berlin",
        ),
        ("/settings time", "Usage: /settings time HH:MM"),
        ("/settings time 09:00 Mars/Olympus", "Unknown time zone “Mars/Olympus”"),
        ("/settings days someday", "Usage: /settings days mon-fri | every"),
        ("/settings days", "Usage: /settings days"),
        ("/settings top 0", "Usage: /settings top N (1-50)"),
        ("/settings top 51", "Usage: /settings top N (1-50)"),
        ("/settings top five", "Usage: /settings top N (1-50)"),
        ("/settings min -1", "Usage: /settings min VOTES"),
        ("/settings include", "Usage: /settings include WORD, WORD ... | -"),
        ("/settings format thread", "The format “thread” is not available here: choose compact, cards."),
        ("/settings format fancy", "Usage: /settings format compact | cards"),
        ("/settings language fr", "Usage: /settings language en | ko"),
        ("/settings empty maybe", "Usage: /settings empty on | off"),
        ("/settings summaries 日本語!", "is not a language code"),
        ("/settings summaries ja de", "Usage: /settings summaries LANGUAGE CODE | -"),
        ("/settings colour blue", "I don't understand “colour”. Usage: /settings [NAME VALUE]"),
    ],
)
async def test_a_bad_setting_gets_its_usage_and_changes_nothing(
    chat: ConsoleCommands, line: str, hint: str
) -> None:
    await answer(chat, "/subscribe")
    before = await answer(chat, "/settings")
    assert hint in await answer(chat, line)
    assert await answer(chat, "/settings") == before


async def test_too_many_keywords_say_why_and_how(chat: ConsoleCommands) -> None:
    await answer(chat, "/subscribe")
    reply = await answer(chat, "/settings include " + ", ".join(f"w{i}" for i in range(100)))
    assert reply.startswith("Cannot set include")
    assert "Usage: /settings include" in reply


async def test_settings_without_a_subscription(chat: ConsoleCommands) -> None:
    assert (await answer(chat, "/settings top 5")).startswith("This chat has no subscription")


@pytest.mark.parametrize(
    "line",
    [
        "/" + "x" * 2_000_000,
        "/top " + "y" * 2_000_000,
        "/search " + "모" * 2_000_000,
        "/subscribe 08:00 " + "Z" * 100_000,
        "/settings " + "n" * 100_000,
    ],
)
async def test_echoed_input_is_cut(chat: ConsoleCommands, line: str) -> None:
    reply = await answer(chat, line)
    assert len(reply) < 2_000
    assert "…" in reply


@pytest.mark.parametrize(
    "line",
    [
        "/search \x1b[2J\x1b]0;pwned\x07 model\x00",
        "/\x1b[31mtop",
        "/top \x1b[31m5",
        "/paper \x9b31m",
        "/settings days \x1b[1mmon",
    ],
)
async def test_control_characters_never_reach_the_terminal(chat: ConsoleCommands, line: str) -> None:
    await answer(chat, "/subscribe")
    reply = await answer(chat, line)
    assert not [c for c in reply if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F]


async def test_data_text_is_shown_escaped(service: PaperService, make_paper: PaperFactory) -> None:
    day = date(2025, 3, 3)
    title = "Evil \x1b]0;pwned\x07 title"
    await service._store.upsert_day(DigestDay(day=day, source="t", papers=[make_paper(title=title, votes=3)]))
    reply = await ConsoleCommands(service).answer("/top 1 2025-03-03")
    assert reply is not None
    assert "\x1b" not in reply
    assert "\x07" not in reply
    assert "Evil \\x1b]0;pwned\\x07 title" in reply


async def test_invalid_utf8_on_stdin_is_read_as_replacement_characters(service: PaperService) -> None:
    await service.seed_sample()
    stdin = io.TextIOWrapper(io.BytesIO(b"/search \xff\xfe model\n/top 1\n"), encoding="utf-8")
    out = io.StringIO()
    await run_console(service, stdin, out)
    assert "Search “\ufffd\ufffd model”" in out.getvalue()
    assert "LLM-Microscope" in out.getvalue()


@pytest.mark.parametrize("width", [40, 60, 100])
async def test_replies_fit_the_width_in_cells(chat: ConsoleCommands, width: int) -> None:
    chat.width = width
    for line in ("/paper 2502.15007", "/top 5", "/search 모델"):
        reply = await answer(chat, line)
        too_wide = [row for row in reply.splitlines() if cells(row) > width and "://" not in row]
        assert too_wide == []
