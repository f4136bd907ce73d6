"""The send-rate limiter on a manual clock: windows, even spacing, and 429 pauses."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.ratelimit import RateKey, RateLimiter


class ManualClock:
    """Time that moves only when the limiter sleeps (asyncio.sleep is patched to advance it)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    manual = ManualClock()
    real_sleep = asyncio.sleep

    async def advance(seconds: float) -> None:
        manual.now += seconds
        await real_sleep(0)

    monkeypatch.setattr("bot.ratelimit.asyncio.sleep", advance)
    return manual


async def send_times(
    limiter: RateLimiter, clock: ManualClock, keys: list[RateKey], count: int
) -> list[float]:
    times = []
    for _ in range(count):
        await limiter.acquire(keys)
        times.append(round(clock.now, 4))
    return times


async def test_per_chat_window(clock: ManualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    chat = RateKey("chat", 1, 1.0)
    assert await send_times(limiter, clock, [chat], 3) == [0.0, 1.0, 2.0]


async def test_group_window_allows_a_burst_then_waits(clock: ManualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    group = RateKey("group", 20, 60.0)
    times = await send_times(limiter, clock, [group], 21)
    assert times[:20] == [0.0] * 20
    assert times[20] == 60.0


async def test_smooth_key_spaces_sends_evenly_with_margin(clock: ManualClock) -> None:
    limiter = RateLimiter(margin=0.05, clock=clock)
    overall = RateKey("all", 30, 1.0, smooth=True)
    times = await send_times(limiter, clock, [overall], 31)
    gaps = {round(b - a, 4) for a, b in itertools.pairwise(times)}
    assert gaps == {round(1.05 / 30, 4)}
    assert times[30] - times[0] >= 1.0  # never 31 in one second


async def test_concurrent_senders_share_the_slots() -> None:
    """Real time, small numbers: twenty senders at 200 a second take about a tenth of a second."""
    limiter = RateLimiter(margin=0.0)
    overall = RateKey("all", 20, 0.1, smooth=True)
    loop = asyncio.get_running_loop()
    stamps: list[float] = []

    async def one(chat: int) -> None:
        await limiter.acquire([overall, RateKey(f"chat{chat}", 1, 1.0)])
        stamps.append(loop.time())

    await asyncio.gather(*(one(i) for i in range(20)))
    stamps.sort()
    assert len(stamps) == 20
    assert stamps[-1] - stamps[0] >= 0.09  # spaced, not a burst of twenty


async def test_block_pauses_only_what_it_names(clock: ManualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    limiter.block("chat:1", 5.0)
    await limiter.acquire([RateKey("chat:2", 1, 1.0)])
    assert clock.now == 0.0
    await limiter.acquire([RateKey("chat:1", 1, 1.0)])
    assert clock.now == 5.0


async def test_a_late_sender_takes_a_new_slot_instead_of_bursting(clock: ManualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    overall = RateKey("all", 10, 1.0, smooth=True)
    await limiter.acquire([overall])  # slot 0.0; the next is reserved for 0.1
    clock.now = 0.5  # the process stalled for half a second
    await limiter.acquire([overall])
    assert clock.now >= 0.5  # its 0.1 slot is gone: it took one after the stall
    first = clock.now
    await limiter.acquire([overall])
    assert round(clock.now - first, 4) == 0.1  # and the sends after it stay spaced


@pytest.fixture
def stalls(monkeypatch: pytest.MonkeyPatch, clock: ManualClock) -> list[float]:
    """Extra seconds the next sleeps overrun by (the process stalled), one per sleep."""
    extra: list[float] = []
    advance = asyncio.sleep  # the clock fixture's, which moves time

    async def overrun(seconds: float) -> None:
        await advance(seconds + (extra.pop(0) if extra else 0.0))

    monkeypatch.setattr("bot.ratelimit.asyncio.sleep", overrun)
    return extra


async def test_a_missed_slot_is_given_back_to_the_chat_window(
    clock: ManualClock, stalls: list[float]
) -> None:
    limiter = RateLimiter(clock=clock)
    overall = RateKey("all", 1000, 1.0, smooth=True)
    chat = RateKey("chat", 1, 1.0)
    await limiter.acquire([overall])
    stalls.append(0.5)
    await limiter.acquire([overall, chat])  # its slot passed during the stall: it takes a new one ...
    assert round(clock.now, 6) == round(1.045 / 1000 + 0.5, 6)  # ... at once: the missed one was no send
    await limiter.acquire([chat])
    assert round(clock.now, 6) == round(1.045 / 1000 + 0.5 + 1.045, 6)  # the chat's window counts the new one


async def test_a_wake_up_a_few_milliseconds_late_still_sends_at_a_high_rate(
    clock: ManualClock, stalls: list[float]
) -> None:
    """The lateness allowed comes from the window's margin, not from the spacing: at 1,000 a second
    the spacing is a millisecond, less than the event loop's timers can be trusted with."""
    limiter = RateLimiter(clock=clock)
    overall = RateKey("all", 1000, 1.0, smooth=True)
    await limiter.acquire([overall])
    stalls.append(0.005)
    await limiter.acquire([overall])
    late = clock.now
    await limiter.acquire([overall])
    assert clock.now == late  # no second slot was taken for the late one, so the next is due already


async def test_instances_split_an_overall_budget(clock: ManualClock) -> None:
    limiter = RateLimiter(margin=0.0, clock=clock)
    overall = RateKey("all", 10, 1.0, smooth=True, overall=True)
    chat_wide = RateKey("spaced", 10, 1.0, smooth=True)
    limiter.instances = 2
    assert await send_times(limiter, clock, [overall], 3) == [0.0, 0.2, 0.4]  # every other slot of ten
    clock.now = 0.0
    assert await send_times(limiter, clock, [chat_wide], 2) == [0.0, 0.1]  # not an overall key: unsplit
