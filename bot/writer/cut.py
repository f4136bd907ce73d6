"""Cutting a paper's text to a character budget at a boundary a reader would choose.

The model's context (and the bill) bounds how much of a paper it reads. A text cut mid-word or
mid-sentence makes the model guess at the broken end, so the cut falls at the last paragraph break near
the budget, else the last sentence end, else the last space, and mid-word only when the last tenth of the
budget has none of these (one long token, such as a URL or a table of digits).
"""

from __future__ import annotations

import re

# How far back from the budget a boundary may be: within the last tenth, the budget is barely wasted.
_REACH = 0.1
# A sentence ends with . ! ? (or their CJK forms), maybe closing quotes or brackets, then whitespace.
_SENTENCE_END = re.compile(r"[.!?。！？][\"'’”)\]]*(?=\s)")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPACE = re.compile(r"\s")


def cut_text(text: str, max_chars: int) -> str:
    """`text` itself when it fits in `max_chars`, else a prefix of at most `max_chars` characters."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    if len(text) <= max_chars:
        return text
    floor = max_chars - max(1, int(max_chars * _REACH))
    # One character past the budget shows whether a boundary falls exactly at it.
    window = text[: max_chars + 1]
    for boundary in (_last_paragraph_break, _last_sentence_end, _last_space):
        end = boundary(window, floor)
        if end is not None:
            return text[:end].rstrip()
    return text[:max_chars]


def _last_paragraph_break(window: str, floor: int) -> int | None:
    ends = [m.start() for m in _PARAGRAPH_BREAK.finditer(window, floor)]
    return ends[-1] if ends and ends[-1] < len(window) else None


def _last_sentence_end(window: str, floor: int) -> int | None:
    ends = [m.end() for m in _SENTENCE_END.finditer(window, floor) if m.end() < len(window)]
    return ends[-1] if ends else None


def _last_space(window: str, floor: int) -> int | None:
    ends = [m.start() for m in _SPACE.finditer(window, floor)]
    return ends[-1] if ends and ends[-1] > 0 else None
