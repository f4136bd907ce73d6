"""Numbers a summary states that its source does not: the cheapest check against invented results.

Both texts are read with the same rules, and numbers are compared by value, so "1,000", "1000",
"1 000" (no-break space) and "1000.0" are one number, "37,5 %" (a decimal comma) is 37.5, and "12%",
"12 %" and "12-fold" all state 12. What is not checked, and why:

- integers 0..10: counts ("three stages", "2 layers", "GPT-4", "7B") say little and are everywhere;
- numbers written in words ("three"), which would need a parser per language;
- units: "12%" in the summary matches a plain 12 in the source (tables often drop the sign), and a
  percentage also matches its fraction ("37.5%" matches 0.375);
- rounding: "37.5" matches a source 37.46 (the summary rounded), but "38" does not match 37.46.
Years are not special: a year the source never mentions is as invented as any other number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

_NUMBER = re.compile(
    r"(?<![\d.,])"  # not the tail of a longer number
    r"(?P<int>\d{1,3}(?:[,\u00a0\u202f]\d{3})+(?!\d)|\d+)"  # integer part, maybe with thousands groups
    r"(?:[.,](?P<frac>\d+))?"  # decimals after a point or a decimal comma
    r"(?P<pct>\s?%)?"
)
_SMALL = Decimal(10)


def unverified_numbers(sections: Mapping[str, str] | Iterable[str], source_text: str) -> list[str]:
    """Numbers stated in `sections` (a mapping of texts, or texts) that `source_text` never states.

    Returned as written in the summary, in order of appearance, each once.
    """
    texts = sections.values() if isinstance(sections, Mapping) else sections
    known = _known_values(source_text)
    missing: dict[str, None] = {}
    for text in texts:
        for match in _NUMBER.finditer(text):
            value = _value(match)
            if value is None or _is_small(value):
                continue
            if value in known or (match.group("pct") and _normal(value / 100) in known):
                continue
            missing[match.group(0).strip()] = None
    return list(missing)


def _known_values(source_text: str) -> set[Decimal]:
    """Every number of the source, with each rounding of it a summary might state."""
    known: set[Decimal] = set()
    for match in _NUMBER.finditer(source_text):
        value = _value(match)
        if value is None:
            continue
        known.add(value)
        places = len(match.group("frac") or "")
        for digits in range(places):
            quantum = Decimal(1).scaleb(-digits)
            for rounding in (ROUND_HALF_UP, ROUND_HALF_EVEN):
                known.add(_normal(value.quantize(quantum, rounding=rounding)))
    return known


def _value(match: re.Match[str]) -> Decimal | None:
    whole = re.sub(r"\D", "", match.group("int"))
    frac = match.group("frac")
    try:
        return _normal(Decimal(f"{whole}.{frac}" if frac else whole))
    except InvalidOperation:
        return None


def _normal(value: Decimal) -> Decimal:
    """One spelling per value: 37.50 and 37.5, 100 and 1E+2 compare and hash alike as normalised."""
    return value.normalize()


def _is_small(value: Decimal) -> bool:
    return value <= _SMALL and value == value.to_integral_value()
