"""Turn paper text and user queries into the tokens SQLite FTS5 indexes and matches.

FTS5's unicode61 tokenizer splits on spaces and punctuation, which suits English but not Korean:
particles attach to words (모델을, 모델의) and compounds run together (대형언어모델), so a search
for 모델 would find little. Runs of Hangul (and other scripts written without spaces) are therefore
indexed as overlapping character bigrams, and a query is cut the same way, so any two-or-more
character Korean substring matches. Latin words and numbers stay whole words ("AI", "3D").

User text is never FTS5 syntax: every term is emitted as a quoted string, so quotes, `*`, `-`,
`NEAR`, `OR` and parentheses are just characters to search for or ignore.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Hangul syllables and jamo, kana, CJK ideographs: scripts whose words are not space-separated.
_BIGRAM_SCRIPT = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"
_SEGMENT = re.compile(rf"[{_BIGRAM_SCRIPT}]+|[^\W_{_BIGRAM_SCRIPT}]+")
_STARTS_BIGRAM_SCRIPT = re.compile(rf"[{_BIGRAM_SCRIPT}]")
_PHRASE = re.compile(r'"([^"]*)"')

MAX_TERMS = 16
MAX_TERM_CHARS = 64
PREFIX_MIN_CHARS = 3


def _is_bigram_script(segment: str) -> bool:
    return bool(_STARTS_BIGRAM_SCRIPT.match(segment))


def _bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> str:
    """The text as FTS5 should index it: words kept, bigram-script runs cut into bigrams."""
    out: list[str] = []
    for segment in _SEGMENT.findall(text):
        out.extend(_bigrams(segment) if _is_bigram_script(segment) else (segment,))
    return " ".join(out)


@dataclass(frozen=True)
class MatchQuery:
    """A safe FTS5 MATCH expression and the user's words it searches for."""

    expression: str
    terms: tuple[str, ...]


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _term_expression(segments: list[str]) -> str:
    """One term (a word, or a phrase of several) as an FTS5 phrase.

    A lone Latin word of three or more characters also matches longer words (model -> models);
    shorter ones ("AI", "3D") must match whole words, or they would match everything.
    """
    tokens: list[str] = []
    for segment in segments:
        tokens.extend(_bigrams(segment) if _is_bigram_script(segment) else (segment,))
    phrase = _quote(" ".join(tokens))
    single = len(segments) == 1
    if single and not _is_bigram_script(segments[0]) and len(segments[0]) >= PREFIX_MIN_CHARS:
        return phrase + "*"
    if single and len(segments[0]) == 1 and _is_bigram_script(segments[0]):
        return phrase + "*"  # one syllable: the bigrams that start with it
    return phrase


def _segments(word: str) -> list[str]:
    return [s[:MAX_TERM_CHARS] for s in _SEGMENT.findall(word)]


def build_match(text: str) -> MatchQuery | None:
    """Parse free text into an AND of terms.

    `"quoted words"` form one phrase, and so does a word whose parts are joined by punctuation
    (`Q&A`, `GPT-4o`, `LLM들이`), so it matches those parts side by side, not anywhere.
    Returns None when nothing searchable is left (only punctuation or emoji).
    """
    terms: list[tuple[str, list[str]]] = []
    normalised = text.replace("\u201c", '"').replace("\u201d", '"')
    for index, piece in enumerate(_PHRASE.split(normalised)):
        words = [piece.strip()] if index % 2 == 1 else piece.split()
        terms.extend((word, segments) for word in words if (segments := _segments(word)))
    terms = terms[:MAX_TERMS]
    if not terms:
        return None
    return MatchQuery(
        expression=" AND ".join(_term_expression(segments) for _, segments in terms),
        terms=tuple(_display(word) for word, _ in terms),
    )


def _display(word: str) -> str:
    """The word as the user typed it, without the punctuation around it (for highlighting)."""
    return re.sub(r"^[\W_]+|[\W_]+$", "", word) or word
