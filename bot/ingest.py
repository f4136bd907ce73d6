"""Feed digest days from any source into the Store and account for what changed.

Both `paperboy ingest` (files, directories, URLs) and `paperboy fetch-hf` (the HF API) end here,
so the report a user reads (days and papers added or updated, problems with their place) is the
same whatever the source.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx

from bot.config import HFSettings
from bot.errors import PaperboyError, SourceError, SourceUnreachable, StoreUnavailable
from bot.models import DigestDay, Problem
from bot.ports import Catalog, RefusedPaper
from bot.sources.hf_api import HFDailyPapersClient
from bot.sources.loader import LoadedFile, count_files, load_target, unexpected

log = logging.getLogger(__name__)

# Called after each file or day: (how many done, how many in all when known, what was just read).
Progress = Callable[[int, int | None, str], None]


@dataclass
class IngestReport:
    """Counts across a whole run; `errors` are whole files, requests or days that could not be read
    or stored, `failed_entries` the papers the database refused (each also a Problem).

    `sources` counts the files and requests read, `sources_failed` those that could not be; a day
    that listed no paper is `days_empty`, never added (nothing of it is stored)."""

    sources: int = 0
    sources_failed: int = 0
    days_empty: int = 0
    days_added: int = 0
    days_updated: int = 0
    papers_added: int = 0
    papers_updated: int = 0
    failed_entries: int = 0
    problems: list[Problem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether something could not be read or stored (problems of the text alone do not count)."""
        return bool(self.errors or self.failed_entries)

    @property
    def changed(self) -> bool:
        return bool(self.days_added or self.days_updated or self.papers_added or self.papers_updated)

    async def add_day(self, store: Catalog, digest: DigestDay) -> None:
        """Store one day and fold its outcome and problems into the report; a day the store cannot
        take at all is an error of the report, and the run goes on with the next day. A store that
        takes nothing at all (read-only, full, gone) ends the run: every next day would fail alike."""
        self.problems.extend(digest.problems)
        if not digest.papers:
            self.days_empty += 1
            return
        try:
            result = await store.upsert_day(digest)
        except StoreUnavailable:
            raise
        except PaperboyError as err:
            self.errors.append(f"{digest.source}: day {digest.day} not stored: {err}")
            return
        except Exception as err:  # a store bug or an unforeseen value: one line here, the trace in the log
            log.debug("storing %s of %s failed", digest.day, digest.source, exc_info=True)
            self.errors.append(f"{digest.source}: day {digest.day} not stored: {type(err).__name__}: {err}")
            return
        self.papers_added += result.papers_added
        self.papers_updated += result.papers_updated
        if result.day_added:
            self.days_added += 1
        elif result.papers_added or result.papers_updated:
            self.days_updated += 1
        self.failed_entries += len(result.refused)
        self.problems.extend(_refused_problem(digest, refused) for refused in result.refused)


def _refused_problem(digest: DigestDay, refused: RefusedPaper) -> Problem:
    """A paper the store refused, where its file has it: the entry's line (markdown) and its place."""
    return Problem(
        source=digest.source,
        line=digest.lines.get(refused.arxiv_id),
        reason=(
            f"{refused.arxiv_id} (paper {refused.position + 1} of {digest.day}) not stored: {refused.reason}"
        ),
    )


async def ingest_batches(
    store: Catalog,
    batches: AsyncIterable[LoadedFile],
    *,
    total: int | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Store every batch in order; a failed batch is recorded and the run goes on."""
    report = IngestReport()
    done = 0
    async for batch in batches:
        done += 1
        if batch.error is not None:
            report.sources_failed += 1
            report.errors.append(f"{batch.source}: {batch.error}")
        else:
            report.sources += 1
        for digest in batch.days:
            await report.add_day(store, digest)
        if progress is not None:
            progress(done, total, batch.source)
    return report


class DigestSources:
    """Where digest days come from: local files, URLs and the Hugging Face API.

    One object owns the HTTP settings, so the CLI and the periodic ingestion read sources the same way.
    """

    def __init__(self, hf: HFSettings) -> None:
        self._hf = hf

    async def from_targets(self, targets: Sequence[str]) -> AsyncIterator[LoadedFile]:
        """Every file of every target (file, directory, URL); a target that fails is reported, not raised."""
        async with httpx.AsyncClient(timeout=self._hf.timeout, follow_redirects=True) as http:
            for target in targets:
                try:
                    async for loaded in load_target(target, http):
                        yield loaded
                except SourceError as err:
                    yield LoadedFile(source=target, error=str(err))
                except Exception as err:  # a parser bug on one target: the next targets go on
                    yield LoadedFile(source=target, error=unexpected(target, err))

    @staticmethod
    async def count(targets: Sequence[str]) -> int:
        """How many batches `from_targets` will yield, so progress can show a bar."""
        return sum([await asyncio.to_thread(count_files, target) for target in targets])

    async def from_hf(self, start: date, end: date) -> AsyncIterator[LoadedFile]:
        """One batch per day of the range; a day the API refuses is reported and the rest go on, but an
        unreachable host ends the range with one error (not one per day)."""
        async with HFDailyPapersClient(
            self._hf.base_url, timeout=self._hf.timeout, max_retries=self._hf.max_retries
        ) as client:
            for offset in range((end - start).days + 1):
                day = start + timedelta(days=offset)
                source = f"Hugging Face {day}"
                try:
                    loaded = LoadedFile(source=source, days=[await client.fetch_day(day)])
                except SourceUnreachable as err:  # every later day would fail alike: stop here
                    left = (end - day).days + 1
                    yield LoadedFile(
                        source=source, error=f"{err}; stopped: {left} day(s), {day} to {end}, not fetched"
                    )
                    return
                except SourceError as err:
                    loaded = LoadedFile(source=source, error=str(err))
                except Exception as err:  # a parser bug on one day: the next days go on
                    loaded = LoadedFile(source=source, error=unexpected(source, err))
                yield loaded
