"""The politeness gate: one at a time, starts min_interval apart, hold-offs for everyone, shared per host."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from bot.writer.polite import PoliteGate
from tests.clock import VirtualClock


async def test_starts_are_min_interval_apart_and_the_first_does_not_wait() -> None:
    clock = VirtualClock()
    gate = PoliteGate(3.0, clock=clock.monotonic, sleep=clock.sleep)
    starts = []
    for _ in range(3):
        async with gate.turn():
            starts.append(clock.monotonic())
    assert starts == [1000.0, 1003.0, 1006.0]


async def test_a_slow_request_counts_from_its_start() -> None:
    clock = VirtualClock()
    gate = PoliteGate(3.0, clock=clock.monotonic, sleep=clock.sleep)
    async with gate.turn():
        clock.advance(5)  # the request took five seconds
    async with gate.turn():
        assert clock.monotonic() == 1005.0
    assert clock.sleeps == []


async def test_one_at_a_time_among_concurrent_callers() -> None:
    clock = VirtualClock()
    gate = PoliteGate(3.0, clock=clock.monotonic, sleep=clock.sleep)
    inside = 0
    most = 0

    async def request() -> float:
        nonlocal inside, most
        async with gate.turn():
            inside += 1
            most = max(most, inside)
            started = clock.monotonic()
            await asyncio.sleep(0.001)  # real time passes while the request is in flight
            inside -= 1
            return started

    starts = sorted(await asyncio.gather(*(request() for _ in range(5))))
    assert most == 1
    assert [b - a for a, b in itertools.pairwise(starts)] == [3.0] * 4


async def test_hold_off_delays_every_caller() -> None:
    clock = VirtualClock()
    gate = PoliteGate(3.0, clock=clock.monotonic, sleep=clock.sleep)
    async with gate.turn():
        gate.hold_off(30.0)
    async with gate.turn():
        assert clock.monotonic() == 1030.0
    gate.hold_off(1.0)  # shorter than the interval already due: no change
    async with gate.turn():
        assert clock.monotonic() == 1033.0


async def test_shared_per_host_and_clock_keeping_the_longest_interval() -> None:
    clock = VirtualClock()
    first = PoliteGate.shared("arxiv.org", 3.0, clock=clock.monotonic, sleep=clock.sleep)
    second = PoliteGate.shared("arxiv.org", 5.0, clock=clock.monotonic, sleep=clock.sleep)
    other_host = PoliteGate.shared("export.arxiv.org", 3.0, clock=clock.monotonic, sleep=clock.sleep)
    real_time = PoliteGate.shared("arxiv.org", 3.0, clock=time.monotonic, sleep=asyncio.sleep)

    assert first is second
    assert first.min_interval == 5.0
    assert other_host is not first
    assert real_time is not first


def test_a_gate_is_not_shared_across_event_loops() -> None:
    async def get() -> PoliteGate:
        return PoliteGate.shared("arxiv.org", 3.0)

    assert asyncio.run(get()) is not asyncio.run(get())


def test_a_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        PoliteGate(-1.0)
