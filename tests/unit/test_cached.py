"""Cached: a probe's outcome kept `ttl` seconds, one probe at a time, failures kept too."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from bot.health import Cached, Health


class Probe:
    def __init__(self) -> None:
        self.calls = 0
        self.fail = False
        self.gate: asyncio.Event | None = None

    async def __call__(self) -> int:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError("database is gone")
        return self.calls


async def test_answers_within_ttl_come_from_the_last_probe() -> None:
    now = [0.0]
    probe = Probe()
    cached = Cached(probe, 2.0, clock=lambda: now[0])
    assert [await cached() for _ in range(100)] == [1] * 100
    now[0] = 1.99
    assert await cached() == 1
    now[0] = 2.0
    assert await cached() == 2
    assert probe.calls == 2


async def test_callers_during_a_probe_share_it() -> None:
    probe = Probe()
    probe.gate = asyncio.Event()
    cached = Cached(probe, 2.0)
    waiting = [asyncio.create_task(cached()) for _ in range(50)]
    await asyncio.sleep(0)
    probe.gate.set()
    assert await asyncio.gather(*waiting) == [1] * 50
    assert probe.calls == 1


async def test_a_failure_is_kept_as_long_and_then_probed_again() -> None:
    now = [0.0]
    probe = Probe()
    probe.fail = True
    cached = Cached(probe, 2.0, clock=lambda: now[0])
    for _ in range(20):
        with pytest.raises(RuntimeError, match="database is gone"):
            await cached()
    assert probe.calls == 1
    probe.fail = False
    now[0] = 3.0
    assert await cached() == 2


async def test_a_caller_that_gives_up_does_not_cancel_the_probe(caplog: pytest.LogCaptureFixture) -> None:
    probe = Probe()
    probe.gate = asyncio.Event()
    probe.fail = True
    cached = Cached(probe, 2.0)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(cached(), 0.01)
    probe.gate.set()
    await asyncio.sleep(0.01)
    gc.collect()
    with pytest.raises(RuntimeError):
        await cached()  # the probe finished and its failure is kept
    assert probe.calls == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no "never retrieved"


async def test_a_cached_failing_check_makes_health_fail() -> None:
    probe = Probe()
    probe.fail = True

    async def check() -> bool:
        await probe()
        return True

    health = Health()
    health.add("database", Cached(check, 2.0))
    for _ in range(10):
        healthy, details = await health.report()
        assert not healthy
        assert details["checks"]["database"] is False
    assert probe.calls == 1
