"""/trending and `paperboy trending` over a real store: the list, each empty case, bad arguments,
and cards carrying the HF fields in the console."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from bot.errors import UsageError
from bot.models import DigestDay
from bot.service import PaperService
from bot.trending import trending_view
from handlers.console_adapter.cli import parse_arguments, run_command
from handlers.console_adapter.commands import ConsoleCommands
from tests.conftest import PaperFactory
from tests.fixtures.vote_history import record_a_later_round


async def test_trending_lists_what_gained_votes_with_the_gain(service: PaperService) -> None:
    await service.seed_sample()
    await record_a_later_round(service._store)
    result = await service.trending(5)
    assert [(t.paper.arxiv_id, t.gained) for t in result.page.trends] == [
        ("2502.15007", 40),
        ("2502.14776", 17),
    ]
    view = trending_view(result, "en")
    assert (
        view.heading.render("en")
        == "Trending: votes gained in the last 24 h (lists of 2025-02-22 – 2025-02-24)"
    )
    assert view.items[0].trend is not None
    assert view.items[0].trend.render("en") == "▲ 135 (+40 in 24 h)"
    assert view.items[0].trend.render("ko") == "▲ 135 (24시간 +40)"
    chat = ConsoleCommands(service)
    answer = await chat.answer("/trending 1")
    assert answer is not None
    assert " 1. [▲ 135 (+40 in 24 h)] LLM-Microscope" in answer
    assert "SurveyX" not in answer


async def test_each_empty_trending_says_why_in_one_line(
    service: PaperService, make_paper: PaperFactory
) -> None:
    chat = ConsoleCommands(service)
    assert (await chat.answer("/trending") or "").endswith("No Daily Papers list yet: ingest one first.")
    await service.seed_sample()
    no_history = await chat.answer("/trending")
    assert no_history is not None
    assert " ".join(no_history.splitlines()[1:]) == (
        "No vote history yet: trending compares the votes seen at successive ingest rounds, and no "
        "paper of 2025-02-22 – 2025-02-24 has been seen twice."
    )
    result = await service.trending(days=1)
    assert result.empty_reason is not None
    assert "아직 추천 기록이 없습니다" in result.empty_reason.render("ko")


async def test_bad_trending_arguments_get_the_usage_line(service: PaperService) -> None:
    chat = ConsoleCommands(service)
    assert await chat.answer("/trending lots") == (
        "I don't understand “lots”. Usage: /trending [N], e.g. /trending 5"
    )
    assert "1 and 50" in (await chat.answer("/trending 0") or "")
    with pytest.raises(UsageError):
        await service.trending(5, days=31)


async def test_cli_trending_json_and_text(service: PaperService) -> None:
    await service.seed_sample()
    empty = io.StringIO()
    assert await run_command(parse_arguments(["trending", "--json"]), service, empty) == 1
    assert json.loads(empty.getvalue()) == []
    await record_a_later_round(service._store)
    out = io.StringIO()
    assert (
        await run_command(parse_arguments(["trending", "-n", "1", "--days", "2", "--json"]), service, out)
        == 0
    )
    (record,) = json.loads(out.getvalue())
    assert (record["id"], record["votes"], record["gained"]) == ("2502.15007", 135, 40)
    assert {"organization", "github_stars", "num_comments", "keywords"} <= set(record)
    text = io.StringIO()
    assert await run_command(parse_arguments(["trending"]), service, text) == 0
    assert "[▲ 90 (+17 in 24 h)] SurveyX" in text.getvalue()


async def test_the_console_card_shows_topics_organization_comments_and_stars(
    service: PaperService, make_paper: PaperFactory
) -> None:
    paper = make_paper(
        "2502.15007", votes=95, organization="AIRI", num_comments=4, github="https://github.com/a/b",
        github_stars=41, keywords=("Large Language Models", "context memory", "logit lens", "a", "b", "c"),
    )  # fmt: skip
    await service._store.upsert_day(DigestDay(day=date(2025, 2, 24), source="t", papers=[paper]))
    card = await ConsoleCommands(service).answer("/paper 2502.15007")
    assert card is not None
    lines = card.splitlines()
    assert lines[1] == "▲ 95 · 🏛 AIRI · 💬 4 · arXiv 2502.15007 · 2025-02-24"
    assert "[Large Language Models] [context memory] [logit lens] [a] [b]" in lines
    assert "[c]" not in card  # five topics at most
    assert "GitHub ★ 41: https://github.com/a/b" in lines
