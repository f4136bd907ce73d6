"""Several Paperboy processes on one database: who is alive, who schedules, how the caps are split.

Each process renews its row in the store every tick. The oldest live one enqueues due pushes (the
outbox's unique key makes a second scheduler harmless, but one is enough); when it dies, its row
expires and the next oldest takes over. Every process delivers, and each takes 1/N of the
platforms' overall send budget, so N processes together stay within the caps.
"""

from __future__ import annotations

import asyncio
import logging

from bot.clock import Clock
from bot.errors import StoreUnavailable
from bot.outage import StoreOutage
from bot.periodic import every
from bot.ports import Instances
from bot.ratelimit import RateLimiter

log = logging.getLogger(__name__)
JOIN_BEATS = 2  # beats a newcomer waits before sending, so every other instance has counted it


class Membership:
    """This process's place among the instances; `beat` every `tick` seconds keeps it current."""

    def __init__(
        self,
        store: Instances,
        owner: str,
        limiter: RateLimiter,
        tick: float,
        clock: Clock,
        outage: StoreOutage | None = None,
    ) -> None:
        self._store = store
        self._outage = outage
        self._owner = owner
        self._limiter = limiter
        self._tick = tick
        self._clock = clock
        self.leading = False

    async def beat(self) -> None:
        """Renew this instance (alive for three ticks) and take the count and the lead from the store."""
        alive, leading = await self._store.heartbeat(self._owner, self._clock.now(), seconds=3 * self._tick)
        if (alive, leading) != (self._limiter.instances, self.leading):
            log.info("%d instance(s) share the database; this one %s", alive,
                        "schedules" if leading else "delivers only")  # fmt: skip
        self._limiter.instances = alive
        self.leading = leading

    async def join(self) -> None:
        """Register, wait JOIN_BEATS beats so the other instances count this one too, then take the share.

        Two processes started together would otherwise each see itself alone and both send at the
        full cap until their next beat. One beat of waiting is not enough: another instance's beat
        can come just before this one registers and its next a beat later, at the very moment this
        one would start (later still on a loaded machine, whose beats drift), and both would send at
        their old shares meanwhile (a 429 from a cap the two share). Two beats of silence are the
        price of never overshooting.
        """
        await self.beat()
        await self._clock.sleep(self._tick * JOIN_BEATS)
        await self.beat()

    async def beat_forever(self, stop: asyncio.Event) -> None:
        """Beat until `stop`, also while a long drain runs (a silent instance would be counted dead).
        While the store is down the beats pause quietly (the outage says it once) and resume with it."""
        await every(self._tick, stop, self._beat_unless_down, "heartbeat")

    async def _beat_unless_down(self) -> None:
        if self._outage is None:
            await self.beat()
            return
        if self._outage.down:
            return
        try:
            await self.beat()
        except StoreUnavailable as err:
            self._outage.failed(err)
