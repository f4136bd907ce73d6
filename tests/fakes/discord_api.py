"""A loopback imitation of Discord's HTTP API that the real hikari REST client talks to over HTTP.

Mocking hikari's `RESTClient` would only test our assumptions about Discord. This server sits behind
`hikari.RESTApp(url=fake.api_url)` and answers `/api/v10/...` the way Discord does, so the whole stack
runs for real: hikari's request encoding (JSON, or multipart with `payload_json`), its deserialisation
of our answers (it is strict: a missing field is a KeyError, so the answers here are complete objects),
its per-bucket rate limiting from the `X-RateLimit-*` headers, its handling of 429 `retry_after` and
of the global limit, and its mapping of error answers to `hikari.errors` exceptions.

It refuses what Discord refuses (FACTS.md section 4d), with Discord's error shape
(`{"code": 50035, "message": "Invalid Form Body", "errors": {"embeds": {"0": {"title": {"_errors":
[...]}}}}}`): message content, embed and component limits, the 6,000 characters across a message's
embeds, allowed_mentions, a missing or wrong `Authorization: Bot <token>` (401), unknown channels
(10003), channels the bot cannot see (50001 Missing Access) or write to (50013 Missing Permissions),
computed from a small guild/role/overwrite model or scripted per channel. Rate limits: per-route
buckets announced in headers and answered 429 past their limit, a global 50 requests/s, and the
invalid-request ban (401/403/429 answers counted; past the threshold every request gets a Cloudflare
429 that is not JSON).

Discord's side of HTTP interactions is here too: `command`, `component` and `modal_submit` build
interaction payloads (hikari's own deserialiser accepts them), `interact` signs one with Ed25519 and
POSTs it to the bot's endpoint, checks that the answer came within 3 s and is a valid interaction
response, and from then on the interaction token serves follow-ups (`/webhooks/{app}/{token}`) for
15 minutes of the injected clock. Command registration (`PUT /applications/{app}/commands`) checks
names, descriptions and options.

Tests read back what the bot did from plain records: `sent` (and `messages(channel)`), `modals`,
`exchanges`, `command_puts`, `commands`, `requests`, `errors`, `rate_limited`, `invalid_requests`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import math
import re
import secrets
import time
import unicodedata
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from tests.fakes.loopback import LoopbackServer

API_VERSION = 10
API_PREFIX = f"/api/v{API_VERSION}"
DEFAULT_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.paperboy.fake-bot-token"
APPLICATION_ID = "1000000000000000001"
BOT_USER_ID = APPLICATION_ID
"""A bot user has its application's id."""
BOT_NAME = "Paperboy"
GUILD_ID = "1100000000000000001"
OWNER_ID = "1200000000000000001"
DEFAULT_USER_ID = "1200000000000000002"
"""The member who runs commands and presses buttons when a test names nobody."""
DEFAULT_SIGNING_SEED = bytes(range(32))
"""The fake's Ed25519 key is fixed, so a bot's settings can name the public key before the fake starts."""
PUBLIC_KEY = SigningKey(DEFAULT_SIGNING_SEED).verify_key.encode().hex()
"""What the Developer Portal shows as the application's public key (hex), for the bot's settings."""
DISCORD_EPOCH_MS = 1_420_070_400_000

# --- limits (FACTS.md 4d and Discord's documentation) ---

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TITLE = 256
MAX_EMBED_DESCRIPTION = 4096
MAX_EMBED_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER_TEXT = 2048
MAX_AUTHOR_NAME = 256
MAX_EMBEDS_TOTAL = 6000
MAX_ACTION_ROWS = 5
MAX_BUTTONS_PER_ROW = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_SELECT_OPTIONS = 25
MAX_SELECT_OPTION_TEXT = 100
MAX_SELECT_PLACEHOLDER = 150
MAX_MODAL_TITLE = 45
MAX_TEXT_INPUT_LABEL = 45
MAX_TEXT_INPUT_VALUE = 4000
MAX_TEXT_INPUT_PLACEHOLDER = 100
MAX_MENTION_IDS = 100
MAX_COMMAND_NAME = 32
MAX_COMMAND_DESCRIPTION = 100
MAX_COMMAND_OPTIONS = 25
MAX_COMMAND_CHOICES = 25
MAX_GLOBAL_COMMANDS = 100
INTERACTION_DEADLINE = 3.0
"""Seconds Discord waits for the initial answer before telling the user the application did not respond."""
FOLLOWUP_SECONDS = 15 * 60
"""How long an interaction token serves follow-ups and edits of the original answer."""

# --- enumerations ---

EPHEMERAL = 1 << 6
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
CHANNEL_MESSAGE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS
INTERACTION_MESSAGE_FLAGS = CHANNEL_MESSAGE_FLAGS | EPHEMERAL

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
PONG = 1
CHANNEL_MESSAGE_WITH_SOURCE = 4
DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
MODAL = 9
RESPONSE_TYPES = frozenset({PONG, 4, 5, 6, 7, 9})

GUILD_TEXT, DM, GUILD_ANNOUNCEMENT, PUBLIC_THREAD, PRIVATE_THREAD = 0, 1, 5, 11, 12
THREAD_TYPES = frozenset({PUBLIC_THREAD, PRIVATE_THREAD})

ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
LINK_STYLE = 5

# permission bits
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_DEFAULT = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
)
EVERYONE_DEFAULT |= SEND_MESSAGES_IN_THREADS
BOT_ROLE_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY | SEND_MESSAGES_IN_THREADS
)

# error codes: (HTTP status, message)
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
CANNOT_SEND_EMPTY = 50006
CANNOT_MESSAGE_USER = 50007
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
INVALID_WEBHOOK_TOKEN = 50027
INVALID_FORM_BODY = 50035
INVALID_JSON = 50109
ALREADY_ACKNOWLEDGED = 40060
ERROR_CODES: dict[int, tuple[int, str]] = {
    UNKNOWN_CHANNEL: (404, "Unknown Channel"),
    UNKNOWN_MESSAGE: (404, "Unknown Message"),
    UNKNOWN_WEBHOOK: (404, "Unknown Webhook"),
    UNKNOWN_INTERACTION: (404, "Unknown interaction"),
    MISSING_ACCESS: (403, "Missing Access"),
    MISSING_PERMISSIONS: (403, "Missing Permissions"),
    CANNOT_SEND_EMPTY: (400, "Cannot send an empty message"),
    CANNOT_MESSAGE_USER: (403, "Cannot send messages to this user"),
    INVALID_WEBHOOK_TOKEN: (401, "Invalid Webhook Token"),
    INVALID_FORM_BODY: (400, "Invalid Form Body"),
    INVALID_JSON: (400, "The request body contains invalid JSON."),
    ALREADY_ACKNOWLEDGED: (400, "Interaction has already been acknowledged."),
}

# route keys: "METHOD template", used for buckets, faults and records
CREATE_MESSAGE = "POST /channels/{channel_id}/messages"
GET_CHANNEL = "GET /channels/{channel_id}"
GET_ME = "GET /users/@me"
PUT_COMMANDS = "PUT /applications/{application_id}/commands"
PUT_GUILD_COMMANDS = "PUT /applications/{application_id}/guilds/{guild_id}/commands"
INTERACTION_CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
CREATE_FOLLOWUP = "POST /webhooks/{application_id}/{token}"
GET_WEBHOOK_MESSAGE = "GET /webhooks/{application_id}/{token}/messages/{message_id}"
EDIT_WEBHOOK_MESSAGE = "PATCH /webhooks/{application_id}/{token}/messages/{message_id}"
DELETE_WEBHOOK_MESSAGE = "DELETE /webhooks/{application_id}/{token}/messages/{message_id}"

CLOUDFLARE_BAN_TEXT = (
    "error code: 1015 - You are being blocked from accessing our API temporarily due to exceeding our "
    "rate limits frequently. Please read our docs at https://discord.com/developers/docs/topics/rate-limits "
    "to prevent this moving forward."
)
"""What a banned IP gets: a 429 that is not JSON and has no `Via` header (both clients treat it as a ban)."""

_URL_SCHEMES = ("http://", "https://")
_IMAGE_SCHEMES = (*_URL_SCHEMES, "attachment://")
_SNOWFLAKE = re.compile(r"\d{17,20}")


# --- records -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiRequest:
    """One request as the fake answered it: route key ("POST /channels/{channel_id}/messages"), the
    path, the JSON body (None without one), whether it carried the right bot token, and the status."""

    method: str
    path: str
    route: str | None
    body: Any
    authorized: bool
    status: int


@dataclass(frozen=True)
class AnsweredError:
    """One refusal: route key (or path), status, Discord's code and message, and `errors` for 50035."""

    route: str
    status: int
    code: int
    message: str
    errors: dict[str, Any] | None = None


Source = Literal["channel", "response", "original", "followup", "update", "edit"]


@dataclass(frozen=True)
class SentMessage:
    """A message the fake accepted, or an edit of one (then `message_id` is the edited message's).

    `source` says how it came: "channel" (POST /channels/{id}/messages), "response" (an interaction
    answered with type 4), "original" (PATCH .../messages/@original of a command's answer, which
    creates it after a deferral), "followup" (POST /webhooks/{app}/{token}), "update" (type 7, or
    PATCH @original after a component's type 6/7: the message the component is on), "edit" (PATCH of
    a follow-up). `payload` holds the body as sent.
    """

    channel_id: str
    message_id: str
    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    flags: int
    source: Source
    interaction_token: str | None
    payload: dict[str, Any]

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def custom_ids(self) -> list[str]:
        """Every custom_id of the message's buttons and selects, in order."""
        return [
            str(component["custom_id"])
            for row in self.components
            for component in row.get("components", [])
            if "custom_id" in component
        ]


@dataclass(frozen=True)
class ModalRecord:
    """A modal the bot opened (interaction answered with type 9)."""

    interaction_token: str
    custom_id: str
    title: str
    components: list[dict[str, Any]]
    from_message: str | None
    """The message whose component opened it, if any: its submission carries that message."""


@dataclass(frozen=True)
class InteractionExchange:
    """One interaction POSTed to the bot: what was sent, what came back, how long it took.

    `status` is 0 when the bot did not answer within the deadline; `problems` lists why the answer
    is not a valid interaction response ([] when it is).
    """

    payload: dict[str, Any]
    status: int
    body: Any
    elapsed: float
    problems: list[str]

    @property
    def response_type(self) -> int | None:
        return self.body.get("type") if isinstance(self.body, dict) else None

    @property
    def data(self) -> dict[str, Any]:
        data = self.body.get("data") if isinstance(self.body, dict) else None
        return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class CommandPut:
    """One bulk overwrite the fake accepted: the guild (None for global) and the commands as sent."""

    guild_id: str | None
    commands: list[dict[str, Any]]


# --- model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overwrite:
    """A channel permission overwrite: `type` 0 for a role (the @everyone role has the guild's id), 1 for a
    member."""

    id: str
    type: int
    allow: int = 0
    deny: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass
class FakeGuild:
    """A guild: its owner, roles (id -> permissions; the @everyone role has the guild's id) and members
    (user id -> role ids)."""

    id: str
    name: str
    owner_id: str
    roles: dict[str, int] = field(default_factory=dict)
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class FakeChannel:
    """A channel the fake knows: a guild text or announcement channel, a thread (with `parent_id`), or a
    DM (no guild, `recipient_id`)."""

    id: str
    type: int
    name: str | None
    guild_id: str | None
    parent_id: str | None = None
    overwrites: tuple[Overwrite, ...] = ()
    recipient_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The channel object GET /channels/{id} answers, as complete as hikari needs."""
        if self.type == DM:
            return {
                "id": self.id,
                "type": DM,
                "last_message_id": None,
                "recipients": [_user_json(self.recipient_id or DEFAULT_USER_ID)],
            }
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "guild_id": self.guild_id,
            "name": self.name,
            "position": 0,
            "permission_overwrites": [overwrite.to_json() for overwrite in self.overwrites],
            "nsfw": False,
            "parent_id": self.parent_id,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if self.type in THREAD_TYPES:
            data |= {
                "owner_id": OWNER_ID,
                "member_count": 1,
                "message_count": 0,
                "total_message_sent": 0,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": "2026-01-01T00:00:00+00:00",
                    "locked": False,
                    "invitable": True,
                    "create_timestamp": "2026-01-01T00:00:00+00:00",
                },
                "applied_tags": [],
            }
            del data["permission_overwrites"], data["position"]
        return data


# --- rate limits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteLimit:
    """A bucket: `limit` requests per `window` seconds, counted per major parameter (channel, guild,
    webhook); the window starts with the first request and the bucket refills when it ends."""

    limit: int
    window: float


@dataclass(frozen=True)
class RateLimits:
    """Discord's limits as the fake applies them.

    Discord does not publish per-route numbers (it announces them in headers); "5 messages per 5 s per
    channel" is what bots observe. `per_route` maps a route key to its bucket, `default` serves the
    rest. `global_per_second` is the global limit (interaction routes are exempt). Invalid requests
    (answers 401, 403, 429) beyond `invalid_limit` within `invalid_window` seconds ban the client for
    `ban_seconds` (Discord: 10,000 per 10 minutes).
    """

    per_route: Mapping[str, RouteLimit] = field(
        default_factory=lambda: {CREATE_MESSAGE: RouteLimit(5, 5.0), PUT_COMMANDS: RouteLimit(2, 60.0)}
    )
    default: RouteLimit = RouteLimit(50, 1.0)
    global_per_second: int = 50
    invalid_limit: int = 10_000
    invalid_window: float = 600.0
    ban_seconds: float = 3600.0

    def for_route(self, route: str) -> RouteLimit:
        return self.per_route.get(route, self.default)


@dataclass
class _Bucket:
    limit: int
    window: float
    used: int = 0
    resets_at: float = -math.inf


def bucket_hash(route: str) -> str:
    """The `X-RateLimit-Bucket` of a route: opaque and stable, shared by every major parameter."""
    return hashlib.sha1(route.encode()).hexdigest()[:16]


# --- errors --------------------------------------------------------------------------------------


class _DiscordError(Exception):
    """A refusal in Discord's shape; `headers` are added to the answer (Retry-After, scopes)."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        self.body = body

    @classmethod
    def of(cls, code: int) -> _DiscordError:
        status, message = ERROR_CODES[code]
        return cls(status, code, message)

    def to_json(self) -> dict[str, Any]:
        if self.body is not None:
            return self.body
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def _unauthorized() -> _DiscordError:
    return _DiscordError(401, 0, "401: Unauthorized")


def _rate_limited(retry_after: float, *, is_global: bool, bucket: str | None = None) -> _DiscordError:
    retry_after = round(max(retry_after, 0.001), 3)
    headers = {
        "Retry-After": str(max(1, math.ceil(retry_after))),
        "X-RateLimit-Scope": "global" if is_global else "user",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    elif bucket is not None:
        headers["X-RateLimit-Bucket"] = bucket
    message = "You are being rate limited."
    body = {"message": message, "retry_after": retry_after, "global": is_global}
    return _DiscordError(429, 0, message, headers=headers, body=body)


# --- validation ----------------------------------------------------------------------------------


class Problems:
    """Form-body problems collected by path, rendered the way Discord nests them in `errors`."""

    def __init__(self) -> None:
        self.items: list[tuple[tuple[str, ...], str, str]] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, path: Iterable[str | int], code: str, message: str) -> None:
        self.items.append((tuple(str(part) for part in path), code, message))

    def tree(self) -> dict[str, Any]:
        """`{"embeds": {"0": {"title": {"_errors": [{"code": ..., "message": ...}]}}}}`."""
        root: dict[str, Any] = {}
        for path, code, message in self.items:
            node = root
            for part in path:
                node = node.setdefault(part, {})
            node.setdefault("_errors", []).append({"code": code, "message": message})
        return root

    def codes(self) -> list[tuple[str, str]]:
        """(path joined by ".", code) pairs, for assertions."""
        return [(".".join(path), code) for path, code, _ in self.items]

    def lines(self) -> list[str]:
        return [f"{'.'.join(path) or '<body>'}: {code} {message}" for path, code, message in self.items]

    def raise_if_any(self) -> None:
        if self.items:
            raise _DiscordError(400, INVALID_FORM_BODY, "Invalid Form Body", errors=self.tree())


Path = tuple[str | int, ...]


def _check_str(
    owner: Mapping[str, Any],
    key: str,
    path: Path,
    problems: Problems,
    *,
    limit: int,
    required: bool = False,
    minimum: int = 0,
) -> int:
    """`owner[key]` is a string of minimum..limit characters when present (or `required`); its length."""
    value = owner.get(key)
    where = (*path, key)
    if value is None:
        if required:
            problems.add(where, "BASE_TYPE_REQUIRED", "This field is required")
        return 0
    if not isinstance(value, str):
        problems.add(where, "BASE_TYPE_STRING", "Value must be a string.")
        return 0
    if len(value) > limit:
        problems.add(where, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
    elif len(value) < minimum:
        problems.add(where, "BASE_TYPE_MIN_LENGTH", f"Must be {minimum} or more in length.")
    return len(value)


def _check_int(
    owner: Mapping[str, Any], key: str, path: Path, problems: Problems, *, low: int, high: int
) -> None:
    value = owner.get(key)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add((*path, key), "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
    elif not low <= value <= high:
        problems.add((*path, key), "NUMBER_TYPE_MAX", f"int value should be between {low} and {high}.")


def _check_list(value: Any, path: Path, problems: Problems, *, limit: int, minimum: int = 0) -> list[Any]:
    if not isinstance(value, list):
        problems.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return []
    if len(value) > limit:
        problems.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
    elif len(value) < minimum:
        problems.add(path, "BASE_TYPE_MIN_LENGTH", f"Must be {minimum} or more in length.")
    return value


def _objects(items: list[Any], path: Path, problems: Problems) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Each item of a list that is an object, with its path; any other item is reported."""
    for index, item in enumerate(items):
        where: Path = (*path, index)
        if isinstance(item, dict):
            yield where, item
        else:
            problems.add(where, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")


def _check_url(
    owner: Mapping[str, Any],
    key: str,
    path: Path,
    problems: Problems,
    *,
    schemes: tuple[str, ...],
    required: bool,
) -> None:
    before = len(problems.items)
    _check_str(owner, key, path, problems, limit=2048, required=required, minimum=1)
    value = owner.get(key)
    if len(problems.items) == before and isinstance(value, str) and not value.startswith(schemes):
        names = ", ".join(repr(scheme.split(":")[0]) for scheme in schemes)
        problems.add((*path, key), "URL_TYPE_INVALID_SCHEME", f"Scheme must be one of ({names}).")


def embed_size(embeds: Any) -> int:
    """Characters that count toward the 6,000 of a message: titles, descriptions, field names and
    values, footer texts and author names of every embed."""
    total = 0
    for embed in embeds if isinstance(embeds, list) else []:
        if not isinstance(embed, dict):
            continue
        parts: list[Any] = [embed.get("title"), embed.get("description")]
        parts += [(embed.get("footer") or {}).get("text"), (embed.get("author") or {}).get("name")]
        for item in embed.get("fields") or []:
            if isinstance(item, dict):
                parts += [item.get("name"), item.get("value")]
        total += sum(len(part) for part in parts if isinstance(part, str))
    return total


def _check_embed(embed: Any, path: Path, problems: Problems) -> None:
    if not isinstance(embed, dict):
        problems.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    _check_str(embed, "title", path, problems, limit=MAX_EMBED_TITLE)
    _check_str(embed, "description", path, problems, limit=MAX_EMBED_DESCRIPTION)
    if "url" in embed:
        _check_url(embed, "url", path, problems, schemes=_URL_SCHEMES, required=True)
    _check_int(embed, "color", path, problems, low=0, high=0xFFFFFF)
    if embed.get("type", "rich") != "rich":
        problems.add((*path, "type"), "EMBED_TYPE_INVALID", "Bots may only send rich embeds.")
    fields = embed.get("fields")
    if fields is not None:
        for where, item in _objects(
            _check_list(fields, (*path, "fields"), problems, limit=MAX_EMBED_FIELDS),
            (*path, "fields"),
            problems,
        ):
            _check_str(item, "name", where, problems, limit=MAX_FIELD_NAME, required=True, minimum=1)
            _check_str(item, "value", where, problems, limit=MAX_FIELD_VALUE, required=True, minimum=1)
    for key, text_key, limit in (("footer", "text", MAX_FOOTER_TEXT), ("author", "name", MAX_AUTHOR_NAME)):
        part = embed.get(key)
        if part is None:
            continue
        if not isinstance(part, dict):
            problems.add((*path, key), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        _check_str(part, text_key, (*path, key), problems, limit=limit, required=True, minimum=1)
        for url_key in ("icon_url", "url"):
            if url_key in part:
                schemes = _URL_SCHEMES if url_key == "url" else _IMAGE_SCHEMES
                _check_url(part, url_key, (*path, key), problems, schemes=schemes, required=True)
    for key in ("image", "thumbnail"):
        part = embed.get(key)
        if part is None:
            continue
        if not isinstance(part, dict):
            problems.add((*path, key), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        _check_url(part, "url", (*path, key), problems, schemes=_IMAGE_SCHEMES, required=True)


def _check_embeds(embeds: Any, problems: Problems) -> None:
    for index, embed in enumerate(_check_list(embeds, ("embeds",), problems, limit=MAX_EMBEDS)):
        _check_embed(embed, ("embeds", index), problems)
    size = embed_size(embeds)
    if size > MAX_EMBEDS_TOTAL:
        problems.add(
            ("embeds",), "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {MAX_EMBEDS_TOTAL}"
        )


def _check_button(button: dict[str, Any], path: Path, problems: Problems) -> None:
    style = button.get("style")
    if style not in (1, 2, 3, 4, LINK_STYLE):
        problems.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5}.")
        return
    _check_str(button, "label", path, problems, limit=MAX_BUTTON_LABEL)
    if not button.get("label") and not button.get("emoji"):
        problems.add(path, "BUTTON_COMPONENT_EMPTY", "A button needs a label or an emoji.")
    if style == LINK_STYLE:
        _check_url(button, "url", path, problems, schemes=(*_URL_SCHEMES, "discord://"), required=True)
        if "custom_id" in button:
            problems.add(
                (*path, "custom_id"),
                "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                "A link button cannot have a custom_id.",
            )
    else:
        _check_str(button, "custom_id", path, problems, limit=MAX_CUSTOM_ID, required=True, minimum=1)
        if "url" in button:
            problems.add(
                (*path, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED", "Only link buttons can have a url."
            )


def _check_select(select: dict[str, Any], path: Path, problems: Problems) -> None:
    _check_str(select, "custom_id", path, problems, limit=MAX_CUSTOM_ID, required=True, minimum=1)
    _check_str(select, "placeholder", path, problems, limit=MAX_SELECT_PLACEHOLDER)
    _check_int(select, "min_values", path, problems, low=0, high=MAX_SELECT_OPTIONS)
    _check_int(select, "max_values", path, problems, low=1, high=MAX_SELECT_OPTIONS)
    if select["type"] != STRING_SELECT:
        return
    options = _check_list(
        select.get("options"), (*path, "options"), problems, limit=MAX_SELECT_OPTIONS, minimum=1
    )
    for where, option in _objects(options, (*path, "options"), problems):
        for key in ("label", "value"):
            _check_str(option, key, where, problems, limit=MAX_SELECT_OPTION_TEXT, required=True, minimum=1)
        _check_str(option, "description", where, problems, limit=MAX_SELECT_OPTION_TEXT)


def _check_components(components: Any, problems: Problems, path: Path = ("components",)) -> None:
    """Message components: up to 5 action rows of up to 5 buttons or one select; unique custom_ids."""
    seen: set[str] = set()
    for row_index, row in enumerate(_check_list(components, path, problems, limit=MAX_ACTION_ROWS)):
        row_path = (*path, row_index)
        if not isinstance(row, dict) or row.get("type") != ACTION_ROW:
            problems.add(
                (*row_path, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).'
            )
            continue
        children = _check_list(
            row.get("components"), (*row_path, "components"), problems, limit=MAX_BUTTONS_PER_ROW, minimum=1
        )
        kinds = [child.get("type") for child in children if isinstance(child, dict)]
        if any(kind in SELECT_TYPES for kind in kinds) and len(children) > 1:
            problems.add(
                (*row_path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for where, child in _objects(children, (*row_path, "components"), problems):
            if child.get("type") == BUTTON:
                _check_button(child, where, problems)
            elif child.get("type") in SELECT_TYPES:
                _check_select(child, where, problems)
            else:
                problems.add(
                    (*where, "type"), "UNION_TYPE_CHOICES", "Not a message component this row can hold."
                )
                continue
            custom_id = child.get("custom_id")
            if isinstance(custom_id, str):
                if custom_id in seen:
                    problems.add(
                        (*where, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                seen.add(custom_id)


def _check_allowed_mentions(value: Any, problems: Problems) -> None:
    path: Path = ("allowed_mentions",)
    if not isinstance(value, dict):
        problems.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    for key in value.keys() - {"parse", "roles", "users", "replied_user"}:
        problems.add((*path, key), "BASE_TYPE_UNKNOWN_FIELD", "Unknown field.")
    parse = value.get("parse", [])
    for index, kind in enumerate(_check_list(parse, (*path, "parse"), problems, limit=3)):
        if kind not in ("roles", "users", "everyone"):
            problems.add(
                (*path, "parse", index),
                "BASE_TYPE_CHOICES",
                "Value must be one of {'roles', 'users', 'everyone'}.",
            )
    for key in ("roles", "users"):
        if key not in value:
            continue
        ids = _check_list(value[key], (*path, key), problems, limit=MAX_MENTION_IDS)
        for index, snowflake in enumerate(ids):
            if not isinstance(snowflake, str | int) or not _SNOWFLAKE.fullmatch(str(snowflake)):
                problems.add(
                    (*path, key, index), "NUMBER_TYPE_COERCE", f'Value "{snowflake}" is not snowflake.'
                )
        if isinstance(parse, list) and key in parse and ids:
            problems.add(
                (*path, key),
                "SET_TYPE_ALREADY_CONTAINS_VALUE",
                f'parse:["{key}"] and {key}: [ids...] are mutually exclusive.',
            )
    if "replied_user" in value and not isinstance(value["replied_user"], bool):
        problems.add((*path, "replied_user"), "BASE_TYPE_BOOLEAN", "Must be either true or false.")


def message_problems(payload: Any, *, allowed_flags: int = CHANNEL_MESSAGE_FLAGS) -> Problems:
    """Why Discord would refuse this message body (create, edit, interaction answer, follow-up).

    An empty message is refused apart (50006), since an edit may leave out every field. Public so that
    renderer tests can check embeds and components without a server (`message_problems(body).lines()`).
    """
    problems = Problems()
    if not isinstance(payload, dict):
        problems.add((), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return problems
    _check_str(payload, "content", (), problems, limit=MAX_CONTENT)
    if payload.get("embeds") is not None:
        _check_embeds(payload["embeds"], problems)
    if payload.get("components") is not None:
        _check_components(payload["components"], problems)
    if payload.get("allowed_mentions") is not None:
        _check_allowed_mentions(payload["allowed_mentions"], problems)
    flags = payload.get("flags")
    if flags is not None:
        if isinstance(flags, bool) or not isinstance(flags, int):
            problems.add(("flags",), "NUMBER_TYPE_COERCE", f'Value "{flags}" is not int.')
        elif flags & ~allowed_flags:
            problems.add(
                ("flags",), "MESSAGE_FLAGS_INVALID", f"Flags {flags & ~allowed_flags} cannot be set here."
            )
    return problems


def _is_empty(payload: dict[str, Any]) -> bool:
    return not (
        payload.get("content")
        or payload.get("embeds")
        or payload.get("components")
        or payload.get("sticker_ids")
        or payload.get("attachments")
        or payload.get("poll")
    )


def _check_modal(data: Any, problems: Problems) -> None:
    path: Path = ("data",)
    if not isinstance(data, dict):
        problems.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    _check_str(data, "custom_id", path, problems, limit=MAX_CUSTOM_ID, required=True, minimum=1)
    _check_str(data, "title", path, problems, limit=MAX_MODAL_TITLE, required=True, minimum=1)
    rows = _check_list(
        data.get("components"), (*path, "components"), problems, limit=MAX_ACTION_ROWS, minimum=1
    )
    seen: set[str] = set()
    for index, row in enumerate(rows):
        where = (*path, "components", index)
        inputs = row.get("components") if isinstance(row, dict) and row.get("type") == ACTION_ROW else None
        if not isinstance(inputs, list) or len(inputs) != 1 or not isinstance(inputs[0], dict):
            problems.add(
                where, "MODAL_ROW_INVALID", "Each modal row is an action row holding one text input."
            )
            continue
        text = inputs[0]
        at = (*where, "components", 0)
        if text.get("type") != TEXT_INPUT:
            problems.add((*at, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (4,).')
            continue
        _check_str(text, "custom_id", at, problems, limit=MAX_CUSTOM_ID, required=True, minimum=1)
        if text.get("custom_id") in seen:
            problems.add(
                (*at, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(str(text.get("custom_id")))
        if text.get("style") not in (1, 2):
            problems.add((*at, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
        _check_str(text, "label", at, problems, limit=MAX_TEXT_INPUT_LABEL, required=True, minimum=1)
        _check_str(text, "value", at, problems, limit=MAX_TEXT_INPUT_VALUE)
        _check_str(text, "placeholder", at, problems, limit=MAX_TEXT_INPUT_PLACEHOLDER)
        _check_int(text, "min_length", at, problems, low=0, high=MAX_TEXT_INPUT_VALUE)
        _check_int(text, "max_length", at, problems, low=1, high=MAX_TEXT_INPUT_VALUE)


def interaction_response_problems(response: Any, interaction: Mapping[str, Any]) -> Problems:
    """Why Discord would refuse this answer to `interaction` (the payload it was sent).

    Types: 1 PONG (to a PING only), 4 message, 5 deferred message (data may carry only flags), 6
    deferred update and 7 update (to a component, or to a modal opened from a message), 9 modal (not
    to a modal submission). Messages keep the message limits; flags may add EPHEMERAL (64). A deferral's
    data may also hold `allowed_mentions`, which Discord ignores there: hikari's callback calls
    (`create_interaction_response`) send it with every response type, deferrals included.
    """
    problems = Problems()
    if not isinstance(response, dict):
        problems.add((), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return problems
    kind = response.get("type")
    source = interaction.get("type")
    if kind not in RESPONSE_TYPES:
        problems.add(("type",), "BASE_TYPE_CHOICES", f"Value must be one of {sorted(RESPONSE_TYPES)}.")
        return problems
    if (kind == PONG) != (source == PING):
        problems.add(("type",), "INTERACTION_RESPONSE_TYPE_INVALID", "PONG answers a PING, and only a PING.")
    if kind in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE) and "message" not in interaction:
        problems.add(
            ("type",), "INTERACTION_RESPONSE_TYPE_INVALID", "Only an interaction on a message can update it."
        )
    if kind == MODAL and source == MODAL_SUBMIT:
        problems.add(
            ("type",), "INTERACTION_RESPONSE_TYPE_INVALID", "A modal submission cannot open a modal."
        )
    data = response.get("data")
    if kind == MODAL:
        _check_modal(data, problems)
    elif kind in (CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE):
        inner = message_problems(data if data is not None else {}, allowed_flags=INTERACTION_MESSAGE_FLAGS)
        problems.items.extend((("data", *path), code, message) for path, code, message in inner.items)
        if kind == CHANNEL_MESSAGE_WITH_SOURCE and (not isinstance(data, dict) or _is_empty(data)):
            problems.add(("data",), "MESSAGE_EMPTY", "Cannot send an empty message")
    elif kind == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE and data is not None:
        if not isinstance(data, dict) or data.keys() - {"flags", "allowed_mentions"}:
            problems.add(("data",), "BASE_TYPE_INVALID", "A deferred answer carries only flags.")
        elif isinstance(data.get("flags", 0), int) and data.get("flags", 0) & ~INTERACTION_MESSAGE_FLAGS:
            problems.add(("data", "flags"), "MESSAGE_FLAGS_INVALID", "Flags cannot be set here.")
    elif kind in (PONG, DEFERRED_UPDATE_MESSAGE) and data:
        ignored = {"allowed_mentions"} if kind == DEFERRED_UPDATE_MESSAGE else set()
        if not isinstance(data, dict) or data.keys() - ignored:
            problems.add(("data",), "BASE_TYPE_INVALID", "This answer carries no data.")
    return problems


def _valid_name(name: Any) -> bool:
    """`^[-_\\p{L}\\p{N}]{1,32}$`, lower case where the letter has a case (Discord's rule for chat input)."""
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_COMMAND_NAME or name != name.lower():
        return False
    return all(char in "-_" or unicodedata.category(char)[0] in "LN" for char in name)


SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
_MAY_HOLD: dict[int | None, frozenset[str]] = {
    None: frozenset({"sub_command", "group", "value"}),  # a command's own options
    SUB_COMMAND_GROUP: frozenset({"sub_command"}),
    SUB_COMMAND: frozenset({"value"}),
}
"""What a level may hold: a group holds sub-commands only, a sub-command holds values only."""


def _check_options(options: Any, path: Path, problems: Problems, *, parent: int | None) -> None:
    """Options at one level: unique names, required before optional, choices, and nesting (groups at
    the top only, sub-commands at the top or in a group, never beside value options)."""
    names: set[str] = set()
    optional_seen = False
    kinds_here: set[str] = set()
    for where, option in _objects(
        _check_list(options, path, problems, limit=MAX_COMMAND_OPTIONS), path, problems
    ):
        kind = option.get("type")
        if not isinstance(kind, int) or not 1 <= kind <= 11:
            problems.add((*where, "type"), "BASE_TYPE_CHOICES", "Value must be one of 1..11.")
            continue
        _check_name_and_description(option, where, problems, kind=1)
        if option.get("name") in names:
            problems.add(
                (*where, "name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique.",
            )
        names.add(str(option.get("name")))
        role = {SUB_COMMAND: "sub_command", SUB_COMMAND_GROUP: "group"}.get(kind, "value")
        kinds_here.add("nested" if role != "value" else "value")
        if role not in _MAY_HOLD[parent] or len(kinds_here) > 1:
            problems.add(
                (*where, "type"),
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Groups hold sub-commands, sub-commands hold values, and the two kinds do not mix.",
            )
        if role != "value":
            if option.get("options") is not None:
                _check_options(option["options"], (*where, "options"), problems, parent=kind)
            continue
        if option.get("required"):
            if optional_seen:
                problems.add(
                    (*where, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        choices = option.get("choices")
        if choices is not None:
            for at, choice in _objects(
                _check_list(choices, (*where, "choices"), problems, limit=MAX_COMMAND_CHOICES),
                (*where, "choices"),
                problems,
            ):
                _check_str(choice, "name", at, problems, limit=100, required=True, minimum=1)
                if kind == 3:
                    _check_str(choice, "value", at, problems, limit=100, required=True, minimum=1)


def _check_name_and_description(owner: dict[str, Any], path: Path, problems: Problems, *, kind: int) -> None:
    name = owner.get("name")
    if kind == 1 and not _valid_name(name):
        problems.add((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    elif kind != 1:
        _check_str(owner, "name", path, problems, limit=MAX_COMMAND_NAME, required=True, minimum=1)
    if kind == 1:
        _check_str(
            owner, "description", path, problems, limit=MAX_COMMAND_DESCRIPTION, required=True, minimum=1
        )
    elif owner.get("description"):
        problems.add(
            (*path, "description"),
            "APPLICATION_COMMAND_DESCRIPTION_NOT_ALLOWED",
            "Only chat input commands have a description.",
        )


def command_problems(commands: Any) -> Problems:
    """Why Discord would refuse this bulk overwrite of application commands."""
    problems = Problems()
    listed = _check_list(commands, (), problems, limit=MAX_GLOBAL_COMMANDS)
    seen: set[tuple[int, str]] = set()
    for where, command in _objects(listed, (), problems):
        kind = command.get("type", 1)
        if kind not in (1, 2, 3):
            problems.add((*where, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
            continue
        _check_name_and_description(command, where, problems, kind=kind)
        key = (kind, str(command.get("name")))
        if key in seen:
            problems.add(
                (*where, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        seen.add(key)
        if command.get("options") is not None:
            if kind != 1:
                problems.add(
                    (*where, "options"), "BASE_TYPE_INVALID", "Only chat input commands have options."
                )
            else:
                _check_options(command["options"], (*where, "options"), problems, parent=None)
    return problems


# --- signing -------------------------------------------------------------------------------------


def sign(signing_key: SigningKey, timestamp: str, body: bytes) -> dict[str, str]:
    """The headers Discord sends with an interaction: Ed25519 over timestamp + body, in hex."""
    signature = signing_key.sign(timestamp.encode() + body).signature.hex()
    return {
        "X-Signature-Ed25519": signature,
        "X-Signature-Timestamp": timestamp,
        "Content-Type": "application/json",
        "User-Agent": "Discord-Interactions/1.0 (+https://discord.com)",
    }


def verify_signature(public_key_hex: str, signature_hex: str, timestamp: str, body: bytes) -> bool:
    """What the bot must check before anything else (and answer 401 when False)."""
    try:
        VerifyKey(bytes.fromhex(public_key_hex)).verify(
            timestamp.encode() + body, bytes.fromhex(signature_hex)
        )
    except (BadSignatureError, ValueError):
        return False
    return True


# --- JSON helpers --------------------------------------------------------------------------------


def _user_json(user_id: str, name: str | None = None, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name or f"user{user_id[-4:]}",
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def _numbered(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Components as Discord answers them: each with a numeric `id`, counted in order through the tree
    where the sender gave none."""
    counter = itertools.count(1)

    def number(component: dict[str, Any]) -> dict[str, Any]:
        copy = {**component, "id": component.get("id", next(counter))}
        if isinstance(component.get("components"), list):
            copy["components"] = [number(child) for child in component["components"]]
        return copy

    return [number(component) for component in components]


def _json_response(body: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """Discord's answers: `Content-Type` exactly application/json (discord.py compares it as a string)
    and `Via: 1.1 google` (clients tell Discord's 429s from Cloudflare's by it)."""
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Via": "1.1 google", **(headers or {})},
    )


async def _read_body(request: web.Request) -> Any:
    """JSON, or multipart with a `payload_json` part (how clients send attachments); None when empty."""
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        raw = form.get("payload_json")
        if isinstance(raw, web.FileField):
            text = raw.file.read().decode()
        elif isinstance(raw, bytes | bytearray):
            text = raw.decode()
        else:
            text = raw or ""
    else:
        text = (await request.read()).decode()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise _DiscordError.of(INVALID_JSON) from None


# --- the server ----------------------------------------------------------------------------------

_Handler = Callable[[dict[str, str], Any, web.Request], Awaitable[tuple[int, Any]]]


@dataclass(frozen=True)
class _Route:
    key: str
    method: str
    pattern: re.Pattern[str]
    handler: _Handler
    major: str | None
    bot_auth: bool
    """Bot token required and the global limit applies (not for interaction and webhook-token routes)."""
    limited: bool = True
    """Counted in a bucket and answered with X-RateLimit headers; the interaction callback is not
    (hikari's routes table says it has no rate limit, and logs an ERROR when it sees bucket headers)."""


def _compile(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")


@dataclass
class _Interaction:
    id: str
    token: str
    type: int
    channel_id: str
    payload: dict[str, Any]
    issued: float
    answered: int | None = None
    failed: bool = False
    original_id: str | None = None
    deferred_flags: int = 0
    """The flags of a deferred answer (type 5): the original message, when it comes, has them."""
    followups: set[str] = field(default_factory=set)


class FakeDiscord(LoopbackServer):
    """The fake Discord API; `async with FakeDiscord() as fake:` then `hikari.RESTApp(url=fake.api_url)`.

    `rate_limits=False` switches every limit off; `RateLimits(...)` sets others. `clock` (seconds,
    monotonic) times buckets, the global window, the invalid-request count and interaction tokens, so
    a test moves time instead of sleeping. A default guild (GUILD_ID) exists, with @everyone allowed to
    read and write, the bot holding a role that may read, write and embed, and OWNER_ID as its owner.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        rate_limits: RateLimits | bool = True,
        clock: Callable[[], float] = time.monotonic,
        signing_seed: bytes = DEFAULT_SIGNING_SEED,
    ) -> None:
        super().__init__()
        self.token = token
        self.rate_limits: RateLimits | None = RateLimits() if rate_limits is True else rate_limits or None
        self.signing_key = SigningKey(signing_seed)
        self.public_key = self.signing_key.verify_key.encode().hex()
        self.guilds: dict[str, FakeGuild] = {}
        self.channels: dict[str, FakeChannel] = {}
        self.sent: list[SentMessage] = []
        self.modals: list[ModalRecord] = []
        self.exchanges: list[InteractionExchange] = []
        self.command_puts: list[CommandPut] = []
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        self.requests: list[ApiRequest] = []
        self.errors: list[AnsweredError] = []
        self.rate_limited = 0
        """429 answers for rate limits (route or global), not counting scripted ones or the ban."""
        self.banned_until: float | None = None
        self._clock = clock
        self._ids = itertools.count(1)
        self._current: dict[str, SentMessage] = {}
        self._channel_errors: dict[str, int] = {}
        self._faults: defaultdict[str, deque[_DiscordError]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._global: deque[float] = deque()
        self._invalid: deque[float] = deque()
        self._interactions: dict[str, _Interaction] = {}
        self._changed = asyncio.Condition()
        self._stopped = asyncio.Event()
        self._routes = [
            self._route(GET_ME, self._get_me, None),
            self._route(GET_CHANNEL, self._get_channel, "channel_id"),
            self._route(CREATE_MESSAGE, self._create_message, "channel_id"),
            self._route(PUT_COMMANDS, self._put_commands, "application_id"),
            self._route(PUT_GUILD_COMMANDS, self._put_commands, "guild_id"),
            self._route(
                INTERACTION_CALLBACK, self._callback, "interaction_id", bot_auth=False, limited=False
            ),
            self._route(CREATE_FOLLOWUP, self._create_followup, "token", bot_auth=False),
            self._route(GET_WEBHOOK_MESSAGE, self._get_webhook_message, "token", bot_auth=False),
            self._route(EDIT_WEBHOOK_MESSAGE, self._edit_webhook_message, "token", bot_auth=False),
            self._route(DELETE_WEBHOOK_MESSAGE, self._delete_webhook_message, "token", bot_auth=False),
        ]
        self.add_guild(GUILD_ID, "Paperboy Test", owner_id=OWNER_ID)

    @staticmethod
    def _route(
        key: str, handler: _Handler, major: str | None, *, bot_auth: bool = True, limited: bool = True
    ) -> _Route:
        method, template = key.split(" ", 1)
        return _Route(key, method, _compile(template), handler, major, bot_auth, limited)

    # --- lifecycle ---

    @property
    def api_url(self) -> str:
        """What `hikari.RESTApp(url=...)` takes (and discord.py's `Route.BASE`)."""
        return f"{self.base_url}{API_PREFIX}"

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle)

    def on_stop(self) -> None:
        self._stopped.set()

    # --- scripting: the world ---

    def add_guild(self, guild_id: str, name: str, *, owner_id: str = OWNER_ID) -> FakeGuild:
        """A guild whose @everyone may read and write, with the bot as a member holding its own role."""
        bot_role = str(int(guild_id) + 1)
        guild = FakeGuild(
            guild_id, name, owner_id, roles={guild_id: EVERYONE_DEFAULT, bot_role: BOT_ROLE_PERMISSIONS}
        )
        guild.members[BOT_USER_ID] = (bot_role,)
        guild.members[owner_id] = ()
        self.guilds[guild_id] = guild
        return guild

    def add_role(self, role_id: str, permissions: int, *, guild_id: str = GUILD_ID) -> None:
        """A role and its guild-wide permissions (add the @everyone role's id to change @everyone)."""
        self.guilds[guild_id].roles[role_id] = permissions

    def add_member(self, user_id: str, roles: Iterable[str] = (), *, guild_id: str = GUILD_ID) -> None:
        """A member of a guild with these roles (besides @everyone)."""
        self.guilds[guild_id].members[user_id] = tuple(roles)

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        type: int = GUILD_TEXT,
        guild_id: str = GUILD_ID,
        parent_id: str | None = None,
        overwrites: Iterable[Overwrite] = (),
    ) -> FakeChannel:
        """A guild channel, or a thread when `type` is 11/12 (with `parent_id`, whose overwrites it uses)."""
        if type in THREAD_TYPES and parent_id not in self.channels:
            raise ValueError("a thread needs a known parent channel")
        channel = FakeChannel(channel_id, type, name, guild_id, parent_id, tuple(overwrites))
        self.channels[channel_id] = channel
        return channel

    def add_dm(self, channel_id: str, user_id: str = DEFAULT_USER_ID) -> FakeChannel:
        """The DM channel between the bot and `user_id`."""
        channel = FakeChannel(channel_id, DM, None, None, recipient_id=user_id)
        self.channels[channel_id] = channel
        return channel

    def permissions(self, user_id: str, channel_id: str) -> int:
        """A member's permissions in a channel, computed as Discord does: @everyone and role permissions,
        everything for the owner or an administrator, then the channel's overwrites (@everyone, roles,
        the member); a thread uses its parent's overwrites. In a DM, everything but guild powers."""
        channel = self.channels[channel_id]
        if channel.guild_id is None:
            return VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY
        guild = self.guilds[channel.guild_id]
        if user_id == guild.owner_id:
            return ALL_PERMISSIONS
        roles = guild.members.get(user_id, ())
        allowed = guild.roles.get(guild.id, 0)
        for role in roles:
            allowed |= guild.roles.get(role, 0)
        if allowed & ADMINISTRATOR:
            return ALL_PERMISSIONS
        source = self.channels[channel.parent_id] if channel.parent_id else channel
        overwrites = {(overwrite.type, overwrite.id): overwrite for overwrite in source.overwrites}
        everyone = overwrites.get((0, guild.id))
        if everyone:
            allowed = (allowed & ~everyone.deny) | everyone.allow
        deny = allow = 0
        for role in roles:
            if (0, role) in overwrites:
                deny |= overwrites[(0, role)].deny
                allow |= overwrites[(0, role)].allow
        allowed = (allowed & ~deny) | allow
        member = overwrites.get((1, user_id))
        if member:
            allowed = (allowed & ~member.deny) | member.allow
        return allowed

    def has_permission(self, user_id: str, channel_id: str, permission: int) -> bool:
        """Whether the member holds `permission` (e.g. MANAGE_CHANNELS) in the channel."""
        return self.permissions(user_id, channel_id) & permission == permission

    # --- scripting: faults ---

    def set_channel_error(self, channel_id: str, code: int | None) -> None:
        """Answer every request about `channel_id` with this Discord error (10003, 50001, 50013,
        50007 ...); None stops it."""
        if code is None:
            self._channel_errors.pop(channel_id, None)
        else:
            self._channel_errors[channel_id] = code

    def fail_next(
        self,
        route: str,
        status: int,
        *,
        code: int | None = None,
        message: str | None = None,
        retry_after: float = 1.0,
        is_global: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests to `route` (a route key such as CREATE_MESSAGE) with this
        error: 429 as a rate limit (`retry_after`, `is_global`), 5xx as a server error, or a Discord code."""
        if status == 429:
            fault = _rate_limited(
                retry_after, is_global=is_global, bucket=None if is_global else bucket_hash(route)
            )
        elif code is not None:
            fault = _DiscordError(status, code, message or ERROR_CODES.get(code, (status, "Error"))[1])
        else:
            fault = _DiscordError(
                status, 0, message or f"{status}: {'Internal Server Error' if status >= 500 else 'Error'}"
            )
        self._faults[route].extend(fault for _ in range(times))

    def slow(self, route: str, seconds: float) -> None:
        """Delay every answer to `route` by `seconds` of real time (0 makes it fast again)."""
        self._delays[route] = seconds

    # --- reading records ---

    def messages(self, channel_id: str | None = None) -> list[SentMessage]:
        """Every accepted message and edit, in order; those of one channel when given."""
        return [message for message in self.sent if channel_id is None or message.channel_id == channel_id]

    def current(self, message_id: str) -> SentMessage:
        """A message as it stands now, after any edit."""
        return self._current[message_id]

    @property
    def invalid_requests(self) -> int:
        """401, 403 and 429 answers within the current invalid-request window."""
        self._forget_invalid()
        return len(self._invalid)

    async def wait_until(self, condition: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until `condition()` holds, checked after every answer; TimeoutError after `within`."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(condition)

    async def wait_for_messages(self, count: int = 1, within: float = 5.0) -> list[SentMessage]:
        try:
            await self.wait_until(lambda: len(self.sent) >= count, within)
        except TimeoutError:
            raise TimeoutError(f"expected {count} messages within {within} s, got {len(self.sent)}") from None
        return list(self.sent)

    # --- Discord's side of interactions ---

    def command(
        self,
        name: str,
        options: Mapping[str, str | int | bool | float] | None = None,
        *,
        subcommand: str | None = None,
        channel_id: str,
        user_id: str = DEFAULT_USER_ID,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """An APPLICATION_COMMAND interaction for `/name [subcommand] options...`.

        Option types follow the Python values (str 3, int 4, bool 5, float 10). When the command was
        registered through the fake, its id and the declared option types are used instead.
        """
        registered = next((c for c in self.commands.get(None, []) if c["name"] == name), None)
        declared = registered.get("options", []) if registered else []
        values = [self._option(key, value, declared, subcommand) for key, value in (options or {}).items()]
        data: dict[str, Any] = {
            "id": registered["id"] if registered else self._snowflake(),
            "name": name,
            "type": 1,
        }
        if subcommand is not None:
            data["options"] = [{"name": subcommand, "type": 1, "options": values}]
        elif values:
            data["options"] = values
        return self._interaction(APPLICATION_COMMAND, data, channel_id, user_id, locale)

    def component(
        self,
        message: SentMessage,
        custom_id: str,
        *,
        values: list[str] | None = None,
        user_id: str = DEFAULT_USER_ID,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """A MESSAGE_COMPONENT interaction: `user_id` presses the button (or picks `values` in the select)
        with this custom_id on a message the bot sent; the custom_id must be on that message."""
        current = self._current.get(message.message_id, message)
        found = [
            child
            for row in current.components
            for child in row.get("components", [])
            if child.get("custom_id") == custom_id
        ]
        if not found:
            raise ValueError(
                f"message {message.message_id} has no component {custom_id!r}: {current.custom_ids()}"
            )
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": found[0]["type"]}
        if found[0]["type"] in SELECT_TYPES:
            data["values"] = values or []
        payload = self._interaction(MESSAGE_COMPONENT, data, current.channel_id, user_id, locale)
        payload["message"] = self._message_json(current)
        return payload

    def modal_submit(
        self,
        modal: ModalRecord,
        values: Mapping[str, str],
        *,
        channel_id: str,
        user_id: str = DEFAULT_USER_ID,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """A MODAL_SUBMIT of a modal the bot opened, with a value for some of its text inputs."""
        inputs = {row["components"][0]["custom_id"] for row in modal.components}
        unknown = set(values) - inputs
        if unknown:
            raise ValueError(f"the modal has no text inputs {sorted(unknown)}; it has {sorted(inputs)}")
        rows = [
            {
                "type": ACTION_ROW,
                "components": [{"type": TEXT_INPUT, "custom_id": key, "value": values.get(key, "")}],
            }
            for key in (row["components"][0]["custom_id"] for row in modal.components)
        ]
        data = {"custom_id": modal.custom_id, "components": _numbered(rows)}  # ids, as Discord sends them
        payload = self._interaction(MODAL_SUBMIT, data, channel_id, user_id, locale)
        if modal.from_message is not None:
            payload["message"] = self._message_json(self._current[modal.from_message])
        return payload

    def ping(self) -> dict[str, Any]:
        """The PING Discord sends when the endpoint URL is saved."""
        return {
            "id": self._snowflake(),
            "application_id": APPLICATION_ID,
            "type": PING,
            "token": secrets.token_urlsafe(32),
            "version": 1,
        }

    async def interact(
        self,
        url: str,
        payload: dict[str, Any],
        *,
        signature: Literal["valid", "forged", "missing", "other_key"] = "valid",
        check: bool = True,
        deadline: float = INTERACTION_DEADLINE,
    ) -> InteractionExchange:
        """POST an interaction to the bot's endpoint the way Discord does and judge the answer.

        The body is signed with the application's key ("forged" flips a bit of the signature,
        "other_key" signs with a key the bot does not know, "missing" sends no signature headers).
        With `check` (the default, and only for valid signatures) an answer that is late, not 200 or
        not a valid interaction response fails the test with the reasons. An accepted answer opens the
        token for follow-ups; a late or invalid one fails the interaction as Discord does.
        """
        body = json.dumps(payload).encode()
        timestamp = str(int(time.time()))
        key = SigningKey.generate() if signature == "other_key" else self.signing_key
        headers = sign(key, timestamp, body)
        if signature == "forged":
            raw = bytearray(bytes.fromhex(headers["X-Signature-Ed25519"]))
            raw[0] ^= 0x01
            headers["X-Signature-Ed25519"] = raw.hex()
        elif signature == "missing":
            del headers["X-Signature-Ed25519"], headers["X-Signature-Timestamp"]
        interaction = None
        if payload.get("type") != PING:
            interaction = _Interaction(
                id=str(payload["id"]),
                token=str(payload["token"]),
                type=int(payload["type"]),
                channel_id=str(payload.get("channel_id", "")),
                payload=payload,
                issued=self._clock(),
            )
            self._interactions[interaction.token] = interaction
        started = time.monotonic()
        status, answer = 0, None
        try:
            async with (
                asyncio.timeout(deadline),
                aiohttp.ClientSession() as session,
                session.post(url, data=body, headers=headers) as response,
            ):
                status = response.status
                text = await response.text()
                try:
                    answer = json.loads(text) if text else None
                except ValueError:
                    answer = text
        except TimeoutError:
            status = 0
        elapsed = time.monotonic() - started
        problems: list[str] = []
        if status == 0:
            problems.append(f"no answer within {deadline} s: the user sees 'The application did not respond'")
        elif interaction is not None and interaction.answered is not None:
            if status not in (200, 202, 204) or answer:
                problems.append(
                    f"acknowledged through the callback endpoint, then answered HTTP {status} {answer!r}"
                )
        elif status == 200:
            problems = interaction_response_problems(answer, payload).lines()
        else:
            problems.append(f"HTTP {status}: {str(answer)[:200]}")
        exchange = InteractionExchange(payload, status, answer, elapsed, problems)
        self.exchanges.append(exchange)
        if interaction is not None and signature == "valid":
            if problems:
                interaction.failed = interaction.answered is None
            elif interaction.answered is None and isinstance(answer, dict):
                self._accept_response(interaction, answer)
        await self._notify()
        if check and signature == "valid" and problems:
            raise AssertionError(f"interaction {payload.get('type')} answered badly: {problems}")
        return exchange

    async def check_endpoint(self, url: str) -> list[str]:
        """What Discord does when the endpoint URL is saved: a signed PING must get PONG, and a badly
        signed one 401; the reasons it would refuse the URL ([] when it accepts it)."""
        reasons: list[str] = []
        good = await self.interact(url, self.ping(), check=False)
        if good.status != 200 or good.response_type != PONG:
            reasons.append(f"a signed PING got HTTP {good.status} {good.body!r}, not PONG")
        for mode in ("forged", "missing"):
            bad = await self.interact(url, self.ping(), signature=mode, check=False)
            if bad.status != 401:
                reasons.append(f"a {mode} signature got HTTP {bad.status}, not 401")
        return reasons

    # --- HTTP plumbing ---

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        route, params = self._match(request.method, path)
        key = route.key if route else f"{request.method} {path}"
        headers: dict[str, str] = {}
        body: Any = None
        authorized = request.headers.get("Authorization") == f"Bot {self.token}"
        try:
            if self._banned():
                return self._ban_answer(request, path, key, authorized)
            if route is None:
                raise _DiscordError(404, 0, "404: Not Found")
            if route.bot_auth:
                if not authorized:
                    raise _unauthorized()
                self._check_global()
            headers = self._take_bucket(route, params) if route.limited else {}
            faults = self._faults[route.key]
            if faults:
                raise faults.popleft()
            await self._pause(self._delays.get(route.key, 0.0))
            body = await _read_body(request)
            status, result = await route.handler(params, body, request)
            answer = (
                web.Response(status=204, headers={"Via": "1.1 google", **headers})
                if status == 204
                else (_json_response(result, status=status, headers=headers))
            )
        except _DiscordError as error:
            answer = self._refuse(key, error, headers)
            status = error.status
        self.requests.append(
            ApiRequest(request.method, path, route.key if route else None, body, authorized, status)
        )
        await self._notify()
        return answer

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str]]:
        for route in self._routes:
            if route.method == method:
                found = route.pattern.match(path)
                if found:
                    return route, found.groupdict()
        return None, {}

    def _refuse(self, key: str, error: _DiscordError, headers: dict[str, str]) -> web.Response:
        body = error.to_json()
        self.errors.append(AnsweredError(key, error.status, error.code, error.message, error.errors))
        if error.status in (401, 403, 429):
            self._count_invalid()
        return _json_response(body, status=error.status, headers={**headers, **error.headers})

    def _banned(self) -> bool:
        return self.banned_until is not None and self._clock() < self.banned_until

    def _ban_answer(self, request: web.Request, path: str, key: str, authorized: bool) -> web.Response:
        assert self.banned_until is not None
        wait = max(1, math.ceil(self.banned_until - self._clock()))
        self.errors.append(AnsweredError(key, 429, 0, "banned by Cloudflare"))
        self.requests.append(ApiRequest(request.method, path, None, None, authorized, 429))
        return web.Response(status=429, text=CLOUDFLARE_BAN_TEXT, headers={"Retry-After": str(wait)})

    def _count_invalid(self) -> None:
        if self.rate_limits is None:
            return
        self._invalid.append(self._clock())
        if self.invalid_requests >= self.rate_limits.invalid_limit:
            self.banned_until = self._clock() + self.rate_limits.ban_seconds

    def _forget_invalid(self) -> None:
        if self.rate_limits is None:
            return
        horizon = self._clock() - self.rate_limits.invalid_window
        while self._invalid and self._invalid[0] <= horizon:
            self._invalid.popleft()

    def _check_global(self) -> None:
        if self.rate_limits is None:
            return
        now = self._clock()
        while self._global and self._global[0] <= now - 1.0:
            self._global.popleft()
        if len(self._global) >= self.rate_limits.global_per_second:
            self.rate_limited += 1
            raise _rate_limited(self._global[0] + 1.0 - now, is_global=True)
        self._global.append(now)

    def _take_bucket(self, route: _Route, params: dict[str, str]) -> dict[str, str]:
        """Count the request in its bucket; the X-RateLimit headers, or a 429 when the bucket is empty."""
        if self.rate_limits is None:
            return {}
        limit = self.rate_limits.for_route(route.key)
        major = params.get(route.major, "") if route.major else ""
        bucket = self._buckets.setdefault((route.key, major), _Bucket(limit.limit, limit.window))
        now = self._clock()
        if now >= bucket.resets_at:
            bucket.used, bucket.resets_at = 0, now + bucket.window
        reset_after = bucket.resets_at - now
        name = bucket_hash(route.key)
        if bucket.used >= bucket.limit:
            self.rate_limited += 1
            error = _rate_limited(reset_after, is_global=False, bucket=name)
            error.headers |= self._bucket_headers(bucket, name, reset_after)
            raise error
        bucket.used += 1
        return self._bucket_headers(bucket, name, reset_after)

    @staticmethod
    def _bucket_headers(bucket: _Bucket, name: str, reset_after: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(bucket.limit - bucket.used),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": name,
        }

    async def _pause(self, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), seconds)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- handlers ---

    async def _get_me(self, params: dict[str, str], body: Any, request: web.Request) -> tuple[int, Any]:
        return 200, _user_json(BOT_USER_ID, BOT_NAME, bot=True) | {
            "mfa_enabled": True,
            "verified": True,
            "flags": 0,
            "locale": "en-US",
            "email": None,
            "premium_type": 0,
        }

    def _visible_channel(self, channel_id: str) -> FakeChannel:
        """The channel, refused as Discord refuses it: scripted error, 10003 unknown, 50001 unseen."""
        if channel_id in self._channel_errors:
            raise _DiscordError.of(self._channel_errors[channel_id])
        channel = self.channels.get(channel_id)
        if channel is None:
            raise _DiscordError.of(UNKNOWN_CHANNEL)
        if not self.has_permission(BOT_USER_ID, channel_id, VIEW_CHANNEL):
            raise _DiscordError.of(MISSING_ACCESS)
        return channel

    async def _get_channel(self, params: dict[str, str], body: Any, request: web.Request) -> tuple[int, Any]:
        return 200, self._visible_channel(params["channel_id"]).to_json()

    async def _create_message(
        self, params: dict[str, str], body: Any, request: web.Request
    ) -> tuple[int, Any]:
        channel = self._visible_channel(params["channel_id"])
        needed = SEND_MESSAGES_IN_THREADS if channel.type in THREAD_TYPES else SEND_MESSAGES
        if not self.has_permission(BOT_USER_ID, channel.id, needed):
            raise _DiscordError.of(MISSING_PERMISSIONS)
        payload = self._checked_message(body, allowed_flags=CHANNEL_MESSAGE_FLAGS)
        message = self._record(channel.id, None, payload, "channel", None)
        return 200, self._message_json(message)

    async def _put_commands(self, params: dict[str, str], body: Any, request: web.Request) -> tuple[int, Any]:
        if params["application_id"] != APPLICATION_ID:
            raise _DiscordError(403, MISSING_ACCESS, "Missing Access")
        guild_id = params.get("guild_id")
        if guild_id is not None and guild_id not in self.guilds:
            raise _DiscordError.of(MISSING_ACCESS)
        command_problems(body).raise_if_any()
        previous = {command["name"]: command["id"] for command in self.commands.get(guild_id, [])}
        answered = [self._command_json(command, guild_id, previous.get(command["name"])) for command in body]
        self.command_puts.append(CommandPut(guild_id, body))
        self.commands[guild_id] = answered
        return 200, answered

    def _command_json(
        self, command: dict[str, Any], guild_id: str | None, known_id: str | None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": known_id or self._snowflake(),
            "application_id": APPLICATION_ID,
            "version": self._snowflake(),
            "type": command.get("type", 1),
            "name": command["name"],
            "description": command.get("description", ""),
            "options": command.get("options", []),
            "default_member_permissions": command.get("default_member_permissions"),
            "dm_permission": command.get("dm_permission", True),
            "nsfw": command.get("nsfw", False),
            "contexts": command.get("contexts"),
            "integration_types": command.get("integration_types", [0]),
        }
        if guild_id is not None:
            data["guild_id"] = guild_id
        return data

    async def _callback(self, params: dict[str, str], body: Any, request: web.Request) -> tuple[int, Any]:
        """The REST way to answer an interaction (instead of the HTTP answer): once, within 3 s."""
        interaction = self._interactions.get(params["token"])
        if interaction is None or interaction.id != params["interaction_id"] or interaction.failed:
            raise _DiscordError.of(UNKNOWN_INTERACTION)
        if interaction.answered is not None:
            raise _DiscordError.of(ALREADY_ACKNOWLEDGED)
        if self._clock() - interaction.issued > INTERACTION_DEADLINE:
            interaction.failed = True
            raise _DiscordError.of(UNKNOWN_INTERACTION)
        interaction_response_problems(body, interaction.payload).raise_if_any()
        self._accept_response(interaction, body)
        if request.query.get("with_response", "false").lower() != "true":
            return 204, None
        return 200, self._callback_response(interaction)

    def _callback_response(self, interaction: _Interaction) -> dict[str, Any]:
        """The InteractionCallbackResponse Discord answers with `?with_response=true` (hikari always
        asks for it): the interaction, and the message it created or updated, if any."""
        kind = interaction.answered
        answer: dict[str, Any] = {
            "id": interaction.id,
            "type": interaction.type,
            "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
            "response_message_ephemeral": bool(interaction.deferred_flags & EPHEMERAL),
        }
        resource: dict[str, Any] = {"type": kind}
        if kind in (CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE) and interaction.original_id in self._current:
            message = self._current[interaction.original_id]
            answer |= {
                "response_message_id": message.message_id,
                "response_message_ephemeral": message.ephemeral,
            }
            resource["message"] = self._message_json(message)
        return {"interaction": answer, "resource": resource}

    def _webhook_interaction(self, params: dict[str, str]) -> _Interaction:
        if params["application_id"] != APPLICATION_ID:
            raise _DiscordError.of(UNKNOWN_WEBHOOK)
        interaction = self._interactions.get(params["token"])
        if interaction is None or self._clock() - interaction.issued > FOLLOWUP_SECONDS:
            raise _DiscordError.of(INVALID_WEBHOOK_TOKEN)
        if interaction.failed or interaction.answered is None:
            raise _DiscordError.of(UNKNOWN_WEBHOOK)
        return interaction

    async def _create_followup(
        self, params: dict[str, str], body: Any, request: web.Request
    ) -> tuple[int, Any]:
        interaction = self._webhook_interaction(params)
        payload = self._checked_message(body, allowed_flags=INTERACTION_MESSAGE_FLAGS)
        if interaction.answered == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE and interaction.original_id is None:
            message = self._fill_deferred(interaction, payload)
        else:
            message = self._record(interaction.channel_id, None, payload, "followup", interaction.token)
            interaction.followups.add(message.message_id)
        if request.query.get("wait", "false").lower() != "true":
            return 204, None
        return 200, self._message_json(message)

    def _fill_deferred(self, interaction: _Interaction, payload: dict[str, Any]) -> SentMessage:
        """A deferred answer's "thinking…" message becomes the original response, as Discord does
        when the first follow-up or an edit of @original comes."""
        message = self._record(
            interaction.channel_id,
            None,
            payload,
            "original",
            interaction.token,
            default_flags=interaction.deferred_flags,
        )
        interaction.original_id = message.message_id
        return message

    def _webhook_message(self, interaction: _Interaction, message_id: str) -> str:
        if message_id == "@original":
            if interaction.original_id is None:
                raise _DiscordError.of(UNKNOWN_MESSAGE)
            return interaction.original_id
        if message_id not in interaction.followups and message_id != interaction.original_id:
            raise _DiscordError.of(UNKNOWN_MESSAGE)
        return message_id

    async def _get_webhook_message(
        self, params: dict[str, str], body: Any, request: web.Request
    ) -> tuple[int, Any]:
        interaction = self._webhook_interaction(params)
        return 200, self._message_json(
            self._current[self._webhook_message(interaction, params["message_id"])]
        )

    async def _edit_webhook_message(
        self, params: dict[str, str], body: Any, request: web.Request
    ) -> tuple[int, Any]:
        interaction = self._webhook_interaction(params)
        payload = self._checked_message(body, allowed_flags=INTERACTION_MESSAGE_FLAGS, partial=True)
        if (
            params["message_id"] == "@original"
            and interaction.original_id is None
            and (interaction.answered == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE)
        ):
            return 200, self._message_json(self._fill_deferred(interaction, payload))
        message_id = self._webhook_message(interaction, params["message_id"])
        source: Source = "original"
        if message_id in interaction.followups:
            source = "edit"
        elif interaction.answered in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            source = "update"  # the original of a component interaction is the message it is on
        message = self._record(interaction.channel_id, message_id, payload, source, interaction.token)
        return 200, self._message_json(message)

    async def _delete_webhook_message(
        self, params: dict[str, str], body: Any, request: web.Request
    ) -> tuple[int, Any]:
        interaction = self._webhook_interaction(params)
        message_id = self._webhook_message(interaction, params["message_id"])
        self._current.pop(message_id, None)
        return 204, None

    # --- helpers ---

    def _checked_message(self, body: Any, *, allowed_flags: int, partial: bool = False) -> dict[str, Any]:
        message_problems(body, allowed_flags=allowed_flags).raise_if_any()
        assert isinstance(body, dict)
        if not partial and _is_empty(body):
            raise _DiscordError.of(CANNOT_SEND_EMPTY)
        return body

    def _accept_response(self, interaction: _Interaction, answer: dict[str, Any]) -> None:
        """Discord acts on a valid initial answer: a message, a deferral, an update or a modal."""
        kind = int(answer["type"])
        interaction.answered = kind
        data = answer.get("data") or {}
        if kind == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
            interaction.deferred_flags = int(data.get("flags") or 0)
        elif kind == CHANNEL_MESSAGE_WITH_SOURCE:
            message = self._record(interaction.channel_id, None, data, "response", interaction.token)
            interaction.original_id = message.message_id
        elif kind in (UPDATE_MESSAGE, DEFERRED_UPDATE_MESSAGE):
            target = str(interaction.payload["message"]["id"])
            interaction.original_id = target
            if kind == UPDATE_MESSAGE:
                self._record(interaction.channel_id, target, data, "update", interaction.token)
        elif kind == MODAL:
            opener = interaction.payload.get("message")
            self.modals.append(
                ModalRecord(
                    interaction.token,
                    str(data["custom_id"]),
                    str(data["title"]),
                    list(data["components"]),
                    str(opener["id"]) if opener else None,
                )
            )

    def _record(
        self,
        channel_id: str,
        message_id: str | None,
        payload: dict[str, Any],
        source: Source,
        token: str | None,
        *,
        default_flags: int = 0,
    ) -> SentMessage:
        before = self._current.get(message_id) if message_id else None
        message = SentMessage(
            channel_id=channel_id,
            message_id=message_id or self._snowflake(),
            content=str(payload["content"]) if "content" in payload else (before.content if before else ""),
            embeds=list(payload["embeds"]) if "embeds" in payload else (before.embeds if before else []),
            components=list(payload["components"])
            if "components" in payload
            else (before.components if before else []),
            flags=int(payload.get("flags") or (before.flags if before else default_flags)),
            source=source,
            interaction_token=token,
            payload=payload,
        )
        self.sent.append(message)
        self._current[message.message_id] = message
        return message

    def _message_json(self, message: SentMessage) -> dict[str, Any]:
        """The message object Discord answers (as complete as hikari's deserialiser needs)."""
        channel = self.channels.get(message.channel_id)
        data: dict[str, Any] = {
            "id": message.message_id,
            "channel_id": message.channel_id,
            "author": _user_json(BOT_USER_ID, BOT_NAME, bot=True),
            "content": message.content,
            "timestamp": "2026-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [{"type": "rich", **embed} for embed in message.embeds],
            "components": _numbered(message.components),
            "pinned": False,
            "type": 0 if message.source == "channel" else 20,
            "flags": message.flags,
        }
        if message.interaction_token is not None:
            data["webhook_id"] = APPLICATION_ID
            data["application_id"] = APPLICATION_ID
        if channel is not None and channel.guild_id is not None:
            data["guild_id"] = channel.guild_id
        return data

    def _snowflake(self) -> str:
        """Increasing ids shaped like Discord's (milliseconds since 2015 shifted left by 22)."""
        return str(((1_767_225_600_000 - DISCORD_EPOCH_MS) << 22) + next(self._ids))

    def _option(
        self,
        key: str,
        value: str | int | bool | float,
        declared: list[dict[str, Any]],
        subcommand: str | None,
    ) -> dict[str, Any]:
        if subcommand is not None:
            declared = next((o.get("options", []) for o in declared if o.get("name") == subcommand), [])
        known = next((o for o in declared if o.get("name") == key), None)
        if known is not None:
            kind = int(known["type"])
        elif isinstance(value, bool):
            kind = 5
        elif isinstance(value, int):
            kind = 4
        elif isinstance(value, float):
            kind = 10
        else:
            kind = 3
        return {"name": key, "type": kind, "value": value}

    def _interaction(
        self, kind: int, data: dict[str, Any], channel_id: str, user_id: str, locale: str
    ) -> dict[str, Any]:
        channel = self.channels[channel_id]
        payload: dict[str, Any] = {
            "id": self._snowflake(),
            "application_id": APPLICATION_ID,
            "type": kind,
            "data": data,
            "channel_id": channel_id,
            "channel": channel.to_json(),
            "token": "aW50ZXJhY3Rpb24." + secrets.token_urlsafe(48),
            "version": 1,
            "locale": locale,
            "app_permissions": str(self.permissions(BOT_USER_ID, channel_id)),
            "entitlements": [],
            "attachment_size_limit": 10_485_760,
        }
        if channel.guild_id is None:
            payload |= {
                "user": _user_json(user_id),
                "context": 1,
                "authorizing_integration_owners": {"1": user_id},
            }
        else:
            guild = self.guilds[channel.guild_id]
            payload |= {
                "guild_id": guild.id,
                "guild_locale": "en-US",
                "guild": {"id": guild.id, "locale": "en-US", "features": []},
                "context": 0,
                "authorizing_integration_owners": {"0": guild.id},
                "member": {
                    "user": _user_json(user_id),
                    "roles": list(guild.members.get(user_id, ())),
                    "permissions": str(self.permissions(user_id, channel_id)),
                    "joined_at": "2025-01-01T00:00:00+00:00",
                    "nick": None,
                    "avatar": None,
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                    "pending": False,
                    "premium_since": None,
                },
            }
        return payload
