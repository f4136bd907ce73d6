"""The words a search index holds and the terms a query asks for, the same for every store.

Each store has its own full-text engine (FTS5 in SQLite, tsvector in PostgreSQL), but both are fed
the tokens made here, so a query finds the same papers whichever database holds them.

Latin words and numbers are whole tokens ("AI", "3D"). Korean is not split into words by spaces:
particles attach to words (모델을, 모델의) and compounds run together (대형언어모델), so runs of
Hangul (and of other scripts written without spaces) become overlapping character bigrams, and a
query is cut the same way: any Korean substring of two or more characters matches.

User text is never query syntax: a term is a list of literal tokens, so quotes, `*`, `-`, `NEAR`,
`OR` and parentheses are just characters to search for or ignore.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.words import SEGMENT as _SEGMENT
from bot.words import document_tokens as document_tokens
from bot.words import is_bigram_script as _is_bigram_script
from bot.words import segment_tokens as _tokens

_PHRASE = re.compile(r'"([^"]*)"')

MAX_TERMS = 16
MAX_TERM_CHARS = 64
PREFIX_MIN_CHARS = 3

# Relevance ranking scores every match, so a store ranks by relevance while a query matches at
# most RANKED_MATCHES papers; a broader one (a word in most papers, where relevance says little)
# ranks its BROAD_POOL most recently added matches by votes, and its total is then a lower bound.
RANKED_MATCHES = 1000
BROAD_POOL = 300


# What one paper may put in a search index, the same on every store so both find the same papers:
# PostgreSQL refuses a tsvector over 1 MB (1,048,575 bytes), keeps positions up to 16,383 and a
# lexeme up to 2,047 bytes. A new token is costed at twice its UTF-8 size (folding may grow it) plus
# its entry; a repeat at a position. Past either budget the rest of the text is kept but not indexed.
MAX_INDEX_POSITIONS = 16383
MAX_INDEX_BYTES = 1_000_000
MAX_TOKEN_CHARS = 500
_ENTRY_BYTES = 8
_POSITION_BYTES = 2


def index_fields(texts: Sequence[str]) -> list[list[str]]:
    """Each field's tokens as every store indexes them (fields in order, a position between two),
    tokens cut to MAX_TOKEN_CHARS, the document cut where it would pass the position or size budget."""
    fields: list[list[str]] = []
    seen: set[str] = set()
    size = 0
    positions = 0
    full = False
    for text in texts:
        kept: list[str] = []
        for token in [] if full else document_tokens(text):
            token = token[:MAX_TOKEN_CHARS]
            cost = _POSITION_BYTES if token in seen else 2 * len(token.encode()) + _ENTRY_BYTES
            if positions + len(texts) >= MAX_INDEX_POSITIONS or size + cost > MAX_INDEX_BYTES:
                full = True
                break
            seen.add(token)
            size += cost
            positions += 1
            kept.append(token)
        fields.append(kept)
    return fields


@dataclass(frozen=True)
class Term:
    """One thing a query asks for: `tokens` side by side, in order, in one field of a paper.

    With `prefix`, the last token also matches longer ones: a lone Latin word of three or more
    characters (model -> models) and a lone syllable (the bigrams that start with it). Shorter
    words ("AI", "3D") must match whole words, or they would match everything.
    """

    word: str  # as the user typed it, without the punctuation around it (for highlighting)
    tokens: tuple[str, ...]
    prefix: bool


def _term(word: str, segments: list[str]) -> Term:
    single = segments[0] if len(segments) == 1 else None
    prefix = single is not None and (
        len(single) >= PREFIX_MIN_CHARS if not _is_bigram_script(single) else len(single) == 1
    )
    return Term(word=_display(word), tokens=tuple(_tokens(segments)), prefix=prefix)


def _display(word: str) -> str:
    return re.sub(r"^[\W_]+|[\W_]+$", "", word) or word


def parse_query(text: str) -> tuple[Term, ...]:
    """Free text as an AND of terms; empty when nothing searchable is left (only punctuation or emoji).

    `"quoted words"` form one term, and so does a word whose parts are joined by punctuation
    (`Q&A`, `GPT-4o`, `LLM들이`), so it matches those parts side by side, not anywhere.
    """
    terms: list[Term] = []
    normalised = text.replace("\u201c", '"').replace("\u201d", '"')
    for index, piece in enumerate(_PHRASE.split(normalised)):
        words = [piece.strip()] if index % 2 == 1 else piece.split()
        for word in words:
            segments = [s[:MAX_TERM_CHARS] for s in _SEGMENT.findall(word)]
            if segments:
                terms.append(_term(word, segments))
    return tuple(terms[:MAX_TERMS])
