"""The tokens of storage/search_terms.py as SQLite FTS5 indexes and matches them.

FTS5's unicode61 tokenizer splits on spaces and punctuation, which suits English but not Korean,
so the store hands it text already cut by storage/search_terms.py (Hangul as bigrams), and a
query becomes an FTS5 expression of quoted strings only: user text is never FTS5 syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.search_terms import MAX_TERMS as MAX_TERMS
from storage.search_terms import Term, document_tokens, index_fields, parse_query


def index_tokens(text: str) -> str:
    """The text as FTS5 should index it: words kept, bigram-script runs cut into bigrams."""
    return " ".join(document_tokens(text))


def index_columns(texts: tuple[str, ...]) -> tuple[str, ...]:
    """A paper's index columns as FTS5 should index them: the tokens of search_terms.index_fields
    (cut to what PostgreSQL's index takes too, so both stores find the same papers)."""
    return tuple(" ".join(tokens) for tokens in index_fields(texts))


@dataclass(frozen=True)
class MatchQuery:
    """A safe FTS5 MATCH expression and the user's words it searches for."""

    expression: str
    terms: tuple[str, ...]


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _phrase(term: Term) -> str:
    """One term as an FTS5 phrase; `*` lets its last token match longer ones."""
    return _quote(" ".join(term.tokens)) + ("*" if term.prefix else "")


def build_match(text: str) -> MatchQuery | None:
    """An AND of the query's terms; None when nothing searchable is left (see parse_query)."""
    terms = parse_query(text)
    if not terms:
        return None
    return MatchQuery(
        expression=" AND ".join(_phrase(term) for term in terms), terms=tuple(term.word for term in terms)
    )
