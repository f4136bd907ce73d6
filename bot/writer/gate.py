"""How long a due push waits for the writer: at most a set time, then it goes out with what exists.

`paperboy run` writes a new day's summaries right after the ingest round that brought it. A push due
meanwhile would show the day half-summarised, so the push round waits while the writer works, but
never longer than `PAPERBOY_SUMMARIES__PUSH_WAIT_SECONDS` from when the writing began: a slow or
broken LLM server delays the digest, it does not stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable


class WriterGate:
    """Open while the writer is idle; `wait` holds a push round while it works, within a bound."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._idle = asyncio.Event()
        self._idle.set()
        self._since: float | None = None
        self._clock = clock

    def expect(self) -> None:
        """The writer will run soon (it is configured and starting): hold pushes from now on."""
        self._idle.clear()
        self._since = self._clock()

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        """The writer works inside this block."""
        if self._idle.is_set():
            self.expect()
        try:
            yield
        finally:
            self._since = None
            self._idle.set()

    async def wait(self, max_wait: float) -> bool:
        """Wait until the writer is idle, or until `max_wait` seconds after it began; True when idle."""
        if self._since is None:
            return True
        remaining = max_wait - (self._clock() - self._since)
        if remaining <= 0:
            return False
        try:
            await asyncio.wait_for(self._idle.wait(), remaining)
        except TimeoutError:
            return False
        return True
