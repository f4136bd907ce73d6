"""A running Slack app for end-to-end tests: the real Bolt AsyncApp in HTTP mode on the bot's own
HTTP server, its AsyncWebClient talking to the loopback FakeSlack, the sample day in a real SQLite file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from pydantic import SecretStr

from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.service import PaperService
from handlers.http_server import HttpServer
from handlers.slack_adapter.app import EVENTS_PATH, build_slack_app, events_route, web_client
from handlers.slack_adapter.config import SlackSettings
from storage.sqlite import SqliteStore
from tests.fakes.slack_api import DEFAULT_TOKEN, DEFAULT_USER_ID, FakeSlack, ResponsePost
from tests.fakes.slack_requests import DEFAULT_CHANNEL_ID, DEFAULT_SECRET, Workspace, find_action

OUTSIDE = "C0OUTSIDE"  # a channel the bot was not invited to
GUEST = "U0GUEST"


@dataclass
class SlackRig:
    fake: FakeSlack
    service: PaperService
    store: SqliteStore
    user: Workspace
    url: str
    settings: SlackSettings
    client: Any

    def as_user(self, user_id: str = DEFAULT_USER_ID, channel_id: str = DEFAULT_CHANNEL_ID) -> Workspace:
        return Workspace(self.fake, self.url, DEFAULT_SECRET, user_id=user_id, channel_id=channel_id)

    async def answer(self, command: str, text: str = "", count: int = 1) -> list[ResponsePost]:
        """Run a command and wait for its `count` answers (posted after the ack)."""
        before = len(self.fake.responses)
        delivery = await self.user.command(command, text)
        assert delivery.status == 200, delivery.text
        await self.fake.wait_for_responses(before + count)
        return self.fake.responses[before:]


def button_value(response: ResponsePost, action_id: str) -> str:
    found = find_action(response.blocks, action_id)
    assert found is not None, f"no {action_id} button"
    return str(found[1]["value"])


@asynccontextmanager
async def running_slack(tmp_path: Path, *, rate_limits: bool = True) -> AsyncIterator[SlackRig]:
    async with FakeSlack(rate_limits=rate_limits) as fake, aiohttp.ClientSession() as session:
        fake.add_channel(DEFAULT_CHANNEL_ID, "digest")
        fake.add_channel(OUTSIDE, "random", is_member=False)
        fake.add_user(DEFAULT_USER_ID, "reader")
        fake.add_user(GUEST, "visitor", is_restricted=True)
        store = await SqliteStore.open(tmp_path / "slack.db")
        service = PaperService(store, DigestSources(HFSettings()))
        await service.seed_sample()
        settings = SlackSettings(
            bot_token=SecretStr(DEFAULT_TOKEN), signing_secret=SecretStr(DEFAULT_SECRET), api_url=fake.api_url
        )
        client = web_client(settings, session)
        app = build_slack_app(settings, service, client)
        server = HttpServer("127.0.0.1", 0, [events_route(app, settings)])
        await server.start()
        url = f"http://127.0.0.1:{server.port}{EVENTS_PATH}"
        try:
            yield SlackRig(fake, service, store, Workspace(fake, url), url, settings, client)
        finally:
            await server.stop()
            await store.close()
