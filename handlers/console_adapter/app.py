"""A chat in the terminal: read the user's lines, print the console commands' answers.

It is the embedded default of `paperboy run`. Reading stdin means it also works in a pipe:
`printf '/top 3\n' | paperboy console`; a person at a terminal gets a prompt, line editing and
history.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import signal
import sys
from pathlib import Path
from typing import TextIO

from bot.service import PaperService
from handlers.console_adapter.commands import ConsoleCommands
from handlers.console_adapter.text import terminal_width, wrap

WELCOME = "Paperboy: Hugging Face Daily Papers in your terminal. Type /help for commands, Ctrl-D to leave."
HISTORY_LENGTH = 1000


def history_file() -> Path:
    """Where the prompt's history is kept between sessions (`~/.paperboy_history`)."""
    return Path.home() / ".paperboy_history"


class _Prompt:
    """A line editor for a person at a terminal: readline's editing and history (kept in `history`),
    and Ctrl-C ends the chat at once (KeyboardInterrupt) rather than waiting for Enter."""

    def __init__(self, history: Path | None) -> None:
        self._history = history
        try:
            import readline
        except ImportError:  # no GNU readline / libedit here: plain input() still works
            self._readline = None
            return
        self._readline = readline
        readline.set_history_length(HISTORY_LENGTH)
        if history is not None:
            with contextlib.suppress(OSError):
                readline.read_history_file(history)

    def read(self, prompt: str) -> str | None:
        """One line, or None at end of input (Ctrl-D). It blocks the event loop on purpose: nothing
        else runs in the console, and only a read in the main thread can be interrupted by Ctrl-C."""
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            return input(prompt)
        except EOFError:
            return None
        finally:
            signal.signal(signal.SIGINT, previous)

    def save(self) -> None:
        if self._readline is not None and self._history is not None:
            with contextlib.suppress(OSError):
                self._readline.write_history_file(self._history)


async def run_console(
    service: PaperService,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    history: Path | None = None,
) -> None:
    """Read commands until end of input; a prompt, line editing and history only when a person is
    typing at a terminal. Ctrl-C there ends the chat (KeyboardInterrupt, after one newline)."""
    chat = ConsoleCommands(service)
    if isinstance(stdin, io.TextIOWrapper):  # undecodable bytes become U+FFFD, not a crash
        stdin.reconfigure(errors="replace")
    prompt = _Prompt(history or history_file()) if stdin.isatty() and stdin is sys.stdin else None
    if prompt is not None:
        print("\n".join(wrap(WELCOME, terminal_width(stdout))), file=stdout)
    try:
        while True:
            if prompt is not None:
                try:
                    line = prompt.read("paperboy> ")
                except KeyboardInterrupt:
                    print(file=stdout, flush=True)
                    raise
                if line is None:
                    print(file=stdout)
                    break
            else:
                line = await asyncio.to_thread(stdin.readline)
                if not line:
                    break
            chat.width = terminal_width(stdout)
            reply = await chat.answer(line)
            if reply is not None:
                print(reply + "\n", file=stdout, flush=True)
    finally:
        if prompt is not None:
            prompt.save()
