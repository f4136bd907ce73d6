"""Related papers: what a paper is about as a short weighted list of terms, and how alike two are.

A paper's terms come from everything Paperboy knows of it: the title (counted three times), the
keywords (twice), the abstract, the HF summary and the summaries in every language, and each author
as one whole-name term. Text is cut as search cuts it (bot/words.py): Latin words lower-cased with a
plural `s` dropped, Korean as bigrams, so a Korean summary and an English abstract both count and
both share terms such as "LoRA" or "트랜스포머"; stop words in either language are left out.

Each paper keeps only its MAX_TERMS most telling terms (by tf-idf when it was written), with their
sublinear term frequencies L2-normalised and stored as integers. The IDF is applied when a question is
asked, from the document frequencies of that moment, so weights never go stale as the corpus grows:
only the choice of a paper's terms was made with the frequencies of its day, and it is made again
whenever the paper's text changes (a new summary, a fuller abstract). How alike a paper d is to the
source q:

    score(q, d) = sum over shared terms t of  round(QUERY_SCALE * idf(t)^2 * q[t] / WEIGHT_SCALE) * d[t]

with idf(t) = ln(1 + N / df(t)): the dot product of the two tf vectors, each term weighted by idf
twice (once per side), in integers, so a database summing it and Python summing it get the same
number and ties (broken by the newer paper first) fall the same way. Only the source's QUERY_TERMS
strongest terms ask, and a term in more than COMMON_SHARE of the papers asks nothing: it says little
about a paper and would make the store read a long list of papers.

The store keeps the vectors (stored weights and each term's display form) and the frequencies; this
module decides everything else, so SQLite, PostgreSQL and the brute-force reference agree exactly.
"""

from __future__ import annotations

import functools
import heapq
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.models import Paper
from bot.words import SEGMENT, is_bigram_script, segment_tokens

MAX_TERMS = 24  # terms kept per paper
QUERY_TERMS = 12  # the source's strongest terms that look for neighbours
COMMON_SHARE = 0.02  # a term in more than this share of the papers asks nothing ...
COMMON_FLOOR = 200  # ... once it is in more than this many (a small corpus has no common terms)
WEIGHT_SCALE = 10_000  # a stored weight: the normalised term frequency times this
QUERY_SCALE = 1_000
WHY_TERMS = 3  # shared terms shown as the reason
AUTHOR = "@"  # an author's term: "@" and the whole name, folded
TITLE_COUNT = 3
KEYWORD_COUNT = 2
MAX_WORD_CHARS = 40
MAX_SHOWN_RUN = 8  # a Korean word up to this long is shown whole for its bigrams


def _listed(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ENGLISH_STOP = _listed(
    """
    a about above across after again against all almost along also although always am among an and
    another any are around as at be because been before being below between both but by can cannot
    could did do does doing done down during each either else enough even ever every few for from
    further had has have having he her here hers him his how however i if in into is it its itself
    just least less like made make makes many may me might more most much must my neither no nor not
    now of off often on once one only or other others our ours out over own per rather same she
    should since so some such than that the their theirs them then there therefore these they this
    those though through thus to too toward towards under until up upon us use used uses using very
    via was we well were what when where whether which while who whom whose why will with within
    without would yet you your yours
    paper propose proposed approach method result show shows shown demonstrate demonstrates based
    novel new existing work present presents introduce introduces achieve achieves significantly
    various several including further first
    """
)
# Bigrams of Korean particles, endings and connectives: in nearly every Korean summary, about none.
_KOREAN_STOP = _listed(
    """
    니다 합니 습니 있습 됩니 입니 했습 었습 였습 하는 하여 하고 하며 한다 하기 하게 했다 되는 되어 된다
    에서 으로 에게 부터 까지 보다 처럼 같은 있는 있으 없는 이러 러한 이를 이는 이와 통해 또한 대한 위해
    위한 것을 것이 것은 등의 하지 지만 그러 러나 따라 라서 또는 그리 리고 이며 이다 였다 수행 기존 제안
    다는 라는 하다 되었 었다 있다 에는 에도 으며 으나 하였 였으 였고 었고 해서 하면 되며 되고 합하 시킵 킵니
    """
)


def _fold(word: str) -> str | None:
    """A Latin word as a term: lower-cased, a plural `s` dropped (models -> model, LLMs -> llm);
    None for a stop word, a lone letter, a number or an overlong string."""
    folded = word.casefold()
    if len(folded) < 2 or len(folded) > MAX_WORD_CHARS or folded.isdigit() or folded in _ENGLISH_STOP:
        return None
    if len(folded) > 3 and folded.endswith("s") and not folded.endswith(("ss", "us", "is")):
        folded = folded[:-1]
    return None if folded in _ENGLISH_STOP else folded


def text_terms(text: str) -> list[tuple[str, str]]:
    """Every term of the text in order, each with the form it was written in: (term, display).

    The public tokeniser of related papers (personal ranking may use it too): Latin words folded by
    `_fold`, runs of Korean (and other scripts without spaces) as bigrams, stop words left out."""
    found: list[tuple[str, str]] = []
    for segment in SEGMENT.findall(text):
        found.extend(_segment_terms(segment))
    return found


@functools.lru_cache(maxsize=1 << 17)
def _segment_terms(segment: str) -> tuple[tuple[str, str], ...]:
    """One segment's terms (cached: a corpus repeats its words, and indexing reads every paper)."""
    if is_bigram_script(segment):
        # a bigram is shown as the word it came from (스템 -> 시스템), when that word is short
        shown = segment if len(segment) <= MAX_SHOWN_RUN else None
        grams = segment_tokens([segment])
        return tuple((g, shown or g) for g in grams if len(g) == 2 and g not in _KOREAN_STOP)
    term = _fold(segment)
    return () if term is None else ((term, segment),)


def author_term(name: str) -> tuple[str, str] | None:
    """An author as one term (the whole name, folded), with the name as written; None when blank."""
    shown = " ".join(name.split())
    return (AUTHOR + shown.casefold(), shown) if shown else None


@dataclass(frozen=True)
class TermCounts:
    """How often each term is in a paper (title and keywords counted extra) and how to show it."""

    counts: Counter[str]
    display: dict[str, str]


def paper_terms(paper: Paper) -> TermCounts:
    """The paper's terms from its title, keywords, abstract, HF summary, summaries in every
    language (headings too) and authors."""
    title = text_terms(paper.title)
    keywords = text_terms(" ".join(paper.keywords))
    body = [paper.abstract or "", paper.ai_summary or ""]
    body += [part for summary in paper.summaries for s in summary.sections for part in (s.heading, s.text)]
    text = text_terms("\n".join(body))
    authors = [pair for name in dict.fromkeys(paper.authors) if (pair := author_term(name))]
    counts = Counter(term for term, _ in text)
    counts.update(term for term, _ in authors)
    for extra, pairs in ((TITLE_COUNT, title), (KEYWORD_COUNT, keywords)):
        for term, _ in pairs:
            counts[term] += extra
    display = dict(reversed([*title, *keywords, *text, *authors]))  # the first form written wins
    return TermCounts(counts, display)


def idf(frequency: int, papers: int) -> float:
    """How telling a term in `frequency` of `papers` papers is (never below ln 2)."""
    return math.log(1.0 + max(papers, 1) / max(frequency, 1))


@dataclass(frozen=True)
class Vector:
    """A paper's kept terms: each one's stored weight (normalised tf x WEIGHT_SCALE) and display."""

    weights: dict[str, int]
    display: dict[str, str]

    def to_json(self) -> str:
        """As the stores keep it: [[term, weight, display], ...], strongest first."""
        rows = [[term, weight, self.display.get(term, term)] for term, weight in self.weights.items()]
        return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Vector:
        rows = json.loads(text)
        return cls({str(r[0]): int(r[1]) for r in rows}, {str(r[0]): str(r[2]) for r in rows})


def build_vector(terms: TermCounts, frequencies: Mapping[str, int], papers: int) -> Vector:
    """The paper's MAX_TERMS strongest terms by tf-idf (ties: the term's spelling), weighted by
    their sublinear term frequency, L2-normalised. `frequencies` counts papers per term, this one
    included; a term missing from it counts as in this paper alone."""

    log, total = math.log, max(papers, 1)
    scored = [
        (-(1.0 + log(count)) * log(1.0 + total / max(frequencies.get(term, 1), 1)), term)
        for term, count in terms.counts.items()
    ]
    kept = [term for _, term in heapq.nsmallest(MAX_TERMS, scored)]
    tfs = {term: 1.0 + log(terms.counts[term]) for term in kept}
    norm = math.sqrt(sum(value * value for value in tfs.values())) or 1.0
    weights = {term: max(1, round(WEIGHT_SCALE * value / norm)) for term, value in tfs.items()}
    return Vector(weights, {term: terms.display[term] for term in kept})


def query_weights(vector: Vector, frequencies: Mapping[str, int], papers: int) -> dict[str, int]:
    """What the source asks with: its QUERY_TERMS strongest terms, each weighted by idf^2 from
    today's frequencies; a common term (see COMMON_SHARE) and a weight that rounds to 0 ask nothing."""
    common = max(COMMON_SHARE * papers, COMMON_FLOOR)
    weights: dict[str, int] = {}
    for term, stored in vector.weights.items():
        frequency = max(frequencies.get(term, 1), 1)
        if frequency > common:
            continue
        weight = round(QUERY_SCALE * idf(frequency, papers) ** 2 * stored / WEIGHT_SCALE)
        if weight > 0:
            weights[term] = weight
    strongest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:QUERY_TERMS]
    return dict(strongest)


def score(weights: Mapping[str, int], vector: Vector) -> int:
    """How alike a paper is to the source asking with `weights` (0: nothing shared)."""
    return sum(weight * vector.weights.get(term, 0) for term, weight in weights.items())


def shared_terms(
    weights: Mapping[str, int], vector: Vector, display: Mapping[str, str], limit: int = WHY_TERMS
) -> tuple[str, ...]:
    """Why a paper is related: the shared terms that add most to its score, as the source wrote them."""
    parts = [(weight * vector.weights[t], t) for t, weight in weights.items() if t in vector.weights]
    parts.sort(key=lambda part: (-part[0], part[1]))
    shown = (display.get(term, vector.display.get(term, term)) for _, term in parts)
    return tuple(dict.fromkeys(shown))[:limit]  # two bigrams of one word are shown once


def nearest_by_scan(
    source: int, weights: Mapping[str, int], vectors: Iterable[tuple[int, Vector]], n: int
) -> list[tuple[int, int]]:
    """The reference answer: every paper's score, computed one by one over all `vectors` (store key,
    vector), the source left out; the n best as (key, score), ties to the higher key (the newer
    paper), as the stores rank them."""
    scored = ((score(weights, vector), key) for key, vector in vectors if key != source)
    best = heapq.nlargest(n, ((value, key) for value, key in scored if value > 0))
    return [(key, value) for value, key in best]
