"""The CLI's text output: what a file or the database holds never drives the terminal."""

from __future__ import annotations

import io
import socket
from datetime import date
from pathlib import Path

import pytest

from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.models import Destination, DigestDay
from bot.ports import Outgoing, Store
from bot.service import PaperService
from handlers.console_adapter import cli
from handlers.console_adapter.cli import build_parser, run_command
from handlers.console_adapter.notifier import ConsoleNotifier
from tests.conftest import PaperFactory

EVIL = "Evil \x1b]0;pwned\x07 \x1b[2J title\x00"


def _control_characters(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F]


async def _cli(service: PaperService, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = await run_command(build_parser().parse_args(list(argv)), service, out)
    return code, out.getvalue()


async def test_top_search_and_paper_escape_data_text(service: PaperService, make_paper: PaperFactory) -> None:
    paper = make_paper("2503.00001", title=EVIL, votes=3)
    await service._store.upsert_day(DigestDay(day=date(2025, 3, 3), source="t", papers=[paper]))
    for argv in (("top",), ("search", "evil"), ("paper", "2503.00001")):
        code, out = await _cli(service, *argv)
        assert code == 0, out
        assert _control_characters(out) == []
        assert "\\x1b]0;pwned\\x07" in out


async def test_json_keeps_the_text_as_it_is(service: PaperService, make_paper: PaperFactory) -> None:
    paper = make_paper("2503.00001", title="Escape \x1b here", votes=3)
    await service._store.upsert_day(DigestDay(day=date(2025, 3, 3), source="t", papers=[paper]))
    _, out = await _cli(service, "top", "--json")
    assert '"Escape \\u001b here"' in out  # JSON's own escape, for a program to read


async def test_ingest_problems_quoting_a_file_are_escaped(service: PaperService, tmp_path: Path) -> None:
    broken = tmp_path / "2025-02-24.md"
    broken.write_text(
        "## Daily Papers (2025-02-24)\n\n### [\x1b[2J\x1b]0;pwned\x07](nowhere)\n\nVote: 3\n",
        encoding="utf-8",
    )
    _, out = await _cli(service, "ingest", str(broken))
    assert "problem: " in out
    assert _control_characters(out) == []


async def test_a_console_push_is_escaped() -> None:
    out = io.StringIO()
    await ConsoleNotifier(out).send(Destination(platform="console", chat_id="local"), Outgoing(EVIL))
    assert _control_characters(out.getvalue()) == []


async def test_fetch_hf_shows_progress_before_the_first_day(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, int | None, str]] = []

    class Recorder:
        def __call__(self, done: int, total: int | None, label: str) -> None:
            calls.append((done, total, label))

        def finish(self) -> None:
            pass

    monkeypatch.setattr(cli, "ProgressBar", Recorder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    service = PaperService(store, DigestSources(HFSettings(base_url=f"http://127.0.0.1:{port}")))
    args = build_parser().parse_args(["fetch-hf", "--date", "2024-01-01", "--to", "2024-01-10"])
    assert await run_command(args, service, io.StringIO()) == 1
    assert calls[0] == (0, 10, "Hugging Face 2024-01-01")
    assert calls[1] == (1, 10, "Hugging Face 2024-01-01")  # then the range stopped: unreachable
