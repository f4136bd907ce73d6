"""`paperboy console` at a terminal (a pseudo-terminal): prompt, history, width, and Ctrl-C."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.console_adapter.text import cells

PROMPT = b"paperboy> "


class Terminal:
    """A `python -m bot console` process whose stdin, stdout and stderr are a pty `columns` wide."""

    def __init__(self, tmp_path: Path, columns: int = 100) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
        environment |= {"HOME": str(tmp_path), "TERM": "xterm", "PAPERBOY_SEED_SAMPLE": "true"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "--db", str(tmp_path / "p.db"), "console"],
            stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path, env=environment,
        )  # fmt: skip
        os.close(slave)
        self.output = b""

    def read_until(self, wanted: bytes, count: int = 1, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.output.count(wanted) < count:
            assert time.monotonic() < deadline, self.output.decode(errors="replace")
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:  # the process ended and closed the terminal
                    break
        if wanted == PROMPT:
            # readline writes the prompt before it sets up the terminal and waits for a key; a person
            # is never that quick, and a key or Ctrl-C inside that gap is not seen until the next one.
            time.sleep(0.5)

    def read_answer(self, marker: bytes) -> None:
        """Until `marker` has been printed and the prompt after it."""
        self.read_until(marker)
        self.read_until(PROMPT, self.output[: self.output.index(marker)].count(PROMPT) + 1)

    def type(self, text: bytes) -> None:
        os.write(self.master, text)

    def wait(self, timeout: float = 10) -> int:
        code = self.process.wait(timeout)
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if not ready:
                break
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.output += chunk
        os.close(self.master)
        return code


@pytest.fixture(autouse=True)
def no_process_left(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A failed test kills the terminal's process rather than leaving it waiting for input."""
    started: list[Terminal] = []
    original = Terminal.__init__

    def tracked(self: Terminal, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        started.append(self)

    monkeypatch.setattr(Terminal, "__init__", tracked)
    yield
    for terminal in started:
        if terminal.process.poll() is None:
            terminal.process.kill()
            terminal.process.wait()


def test_ctrl_c_at_the_prompt_exits_at_once(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path)
    terminal.read_until(PROMPT)
    started = time.monotonic()
    terminal.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
    code = terminal.wait()
    assert time.monotonic() - started < 5  # not waiting for Enter
    assert code == 130
    text = terminal.output.decode()
    assert "Traceback" not in text
    assert text.endswith(PROMPT.decode() + "\r\n")  # one newline, then the shell's prompt


def test_history_is_kept_between_sessions(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path)
    terminal.read_until(PROMPT)
    terminal.type(b"/days\r")
    terminal.read_answer(b"32 papers")
    terminal.type(b"\x04")  # Ctrl-D leaves
    assert terminal.wait() == 0
    assert (tmp_path / ".paperboy_history").read_text().splitlines()[-1] == "/days"
    again = Terminal(tmp_path)
    again.read_until(PROMPT)
    again.type(b"\x1b[A\r")  # the up arrow brings /days back
    again.read_answer(b"32 papers")
    again.type(b"\x04")
    assert again.wait() == 0


def test_replies_fit_the_terminals_width(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path, columns=50)
    terminal.read_until(PROMPT)
    terminal.type(b"/paper 2502.15007\r")
    terminal.read_answer(b"PDF: ")
    terminal.type(b"\x04")
    assert terminal.wait() == 0
    lines = terminal.output.decode().replace("\r", "").splitlines()
    assert any("구두점" in line for line in lines)
    assert [line for line in lines if cells(line) > 50 and "://" not in line] == []
