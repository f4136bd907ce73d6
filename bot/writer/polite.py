"""Taking turns with a server that asks automated clients to be gentle (arXiv, FACTS.md §4c).

arXiv asks for one request at a time and a pause of a few seconds between requests. The digest writer
fetches many papers at once, from however many tasks, so the rule is kept in one place every request to
the host goes through: a lock (one request at a time), a minimum interval between request starts, and a
hold-off when the server asked for one (Retry-After) or is failing (backoff), which then delays every
caller, not only the one that was told.

Gates are shared per host (and per clock, and per event loop) within the process, so two fetchers built
in different places still take turns. Time comes from an injectable clock and sleep so that tests of a
three-second pause do not wait three seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

_SHARED: dict[tuple[str, Clock, Sleep], tuple[asyncio.AbstractEventLoop, PoliteGate]] = {}


class PoliteGate:
    """One request at a time, starts at least `min_interval` seconds apart, and hold-offs on request."""

    def __init__(
        self, min_interval: float = 3.0, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        if min_interval < 0:
            raise ValueError(f"min_interval cannot be negative: {min_interval}")
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._not_before = float("-inf")

    @classmethod
    def shared(
        cls, host: str, min_interval: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> PoliteGate:
        """The gate every caller in this process shares for `host` (on the running loop, with this clock).

        When callers ask for different intervals, the gate keeps the longest: the most polite wins.
        """
        loop = asyncio.get_running_loop()
        for key, (owner, _) in list(_SHARED.items()):
            if owner.is_closed():  # a finished asyncio.run (or test) left it behind
                del _SHARED[key]
        key = (host, clock, sleep)
        found = _SHARED.get(key)
        if found is not None and found[0] is loop:
            gate = found[1]
            gate.min_interval = max(gate.min_interval, min_interval)
            return gate
        gate = cls(min_interval, clock=clock, sleep=sleep)
        _SHARED[key] = (loop, gate)
        return gate

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for this caller's turn, then hold it until the block ends (the request is done)."""
        async with self._lock:
            while (wait := self._not_before - self._clock()) > 0:
                await self._sleep(wait)
            self._not_before = self._clock() + self.min_interval
            yield

    def hold_off(self, seconds: float) -> None:
        """Start no request until `seconds` from now (unless a later start was already set)."""
        self._not_before = max(self._not_before, self._clock() + seconds)
