"""Slack by Socket Mode: no public URL; slack_sdk's own client takes envelopes from the fake's WebSocket."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import parse_qsl

import aiohttp
from pydantic import SecretStr

from bot.config import HFSettings
from bot.health import Health
from bot.ingest import DigestSources
from bot.service import PaperService
from handlers.slack_adapter.app import build_slack_app, run_slack, web_client
from handlers.slack_adapter.config import SlackSettings
from storage.sqlite import SqliteStore
from tests.e2e.telegram_rig import free_port, until
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlack
from tests.fakes.slack_requests import DEFAULT_CHANNEL_ID, slash_command


async def test_commands_arrive_and_are_acknowledged_over_the_socket(tmp_path: Path) -> None:
    async with FakeSlack() as fake, aiohttp.ClientSession() as session:
        fake.add_channel(DEFAULT_CHANNEL_ID, "digest")
        store = await SqliteStore.open(tmp_path / "socket.db")
        service = PaperService(store, DigestSources(HFSettings()))
        await service.seed_sample()
        settings = SlackSettings(
            bot_token=SecretStr(DEFAULT_TOKEN),
            app_token=SecretStr(fake.socket_mode.app_token),
            api_url=fake.api_url,
        )  # no signing secret: Socket Mode does not need one
        app = build_slack_app(settings, service, web_client(settings, session))
        stop, health = asyncio.Event(), Health()
        task = asyncio.create_task(run_slack(app, settings, stop, health))
        try:
            await fake.socket_mode.wait_connected()
            command = dict(
                parse_qsl(slash_command("/papers", "top 3", response_url=fake.response_url(), trigger_id="t"))
            )
            ack = await fake.socket_mode.push("slash_commands", command)
            assert ack.envelope_id
            [answer] = await fake.wait_for_responses(1)
            assert answer.response_type == "ephemeral"
            assert "*3.*" in str(answer.blocks)
            healthy, details = await health.report()
            assert healthy
            assert details["checks"] == {"slack": True}
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
            await store.close()
        assert fake.socket_mode.connections == []  # closed on stop


async def _healthy(health: Health, within: float) -> bool:
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        if (await health.report())[0]:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_socket_mode_waits_for_an_api_that_is_not_there_yet(tmp_path: Path) -> None:
    """Slack's API down at start: retried with backoff, /healthz says why, then the socket opens."""
    port = free_port()
    fake = FakeSlack().listen_on(port)
    async with aiohttp.ClientSession() as session:
        store = await SqliteStore.open(tmp_path / "socket.db")
        service = PaperService(store, DigestSources(HFSettings()))
        settings = SlackSettings(
            bot_token=SecretStr(DEFAULT_TOKEN),
            app_token=SecretStr(fake.socket_mode.app_token),
            api_url=fake.api_url,
        )
        app = build_slack_app(settings, service, web_client(settings, session))
        stop, health = asyncio.Event(), Health()
        task = asyncio.create_task(run_slack(app, settings, stop, health))
        try:
            await until(lambda: "slack" in health.checks, within=10)
            healthy, details = await health.report()
            assert not healthy
            assert str(details["checks"]["slack"]).startswith(
                f"cannot reach 127.0.0.1:{port}: connection refused"
            )
            async with fake:
                await fake.socket_mode.wait_connected(within=30)
                assert await _healthy(health, within=10)
                assert not task.done()
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
            await store.close()
