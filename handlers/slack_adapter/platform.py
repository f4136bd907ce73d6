"""Slack as a Platform (bot.platform): one pooled Web API client, the Bolt app, Socket Mode or HTTP."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import partial
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform import Platform, RenderRequest, Served, Serving
from handlers.slack_adapter.app import build_slack_app, events_route, run_slack, web_client
from handlers.slack_adapter.config import SlackSettings
from handlers.slack_adapter.notifier import SlackNotifier
from handlers.slack_adapter.render import push_messages

NAME = "slack"


@dataclass(frozen=True)
class SlackConnection:
    """The Web API client, open: commands and pushes share it (and its connection pool)."""

    settings: SlackSettings
    client: AsyncWebClient
    notifier: SlackNotifier

    def serve(self, serving: Serving) -> Served:
        app = build_slack_app(self.settings, serving.service, self.client)
        # Socket Mode serves no route: /slack/events is then a 404
        routes = [events_route(app, self.settings)] if self.settings.app_token is None else []
        serving.health.expect(NAME)
        return Served(partial(run_slack, app, self.settings, serving.stop, serving.health), routes)


class Slack:
    """bot.platform.Platform for Slack (slack-bolt's AsyncApp on slack_sdk's AsyncWebClient)."""

    name = NAME
    loggers = ("slack_bolt", "slack_sdk")

    async def open(
        self, settings: SlackSettings, stack: contextlib.AsyncExitStack, *, connections: int
    ) -> SlackConnection:
        connector = aiohttp.TCPConnector(limit=connections)
        session = await stack.enter_async_context(aiohttp.ClientSession(connector=connector))
        client = web_client(settings, session)
        return SlackConnection(settings, client, SlackNotifier(client))

    def render(self, request: RenderRequest) -> list[dict[str, Any]]:
        messages = push_messages(
            request.day, request.papers, request.format, request.language, request.summary_language
        )
        return [{"method": "chat.postMessage", "params": m.payload(request.chat_id)} for m in messages]


PLATFORM: Platform[SlackSettings] = Slack()
