"""The writer's day end to end: a real store, the real openai package against the fake LLM server,
the full-text fetcher against the fake arXiv. What gets written, what is never asked twice, what a
failure costs, and the limits (concurrency, the daily budget, a fatal error stopping the run)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import LLMSettings, SummariesSettings
from bot.metrics import Metrics
from bot.models import Destination, DigestDay, Paper, Subscription
from bot.ports import Store
from bot.writer.fulltext import FullTextFetcher
from bot.writer.gate import WriterGate
from bot.writer.prompt import PROMPT_VERSION
from bot.writer.summarizer import Summarizer, needs_summary
from handlers.llm_adapter.openai_chat import OpenAIChat
from tests.clock import VirtualClock
from tests.conftest import PaperFactory
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.openai_api import FakeOpenAIServer, spoiled
from tests.fixtures.latexml import Article, latexml_page
from tests.fixtures.pdfs import paper_pdf

pytestmark = pytest.mark.slow  # the writer's day over HTTP: fake LLM and arXiv servers each

DAY = date(2025, 6, 2)
NOW = datetime(2025, 6, 2, 9, tzinfo=UTC)


@dataclass
class Rig:
    store: Store
    llm: FakeOpenAIServer
    arxiv: FakeArxiv
    make: Callable[..., Summarizer]
    metrics: Metrics


async def _no_wait(seconds: float) -> None:
    return None


@pytest.fixture
async def rig(store: Store, tmp_path: Path) -> AsyncIterator[Rig]:
    clock = VirtualClock()
    async with FakeOpenAIServer() as llm, FakeArxiv(clock=clock.monotonic) as arxiv:
        closers: list[Any] = []
        metrics = Metrics()

        def make(**options: Any) -> Summarizer:
            llm_settings = LLMSettings(base_url=llm.api_url, api_key="sk-test", **options)
            chat = OpenAIChat(base_url=llm.api_url, api_key="sk-test", timeout=5.0)
            texts = FullTextFetcher(
                tmp_path / "fulltext", contact="https://example.org/paperboy", base_url=arxiv.base_url,
                min_interval=0.0, clock=clock.monotonic, sleep=clock.sleep,
            )  # fmt: skip
            closers.extend([chat.close, texts.aclose])
            settings = SummariesSettings(source="fulltext")
            return Summarizer(
                store, chat, texts, llm_settings, settings, now=lambda: NOW, sleep=_no_wait, metrics=metrics
            )

        yield Rig(store, llm, arxiv, make, metrics)
        for close in closers:
            await close()


def _failures(rig: Rig, language: str, kind: str) -> float | None:
    labels = {"language": language, "kind": kind}
    return rig.metrics.registry.get_sample_value("paperboy_summaries_failed_total", labels)


async def _day(rig: Rig, make_paper: PaperFactory, count: int = 4, **fields: Any) -> list[Paper]:
    """`count` HF-only papers (English abstract, no summary); the first has HTML, the second a PDF."""
    papers = [
        make_paper(
            f"2506.{n:05d}", sections=(), abstract=f"We propose method {n} reaching 87.3% accuracy.", **fields
        )
        for n in range(1, count + 1)
    ]
    await rig.store.upsert_day(DigestDay(day=DAY, source="hf", papers=papers))
    article = Article(
        title="T", abstract="A", sections=[("Results", ["An accuracy of 87.3% on the test set. " * 20])]
    )
    rig.arxiv.add_paper(papers[0].arxiv_id, html=latexml_page(article))
    rig.arxiv.add_paper(papers[1].arxiv_id, pdf=paper_pdf("T", pages=2))
    return papers


async def test_a_day_is_written_in_every_language_once(rig: Rig, make_paper: PaperFactory) -> None:
    papers = await _day(rig, make_paper)
    writer = rig.make()

    report = await writer.summarize_days([DAY], ["ko", "en"])
    requests = rig.llm.request_count
    fetched = len(rig.arxiv.requests)
    again = await writer.summarize_days([DAY], ["ko", "en"])

    assert (report.written, report.failed, report.skipped) == (8, 0, 0)
    assert requests == 8
    assert (report.tokens_in, report.tokens_out) == rig.llm.usage()
    assert fetched == 1 + 2 + 2 * 2  # an HTML hit; HTML 404 then the PDF; both 404 for the other two
    assert (again.written, again.skipped, rig.llm.request_count, len(rig.arxiv.requests)) == (
        0,
        8,
        8,
        fetched,
    )
    stored = await rig.store.get_paper(papers[0].arxiv_id)
    assert stored is not None
    korean = stored.summary_in("ko")
    assert korean is not None
    assert (korean.source, korean.prompt_version, korean.created_at) == ("llm", PROMPT_VERSION, NOW)
    assert korean.model == "gpt-4o-mini-2024-07-18"  # the model the server says answered
    assert [s.heading for s in korean.sections] == [
        "What's New",
        "Technical Details",
        "Performance Highlights",
    ]
    assert any("\uac00" <= ch <= "\ud7a3" for s in korean.sections for ch in s.text)
    assert korean.tokens_in > 0


async def test_force_rewrites_the_writers_summaries_but_never_the_archives(
    rig: Rig, make_paper: PaperFactory
) -> None:
    archived = make_paper("2506.00009")  # has the archive's Korean summary
    await _day(rig, make_paper, count=2)
    await rig.store.upsert_day(DigestDay(day=DAY, source="archive", papers=[archived]))
    writer = rig.make()
    await writer.summarize_days([DAY], ["ko"])
    first = rig.llm.request_count

    forced = await writer.summarize_days([DAY], ["ko"], force=True)

    assert first == 2
    assert (forced.written, forced.skipped) == (2, 1)
    assert rig.llm.request_count == 4
    assert needs_summary(archived, "ko", force=True) is False


async def test_a_paper_that_keeps_failing_is_recorded_and_the_day_goes_on(
    rig: Rig, make_paper: PaperFactory
) -> None:
    await _day(rig, make_paper, count=3)
    writer = rig.make(max_attempts=2, concurrency=1)
    rig.llm.fail_next(2, spoiled("malformed"))  # the first paper's two tries

    report = await writer.summarize_days([DAY], ["en"])
    stats = await rig.store.summary_stats()

    assert (report.written, report.failed) == (2, 1)
    assert report.failures[0].startswith("2506.00001 en: ")
    assert list(stats.failures.values()) == [1]
    assert report.tokens_in > 0  # the failed tries were paid for too
    assert _failures(rig, "en", "bad_answer") == 1


async def test_an_unknown_model_stops_the_run_after_one_paper(rig: Rig, make_paper: PaperFactory) -> None:
    await _day(rig, make_paper, count=4)
    writer = rig.make(model="no-such-model", concurrency=1)

    report = await writer.summarize_days([DAY], ["en", "ko"])

    assert report.failed == 8
    assert rig.llm.request_count == 1
    assert len({r.paper for r in rig.arxiv.requests}) <= 2  # one text fetched ahead, then none of the 4
    assert sum("stopped: " in failure for failure in report.failures) == 7
    assert (_failures(rig, "en", "request_refused"), _failures(rig, "en", "stopped")) == (1, 3)


async def test_the_daily_budget_stops_requests_and_counts_what_was_spent_today(
    rig: Rig, make_paper: PaperFactory
) -> None:
    await _day(rig, make_paper, count=4)
    first = rig.make(concurrency=1)
    await first.summarize_days([DAY], ["en"])
    spent = await first.spent_today()
    paid = sum(rig.llm.usage())
    budget = spent + 2_500
    limited = rig.make(concurrency=1, daily_token_budget=budget, max_output_tokens=1_024)

    report = await limited.summarize_days([DAY], ["ko"])

    assert spent == paid
    assert 0 < report.failed < 4
    assert report.written == 4 - report.failed
    assert all("daily token budget of" in failure for failure in report.failures)
    assert spent + report.tokens_in + report.tokens_out <= budget


async def test_papers_are_written_at_most_concurrency_at_a_time(rig: Rig, make_paper: PaperFactory) -> None:
    await _day(rig, make_paper, count=6)
    rig.llm.latency = (0.05, 0.1)
    rig.llm.max_concurrent = 2  # a third request at once would be refused with 429
    writer = rig.make(concurrency=2)

    report = await writer.summarize_days([DAY], ["en"])

    assert (report.written, report.failed) == (6, 0)
    assert rig.llm.request_count == 6  # no 429 was met and retried


async def test_languages_default_to_the_subscribers_plus_korean(rig: Rig, make_paper: PaperFactory) -> None:
    await rig.store.save_subscription(
        Subscription(destination=Destination(platform="telegram", chat_id="1"), chat_type="private")
    )
    assert await rig.make().languages() == ("en", "ko")


async def test_a_push_waits_for_the_writer_only_so_long() -> None:
    clock = VirtualClock()
    gate = WriterGate(clock=clock.monotonic)
    idle = await gate.wait(10)
    async with gate.writing():
        clock.advance(11)  # the writer began 11 s ago: a push waits no more
        late = await gate.wait(10)
    after = await gate.wait(10)
    assert (idle, late, after) == (True, False, True)


async def test_a_push_round_goes_on_when_the_writer_finishes() -> None:
    gate = WriterGate()
    finished = asyncio.Event()

    async def write() -> None:
        async with gate.writing():
            await finished.wait()

    writing = asyncio.create_task(write())
    await asyncio.sleep(0)
    waiting = asyncio.create_task(gate.wait(30))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    finished.set()
    assert await waiting is True
    await writing
