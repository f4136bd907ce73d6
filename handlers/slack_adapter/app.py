"""The Bolt AsyncApp: listeners registered, errors logged, and Socket Mode or HTTP mode.

Socket Mode (an app-level token is set) needs no public URL and serves no route; HTTP mode receives
Slack's POSTs on the process's HTTP server. There the signature and age of each request are checked
on its raw bytes before anything is read from it (401 otherwise), then the body must be UTF-8 and the
form or JSON object Slack sends (400 otherwise), and at most 1 MiB long (413): what Bolt
gets is signed and well formed, so no request from outside can make it fail with a traceback.
Either way Slack shares the event loop with Telegram and the push.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import StartupError
from bot.health import Health
from bot.service import PaperService
from bot.startup import Unreachable, host_of, network_reason, start_when_reachable
from handlers.http_server import Refusals, read_body, signed
from handlers.slack_adapter.actions import SlackActions
from handlers.slack_adapter.commands import SlackCommands
from handlers.slack_adapter.config import SlackSettings
from handlers.slack_adapter.home import SlackHome
from handlers.slack_adapter.places import MalformedRequest, error_code

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
TIMEOUT_SECONDS = 30
SIGNATURE_HEADER = "X-Slack-Signature"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"


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
        raise_error_for_unhandled_request=True,  # said in one line by _on_error, not Bolt's many
    )
    SlackCommands(service, settings).register(app)
    SlackActions(service).register(app)
    SlackHome(service).register(app)
    app.error(_on_error)
    return app


async def _on_error(error: Exception, body: dict[str, Any]) -> BoltResponse | None:
    """A request no listener takes is one WARNING line (Bolt's 404 stands); a request a listener found
    malformed is another (400); anything else is a bug: logged with its traceback (500)."""
    what = body.get("type") or body.get("command")
    if isinstance(error, BoltUnhandledRequestError):
        log.warning("slack: no listener for a %s request (404)", _short(what))
        return None
    if isinstance(error, MalformedRequest):
        log.warning("slack: refused a signed %s request (400): %s", _short(what), error)
        return BoltResponse(status=400, body={"error": "malformed request"})
    log.error("Slack request failed: %s", what, exc_info=error)
    return None


def _short(value: object) -> str:
    return repr(value)[:60]


def events_route(app: AsyncApp, settings: SlackSettings) -> web.RouteDef:
    """POST /slack/events: slash commands, buttons, modals and events in HTTP mode.

    Bolt parses a body before it checks the signature, so anyone could make it fail; here the raw
    bytes are checked first (`unsigned`), then read the way Bolt will read them (`unreadable`)."""
    if settings.signing_secret is None:
        raise ValueError("Slack's HTTP mode needs PAPERBOY_SLACK__SIGNING_SECRET")
    secret = settings.signing_secret.get_secret_value().encode()
    refusals = Refusals(log, "slack")

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await read_body(request, "slack")
        if isinstance(body, web.Response):
            return body
        if body.startswith(b"ssl_check=1") and len(body) < 256:  # Slack's certificate probe: unsigned
            return web.Response(text="")
        why = unsigned(secret, request.headers, body, time.time())
        if why is not None:
            refusals.refuse(why)
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_request, why = unreadable(body, request)
        if bolt_request is None:
            log.warning("slack: refused a signed request (400): %s", why)
            return web.json_response({"error": why}, status=400)
        try:
            answer = await app.async_dispatch(bolt_request)
        except Exception as err:  # listeners' errors stay in Bolt: this is Bolt failing to read the body
            log.warning("slack: refused a signed request (400): Bolt cannot read it: %s", _short(err))
            return web.json_response({"error": "malformed request"}, status=400)
        return await to_aiohttp_response(answer)

    return web.post(EVENTS_PATH, handle)


def unsigned(secret: bytes, headers: Mapping[str, str], body: bytes, now: float) -> str | None:
    """Why a request is not Slack's (None when it is): the `v0` HMAC of its timestamp and raw body
    under the signing secret, dated within five minutes of `now` either way."""
    checked = signed(headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER), now)
    if isinstance(checked, str):
        return checked
    stamp, signature = checked
    digest = hmac.new(secret, b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(f"v0={digest}".encode(), signature.encode("utf-8", "replace")):
        return "a wrong signature"
    return None


def unreadable(body: bytes, request: web.Request) -> tuple[AsyncBoltRequest | None, str]:
    """The request as Bolt reads it, or why it cannot be one Slack sent: UTF-8, then a form (a
    command, or `payload=` holding a JSON object) or a JSON object with a `type`."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, "the body is not UTF-8"
    try:  # parses as Bolt does: JSON when it says so or starts with "{", else a form (maybe payload=)
        bolt_request = AsyncBoltRequest(body=text, query=request.query_string, headers=dict(request.headers))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None, "the body is neither a form nor a JSON object"
    payload = bolt_request.body
    if not isinstance(payload, dict):
        return None, "the body is neither a form nor a JSON object"
    if not text.lstrip().startswith("{"):  # a form: its %-escapes must be UTF-8 too (Bolt replaces them)
        try:
            parse_qsl(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            return None, "the form is not UTF-8"
    problem = _odd_shape(payload)
    if problem is not None:
        return None, problem
    return bolt_request, ""


def _odd_shape(payload: Mapping[str, Any]) -> str | None:
    """What in a parsed body has a shape Slack never sends, where Bolt or a listener reads it."""
    kind = payload.get("type")
    if not isinstance(kind or payload.get("command"), str):
        return "the body is no command, interaction or event"
    if kind in ("block_actions", "view_submission", "view_closed", "shortcut", "message_action"):
        user = payload.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            return f"a {kind} without a user id"
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions:
            return "block_actions without actions"
        if not all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions):
            return "block_actions with an action that is no object with an action_id"
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        state = view.get("state") if isinstance(view, dict) else None
        if not isinstance(state, dict) or not isinstance(state.get("values"), dict):
            return f"a {kind} without view.state.values"
        if not isinstance(view, dict) or not isinstance(view.get("type"), str):  # Bolt reads view.type
            return f"a {kind} without view.type"
    if kind == "event_callback":
        event = payload.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "an event_callback without an event"
    for name in ("authorizations",):
        value = payload.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            return f"{name} that is no list of objects"
    return None


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
