"""One round of the daily push: enqueue what is due and deliver it, the two side by side.

A round that finds a million subscribers due enqueues them a page at a time (minutes on SQLite);
waiting for the last page before sending the first message would hold every subscriber back by
that long. So the deliverer drains what is enqueued so far while the scheduler adds the next
pages, and drains once more when the last is in. Nothing changes for exactly-once: each push is
leased by one worker, whenever it arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.delivery import Deliverer, EnqueueReport, Scheduler
from bot.errors import StoreUnavailable

# How long a drain that found nothing waits for more pages before it looks again.
PAGE_WAIT_SECONDS = 0.5


async def push_round(
    scheduler: Scheduler | None,
    deliverer: Deliverer,
    before_sending: Callable[[], Awaitable[object]],
    *,
    everyone_now: bool = False,
) -> EnqueueReport | None:
    """Enqueue what is due (`scheduler`: this instance schedules; None: it only delivers;
    `everyone_now`: `push --now`) and deliver it; nothing is sent before `before_sending` returns
    (the digest writer's bounded wait, or joining the other instances). The store going down ends
    the round quietly (its outage says so once). Returns what was enqueued (None: not scheduling,
    or the enqueue did not finish)."""
    enqueue = scheduler.enqueue_due(everyone_now=everyone_now) if scheduler is not None else None
    enqueuing = asyncio.create_task(enqueue) if enqueue is not None else None
    try:
        await before_sending()
        while enqueuing is not None and not enqueuing.done():
            if deliverer.stopping:
                return None  # the enqueue is cancelled below: the next start enqueues the rest
            await deliverer.drain()  # what the pages so far hold
            await asyncio.wait({enqueuing}, timeout=PAGE_WAIT_SECONDS)
        enqueued = enqueuing.result() if enqueuing is not None else None  # its failure, if it failed
    except StoreUnavailable as err:
        deliverer.outage.failed(err)
        return None
    finally:
        if enqueuing is not None and not enqueuing.done():
            enqueuing.cancel()
    await deliverer.drain()  # the last pages
    return enqueued
