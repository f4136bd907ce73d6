"""A database Paperboy cannot use is one line naming the problem and the file or host (never a
password), exit 1, and the data left exactly as it was: a folder, a file that is no database, a
read-only file or folder, an immutable file, a full disk, PostgreSQL without the database, with a
wrong password or not there at all."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg_server
from tests.conftest import REPO
from tests.e2e.run_process import free_port
from tests.e2e.test_cli import Run, assert_no_traceback, paperboy

HF_FIXTURE = REPO / "tests" / "fixtures" / "hf" / "daily_papers_2025-02-24.json"
SETPRIV = shutil.which("setpriv")


async def paperboy_without_root_powers(db: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """`paperboy` as an ordinary user sees the file system: root ignores read-only permissions, so as
    root the process runs without CAP_DAC_OVERRIDE (it still owns the files the test made)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if SETPRIV is None:
            pytest.skip("running as root without setpriv: read-only permissions cannot be tested")
        prefix = [SETPRIV, "--bounding-set=-dac_override,-dac_read_search"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")} | (env or {})
    process = await asyncio.create_subprocess_exec(
        *prefix, sys.executable, "-m", "bot", "--db", str(db), *args,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        cwd=REPO, env=environment,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


def assert_one_line(run: Run, *phrases: str) -> None:
    assert_no_traceback(run)
    assert run.code == 1, run.err
    [line] = run.err.splitlines()
    assert line.startswith("paperboy: ")
    for phrase in phrases:
        assert phrase in line


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder and its bytes."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def assert_untouched(before: dict[str, bytes], folder: Path) -> None:
    """Every file as it was; new ones only SQLite's shared-memory index and an empty write-ahead log
    (a reader of a read-only file leaves them: nothing was written)."""
    after = snapshot(folder)
    assert {name: after.get(name) for name in before} == before
    for name in after.keys() - before.keys():
        assert name.endswith("-shm") or (name.endswith("-wal") and after[name] == b""), name


async def a_database(folder: Path) -> Path:
    await asyncio.to_thread(folder.mkdir, exist_ok=True)
    db = folder / "paperboy.db"
    assert (await paperboy(db, "stats")).code == 0  # created, migrated, the sample day in it
    return db


@pytest.mark.parametrize("command", [("days",), ("migrate",), ("run",), ("ingest", str(HF_FIXTURE))])
async def test_a_folder_named_as_the_database(tmp_path: Path, command: tuple[str, ...]) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    run = await paperboy(folder, *command)
    assert_one_line(run, f"cannot open the SQLite database {folder}: it is a folder, not a file")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", [("days",), ("migrate",), ("run",), ("ingest", str(HF_FIXTURE))])
@pytest.mark.parametrize(
    "content", [b"hello, not a database\n", b"\x00" * 4096, b"SQLite format 3\x00" + b"x" * 200]
)
async def test_a_file_that_is_no_database(tmp_path: Path, command: tuple[str, ...], content: bytes) -> None:
    db = tmp_path / "notes.txt"
    db.write_bytes(content)
    run = await paperboy(db, *command)
    assert_one_line(run, f"{db} is not a SQLite database; it was left as it is")
    assert snapshot(tmp_path) == {"notes.txt": content}


async def test_a_read_only_database_file(tmp_path: Path) -> None:
    db = await a_database(tmp_path / "data")
    db.chmod(0o444)
    before = snapshot(db.parent)
    reading = await paperboy_without_root_powers(db, "top", "-n", "1")
    assert reading.code == 0, reading.err  # reading a read-only database works
    run = await paperboy_without_root_powers(db, "ingest", str(HF_FIXTURE))
    assert_one_line(run, f"cannot write to the SQLite database {db}: the file is read-only")
    assert_untouched(before, db.parent)


async def test_a_read_only_empty_file(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    db.touch(0o444)
    run = await paperboy_without_root_powers(db, "days")
    assert_one_line(run, f"cannot write to the SQLite database {db}: the file is read-only")
    assert snapshot(tmp_path) == {"new.db": b""}


async def test_a_read_only_folder(tmp_path: Path) -> None:
    db = await a_database(tmp_path / "data")
    before = snapshot(db.parent)
    db.parent.chmod(0o555)
    try:
        run = await paperboy_without_root_powers(db, "ingest", str(HF_FIXTURE))
        assert_one_line(run, f"cannot write to the SQLite database {db}: its folder {db.parent} is read-only")
        new = await paperboy_without_root_powers(db.parent / "other.db", "days")
        assert_one_line(new, f"cannot open the SQLite database {db.parent / 'other.db'}: its folder")
    finally:
        db.parent.chmod(0o755)
    assert_untouched(before, db.parent)


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    attribute = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if attribute.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {attribute.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.skipif(shutil.which("chattr") is None, reason="no chattr")
async def test_an_immutable_database_file(tmp_path: Path) -> None:
    db = await a_database(tmp_path / "data")
    before = snapshot(db.parent)
    with immutable(db):
        run = await paperboy(db, "ingest", str(HF_FIXTURE))  # even root cannot write it
        assert_one_line(run, f"cannot write to the SQLite database {db}: the file is read-only")
    assert_untouched(before, db.parent)


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `folder` (root only)."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        capture_output=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(disk: Path) -> None:
    """Write a file until the disk has no byte left."""
    with (disk / "filler").open("wb", buffering=0) as filler:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    filler.write(b"\0" * size)
    assert shutil.disk_usage(disk).free == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
async def test_a_full_disk(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "2m") as disk:
        db = await a_database(disk)
        fill(disk)
        before = snapshot(disk)
        run = await paperboy(db, "ingest", str(HF_FIXTURE))
        assert_one_line(run, f"cannot write to the SQLite database {db}: the disk is full")
        assert_untouched(before, disk)


async def test_a_database_url_without_the_database(tmp_path: Path, postgres_url: str) -> None:
    url = postgres_url.split("?")[0].rsplit("/", 1)[0] + "/no_such_db"
    run = await paperboy(tmp_path / "p.db", "stats", env={"PAPERBOY_DATABASE_URL": url})
    assert_one_line(run, "the PostgreSQL server at 127.0.0.1:", "has no database 'no_such_db'")
    assert not (tmp_path / "p.db").exists()


async def test_a_wrong_postgres_password(tmp_path: Path, postgres_server: pg_server.PostgresServer) -> None:
    url = postgres_server.password_user("paperboy_pw", "right-pass-123")
    wrong = url.replace("paperboy_pw@", "paperboy_pw:wrong-pass-456@")
    run = await paperboy(tmp_path / "p.db", "stats", env={"PAPERBOY_DATABASE_URL": wrong})
    assert_one_line(run, f"the PostgreSQL server at 127.0.0.1:{postgres_server.port}", "refused the password")
    assert "paperboy_pw" in run.err
    assert "wrong-pass-456" not in run.out + run.err
    right = url.replace("paperboy_pw@", "paperboy_pw:right-pass-123@")
    ok = await paperboy(
        tmp_path / "p.db", "migrate", env={"PAPERBOY_DATABASE_URL": f"{right}?search_path=paperboy_pw"}
    )
    assert ok.code == 0, ok.err  # the same user with its password gets in: the line was about it
    public = await paperboy(
        tmp_path / "p.db", "stats", env={"PAPERBOY_DATABASE_URL": f"{right}?search_path=public"}
    )  # PostgreSQL 15 lets only the owner create tables in public
    assert_one_line(
        public, "the PostgreSQL user 'paperboy_pw' may not set up Paperboy's tables in 127.0.0.1:"
    )
    assert "right-pass-123" not in public.out + public.err


async def test_copy_to_a_server_that_is_not_there(tmp_path: Path) -> None:
    db = await a_database(tmp_path / "data")
    before = snapshot(db.parent)
    port = free_port()
    run = await paperboy(
        db, "copy", "--from", str(db), "--to", f"postgresql://paperboy:pa55word@127.0.0.1:{port}/pb"
    )
    assert_one_line(run, f"cannot reach the PostgreSQL server at 127.0.0.1:{port}: connection refused")
    assert "pa55word" not in run.err
    assert_untouched(before, db.parent)


async def test_copy_from_a_file_that_is_no_database(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "old.db"
    source.write_bytes(b"not a database at all")
    run = await paperboy(tmp_path / "p.db", "copy", "--from", str(source), "--to", postgres_url)
    assert_one_line(run, f"{source} is not a SQLite database")
    assert source.read_bytes() == b"not a database at all"
