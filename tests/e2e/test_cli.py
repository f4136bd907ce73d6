"""`paperboy` as a user runs it: a real process, a real database file, a loopback HF API."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.fakes.hf_api import FakeHFServer, Fault

HF_FIXTURE = REPO / "tests" / "fixtures" / "hf" / "daily_papers_2025-02-24.json"
SAMPLE = REPO / "bot" / "sample" / "2025-02-24.md"


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


async def paperboy(
    db: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None, seed: bool = True
) -> Run:
    """Run `python -m bot --db DB ARGS...` in a fresh process and collect what it printed."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
    environment |= {"PAPERBOY_SEED_SAMPLE": str(seed).lower(), **(env or {})}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--db", str(db), *args,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        cwd=db.parent, env=environment,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), timeout=60)
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.out + run.err


async def test_console_answers_piped_commands(tmp_path: Path) -> None:
    run = await paperboy(tmp_path / "p.db", "console", stdin="/top 3\n/search 구두점\n/top nope\n")
    assert run.code == 0
    assert_no_traceback(run)
    assert " 3. [▲ 36] MaskGWM" in run.out
    assert "Search “구두점”: 1 result(s)" in run.out
    assert "Usage: /top [N] [YYYY-MM-DD]" in run.out


async def test_run_without_platform_tokens_opens_the_console(tmp_path: Path) -> None:
    run = await paperboy(tmp_path / "p.db", "run", stdin="/paper 2502.15007\n")
    assert run.code == 0
    assert "LLM-Microscope" in run.out


async def test_json_output_of_top_search_and_paper(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    top = json.loads((await paperboy(db, "top", "-n", "2", "--json")).out)
    assert [p["id"] for p in top] == ["2502.15007", "2502.14776"]
    first = top[0]
    assert {"id", "title", "votes", "authors", "url", "days", "summaries"} <= first.keys()
    assert first["votes"] == 95
    assert first["url"] == "https://arxiv.org/abs/2502.15007"
    assert first["days"] == ["2025-02-24"]
    assert first["summaries"]["ko"]["sections"][0]["heading"] == "What's New"
    found = json.loads((await paperboy(db, "search", "context", "memory", "--json")).out)
    assert found[0]["id"] == "2502.15007"
    paper = json.loads((await paperboy(db, "paper", "https://arxiv.org/abs/2502.15007v2", "--json")).out)
    assert [p["id"] for p in paper] == ["2502.15007"]


async def test_ingest_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    first = await paperboy(db, "ingest", str(SAMPLE), seed=False)
    assert first.code == 0
    assert "1 day(s) added, 0 updated; 32 paper(s) added, 0 updated." in first.out
    second = await paperboy(db, "ingest", str(SAMPLE), seed=False)
    assert second.code == 0
    assert "0 day(s) added, 0 updated; 0 paper(s) added, 0 updated." in second.out
    assert "Nothing new" in second.out


async def test_ingest_directory_with_a_broken_file_keeps_the_rest(tmp_path: Path) -> None:
    archive = tmp_path / "paper_logs" / "2025" / "02"
    archive.mkdir(parents=True)
    (archive / "24.md").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (archive / "25.md").write_text(
        "## Daily Papers (2025-02-25)\n\n### [No link here](somewhere)\n\n"
        "### [Kept](https://arxiv.org/abs/2502.20001)\n\nVote: 3\n",
        encoding="utf-8",
    )
    (tmp_path / "paper_logs" / "broken.json").write_text("{not json", encoding="utf-8")
    run = await paperboy(tmp_path / "p.db", "ingest", str(tmp_path / "paper_logs"), seed=False)
    assert_no_traceback(run)
    assert run.code == 1  # one source could not be read at all
    assert "2 day(s) added" in run.out
    assert "33 paper(s) added" in run.out
    assert "25.md:3:" in run.out  # the unreadable entry, with its line
    assert "not read: " in run.out
    assert "broken.json" in run.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("top", "--date", "2025-02-30"), "not a date"),
        (("top", "-n", "0"), "not a count from 1 to 500, or all"),
        (("render", "slack", "-n", "501"), "not a count from 1 to 500, or all"),
        (("search", "x", "-n", "51"), "not a count from 1 to 50"),
        (("fetch-hf",), "--date"),
        (("frobnicate",), "invalid choice"),
    ],
)
async def test_bad_arguments_get_usage(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    run = await paperboy(tmp_path / "p.db", *args)
    assert run.code == 2
    assert "usage: paperboy" in run.err
    assert message in run.err
    assert_no_traceback(run)


async def test_unknown_paper_is_a_clear_error(tmp_path: Path) -> None:
    run = await paperboy(tmp_path / "p.db", "paper", "2401.99999")
    assert (run.code, run.err.strip()) == (1, "paperboy: Paper 2401.99999 is not in the digest.")


async def test_fetch_hf_merges_votes_and_abstract_into_markdown_papers(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    assert (await paperboy(db, "ingest", str(SAMPLE))).code == 0
    items = json.loads(HF_FIXTURE.read_text(encoding="utf-8"))
    async with FakeHFServer() as hf:
        hf.set_day(date(2025, 2, 24), items)
        env = {"PAPERBOY_HF__BASE_URL": hf.base_url, "PAPERBOY_HF__MAX_RETRIES": "0"}
        run = await paperboy(db, "fetch-hf", "--date", "2025-02-24", "--to", "2025-02-25", env=env)
        assert [r.query["date"] for r in hf.api_requests()] == ["2025-02-24", "2025-02-25"]
    assert run.code == 0, run.out + run.err
    assert "Read 2 source(s)" in run.out
    paper = json.loads((await paperboy(db, "paper", "2502.15007", "--json")).out)[0]
    assert paper["summaries"]["ko"]["sections"][0]["heading"] == "What's New"  # from the markdown sample
    assert paper["abstract"].startswith("We introduce methods")  # from the API
    assert paper["github"] == "https://github.com/AIRI-Institute/LLM-Microscope"


async def test_fetch_hf_rejected_date_is_reported(tmp_path: Path) -> None:
    async with FakeHFServer() as hf:
        env = {"PAPERBOY_HF__BASE_URL": hf.base_url, "PAPERBOY_HF__MAX_RETRIES": "0"}
        hf.fail_next(1, Fault(status=400, error="bad date"))
        run = await paperboy(tmp_path / "p.db", "fetch-hf", "--date", "2025-02-24", env=env, seed=False)
    assert run.code == 1
    assert_no_traceback(run)
    assert "HTTP 400" in run.out


@pytest.mark.parametrize("fmt", ["compact", "cards"])
async def test_render_telegram_prints_the_bot_api_calls(tmp_path: Path, fmt: str) -> None:
    run = await paperboy(
        tmp_path / "p.db", "render", "telegram", "-n", "3", "--format", fmt, "--chat-id", "42", "--json"
    )
    assert run.code == 0, run.err
    calls = json.loads(run.out)
    assert all(call["params"]["chat_id"] == "42" for call in calls)
    assert all(call["params"].get("parse_mode") == "HTML" for call in calls)
    if fmt == "compact":
        assert [call["method"] for call in calls] == ["sendMessage"]
        assert "LLM-Microscope" in calls[0]["params"]["text"]
    else:
        assert [call["method"] for call in calls] == ["sendMessage"] + ["sendPhoto"] * 3
        assert calls[1]["params"]["photo"].endswith("2502.15007.png")
        assert calls[1]["fallback"]["text"] == calls[1]["params"]["caption"]  # sent if the photo is refused


async def test_console_subscription_is_pushed_by_hand_once(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    subscribed = await paperboy(db, "console", stdin="/subscribe 07:30 Europe/Berlin\n")
    assert "Time: 07:30 Europe/Berlin" in subscribed.out
    plan = await paperboy(db, "push", "--now", "--dry-run")
    assert plan.out.startswith("console:local due ")
    assert "list 2025-02-24: 2502.15007, 2502.14776" in plan.out
    pushed = await paperboy(db, "push", "--now")
    assert pushed.code == 0, pushed.err
    assert "Daily Papers of 2025-02-24: the top 10" in pushed.out
    assert "delivered 1 push(es) in 1 message(s)" in pushed.out
    again = await paperboy(db, "push", "--now")
    assert "Enqueued 0 push(es)" in again.out
    stats = await paperboy(db, "stats")
    assert "subscriptions: 1 (console 1), 0 paused" in stats.out
    assert "outbox: 0 pending, 1 sent, 0 failed, 0 dead" in stats.out


async def test_the_cli_runs_on_a_database_url(tmp_path: Path, store_url: str) -> None:
    """PAPERBOY_DATABASE_URL picks the store: the same commands work on SQLite and PostgreSQL."""
    env = {"PAPERBOY_DATABASE_URL": store_url}
    migrated = await paperboy(tmp_path / "unused.db", "migrate", env=env)
    assert (migrated.code, migrated.out.strip()) == (0, "paperboy: the database schema is up to date")
    top = await paperboy(tmp_path / "unused.db", "top", "-n", "2", "--json", env=env)
    assert top.code == 0, top.err
    assert [paper["id"] for paper in json.loads(top.out)] == ["2502.15007", "2502.14776"]
    assert not (tmp_path / "unused.db").exists()  # the URL wins over the path


async def test_an_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    env = {"PAPERBOY_DATABASE_URL": "postgresql://paperboy:s3cret-pw@127.0.0.1:1/paperboy"}
    run = await paperboy(tmp_path / "p.db", "stats", env=env)
    assert run.code == 1
    assert run.err.startswith("paperboy: cannot reach the PostgreSQL server")
    assert "s3cret-pw" not in run.out + run.err
    assert_no_traceback(run)


async def test_copy_moves_a_sqlite_database_to_postgres(tmp_path: Path, postgres_url: str) -> None:
    old = tmp_path / "old.db"
    assert (await paperboy(old, "stats")).code == 0  # seeds the sample day
    copied = await paperboy(old, "copy", "--from", f"sqlite:///{old}", "--to", postgres_url)
    assert copied.code == 0, copied.err
    assert "papers 3" in copied.out
    top = await paperboy(
        old, "top", "-n", "1", "--json", env={"PAPERBOY_DATABASE_URL": postgres_url}, seed=False
    )
    assert [paper["id"] for paper in json.loads(top.out)] == ["2502.15007"]
    again = await paperboy(old, "copy", "--from", str(old), "--to", postgres_url)
    assert again.code == 1
    assert "copy into an empty database" in again.err


async def test_an_unknown_paper_as_json_is_an_empty_array(tmp_path: Path) -> None:
    run = await paperboy(tmp_path / "p.db", "paper", "2401.99999", "--json")
    assert (run.code, json.loads(run.out)) == (1, [])
    assert run.err.strip() == "paperboy: Paper 2401.99999 is not in the digest."


async def test_db_after_the_command(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "days", "--db", str(tmp_path / "after.db"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=tmp_path, env=environment,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert "2025-02-24" in out.decode()
    assert (tmp_path / "after.db").exists()
    assert not (tmp_path / "data").exists()


def long_day(tmp_path: Path, papers: int = 68) -> Path:
    """A day as long as the archive's longest (2025-02-19: 68 papers)."""
    entries = "".join(
        f"### [Paper number {i}](https://arxiv.org/abs/2502.{10000 + i})\n\nVote: {200 - i}\n\n"
        for i in range(papers)
    )
    path = tmp_path / "2025-02-19.md"
    path.write_text(f"## Daily Papers (2025-02-19)\n\n{entries}", encoding="utf-8")
    return path


@pytest.mark.parametrize("n", ["all", "500"])
async def test_top_and_render_list_a_whole_long_day(tmp_path: Path, n: str) -> None:
    db = tmp_path / "p.db"
    assert (await paperboy(db, "ingest", str(long_day(tmp_path)), seed=False)).code == 0
    top = await paperboy(db, "top", "-n", n, "--json", seed=False)
    assert top.code == 0, top.err
    assert len(json.loads(top.out)) == 68
    text = await paperboy(db, "top", "-n", n, seed=False)
    assert text.out.startswith("Top 68 of 2025-02-19 (68 listed)")
    for platform in ("telegram", "slack"):
        render = await paperboy(db, "render", platform, "-n", n, "--json", seed=False)
        assert render.code == 0, render.err
        assert "Paper number 67" in render.out


async def test_fetch_hf_stops_a_range_at_once_when_hugging_face_is_unreachable(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"PAPERBOY_HF__BASE_URL": f"http://127.0.0.1:{port}"}  # default retries
    started = time.monotonic()
    run = await paperboy(
        tmp_path / "p.db", "fetch-hf", "--date", "2024-01-01", "--to", "2024-12-31", env=env, seed=False
    )
    assert time.monotonic() - started < 20  # was 18.6 s for each of the 366 days
    assert run.code == 1
    assert_no_traceback(run)
    assert run.out.count("not read: ") == 1
    assert "cannot reach Hugging Face" in run.out
    assert "stopped: 366 day(s), 2024-01-01 to 2024-12-31, not fetched" in run.out
