"""How text is cut into tokens, the same for search (storage/search_terms.py) and related papers
(bot/related.py), so a word that finds a paper is the word that makes two papers alike.

Latin words and numbers are whole tokens ("AI", "3D"). Korean is not split into words by spaces:
particles attach to words (모델을, 모델의) and compounds run together (대형언어모델), so runs of
Hangul (and of other scripts written without spaces) become overlapping character bigrams.
"""

from __future__ import annotations

import re

# Hangul syllables and jamo, kana, CJK ideographs: scripts whose words are not space-separated.
BIGRAM_SCRIPT = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"
SEGMENT = re.compile(rf"[{BIGRAM_SCRIPT}]+|[^\W_{BIGRAM_SCRIPT}]+")
_STARTS_BIGRAM_SCRIPT = re.compile(rf"[{BIGRAM_SCRIPT}]")


def is_bigram_script(segment: str) -> bool:
    """Whether a segment (as SEGMENT cuts it) is a run of a script written without spaces."""
    return bool(_STARTS_BIGRAM_SCRIPT.match(segment))


def bigrams(run: str) -> list[str]:
    """A run's overlapping character pairs; a one-character run is itself."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def segment_tokens(segments: list[str]) -> list[str]:
    """Segments as tokens: words kept, bigram-script runs cut into bigrams."""
    out: list[str] = []
    for segment in segments:
        out.extend(bigrams(segment) if is_bigram_script(segment) else (segment,))
    return out


def document_tokens(text: str) -> list[str]:
    """The text as an index holds it, in order: words kept, bigram-script runs cut into bigrams."""
    return segment_tokens(SEGMENT.findall(text))
