"""Work that repeats while the bot runs (push rounds, heartbeats, ingestion), stopped by one event.

One loop for all of them, so each stops the moment `stop` is set (not at the end of its wait) and
a failing round is logged and retried at the next one instead of ending the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.errors import PaperboyError

log = logging.getLogger(__name__)


async def every(seconds: float, stop: asyncio.Event, work: Callable[[], Awaitable[None]], what: str) -> None:
    """Run `work` now and then every `seconds` until `stop`.

    One task waits for `stop` for the whole loop, so a pause is a timer and a callback instead of a
    task made and cancelled each time (`wait_for(stop.wait())`): about half the CPU of a pause, and
    the heartbeat pauses every second of an idle bot's life."""
    stopped = asyncio.ensure_future(stop.wait())
    try:
        while not stop.is_set():
            try:
                await work()
            except PaperboyError as err:  # expected (a full disk, a server gone): its sentence, no traceback
                log.error("%s failed: %s; trying again in %g s", what, err, seconds)
            except Exception:
                log.exception("%s failed; trying again in %g s", what, seconds)
            await asyncio.wait((stopped,), timeout=seconds)
    finally:
        stopped.cancel()
