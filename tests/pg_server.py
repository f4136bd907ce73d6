"""A throwaway PostgreSQL 15 server for the tests: initdb into a temporary folder, start, stop.

PostgreSQL refuses to run as root, so when the tests run as root (CI containers do) the server runs
as `nobody` through setpriv. Where the binaries are missing the PostgreSQL tests skip, saying so.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from itertools import count
from pathlib import Path

PG_BIN = Path(os.environ.get("PAPERBOY_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
USER = "paperboy"


def available() -> bool:
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One server for a test session; `database()` hands out a fresh, empty database URL."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="paperboy-pg-"))
        self._data = self._folder / "data"
        self.port = _free_port()
        self._names = count(1)

    def _run(self, *command: str) -> None:
        prefix: list[str] = []
        if os.geteuid() == 0:  # postgres will not run as root
            prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self._folder, "nobody", "nogroup")
        self._run(str(PG_BIN / "initdb"), "-D", str(self._data), "-U", USER, "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        options = (
            f"-k {self._folder} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self._data), "-o", options,
                  "-l", str(self._folder / "log"), "-w", "start")  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        """A new empty database as a client sees it: each test gets its own, so tests never see
        each other's rows.

        It is a schema of its own, named in the URL (asyncpg sends `search_path` as a server setting):
        CREATE DATABASE copies a template and costs ~0.3 s a test, CREATE SCHEMA next to nothing.
        """
        name = f"test_{next(self._names)}"
        subprocess.run(
            [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", "postgres",
             "-q", "-c", f"CREATE SCHEMA {name}"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return f"{self.url()}?search_path={name}"

    def password_user(self, name: str, password: str) -> str:
        """A user that must give `password` (the server trusts everyone else), owning a schema of
        its name and nothing else; its URL, without the password, to the `postgres` database."""
        hba = self._data / "pg_hba.conf"
        rule = f"host all {name} 127.0.0.1/32 scram-sha-256\n"
        if rule not in hba.read_text(encoding="utf-8"):  # the first matching line wins: put it first
            hba.write_text(rule + hba.read_text(encoding="utf-8"), encoding="utf-8")
            subprocess.run(
                [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", "postgres",
                 "-q", "-c", f"CREATE ROLE {name} LOGIN PASSWORD '{password}'",
                 "-c", f"CREATE SCHEMA {name} AUTHORIZATION {name}"],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self._data), "reload")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # reload is a signal: wait until trust is gone for it
                probe = subprocess.run(
                    [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", name, "-w",
                     "-d", "postgres", "-c", "SELECT 1"],
                    capture_output=True, timeout=60,
                )  # fmt: skip
                if probe.returncode != 0:
                    break
                time.sleep(0.05)
        return f"postgresql://{name}@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self._data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)
