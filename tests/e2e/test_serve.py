"""`paperboy serve` as a real process: the feeds, /healthz and /metrics with no chat platform and no
push; a feed reader's fetch over HTTP; a clean exit 0 on SIGTERM; a port in use is one line."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import aiohttp
import feedparser

from bot.models import Destination, new_feed_token
from storage import open_store
from tests.e2e.run_process import bot_environment, free_port, paperboy_run, prepare_database
from tests.e2e.test_cli import assert_no_traceback, paperboy
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

PUBLIC = "https://papers.example.org"
CHANNEL = Destination(platform="slack", chat_id="C0FEED")


def serve_environment(db: Path, port: int, **extra: str) -> dict[str, str]:
    """No platform configured, no ingest rounds: the server alone on the prepared database."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
    return environment | {
        "PAPERBOY_DB_PATH": str(db),
        "PAPERBOY_SEED_SAMPLE": "false",
        "PAPERBOY_LOG_LEVEL": "INFO",
        "PAPERBOY_SERVER__LISTEN": "127.0.0.1",
        "PAPERBOY_SERVER__PORT": str(port),
        "PAPERBOY_INGEST__EVERY_MINUTES": "0",
        "PAPERBOY_PUBLIC_URL": PUBLIC,
        **extra,
    }


async def test_serve_answers_a_feed_reader_and_stops_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "feeds.db"
    token = new_feed_token()
    await prepare_database(db, [(CHANNEL, "channel")], feed_token=token, top_n=3, summary_language="ko")
    async with paperboy_run(tmp_path, serve_environment(db, free_port()), command="serve") as bot:
        health = await bot.healthy()
        assert health["checks"] == {"database": True}  # no platform to check
        async with aiohttp.ClientSession() as session:
            async with session.get(bot.url + "/feeds/top.atom?lang=ko") as response:
                assert response.status == 200
                assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
                etag = response.headers["ETag"]
                top = feedparser.parse(await response.read())
            async with session.get(
                bot.url + "/feeds/top.atom?lang=ko", headers={"If-None-Match": etag}
            ) as again:
                assert again.status == 304
                assert await again.read() == b""
            async with session.get(f"{bot.url}/feeds/s/{token}.atom") as response:
                assert response.status == 200
                mine = feedparser.parse(await response.read())
            async with session.get(bot.url + "/feeds/search.atom?q=LLM-Microscope&lang=en") as response:
                found = feedparser.parse(await response.read())
            async with session.get(bot.url + "/feeds/search.atom") as response:
                assert response.status == 400
        status, metrics = await bot.get("/metrics")
        assert status == 200
        assert "paperboy_outbox" in metrics
        assert await bot.terminate() == 0
        assert bot.stopped_in is not None
        assert bot.stopped_in < 10
    assert not top.bozo
    assert len(top.entries) == 10
    assert top.feed.links[0].href == f"{PUBLIC}/feeds/top.atom?lang=ko"
    assert top.entries[0].title.startswith("LLM-Microscope")
    assert "구두점" in top.entries[0].summary  # the archive's Korean summary
    assert not mine.bozo
    assert len(mine.entries) == 3  # the subscription's top 3
    assert mine.feed.language == "ko"  # its summaries' language
    assert not found.bozo
    assert found.entries[0].link == "https://huggingface.co/papers/2502.15007"
    output = bot.log.read_text(encoding="utf-8")
    assert "Traceback" not in output
    assert "paperboy.start: HTTP server on 127.0.0.1" in output
    store = await open_store(db)
    try:
        counts = await store.outbox_counts()  # the subscription was due: serve pushes nothing
        assert set(counts.values()) == {0}
    finally:
        await store.close()


async def test_run_serves_the_feeds_beside_the_platforms(tmp_path: Path) -> None:
    async with FakeTelegram() as telegram, FakeSlack() as slack:
        db = tmp_path / "run.db"
        await prepare_database(db, [])
        environment = bot_environment(db, free_port(), telegram, slack)
        async with paperboy_run(tmp_path, environment) as bot:
            await bot.healthy()
            status, body = await bot.get("/feeds/top.atom")
            assert await bot.terminate() == 0
    assert status == 200
    parsed = feedparser.parse(body.encode())
    assert not parsed.bozo
    assert len(parsed.entries) == 10
    assert parsed.feed.links[0].href == f"{bot.url}/feeds/top.atom"  # no public URL: the address asked


async def test_serve_on_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = await paperboy(tmp_path / "p.db", "serve", env=serve_environment(tmp_path / "p.db", port))
    assert_no_traceback(run)
    assert run.code == 1
    lines = [line for line in run.err.splitlines() if "paperboy.start" not in line]
    assert lines == [
        f"paperboy: the HTTP server cannot listen on 127.0.0.1:{port}: the port is in use by another "
        "program; choose another PAPERBOY_SERVER__PORT (0 picks a free one) or PAPERBOY_SERVER__LISTEN"
    ]


async def test_a_bad_public_url_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    run = await paperboy(tmp_path / "p.db", "serve", env={"PAPERBOY_PUBLIC_URL": "papers.example.org"})
    assert_no_traceback(run)
    assert run.code == 2
    assert run.err == (
        "paperboy: PAPERBOY_PUBLIC_URL=papers.example.org: "
        "expected an http:// or https:// URL, such as https://example.org/\n"
    )
