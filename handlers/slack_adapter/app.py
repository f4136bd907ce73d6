"""The Bolt AsyncApp: listeners registered, errors logged, and Socket Mode or HTTP mode.

Socket Mode (an app-level token is set) needs no public URL; HTTP mode receives Slack's POSTs on
the process's HTTP server, where Bolt checks each request's signature and age (401 otherwise).
Either way Slack shares the event loop with Telegram and the push.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackSettings
from bot.errors import StartupError
from bot.health import Health
from bot.service import PaperService
from bot.startup import Unreachable, host_of, network_reason, start_when_reachable
from handlers.slack_adapter.actions import SlackActions
from handlers.slack_adapter.channels import error_code
from handlers.slack_adapter.commands import SlackCommands
from handlers.slack_adapter.home import SlackHome

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
TIMEOUT_SECONDS = 30


def web_client(settings: SlackSettings, session: aiohttp.ClientSession) -> AsyncWebClient:
    """One client for commands and pushes, on one pooled session (without it each call opens a connection)."""
    if settings.bot_token is None:
        raise ValueError("Slack needs PAPERBOY_SLACK__BOT_TOKEN")
    return AsyncWebClient(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.api_url,
        session=session,
        timeout=TIMEOUT_SECONDS,
    )


def build_slack_app(settings: SlackSettings, service: PaperService, client: AsyncWebClient) -> AsyncApp:
    """A ready AsyncApp; HTTP mode refuses to start without a signing secret."""
    secret = settings.signing_secret.get_secret_value() if settings.signing_secret else ""
    if not secret and settings.app_token is None:
        raise ValueError("Slack in HTTP mode needs PAPERBOY_SLACK__SIGNING_SECRET (or set an app token)")
    app = AsyncApp(
        client=client,
        signing_secret=secret,
        logger=logging.getLogger("paperboy.slack.bolt"),
        raise_error_for_unhandled_request=False,
    )
    SlackCommands(service, settings).register(app)
    SlackActions(service).register(app)
    SlackHome(service).register(app)
    app.error(_on_error)
    return app


async def _on_error(error: Exception, body: dict[str, Any]) -> None:
    log.error("Slack request failed: %s", body.get("type") or body.get("command"), exc_info=error)


def events_route(app: AsyncApp) -> web.RouteDef:
    """POST /slack/events: slash commands, buttons, modals and events in HTTP mode."""

    async def handle(request: web.Request) -> web.StreamResponse:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    return web.post(EVENTS_PATH, handle)


async def run_slack(
    app: AsyncApp, settings: SlackSettings, stop: asyncio.Event, health: Health | None = None
) -> None:
    """Check the token (auth.test), then Socket Mode until `stop` when an app token is set; in HTTP
    mode the events route does the work. While the Web API cannot be reached, try again with backoff
    (the rest of the process runs on); a refused token is a StartupError. `health` learns whether
    Slack is reachable."""
    link = _Link()
    host = host_of(settings.api_url)

    async def start() -> None:
        try:
            await app.client.auth_test()  # a revoked or mistyped token stops the start, loudly
        except SlackApiError as err:
            if _unavailable(err):
                raise Unreachable(f"{host} answered HTTP {err.response.status_code}") from err
            raise StartupError(
                f"Slack refused the bot token ({error_code(err)}); check PAPERBOY_SLACK__BOT_TOKEN"
            ) from err
        except (aiohttp.ClientError, OSError) as err:  # refused, DNS, timeouts
            raise Unreachable(f"cannot reach {host}: {network_reason(err)}") from err
        if settings.app_token is not None:
            link.socket = await _open_socket(app, settings.app_token.get_secret_value(), host)

    if not await start_when_reachable("slack", start, stop, health):
        return
    if health is not None:
        health.add("slack", link.alive)
    if link.socket is None:
        log.info("Slack in HTTP mode: requests arrive at %s", EVENTS_PATH)
        link.ready = True  # HTTP mode has no connection to lose: Slack calls us
        await stop.wait()
        return
    log.info("Slack connected by Socket Mode")
    try:
        await stop.wait()
    finally:
        await link.socket.close_async()  # type: ignore[no-untyped-call]


async def _open_socket(app: AsyncApp, app_token: str, host: str) -> AsyncSocketModeHandler:
    """Socket Mode's connection (apps.connections.open, then the WebSocket), or why not."""
    socket = AsyncSocketModeHandler(app, app_token)
    try:
        await socket.connect_async()  # type: ignore[no-untyped-call]
    except SlackApiError as err:
        await socket.close_async()  # type: ignore[no-untyped-call]
        if _unavailable(err):
            raise Unreachable(f"{host} answered HTTP {err.response.status_code}") from err
        raise StartupError(
            f"Slack refused the app token ({error_code(err)}); check PAPERBOY_SLACK__APP_TOKEN"
        ) from err
    except (aiohttp.ClientError, OSError) as err:
        await socket.close_async()  # type: ignore[no-untyped-call]
        raise Unreachable(f"cannot open Socket Mode's connection: {network_reason(err)}") from err
    return socket


def _unavailable(err: SlackApiError) -> bool:
    """An answer that says try later (5xx, 429), not that the token is wrong."""
    status = int(getattr(err.response, "status_code", 0) or 0)
    return status >= 500 or status == 429


class _Link:
    """Whether Slack can reach us: the token was accepted and, in Socket Mode, the socket is open."""

    def __init__(self) -> None:
        self.ready = False
        self.socket: AsyncSocketModeHandler | None = None

    async def alive(self) -> bool:
        if self.socket is not None:
            return bool(await self.socket.client.is_connected())
        return self.ready
