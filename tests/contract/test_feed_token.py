"""A subscription found by its feed token, on every store: the lookup the Atom feeds make."""

from __future__ import annotations

from bot.models import Destination, Subscription, new_feed_token
from bot.ports import Store


async def test_each_token_finds_its_own_subscription_and_no_other(store: Store) -> None:
    first = Subscription(destination=Destination(platform="telegram", chat_id="1"), chat_type="private")
    second = Subscription(
        destination=Destination(platform="slack", chat_id="C2", thread_id="1.5"),
        chat_type="channel",
        include=("diffusion",),
    )
    for subscription in (first, second):
        await store.save_subscription(subscription)
    assert await store.subscription_by_feed_token(first.feed_token) == first
    assert await store.subscription_by_feed_token(second.feed_token) == second
    assert await store.subscription_by_feed_token(new_feed_token()) is None
    assert await store.subscription_by_feed_token("") is None
    assert await store.subscription_by_feed_token(first.feed_token.upper()) is None  # tokens are exact


async def test_a_new_token_replaces_the_old_one_and_unsubscribing_keeps_it(store: Store) -> None:
    old = Subscription(destination=Destination(platform="discord", chat_id="9"), chat_type="text")
    await store.save_subscription(old)
    renewed = old.model_copy(update={"feed_token": new_feed_token()})
    await store.save_subscription(renewed)
    assert await store.subscription_by_feed_token(old.feed_token) is None
    assert await store.subscription_by_feed_token(renewed.feed_token) == renewed
    stopped = renewed.model_copy(update={"active": False})
    await store.save_subscription(stopped)
    assert await store.subscription_by_feed_token(renewed.feed_token) == stopped  # the service decides
