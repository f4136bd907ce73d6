"""Digest-writer benchmark: how long a day of papers takes to summarise, and what it costs in tokens.

Why: the writer sends one Chat Completions request per paper and language, and a model takes seconds
to answer each, so a day's run is bound by the model's latency and by the provider's rate limits, not
by our CPU. The writer asks for at most `concurrency` papers at once (LLMSettings.concurrency); the old
archive job sent every paper's request at once. This measures what the bound buys and costs:

1. wall time at the chosen concurrency (default 4) against one paper at a time: the speed-up;
2. "unbounded" (concurrency = the number of papers, the archive job's way): its wall time, the 429s the
   provider answered (counted by the fake, per limit) and the papers that failed, against the chosen
   concurrency's 429s (0 expected);
3. a re-run of the same day: requests sent (must be 0: every paper has its summary) and its wall time;
4. tokens per paper, in and out (median and total), written from the abstract and from the full text
   (the fake arXiv serving LaTeXML pages of ~45,000 characters, fetched with min_interval 0; real
   arXiv politeness, one request every 3 s, bounds the full-text day, and that bound is printed);
5. full-text extraction rate (papers/s) for HTML and PDF: bench.fulltext's own measurement, run with
   fewer papers and summarised here.

The rig is the writer's real path: Summarizer over a SQLite store in a temporary folder, OpenAIChat
(the real openai package) against the loopback FakeOpenAIServer, and FullTextFetcher against FakeArxiv.
A day is `--papers` papers with generated English titles and abstracts of about 1,200 characters,
written in one language (Korean by default, the archive's: one request per paper). Each run starts
from an empty store and a fresh fake server.

Time is scaled, and every mode alike. The fake model answers after 2-8 s (a hosted model writing
three short sections) times `--scale` (default 0.1: 0.2-0.8 s). The provider's limits, at most
`--provider-concurrent` requests at once and `--rpm` a minute, are kept in the provider's own seconds:
the fake's clock runs 1/scale as fast as the wall clock, so its minute lasts 60 x scale seconds, and
the writer's sleeps (Retry-After, backoff) are multiplied by the scale, so a Retry-After of 1 s
waits 0.1 s. The wall-time RATIOS therefore carry over to real latency; the seconds do not (the wall
time divided by the scale is shown as a rough real-latency estimate: our own overhead is not scaled).

Tokens are the fake's count (a word, a number or a punctuation mark is one token), not a real
tokenizer's: BPE tokenizers count English somewhat higher. Read them as the ratio between the abstract
and the full text, and as an order of magnitude against the daily token budget. The fake answers from
a template, so the tokens out are the same whatever the source; and the model's latency is the same
for a 600-token prompt and an 8,000-token one, where a real model reads the longer one a little slower.

Run: `.venv/bin/python -m bench.summarize [--papers 50] [--repeat 3] [--scale 0.1] [--concurrency 4]`.
Each wall time is the median of `--repeat` runs, with the range beside it; benchmarks print, they do
not pass or fail on time. The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from bench.fulltext import CONTACT, POLITE_INTERVAL, measure
from bot.config import LLMSettings, SummariesSettings
from bot.metrics import Metrics
from bot.models import DigestDay, Paper
from bot.ports import Catalog, Store
from bot.writer.fulltext import FullTextFetcher
from bot.writer.summarizer import Summarizer
from handlers.llm_adapter.openai_chat import OpenAIChat
from storage import open_store
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.openai_api import FakeOpenAIServer
from tests.fixtures.latexml import Article, latexml_page, synthetic_article

DAY = date(2025, 6, 2)
LATENCY = (2.0, 8.0)  # seconds a hosted model takes to answer one paper, unscaled
BUDGET = LLMSettings().daily_token_budget
Source = Literal["abstract", "fulltext"]

# The parts of a generated abstract: context, gap, proposal, method, data, results, analysis, release.
_TOPICS = (
    ("Large language models", "LLMs", "multi-step reasoning"),
    ("Vision-language models", "VLMs", "visual question answering"),
    ("Text-to-image diffusion models", "diffusion models", "compositional image generation"),
    ("Code language models", "code LLMs", "repository-level code completion"),
    ("Speech foundation models", "speech models", "low-resource speech recognition"),
    ("Autonomous web agents", "web agents", "long-horizon web navigation"),
    ("Retrieval-augmented generation systems", "RAG systems", "open-domain question answering"),
    ("Embodied robot policies", "robot policies", "dexterous manipulation"),
)
_WEAKNESSES = (
    "brittle when the input departs from the training distribution",
    "expensive to run at the scale real deployments require",
    "prone to confident errors that are hard to detect",
    "limited by the quality of the supervision they are trained on",
)
_GAPS = (
    "Existing approaches either rely on costly human annotation or on heuristic filtering, which "
    "limits how far they scale and how well they transfer to new domains.",
    "Prior work mostly evaluates on short, curated benchmarks, so it remains unclear how these "
    "systems behave on the long and noisy inputs found in practice.",
    "Current methods treat this as a single-stage problem and ignore the intermediate structure "
    "that makes it tractable, leading to redundant computation and unstable training.",
)
_NAMES = ("Aurora", "Sparrow", "Lattice", "Meridian", "Quill", "Helix", "Tessera", "Cobalt", "Nimbus")
_TECHNIQUES = (
    "mixture-of-experts routing",
    "self-verification",
    "curriculum reinforcement learning",
    "contrastive preference optimization",
    "hierarchical token merging",
    "learned test-time search",
)
_METHOD = (
    "{name} first decomposes each input into a small set of sub-problems with a lightweight planner, "
    "then solves them with {technique} and aggregates the partial answers with a learned verifier.",
    "At its core, {name} combines {technique} with a compact memory of intermediate results, so that "
    "the model can revisit earlier decisions without recomputing the whole context.",
    "{name} trains a single backbone with {technique}, using a reward that balances answer accuracy "
    "against the number of generated tokens, and requires no additional human labels.",
)
_DATA = (
    "To support training and evaluation, we construct {name}-Bench, a collection of {count},000 "
    "examples spanning {domains} domains, each paired with step-level annotations.",
    "We further release a synthetic training corpus of {count},000 instances generated by a teacher "
    "model and filtered for correctness with automatic checks across {domains} domains.",
)
_RESULTS = (
    "Experiments on {benchmarks} show that {name} improves accuracy by {gain} points over the "
    "strongest baseline while using {saving}% fewer inference tokens.",
    "Across {benchmarks}, {name} outperforms prior state-of-the-art methods by an average of {gain} "
    "points and reduces latency by {saving}% at comparable model size.",
)
_BENCHMARKS = ("GSM8K", "MATH", "MMLU", "HumanEval", "VQAv2", "LibriSpeech", "WebArena", "Natural Questions")
_ANALYSIS = (
    "Ablation studies reveal that both components contribute to the gains, and that the benefits grow "
    "with model size and task difficulty.",
    "Our analysis further shows that the learned behaviour transfers to unseen tasks and remains "
    "robust under distribution shift and adversarial perturbations.",
)
_TITLES = (
    "{name}: Efficient {task} with {technique}",
    "{name}: Scaling {task} through {technique}",
    "Less Is More for {task}: {technique} in {name}",
    "Rethinking {task}: {name} and the Case for {technique}",
)
_RELEASE = (
    "We release our code, models and data to facilitate future research.",
    "Code and checkpoints are publicly available.",
)


def _abstract(rng: random.Random, name: str, topic: tuple[str, str, str]) -> str:
    """An English abstract of about 1,200 characters, shaped like an AI paper's."""
    field_, short, task = topic
    sentences = [
        f"{field_} ({short}) have achieved remarkable progress on {task}, yet they remain "
        f"{rng.choice(_WEAKNESSES)}.",
        rng.choice(_GAPS),
        f"In this paper, we introduce {name}, a simple and general framework for {task} built on "
        f"{rng.choice(_TECHNIQUES)}.",
        rng.choice(_METHOD).format(name=name, technique=rng.choice(_TECHNIQUES)),
        rng.choice(_DATA).format(name=name, count=rng.randint(12, 480), domains=rng.randint(4, 18)),
        rng.choice(_RESULTS).format(
            name=name,
            benchmarks="{}, {} and {}".format(*rng.sample(_BENCHMARKS, 3)),
            gain=f"{rng.uniform(1.5, 12.0):.1f}",
            saving=rng.randint(15, 60),
        ),
        rng.choice(_ANALYSIS),
        rng.choice(_RELEASE),
    ]
    return " ".join(sentences)


def make_papers(count: int, seed: int = 7) -> list[Paper]:
    """`count` papers as Hugging Face lists them: a title and an English abstract, no summary."""
    rng = random.Random(seed)
    papers = []
    for n in range(1, count + 1):
        topic = rng.choice(_TOPICS)
        name = f"{rng.choice(_NAMES)}-{rng.randint(1, 9)}"
        technique = rng.choice(_TECHNIQUES).title()
        title = rng.choice(_TITLES).format(name=name, task=topic[2].title(), technique=technique)
        papers.append(
            Paper(
                arxiv_id=f"2506.{n:05d}",
                title=title,
                authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"),
                votes=count - n + 1,
                abstract=_abstract(rng, name, topic),
            )
        )
    return papers


def html_page(paper: Paper, index: int) -> str:
    """arXiv's HTML rendering of `paper`: its title and abstract, and ~45,000 characters of sections."""
    body = synthetic_article(index, target_chars=45_000)
    return latexml_page(Article(title=paper.title, abstract=paper.abstract or "", sections=body.sections))


@dataclass(frozen=True)
class Provider:
    """The fake provider, in its own seconds; `scale` shrinks every one of them into wall seconds."""

    scale: float
    max_concurrent: int
    requests_per_minute: int

    def clock(self) -> float:
        """The provider's time: its per-minute window and its Retry-After are counted in it."""
        return time.monotonic() / self.scale

    async def sleep(self, seconds: float) -> None:
        """The writer's waits (Retry-After, backoff), which the provider's seconds ask for."""
        await asyncio.sleep(seconds * self.scale)

    def server(self) -> FakeOpenAIServer:
        low, high = LATENCY
        return FakeOpenAIServer(
            latency=(low * self.scale, high * self.scale),
            requests_per_minute=self.requests_per_minute,
            max_concurrent=self.max_concurrent,
            clock=self.clock,
        )


@dataclass(frozen=True)
class Day:
    """What every run writes: the papers, in which language, against which provider and arXiv."""

    papers: list[Paper]
    language: str
    provider: Provider
    arxiv_url: str


@dataclass(frozen=True)
class Mode:
    concurrency: int
    source: Source = "abstract"
    rerun: bool = False  # run the same day again on the same store afterwards


@dataclass(frozen=True)
class DayRun:
    """One run's figures; the re-run's are None when the mode has none."""

    seconds: float
    requests: int
    rate_limited: dict[str, int]
    written: int
    failed: int
    first_failure: str | None
    tokens: list[tuple[int, int]]  # (in, out) of each summary written
    rerun_seconds: float | None = None
    rerun_requests: int | None = None


Runs = dict[str, list[DayRun]]  # each mode's runs, by mode name


def llm_settings(base_url: str, concurrency: int) -> LLMSettings:
    """The writer's settings at their defaults but for `concurrency`, which may pass the setting's
    cap of 64 (the unbounded mode of a large day)."""
    return LLMSettings(base_url=base_url).model_copy(update={"concurrency": concurrency})


async def written_tokens(store: Catalog, language: str) -> list[tuple[int, int]]:
    """The tokens each written summary of the day cost, retries included (the writer stores them)."""
    tokens = []
    for paper in await store.top(DAY, limit=1_000):
        summary = next((s for s in paper.summaries if s.language == language), None)
        if summary is not None:
            tokens.append((summary.tokens_in, summary.tokens_out))
    return tokens


@dataclass(frozen=True)
class Rig:
    store: Store
    llm: FakeOpenAIServer
    writer: Summarizer


async def open_rig(stack: contextlib.AsyncExitStack, day: Day, mode: Mode) -> Rig:
    """A writer over an empty SQLite store holding the day, a fresh fake model, and the fake arXiv;
    everything is closed (and the folder removed) when `stack` closes."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="paperboy-bench-")))
    store = await open_store(f"sqlite:///{folder / 'paperboy.db'}")
    stack.push_async_callback(store.close)
    await store.upsert_day(DigestDay(day=DAY, source="hf", papers=day.papers))
    llm = await stack.enter_async_context(day.provider.server())
    chat = OpenAIChat(base_url=llm.api_url, api_key="sk-bench")
    stack.push_async_callback(chat.close)
    texts = await stack.enter_async_context(
        FullTextFetcher(folder / "fulltext", contact=CONTACT, base_url=day.arxiv_url, min_interval=0.0)
    )
    settings = llm_settings(llm.api_url, mode.concurrency)
    writer = Summarizer(
        store, chat, texts, settings, SummariesSettings(source=mode.source), sleep=day.provider.sleep,
        metrics=Metrics(),
    )  # fmt: skip
    return Rig(store, llm, writer)


async def write_day(day: Day, mode: Mode) -> DayRun:
    """Write the day once from scratch, then (`mode.rerun`) again; time summarize_days only."""
    async with contextlib.AsyncExitStack() as stack:
        rig = await open_rig(stack, day, mode)
        started = time.perf_counter()
        report = await rig.writer.summarize_days([DAY], [day.language])
        seconds = time.perf_counter() - started
        run = DayRun(
            seconds=seconds,
            requests=rig.llm.request_count,
            rate_limited=dict(rig.llm.rate_limited),
            written=report.written,
            failed=report.failed,
            first_failure=report.failures[0] if report.failures else None,
            tokens=await written_tokens(rig.store, day.language),
        )
        if not mode.rerun:
            return run
        started = time.perf_counter()
        await rig.writer.summarize_days([DAY], [day.language])
        again = time.perf_counter() - started
        return replace(run, rerun_seconds=again, rerun_requests=rig.llm.request_count - run.requests)


async def repeat(day: Day, mode: Mode, times: int) -> list[DayRun]:
    """`times` runs of `mode`; run i of every mode draws the same latencies from the fake (seed i),
    so the modes differ in how they send the requests, not in how long the model took."""
    runs = []
    for index in range(times):
        random.seed(index)
        runs.append(await write_day(day, mode))
    return runs


@dataclass(frozen=True)
class Spread:
    """The median of some runs' figure and its range."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))

    def text(self, digits: int = 2) -> str:
        return f"{self.median:.{digits}f} ({self.low:.{digits}f}..{self.high:.{digits}f})"

    def figures(self, digits: int = 3) -> dict[str, float]:
        return {
            "median": round(self.median, digits),
            "min": round(self.low, digits),
            "max": round(self.high, digits),
        }


def seconds_of(runs: Sequence[DayRun]) -> Spread:
    return Spread.of([run.seconds for run in runs])


def count_of(runs: Sequence[DayRun], field_: str) -> Spread:
    """A count's median and range over runs: `requests`, `written`, `failed` or `http_429`."""
    if field_ == "http_429":
        return Spread.of([sum(run.rate_limited.values()) for run in runs])
    return Spread.of([getattr(run, field_) for run in runs])


def row(label: str, runs: Sequence[DayRun], scale: float) -> str:
    """A line of the table: wall time (median and range), its real-latency estimate, the counts."""
    wall = seconds_of(runs)
    counts = " ".join(
        f"{count_of(runs, name).median:>8g}" for name in ("requests", "http_429", "written", "failed")
    )
    return f"  {label:<34} {wall.text():>22} {wall.median / scale:>9.0f} s {counts}"


def token_figures(runs: Sequence[DayRun]) -> dict[str, float]:
    """Per-paper medians and per-day totals of the tokens in and out (the median run's totals)."""
    tokens = [pair for run in runs for pair in run.tokens]
    totals_in = [sum(t[0] for t in run.tokens) for run in runs]
    totals_out = [sum(t[1] for t in run.tokens) for run in runs]
    return {
        "in_median": statistics.median(t[0] for t in tokens) if tokens else 0,
        "out_median": statistics.median(t[1] for t in tokens) if tokens else 0,
        "in_total": statistics.median(totals_in),
        "out_total": statistics.median(totals_out),
    }


def token_line(label: str, figures: dict[str, float], papers: int) -> str:
    return (
        f"  {label:<10} in: median {figures['in_median']:>7,.0f} a paper, {figures['in_total']:>9,.0f} "
        f"for the day; out: median {figures['out_median']:>5,.0f}, {figures['out_total']:>7,.0f} "
        f"for the day ({papers} papers)"
    )


async def extraction(papers: int, times: int) -> dict[str, Any]:
    """bench.fulltext's figures for `papers` papers of each kind; its own lines are not printed."""
    with contextlib.redirect_stdout(io.StringIO()):
        return await measure(papers, times)


def header(args: argparse.Namespace, day: Day) -> None:
    provider, scale = day.provider, args.scale
    low, high = LATENCY
    lengths = [len(paper.abstract or "") for paper in day.papers]
    print(
        f"digest-writer benchmark: a {len(day.papers)}-paper day written in {day.language!r} (one request a "
        f"paper), SQLite store, the openai package against the fake model; abstracts of median "
        f"{statistics.median(lengths):,.0f} characters ({min(lengths):,}..{max(lengths):,})"
    )
    print(
        f"fake provider: answers in {low:g}-{high:g} s, at most {provider.max_concurrent} requests at once "
        f"and {provider.requests_per_minute} a minute (else 429 with Retry-After), all in provider seconds "
        f"scaled by {scale:g}: {low * scale:g}-{high * scale:g} s an answer, a {60 * scale:g}-s minute, "
        f"Retry-After waited x{scale:g}"
    )
    print(
        "every mode is scaled alike: the wall-time RATIOS carry over to real latency, the seconds do not "
        f"(the '/ scale' column is a rough real-latency estimate); medians of {args.repeat} runs (range)\n"
    )
    print(
        f"  {'mode':<34} {'wall s (range)':>22} {'/ scale':>11} {'requests':>8} {'429s':>8} "
        f"{'written':>8} {'failed':>8}"
    )


async def run_modes(args: argparse.Namespace, day: Day) -> Runs:
    """Every mode's runs, the chosen concurrency first (its runs hold the re-runs)."""
    unbounded = len(day.papers)
    modes = {
        "chosen": Mode(args.concurrency, rerun=True),
        "one_at_a_time": Mode(1),
        "unbounded": Mode(unbounded),
        "fulltext": Mode(args.concurrency, source="fulltext"),
    }
    labels = {
        "chosen": f"concurrency {args.concurrency} (chosen), abstract",
        "one_at_a_time": "one at a time (concurrency 1)",
        "unbounded": f"unbounded (concurrency {unbounded})",
        "fulltext": f"concurrency {args.concurrency}, full text (HTML)",
    }
    results = {}
    for name, mode in modes.items():
        results[name] = await repeat(day, mode, args.repeat)
        print(row(labels[name], results[name], args.scale), flush=True)
    return results


def show_speedup(args: argparse.Namespace, runs: Runs) -> dict[str, Any]:
    """1. The chosen concurrency against one paper at a time."""
    chosen, single = seconds_of(runs["chosen"]), seconds_of(runs["one_at_a_time"])
    ratio = single.median / chosen.median
    print(
        f"\n1. concurrency {args.concurrency} vs one at a time: {chosen.median:.2f} s vs "
        f"{single.median:.2f} s, a {ratio:.1f}x speed-up (ideal {args.concurrency}x)"
    )
    return {"chosen_s": chosen.figures(), "one_at_a_time_s": single.figures(), "speedup": round(ratio, 2)}


def show_unbounded(args: argparse.Namespace, runs: Runs, papers: int) -> dict[str, Any]:
    """2. Every paper at once: its wall time, the provider's 429s and the papers lost to them."""
    wall, limited = seconds_of(runs["unbounded"]), count_of(runs["unbounded"], "http_429")
    failed, requests = count_of(runs["unbounded"], "failed"), count_of(runs["unbounded"], "requests")
    by_limit = {
        limit: statistics.median(run.rate_limited.get(limit, 0) for run in runs["unbounded"])
        for limit in ("max_concurrent", "requests_per_minute")
    }
    failure = next((run.first_failure for run in runs["unbounded"] if run.first_failure), None)
    chosen_429, chosen_failed = count_of(runs["chosen"], "http_429"), count_of(runs["chosen"], "failed")
    print(
        f"2. unbounded ({papers} at once): {wall.median:.2f} s, {requests.text(0)} requests, "
        f"{limited.text(0)} answered 429 ({by_limit['max_concurrent']:g} over the concurrent limit, "
        f"{by_limit['requests_per_minute']:g} over the per-minute one: medians), {failed.text(0)} of "
        f"{papers} papers failed{f' (e.g. {failure})' if failure else ''}; at concurrency "
        f"{args.concurrency}: {chosen_429.text(0)} 429s, {chosen_failed.text(0)} failed"
    )
    return {
        "unbounded_s": wall.figures(),
        "unbounded_requests": requests.figures(),
        "unbounded_429": limited.figures(),
        "unbounded_429_by_limit": by_limit,
        "unbounded_failed": failed.figures(),
        "chosen_429": chosen_429.figures(),
        "chosen_failed": chosen_failed.figures(),
    }


def show_rerun(runs: Runs) -> dict[str, Any]:
    """3. The same day again: nothing to ask."""
    wall = Spread.of([run.rerun_seconds or 0.0 for run in runs["chosen"]])
    requests = max(run.rerun_requests or 0 for run in runs["chosen"])
    print(f"3. re-run of the same day: {requests} requests sent (must be 0), {wall.text(3)} s")
    return {"rerun_requests": requests, "rerun_s": wall.figures(4)}


def show_tokens(args: argparse.Namespace, runs: Runs, papers: int) -> dict[str, Any]:
    """4. Tokens a paper and a day, from the abstract and from the full text; arXiv's polite bound."""
    abstract, fulltext = token_figures(runs["chosen"]), token_figures(runs["fulltext"])
    day_tokens = fulltext["in_total"] + fulltext["out_total"]
    ratio = fulltext["in_median"] / abstract["in_median"] if abstract["in_median"] else 0.0
    polite = {"html": papers * POLITE_INTERVAL, "pdf": papers * 2 * POLITE_INTERVAL}
    model_s = seconds_of(runs["fulltext"]).median / args.scale
    print(
        "4. tokens (the fake's count: a word or a mark is a token, real tokenizers count more; its answer "
        "is a template, so the tokens out do not depend on the source):"
    )
    print(token_line("abstract", abstract, papers))
    print(token_line("full text", fulltext, papers))
    print(
        f"   full text sends {ratio:.0f}x the abstract's input tokens; a full-text day is "
        f"{100 * day_tokens / BUDGET:.0f}% of the default daily budget ({BUDGET:,} tokens)"
    )
    print(
        f"   arXiv here is the fake with min_interval 0; real arXiv politeness (one request every "
        f"{POLITE_INTERVAL:g} s) bounds it at ~1 paper / {POLITE_INTERVAL:g} s: {papers} papers take at "
        f"least {polite['html']:.0f} s by HTML, {polite['pdf']:.0f} s by PDF (an HTML 404 first), "
        f"against ~{model_s:.0f} s of model time at concurrency {args.concurrency} and real latency"
    )
    return {
        "tokens_abstract": abstract,
        "tokens_fulltext": fulltext,
        "fulltext_day_budget_share": round(day_tokens / BUDGET, 3),
        "fulltext_s": seconds_of(runs["fulltext"]).figures(),
        "fulltext_failed": count_of(runs["fulltext"], "failed").figures(),
        "polite_fetch_s": polite,
    }


def show_extraction(text: dict[str, Any]) -> dict[str, Any]:
    """5. bench.fulltext's rates, in one line."""
    print(
        f"5. full-text extraction (bench.fulltext with {text['papers']} papers of each kind, medians of "
        f"{text['repeat']} runs): HTML {text['html_papers_per_s']:,.1f} papers/s end to end "
        f"({text['html_extract_papers_per_s']:,.1f} extraction only), PDF {text['pdf_papers_per_s']:,.1f} "
        f"papers/s ({text['pdf_extract_papers_per_s']:,.1f}); arXiv's polite rate: "
        f"{text['polite_html_papers_per_s']:.3f} (HTML) and {text['polite_pdf_papers_per_s']:.3f} (PDF)"
    )
    return {"extraction": text}


def report(args: argparse.Namespace, day: Day, runs: Runs, text: dict[str, Any]) -> dict[str, Any]:
    """Print the comparisons under the table; return every figure for the JSON line."""
    papers = len(day.papers)
    settings = {
        "papers": papers,
        "repeat": args.repeat,
        "scale": args.scale,
        "concurrency": args.concurrency,
        "language": day.language,
        "latency_s": list(LATENCY),
        "provider_max_concurrent": day.provider.max_concurrent,
        "provider_requests_per_minute": day.provider.requests_per_minute,
    }
    return (
        settings
        | show_speedup(args, runs)
        | show_unbounded(args, runs, papers)
        | show_rerun(runs)
        | show_tokens(args, runs, papers)
        | show_extraction(text)
    )


async def run(args: argparse.Namespace) -> dict[str, Any]:
    papers = make_papers(args.papers)
    provider = Provider(args.scale, args.provider_concurrent, args.rpm)
    async with FakeArxiv() as arxiv:
        for index, paper in enumerate(papers):
            arxiv.add_paper(
                paper.arxiv_id, title=paper.title, abstract=paper.abstract or "", html=html_page(paper, index)
            )
        day = Day(papers, args.language, provider, arxiv.base_url)
        header(args, day)
        runs = await run_modes(args, day)
    text = await extraction(args.fulltext_papers, args.repeat)
    return report(args, day, runs, text)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.summarize", description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=50, help="papers in the day (default 50)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per figure; the median is shown (default 3)"
    )
    parser.add_argument(
        "--scale", type=float, default=0.1, help="wall seconds per provider second (default 0.1)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="the writer's concurrency (default 4)")
    parser.add_argument("--language", default="ko", help="the language written (default ko)")
    parser.add_argument(
        "--provider-concurrent", type=int, default=8, help="requests the provider answers at once (default 8)"
    )
    parser.add_argument(
        "--rpm", type=int, default=60, help="requests the provider answers a minute (default 60)"
    )
    parser.add_argument(
        "--fulltext-papers", type=int, default=10, help="papers of each kind for bench.fulltext (default 10)"
    )
    args = parser.parse_args()
    logging.getLogger("bot.writer").setLevel(logging.ERROR)  # the unbounded run's failures, one line each
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
