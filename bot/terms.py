"""What a paper is about, as counted terms: the features personal ranking learns from.

A paper's terms come from everything Paperboy knows of it: the title (counted three times), the
keywords (twice), the abstract, the HF summary and the summaries in every language, and each author
as one whole-name term. Latin words are lower-cased with a plural `s` dropped; Korean (and other
scripts written without spaces) is cut into overlapping character bigrams, so a Korean summary and
an English abstract both count; stop words of either language are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.models import Paper

# Hangul syllables and jamo, kana, CJK ideographs: scripts whose words are not space-separated.
_BIGRAM_SCRIPT = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"
_SEGMENT = re.compile(rf"[{_BIGRAM_SCRIPT}]+|[^\W_{_BIGRAM_SCRIPT}]+")
_STARTS_BIGRAM_SCRIPT = re.compile(rf"[{_BIGRAM_SCRIPT}]")
AUTHOR = "@"  # an author's term: "@" and the whole name, folded
TITLE_COUNT = 3
KEYWORD_COUNT = 2
MAX_WORD_CHARS = 40

_ENGLISH_STOP_WORDS = """
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
_ENGLISH_STOP = frozenset(_ENGLISH_STOP_WORDS.split())
# Bigrams of Korean particles, endings and connectives: in nearly every Korean summary, about none.
_KOREAN_STOP_WORDS = """
    니다 합니 습니 있습 됩니 입니 했습 었습 였습 하는 하여 하고 하며 한다 하기 하게 했다 되는 되어 된다
    에서 으로 에게 부터 까지 보다 처럼 같은 있는 있으 없는 이러 러한 이를 이는 이와 통해 또한 대한 위해
    위한 것을 것이 것은 등의 하지 지만 그러 러나 따라 라서 또는 그리 리고 이며 이다 였다 수행 기존 제안
"""
_KOREAN_STOP = frozenset(_KOREAN_STOP_WORDS.split())


def _fold(word: str) -> str | None:
    """A Latin word as a term: lower-cased, a plural `s` dropped (models -> model, LLMs -> llm);
    None for a stop word, a lone letter, a number or an overlong string."""
    folded = word.casefold()
    if len(folded) < 2 or len(folded) > MAX_WORD_CHARS or folded.isdigit() or folded in _ENGLISH_STOP:
        return None
    if len(folded) > 3 and folded.endswith("s") and not folded.endswith(("ss", "us", "is")):
        folded = folded[:-1]
    return None if folded in _ENGLISH_STOP else folded


def is_bigram(term: str) -> bool:
    """Whether a term is a bigram of a script written without spaces (not a word or a name)."""
    return bool(_STARTS_BIGRAM_SCRIPT.match(term))


def text_terms(text: str) -> list[tuple[str, str]]:
    """Every term of the text in order, each with the form it was written in: (term, display)."""
    found: list[tuple[str, str]] = []
    for segment in _SEGMENT.findall(text):
        if _STARTS_BIGRAM_SCRIPT.match(segment):
            grams = (segment[i : i + 2] for i in range(len(segment) - 1))
            found.extend((gram, gram) for gram in grams if gram not in _KOREAN_STOP)
            continue
        term = _fold(segment)
        if term is not None:
            found.append((term, segment))
    return found


@dataclass(frozen=True)
class TermCounts:
    """How often each term is in a paper (title and keywords counted extra) and how to show it."""

    counts: Counter[str]
    display: dict[str, str]


def paper_terms(paper: Paper) -> TermCounts:
    """The paper's terms from its title, keywords, abstract, HF summary, summaries in every
    language and authors."""
    counts: Counter[str] = Counter()
    display: dict[str, str] = {}

    def add(pairs: Iterable[tuple[str, str]], times: int) -> None:
        for term, shown in pairs:
            counts[term] += times
            display.setdefault(term, shown)

    add(text_terms(paper.title), TITLE_COUNT)
    add(text_terms(" ".join(paper.keywords)), KEYWORD_COUNT)
    body = [paper.abstract or "", paper.ai_summary or ""]
    body += [s.text for summary in paper.summaries for s in summary.sections]
    add(text_terms("\n".join(body)), 1)
    authors = (" ".join(name.split()) for name in dict.fromkeys(paper.authors))
    add(((AUTHOR + name.casefold(), name) for name in authors if name), 1)
    return TermCounts(counts, display)
