"""Sending rate limits: sliding windows shared by every worker of the process.

Telegram allows about 30 messages a second overall, one a second per chat and 20 a minute per
group; Slack one a second per channel. Waiting here before each send keeps the bot under those
caps, so it is not throttled (429) in the first place; a 429 that still comes pauses what it names.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RateKey:
    """A limit and what it applies to: `limit` sends per `period` seconds for `name`."""

    name: str
    limit: int
    period: float


class RateLimiter:
    """Waits until every key of a send has room, then counts the send against all of them.

    `margin` stretches each window a little, because the platform counts arrivals and ours are
    departures: a few milliseconds of network jitter must not push a burst over the cap.
    """

    def __init__(self, *, margin: float = 0.03, clock: Callable[[], float] = time.monotonic) -> None:
        self._margin = margin
        self._clock = clock
        self._sent: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}
        self._lock = asyncio.Lock()

    def _wait(self, key: RateKey, now: float) -> float:
        wait = self._blocked_until.get(key.name, 0.0) - now
        times = self._sent.get(key.name)
        if times is not None:
            window = key.period * (1 + self._margin)
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= key.limit:
                wait = max(wait, times[0] + window - now)
        return wait

    async def acquire(self, keys: Sequence[RateKey]) -> None:
        """Return when one more send fits every key, having counted it."""
        while True:
            async with self._lock:
                now = self._clock()
                wait = max((self._wait(key, now) for key in keys), default=0.0)
                if wait <= 0:
                    for key in keys:
                        self._sent.setdefault(key.name, deque()).append(now)
                    return
            await asyncio.sleep(wait)

    def block(self, name: str, seconds: float) -> None:
        """The platform said to wait (429): nothing counted against `name` goes out until then."""
        until = self._clock() + seconds
        self._blocked_until[name] = max(self._blocked_until.get(name, 0.0), until)
