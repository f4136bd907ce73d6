"""The send-rate limiter on a virtual clock: windows, even spacing, and 429 pauses."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import random
from datetime import UTC, datetime

import pytest

from bot.ratelimit import RateKey, RateLimiter
from tests.clock import VirtualClock

START = datetime(2025, 2, 25, tzinfo=UTC)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(START, monotonic=0.0)


async def send_times(
    limiter: RateLimiter, clock: VirtualClock, keys: list[RateKey], count: int
) -> list[float]:
    times = []
    for _ in range(count):
        await limiter.acquire(keys)
        times.append(round(clock.monotonic(), 4))
    return times


async def test_per_chat_window(clock: VirtualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    chat = RateKey("chat", 1, 1.0)
    assert await send_times(limiter, clock, [chat], 3) == [0.0, 1.0, 2.0]


async def test_a_send_assumed_from_another_process_waits_its_window(clock: VirtualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    chat, group, overall = (
        RateKey("chat", 1, 1.0),
        RateKey("group", 3, 10.0),
        RateKey("all", 2, 1.0, smooth=True),
    )
    await limiter.acquire([group])
    clock.advance(0.25)
    limiter.assume_sent([chat, group, overall])  # a push resumed: its last message just went out
    assert await send_times(limiter, clock, [chat], 2) == [1.25, 2.25]
    assert await send_times(limiter, clock, [group], 2) == [2.25, 10.0]  # the window kept its order
    assert await send_times(limiter, clock, [overall], 1) == [10.0]


async def test_group_window_allows_a_burst_then_waits(clock: VirtualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    group = RateKey("group", 20, 60.0)
    times = await send_times(limiter, clock, [group], 21)
    assert times[:20] == [0.0] * 20
    assert times[20] == 60.0


async def test_smooth_key_spaces_sends_evenly_with_margin(clock: VirtualClock) -> None:
    limiter = RateLimiter(margin=0.05, clock=clock)
    overall = RateKey("all", 30, 1.0, smooth=True)
    times = await send_times(limiter, clock, [overall], 31)
    gaps = {round(b - a, 4) for a, b in itertools.pairwise(times)}
    assert gaps == {round(1.05 / 30, 4)}
    assert times[30] - times[0] >= 1.0  # never 31 in one second


async def test_concurrent_senders_share_the_slots(clock: VirtualClock) -> None:
    """Twenty senders at once, 200 a second overall: each gets its own slot, evenly spaced."""
    limiter = RateLimiter(margin=0.0, clock=clock)
    overall = RateKey("all", 20, 0.1, smooth=True)
    stamps: list[float] = []

    async def one(chat: int) -> None:
        await limiter.acquire([overall, RateKey(f"chat{chat}", 1, 1.0)])
        stamps.append(round(clock.monotonic(), 4))

    await asyncio.gather(*(one(i) for i in range(20)))
    assert stamps == [round(i * 0.005, 4) for i in range(20)]  # spaced, not a burst of twenty


async def test_block_pauses_only_what_it_names(clock: VirtualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    limiter.block("chat:1", 5.0)
    await limiter.acquire([RateKey("chat:2", 1, 1.0)])
    assert clock.monotonic() == 0.0
    await limiter.acquire([RateKey("chat:1", 1, 1.0)])
    assert clock.monotonic() == 5.0


async def test_a_late_sender_takes_a_new_slot_instead_of_bursting(clock: VirtualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    overall = RateKey("all", 10, 1.0, smooth=True)
    await limiter.acquire([overall])  # slot 0.0; the next is reserved for 0.1
    clock.advance(0.5)  # the process stalled for half a second
    await limiter.acquire([overall])
    assert clock.monotonic() >= 0.5  # its 0.1 slot is gone: it took one after the stall
    first = clock.monotonic()
    await limiter.acquire([overall])
    assert round(clock.monotonic() - first, 4) == 0.1  # and the sends after it stay spaced


class StallingClock(VirtualClock):
    """A virtual clock whose next sleeps overrun by the seconds in `stalls` (the process stalled)."""

    def __init__(self) -> None:
        super().__init__(START, monotonic=0.0)
        self.stalls: list[float] = []

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds + (self.stalls.pop(0) if self.stalls else 0.0))


@pytest.fixture
def stalling() -> StallingClock:
    return StallingClock()


async def test_a_missed_slot_is_given_back_to_the_chat_window(
    stalling: StallingClock,
) -> None:
    limiter = RateLimiter(clock=stalling)
    overall = RateKey("all", 1000, 1.0, smooth=True)
    chat = RateKey("chat", 1, 1.0)
    await limiter.acquire([overall])
    stalling.stalls.append(0.5)
    await limiter.acquire([overall, chat])  # its slot passed during the stall: it takes a new one ...
    assert round(stalling.monotonic(), 6) == round(
        1.045 / 1000 + 0.5, 6
    )  # ... at once: the missed one was no send
    await limiter.acquire([chat])
    assert round(stalling.monotonic(), 6) == round(
        1.045 / 1000 + 0.5 + 1.045, 6
    )  # the chat's window counts the new one


async def test_a_wake_up_a_few_milliseconds_late_still_sends_at_a_high_rate(
    stalling: StallingClock,
) -> None:
    """The lateness allowed comes from the window's margin, not from the spacing: at 1,000 a second
    the spacing is a millisecond, less than the event loop's timers can be trusted with."""
    limiter = RateLimiter(clock=stalling)
    overall = RateKey("all", 1000, 1.0, smooth=True)
    await limiter.acquire([overall])
    stalling.stalls.append(0.005)
    await limiter.acquire([overall])
    late = stalling.monotonic()
    await limiter.acquire([overall])
    assert (
        stalling.monotonic() == late
    )  # no second slot was taken for the late one, so the next is due already


async def test_instances_split_an_overall_budget(clock: VirtualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    overall = RateKey("all", 10, 1.0, smooth=True, overall=True)
    chat_wide = RateKey("spaced", 10, 1.0, smooth=True)
    limiter.instances = 2
    assert await send_times(limiter, clock, [overall], 3) == [0.0, 0.25, 0.5]  # 4 a second: 5 less one
    assert await send_times(limiter, clock, [chat_wide], 2) == [0.5, 0.6]  # not an overall key: unsplit


@pytest.mark.parametrize("instances", [2, 3, 4, 8])
@pytest.mark.parametrize("phases", range(5))
async def test_instances_out_of_phase_never_pass_the_shared_cap_in_any_window(
    clock: VirtualClock, instances: int, phases: int
) -> None:
    """Each instance paces its share evenly, not knowing where the others' slots fall: whatever
    their phases, no one-second window holds more than the cap (seen with four at 30/s: 32)."""
    cap = RateKey("all", 30, 1.0, smooth=True, overall=True)
    offsets = random.Random(phases).sample(range(1000), instances)
    sent: list[float] = []

    async def instance(offset: int) -> None:
        limiter = RateLimiter(margin=0.0, clock=clock)
        limiter.instances = instances
        await clock.sleep(offset / 1000)
        while clock.monotonic() < 10.0:
            await limiter.acquire([cap])
            sent.append(clock.monotonic())

    await asyncio.gather(*(instance(offset) for offset in offsets))
    sent.sort()
    busiest = max(bisect.bisect_left(sent, start + 1.0) - index for index, start in enumerate(sent))
    assert busiest <= cap.limit
    assert len(sent) >= 0.8 * cap.limit * 9  # and they still use most of it
