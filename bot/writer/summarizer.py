"""The digest writer's day: which papers lack a summary in which language, and writing them.

A summary is keyed by (paper, language, prompt version): a paper that has one, from the archive or
from this prompt, costs nothing on a re-run; `force` redoes the writer's own (never the archive's).
Each paper's text is fetched once for all its languages; the model is asked for at most
`concurrency` papers at a time, within a daily token budget that failed attempts count toward too.
One paper's failure is recorded with its reason and never stops the day, but a failure that every
other paper would meet as well (a bad key, an unknown model, a spent quota) stops the run at once
instead of spending a request on each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Literal, Protocol

from bot.config import LLMSettings, SummariesSettings
from bot.ingest import Progress
from bot.metrics import METRICS, Metrics
from bot.models import Paper, Section, Summary
from bot.ports import WriterStore
from bot.subscriptions import delivering_pages
from bot.writer.compose import FormatLadder, RetryPolicy, SummaryFailed, Written, write_sections
from bot.writer.fulltext import SourceText
from bot.writer.gate import WriterGate
from bot.writer.llm import ContextTooLong, LanguageModel, PermanentLLMError, RateLimitedLLM, TransientLLMError
from bot.writer.prompt import PROMPT_VERSION
from bot.writer.tokens import estimate_tokens

log = logging.getLogger(__name__)

DAY_LIMIT = 1_000  # more papers than any day lists
CHARS_PER_TOKEN = 4  # how much text to fetch for the token budget (the prompt cuts it exactly)
ALWAYS_WRITTEN = ("ko",)  # the archive's language: Paperboy continues it
NO_TEXT = SourceText(text="", kind="abstract", chars=0, cut=False)


class SourceTexts(Protocol):
    """Where a paper's text comes from (bot.writer.fulltext.FullTextFetcher)."""

    async def source_text(
        self, arxiv_id: str, abstract: str | None, *, mode: Literal["abstract", "fulltext"], max_chars: int
    ) -> SourceText: ...


FailureKind = Literal[
    "bad_answer",
    "rate_limited",
    "context_too_long",
    "server_error",
    "request_refused",
    "stopped",
    "budget",
    "no_text",
]


def failure_kind(failure: SummaryFailed) -> FailureKind:
    """The few kinds /metrics counts failures by (the reason's wording, with its figures, is for people)."""
    error = failure.error
    if isinstance(error, RateLimitedLLM):
        return "rate_limited"
    if isinstance(error, ContextTooLong):
        return "context_too_long"
    if isinstance(error, PermanentLLMError):
        return "request_refused"
    if isinstance(error, TransientLLMError):
        return "server_error"
    return "bad_answer"  # a malformed, partial, refused or cut-short answer


@dataclass(frozen=True)
class Job:
    paper: Paper
    language: str


@dataclass
class SummarizeReport:
    """What a run did; `failures` are "ID LANG: reason" lines."""

    written: int = 0
    failed: int = 0
    skipped: int = 0  # already summarised in that language
    unverified: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self, prices: LLMSettings) -> str:
        """The one line a run ends with (the CLI's last line, the run's log line)."""
        text = (
            f"{self.written} written ({self.unverified} unverified), {self.failed} failed, "
            f"{self.skipped} already there; tokens {self.tokens_in:,} in, {self.tokens_out:,} out"
        )
        cost = self.cost(prices)
        return text + (f"; cost {cost:.4f}" if cost is not None else "")

    def cost(self, prices: LLMSettings) -> float | None:
        """What the tokens cost, when the prices are configured."""
        if prices.price_input is None and prices.price_output is None:
            return None
        return (
            self.tokens_in * (prices.price_input or 0) + self.tokens_out * (prices.price_output or 0)
        ) / 1e6


def needs_summary(paper: Paper, language: str, *, force: bool = False) -> bool:
    """Whether the writer should write `paper` in `language`: the archive's summary always stands,
    the writer's own stands unless its prompt changed or `force`."""
    stored = next((s for s in paper.summaries if s.language == language), None)
    if stored is None:
        return True
    if stored.source == "archive":
        return False
    return force or stored.prompt_version != PROMPT_VERSION


class Summarizer:
    """Writes the missing summaries of some days through a LanguageModel and stores them."""

    def __init__(
        self,
        store: WriterStore,
        llm: LanguageModel,
        texts: SourceTexts,
        llm_settings: LLMSettings,
        settings: SummariesSettings,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        metrics: Metrics = METRICS,
    ) -> None:
        self._store = store
        self._llm = llm
        self._texts = texts
        self._llm_settings = llm_settings
        self._settings = settings
        self._now = now
        self._sleep = sleep
        self._metrics = metrics
        self._ladder = FormatLadder()  # a server without json_schema is asked for it once per process
        self._policy = RetryPolicy(
            max_attempts=llm_settings.max_attempts, max_tokens=llm_settings.max_output_tokens
        )

    async def languages(self) -> tuple[str, ...]:
        """The configured languages, else those of every active subscription, plus Korean."""
        if self._settings.languages:
            return self._settings.languages
        subscribed = {s.reads async for page in delivering_pages(self._store) for s in page}
        return tuple(sorted(subscribed | set(ALWAYS_WRITTEN)))

    async def summarize_days(
        self,
        days: Sequence[date],
        languages: Sequence[str] | None = None,
        *,
        force: bool = False,
        progress: Progress | None = None,
    ) -> SummarizeReport:
        """Write every missing summary of the papers listed on `days`."""
        wanted = tuple(languages) if languages else await self.languages()
        run = _Run(SummarizeReport(), progress, asyncio.Semaphore(self._llm_settings.concurrency))
        by_paper: dict[str, list[Job]] = {}
        for day in days:
            for paper in await self._store.top(day, limit=DAY_LIMIT):
                for language in wanted:
                    if needs_summary(paper, language, force=force):
                        by_paper.setdefault(paper.arxiv_id, []).append(Job(paper, language))
                    else:
                        run.report.skipped += 1
        run.total = sum(len(jobs) for jobs in by_paper.values())
        if run.total:
            run.spent = await self.spent_today()
            await asyncio.gather(*(self._paper(jobs, run) for jobs in by_paper.values()))
        return run.report

    async def _paper(self, jobs: list[Job], run: _Run) -> None:
        """Fetch the paper's text once, then write each language (no more than `concurrency` at once)."""
        paper = jobs[0].paper
        async with run.fetching:  # arXiv takes one request at a time anyway; a stopped run asks no more
            source = NO_TEXT
            if run.halted is None:
                source = await self._texts.source_text(
                    paper.arxiv_id,
                    paper.abstract,
                    mode=self._settings.source,
                    max_chars=self._llm_settings.max_input_tokens * CHARS_PER_TOKEN,
                )
        await asyncio.gather(*(self._one(job, source, run) for job in jobs))

    async def _one(self, job: Job, source: SourceText, run: _Run) -> None:
        async with run.gate:
            try:
                estimate = estimate_tokens(source.text) + self._llm_settings.max_output_tokens
                refusal = self._refusal(source, estimate, run)
                if refusal is not None:
                    await self._failed(job, *refusal, run)
                    return
                run.reserved += estimate
                try:
                    await self._write(job, source, run)
                finally:
                    run.reserved -= estimate
            finally:
                run.done += 1
                if run.progress is not None:
                    run.progress(run.done, run.total, f"{job.paper.arxiv_id} {job.language}")

    def _refusal(self, source: SourceText, estimate: int, run: _Run) -> tuple[FailureKind, str] | None:
        """Why this job gets no request at all: the run stopped, the budget is spent, no text."""
        if run.halted is not None:
            return "stopped", run.halted
        budget = self._llm_settings.daily_token_budget
        if budget and run.spent + run.reserved + estimate > budget:
            return "budget", f"daily token budget of {budget:,} spent"
        if not source.text.strip():
            return "no_text", "no abstract or full text to write from"
        return None

    async def _write(self, job: Job, source: SourceText, run: _Run) -> None:
        try:
            written = await write_sections(
                self._llm,
                model=self._llm_settings.model,
                title=job.paper.title,
                source_text=source.text,
                language=job.language,
                policy=self._policy,
                ladder=self._ladder,
                sleep=self._sleep,
            )
        except SummaryFailed as failure:
            self._count_tokens(failure.tokens_in, failure.tokens_out, run)
            if isinstance(failure.error, PermanentLLMError | RateLimitedLLM):
                run.halted = f"stopped: {failure.reason}"  # every other paper would meet it too
            await self._failed(job, failure_kind(failure), failure.reason, run)
            return
        self._count_tokens(written.tokens_in, written.tokens_out, run)
        await self._store.save_summary(job.paper.arxiv_id, self._summary(job, written))
        run.report.written += 1
        run.report.unverified += not written.verified
        self._metrics.summaries_written.labels(job.language).inc()

    def _summary(self, job: Job, written: Written) -> Summary:
        return Summary(
            language=job.language,
            source="llm",
            sections=tuple(Section(heading=heading, text=text) for heading, text in written.sections),
            model=written.model,
            prompt_version=PROMPT_VERSION,
            created_at=self._now(),
            tokens_in=written.tokens_in,
            tokens_out=written.tokens_out,
            verified=written.verified,
        )

    def _count_tokens(self, tokens_in: int, tokens_out: int, run: _Run) -> None:
        run.spent += tokens_in + tokens_out
        run.report.tokens_in += tokens_in
        run.report.tokens_out += tokens_out
        self._metrics.llm_tokens.labels("in").inc(tokens_in)
        self._metrics.llm_tokens.labels("out").inc(tokens_out)

    async def _failed(self, job: Job, kind: FailureKind, reason: str, run: _Run) -> None:
        run.report.failed += 1
        run.report.failures.append(f"{job.paper.arxiv_id} {job.language}: {reason}")
        self._metrics.summaries_failed.labels(job.language, kind).inc()
        log.info("summary of %s in %s failed: %s", job.paper.arxiv_id, job.language, reason)
        await self._store.record_summary_failure(job.paper.arxiv_id, job.language, PROMPT_VERSION, reason)

    async def summarize_latest(self, count: int, gate: WriterGate) -> None:
        """After an ingest round: the `count` latest days, holding due pushes at `gate` meanwhile."""
        async with gate.writing():
            days = [info.day for info in await self._store.list_days(limit=count)]
            report = await self.summarize_days(days)
        if report.written or report.failed:  # failures need the operator: their reasons are in stats
            level = logging.WARNING if report.failed else logging.INFO
            log.log(level, "writer: %s (`paperboy stats` lists why)", report.line(self._llm_settings))

    async def spent_today(self) -> int:
        """Tokens the writer's summaries stored since midnight UTC cost."""
        midnight = datetime.combine(self._now().date(), time(), tzinfo=UTC)
        return await self._store.summary_tokens_since(midnight)


@dataclass
class _Run:
    """One run's shared state: the report, the budget spent and reserved, and a reason to stop."""

    report: SummarizeReport
    progress: Progress | None
    gate: asyncio.Semaphore
    fetching: asyncio.Lock = field(default_factory=asyncio.Lock)
    total: int = 0
    done: int = 0
    spent: int = 0
    reserved: int = 0
    halted: str | None = None
