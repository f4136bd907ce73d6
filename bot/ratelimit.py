"""Sending rate limits, shared by every worker of the process.

Telegram allows about 30 messages a second overall, one a second per chat and 20 a minute per
group; Slack one a second per channel. Reserving a send time here before each message keeps the
bot under those caps, so it is not throttled (429) in the first place; a 429 that still comes
pauses what it names.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from bot.clock import SYSTEM_CLOCK, Clock

TIMER_GRANULARITY = 0.001  # uvloop (libuv) timers count whole milliseconds


@dataclass(frozen=True)
class RateKey:
    """A limit and what it applies to: `limit` sends per `period` seconds for `name`.

    A `smooth` key spaces its sends evenly (the overall cap): bursts arrive at the platform in a
    jumble, and a jumbled burst can look like more than `limit` in some window. An `overall` key is
    the platform-wide budget: a 429 that names it stops everything, any other 429 only the keys of
    its destination.
    """

    name: str
    limit: int
    period: float
    smooth: bool = False
    overall: bool = False


class RateLimiter:
    """Gives each send a time slot that fits every key it counts against, then waits for it.

    Slots are reserved in order, so a worker that wakes late does not shift everyone after it.
    `margin` stretches each window a little, because the platform counts arrivals and ours are
    departures: a few milliseconds of network jitter or of a late wake-up must not push a window
    over the cap.

    A reservation has no await in it, so on one event loop it needs no lock: nothing else runs
    between reading the windows and writing the slot.
    """

    def __init__(self, *, margin: float = 0.045, clock: Clock = SYSTEM_CLOCK) -> None:
        self._margin = margin
        self._clock = clock
        self._sent: dict[str, deque[float]] = {}
        self._next_slot: dict[str, float] = {}
        self._blocked_until: dict[str, float] = {}
        self.instances = 1  # processes sharing the platforms' overall budgets (see bot.delivery)

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

        A sender that wakes well after its slot (the process stalled) gives the slot back and takes
        a new one instead of going at once: after a stall, every overdue sender going at once would
        be a burst.
        """
        tolerance = self._tolerance(keys)
        while True:
            slot = self._reserve(keys)
            delay = slot - self._clock.monotonic()
            if delay > 0:
                await self._clock.sleep(delay)
            if self._clock.monotonic() - slot <= tolerance:
                return
            self._give_back(keys, slot)

    def _reserve(self, keys: Sequence[RateKey]) -> float:
        now = self._clock.monotonic()
        slot = now
        for key in keys:
            slot = max(slot, self._earliest(key, now))
        for key in keys:
            if key.smooth:
                self._next_slot[key.name] = slot + self._window(key) / self._rate(key)
            elif (times := self._sent.get(key.name)) is not None:
                times.append(slot)
            else:
                self._sent[key.name] = deque((slot,))
        return slot

    def _rate(self, key: RateKey) -> float:
        """Sends per window this process may pace a smooth key at: its whole limit alone. An overall
        budget shared by N instances is paced by each without knowing the others' phase, and evenly
        spaced sends fit one more than their share into some window: so each takes limit/N - 1, and
        the N together never pass the limit in any window (4 at 30/s: 26/s together)."""
        if not key.overall or self.instances <= 1:
            return key.limit
        share = key.limit / self.instances
        return max(share - 1, share / 2)  # more instances than half the limit: half a share each

    def _give_back(self, keys: Sequence[RateKey], slot: float) -> None:
        """A missed slot is no send: windows count only what goes out (an evenly spaced key just
        keeps the gap, the slots after it being taken already)."""
        for key in keys:
            times = self._sent.get(key.name)
            if not key.smooth and times and slot in times:
                times.remove(slot)

    def _tolerance(self, keys: Sequence[RateKey]) -> float:
        """How late a send may go: half of the slack the margin adds to the shortest window (the
        other half is left for network jitter), but never less than the event loop's timer
        granularity, or no wake-up would be on time (no keys: any)."""
        if not keys:
            return float("inf")
        return max(self._margin * min(key.period for key in keys) / 2, TIMER_GRANULARITY)

    def assume_sent(self, keys: Sequence[RateKey]) -> None:
        """Count a send at this moment against `keys` without making one. A push resumed after a
        restart or a crash may have had a message go out from the process before a moment ago: the
        platform counts it, and this process's windows never saw it (a 429 on the first resend)."""
        now = self._clock.monotonic()
        for key in keys:
            if key.smooth:
                spaced = now + self._window(key) / self._rate(key)
                self._next_slot[key.name] = max(self._next_slot.get(key.name, 0.0), spaced)
            else:
                bisect.insort(self._sent.setdefault(key.name, deque()), now)

    def block(self, name: str, seconds: float) -> None:
        """The platform said to wait (429): nothing counted against `name` goes out until then."""
        until = self._clock.monotonic() + seconds
        self._blocked_until[name] = max(self._blocked_until.get(name, 0.0), until)
