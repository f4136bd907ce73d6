"""Related papers at archive scale (issue 14): `PaperService.related` on SQLite and PostgreSQL at
100,000 papers (target: p99 <= 20 ms on each), beside a brute-force scan of every paper's vector
that must give the same top 10 (the reference, not a competitor).

Why: /related is answered inside a chat, and a card's Related button asks it for any paper of the
archive, so the answer must stay far below what a reader notices as the archive grows; and the
index must answer exactly as the definition says (bot/related.py), which a scan of every vector
checks, query by query.

The papers are synthetic but shaped like the archive's: titles, authors, votes and the Korean
summaries of bench/search.py (Zipf-Mandelbrot word frequencies fitted to the real sample day), and
an English abstract and keywords drawn from topics: 300 topics of very different popularity (Zipf),
each a set of words drawn from a 20,000-word technical vocabulary with Zipf weights (popular words
are in many topics), mixed with common academic English (Zipf) and a little of the vocabulary at
large. Two papers in five keep their Korean summary, so the index holds both languages and common
Korean bigrams are the long posting lists they are in the real archive.

The papers go straight into the table (SQLite: executemany; PostgreSQL: COPY into a throwaway
server, tests/pg_server.py), without their index; then the store is opened, which indexes every
paper without a vector (`index_related`, what a database from before migration 0012 gets): that
is the build time. Then, for `--queries` random papers: the wall time of `PaperService.related(id,
10)` (the source, its neighbours, their papers: what a chat command costs, p50/p99), and the
store's `nearest` top 10 against `bot.related.nearest_by_scan` over every vector (read once).

Run: `.venv/bin/python -m bench.related [--papers N] [--queries Q] [--stores sqlite,postgres]`.
Timings are wall time on a shared, noisy machine: each store's row ends with the 1-minute load
average when its timing ended (over the number of cores, the queries waited for a core); compare
runs on the same machine. The last line is a JSON array with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench.search import Corpus, synthetic_days
from bench.stores import percentile
from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.models import Paper
from bot.ports import Store
from bot.related import Vector, nearest_by_scan, query_weights
from bot.service import PaperService
from storage import open_store
from storage.records import PAPER_COLUMNS, paper_values
from tests import pg_server

TARGET_P99_MS = 20.0
TOP = 10
WARMUP = 20
_ZIPF_OFFSET = 2.7

# -- the English side: topics over a technical vocabulary ----------------------------------------

_COMMON = """
model models method results performance data training learning approach propose show task tasks
language large based framework using existing state new novel evaluation benchmark benchmarks
experiments demonstrate significant improvements work tasks paper efficient effective generation
problem research address achieve outperforms existing across multiple various diverse robust simple
key challenge challenges limited design study analysis understanding information structure improve
improves improving capabilities ability process quality accuracy baseline baselines compared
leverage strong high scale scaling inference time cost reduce computational resources
"""
_SYLLABLES = """
ka lo mi tra vex zor pen dal quin ser bo ru ne fi gra pho ton mer lex cy nor vel sta tic ar ion
dif gen mor pla sen cor tal ven ro di sca ly cro neu rep ten vis aud cod spa lat
"""
_SUFFIXES = ("", "ing", "ation", "er", "ity", "ive", "al", "ness", "ism")


def _zipf_weights(count: int) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + _ZIPF_OFFSET) for rank in range(1, count + 1)))


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    """`size` distinct technical-looking words (two or three syllables and a suffix), in rank order."""
    syllables = _SYLLABLES.split()
    words: dict[str, None] = {}
    while len(words) < size:
        parts = rng.choices(syllables, k=rng.choice((2, 2, 3)))
        words["".join(parts) + rng.choice(_SUFFIXES)] = None
    return list(words)


@dataclass(frozen=True)
class _Topics:
    common: list[str]
    common_cum: list[float]
    vocabulary: list[str]
    vocabulary_cum: list[float]
    words: list[list[str]]  # each topic's words, most frequent first
    words_cum: list[float]
    topic_cum: list[float]


def _topics(rng: random.Random, count: int = 300, vocabulary: int = 20_000, size: int = 400) -> _Topics:
    words = _vocabulary(rng, vocabulary)
    vocabulary_cum = _zipf_weights(vocabulary)
    topics = []
    for _ in range(count):
        picked: dict[str, None] = {}
        while len(picked) < size:
            picked[rng.choices(words, cum_weights=vocabulary_cum)[0]] = None
        order = list(picked)
        rng.shuffle(order)  # a topic's own most frequent words need not be the corpus' most frequent
        topics.append(order)
    common = _COMMON.split()
    return _Topics(
        common, _zipf_weights(len(common)), words, vocabulary_cum, topics, _zipf_weights(size),
        _zipf_weights(count),
    )  # fmt: skip


def _abstract(rng: random.Random, topics: _Topics) -> tuple[str, tuple[str, ...]]:
    """An abstract (~150 words: a third common English, half the topic's, the rest anything) and
    three to five keywords of the topic."""
    topic = topics.words[rng.choices(range(len(topics.words)), cum_weights=topics.topic_cum)[0]]
    length = rng.randint(110, 190)
    own = rng.choices(topic, cum_weights=topics.words_cum, k=length // 2)
    common = rng.choices(topics.common, cum_weights=topics.common_cum, k=length // 3)
    left = length - len(own) - len(common)
    rest = rng.choices(topics.vocabulary, cum_weights=topics.vocabulary_cum, k=left)
    words = own + common + rest
    rng.shuffle(words)
    sentences = [" ".join(words[i : i + 15]).capitalize() + "." for i in range(0, len(words), 15)]
    keywords = tuple(dict.fromkeys(rng.choices(topic, cum_weights=topics.words_cum, k=rng.randint(3, 5))))
    return " ".join(sentences), keywords


def papers_of(count: int, seed: int) -> list[Paper]:
    """The corpus: bench/search.py's papers with an English abstract and keywords each; two in
    five keep their Korean summary."""
    rng = random.Random(seed + 1)
    topics = _topics(rng)
    papers: list[Paper] = []
    for day in synthetic_days(Corpus(papers=count, seed=seed)):
        for paper in day.papers:
            abstract, keywords = _abstract(rng, topics)
            summaries = paper.summaries if rng.random() < 0.4 else ()
            papers.append(
                paper.model_copy(update={"abstract": abstract, "keywords": keywords, "summaries": summaries})
            )
    return papers


# -- the databases -------------------------------------------------------------------------------

_ROW_COLUMNS = [*PAPER_COLUMNS, "arxiv_id", "created_at", "updated_at"]


def _rows(papers: Sequence[Paper]) -> list[tuple[Any, ...]]:
    now = datetime.now(UTC)
    return [(*paper_values(p), p.arxiv_id, now, now) for p in papers]


@asynccontextmanager
async def database(kind: str, folder: Path) -> AsyncIterator[str]:
    """The URL of an empty database of `kind`, migrated (for PostgreSQL: on a server started for it)."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'related.db'}"
        await (await open_store(url)).close()
        yield url
        return
    if not pg_server.available():
        raise SystemExit(f"no PostgreSQL server binaries in {pg_server.PG_BIN} (set PAPERBOY_TEST_PG_BIN)")
    server = pg_server.PostgresServer()
    server.start()
    try:
        url = server.database()
        await (await open_store(url)).close()
        yield url
    finally:
        server.stop()


async def fill(kind: str, url: str, papers: Sequence[Paper]) -> None:
    """The papers' rows, written straight into the table in one go (no index of any kind)."""
    rows = _rows(papers)
    if kind == "sqlite":
        path = url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as lite:
            marks = ", ".join("?" * len(_ROW_COLUMNS))
            lite.executemany(
                f"INSERT INTO papers ({', '.join(_ROW_COLUMNS)}) VALUES ({marks})",
                [(*row[:-2], row[-2].isoformat(), row[-1].isoformat()) for row in rows],
            )
        return
    db = await asyncpg.connect(url)
    try:
        await db.copy_records_to_table("papers", records=rows, columns=_ROW_COLUMNS)
    finally:
        await db.close()


async def analyze(kind: str, url: str) -> None:
    """What autovacuum (PostgreSQL) or `PRAGMA optimize` would do soon after a bulk load."""
    if kind == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite:///")) as lite:
            lite.execute("ANALYZE")
        return
    db = await asyncpg.connect(url)
    try:
        await db.execute("VACUUM (ANALYZE)")
    finally:
        await db.close()


_TABLES = ("related_docs", "related_terms", "related_df", "related_corpus")


def _sqlite_index_mb(path: Path) -> float:
    """The pages of the index's b-trees (dbstat), or the whole file where SQLite has no dbstat."""
    with sqlite3.connect(path) as lite:
        try:
            marks = ", ".join("?" * len(_TABLES))
            query = f"SELECT sum(pgsize) FROM dbstat WHERE name IN ({marks})"
            size = lite.execute(query, _TABLES).fetchone()[0]
        except sqlite3.OperationalError:  # no dbstat in this build
            size = path.stat().st_size
    return float(size or 0) / 2**20


async def index_size_mb(kind: str, url: str) -> float:
    """The related index's tables with their keys and indexes (SQLite: their b-trees' pages)."""
    if kind == "sqlite":
        return _sqlite_index_mb(Path(url.removeprefix("sqlite:///")))
    db = await asyncpg.connect(url)
    try:
        size = await db.fetchval(
            "SELECT sum(pg_total_relation_size(c)) FROM unnest($1::regclass[]) AS c", list(_TABLES)
        )
    finally:
        await db.close()
    return float(size or 0) / 2**20


# -- measuring -----------------------------------------------------------------------------------


async def all_vectors(store: Store) -> list[tuple[int, Vector]]:
    found: list[tuple[int, Vector]] = []
    while page := await store.related_vectors(after=found[-1][0] if found else 0, limit=5000):
        found.extend(page)
    return found


@dataclass
class Figures:
    store: str
    papers: int
    build_s: float
    index_mb: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    scan_p50_ms: float
    agreement: float
    answered: float  # share of queries with at least one related paper
    mean_found: float
    load: float  # the machine's 1-minute load average when the timing ended (2 cores here)


async def measure(kind: str, papers: Sequence[Paper], queries: int, seed: int) -> Figures:
    with tempfile.TemporaryDirectory(prefix="paperboy-related-") as folder:
        async with database(kind, Path(folder)) as url:
            print(f"{kind}: writing {len(papers):,} papers ...", file=sys.stderr, flush=True)
            await fill(kind, url, papers)
            await analyze(kind, url)
            print(f"{kind}: indexing them (the store's opening) ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            store = await open_store(url)
            build = time.perf_counter() - started
            try:
                await analyze(kind, url)
                size = await index_size_mb(kind, url)
                return await _queries(kind, store, papers, queries, seed, build, size)
            finally:
                await store.close()


async def _queries(
    kind: str, store: Store, papers: Sequence[Paper], queries: int, seed: int, build: float, size: float
) -> Figures:
    service = PaperService(store, DigestSources(HFSettings()))
    rng = random.Random(seed)
    asked = [paper.arxiv_id for paper in rng.sample(list(papers), min(queries + WARMUP, len(papers)))]
    for arxiv_id in asked[:WARMUP]:
        await service.related(arxiv_id, TOP)
    times, found = [], []
    for arxiv_id in asked[WARMUP:]:
        started = time.perf_counter()
        result = await service.related(arxiv_id, TOP)
        times.append((time.perf_counter() - started) * 1000)
        found.append(len(result.related))
    load = round(os.getloadavg()[0], 1)

    print(f"{kind}: checking against a scan of every vector ...", file=sys.stderr, flush=True)
    vectors = await all_vectors(store)
    agree, scans = 0, []
    for arxiv_id in asked[WARMUP:]:
        source = await store.related_source(arxiv_id)
        assert source is not None
        weights = query_weights(source.vector, source.frequencies, source.papers)
        fast = [(near.key, near.score) for near in await store.nearest(source.key, weights, TOP)]
        started = time.perf_counter()
        scanned = nearest_by_scan(source.key, weights, vectors, TOP)
        scans.append((time.perf_counter() - started) * 1000)
        agree += fast == scanned
    n = len(times)
    return Figures(
        kind, len(papers), round(build, 1), round(size, 1), round(statistics.median(times), 2),
        round(percentile(times, 99), 2), round(max(times), 2), round(statistics.median(scans), 1),
        agree / n, sum(1 for f in found if f) / n, sum(found) / n, load,
    )  # fmt: skip


def report(figures: list[Figures]) -> None:
    print(
        f"\n{'store':<9}{'papers':>9}{'build s':>9}{'index MB':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'scan p50':>10}{'agree':>8}{'answered':>10}{'load':>6}  verdict"
    )
    for f in figures:
        verdict = "ok" if f.p99_ms <= TARGET_P99_MS and f.agreement == 1.0 else "MISSED"
        print(
            f"{f.store:<9}{f.papers:>9,}{f.build_s:>9}{f.index_mb:>10}{f.p50_ms:>9}{f.p99_ms:>9}"
            f"{f.max_ms:>9}{f.scan_p50_ms:>10}{f.agreement:>8.1%}{f.answered:>10.1%}{f.load:>6}  {verdict} "
            f"(target p99 <= {TARGET_P99_MS:g} ms, same top {TOP} as the scan)"
        )
    print(json.dumps([vars(f) for f in figures]))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--stores", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--seed", type=int, default=14)
    return parser.parse_args()


async def _main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    papers = papers_of(args.papers, args.seed)
    print(f"generated {len(papers):,} papers in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    figures = [await measure(kind, papers, args.queries, args.seed) for kind in args.stores.split(",")]
    report(figures)


def main() -> None:
    asyncio.run(_main(_arguments()))


if __name__ == "__main__":
    main()
