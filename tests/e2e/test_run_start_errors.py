"""`paperboy run` that cannot start for a reason outside it: one line, exit 1, nothing else printed
(no traceback, no "coroutine was never awaited" from the parts that never ran)."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.e2e.run_process import free_port
from tests.e2e.test_cli import Run, assert_no_traceback, paperboy
from tests.e2e.test_database_errors import a_database, paperboy_without_root_powers

PLATFORM = {
    "PAPERBOY_TELEGRAM__TOKEN": "123456:TEST-token",
    "PAPERBOY_TELEGRAM__API_URL": f"http://127.0.0.1:{free_port()}/bot",  # nothing there: retried
    "PAPERBOY_SERVER__LISTEN": "127.0.0.1",
}


def assert_only(run: Run, message: str) -> None:
    assert_no_traceback(run)
    assert run.code == 1, run.err
    assert "never awaited" not in run.err
    lines = [line for line in run.err.splitlines() if "paperboy.start: HTTP server on" not in line]
    assert lines == [f"paperboy: {message}"], run.err


async def test_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = await paperboy(tmp_path / "p.db", "run", env=PLATFORM | {"PAPERBOY_SERVER__PORT": str(port)})
    assert_only(
        run,
        f"the HTTP server cannot listen on 127.0.0.1:{port}: the port is in use by another program; "
        "choose another PAPERBOY_SERVER__PORT (0 picks a free one) or PAPERBOY_SERVER__LISTEN",
    )


async def test_a_read_only_database_stops_run_after_the_server_started(tmp_path: Path) -> None:
    db = await a_database(tmp_path / "data")
    db.chmod(0o444)
    env = PLATFORM | {"PAPERBOY_SERVER__PORT": "0", "PAPERBOY_SEED_SAMPLE": "false"}
    run = await paperboy_without_root_powers(db, "run", env=env)
    assert_only(
        run,
        f"cannot write to the SQLite database {db}: the file is read-only "
        "(its permissions, or an immutable flag)",
    )
