"""What a write of a paper changes in the related-papers index, the same for every store.

bot/related.py decides a paper's terms and its vector; the stores keep three things current with
them: how many papers hold each term (document frequencies), how many papers are indexed, and each
paper's vector with its postings. This module works out the changes; each store only writes them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.models import Paper
from bot.ports import Neighbour, RelatedSource
from bot.related import TermCounts, Vector, build_vector, paper_terms

BACKFILL_BATCH = 1000  # papers read (and written) at a time when indexing what has no vector


@dataclass(frozen=True)
class TermChange:
    """A write's effect on the frequencies: the paper's terms after it, and +1 / -1 for each term
    the paper gained or lost (`new`: the paper was not indexed before, so the corpus grows by one)."""

    terms: TermCounts
    delta: dict[str, int]
    new: bool


def term_change(indexed: Paper | None, after: Paper, *, new: bool) -> TermChange | None:
    """How writing `after` over the paper as it was `indexed` (None: not indexed yet) changes the
    index; None when its terms are the same (new votes, another day listed): nothing to write."""
    terms = paper_terms(after)
    if indexed is None:
        return TermChange(terms, dict.fromkeys(terms.counts, 1), new)
    before = paper_terms(indexed)
    if before.counts == terms.counts and before.display == terms.display:
        return None
    delta = dict.fromkeys(terms.counts.keys() - before.counts.keys(), 1)
    delta |= dict.fromkeys(before.counts.keys() - terms.counts.keys(), -1)
    return TermChange(terms, delta, new)


def postings(vector: Vector) -> list[tuple[str, int]]:
    """The vector's (term, weight) rows, as related_terms holds them."""
    return list(vector.weights.items())


@dataclass
class Backfill:
    """Papers without a vector, read once to count their terms: what the index must add."""

    frequencies: Counter[str] = field(default_factory=Counter)
    papers: int = 0

    def count(self, papers: Iterable[Paper]) -> None:
        """Add a batch of papers not yet indexed (a paper counts once per term)."""
        for paper in papers:
            self.frequencies.update(paper_terms(paper).counts.keys())
            self.papers += 1


def vectors_of(
    papers: Iterable[tuple[int, Paper]], frequencies: Mapping[str, int], total: int
) -> list[tuple[int, Vector]]:
    """Each paper's vector from the corpus' frequencies (the papers' own terms already counted)."""
    return [(key, build_vector(paper_terms(paper), frequencies, total)) for key, paper in papers]


def source_of(row: Any, paper: Paper) -> RelatedSource:
    """A related_source row (the paper's key, its `vector`, its terms' `frequencies` as a JSON
    object and the corpus' `total`) and the paper read from it, as the port returns them."""
    frequencies = {str(term): int(n) for term, n in json.loads(row["frequencies"] or "{}").items()}
    vector = Vector.from_json(row["vector"])
    return RelatedSource(int(row["id"]), paper, vector, frequencies, int(row["total"] or 0))


def neighbour_of(row: Any, paper: Paper) -> Neighbour:
    """A nearest row (the paper's key, its `score` and `vector`) and the paper read from it."""
    return Neighbour(int(row["id"]), paper, int(row["score"]), Vector.from_json(row["vector"]))
