"""The one source of time for the push: the wall time, a monotonic reading, and a sleep.

The rate limiter, the scheduler, the deliverer, the outage prober and the instances' membership
all read and wait through one Clock instead of `datetime.now`, `time.monotonic` and `asyncio.sleep`
of their own. Production passes the system's (the default everywhere); a test passes a virtual one
whose sleep moves time at once (tests/clock.py), so a push paced at one message a second per chat
is checked in milliseconds, with the same slots the limiter would give in real time.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The wall time, aware and in UTC: due times, leases, heartbeats."""
        ...

    def monotonic(self) -> float:
        """Seconds that never go back (the wall time may): what intervals and send slots count in."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return `seconds` from now on this clock's monotonic time."""
        ...


class SystemClock:
    """The machine's time and the event loop's sleep."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


SYSTEM_CLOCK: Clock = SystemClock()
