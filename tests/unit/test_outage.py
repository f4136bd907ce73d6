"""The process's view of the store: down from the first failure, probed with growing waits, one
WARNING line each way; a one-off command's view only remembers why."""

from __future__ import annotations

import asyncio
import itertools
import logging
from datetime import UTC, datetime

import pytest

from bot.errors import StoreUnavailable
from bot.outage import StoreOutage
from tests.clock import VirtualClock

START = datetime(2025, 2, 25, tzinfo=UTC)
GONE = StoreUnavailable("cannot reach the PostgreSQL server at db:5432: connection refused")


async def test_down_until_a_probe_answers_said_once_each_way(caplog: pytest.LogCaptureFixture) -> None:
    clock = VirtualClock(START)
    probes: list[float] = []

    async def probe() -> None:
        probes.append(clock.monotonic())
        if len(probes) < 5:
            raise GONE

    outage = StoreOutage(probe, clock=clock)
    assert not outage.down
    started = clock.monotonic()
    with caplog.at_level(logging.WARNING):
        outage.failed(GONE)
        outage.failed(StoreUnavailable("another failure of the same outage"))
        assert outage.down
        assert outage.reason == str(GONE)
        await asyncio.wait_for(outage.wait_up(), 2)
    assert not outage.down
    waits = [later - earlier for earlier, later in itertools.pairwise([started, *probes])]
    assert waits == [0.25, 0.5, 1.0, 2.0, 2.0]  # doubled each time, up to MAX_PROBE_SECONDS
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0].startswith("the database stopped answering (cannot reach the PostgreSQL server")
    assert lines[1].startswith("the database answers again after ")
    await outage.close()


async def test_a_probe_that_fails_otherwise_keeps_it_down_and_probing() -> None:
    answers: list[Exception | None] = [RuntimeError("pool is broken"), None]

    async def probe() -> None:
        if (answer := answers.pop(0)) is not None:
            raise answer

    outage = StoreOutage(probe, clock=VirtualClock(START))
    outage.failed(GONE)
    await asyncio.wait_for(outage.wait_up(), 2)
    assert answers == []


async def test_a_one_off_command_only_remembers_why(caplog: pytest.LogCaptureFixture) -> None:
    async def probe() -> None:
        raise AssertionError("a one-off command does not probe")

    clock = VirtualClock(START)
    outage = StoreOutage(probe, waits=False, clock=clock)
    with caplog.at_level(logging.WARNING):
        outage.failed(GONE)
        await clock.sleep(60)
    assert outage.reason == str(GONE)
    assert caplog.records == []
    await outage.close()
