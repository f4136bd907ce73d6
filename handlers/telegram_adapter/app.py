"""The PTB Application: handlers, the command menu, errors, and polling or a webhook.

It shares the process's event loop with everything else (`async with app` plus `start()` and
the updater, never `run_polling()`), so Slack, the scheduler and the console can run beside it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import BotCommand, ChatMember, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ChatMemberHandler, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.errors import StartupError, StoreUnavailable
from bot.health import Health
from bot.i18n import LANGUAGES, t
from bot.logs import register_secret
from bot.ratelimit import RateLimiter
from bot.service import PaperService
from bot.startup import Unreachable, host_of, network_reason, start_when_reachable
from handlers.http_server import Refusals, read_body
from handlers.telegram_adapter.actions import TelegramActions
from handlers.telegram_adapter.commands import TELEGRAM_COMMANDS, TelegramCommands
from handlers.telegram_adapter.config import TelegramSettings
from handlers.telegram_adapter.inline import Inline
from handlers.telegram_adapter.limits import SharedRateLimiter
from handlers.telegram_adapter.places import destination_of, place_of, thread_of
from handlers.telegram_adapter.render import notice
from handlers.telegram_adapter.replies import TelegramApp, send
from handlers.telegram_adapter.update_shape import update_problem

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# How long one getUpdates waits for an update (PTB's default: 10 s). A poll through PTB's HTTP client
# costs more CPU than a heartbeat, and an idle bot does little else, so each waits three times as
# long. An update still comes the moment Telegram has it, a stop does not wait for the poll, and 30 s
# stays under the idle limits of the proxies and NATs on the way (60 s and more).
LONG_POLL_SECONDS = 30
GONE = frozenset({ChatMember.BANNED, ChatMember.LEFT})


class PollingTrouble:
    """getUpdates failing after the start (the Bot API went away, the network dropped). PTB tries
    again by itself, logging each failure with its traceback; `failed` (its error callback) says it
    in one WARNING line a minute instead (Refusals), and /healthz gives the reason until the Bot API
    answers a poll again (`answered`, from the polling's own HTTP client)."""

    def __init__(self, host: str) -> None:
        self._host = host
        self._lines = Refusals(log, "telegram", event="polling for updates failed")
        self.reason: str | None = None  # why polling fails now; None while it works

    def failed(self, err: TelegramError) -> None:
        """PTB's `error_callback`, called for each failed poll (it must not be a coroutine)."""
        if isinstance(err, NetworkError):
            self.reason = f"cannot reach {self._host}: {network_reason(err)}"
        else:
            self.reason = f"Telegram refused getUpdates: {err.message}"
        self._lines.refuse(self.reason)

    def answered(self) -> None:
        if self.reason is not None:
            log.warning("telegram: polling for updates works again")
            self.reason = None


class PollingRequest(HTTPXRequest):
    """The HTTP client of getUpdates alone (PTB keeps one apart for it): any answer of the Bot API
    tells PollingTrouble that polling reaches it again (a refusal after it is a failure again)."""

    def __init__(self, trouble: PollingTrouble) -> None:
        super().__init__(connection_pool_size=1)
        self._trouble = trouble

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        answer = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        self._trouble.answered()
        return answer


def build_application(
    settings: TelegramSettings,
    service: PaperService,
    limiter: RateLimiter | None = None,
    polling: PollingTrouble | None = None,
) -> TelegramApp:
    """A ready Application: every handler registered and errors handled (run_telegram sets the menu);
    `polling` learns whether getUpdates reaches the Bot API."""
    if settings.token is None:
        raise ValueError("Telegram needs PAPERBOY_TELEGRAM__TOKEN")

    builder = (
        Application.builder()
        .token(settings.token.get_secret_value())
        .base_url(settings.api_url)
        .connection_pool_size(16)  # answers to many chats go out side by side
        .concurrent_updates(True)  # a slow command does not hold up the others
    )
    if settings.webhook_url:
        builder = builder.updater(None)  # updates arrive through TelegramWebhook instead
    elif polling is not None:
        builder = builder.get_updates_request(PollingRequest(polling))
    if limiter is not None:  # the same budget as the push (see limits.py)
        builder = builder.rate_limiter(SharedRateLimiter(limiter, settings.rate_per_second))
    app: TelegramApp = builder.build()
    TelegramCommands(service).register(app)
    TelegramActions(service).register(app)
    Inline(service).register(app)
    membership = _Membership(service)
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, membership.on_migrate))
    app.add_handler(ChatMemberHandler(membership.on_member_change, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(_Errors(service).on_error)
    return app


async def set_commands(app: TelegramApp) -> None:
    """The command menu, in English by default and in Korean for Korean-speaking users."""
    for lang in LANGUAGES:
        commands = [BotCommand(name, t(f"cmd.{name}").render(lang)) for name in TELEGRAM_COMMANDS]
        await app.bot.set_my_commands(commands, language_code=None if lang == "en" else lang)


class _Membership:
    """Chat-level events: a group migrating to a supergroup, the bot being blocked or removed."""

    def __init__(self, service: PaperService) -> None:
        self._service = service

    async def on_member_change(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Blocked by a user or removed from a chat: pause its subscriptions, with the reason."""
        change = update.my_chat_member
        if change is None or change.new_chat_member.status not in GONE:
            return
        reason = (
            "bot was blocked by the user"
            if change.chat.type == "private"
            else "bot was removed from the chat"
        )
        for subscription in await self._service.subscriptions_of_chat("telegram", str(change.chat.id)):
            await self._service.pause(subscription.destination, reason)

    async def on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup: its subscriptions move to the new chat id."""
        message = update.effective_message
        if message is not None and message.migrate_to_chat_id:
            await self._service.move_chat("telegram", str(message.chat.id), str(message.migrate_to_chat_id))


class _Errors:
    def __init__(self, service: PaperService) -> None:
        self._service = service

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log and carry on; a blocked chat is paused, a migrated group is moved, a user gets no traceback."""
        error = context.error
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None and isinstance(update, Update):
            destination = destination_of(chat.id, thread_of(update.effective_message))
            if isinstance(error, Forbidden):
                await self._service.pause(destination, error.message)
                return
            if isinstance(error, ChatMigrated):
                await self._service.move_chat("telegram", str(chat.id), str(error.new_chat_id))
                return
        if isinstance(error, StoreUnavailable):  # the database is down: the operator gets its sentence
            log.warning("update not handled: %s", error)
        else:
            log.error("update failed: %r", update, exc_info=error)
        if chat is not None and isinstance(update, Update):
            await self._apologise(update, context)

    async def _apologise(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            place = await place_of(update, self._service)
            if update.callback_query is not None:
                await update.callback_query.answer(t("error.internal").render(place.lang)[:200])
            else:
                await send(
                    context.bot, place.chat.id, place.thread_id, notice(t("error.internal"), place.lang)
                )
        except TelegramError:
            log.warning("could not tell the chat about the error", exc_info=True)


class TelegramWebhook:
    """Receives Telegram's update POSTs on the process's HTTP server; a wrong secret token gets 403."""

    def __init__(self, app: TelegramApp, settings: TelegramSettings) -> None:
        self._app = app
        self.secret = (
            settings.webhook_secret.get_secret_value()
            if settings.webhook_secret
            else secrets.token_urlsafe(32)
        )
        register_secret(self.secret)  # a random one is not in the settings, so logs learn it place
        self.path = urlsplit(settings.webhook_url or "/").path or "/"
        self._refusals = Refusals(log, "telegram")

    async def handle(self, request: web.Request) -> web.Response:
        """403 without the secret (one WARNING line a minute); with it, a body over the size cap is
        413 and one that is no Update as Telegram sends it is 400, each in one WARNING line."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.secret.encode()):
            self._refusals.refuse("a wrong or missing secret token (403)")
            return web.Response(status=403, text="forbidden")
        body = await read_body(request, "telegram")
        if isinstance(body, web.Response):
            return body
        try:
            data = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError):  # not UTF-8, not JSON, a number too long, nested too deep
            return _not_an_update("the body is not JSON in UTF-8")
        problem = update_problem(data)
        if problem is not None:
            return _not_an_update(problem)
        try:
            update = Update.de_json(data, self._app.bot)
        except Exception as err:  # whatever else PTB cannot build an Update from
            return _not_an_update(f"PTB cannot read it: {type(err).__name__}: {str(err)[:100]}")
        await self._app.update_queue.put(update)
        return web.Response(text="ok")

    def route(self) -> web.RouteDef:
        return web.post(self.path, self.handle)


def _not_an_update(why: str) -> web.Response:
    log.warning("telegram: refused a webhook request (400): %s", why)
    return web.Response(status=400, text="not an update")


async def run_telegram(
    app: TelegramApp,
    settings: TelegramSettings,
    stop: asyncio.Event,
    webhook: TelegramWebhook | None = None,
    health: Health | None = None,
    polling: PollingTrouble | None = None,
) -> None:
    """Serve updates until `stop` is set, then shut down cleanly: by long polling, or, with a
    `webhook` whose route the caller's HTTP server serves, by registering the webhook URL.
    While the Bot API cannot be reached, try again with backoff (the rest of the process runs on);
    a refused token or webhook is a StartupError. `health` learns whether updates are flowing."""
    if settings.webhook_url and webhook is None:
        raise ValueError("webhook mode needs the TelegramWebhook route on an HTTP server")
    host = host_of(settings.api_url)

    async def start() -> None:
        try:
            await app.initialize()  # getMe: the token, and whether the API answers at all
            await set_commands(app)  # post_init runs only under run_polling(), which a shared loop avoids
            if settings.webhook_url and webhook is not None:
                await app.bot.set_webhook(
                    settings.webhook_url, secret_token=webhook.secret, allowed_updates=Update.ALL_TYPES
                )
        except InvalidToken as err:
            raise StartupError("Telegram refused the bot token; check PAPERBOY_TELEGRAM__TOKEN") from err
        except BadRequest as err:
            raise StartupError(f"Telegram refused to start the bot: {err.message}") from err
        except NetworkError as err:  # refused, DNS, timeouts (TimedOut), 5xx
            raise Unreachable(f"cannot reach {host}: {network_reason(err)}") from err

    async def alive() -> bool | str:
        updating = app.updater is not None and app.updater.running
        if not (app.running and (updating or webhook is not None)):
            return False
        return (polling.reason if polling else None) or True

    if not await start_when_reachable("telegram", start, stop, health):
        await app.shutdown()  # stopped while waiting for the API: close what a half-start opened
        return
    if health is not None:
        health.add("telegram", alive)
    async with app:
        await app.start()
        if not settings.webhook_url:
            assert app.updater is not None
            await app.updater.start_polling(
                timeout=LONG_POLL_SECONDS,
                allowed_updates=Update.ALL_TYPES,
                error_callback=polling.failed if polling else None,
            )
        try:
            await stop.wait()
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            await app.stop()
