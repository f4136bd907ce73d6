"""Ingest throughput: how fast the markdown parser reads archive days, and how fast the store keeps them.

Why: a backfill reads the whole archive (hundreds of day files, tens of thousands of papers) and
a nightly run re-reads recent days, so parsing must never be the slow step (target: >= 2,000
papers/s). Storing through SqliteStore.upsert_day is timed separately and labelled as its own
figure, because it measures the store (SQLite, the FTS index, the driver's round trips), not the
parser; it is timed twice, for new papers and for the same days again (nothing to change).

The day files are the synthetic papers of bench.search written out in the archive's current format
and in the older eras' formats the parser also reads (plain bullets, two-star headings, Python-list
authors), plus the real sample day bot/sample/2025-02-24.md.

Run: `.venv/bin/python -m bench.ingest [--papers N] [--repeat R] [--seed S]`. Timings are wall time
(time.perf_counter) on a shared, noisy machine: each figure is the median of R runs, with the
spread shown beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from bench.search import Corpus, synthetic_days
from bench.stores import percentile
from bot.models import DigestDay, Paper, Section
from bot.sources.markdown import parse_markdown
from storage.sqlite import SqliteStore

PARSE_TARGET = 2_000.0
SAMPLE_DAY = "2025-02-24.md"


def _entry_head(paper: Paper, *, thumbnail: bool, votes: bool, authors: str | None) -> list[str]:
    lines = [f"### [{paper.title}](https://arxiv.org/abs/{paper.arxiv_id})", ""]
    if thumbnail:
        lines += [f"![]({paper.thumbnail})", ""]
    if votes:
        lines += [f"Vote: {paper.votes}", ""]
    if authors is not None:
        lines += [f"Authors: {authors}", ""]
    return lines


def _sections(paper: Paper) -> tuple[Section, ...]:
    return paper.summaries[0].sections if paper.summaries else ()


def _plain_bullets(paper: Paper) -> list[str]:
    """The first eras' summaries: one bullet per sentence, no headings."""
    return [f"- {sentence.removesuffix('.')}." for s in _sections(paper) for sentence in s.text.split(". ")]


def _era_2023_11_plain(paper: Paper) -> list[str]:
    return [*_entry_head(paper, thumbnail=False, votes=False, authors=None), *_plain_bullets(paper)]


def _era_2023_12_votes(paper: Paper) -> list[str]:
    head = _entry_head(paper, thumbnail=True, votes=True, authors=", ".join(paper.authors))
    return [*head, *_plain_bullets(paper)]


def _era_2024_06_two_stars(paper: Paper) -> list[str]:
    head = _entry_head(paper, thumbnail=True, votes=True, authors=", ".join(paper.authors))
    return head + [line for s in _sections(paper) for line in (f"- **{s.heading}**: {s.text}", "")]


def _era_2024_10_list_authors(paper: Paper) -> list[str]:
    head = _entry_head(paper, thumbnail=True, votes=True, authors=repr(list(paper.authors)))
    return head + [f"- ***{s.heading}***: {s.text}" for s in _sections(paper)]


def _current(paper: Paper) -> list[str]:
    head = _entry_head(paper, thumbnail=True, votes=True, authors=", ".join(paper.authors))
    return [*head, *(f"- ***{s.heading}***: {s.text}" for s in _sections(paper)), ""]


@dataclass(frozen=True)
class Era:
    """One of the archive's formats: a name, how to write an entry, and its share of the days."""

    name: str
    write: Callable[[Paper], list[str]]
    weight: int


# Most of the archive (and every new day) is in the current format; the older ones are kept in
# the mix because a backfill reads them too.
ERAS = (
    Era("current (2024-10 on)", _current, 6),
    Era("2024-10 list authors", _era_2024_10_list_authors, 1),
    Era("2024-06 two stars", _era_2024_06_two_stars, 1),
    Era("2023-12 votes, bullets", _era_2023_12_votes, 1),
    Era("2023-11 plain bullets", _era_2023_11_plain, 1),
)
_REAL = "real sample day"


@dataclass(frozen=True)
class DayFile:
    """One day file to parse: its format, name, text and how many papers it lists."""

    era: str
    name: str
    text: str
    papers: int


def day_files(corpus: Corpus) -> list[DayFile]:
    """The synthetic days written out, eras dealt in turn by weight, then the real sample day."""
    turns = [era for era in ERAS for _ in range(era.weight)]
    out = []
    for index, digest in enumerate(synthetic_days(corpus)):
        era = turns[index % len(turns)]
        lines = [f"## Daily Papers ({digest.day.isoformat()})", ""]
        lines += [line for paper in digest.papers for line in era.write(paper)]
        out.append(DayFile(era.name, f"{digest.day.isoformat()}.md", "\n".join(lines), len(digest.papers)))
    sample = files("bot.sample").joinpath(SAMPLE_DAY).read_text(encoding="utf-8")
    real = parse_markdown(sample, source=SAMPLE_DAY)
    out.append(DayFile(_REAL, SAMPLE_DAY, sample, len(real.papers)))
    return out


def _parse_all(days: Sequence[DayFile]) -> tuple[list[float], list[DigestDay]]:
    """Parse every file once: the seconds each file took, and the parsed days."""
    seconds, parsed = [], []
    for day in days:
        started = time.perf_counter()
        parsed.append(parse_markdown(day.text, source=day.name))
        seconds.append(time.perf_counter() - started)
    return seconds, parsed


async def _store_all(days: Iterable[DigestDay], path: Path) -> list[float]:
    """Upsert every day into the store at `path`: the seconds each day (one transaction) took."""
    store = await SqliteStore.open(path)
    seconds = []
    try:
        for digest in days:
            started = time.perf_counter()
            await store.upsert_day(digest)
            seconds.append(time.perf_counter() - started)
    finally:
        await store.close()
    return seconds


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def _report(label: str, papers: int, runs: Sequence[Sequence[float]], unit: str) -> float:
    """Print papers/s at the median run (and the range over runs), and the p50/p99 of one `unit`."""
    totals = [sum(run) for run in runs]
    median = papers / statistics.median(totals)
    each = [spent for run in runs for spent in run]
    print(
        f"  {label:<24} {papers:>7,} papers {median:>8,.0f} papers/s (runs {papers / max(totals):,.0f}"
        f"..{papers / min(totals):,.0f}); per {unit}: p50 {_ms(statistics.median(each))}, "
        f"p99 {_ms(percentile(each, 99))}"
    )
    return median


def _median_run(runs: Sequence[Sequence[float]]) -> Sequence[float]:
    return sorted(runs, key=sum)[len(runs) // 2]


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    # The synthetic days end the day before the sample day, so the two never share a date.
    corpus = Corpus(papers=args.papers, seed=args.seed, last_day=date(2025, 2, 23))
    print(f"ingest benchmark: {corpus.papers:,} synthetic papers (seed {corpus.seed}) + the real sample day")
    print(f"wall-clock times on a shared, noisy machine: median of {args.repeat} runs, range beside it")
    days = day_files(corpus)
    expected = sum(day.papers for day in days)
    _, parsed = _parse_all(days)  # warm-up: first-call costs are not the parser's rate
    runs = []
    for _ in range(args.repeat):
        seconds, parsed = _parse_all(days)
        runs.append(seconds)
    got = sum(len(digest.papers) for digest in parsed)
    problems = sum(len(digest.problems) for digest in parsed)
    print(
        f"\nparsing (parse_markdown, text already in memory): {len(days)} day files, "
        f"{got:,} of {expected:,} papers read, {problems} problems reported"
    )
    parse_rate = _report("all files", expected, runs, "day file")
    print(
        f"target: parsing >= {PARSE_TARGET:,.0f} papers/s: {parse_rate:,.0f}  "
        f"{_verdict(parse_rate >= PARSE_TARGET)}"
    )
    median_run = _median_run(runs)
    eras: dict[str, int] = {}
    print("  by format, in the median run:")
    for era in dict.fromkeys(day.era for day in days):
        papers = sum(day.papers for day in days if day.era == era)
        spent = sum(t for day, t in zip(days, median_run, strict=True) if day.era == era)
        eras[era] = round(papers / spent)
        print(f"    {era:<24} {papers:>7,} papers {eras[era]:>8,} papers/s")

    print(
        "\nstoring (SqliteStore.upsert_day: a separate figure, the cost of the store and not of the parser)"
    )
    first: list[list[float]] = []
    again: list[list[float]] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="paperboy-bench-") as folder:
            path = Path(folder) / "ingest.sqlite3"
            first.append(await _store_all(parsed, path))
            again.append(await _store_all(parsed, path))
    store_rate = _report("new papers", got, first, "day")
    restore_rate = _report("same days again", got, again, "day")
    return {
        "papers": got,
        "day_files": len(days),
        "parse_papers_per_s": round(parse_rate),
        "parse_target_met": parse_rate >= PARSE_TARGET,
        "parse_by_format_papers_per_s": eras,
        "store_papers_per_s": round(store_rate),
        "restore_unchanged_papers_per_s": round(restore_rate),
        "repeat": args.repeat,
        "seed": corpus.seed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=5_000, help="synthetic papers (default 5000)")
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per figure; the median is shown (default 5)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the corpus (default 1)")
    figures = asyncio.run(_run(parser.parse_args()))
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
