"""A one-line progress bar on stderr for long ingests; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
from typing import TextIO

from handlers.console_adapter.text import printable

BAR_WIDTH = 30


class ProgressBar:
    """Callable as bot.ingest.Progress: redraws `[#####     ] 12/40 name` in place."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._active = stream.isatty()
        self._drawn = False

    def __call__(self, done: int, total: int | None, label: str) -> None:
        if not self._active:
            return
        if total:
            filled = BAR_WIDTH * min(done, total) // total
            head = f"[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {done}/{total}"
        else:
            head = f"{done} read"
        self._stream.write(f"\r\033[K{head} {printable(label[-60:])}")
        self._stream.flush()
        self._drawn = True

    def finish(self) -> None:
        """End the bar's line so what follows starts on a fresh one."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
