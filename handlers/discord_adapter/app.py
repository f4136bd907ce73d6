"""POST /discord/interactions: Discord's HTTP interactions, checked, dispatched and answered in time;
and the runner that checks the token and registers the slash commands at start.

The Ed25519 signature (X-Signature-Ed25519 over X-Signature-Timestamp + the raw body, under the
application's public key) is checked first, on the raw bytes: a missing, forged or stale one gets
401 and one rate-limited log line (hikari's own InteractionServer would answer 400, which Discord
counts as a broken endpoint). Then the body must be JSON hikari can read (400 otherwise). PING gets
PONG; commands and components run under replies.guarded, answered within Discord's 3 seconds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
import hikari
from aiohttp import web
from hikari.api import RESTClient
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from bot.errors import StartupError
from bot.health import Health
from bot.i18n import Lang, pick_language, t
from bot.metrics import METRICS
from bot.service import PaperService
from bot.startup import Unreachable, host_of, network_reason, start_when_reachable
from handlers.discord_adapter.actions import DiscordActions
from handlers.discord_adapter.commands import Call, DiscordCommands, command_builders, invoked
from handlers.discord_adapter.config import DiscordSettings
from handlers.discord_adapter.places import Interaction, Place, place_of
from handlers.discord_adapter.replies import (
    DEFER_AFTER,
    Reply,
    answer_deferred,
    answer_now,
    defer,
    guarded,
    said,
)
from handlers.http_server import Refusals, read_body, signed

log = logging.getLogger(__name__)
INTERACTIONS_PATH = "/discord/interactions"
SIGNATURE_HEADER = "X-Signature-Ed25519"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
PING, PONG = 1, 1


def unsigned(key: VerifyKey, headers: Mapping[str, str], body: bytes, now: float) -> str | None:
    """Why a request is not Discord's (None when it is): the Ed25519 signature of timestamp + body,
    dated within five minutes of `now` either way."""
    checked = signed(headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER), now)
    if isinstance(checked, str):
        return checked
    stamp, signature = checked
    try:
        key.verify(stamp.encode() + body, bytes.fromhex(signature))
    except (ValueError, BadSignatureError):
        return "a wrong signature"
    return None


class Interactions:
    """Reads a checked interaction, runs its handler, and answers in the response or after deferring."""

    def __init__(self, service: PaperService, rest: RESTClient) -> None:
        self._service = service
        self._rest = rest
        self._commands = DiscordCommands(service)
        self._actions = DiscordActions(service)
        self._later: set[asyncio.Task[None]] = set()

    async def answer(self, interaction: Interaction) -> web.Response:
        """The HTTP answer: the reply itself when it is ready within DEFER_AFTER, else 204 after a
        deferral through the callback endpoint (the reply then follows with the token)."""
        work = asyncio.create_task(self._reply(interaction))
        done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER)
        if done and work.result().followup is None:
            return web.json_response(work.result().response())
        if done:  # answered through the callback endpoint, so that the follow-up can come after it
            try:
                await answer_now(self._rest, interaction, work.result())
            except (hikari.HTTPError, aiohttp.ClientError, TimeoutError) as err:
                log.warning("discord: an answer with a follow-up was refused: %s", err)
                return web.Response(status=503)
            return web.Response(status=204)
        update = self._updates(interaction)
        try:
            await defer(self._rest, interaction, update=update)
        except (hikari.HTTPError, aiohttp.ClientError, TimeoutError) as err:
            log.warning("discord: could not defer a slow interaction: %s", err)
            work.cancel()
            return web.Response(status=503)
        later = asyncio.create_task(self._follow(interaction, work, update))
        self._later.add(later)
        later.add_done_callback(self._later.discard)
        return web.Response(status=204)

    async def _follow(self, interaction: Interaction, work: asyncio.Task[Reply], update: bool) -> None:
        reply = await work
        try:
            await answer_deferred(self._rest, interaction, reply, update=update)
        except (hikari.HTTPError, aiohttp.ClientError, TimeoutError) as err:
            log.warning("discord: a deferred answer was refused: %s", err)

    def _updates(self, interaction: Interaction) -> bool:
        """Whether the answer replaces the message interacted with (then a deferral is type 6)."""
        if isinstance(interaction, hikari.ComponentInteraction):
            action, _ = self._actions.action(interaction.custom_id)
            return action is not None and action.updates
        return isinstance(interaction, hikari.ModalInteraction) and interaction.message is not None

    async def _reply(self, interaction: Interaction) -> Reply:
        place: Place | None = None

        async def work() -> Reply:
            nonlocal place
            place = await place_of(self._service, interaction)
            if isinstance(interaction, hikari.CommandInteraction):
                name, arguments = invoked(interaction)
                return await self._commands.run(name, Call(arguments, place))
            if isinstance(interaction, hikari.ComponentInteraction):
                action, argument = self._actions.action(interaction.custom_id)
                if action is not None:
                    return await action.run(interaction, argument, place)
            elif (form := self._actions.forms.get(interaction.custom_id)) is not None:
                return await form(interaction, place)
            return said(t("discord.bad_button"), place.lang)  # a custom_id we never made

        def lang() -> Lang:
            return place.lang if place is not None else pick_language(interaction.locale)

        with METRICS.timed_command("discord"):
            return await guarded(work, lang, _what(interaction))


def _what(interaction: Interaction) -> str:
    """The interaction in a log line: the command, or the kind of button."""
    if isinstance(interaction, hikari.CommandInteraction):
        return f"/{interaction.command_name} " + " ".join(option.name for option in interaction.options[:1])
    if isinstance(interaction, hikari.ComponentInteraction):
        return f"button {interaction.custom_id.partition(':')[0]}"
    return "modal"


def interactions_route(settings: DiscordSettings, service: PaperService, rest: RESTClient) -> web.RouteDef:
    """POST /discord/interactions: 401 unless Discord signed it, PONG to PING, else the answer."""
    if settings.public_key is None:
        raise ValueError("Discord needs PAPERBOY_DISCORD__PUBLIC_KEY")
    key = VerifyKey(bytes.fromhex(settings.public_key))
    refusals = Refusals(log, "discord")
    interactions = Interactions(service, rest)

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await read_body(request, "discord")
        if isinstance(body, web.Response):
            return body
        why = unsigned(key, request.headers, body, time.time())
        if why is not None:
            refusals.refuse(why)
            return web.json_response({"error": "invalid request signature"}, status=401)
        interaction, why = _readable(rest, body)
        if interaction is None:
            if why == "ping":
                return web.json_response({"type": PONG})
            log.warning("discord: refused a signed request (400): %s", why)
            return web.json_response({"error": why}, status=400)
        return await interactions.answer(interaction)

    return web.post(INTERACTIONS_PATH, handle)


def _readable(rest: RESTClient, body: bytes) -> tuple[Interaction | None, str]:
    """The interaction as hikari reads it, "ping" for a PING, or why a signed body is unusable."""
    try:
        payload: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, "the body is not JSON"
    if not isinstance(payload, dict):
        return None, "the body is no JSON object"
    if payload.get("type") == PING:
        return None, "ping"
    try:
        interaction = rest.entity_factory.deserialize_interaction(payload)
    except Exception as err:  # a deserialiser reads whatever a body holds: any failure is the body's
        return None, f"hikari cannot read it ({type(err).__name__})"
    if not isinstance(
        interaction, hikari.CommandInteraction | hikari.ComponentInteraction | hikari.ModalInteraction
    ):
        return None, f"an interaction of type {payload.get('type')!r} Paperboy does not take"
    return interaction, ""


async def run_discord(
    rest: RESTClient, settings: DiscordSettings, stop: asyncio.Event, health: Health | None = None
) -> None:
    """Check the token (GET /users/@me) and register the slash commands (a bulk overwrite, in one
    server or globally), then wait for `stop`: interactions arrive at the route. While Discord cannot
    be reached, try again with backoff; a refused token is a StartupError."""
    host = host_of(settings.api_url)
    ready = False

    async def start() -> None:
        nonlocal ready
        try:
            me = await rest.fetch_my_user()
            guild = int(settings.commands_guild_id) if settings.commands_guild_id else hikari.UNDEFINED
            await rest.set_application_commands(
                int(settings.application_id or 0), command_builders(rest), guild
            )
        except hikari.UnauthorizedError as err:
            raise StartupError("Discord refused the bot token (401); check PAPERBOY_DISCORD__TOKEN") from err
        except hikari.ForbiddenError as err:
            raise StartupError(
                f"Discord refused to register the commands ({err.code} {err.message}); check "
                "PAPERBOY_DISCORD__APPLICATION_ID and that the bot is in PAPERBOY_DISCORD__COMMANDS_GUILD_ID"
            ) from err
        except hikari.BadRequestError as err:
            raise StartupError(
                f"Discord refused the slash commands: {err.message} {str(err.errors)[:300]}"
            ) from err
        except hikari.RateLimitTooLongError as err:
            raise Unreachable(f"{host} asked to wait {err.retry_after:.0f} s (429)") from err
        except hikari.InternalServerError as err:
            raise Unreachable(f"{host} answered HTTP {int(err.status)}") from err
        except hikari.HTTPResponseError as err:  # 404 and the like: not Discord's API at that URL
            raise StartupError(
                f"{host} answered HTTP {int(err.status)} to GET /users/@me; check PAPERBOY_DISCORD__API_URL"
            ) from err
        except hikari.HTTPError as err:  # hikari's wrapper of a connection that failed
            raise Unreachable(f"cannot reach {host}: {network_reason(err.__cause__ or err)}") from err
        except (aiohttp.ClientError, OSError) as err:
            raise Unreachable(f"cannot reach {host}: {network_reason(err)}") from err
        where = f"server {settings.commands_guild_id}" if settings.commands_guild_id else "every server"
        log.info("Discord connected as %s; commands registered in %s; interactions at %s",
                 me.username, where, INTERACTIONS_PATH)  # fmt: skip
        ready = True

    async def alive() -> bool:
        return ready

    if not await start_when_reachable("discord", start, stop, health):
        return
    if health is not None:
        health.add("discord", alive)
    await stop.wait()
