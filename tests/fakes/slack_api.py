"""A loopback imitation of the Slack Web API that the real slack_sdk and Bolt talk to over HTTP.

Mocking `AsyncWebClient` would only test our assumptions about Slack. This server sits behind
`AsyncWebClient(token=T, base_url=fake.api_url)` and answers `/api/<method>` the way Slack does, so
the whole stack runs for real: slack_sdk's request encoding (JSON bodies for the message and view
methods, form or query strings for the rest), its mapping of `ok: false` answers to `SlackApiError`,
its retry handlers, and Bolt's `respond()` posting to response URLs served here too.

It refuses what Slack refuses, so a rendering bug fails a test the way it fails in production: Block
Kit limits (FACTS.md section 4) checked explicitly and then through slack_sdk's own models, mrkdwn
that forgets to escape `<` or `&`, messages too long, unknown or archived channels, a channel the bot
is not in, expired or reused trigger ids, response URLs used more than five times, a reply whose
`thread_ts` names no message of that channel (`thread_not_found`), and chat.postMessage faster than
about one message per second per channel, answered with HTTP 429 and `Retry-After`.
Tests read back what the bot did from plain records: `messages()`, `ephemerals`, `updates`,
`responses`, `opened_views`, `published_views`, `requests`, `errors`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.fakes.loopback import LoopbackServer
from tests.fakes.slack_socket import SOCKET_PATH, SocketModeHub

DEFAULT_TOKEN = "xoxb-test"
TEAM_ID = "T0PAPERBOY"
TEAM_NAME = "Paperboy Test"
TEAM_DOMAIN = "paperboy-test"
BOT_USER_ID = "U0PAPERBOT"
BOT_ID = "B0PAPERBOT"
BOT_NAME = "paperboy"
APP_ID = "A0PAPERBOY"
DEFAULT_USER_ID = "U0READER"
"""The user who runs commands and presses buttons when a test names nobody."""
SCOPES = "chat:write,commands,channels:read,groups:read,im:write,users:read"
"""Sent as `x-oauth-scopes` on every answer, which Bolt reads from auth.test."""

MAX_TEXT = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_BLOCKS_TEXT = 12_000
"""msg_blocks_too_long: the characters of every text string inside the blocks, added up (see
`blocks_text_length`). Slack fails "near 12-13k characters"; the fake takes the low end."""
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ID = 255
"""block_id, action_id, callback_id and external_id."""
MAX_URL = 3000
MAX_ALT_TEXT = 2000
MAX_VIEW_LABEL = 24
"""A view's title, submit and close texts."""
MAX_PRIVATE_METADATA = 3000
RESPONSE_URL_USES = 5
RESPONSE_URL_SECONDS = 30 * 60
TRIGGER_SECONDS = 3.0

_TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
_NON_INTERACTIVE = frozenset({"image", "plain_text", "mrkdwn"})
_URL = re.compile(r"https?://[^\s<>]+")
_TS = re.compile(r"\d{10}\.\d{6}")  # a message's ts as Slack writes it: "1700000000.000100"
_ANGLE_FORM = re.compile(
    r"<(?:"
    r"(?:https?://|mailto:|tel:|slack://)[^\s<>|]+(?:\|[^<>]*)?"  # links, with or without a label
    r"|[@#][A-Z0-9]+(?:\|[^<>]*)?"  # <@U123>, <#C123|name>
    r"|!(?:here|channel|everyone)(?:\|[^<>]*)?"  # special mentions
    r"|!subteam\^[A-Z0-9]+(?:\|[^<>]*)?"  # user groups
    r"|!date\^\d+\^[^<>|]+(?:\^[^<>|\s]+)?\|[^<>]*"  # dates, which need a fallback
    r")>"
)
"""Every `<...>` form Slack's mrkdwn understands; any other `<` is text that should be `&lt;`."""
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt);)")
"""mrkdwn knows three entities only: `&quot;` or `&#x27;` from html.escape show up verbatim."""

T = TypeVar("T")


# --- records -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCall:
    """One Web API call as the fake received it: method, parameters (JSON fields decoded), how sent."""

    method: str
    params: dict[str, Any]
    http_method: str
    content_type: str


@dataclass(frozen=True)
class SlackMessage:
    """A message the fake accepted from chat.postMessage, chat.postEphemeral or chat.update.

    `ts` is the message's id within its channel (for chat.update, the ts of the message it changed);
    `user` is the recipient of an ephemeral message; `payload` holds every parameter as sent.
    """

    method: str
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    user: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class ResponsePost:
    """A message the app POSTed to a response URL (what Bolt's `respond()` sends)."""

    token: str
    text: str
    blocks: list[dict[str, Any]] | None
    response_type: str | None
    replace_original: bool
    delete_original: bool
    payload: dict[str, Any]


@dataclass(frozen=True)
class ViewRecord:
    """A view the fake accepted: a modal from views.open (with its trigger) or a Home tab published."""

    method: str
    view_id: str
    user_id: str
    view: dict[str, Any]
    hash: str
    trigger_id: str | None = None

    @property
    def callback_id(self) -> str:
        return str(self.view.get("callback_id", ""))

    @property
    def private_metadata(self) -> str:
        return str(self.view.get("private_metadata", ""))


@dataclass(frozen=True)
class AnsweredError:
    """One refusal: the method (or "respond" for response URLs), HTTP status, error code, reasons."""

    method: str
    status: int
    error: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class FakeChannel:
    """A conversation the fake knows; call `add_channel` again to change its state."""

    id: str
    name: str
    is_member: bool = True
    is_archived: bool = False
    is_private: bool = False

    def to_json(self) -> dict[str, Any]:
        """The conversation object conversations.info answers."""
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_member": self.is_member,
            "is_general": False,
            "created": 1_600_000_000,
            "context_team_id": TEAM_ID,
        }


@dataclass(frozen=True)
class FakeUser:
    """A workspace member users.info knows."""

    id: str
    name: str
    tz: str = "Asia/Seoul"
    locale: str = "en-US"
    is_bot: bool = False
    deleted: bool = False
    is_restricted: bool = False  # a multi-channel guest
    is_ultra_restricted: bool = False  # a single-channel guest

    def to_json(self) -> dict[str, Any]:
        """The user object users.info answers."""
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "real_name": self.name.title(),
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            "is_restricted": self.is_restricted,
            "is_ultra_restricted": self.is_ultra_restricted,
            "tz": self.tz,
            "locale": self.locale,
            "profile": {"display_name": self.name, "real_name": self.name.title()},
        }


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimits:
    """chat.postMessage: at most `per_channel` messages to one channel within any `window` seconds.

    Slack documents "about one message per second per channel" and lets short bursts through; the
    fake is strict but forgives `tolerance` seconds of clock skew, so with the defaults a message
    0.95 s after the previous one is accepted and one 0.5 s after it is answered 429.
    """

    per_channel: int = 1
    window: float = 1.0
    tolerance: float = 0.1


# --- Block Kit rules -----------------------------------------------------------------------------


def mrkdwn_problems(text: str) -> list[str]:
    """Why `text` is broken mrkdwn: a `<` that starts no link or mention, a `&` that starts no entity.

    Slack would not refuse such text, it would show it mangled (a title like `a<b` swallowed as a
    link, `&quot;` shown verbatim); the fake refuses it so the renderer bug shows up in a test.
    """
    problems: list[str] = []
    start = text.find("<")
    while start >= 0:
        form = _ANGLE_FORM.match(text, start)
        if form is None:
            problems.append(f"unescaped '<' at offset {start}: not a link or mention, escape it as &lt;")
            start = text.find("<", start + 1)
        else:
            start = text.find("<", form.end())
    problems.extend(
        f"bare '&' at offset {found.start()}: escape it as &amp;" for found in _BARE_AMPERSAND.finditer(text)
    )
    return problems


def blocks_text_length(blocks: Any) -> int:
    """The size msg_blocks_too_long is judged by: the length of every text string in the blocks.

    That is each text object's `text` (mrkdwn or plain_text: sections, fields, headers, context,
    button labels) and rich text's `text` runs, raw as sent (escapes and link URLs count). JSON
    punctuation, ids, values and URLs outside text do not count.
    """
    return sum(len(text) for text in _texts(blocks))


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _texts(item)
    elif isinstance(node, dict):
        if node.get("type") in _TEXT_TYPES | {"text"} and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _texts(value)


def _at(pointer: str, reason: str) -> str:
    """A reason in Slack's shape: what is wrong, then where."""
    return f"{reason} [json-pointer:{pointer}]"


def _check_string(
    owner: dict[str, Any],
    key: str,
    pointer: str,
    out: list[str],
    *,
    limit: int,
    required: bool = False,
    minimum: int = 1,
) -> None:
    """`owner[key]`, when present (or `required`), is a string of `minimum`..`limit` characters."""
    value = owner.get(key)
    if value is None:
        if required:
            out.append(_at(f"{pointer}/{key}", "must provide a string"))
        return
    if not isinstance(value, str):
        out.append(_at(f"{pointer}/{key}", "must be a string"))
    elif len(value) < minimum:
        out.append(_at(f"{pointer}/{key}", f"must be at least {minimum} characters"))
    elif len(value) > limit:
        out.append(_at(f"{pointer}/{key}", f"must be less than {limit + 1} characters (is {len(value)})"))


def _check_url(owner: dict[str, Any], key: str, pointer: str, out: list[str], *, required: bool) -> None:
    before = len(out)
    _check_string(owner, key, pointer, out, limit=MAX_URL, required=required)
    if len(out) == before and key in owner and not _URL.fullmatch(owner[key]):
        out.append(_at(f"{pointer}/{key}", "must be a valid http(s) URL"))


def _check_text(
    text: Any,
    pointer: str,
    out: list[str],
    *,
    limit: int,
    plain: bool = False,
    required: bool = True,
) -> None:
    """A text object: plain_text (or mrkdwn unless `plain`), non-empty, at most `limit` characters."""
    if text is None:
        if required:
            out.append(_at(pointer, "must provide a text object"))
        return
    if not isinstance(text, dict) or text.get("type") not in _TEXT_TYPES:
        out.append(_at(pointer, "must be a text object of type plain_text or mrkdwn"))
        return
    if plain and text["type"] != "plain_text":
        out.append(_at(f"{pointer}/type", "must be plain_text"))
    _check_string(text, "text", pointer, out, limit=limit, required=True)
    if text["type"] == "mrkdwn" and isinstance(text.get("text"), str):
        out.extend(_at(f"{pointer}/text", problem) for problem in mrkdwn_problems(text["text"]))


def _check_image(image: dict[str, Any], pointer: str, out: list[str]) -> None:
    """An image block or element: an image_url (or slack_file) and an alt_text."""
    _check_url(image, "image_url", pointer, out, required="slack_file" not in image)
    _check_string(image, "alt_text", pointer, out, limit=MAX_ALT_TEXT, required=True)


def _check_element(element: Any, pointer: str, out: list[str], action_ids: set[str]) -> None:
    """An accessory, actions or context element: images, buttons, and other interactive elements."""
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        out.append(_at(pointer, "must be an element object with a type"))
        return
    if element["type"] == "image":
        _check_image(element, pointer, out)
        return
    before = len(out)
    _check_string(element, "action_id", pointer, out, limit=MAX_ID)
    action_id = element.get("action_id")
    if len(out) == before and action_id is not None:
        if action_id in action_ids:
            out.append(_at(f"{pointer}/action_id", f"duplicate action_id {action_id!r} in this block"))
        action_ids.add(action_id)
    if element["type"] == "button":
        _check_text(element.get("text"), f"{pointer}/text", out, limit=MAX_BUTTON_TEXT, plain=True)
        _check_string(element, "value", pointer, out, limit=MAX_BUTTON_VALUE)
        _check_url(element, "url", pointer, out, required=False)


def _check_elements(
    block: dict[str, Any],
    pointer: str,
    out: list[str],
    *,
    limit: int,
    allowed: Callable[[str], bool],
) -> list[tuple[str, dict[str, Any]]]:
    """A block's `elements`: a list of 1..`limit` objects whose types `allowed` accepts.

    Returns (pointer, element) for those worth checking further.
    """
    elements = block.get("elements")
    if not isinstance(elements, list) or not elements:
        out.append(_at(f"{pointer}/elements", "must provide a non-empty array"))
        return []
    if len(elements) > limit:
        out.append(_at(f"{pointer}/elements", f"no more than {limit} items allowed (has {len(elements)})"))
    checked: list[tuple[str, dict[str, Any]]] = []
    for index, element in enumerate(elements):
        where = f"{pointer}/elements/{index}"
        kind = element.get("type") if isinstance(element, dict) else None
        if not isinstance(element, dict) or not isinstance(kind, str) or not allowed(kind):
            out.append(_at(where, f"element type {kind!r} is not allowed here"))
        else:
            checked.append((where, element))
    return checked


def _check_section(block: dict[str, Any], pointer: str, out: list[str]) -> None:
    fields = block.get("fields")
    if block.get("text") is None and not fields:
        out.append(_at(pointer, "must provide text or fields"))
    _check_text(block.get("text"), f"{pointer}/text", out, limit=MAX_SECTION_TEXT, required=False)
    if fields is not None:
        if not isinstance(fields, list):
            out.append(_at(f"{pointer}/fields", "must be an array"))
            fields = []
        elif len(fields) > MAX_FIELDS:
            out.append(
                _at(f"{pointer}/fields", f"no more than {MAX_FIELDS} items allowed (has {len(fields)})")
            )
        for index, field in enumerate(fields):
            _check_text(field, f"{pointer}/fields/{index}", out, limit=MAX_FIELD_TEXT)
    if block.get("accessory") is not None:
        _check_element(block["accessory"], f"{pointer}/accessory", out, set())


def _check_header(block: dict[str, Any], pointer: str, out: list[str]) -> None:
    _check_text(block.get("text"), f"{pointer}/text", out, limit=MAX_HEADER_TEXT, plain=True)


def _check_context(block: dict[str, Any], pointer: str, out: list[str]) -> None:
    allowed = _TEXT_TYPES | {"image"}
    for where, element in _check_elements(
        block, pointer, out, limit=MAX_CONTEXT_ELEMENTS, allowed=allowed.__contains__
    ):
        if element["type"] == "image":
            _check_image(element, where, out)
        else:
            _check_text(element, where, out, limit=MAX_SECTION_TEXT)


def _check_actions(block: dict[str, Any], pointer: str, out: list[str]) -> None:
    action_ids: set[str] = set()
    for where, element in _check_elements(
        block, pointer, out, limit=MAX_ACTIONS_ELEMENTS, allowed=lambda kind: kind not in _NON_INTERACTIVE
    ):
        _check_element(element, where, out, action_ids)


def _check_image_block(block: dict[str, Any], pointer: str, out: list[str]) -> None:
    _check_image(block, pointer, out)
    _check_text(block.get("title"), f"{pointer}/title", out, limit=MAX_ALT_TEXT, plain=True, required=False)


_BLOCK_CHECKS: dict[str, Callable[[dict[str, Any], str, list[str]], None]] = {
    "section": _check_section,
    "header": _check_header,
    "context": _check_context,
    "actions": _check_actions,
    "image": _check_image_block,
    "divider": lambda block, pointer, out: None,
}
"""The blocks the app renders, checked against FACTS.md; slack_sdk's models check them again."""


def _model_types() -> frozenset[str]:
    """Every block type slack_sdk has a model for: those the fake lets through to the model check."""
    found: set[str] = set()
    pending = list(Block.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if isinstance(vars(model).get("type"), str):
            found.add(vars(model)["type"])
    return frozenset(found)


_MODEL_TYPES = _model_types()


def _model_problem(build: Callable[[], JsonObject | None], pointer: str, what: str) -> str | None:
    """What slack_sdk's models say about a block or view: `to_dict()` validates it and all it holds.

    The models check only one limit at a time, and some inputs make them crash instead of raising
    SlackObjectFormationError (an image element without alt_text, a text object without a type);
    a crash is a malformed payload too.
    """
    try:
        model = build()
        if model is None:
            return _at(pointer, f"unknown {what}")
        model.to_dict()
    except SlackObjectFormationError as error:
        return _at(pointer, str(error))
    except (TypeError, KeyError, AttributeError, ValueError) as error:
        return _at(pointer, f"malformed {what} ({type(error).__name__}: {error})")
    return None


def _check_block(block: Any, pointer: str, out: list[str], block_ids: set[str]) -> None:
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        out.append(_at(pointer, "must be a block object with a type"))
        return
    before = len(out)
    _check_string(block, "block_id", pointer, out, limit=MAX_ID)
    block_id = block.get("block_id")
    if len(out) == before and block_id is not None:
        if block_id in block_ids:
            out.append(_at(f"{pointer}/block_id", f"duplicate block_id {block_id!r}"))
        block_ids.add(block_id)
    kind = block["type"]
    check = _BLOCK_CHECKS.get(kind)
    if check is not None:
        check(block, pointer, out)
    elif kind not in _MODEL_TYPES:
        out.append(_at(f"{pointer}/type", f"unknown block type {kind!r}"))
    if len(out) == before:
        problem = _model_problem(lambda: Block.parse(block), pointer, f"{kind} block")
        if problem is not None:
            out.append(problem)


def block_problems(
    blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS, pointer: str = "/blocks"
) -> list[str]:
    """Why Slack would refuse these blocks, each reason with its JSON pointer; [] when they are fine.

    Public so that renderer tests can assert on blocks without a server in between.
    """
    if not isinstance(blocks, list):
        return [_at(pointer, "must be an array")]
    out: list[str] = []
    if len(blocks) > max_blocks:
        out.append(_at(pointer, f"no more than {max_blocks} items allowed (has {len(blocks)})"))
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        _check_block(block, f"{pointer}/{index}", out, block_ids)
    return out


def view_problems(view: Any) -> list[str]:
    """Why Slack would refuse this view (views.open / views.publish); [] when it is fine."""
    if not isinstance(view, dict):
        return [_at("/view", "must be a view object")]
    out: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        out.append(_at("/view/type", "must be one of modal, home"))
    for key in ("title", "submit", "close"):
        if kind == "home" and key in ("submit", "close") and key in view:
            out.append(_at(f"/view/{key}", "a home view cannot have submit or close"))
        required = key == "title" and kind == "modal"
        _check_text(view.get(key), f"/view/{key}", out, limit=MAX_VIEW_LABEL, plain=True, required=required)
    _check_string(view, "callback_id", "/view", out, limit=MAX_ID)
    _check_string(view, "external_id", "/view", out, limit=MAX_ID)
    _check_string(view, "private_metadata", "/view", out, limit=MAX_PRIVATE_METADATA, minimum=0)
    out.extend(block_problems(view.get("blocks"), max_blocks=MAX_VIEW_BLOCKS, pointer="/view/blocks"))
    if not out:
        problem = _model_problem(lambda: View(**view), "/view", "view")
        if problem is not None:
            out.append(problem)
    return out


# --- plumbing ------------------------------------------------------------------------------------


class _SlackError(Exception):
    """A refusal: Slack's error code, the HTTP status (200 for most), reasons and Retry-After."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        details: list[str] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.details = tuple(details or ())
        self.retry_after = retry_after


_JSON_FIELDS = {
    "blocks": "invalid_blocks_format",
    "view": "invalid_arguments",
    "attachments": "invalid_attachments",
}
"""Parameters holding JSON, and the error when they do not parse: form bodies carry them as strings
(and slack_sdk lets callers pass a JSON string even inside a JSON body)."""


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string plus body, JSON or form-encoded, as slack_sdk sends them."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise _SlackError("invalid_json") from None
        if not isinstance(body, dict):
            raise _SlackError("invalid_json")
        params.update(body)
    elif request.method == "POST" and request.can_read_body:
        if request.content_type != "application/x-www-form-urlencoded":
            raise _SlackError("invalid_form_data")
        params.update({name: str(value) for name, value in (await request.post()).items()})
    for name in _JSON_FIELDS.keys() & params.keys():
        if isinstance(params[name], str):
            try:
                params[name] = json.loads(params[name])
            except ValueError:
                raise _SlackError(_JSON_FIELDS[name]) from None
    return params


def _flag(value: Any) -> bool:
    """A boolean parameter, sent as JSON true or as a form field "true" / "1"."""
    return value is True or value == 1 or str(value).lower() in ("true", "1")


def _bearer(request: web.Request, params: dict[str, Any]) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip()
    token = params.pop("token", None)
    return str(token) if token else None


def _message_content(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]] | None]:
    """The text and blocks of a message, refused as Slack refuses them.

    `no_text` without text, blocks or attachments; `msg_too_long` past 40,000 characters of text;
    `invalid_blocks` with the reasons; `msg_blocks_too_long` past MAX_BLOCKS_TEXT characters.
    """
    text = params.get("text")
    text = "" if text is None else str(text)
    blocks = params.get("blocks")
    if blocks is not None and not isinstance(blocks, list):
        raise _SlackError("invalid_blocks_format")
    if not blocks and not text.strip() and not params.get("attachments"):
        raise _SlackError("no_text")
    if len(text) > MAX_TEXT:
        raise _SlackError("msg_too_long")
    if not blocks:
        return text, None
    problems = block_problems(blocks)
    if problems:
        raise _SlackError("invalid_blocks", details=problems)
    size = blocks_text_length(blocks)
    if size > MAX_BLOCKS_TEXT:
        raise _SlackError(
            "msg_blocks_too_long",
            details=[f"the blocks hold {size} characters of text, more than {MAX_BLOCKS_TEXT}"],
        )
    return text, blocks


def _checked_view(params: dict[str, Any], kind: str) -> dict[str, Any]:
    """The `view` parameter, which must be a valid view of type `kind`."""
    view = params.get("view")
    problems = view_problems(view)
    if not problems and isinstance(view, dict) and view["type"] != kind:
        problems = [_at("/view/type", f"must be {kind}")]
    if problems or not isinstance(view, dict):
        raise _SlackError("invalid_arguments", details=problems)
    return dict(view)


class _ChannelLimiter:
    """Sliding windows over the times of accepted chat.postMessage calls, one per channel."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._sent: defaultdict[str, deque[float]] = defaultdict(deque)

    def retry_after(self, limits: RateLimits, channel: str) -> int | None:
        """Whole seconds (at least 1) until a message to `channel` fits, or None when it fits now."""
        window = limits.window - limits.tolerance
        now = self._clock()
        sent = self._sent[channel]
        while sent and sent[0] <= now - window:
            sent.popleft()
        if len(sent) < limits.per_channel:
            return None
        return max(1, math.ceil(sent[-limits.per_channel] + window - now))

    def record(self, channel: str) -> None:
        self._sent[channel].append(self._clock())


@dataclass
class _ResponseUrl:
    issued: float
    uses: int = 0


# --- the server ----------------------------------------------------------------------------------

_Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class FakeSlack(LoopbackServer):
    """The fake Web API; `async with FakeSlack() as fake:` then `AsyncWebClient(base_url=fake.api_url)`.

    `rate_limits=False` switches the per-channel limit off (and so does setting `fake.rate_limits`
    to None later); `RateLimits(...)` sets another one. `clock` (seconds, monotonic) times rate
    limits, triggers and response URLs, so a test moves time instead of sleeping.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        rate_limits: RateLimits | bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.token = token
        self.rate_limits: RateLimits | None = RateLimits() if rate_limits is True else rate_limits or None
        self.channels: dict[str, FakeChannel] = {}
        self.users: dict[str, FakeUser] = {}
        self.posted: list[SlackMessage] = []
        self.ephemerals: list[SlackMessage] = []
        self.updates: list[SlackMessage] = []
        self.responses: list[ResponsePost] = []
        self.opened_views: list[ViewRecord] = []
        self.published_views: list[ViewRecord] = []
        self.requests: list[ApiCall] = []
        self.errors: list[AnsweredError] = []
        self.http_429 = 0
        self._clock = clock
        self._limiter = _ChannelLimiter(clock)
        self._revoked = False
        self._channel_errors: dict[str, str] = {}
        self._faults: defaultdict[str, deque[_SlackError]] = defaultdict(deque)
        self._current: dict[tuple[str, str], SlackMessage] = {}
        self._homes: dict[str, ViewRecord] = {}
        self._triggers: dict[str, tuple[str, float]] = {}
        self._exchanged: set[str] = set()
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._ts = itertools.count(1_700_000_000_000_100, 100)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._methods: dict[str, _Handler] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "conversations.info": self._conversations_info,
            "users.info": self._users_info,
            "apps.connections.open": self._connections_open,
        }
        self.socket_mode = SocketModeHub("")

    # --- lifecycle ---

    @property
    def api_url(self) -> str:
        """What AsyncWebClient takes as `base_url`: it appends the method name."""
        return f"{self.base_url}/api/"

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/respond/{token}", self._handle_respond)
        app.router.add_get(SOCKET_PATH, self._handle_socket)

    async def _handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        return await self.socket_mode.handle(request)

    async def start(self) -> None:
        await super().start()
        self.socket_mode.base_url = self.base_url

    async def stop(self) -> None:
        await self.socket_mode.close()
        await super().stop()

    # --- scripting ---

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_member: bool = True,
        is_archived: bool = False,
        is_private: bool = False,
    ) -> FakeChannel:
        """Make a conversation exist, or change one: the bot's membership, archived, private."""
        channel = FakeChannel(channel_id, name, is_member, is_archived, is_private)
        self.channels[channel_id] = channel
        return channel

    def add_user(self, user_id: str, name: str, **details: Any) -> FakeUser:
        """Make a member users.info knows (tz, locale, is_bot, deleted as FakeUser takes them)."""
        user = FakeUser(user_id, name, **details)
        self.users[user_id] = user
        return user

    def set_channel_error(self, channel_id: str, error: str | None) -> None:
        """Answer every post to `channel_id` with `error` (e.g. "account_inactive"); None stops it."""
        if error is None:
            self._channel_errors.pop(channel_id, None)
        else:
            self._channel_errors[channel_id] = error

    def delete_message(self, channel: str, ts: str) -> None:
        """Someone deletes a posted message (a push's header): replies to it answer thread_not_found."""
        del self._current[(channel, ts)]

    def revoke_token(self) -> None:
        """The workspace uninstalls the app: every call answers token_revoked from now on."""
        self._revoked = True

    def fail_next(
        self,
        method: str,
        error: str | None = None,
        *,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with a failure.

        The error code defaults by status: "ratelimited" for 429 (with `Retry-After`, 1 s unless
        given), "internal_error" for 5xx, "fatal_error" otherwise.
        """
        if error is None:
            error = "ratelimited" if status == 429 else "internal_error" if status >= 500 else "fatal_error"
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = _SlackError(error, status=status, retry_after=retry_after)
        self._faults[method].extend(fault for _ in range(times))

    def issue_trigger(self, user_id: str = DEFAULT_USER_ID) -> str:
        """A trigger_id as Slack puts in a command or button payload of `user_id`; valid 3 s, once."""
        trigger_id = f"{next(self._ids)}.{TEAM_ID[1:]}.{secrets.token_hex(8)}"
        self._triggers[trigger_id] = (user_id, self._clock())
        return trigger_id

    def response_url(self, token: str | None = None) -> str:
        """A response URL served by this fake: 5 accepted posts within 30 minutes.

        Asking again for the same token gives the same URL and does not reset its uses.
        """
        token = token or secrets.token_hex(8)
        self._response_urls.setdefault(token, _ResponseUrl(self._clock()))
        return f"{self.base_url}/respond/{token}"

    # --- reading records ---

    def messages(self, channel: str | None = None) -> list[SlackMessage]:
        """The messages chat.postMessage accepted, in order; those to one channel when given."""
        return [message for message in self.posted if channel is None or message.channel == channel]

    def current(self, channel: str, ts: str) -> SlackMessage:
        """A posted message as it stands now, after any chat.update."""
        return self._current[(channel, ts)]

    def home(self, user_id: str) -> ViewRecord | None:
        """The Home tab last published for `user_id`."""
        return self._homes.get(user_id)

    def message_json(self, message: SlackMessage) -> dict[str, Any]:
        """The message object Slack answers for a bot message and puts in block_actions payloads."""
        data: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": message.ts,
            "text": message.text,
        }
        if message.blocks:
            data["blocks"] = message.blocks
        if message.thread_ts:
            data["thread_ts"] = message.thread_ts
        return data

    async def wait_for_messages(self, count: int = 1, within: float = 5.0) -> list[SlackMessage]:
        """Wait until chat.postMessage accepted at least `count` messages in all."""
        return await self._wait_for_count(self.posted, count, within, "posted messages")

    async def wait_for_responses(self, count: int = 1, within: float = 5.0) -> list[ResponsePost]:
        """Wait until response URLs accepted at least `count` posts in all."""
        return await self._wait_for_count(self.responses, count, within, "response URL posts")

    async def wait_until(self, condition: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until `condition()` holds, checked after every call answered; TimeoutError after `within`.

        Apps do their work after the ack (Bolt runs listeners after answering), so end-to-end tests
        await the effect instead of sleeping blindly.
        """
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(condition)

    async def _wait_for_count(self, records: list[T], count: int, within: float, what: str) -> list[T]:
        try:
            await self.wait_until(lambda: len(records) >= count, within)
        except TimeoutError:
            raise TimeoutError(f"expected {count} {what} within {within} s, got {len(records)}") from None
        return list(records)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- HTTP ---

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await _read_params(request)
            token = _bearer(request, params)
            self.requests.append(ApiCall(method, params, request.method, request.content_type))
            handler = self._methods.get(method)
            if handler is None:
                raise _SlackError("unknown_method")
            self._authenticate(token, method)
            if self._faults[method]:
                raise self._faults[method].popleft()
            answer = self._json({"ok": True, **await handler(params)})
        except _SlackError as error:
            answer = self._refuse(method, error)
        await self._notify()
        return answer

    async def _connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.socket_mode.url()}

    def _authenticate(self, token: str | None, method: str = "") -> None:
        if token is None:
            raise _SlackError("not_authed")
        if method == "apps.connections.open":  # the one method that takes the app-level token
            if token != self.socket_mode.app_token:
                raise _SlackError("invalid_auth")
            return
        if token != self.token:
            raise _SlackError("invalid_auth")
        if self._revoked:
            raise _SlackError("token_revoked")

    def _refuse(self, method: str, error: _SlackError) -> web.Response:
        self.errors.append(AnsweredError(method, error.status, error.error, error.details))
        body: dict[str, Any] = {"ok": False, "error": error.error}
        if error.details:
            body["errors"] = list(error.details)
            body["response_metadata"] = {"messages": [f"[ERROR] {detail}" for detail in error.details]}
        headers: dict[str, str] = {}
        if error.status == 429:
            self.http_429 += 1
        if error.retry_after is not None:
            headers["Retry-After"] = str(error.retry_after)
        return self._json(body, status=error.status, headers=headers)

    @staticmethod
    def _json(
        body: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None
    ) -> web.Response:
        return web.json_response(body, status=status, headers={"x-oauth-scopes": SCOPES, **(headers or {})})

    async def _handle_respond(self, request: web.Request) -> web.Response:
        """A response URL: Slack answers "ok" as text/plain, and errors as text with a 4xx status."""
        token = request.match_info["token"]
        try:
            url = self._usable_response_url(token)
            try:
                payload = await request.json()
            except ValueError:
                raise _SlackError("invalid_payload", status=400) from None
            if not isinstance(payload, dict):
                raise _SlackError("invalid_payload", status=400)
            post = self._checked_response(token, payload)
            url.uses += 1
            self.responses.append(post)
            answer = web.Response(text="ok")
        except _SlackError as error:
            self.errors.append(AnsweredError("respond", error.status, error.error, error.details))
            answer = web.Response(status=error.status, text=error.error)
        await self._notify()
        return answer

    def _usable_response_url(self, token: str) -> _ResponseUrl:
        url = self._response_urls.get(token)
        if url is None:
            raise _SlackError("no_service", status=404)
        if self._clock() - url.issued > RESPONSE_URL_SECONDS:
            raise _SlackError("expired_url", status=404)
        if url.uses >= RESPONSE_URL_USES:
            raise _SlackError("used_url", status=404)
        return url

    @staticmethod
    def _checked_response(token: str, payload: dict[str, Any]) -> ResponsePost:
        """A response URL post, its content validated like a message's unless it deletes the original."""
        response_type = payload.get("response_type")
        if response_type not in (None, "ephemeral", "in_channel"):
            raise _SlackError("invalid_payload", status=400, details=[f"response_type {response_type!r}"])
        delete = _flag(payload.get("delete_original", False))
        if delete:
            text, blocks = str(payload.get("text") or ""), None
        else:
            try:
                text, blocks = _message_content(payload)
            except _SlackError as error:
                raise _SlackError(error.error, status=400, details=list(error.details)) from None
        return ResponsePost(
            token=token,
            text=text,
            blocks=blocks,
            response_type=response_type,
            replace_original=_flag(payload.get("replace_original", False)),
            delete_original=delete,
            payload=payload,
        )

    # --- methods ---

    async def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    async def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable(params)
        text, blocks = _message_content(params)
        self._check_thread(channel, params.get("thread_ts"))
        if self.rate_limits is not None:
            wait = self._limiter.retry_after(self.rate_limits, channel.id)
            if wait is not None:
                raise _SlackError("ratelimited", status=429, retry_after=wait)
            self._limiter.record(channel.id)
        message = self._record(self.posted, "chat.postMessage", channel, params, text, blocks)
        self._current[(channel.id, message.ts)] = message
        return {"channel": channel.id, "ts": message.ts, "message": self.message_json(message)}

    async def _post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable(params)
        if not params.get("user"):
            raise _SlackError("user_not_in_channel")
        text, blocks = _message_content(params)
        message = self._record(self.ephemerals, "chat.postEphemeral", channel, params, text, blocks)
        return {"message_ts": message.ts}

    async def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable(params)
        ts = str(params.get("ts", ""))
        if (channel.id, ts) not in self._current:
            raise _SlackError("message_not_found")
        text, blocks = _message_content(params)
        message = self._record(self.updates, "chat.update", channel, params, text, blocks, ts=ts)
        self._current[(channel.id, ts)] = message
        return {"channel": channel.id, "ts": ts, "text": text, "message": self.message_json(message)}

    async def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger_id = str(params.get("trigger_id", ""))
        if trigger_id in self._exchanged:
            raise _SlackError("exchanged_trigger_id")
        if trigger_id not in self._triggers:
            raise _SlackError("invalid_trigger_id")
        user_id, issued = self._triggers[trigger_id]
        if self._clock() - issued > TRIGGER_SECONDS:
            raise _SlackError("expired_trigger_id")
        view = _checked_view(params, "modal")
        del self._triggers[trigger_id]
        self._exchanged.add(trigger_id)
        record = self._view_record("views.open", user_id, view, trigger_id)
        self.opened_views.append(record)
        return {"view": self._view_json(record)}

    async def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user_id", ""))
        if not user_id:
            raise _SlackError("invalid_arguments", details=[_at("/user_id", "must provide a user_id")])
        view = _checked_view(params, "home")
        current = self._homes.get(user_id)
        if params.get("hash") and (current is None or params["hash"] != current.hash):
            raise _SlackError("hash_conflict")
        record = self._view_record("views.publish", user_id, view, None)
        self.published_views.append(record)
        self._homes[user_id] = record
        return {"view": self._view_json(record)}

    async def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(params.get("channel", "")))
        if channel is None or (channel.is_private and not channel.is_member):
            raise _SlackError("channel_not_found")
        return {"channel": channel.to_json()}

    async def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            raise _SlackError("user_not_found")
        return {"user": user.to_json()}

    # --- helpers of the methods ---

    def _check_thread(self, channel: FakeChannel, thread_ts: object) -> None:
        """A reply names its parent by ts: a message of THIS channel that still exists.

        Slack answers `invalid_thread_ts` to a value that is not a timestamp (seen with "0") and
        `thread_not_found` when no such message is there (never posted, deleted, or in another
        channel); a reply's own ts is accepted and Slack files it under that reply's parent.
        """
        if thread_ts is None or thread_ts == "":
            return
        if not isinstance(thread_ts, str) or not _TS.fullmatch(thread_ts):
            raise _SlackError("invalid_thread_ts")
        if (channel.id, thread_ts) not in self._current:
            raise _SlackError("thread_not_found")

    def _postable(self, params: dict[str, Any]) -> FakeChannel:
        """The channel a message goes to, refused in the order Slack checks it."""
        channel_id = str(params.get("channel", ""))
        if channel_id in self._channel_errors:
            raise _SlackError(self._channel_errors[channel_id])
        channel = self.channels.get(channel_id)
        if channel is None or (channel.is_private and not channel.is_member):
            raise _SlackError("channel_not_found")
        if channel.is_archived:
            raise _SlackError("is_archived")
        if not channel.is_member:
            raise _SlackError("not_in_channel")
        return channel

    def _record(
        self,
        records: list[SlackMessage],
        method: str,
        channel: FakeChannel,
        params: dict[str, Any],
        text: str,
        blocks: list[dict[str, Any]] | None,
        *,
        ts: str | None = None,
    ) -> SlackMessage:
        thread_ts = params.get("thread_ts")
        user = params.get("user")
        message = SlackMessage(
            method=method,
            channel=channel.id,
            ts=ts or self._next_ts(),
            text=text,
            blocks=blocks,
            thread_ts=str(thread_ts) if thread_ts else None,
            user=str(user) if user and method == "chat.postEphemeral" else None,
            payload=params,
        )
        records.append(message)
        return message

    def _next_ts(self) -> str:
        """Unique, increasing message timestamps shaped like Slack's: "1700000000.000100"."""
        micros = next(self._ts)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _view_record(
        self, method: str, user_id: str, view: dict[str, Any], trigger_id: str | None
    ) -> ViewRecord:
        number = next(self._ids)
        return ViewRecord(
            method=method,
            view_id=f"V{number:08d}",
            user_id=user_id,
            view=view,
            hash=f"{number}.{secrets.token_hex(4)}",
            trigger_id=trigger_id,
        )

    @staticmethod
    def _view_json(record: ViewRecord) -> dict[str, Any]:
        """The view object views.open and views.publish answer."""
        return {
            "id": record.view_id,
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            **record.view,
            "state": {"values": {}},
            "hash": record.hash,
            "root_view_id": record.view_id,
            "previous_view_id": None,
            "app_installed_team_id": TEAM_ID,
        }
