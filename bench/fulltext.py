"""Full-text throughput: how fast Paperboy turns arXiv HTML pages and PDFs into text to summarise.

Why: the digest writer reads every new paper's full text before it summarises it, a day lists up to
~70 papers, and a backfill reads thousands. The figure that bounds a real run is arXiv's etiquette, not
the code: one request at a time, at least `min_interval` (3 s) between starts, so at most one paper
every 3 s by HTML and one every 6 s by PDF (a 404 for the HTML comes first). This benchmark checks that
extraction is nowhere near that bound, so politeness stays the only limit.

What is timed, separately for HTML and for PDF papers:
1. end to end: FullTextFetcher.source_text for every paper at once (asyncio.gather: the gate serialises
   the requests; extraction runs in threads) against the loopback fake arXiv with min_interval=0 and an
   empty cache each run. This includes HTTP over loopback, the fake serving (in this same process),
   extraction, cutting and writing the cache.
2. extraction only: html_to_text / pdf_to_text over the same bodies in memory, one after another.

The papers are generated: LaTeXML-shaped HTML pages of about 60 KB (tests/fixtures/latexml.py) and
10-page PDFs of about 40,000 characters made with fpdf2 (tests/fixtures/pdfs.py). Real arXiv PDFs carry
fonts and figures that make them larger but not much slower to read as text.

Run: `.venv/bin/python -m bench.fulltext [--papers N] [--repeat R]`. Wall times on a shared, noisy machine:
each figure is the median of R runs, with the range beside it. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.writer.fulltext import FullTextFetcher
from bot.writer.html_text import html_to_text
from bot.writer.pdf_text import pdf_to_text
from tests.fakes.arxiv import FakeArxiv
from tests.fixtures.latexml import latexml_page, synthetic_article
from tests.fixtures.pdfs import paper_pdf

POLITE_INTERVAL = 3.0
BUDGET = 400_000  # characters: larger than any generated paper, so nothing is cut
CONTACT = "https://example.org/paperboy-bench"


def _ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}.{n:05d}" for n in range(1, count + 1)]


async def _end_to_end(base_url: str, ids: Sequence[str], expected_kind: str) -> float:
    """Seconds to get every paper's text through a fresh fetcher with an empty cache."""
    with tempfile.TemporaryDirectory(prefix="paperboy-bench-") as folder:
        async with FullTextFetcher(
            Path(folder), contact=CONTACT, base_url=base_url, min_interval=0.0
        ) as fetcher:
            started = time.perf_counter()
            sources = await asyncio.gather(
                *(fetcher.source_text(i, "abstract", mode="fulltext", max_chars=BUDGET) for i in ids)
            )
            spent = time.perf_counter() - started
    wrong = [s.kind for s in sources if s.kind != expected_kind]
    if wrong:
        raise SystemExit(f"expected {expected_kind} for every paper, got {wrong[:3]}: the bench is broken")
    return spent


def _extract_all(extract: Callable[[Any], str], bodies: Sequence[Any]) -> float:
    started = time.perf_counter()
    for body in bodies:
        extract(body)
    return time.perf_counter() - started


def _rate(label: str, papers: int, runs: Sequence[float]) -> float:
    """Print papers/s at the median run and the range over runs; return the median rate."""
    median = papers / statistics.median(runs)
    slowest, fastest = papers / max(runs), papers / min(runs)
    print(
        f"  {label:<34} {median:>8,.1f} papers/s  (runs {slowest:,.1f}..{fastest:,.1f}; "
        f"{statistics.median(runs) / papers * 1000:,.1f} ms a paper)"
    )
    return median


async def measure(count: int, repeat: int) -> dict[str, Any]:
    """Print the figures for `count` papers of each kind, medians of `repeat` runs; return them
    (bench.summarize calls it with fewer papers)."""
    print(f"full-text benchmark: {count} HTML papers and {count} PDF papers, median of {repeat} runs")
    started = time.perf_counter()
    pages = [latexml_page(synthetic_article(n, target_chars=45_000)) for n in range(count)]
    pdfs = [paper_pdf(f"Synthetic Paper {n}", pages=10, paragraphs_per_page=7, seed=n) for n in range(count)]
    html_ids, pdf_ids = _ids("2501", count), _ids("2502", count)
    html_chars = statistics.median(len(html_to_text(page)) for page in pages)
    pdf_chars = statistics.median(len(pdf_to_text(pdf)) for pdf in pdfs)
    print(
        f"made in {time.perf_counter() - started:.1f} s: HTML pages of median "
        f"{statistics.median(len(p.encode()) for p in pages) / 1000:,.0f} KB ({html_chars:,.0f} characters "
        f"of text); 10-page PDFs of median {statistics.median(len(p) for p in pdfs) / 1000:,.0f} KB "
        f"({pdf_chars:,.0f} characters)"
    )

    async with FakeArxiv() as arxiv:
        for arxiv_id, page in zip(html_ids, pages, strict=True):
            arxiv.add_paper(arxiv_id, html=page)
        for arxiv_id, pdf in zip(pdf_ids, pdfs, strict=True):
            arxiv.add_paper(arxiv_id, pdf=pdf)  # no HTML: the fetcher gets a 404, then the PDF
        await _end_to_end(arxiv.base_url, html_ids[:2], "html")  # warm-up: imports, first connections
        html_runs = [await _end_to_end(arxiv.base_url, html_ids, "html") for _ in range(repeat)]
        pdf_runs = [await _end_to_end(arxiv.base_url, pdf_ids, "pdf") for _ in range(repeat)]
        requests = len(arxiv.requests)
        overlapping = arxiv.max_concurrent

    print("\nend to end (FullTextFetcher against the loopback fake arXiv, min_interval=0, empty cache):")
    html_rate = _rate("HTML (1 request a paper)", count, html_runs)
    pdf_rate = _rate("PDF (HTML 404, then the PDF)", count, pdf_runs)
    print(f"  {requests:,} requests in all, at most {overlapping} in flight at once")

    print("\nextraction only (bodies in memory, one after another):")
    html_only = _rate("html_to_text", count, [_extract_all(html_to_text, pages) for _ in range(repeat)])
    pdf_only = _rate("pdf_to_text", count, [_extract_all(pdf_to_text, pdfs) for _ in range(repeat)])

    polite_html = 1 / POLITE_INTERVAL
    polite_pdf = 1 / (2 * POLITE_INTERVAL)
    print(
        f"\nthe real rate is bounded by politeness (one request at a time, {POLITE_INTERVAL:g} s apart): "
        f"at most {polite_html:.2f} papers/s by HTML ({polite_html * 60:.0f}/min) and {polite_pdf:.2f} "
        f"papers/s by PDF ({polite_pdf * 60:.0f}/min); a 70-paper day takes at least "
        f"{70 / polite_html / 60:.1f} min (all HTML) to {70 / polite_pdf / 60:.1f} min (all PDF)"
    )
    print(
        f"headroom: end to end is {html_rate / polite_html:,.0f}x (HTML) and {pdf_rate / polite_pdf:,.0f}x "
        "(PDF) the polite rate"
    )
    return {
        "papers": count,
        "repeat": repeat,
        "html_papers_per_s": round(html_rate, 1),
        "pdf_papers_per_s": round(pdf_rate, 1),
        "html_extract_papers_per_s": round(html_only, 1),
        "pdf_extract_papers_per_s": round(pdf_only, 1),
        "polite_html_papers_per_s": round(polite_html, 3),
        "polite_pdf_papers_per_s": round(polite_pdf, 3),
        "max_concurrent_requests": overlapping,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fulltext", description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=30, help="papers of each kind (default 30)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per figure; the median is shown (default 3)"
    )
    args = parser.parse_args()
    figures = asyncio.run(measure(args.papers, args.repeat))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
