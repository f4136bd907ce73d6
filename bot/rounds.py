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

from bot.delivery import Deliverer, Scheduler
from bot.errors import StoreUnavailable

# How long a drain that found nothing waits for more pages before it looks again.
PAGE_WAIT_SECONDS = 0.5


async def push_round(
    scheduler: Scheduler | None,
    deliverer: Deliverer,
    writer_done: Callable[[], Awaitable[bool]],
) -> None:
    """Enqueue what is due (`scheduler`: this instance schedules; None: it only delivers) and
    deliver it; a due push first waits (a bounded time) for the digest writer. The store going
    down ends the round quietly (its outage says so once)."""
    enqueuing = asyncio.create_task(scheduler.enqueue_due()) if scheduler is not None else None
    try:
        await writer_done()
        while enqueuing is not None and not enqueuing.done():
            if deliverer.stopping:
                return  # the enqueue is cancelled below: the next start enqueues the rest (idempotent)
            await deliverer.drain()  # what the pages so far hold
            await asyncio.wait({enqueuing}, timeout=PAGE_WAIT_SECONDS)
        if enqueuing is not None:
            enqueuing.result()  # the enqueue's failure, if it failed
    except StoreUnavailable as err:
        deliverer.outage.failed(err)
        return
    finally:
        if enqueuing is not None and not enqueuing.done():
            enqueuing.cancel()
    await deliverer.drain()  # the last pages
