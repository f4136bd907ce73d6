"""A platform's sender with the process "killed" after a number of messages, at a known point of a push."""

from __future__ import annotations

from collections.abc import Callable

from bot.models import Destination, OutboxItem, Paper, Subscription
from bot.ports import Notifier, Outgoing
from bot.ratelimit import RateKey


class StopsAfter:
    """`inner`, calling `on_limit` (a deliverer's `stop`) once `count` messages went out: the
    deliverer takes no new work and keeps its leases, as a process that died would. On a virtual
    clock a test cannot stop a push by waiting for the fake to see N messages (the push runs on
    meanwhile, in no time); this stops it exactly there."""

    def __init__(self, inner: Notifier, count: int) -> None:
        self.inner = inner
        self.platform = inner.platform
        self.count = count
        self.on_limit: Callable[[], None] = lambda: None

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        return self.inner.render(item, papers)

    def rate_keys(self, subscription: Subscription) -> list[RateKey]:
        return self.inner.rate_keys(subscription)

    async def send(self, destination: Destination, message: Outgoing) -> str:
        message_id = await self.inner.send(destination, message)
        self.count -= 1
        if self.count == 0:
            self.on_limit()
        return message_id
