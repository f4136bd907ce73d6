"""A virtual clock for the tests: bot.clock.Clock whose sleep moves time at once, in order.

Parts that take a time function and a sleep of their own (the writer's fetcher and polite gate, the
fake servers that time requests) take `monotonic` and `sleep`, so a client and its fake read one time.

Wall time and monotonic time move together when a test calls `advance` or a task sleeps; `set`
moves the wall time alone, anywhere (a test of due times goes back and forth between days, as a
machine's wall clock may be stepped), and never the monotonic one.

Sleeps wake one at a time, earliest deadline first, time jumping to each deadline: a sleeper is
woken only after the tasks ready at that moment have run up to their own sleeps. So concurrent
senders paced by the rate limiter get the slots they would get in real time, without the waits.

What takes real time takes none here, or any: a request in flight to a fake server while another
sleeper wakes arrives "later" on this clock than it left. A fake that checks pacing may share the
clock where one worker sends to a destination at a time and nothing else sleeps meanwhile (a Slack
thread push); where many pushes run at once against a pacing fake, the test keeps real time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta


class VirtualClock:
    def __init__(
        self, start: datetime = datetime(2025, 2, 24, tzinfo=UTC), monotonic: float = 1_000.0
    ) -> None:
        """`start`: the wall time (the sample day, for tests of intervals alone); `monotonic`: its reading."""
        self._wall = start
        self._monotonic = monotonic
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []  # earliest deadline first
        self._waking: asyncio.Handle | None = None
        self._tickets = itertools.count()
        self.sleeps: list[float] = []  # every sleep asked for, in seconds

    def now(self) -> datetime:
        return self._wall

    def monotonic(self) -> float:
        return self._monotonic

    def set(self, moment: datetime) -> None:
        """Step the wall time to `moment` (monotonic time stays where it is)."""
        self._wall = moment

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass on both clocks."""
        self._monotonic += seconds
        self._wall += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        woken = asyncio.get_running_loop().create_future()
        entry = (self._monotonic + max(0.0, seconds), next(self._tickets), woken)
        heapq.heappush(self._sleepers, entry)
        self._wake_soon()
        try:
            await woken
        finally:
            if not woken.done():  # cancelled: a sleeper gone must not hold back the later ones
                self._sleepers.remove(entry)
                heapq.heapify(self._sleepers)

    def _wake_soon(self) -> None:
        if self._waking is None and self._sleepers:
            self._waking = asyncio.get_running_loop().call_soon(self._wake_earliest)

    def _wake_earliest(self) -> None:
        self._waking = None
        if not self._sleepers:
            return
        deadline, _, woken = heapq.heappop(self._sleepers)
        self.advance(max(0.0, deadline - self._monotonic))
        woken.set_result(None)
        self._wake_soon()
