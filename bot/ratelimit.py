"""Sending rate limits, shared by every worker of the process.

Telegram allows about 30 messages a second overall, one a second per chat and 20 a minute per
group; Slack one a second per channel. Reserving a send time here before each message keeps the
bot under those caps, so it is not throttled (429) in the first place; a 429 that still comes
pauses what it names.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RateKey:
    """A limit and what it applies to: `limit` sends per `period` seconds for `name`.

    A `smooth` key spaces its sends evenly (the overall cap): bursts arrive at the platform in a
    jumble, and a jumbled burst can look like more than `limit` in some window.
    """

    name: str
    limit: int
    period: float
    smooth: bool = False


class RateLimiter:
    """Gives each send a time slot that fits every key it counts against, then waits for it.

    Slots are reserved in order, so a worker that wakes late does not shift everyone after it.
    `margin` stretches each window a little, because the platform counts arrivals and ours are
    departures: a few milliseconds of network jitter must not push a window over the cap.
    """

    def __init__(self, *, margin: float = 0.045, clock: Callable[[], float] = time.monotonic) -> None:
        self._margin = margin
        self._clock = clock
        self._sent: dict[str, deque[float]] = {}
        self._next_slot: dict[str, float] = {}
        self._blocked_until: dict[str, float] = {}
        self._lock = asyncio.Lock()

    def _window(self, key: RateKey) -> float:
        return key.period * (1 + self._margin)

    def _earliest(self, key: RateKey, now: float) -> float:
        """The first moment one more send fits this key."""
        start = max(now, self._blocked_until.get(key.name, 0.0))
        if key.smooth:
            return max(start, self._next_slot.get(key.name, 0.0))
        times = self._sent.get(key.name)
        if times:
            while times and times[0] <= now - self._window(key):
                times.popleft()
            if len(times) >= key.limit:
                start = max(start, times[-key.limit] + self._window(key))
        return start

    async def acquire(self, keys: Sequence[RateKey]) -> None:
        """Reserve the earliest slot that fits every key, and return at that moment.

        A sender that wakes well after its slot (the process stalled) takes a new slot instead of
        going at once: after a stall, every overdue sender going at once would be a burst.
        """
        while True:
            async with self._lock:
                now = self._clock()
                slot = max((self._earliest(key, now) for key in keys), default=now)
                for key in keys:
                    if key.smooth:
                        self._next_slot[key.name] = slot + self._window(key) / key.limit
                    else:
                        self._sent.setdefault(key.name, deque()).append(slot)
            delay = slot - self._clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if self._clock() - slot <= self._tolerance(keys):
                return

    def _tolerance(self, keys: Sequence[RateKey]) -> float:
        """How late a send may go: half the spacing of the tightest smooth key (none: any)."""
        spacings = [self._window(key) / key.limit for key in keys if key.smooth]
        return min(spacings) / 2 if spacings else float("inf")

    def block(self, name: str, seconds: float) -> None:
        """The platform said to wait (429): nothing counted against `name` goes out until then."""
        until = self._clock() + seconds
        self._blocked_until[name] = max(self._blocked_until.get(name, 0.0), until)
