"""One way the push tests subscribe a destination: 09:00 in Seoul, active since the day before the
push they run, so it is due then and has no backlog question; anything else is the test's own."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.models import Destination, Subscription
from bot.ports import Subscriptions


async def subscribe_at_nine_in_seoul(
    store: Subscriptions, destination: Destination, due: datetime, **settings: object
) -> Destination:
    """`settings` override any default (a channel, 09:00 in Seoul, active since the day before `due`)."""
    values = {
        "destination": destination, "chat_type": "channel", "send_time": time(9, 0),
        "time_zone": "Asia/Seoul", "active_since": due - timedelta(days=1), **settings,
    }  # fmt: skip
    await store.save_subscription(Subscription.model_validate(values))
    return destination
