"""Work that repeats: a failing round is logged and retried; an expected failure is one line."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.errors import StoreUnavailable
from bot.periodic import every


@pytest.mark.parametrize(
    ("error", "traceback"),
    [
        (StoreUnavailable("cannot write to the SQLite database x.db: the disk is full"), False),
        (KeyError("bug"), True),
    ],
)
async def test_a_failing_round_is_logged_and_the_next_one_runs(
    error: Exception, traceback: bool, caplog: pytest.LogCaptureFixture
) -> None:
    stop, rounds = asyncio.Event(), []

    async def work() -> None:
        rounds.append(1)
        if len(rounds) == 2:
            stop.set()
        raise error

    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(every(0.01, stop, work, "push round"), 5)
    assert len(rounds) == 2
    [first, *_] = caplog.records
    assert first.getMessage().startswith("push round failed")
    assert (first.exc_info is not None) is traceback
    if not traceback:
        assert "the disk is full; trying again in 0.01 s" in first.getMessage()
