"""Whether the database answers, as one process sees it: the state every worker of the push shares.

A push must not send while it cannot record what it sends: a message sent and not recorded is sent
again when the push is taken up later. So the first store failure any part reports (a record, a
lease, a heartbeat, the health check) marks the store down for the whole process: no worker starts
another send, and one prober asks the store (`Store.writable`, a cheap round trip) after 0.25, 0.5, 1 …
seconds, at most MAX_PROBE_SECONDS apart, until it answers. One WARNING line says it went down and
one that it is back; nothing is logged per failed call or per probe. A one-off command (`paperboy
push`) makes one that does not `wait`: it only remembers why, and the command stops and says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.clock import SYSTEM_CLOCK, Clock
from bot.errors import StoreUnavailable

log = logging.getLogger(__name__)

FIRST_PROBE_SECONDS = 0.25
MAX_PROBE_SECONDS = 2.0


class StoreOutage:
    """Down (with the reason) from the first reported failure until a probe succeeds."""

    def __init__(
        self,
        probe: Callable[[], Awaitable[object]],
        *,
        waits: bool = True,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._probe = probe
        self._clock = clock
        self.waits = waits
        self.reason: str | None = None
        self._up = asyncio.Event()
        self._up.set()
        self._since = 0.0
        self._prober: asyncio.Task[None] | None = None

    @property
    def down(self) -> bool:
        return self.reason is not None

    def failed(self, err: StoreUnavailable) -> None:
        """A store call failed: the store is down until a probe answers (said once, not per call)."""
        if self.reason is not None:
            return
        self.reason = str(err)
        self._since = self._clock.monotonic()
        self._up.clear()
        if not self.waits:
            return
        log.warning("the database stopped answering (%s); pushes wait until it answers again", self.reason)
        self._prober = asyncio.create_task(self._probe_until_up())

    async def wait_up(self) -> None:
        """Return once the store answers (at once when it is not known down)."""
        await self._up.wait()

    async def close(self) -> None:
        if self._prober is not None:
            self._prober.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._prober

    async def _probe_until_up(self) -> None:
        wait = FIRST_PROBE_SECONDS
        while True:
            await self._clock.sleep(wait)
            try:
                await self._probe()
            except StoreUnavailable as err:
                self.reason = str(err)
            except Exception as err:  # not a known outage, but the store still does not answer
                self.reason = f"{type(err).__name__}: {err}"
            else:
                break
            wait = min(wait * 2, MAX_PROBE_SECONDS)
        log.warning(
            "the database answers again after %.1f s; pushes resume", self._clock.monotonic() - self._since
        )
        self.reason = None
        self._prober = None
        self._up.set()
