"""Monotonic time moved by hand: `sleep` advances it at once, so a three-second pause takes no time.

The client and the fake server can read the same ManualTime, so the gaps the server measures between
requests are the pauses the client meant, not the microseconds a loopback test actually takes.
"""

from __future__ import annotations

import asyncio


class ManualTime:
    """A clock (`time()`) and an async `sleep` that advances it; every sleep is recorded."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)  # let other tasks run, as a real sleep would
