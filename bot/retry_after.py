"""Reading a Retry-After header: the HF API, arXiv and LLM servers all send one with a 429 or 503.

RFC 9110 allows seconds or an HTTP date; some servers send a fraction of a second. One reading keeps
every client that waits on it in agreement.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait for a Retry-After value (a number or an HTTP date), or None when it is absent,
    unreadable or a date already past (a clock apart from ours: the caller's backoff knows better);
    never negative. `now` is the Unix time a date is measured from."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    wait = when.timestamp() - (time.time() if now is None else now)
    return wait if wait > 0 else None
