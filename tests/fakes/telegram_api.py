"""A loopback imitation of the Telegram Bot API that the real python-telegram-bot talks to over HTTP.

Mocking PTB's `Bot` would only test our assumptions about Telegram. This server sits behind
`ApplicationBuilder().token(T).base_url(fake.api_url)` and answers `/bot<TOKEN>/<method>` the way
Telegram does, so the whole stack runs for real: PTB's request encoding (form fields, `reply_markup`
as a JSON string), its de-jsoning of our answers, its mapping of error answers to exceptions
(400 -> BadRequest, 403 -> Forbidden, 429 -> RetryAfter, migrate_to_chat_id -> ChatMigrated).

It enforces what Telegram enforces, so a rendering bug fails a test the way it fails in production.
Every call is first checked against the Bot API specification (tests/fakes/telegram_spec.py reads
api.json: required parameters, types down to every button and inline result, the limits the
descriptions state), then against the rules of the chat it goes to (no ForceReply or reply keyboard
in a channel, web_app buttons and message effects in private chats only). A method the spec does not
have is a 404; one it has that the fake does not implement is a 501, after its parameters were
checked. Then the handlers: HTML markup parsed strictly (tests/fakes/telegram_html.py), text and
caption lengths after parsing, button URLs, forum threads, "message is not modified", single-use
callback and inline query ids, command names, an https webhook on a port Telegram allows,
`allowed_updates`, and flood limits answered with 429 and `retry_after` (1,000/s overall with
`allow_paid_broadcast`). Tests push updates (messages, commands, button presses, inline
queries, group migrations, blocks) that the bot reads by long polling or receives on its webhook,
and they read back what the bot did from plain records: `sent`, `edits`, `errors`, `requests` ...
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import contextvars
import functools
import math
import re
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from tests.fakes.loopback import LoopbackServer
from tests.fakes.telegram_html import Entity, EntityParseError, parse_html, utf16_len, valid_link
from tests.fakes.telegram_spec import MESSAGE_ENTITIES, WEBHOOK_PORTS, CheckedCall, SpecError, load_spec

DEFAULT_TOKEN = "123456:TEST-token"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ANONYMOUS_ADMIN_ID = 1087968824
DEFAULT_USER_ID = 7000001
"""The user who writes in groups and channels when a test names nobody."""

MAX_TEXT = 4096
MAX_CAPTION = 1024

QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)

_CHAT_TYPES = frozenset({"private", "group", "supergroup", "channel"})
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
"""setWebhook/getUpdates: "Specify an empty list to receive all update types except chat_member,
message_reaction, and message_reaction_count (default)"."""
_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
    "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users",
    "can_post_stories", "can_edit_stories", "can_delete_stories",
)  # fmt: skip
_MEMBER_FIELDS: dict[str, dict[str, Any]] = {
    "creator": {"is_anonymous": False},
    "administrator": dict.fromkeys(_ADMIN_RIGHTS, False) | {"can_manage_chat": True},
    "member": {},
    "left": {},
    "kicked": {"until_date": 0},
}
_GIFT_TYPES = (
    "unlimited_gifts",
    "limited_gifts",
    "unique_gifts",
    "premium_subscription",
    "gifts_from_channels",
)


# --- records -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent, or the new state of one it edited, as the fake accepted it.

    `text` is what users see (the message text, or a photo's caption) after markup parsing and
    `html` the raw string the bot sent; `caption` is set for photos only. `method` names the call
    that produced this state: sendMessage, sendPhoto, editMessageText or editMessageReplyMarkup.
    """

    chat_id: int
    message_id: int
    method: str
    text: str
    html: str
    entities: list[Entity]
    reply_markup: dict[str, Any] | None
    message_thread_id: int | None
    photo: str | None
    caption: str | None
    date: int
    parse_mode: str | None = None
    edit_date: int | None = None


@dataclass(frozen=True)
class ApiRequest:
    """One call the bot made: the method name and its parameters, JSON fields decoded."""

    method: str
    params: dict[str, Any]


@dataclass(frozen=True)
class AnsweredError:
    """One 4xx answer the fake gave."""

    method: str
    status: int
    description: str


@dataclass(frozen=True)
class CallbackAnswer:
    """An accepted answerCallbackQuery."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class InlineAnswer:
    """An accepted answerInlineQuery; `results` as the bot sent them."""

    query_id: str
    results: list[dict[str, Any]]
    next_offset: str
    cache_time: int | None
    is_personal: bool


@dataclass(frozen=True)
class CommandList:
    """An accepted setMyCommands: (command, description) pairs for one scope and language."""

    commands: list[tuple[str, str]]
    scope: dict[str, Any]
    language_code: str


@dataclass(frozen=True)
class Webhook:
    """The webhook the bot registered with setWebhook."""

    url: str
    secret_token: str | None


@dataclass(frozen=True)
class Deleted:
    """A message the bot deleted."""

    chat_id: int
    message_id: int


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded in a multipart request."""

    filename: str
    data: bytes


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """At most `limit` accepted sends within any `seconds`-long stretch of time."""

    limit: int
    seconds: float


@dataclass(frozen=True)
class RateLimits:
    """Telegram's flood limits: per chat, per group/supergroup/channel, and overall; a send with
    `allow_paid_broadcast` counts against `paid_overall` instead of `overall` (its chat's limits stay)."""

    per_chat: Window = Window(1, 1.0)
    per_group: Window = Window(20, 60.0)
    overall: Window = Window(30, 1.0)
    paid_overall: Window = Window(1000, 1.0)


@dataclass(frozen=True)
class FakeChat:
    """A chat the fake knows; private chats share their id with the user."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    is_forum: bool = False

    def to_json(self) -> dict[str, Any]:
        """The Chat object as it appears inside messages."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.title or f"User {self.id}"
        else:
            data["title"] = self.title or f"Chat {self.id}"
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data

    def full_json(self) -> dict[str, Any]:
        """The ChatFullInfo object getChat answers, with the fields PTB 22 requires."""
        return self.to_json() | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(_GIFT_TYPES, False),
        }


# --- plumbing ------------------------------------------------------------------------------------


class _ApiError(Exception):
    """An error answer: HTTP status, Telegram's description and optional `parameters`."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad_request(detail: str, parameters: dict[str, Any] | None = None) -> _ApiError:
    return _ApiError(400, f"Bad Request: {detail}", parameters)


class _Signal:
    """Wakes everyone waiting for "something happened"; each fire() starts a new round."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self) -> None:
        """Return on the next fire()."""
        await self._event.wait()


async def _at_most(seconds: float, waiting: Awaitable[Any]) -> None:
    """Await `waiting`, giving up quietly after `seconds`."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(waiting, seconds)


class _RateLimiter:
    """Sliding windows over the times of accepted sends.

    Each record keeps only the stretch its windows look at (the overall one its own second, a chat
    its longest window), so a check costs the same at 1,000 sends a second as at 30.
    """

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self._limits = limits
        self._clock = clock
        self._chat_horizon = max(limits.per_chat.seconds, limits.per_group.seconds)
        self._overall_horizon = max(limits.overall.seconds, limits.paid_overall.seconds)
        self._overall: deque[float] = deque()
        self._per_chat: defaultdict[int, deque[float]] = defaultdict(deque)

    def retry_after(self, chat: FakeChat, paid: bool = False) -> int | None:
        """Whole seconds until a send to `chat` fits every window, or None when it fits now."""
        now = self._clock()
        chat_times = self._per_chat[chat.id]
        _forget(self._overall, now - self._overall_horizon)
        _forget(chat_times, now - self._chat_horizon)
        overall = self._limits.paid_overall if paid else self._limits.overall
        checks = [(self._overall, overall), (chat_times, self._limits.per_chat)]
        if chat.type != "private":
            checks.append((chat_times, self._limits.per_group))
        wait = max(_wait(times, window, now) for times, window in checks)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def record(self, chat_id: int) -> None:
        """Count an accepted send to `chat_id`."""
        now = self._clock()
        self._overall.append(now)
        self._per_chat[chat_id].append(now)


def _forget(times: deque[float], before: float) -> None:
    """Drop the times no window looks at any more (the oldest come first)."""
    while times and times[0] <= before:
        times.popleft()


def _wait(times: deque[float], window: Window, now: float) -> float:
    """Seconds until one more send fits `window`; 0 when it fits now (`times` in ascending order)."""
    recent = len(times) - bisect.bisect_right(times, now - window.seconds)
    if recent < window.limit:
        return 0.0
    return times[len(times) - window.limit] + window.seconds - now


def _now() -> int:
    return int(time.time())


def _user_json(user_id: int, language_code: str = "en") -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": f"User {user_id}",
        "username": f"user{user_id}",
        "language_code": language_code,
    }


_ANONYMOUS_ADMIN = {
    "id": ANONYMOUS_ADMIN_ID,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string plus body (JSON, form or multipart), as sent: the spec check decodes them."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise _bad_request("can't parse JSON object") from None
        if isinstance(body, dict):
            params.update(body)
    elif request.method == "POST":
        for name, value in (await request.post()).items():
            params[name] = _upload(value) if isinstance(value, web.FileField) else value
    return params


def _upload(part: web.FileField) -> Upload:
    with part.file:
        return Upload(part.filename, part.file.read())


# --- content rules -------------------------------------------------------------------------------


def _rendered(raw: str, parse_mode: Any, entities: Any) -> tuple[str, list[Entity]]:
    """The plain text and entities Telegram makes of `raw` (the first 100: it ignores the rest)."""
    if not parse_mode:
        return raw, [_entity_from_json(entity) for entity in entities or []][:MESSAGE_ENTITIES]
    if str(parse_mode).lower() != "html":
        raise _bad_request(f"the fake parses parse_mode HTML only, not {parse_mode}")
    try:
        text, found = _parsed_html(raw)
    except EntityParseError as error:
        raise _bad_request(f"can't parse entities: {error.detail}") from None
    return text, list(found[:MESSAGE_ENTITIES])


@functools.lru_cache(maxsize=256)
def _parsed_html(raw: str) -> tuple[str, tuple[Entity, ...]]:
    """parse_html, remembered: a push sends the same markup to thousands of chats, and the parse
    would otherwise cost the fake more than the bot spends on the message."""
    text, found = parse_html(raw)
    return text, tuple(found)


def _entity_from_json(data: Any) -> Entity:
    try:
        return Entity(
            type=data["type"],
            offset=data["offset"],
            length=data["length"],
            url=data.get("url"),
            language=data.get("language"),
            custom_emoji_id=data.get("custom_emoji_id"),
        )
    except (KeyError, TypeError):
        raise _bad_request("can't parse entities JSON object") from None


def _message_text(raw: str, parse_mode: Any, entities: Any) -> tuple[str, list[Entity]]:
    """A message text after parsing: 1..4096 UTF-16 code units, not only whitespace."""
    text, found = _rendered(raw, parse_mode, entities)
    if not text.strip():
        raise _bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise _bad_request("message is too long")
    return text, found


def _caption_text(raw: str, parse_mode: Any, entities: Any) -> tuple[str, list[Entity]]:
    """A photo caption after parsing: at most 1024 UTF-16 code units, may be empty."""
    caption, found = _rendered(raw, parse_mode, entities)
    if utf16_len(caption) > MAX_CAPTION:
        raise _bad_request("message caption is too long")
    return caption, found


def _checked_markup(markup: Any) -> dict[str, Any] | None:
    """The reply_markup (its shape checked by the spec), after checking the buttons' URLs."""
    if markup is None:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if "url" in button and not valid_link(str(button["url"])):
                raise _bad_request("BUTTON_URL_INVALID")
            if not button["text"]:
                raise _bad_request("inline keyboard button text must not be empty")
    return dict(markup)


def _callback_data(markup: dict[str, Any] | None) -> list[str]:
    """The callback_data of every button of an inline keyboard."""
    rows = (markup or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row if "callback_data" in button]


def _check_results(results: list[dict[str, Any]]) -> None:
    """answerInlineQuery's results (their shape, count and id lengths checked by the spec): unique
    ids, and message texts that parse within their limits."""
    ids = [result["id"] for result in results]
    if len(set(ids)) != len(ids):
        raise _bad_request("RESULT_ID_DUPLICATE")
    for result in results:
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            _message_text(content["message_text"], content.get("parse_mode"), content.get("entities"))
        _checked_markup(result.get("reply_markup"))


def _checked_command(command: dict[str, Any]) -> tuple[str, str]:
    """A (command, description) pair setMyCommands accepts (lengths checked by the spec)."""
    name, description = command["command"], command["description"]
    if not _COMMAND_NAME.fullmatch(name):
        raise _bad_request("BOT_COMMAND_INVALID")
    return name, description


def _check_webhook_url(url: str) -> None:
    """What Telegram takes as a webhook: an https URL with a host, on a port it delivers to."""
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError:
        raise _bad_request("bad webhook: invalid URL") from None
    if parts.scheme != "https" or not parts.hostname:
        raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if port not in WEBHOOK_PORTS:
        raise _bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


def _check_chat_rules(chat: FakeChat, rules: list[Any]) -> None:
    """The spec's chat-type rules of what the call used, for the chat it goes to."""
    for rule in rules:
        if rule.private_only and chat.type != "private":
            raise _bad_request(f"{rule.where} is available in private chats only")
        if not rule.private_only and chat.type == "channel":
            raise _bad_request(f"{rule.where} is not supported in channels")


def _claim(open_ids: set[str], query_id: str) -> None:
    """Use up a callback or inline query id; each can be answered once."""
    if query_id not in open_ids:
        raise _bad_request(QUERY_TOO_OLD)
    open_ids.remove(query_id)


def _photo_file_id(message: SentMessage) -> str:
    return f"photo-{message.chat_id}-{message.message_id}"


_entity_json = functools.lru_cache(maxsize=4096)(Entity.to_json)
"""Entity.to_json, remembered for the same reason as _parsed_html (callers get copies)."""


def _content_json(message: SentMessage) -> dict[str, Any]:
    """The text or photo part of a Message object."""
    entities = [dict(_entity_json(entity)) for entity in message.entities]
    if message.photo is None:
        return {"text": message.text} | ({"entities": entities} if entities else {})
    file_id = _photo_file_id(message)
    size = {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1280, "height": 720}
    data: dict[str, Any] = {"photo": [size]}
    if message.caption:
        data["caption"] = message.caption
    if entities:
        data["caption_entities"] = entities
    return data


def _text_fields(text: str) -> dict[str, Any]:
    """A user's text with the bot_command entity Telegram adds when it starts with a command."""
    command = _COMMAND.match(text)
    if command is None:
        return {"text": text}
    return {"text": text, "entities": [{"type": "bot_command", "offset": 0, "length": command.end()}]}


async def post_webhook(url: str, update: dict[str, Any], secret_token: str | None = None) -> int:
    """POST `update` to a bot's webhook as Telegram does; returns the HTTP status the bot answered."""
    headers = {} if secret_token is None else {SECRET_HEADER: secret_token}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as response,
    ):
        return response.status


# --- the server ----------------------------------------------------------------------------------

_Handler = Callable[[dict[str, Any]], Awaitable[Any]]
_CALL: contextvars.ContextVar[CheckedCall] = contextvars.ContextVar("telegram_call")
"""The call being answered (each request is a task of its own): the chat rules it must meet."""


class FakeTelegram(LoopbackServer):
    """The fake Bot API; `async with FakeTelegram() as fake:` then give PTB `base_url=fake.api_url`.

    `rate_limits=False` switches flood control off; `RateLimits(...)` sets other windows, and
    `clock` (seconds, monotonic) lets a test move time instead of sleeping.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "PaperboyTestBot",
        rate_limits: RateLimits | bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.token = token
        self.username = username
        self.bot_id = int(token.split(":", 1)[0])
        limits = RateLimits() if rate_limits is True else rate_limits or None
        self._limiter = _RateLimiter(limits, clock) if limits else None
        self.chats: dict[int, FakeChat] = {}
        self.sent: list[SentMessage] = []
        self.edits: list[SentMessage] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.inline_answers: list[InlineAnswer] = []
        self.commands: list[CommandList] = []
        self.webhook: Webhook | None = None
        self.webhook_proxy: str | None = None
        self.deleted: list[Deleted] = []
        self.spec = load_spec()
        self.requests: list[ApiRequest] = []
        self.errors: list[AnsweredError] = []
        self.rate_limited = 0
        self.bad_photo_urls: dict[str, str] = {}
        self._updates: list[dict[str, Any]] = []
        self._allowed_updates: frozenset[str] | None = None  # None: the default set
        self._next_update_id = 1
        self._next_query_id = 1
        self._message_ids: defaultdict[int, int] = defaultdict(int)
        self._messages: dict[tuple[int, int], SentMessage] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._blocked: set[int] = set()
        self._migrated: dict[int, int] = {}
        self._open_callbacks: set[str] = set()
        self._open_inline: set[str] = set()
        self._file_ids: set[str] = set()
        self._faults: defaultdict[str, deque[_ApiError]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._update_signal = _Signal()
        self._sent_signal = _Signal()
        self._stopped = asyncio.Event()
        self._methods: dict[str, tuple[str, _Handler]] = {
            name.lower(): (name, handler)
            for name, handler in [
                ("getMe", self._get_me),
                ("deleteWebhook", self._delete_webhook),
                ("setWebhook", self._set_webhook),
                ("getWebhookInfo", self._get_webhook_info),
                ("getUpdates", self._get_updates),
                ("sendMessage", self._send_message),
                ("sendPhoto", self._send_photo),
                ("editMessageText", self._edit_message_text),
                ("editMessageReplyMarkup", self._edit_message_reply_markup),
                ("answerCallbackQuery", self._answer_callback_query),
                ("answerInlineQuery", self._answer_inline_query),
                ("setMyCommands", self._set_my_commands),
                ("getChat", self._get_chat),
                ("getChatMember", self._get_chat_member),
                ("deleteMessage", self._delete_message),
            ]
        }

    # --- lifecycle ---

    @property
    def api_url(self) -> str:
        """What PTB takes as `base_url`: it appends `<token>/<method>`."""
        return f"{self.base_url}/bot"

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)

    def on_stop(self) -> None:
        """Release long polls and slow answers still waiting."""
        self._stopped.set()
        self._update_signal.fire()

    # --- scripting ---

    def add_chat(
        self,
        chat_id: int,
        type: str = "private",
        title: str | None = None,
        username: str | None = None,
        is_forum: bool = False,
    ) -> FakeChat:
        """Make a chat exist; private chats have positive ids (the user's), the others negative."""
        if type not in _CHAT_TYPES:
            raise ValueError(f"unknown chat type {type!r}")
        if (chat_id > 0) != (type == "private"):
            raise ValueError(f"a {type} chat cannot have id {chat_id}")
        if is_forum and type != "supergroup":
            raise ValueError("only supergroups can be forums")
        chat = FakeChat(chat_id, type, title, username, is_forum)
        self.chats[chat_id] = chat
        return chat

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Set what getChatMember answers for `user_id` in `chat_id` (creator, administrator ...)."""
        if status not in _MEMBER_FIELDS:
            raise ValueError(f"status must be one of {sorted(_MEMBER_FIELDS)}")
        self._members[(chat_id, user_id)] = status

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        times: int = 1,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with this error, e.g. 502 "Bad Gateway"."""
        self._faults[method.lower()].extend(_ApiError(status, description, parameters) for _ in range(times))

    def slow(self, method: str, seconds: float) -> None:
        """Delay every answer to `method` by `seconds` (0 makes it fast again)."""
        self._delays[method.lower()] = seconds

    def forward_webhooks(self, to: str) -> None:
        """Deliver webhook updates to `to` (e.g. http://127.0.0.1:PORT) instead of the https URL the
        bot registered, as the TLS-terminating proxy in front of a deployed bot does; the path stays."""
        self.webhook_proxy = to.rstrip("/")

    def webhook_address(self) -> str:
        """Where deliver_webhook posts: the registered URL, or the same path behind the proxy."""
        if self.webhook is None:
            raise RuntimeError("no webhook is set")
        if self.webhook_proxy is None:
            return self.webhook.url
        parts = urlsplit(self.webhook.url)
        return self.webhook_proxy + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def fail_photo(self, url: str, description: str = "Bad Request: failed to get HTTP URL content") -> None:
        """Make sendPhoto with this photo URL fail as Telegram does when it cannot fetch the image."""
        self.bad_photo_urls[url] = description

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them answer 403, and a my_chat_member update arrives."""
        chat = self.chats.get(user_id) or self.add_chat(user_id)
        self._blocked.add(user_id)
        bot = self._bot_json()
        self._enqueue(
            "my_chat_member",
            {
                "chat": chat.to_json(),
                "from": _user_json(user_id),
                "date": _now(),
                "old_chat_member": {"status": "member", "user": bot},
                "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
            },
        )

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """Upgrade a group to a supergroup: service messages arrive and sends to the old id fail."""
        old = self.chats[old_chat_id]
        if old.type != "group":
            raise ValueError("only groups migrate to supergroups")
        new = self.add_chat(new_chat_id, "supergroup", title=old.title)
        self._migrated[old.id] = new.id
        user = _user_json(DEFAULT_USER_ID)
        self._enqueue("message", self._base_message(old, **{"from": user}, migrate_to_chat_id=new.id))
        self._enqueue("message", self._base_message(new, **{"from": user}, migrate_from_chat_id=old.id))

    # --- updates ---

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str = "en",
        message_thread_id: int | None = None,
        sender_chat: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """A user writes `text` in `chat_id`; returns the Update. A new private chat opens itself.

        `sender_chat` makes it an anonymous admin's message: from GroupAnonymousBot on behalf of
        that chat. A leading command gets its bot_command entity, which PTB's CommandHandler needs.
        `reply_to` makes it a reply to the bot's message with that id in this chat.
        """
        chat = self.chats.get(chat_id) or self.add_chat(chat_id)
        sender: dict[str, Any]
        if sender_chat is None:
            user = user_id if user_id is not None else self._default_user(chat)
            sender = {"from": _user_json(user, language_code)}
        else:
            sender = {"from": _ANONYMOUS_ADMIN, "sender_chat": self.chats[sender_chat].to_json()}
        message = self._base_message(chat, **sender, **_text_fields(text))
        if reply_to is not None:
            message["reply_to_message"] = self._message_json(self._messages[(chat_id, reply_to)])
        if message_thread_id is not None:
            if not chat.is_forum:
                raise ValueError(f"chat {chat_id} is not a forum")
            message |= {"message_thread_id": message_thread_id, "is_topic_message": True}
        return self._enqueue("message", message)

    def channel_post(self, chat_id: int, text: str) -> dict[str, Any]:
        """A post appears in a channel the bot is in; returns the Update."""
        chat = self.chats[chat_id]
        if chat.type != "channel":
            raise ValueError(f"chat {chat_id} is not a channel")
        return self._enqueue(
            "channel_post", self._base_message(chat, sender_chat=chat.to_json(), **_text_fields(text))
        )

    def press_button(self, message: SentMessage, data: str, user_id: int | None = None) -> str:
        """A user presses the button with callback `data` on a bot message; returns the query id."""
        current = self._messages[(message.chat_id, message.message_id)]
        if data not in _callback_data(current.reply_markup):
            raise ValueError(f"message {message.message_id} has no button with callback_data {data!r}")
        chat = self.chats[current.chat_id]
        query_id = self._new_query_id(self._open_callbacks)
        query = {
            "id": query_id,
            "from": _user_json(user_id if user_id is not None else self._default_user(chat)),
            "message": self._message_json(current),
            "chat_instance": f"instance{chat.id}",
            "data": data,
        }
        self._enqueue("callback_query", query)
        return query_id

    def inline_query(self, user_id: int, query: str, offset: str = "") -> str:
        """A user types `@bot query` in any chat; returns the inline query id."""
        query_id = self._new_query_id(self._open_inline)
        payload = {
            "id": query_id,
            "from": _user_json(user_id),
            "query": query,
            "offset": offset,
            "chat_type": "sender",
        }
        self._enqueue("inline_query", payload)
        return query_id

    async def deliver_webhook(self) -> list[int]:
        """Post pending updates to the registered webhook in order, until one is not answered 200."""
        if self.webhook is None:
            raise RuntimeError("no webhook is set")
        statuses: list[int] = []
        address = self.webhook_address()
        self._updates = [update for update in self._updates if self._deliverable(update)]
        while self._updates:
            status = await post_webhook(address, self._updates[0], self.webhook.secret_token)
            statuses.append(status)
            if status != 200:
                break
            self._updates.pop(0)
        return statuses

    # --- reading records ---

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """The messages sent to one chat, in order."""
        return [message for message in self.sent if message.chat_id == chat_id]

    def current(self, chat_id: int, message_id: int) -> SentMessage:
        """A bot message as it stands now, after any edits."""
        return self._messages[(chat_id, message_id)]

    async def wait_sent(self, count: int = 1, within: float = 5.0) -> list[SentMessage]:
        """Wait until at least `count` messages were sent in all; TimeoutError after `within` seconds."""
        try:
            async with asyncio.timeout(within):
                while len(self.sent) < count:
                    await self._sent_signal.wait()
        except TimeoutError:
            raise TimeoutError(f"expected {count} sent messages, got {len(self.sent)}") from None
        return self.sent

    # --- HTTP ---

    async def _handle(self, request: web.Request) -> web.Response:
        method = self.spec.method(request.match_info["method"]) or request.match_info["method"]
        entry = self._methods.get(method.lower())
        try:
            if request.match_info["token"] != self.token:
                raise _ApiError(401, "Unauthorized")
            if self.spec.method(method) is None:
                raise _ApiError(404, "Not Found")
            params = await _read_params(request)
            try:
                call = self.spec.check(method, params)
            except SpecError as error:
                self.requests.append(ApiRequest(method, params))
                raise _bad_request(error.description) from None
            self.requests.append(ApiRequest(method, call.params))
            _CALL.set(call)
            await self._pause(self._delays.get(method.lower(), 0.0))
            faults = self._faults[method.lower()]
            if faults:
                raise faults.popleft()
            if entry is None:
                raise _ApiError(501, f"Not Implemented: the fake Bot API does not implement {method}")
            result = await entry[1](call.params)
        except _ApiError as error:
            return self._refuse(method, error)
        return web.json_response({"ok": True, "result": result})

    def _refuse(self, method: str, error: _ApiError) -> web.Response:
        if 400 <= error.status < 500:
            self.errors.append(AnsweredError(method, error.status, error.description))
        if error.status == 429:
            self.rate_limited += 1
        body: dict[str, Any] = {"ok": False, "error_code": error.status, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        return web.json_response(body, status=error.status)

    async def _pause(self, seconds: float) -> None:
        if seconds > 0:
            await _at_most(seconds, self._stopped.wait())

    # --- methods ---

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_json() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        """An https URL on port 443, 80, 88 or 8443 (the empty string removes the webhook)."""
        url = params["url"]
        secret = params.get("secret_token")
        if url:
            _check_webhook_url(url)
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise _bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._allow_updates(params)
        self.webhook = Webhook(url, secret) if url else None
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        url = self.webhook.url if self.webhook else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling: confirm by offset, wait up to `timeout` seconds for an update, answer a batch."""
        if self.webhook is not None:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._allow_updates(params)
        offset = params.get("offset", 0)
        if offset > 0:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        self._updates = [update for update in self._updates if self._deliverable(update)]
        if not self._updates and not self._stopped.is_set():
            await _at_most(float(params.get("timeout", 0)), self._update_signal.wait())
            self._updates = [update for update in self._updates if self._deliverable(update)]
        return self._updates[: params.get("limit", 100)]

    def _allow_updates(self, params: dict[str, Any]) -> None:
        """Honour `allowed_updates`: a list names the kinds; [] is the default; absent keeps the last."""
        if "allowed_updates" in params:
            kinds = frozenset(params["allowed_updates"])
            self._allowed_updates = kinds or None

    def _deliverable(self, update: dict[str, Any]) -> bool:
        """Whether the bot asked for updates of this kind (Telegram drops the others)."""
        kind = next(key for key in update if key != "update_id")
        if self._allowed_updates is None:
            return kind not in _NOT_DELIVERED_BY_DEFAULT
        return kind in self._allowed_updates

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(params)
        html = params["text"]
        text, entities = _message_text(html, params.get("parse_mode"), params.get("entities"))
        draft = self._draft(chat, params, method="sendMessage", text=text, html=html, entities=entities)
        return self._accept(chat, draft)

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(params)
        photo = self._checked_photo(params["photo"])
        html = params.get("caption", "")
        caption, entities = _caption_text(html, params.get("parse_mode"), params.get("caption_entities"))
        draft = self._draft(
            chat,
            params,
            method="sendPhoto",
            text=caption,
            html=html,
            entities=entities,
            photo=photo,
            caption=caption,
        )
        return self._accept(chat, draft)

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        current = self._editable(params)
        if current.photo is not None:
            raise _bad_request("there is no text in the message to edit")
        if "text" not in params:
            raise _bad_request('the fake edits text messages only: parameter "text" is required')
        html = params["text"]
        text, entities = _message_text(html, params.get("parse_mode"), params.get("entities"))
        markup = _checked_markup(params.get("reply_markup"))
        edited = replace(
            current,
            method="editMessageText",
            text=text,
            html=html,
            entities=entities,
            reply_markup=markup,
            parse_mode=params.get("parse_mode"),
        )
        return self._edit(current, edited)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        current = self._editable(params)
        markup = _checked_markup(params.get("reply_markup"))
        return self._edit(current, replace(current, method="editMessageReplyMarkup", reply_markup=markup))

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = params["callback_query_id"]
        text = params.get("text")
        _claim(self._open_callbacks, query_id)
        answer = CallbackAnswer(query_id, text, bool(params.get("show_alert", False)), params.get("url"))
        self.callback_answers.append(answer)
        return True

    async def _answer_inline_query(self, params: dict[str, Any]) -> bool:
        query_id = params["inline_query_id"]
        results = params["results"]
        _check_results(results)
        next_offset = params.get("next_offset", "")
        _claim(self._open_inline, query_id)
        answer = InlineAnswer(
            query_id,
            results,
            next_offset,
            params.get("cache_time"),
            bool(params.get("is_personal", False)),
        )
        self.inline_answers.append(answer)
        return True

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        pairs = [_checked_command(command) for command in params["commands"]]
        scope = params.get("scope") or {"type": "default"}
        self.commands.append(CommandList(pairs, scope, params.get("language_code", "")))
        return True

    async def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._chat(params).full_json()

    async def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        user_id = params["user_id"]
        status = self._members.get((chat.id, user_id))
        if status is None:
            raise _bad_request("user not found")
        user = self._bot_json() if user_id == self.bot_id else _user_json(user_id)
        return {"status": status, "user": user, **_MEMBER_FIELDS[status]}

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        """Delete a message the bot sent (the fake keeps no one else's)."""
        chat = self._writable_chat(params)
        key = (chat.id, params["message_id"])
        if self._messages.pop(key, None) is None:
            raise _bad_request("message to delete not found")
        self.deleted.append(Deleted(*key))
        return True

    # --- helpers of the methods ---

    def _bot_json(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Paperboy", "username": self.username}

    def _chat(self, params: dict[str, Any]) -> FakeChat:
        chat_id = params.get("chat_id")
        if chat_id is None:  # the spec check lets it be absent only when inline_message_id is given
            raise _bad_request("the fake does not keep inline messages: MESSAGE_ID_INVALID")
        if isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
        else:
            name = str(chat_id or "").removeprefix("@").lower()
            chat = next((c for c in self.chats.values() if (c.username or "").lower() == name), None)
        if chat is None:
            raise _bad_request("chat not found")
        return chat

    def _writable_chat(self, params: dict[str, Any]) -> FakeChat:
        """The chat to send to or edit in: it exists, was not migrated, and did not block the bot."""
        chat = self._chat(params)
        if chat.id in self._migrated:
            raise _bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat.id]},
            )
        if chat.id in self._blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        _check_chat_rules(chat, self.spec.method_rules(_CALL.get()) + _CALL.get().rules)
        return chat

    def _draft(self, chat: FakeChat, params: dict[str, Any], **content: Any) -> SentMessage:
        """A message to send, before it gets its id: thread and keyboard checked, content given."""
        thread = params.get("message_thread_id")
        if thread is not None and not chat.is_forum:
            raise _bad_request("message thread not found")
        fields: dict[str, Any] = {"photo": None, "caption": None} | content
        return SentMessage(
            chat_id=chat.id,
            message_id=0,
            reply_markup=_checked_markup(params.get("reply_markup")),
            message_thread_id=thread,
            date=0,
            parse_mode=params.get("parse_mode"),
            **fields,
        )

    def _accept(self, chat: FakeChat, draft: SentMessage) -> dict[str, Any]:
        """Send `draft` unless a flood limit says wait; record it and answer the Message."""
        if self._limiter is not None:
            wait = self._limiter.retry_after(chat, paid=bool(_CALL.get().params.get("allow_paid_broadcast")))
            if wait is not None:
                raise _ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
            self._limiter.record(chat.id)
        self._message_ids[chat.id] += 1
        message = replace(draft, message_id=self._message_ids[chat.id], date=_now())
        if message.photo is not None:
            self._file_ids.add(_photo_file_id(message))
        self.sent.append(message)
        self._messages[(chat.id, message.message_id)] = message
        self._sent_signal.fire()
        return self._message_json(message)

    def _checked_photo(self, photo: Any) -> str:
        """What sendPhoto's `photo` names: an upload, a file_id the fake issued, or a fetchable URL."""
        if isinstance(photo, Upload):
            return f"upload:{photo.filename}"
        if not isinstance(photo, str) or not photo:
            raise _bad_request("there is no photo in the request")
        if photo in self.bad_photo_urls:
            raise _ApiError(400, self.bad_photo_urls[photo])
        if photo in self._file_ids or (photo.startswith(("http://", "https://")) and valid_link(photo)):
            return photo
        raise _bad_request("wrong file identifier/HTTP URL specified")

    def _editable(self, params: dict[str, Any]) -> SentMessage:
        """The bot message an edit names by chat_id and message_id (inline messages are not kept)."""
        if "chat_id" not in params:
            raise _bad_request("the fake does not keep inline messages: MESSAGE_ID_INVALID")
        chat = self._writable_chat(params)
        current = self._messages.get((chat.id, params.get("message_id", 0)))
        if current is None:
            raise _bad_request("message to edit not found")
        return current

    def _edit(self, current: SentMessage, edited: SentMessage) -> dict[str, Any]:
        if (edited.text, edited.entities, edited.reply_markup) == (
            current.text,
            current.entities,
            current.reply_markup,
        ):
            raise _bad_request(NOT_MODIFIED)
        edited = replace(edited, edit_date=_now())
        self.edits.append(edited)
        self._messages[(edited.chat_id, edited.message_id)] = edited
        return self._message_json(edited)

    def _message_json(self, message: SentMessage) -> dict[str, Any]:
        """The Message object Telegram answers for a bot message (and puts in callback queries)."""
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self.chats[message.chat_id].to_json(),
            "from": self._bot_json(),
            **_content_json(message),
        }
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.message_thread_id is not None:
            data |= {"message_thread_id": message.message_thread_id, "is_topic_message": True}
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        return data

    def _base_message(self, chat: FakeChat, **fields: Any) -> dict[str, Any]:
        """A new incoming message in `chat`: the next message id, now, plus `fields`."""
        self._message_ids[chat.id] += 1
        return {"message_id": self._message_ids[chat.id], "date": _now(), "chat": chat.to_json(), **fields}

    def _enqueue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self._updates.append(update)
        self._update_signal.fire()
        return update

    def _new_query_id(self, open_ids: set[str]) -> str:
        query_id = f"{self.bot_id}{self._next_query_id:08d}"
        self._next_query_id += 1
        open_ids.add(query_id)
        return query_id

    def _default_user(self, chat: FakeChat) -> int:
        return chat.id if chat.type == "private" else DEFAULT_USER_ID
