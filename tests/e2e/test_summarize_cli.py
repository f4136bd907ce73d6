"""`paperboy summarize` as an operator runs it: a real process, the fake LLM server and the fake arXiv."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.test_cli import assert_no_traceback, paperboy
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.openai_api import FakeOpenAIServer, quota_exhausted
from tests.fixtures.latexml import Article, latexml_page

SAMPLE_IDS = tuple(  # the bundled sample day's 32 papers
    dict.fromkeys(re.findall(r"arxiv\.org/abs/([0-9.]+)", (REPO / "bot/sample/2025-02-24.md").read_text()))
)


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeOpenAIServer, FakeArxiv]]:
    async with FakeOpenAIServer() as llm, FakeArxiv() as arxiv:
        for arxiv_id in SAMPLE_IDS:
            article = Article(
                title=f"Paper {arxiv_id}",
                abstract="We study how language models remember context.",
                sections=[("Results", ["The method improves accuracy to 87.3% on the benchmark. " * 12])],
            )
            arxiv.add_paper(arxiv_id, html=latexml_page(article))
        yield llm, arxiv


def _env(llm: FakeOpenAIServer, arxiv: FakeArxiv, tmp_path: Path) -> dict[str, str]:
    return {
        "PAPERBOY_LLM__BASE_URL": llm.api_url,
        "PAPERBOY_LLM__API_KEY": "sk-secret-test-key",
        "PAPERBOY_SUMMARIES__ARXIV_URL": arxiv.base_url,
        "PAPERBOY_SUMMARIES__FETCH_INTERVAL": "0",
        "PAPERBOY_SUMMARIES__CONTACT": "mailto:ops@example.org",
        "PAPERBOY_SUMMARIES__CACHE_DIR": str(tmp_path / "fulltext"),
    }


async def test_without_an_llm_it_says_what_to_set(tmp_path: Path) -> None:
    run = await paperboy(tmp_path / "p.db", "summarize")
    assert run.code == 2
    assert run.err.startswith(
        "paperboy: the writer needs an OpenAI-compatible server: set PAPERBOY_LLM__BASE_URL"
    )
    assert len(run.err.strip().splitlines()) == 1
    assert_no_traceback(run)


async def test_the_sample_day_in_two_more_languages_then_nothing_to_do(
    tmp_path: Path, fakes: tuple[FakeOpenAIServer, FakeArxiv]
) -> None:
    llm, arxiv = fakes
    db, env = tmp_path / "p.db", _env(llm, arxiv, tmp_path)

    first = await paperboy(db, "summarize", "--lang", "en,ja", env=env)
    again = await paperboy(db, "summarize", "--lang", "en,ja", "--date", "2025-02-24", env=env)
    paper = json.loads((await paperboy(db, "paper", "2502.15007", "--json")).out)[0]
    card = await paperboy(db, "paper", "2502.15007", "--lang", "ja")

    assert first.code == 0, first.err
    assert (
        first.out.strip()
        .splitlines()[-1]
        .startswith("paperboy: 64 written (0 unverified), 0 failed, 0 already there")
    )
    assert again.code == 0
    assert again.out.strip().startswith(
        "paperboy: 0 written (0 unverified), 0 failed, 64 already there; tokens 0 in"
    )
    assert llm.request_count == 64
    assert len(arxiv.requests) == 32  # each paper's text once, for both languages
    assert {code: s["source"] for code, s in paper["summaries"].items()} == {
        "en": "llm",
        "ja": "llm",
        "ko": "archive",
    }
    assert "新しい手法" in card.out or any("\u3040" <= ch <= "\u30ff" for ch in card.out)
    assert "sk-secret-test-key" not in first.out + first.err
    stats = await paperboy(db, "stats")
    assert "summaries: en llm 32; ja llm 32; ko archive 32; 0 unverified" in stats.out


async def test_a_spent_quota_fails_the_run_in_one_line_each(
    tmp_path: Path, fakes: tuple[FakeOpenAIServer, FakeArxiv]
) -> None:
    llm, arxiv = fakes
    llm.fail_next(1, quota_exhausted())

    env = _env(llm, arxiv, tmp_path) | {"PAPERBOY_LLM__CONCURRENCY": "1"}

    run = await paperboy(tmp_path / "p.db", "summarize", "--lang", "en", env=env)

    assert run.code == 1
    assert_no_traceback(run)
    assert llm.request_count == 1  # the others were not asked: they would meet the same quota
    assert run.out.count("  failed: ") == 32
    assert run.out.strip().splitlines()[-1].startswith("paperboy: 0 written (0 unverified), 32 failed")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("--since", "2025-02-25", "--until", "2025-02-24"),
            "--since 2025-02-25 is after --until 2025-02-24",
        ),
        (("--until", "2025-02-24"), "--until goes with --since"),
        (("--lang", "english!"), "not a language code"),
        (("--date", "2025-02-31"), "not a date"),
    ],
)
async def test_bad_arguments_get_a_usage_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    run = await paperboy(
        tmp_path / "p.db", "summarize", *args, env={"PAPERBOY_LLM__BASE_URL": "http://127.0.0.1:9/v1"}
    )
    assert run.code == 2
    assert said in run.err
    assert_no_traceback(run)
