"""`paperboy run` and `paperboy render` with Discord, as real processes against the fake Discord."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from bot.models import Destination
from tests.e2e.discord_rig import CHANNEL, world
from tests.e2e.run_process import paperboy_run, prepare_database
from tests.e2e.telegram_rig import free_port
from tests.e2e.test_cli import assert_no_traceback, paperboy
from tests.fakes.discord_api import APPLICATION_ID, DEFAULT_TOKEN, GUILD_ID, FakeDiscord


def discord_environment(db: Path, port: int, fake: FakeDiscord, **extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
    return environment | {
        "PAPERBOY_DB_PATH": str(db),
        "PAPERBOY_SEED_SAMPLE": "false",
        "PAPERBOY_LOG_LEVEL": "DEBUG",
        "PAPERBOY_DISCORD__TOKEN": fake.token,
        "PAPERBOY_DISCORD__APPLICATION_ID": APPLICATION_ID,
        "PAPERBOY_DISCORD__PUBLIC_KEY": fake.public_key,
        "PAPERBOY_DISCORD__API_URL": fake.api_url,
        "PAPERBOY_SERVER__LISTEN": "127.0.0.1",
        "PAPERBOY_SERVER__PORT": str(port),
        "PAPERBOY_PUSH__TICK_SECONDS": "0.5",
        "PAPERBOY_INGEST__EVERY_MINUTES": "0",
        **extra,
    }


async def test_run_registers_commands_answers_interactions_and_pushes(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        world(fake)
        db = tmp_path / "run.db"
        await prepare_database(db, [(Destination(platform="discord", chat_id=CHANNEL), "channel")], top_n=3)
        environment = discord_environment(db, free_port(), fake, PAPERBOY_DISCORD__COMMANDS_GUILD_ID=GUILD_ID)
        async with paperboy_run(tmp_path, environment) as bot:
            health = await bot.healthy()
            assert health["checks"] == {"database": True, "discord": True}
            assert [put.guild_id for put in fake.command_puts] == [GUILD_ID]
            assert [c["name"] for c in fake.command_puts[0].commands] == ["papers", "top", "search"]
            url = f"{bot.url}/discord/interactions"
            assert await fake.check_endpoint(url) == []
            await fake.wait_for_messages(1, within=20)  # the push
            answered = await fake.interact(url, fake.command("top", {"n": 2}, channel_id=CHANNEL))
            assert answered.data["flags"] == 64
            assert "**2.**" in json.dumps(answered.data["embeds"])
            assert await bot.terminate() == 0
        [pushed] = [m for m in fake.messages(CHANNEL) if m.source == "channel"]
        assert "**3.**" in json.dumps(pushed.embeds)
        output = bot.log.read_text(encoding="utf-8")
        assert DEFAULT_TOKEN not in output
        assert "Traceback" not in output
        assert "refused a request: a wrong signature" in output  # the endpoint check's forged PING


async def test_a_refused_token_stops_run_with_one_line(tmp_path: Path) -> None:
    async with FakeDiscord(token="another-token") as fake:
        environment = discord_environment(tmp_path / "run.db", free_port(), fake)
        environment["PAPERBOY_DISCORD__TOKEN"] = DEFAULT_TOKEN
        async with paperboy_run(tmp_path, environment) as bot:
            code = await bot.process.wait()
        output = bot.log.read_text(encoding="utf-8")
        assert code != 0
        assert "Discord refused the bot token (401); check PAPERBOY_DISCORD__TOKEN" in output
        assert "Traceback" not in output


async def test_an_unreachable_discord_is_retried_and_reported_unhealthy(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        environment = discord_environment(tmp_path / "run.db", free_port(), fake)
    environment["PAPERBOY_DISCORD__API_URL"] = f"http://127.0.0.1:{free_port()}/api/v10"  # nothing there
    async with paperboy_run(tmp_path, environment) as bot:
        deadline = asyncio.get_running_loop().time() + 20
        while "cannot reach" not in bot.log.read_text(encoding="utf-8"):
            assert asyncio.get_running_loop().time() < deadline, bot.log.read_text(encoding="utf-8")
            await asyncio.sleep(0.1)
        status, health = await bot.get("/healthz")
        assert status == 503
        assert "cannot reach" in json.loads(health)["checks"]["discord"]  # why, instead of true
        assert await bot.terminate() == 0
    output = bot.log.read_text(encoding="utf-8")
    assert "discord: cannot reach 127.0.0.1" in output
    assert "connection refused; retrying in" in output
    assert "Traceback" not in output


async def test_settings_problems_are_said_before_anything_starts(tmp_path: Path) -> None:
    run = await paperboy(
        tmp_path / "p.db",
        "top",
        env={"PAPERBOY_DISCORD__TOKEN": "x", "PAPERBOY_DISCORD__PUBLIC_KEY": "nothex"},
    )
    assert run.code != 0
    assert_no_traceback(run)
    assert "PAPERBOY_DISCORD__APPLICATION_ID" in run.out + run.err
    assert "64 hexadecimal characters" in run.out + run.err


async def test_render_discord_prints_the_rest_calls(tmp_path: Path) -> None:
    for fmt, count in (("compact", 1), ("cards", 4)):
        run = await paperboy(
            tmp_path / "p.db", "render", "discord", "-n", "3", "--format", fmt, "--chat-id", CHANNEL, "--json"
        )
        assert run.code == 0, run.err
        calls = json.loads(run.out)
        assert len(calls) == count
        assert {call["method"] for call in calls} == {"POST"}
        assert {call["path"] for call in calls} == {f"/channels/{CHANNEL}/messages"}
        assert "LLM-Microscope" in json.dumps(calls, ensure_ascii=False)
        assert all(call["json"]["allowed_mentions"] == {"parse": []} for call in calls)
