"""Personal ranking: a destination's 👍/👎/saved papers reorder its digest, blended with votes.

The technique is a nearest-centroid linear model (Rocchio) over tf-idf vectors, in pure Python:

- A paper is its terms as related papers find them (bot/related.py's `paper_terms`: title and
  keywords counted extra, abstract, HF summary, summaries in every language with their headings,
  Korean as bigrams, authors as whole names), weighted by sublinear term frequency times the idf
  of the day being ranked (its candidates are the corpus), its VECTOR_TERMS strongest kept,
  L2-normalised. Words in every paper of the day (`model`, `language`) then weigh little, the topic
  words of a few papers much.
- The profile is a weight per term: the weighted mean of the liked and saved papers' vectors less
  that of the disliked ones (each member's press counts once; several members add up).
- A candidate's affinity is its vector's dot product with the profile (in -1..1), and its place in
  the digest is by `vote_score + weight * affinity`, where `vote_score` is its log votes against
  the day's best, and `weight` grows with the number of papers pressed (PERSONAL_WEIGHT * n / (n +
  HALF_CONFIDENCE)): one press already moves close papers, twenty let the profile outweigh a
  wide gap in votes.

Why not a logistic regression or an SVM (arxiv-sanity-lite's linear SVM with scikit-learn): with a
handful of presses, mostly likes, a discriminative model has no negatives to learn from unless it
takes every unpressed paper as one (what arxiv-sanity does), and then it must be trained by many
passes over the whole day per destination, and scikit-learn and numpy would cost the bot their
import on every start. The centroid is trained in one pass over the pressed papers, explains itself
(the terms adding most to a paper's affinity are its reason: "you liked: diffusion, video"), and
bench/personal.py measures it against votes alone and beside an online logistic regression on the
same features: better precision@5 on average (0.65 against 0.62; votes 0.10) in a fifth to a tenth
of the time (0.65-0.8 ms against 3.6-7.9 ms a destination's day), though the regression did better
for the readers of the most voted topic.

With no presses the order is left exactly as the votes give it (the function returns it unchanged).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.models import Paper
from bot.ports import PaperFeedback
from bot.related import TermCounts, paper_terms
from bot.words import is_bigram_script

# How much the profile can move a paper, in units of the day's best log votes: an affinity of 0.2
# (a close paper) with enough presses adds 0.2 * PERSONAL_WEIGHT to a vote score in 0..1.
PERSONAL_WEIGHT = 4.0
HALF_CONFIDENCE = 2.0  # presses at which the profile has half its full weight
DISLIKE_WEIGHT = 1.0  # a 👎 counts as much as a 👍 (a save counts as a like)
VECTOR_TERMS = 32  # a paper's most telling terms kept: the rest is mostly noise shared by chance
REASON_TERMS = 3  # terms named in "you liked: ..."
MIN_REASON_AFFINITY = 0.08  # below this a pick is there for its votes, not for the profile
TERM_CACHE = 20_000  # papers whose terms are kept (a day has at most a few hundred)
CONTEXT_CACHE = 16  # days (candidate sets) whose idf and vectors are kept
PROFILE_CACHE = 4096  # profiles kept, keyed by their feedback and day


@dataclass(frozen=True)
class Ranked:
    """Candidates in personal order, each with its affinity; why a pick is there is worked out
    for the picks alone (`liked_terms`), not for every candidate of every destination."""

    papers: list[Paper]
    affinity: dict[str, float]
    profile: dict[str, float] = field(default_factory=dict)
    vectors: dict[str, dict[str, float]] = field(default_factory=dict)
    display: dict[str, dict[str, str]] = field(default_factory=dict)

    def liked_terms(self, arxiv_id: str) -> tuple[str, ...]:
        """The terms a pick was chosen for (the display forms of those adding most to its
        affinity), when the profile, not its votes, put it there."""
        if self.affinity.get(arxiv_id, 0.0) < MIN_REASON_AFFINITY:
            return ()
        vector = self.vectors[arxiv_id]
        parts = [(self.profile[term] * value, term) for term, value in vector.items() if term in self.profile]
        return _reason_terms(parts, self.display.get(arxiv_id, {}))


class _Terms:
    """Each paper's term counts, computed once per process (the tokenising is the costly part) and
    again when the paper changed (a summary added, new keywords)."""

    def __init__(self, size: int = TERM_CACHE) -> None:
        self._size = size
        self._by_id: OrderedDict[str, tuple[tuple[object, ...], TermCounts]] = OrderedDict()

    @staticmethod
    def _fingerprint(paper: Paper) -> tuple[object, ...]:
        return (
            paper.title, tuple((s.language, s.source, len(s.sections)) for s in paper.summaries),
            len(paper.abstract or ""), len(paper.ai_summary or ""), paper.keywords, len(paper.authors),
        )  # fmt: skip

    def of(self, paper: Paper) -> TermCounts:
        fingerprint = self._fingerprint(paper)
        found = self._by_id.get(paper.arxiv_id)
        if found is not None and found[0] == fingerprint:
            self._by_id.move_to_end(paper.arxiv_id)
            return found[1]
        terms = paper_terms(paper)
        self._by_id[paper.arxiv_id] = (fingerprint, terms)
        if len(self._by_id) > self._size:
            self._by_id.popitem(last=False)
        return terms

    def known(self, arxiv_id: str) -> TermCounts | None:
        """Terms of a paper seen before (a pressed paper need not be read from the store again)."""
        found = self._by_id.get(arxiv_id)
        return found[1] if found is not None else None


TERMS = _Terms()


@dataclass
class _Context:
    """A day's candidates as a corpus: document frequencies, and vectors made with their idf."""

    key: tuple[str, ...]  # the candidates' ids, in order
    frequencies: dict[str, int]
    papers: int
    vectors: dict[str, dict[str, float]] = field(default_factory=dict)

    def idf(self, term: str) -> float:
        return math.log(1.0 + (self.papers + 1) / (self.frequencies.get(term, 0) + 1))

    def vector(self, arxiv_id: str, terms: TermCounts) -> dict[str, float]:
        found = self.vectors.get(arxiv_id)
        if found is None:
            weighted = (
                (term, (1.0 + math.log(count)) * self.idf(term)) for term, count in terms.counts.items()
            )
            raw = dict(sorted(weighted, key=lambda pair: (-pair[1], pair[0]))[:VECTOR_TERMS])
            norm = math.sqrt(sum(value * value for value in raw.values())) or 1.0
            found = self.vectors[arxiv_id] = {term: value / norm for term, value in raw.items()}
        return found


_CONTEXTS: OrderedDict[tuple[str, ...], _Context] = OrderedDict()
_PROFILES: OrderedDict[tuple[object, ...], dict[str, float]] = OrderedDict()


def _context(candidates: Sequence[Paper]) -> _Context:
    """The corpus of a candidate list, built once per process for each distinct list."""
    key = tuple(p.arxiv_id for p in candidates)
    found = _CONTEXTS.get(key)
    if found is not None:
        _CONTEXTS.move_to_end(key)
        return found
    frequencies: dict[str, int] = {}
    for paper in candidates:
        for term in TERMS.of(paper).counts:
            frequencies[term] = frequencies.get(term, 0) + 1
    context = _CONTEXTS[key] = _Context(key, frequencies, len(candidates))
    if len(_CONTEXTS) > CONTEXT_CACHE:
        _CONTEXTS.popitem(last=False)
    return context


def presses(feedback: Iterable[PaperFeedback]) -> float:
    """How many presses a profile rests on: every like, save and dislike of every member."""
    return float(sum(f.likes + f.saves + f.dislikes for f in feedback))


def train(
    feedback: Sequence[PaperFeedback], terms: Mapping[str, TermCounts], context: _Context
) -> dict[str, float]:
    """The profile: the mean vector of what members liked or saved less that of what they disliked,
    each paper weighted by its presses. Pressed papers whose terms are unknown are left out."""
    liked: dict[str, float] = {}
    disliked: dict[str, float] = {}
    liked_total = disliked_total = 0.0
    for entry in feedback:
        paper_terms_ = terms.get(entry.arxiv_id)
        if paper_terms_ is None:
            continue
        vector = context.vector(entry.arxiv_id, paper_terms_)
        up, down = entry.likes + entry.saves, entry.dislikes * DISLIKE_WEIGHT
        for weight, into in ((up, liked), (down, disliked)):
            if weight:
                for term, value in vector.items():
                    into[term] = into.get(term, 0.0) + weight * value
        liked_total += up
        disliked_total += down
    profile = {term: value / liked_total for term, value in liked.items()} if liked_total else {}
    for term, value in disliked.items():
        profile[term] = profile.get(term, 0.0) - value / disliked_total
    return profile


def _profile(
    feedback: Sequence[PaperFeedback], terms: Mapping[str, TermCounts], context: _Context
) -> dict[str, float]:
    """`train`, kept per (feedback, day): a destination's profile is built once until its feedback
    changes, and destinations with the same feedback share it."""
    key = (context.key, feedback_key(feedback))
    found = _PROFILES.get(key)
    if found is not None:
        _PROFILES.move_to_end(key)
        return found
    profile = _PROFILES[key] = train(feedback, terms, context)
    if len(_PROFILES) > PROFILE_CACHE:
        _PROFILES.popitem(last=False)
    return profile


def vote_score(votes: int | None, best: int) -> float:
    """A paper's votes against the day's best, on a log scale: 0 (none or unknown) .. 1 (the best)."""
    if not votes or best <= 0:
        return 0.0
    return math.log1p(votes) / math.log1p(best)


def weight_of(pressed: float) -> float:
    """How far the profile may move papers, from the presses it rests on."""
    return PERSONAL_WEIGHT * pressed / (pressed + HALF_CONFIDENCE)


def rank(
    candidates: Sequence[Paper],
    feedback: Sequence[PaperFeedback],
    pressed_papers: Iterable[Paper] = (),
) -> Ranked:
    """The candidates (best-voted first) in personal order. `pressed_papers` are the papers of
    `feedback` that are not among the candidates (older days), read by the caller; a pressed paper
    that is neither is left out of the profile. No feedback: the votes' order, untouched."""
    papers = list(candidates)
    if not feedback or not papers:
        return Ranked(papers, {}, {})
    context = _context(papers)
    terms: dict[str, TermCounts] = {p.arxiv_id: TERMS.of(p) for p in papers}
    for paper in pressed_papers:
        terms[paper.arxiv_id] = TERMS.of(paper)
    for entry in feedback:
        if entry.arxiv_id not in terms and (known := TERMS.known(entry.arxiv_id)) is not None:
            terms[entry.arxiv_id] = known
    profile = _profile(feedback, terms, context)
    if not profile:
        return Ranked(papers, {}, {})
    weight = weight_of(presses(feedback))
    best = max((p.votes or 0 for p in papers), default=0)
    affinity: dict[str, float] = {}
    vectors: dict[str, dict[str, float]] = {}
    scored: list[tuple[float, int, Paper]] = []
    for position, paper in enumerate(papers):
        vector = vectors[paper.arxiv_id] = context.vector(paper.arxiv_id, terms[paper.arxiv_id])
        score = sum(profile[term] * value for term, value in vector.items() if term in profile)
        affinity[paper.arxiv_id] = score
        scored.append((-(vote_score(paper.votes, best) + weight * score), position, paper))
    scored.sort(key=lambda item: (item[0], item[1]))
    display = {arxiv_id: terms[arxiv_id].display for arxiv_id in vectors}
    return Ranked([paper for _, _, paper in scored], affinity, profile, vectors, display)


def _reason_terms(parts: list[tuple[float, str]], display: Mapping[str, str]) -> tuple[str, ...]:
    """The terms adding most to a paper's affinity, as written: words and names first (a Korean
    bigram such as 스크, cut from 마스크, says less to a reader), bigrams when there are no others."""
    positive = sorted((part for part in parts if part[0] > 0), reverse=True)
    words = [term for _, term in positive if not is_bigram_script(term)]
    grams = [term for _, term in positive if is_bigram_script(term)]
    shown = dict.fromkeys(display.get(term, term) for term in words + grams)  # 마스크 for 마스, 스크
    return tuple(shown)[:REASON_TERMS]


def feedback_key(feedback: Iterable[PaperFeedback]) -> tuple[tuple[str, int, int, int], ...]:
    """The feedback as a hashable value, the same whatever order the store returned it in: what
    a selection memo keys personal selections by (two destinations with the same presses share)."""
    return tuple(sorted((f.arxiv_id, f.likes, f.dislikes, f.saves) for f in feedback))
