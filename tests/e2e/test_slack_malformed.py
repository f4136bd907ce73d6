"""Whatever reaches /slack/events, signed or not, gets a 4xx and at most one WARNING line: never a 500
or a traceback. The signature is checked on the raw bytes before anything is parsed."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from pydantic import SecretStr

from bot.config import HFSettings
from bot.health import Health
from bot.ingest import DigestSources
from bot.models import Destination
from bot.platform import Serving
from bot.platforms import Settings
from bot.ratelimit import RateLimiter
from bot.service import PaperService
from handlers.http_server import MAX_BODY_BYTES, HttpServer, Refusals
from handlers.slack_adapter.app import EVENTS_PATH
from handlers.slack_adapter.config import SlackSettings
from handlers.slack_adapter.platform import PLATFORM as SLACK
from storage.sqlite import SqliteStore
from tests.e2e.slack_rig import running_slack
from tests.fakes.slack_requests import DEFAULT_CHANNEL_ID, DEFAULT_SECRET, FORM, JSON, sign, slash_command

HERE = Destination(platform="slack", chat_id=DEFAULT_CHANNEL_ID)


@dataclass(frozen=True)
class Case:
    """One request: its body, how it is signed (or not), its headers, and the status it must get."""

    name: str
    body: bytes
    status: int
    signed: bool = True
    content_type: str = FORM
    timestamp: Callable[[], str] = lambda: str(int(time.time()))
    headers: dict[str, str] = field(default_factory=dict)
    drop: tuple[str, ...] = ()


COMMAND = b"command=%2Fpapers&text=help&user_id=U1&channel_id=C1&response_url=http%3A%2F%2F127.0.0.1%3A9%2F"
BAD_BODIES = [
    ("bad UTF-8 form", b"command=%2Fpapers&text=\xff\xfe", FORM),
    ("bad UTF-8 JSON", b'{"type": "event_callback", "x": "\xc3\x28"}', JSON),
    ("truncated JSON", b'{"type": "event_callback", "event": {', JSON),
    ("JSON array", b"[1, 2, 3]", JSON),
    ("JSON number", b"42", JSON),
    ("JSON string", b'"event_callback"', JSON),
    ("JSON null", b"null", JSON),
    ("payload= not JSON", b"payload=%7Bnot+json", FORM),
    ("payload= a JSON array", b"payload=%5B1%2C2%5D", FORM),
    ("payload= a JSON string", b"payload=%22x%22", FORM),
    ("payload= bad UTF-8", b"payload=%7B%22type%22%3A%22%FF%22%7D", FORM),
    ("form without command or payload", b"a=1&b=2", FORM),
    ("JSON object without a type", b'{"hello": "world"}', JSON),
    ("empty body", b"", FORM),
]


def _payload(payload: object) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


USER = {"id": "U0READER"}
OPEN = [{"action_id": "open", "type": "button", "value": "2502.15007"}]


def _act(kind: str, **fields: object) -> bytes:
    """An interaction body (`payload=` JSON) of `kind` from USER, with `fields` set as given."""
    return _payload({"type": kind, "user": USER} | fields)


# Signed, well-formed JSON, shapes Slack never sends: Bolt's own matching must not trip on them.
ODD_SHAPES = [
    ("block_actions without actions", _act("block_actions", actions=[]), FORM),
    ("block_actions with actions a string", _act("block_actions", actions="x"), FORM),
    ("block_actions with a number action", _act("block_actions", actions=[5]), FORM),
    ("block_actions with user a string", _act("block_actions", user="U1", actions=OPEN), FORM),
    ("a user id that is a number", _act("block_actions", user={"id": 5}, actions=OPEN), FORM),
    ("view_submission with view a string", _act("view_submission", view="x"), FORM),
    ("view_submission without state", _act("view_submission", view={"callback_id": "settings"}), FORM),
    ("view_submission without view.type", _act("view_submission", view={"state": {"values": {}}}), FORM),
    ("event_callback with event a string", b'{"type": "event_callback", "event": "x"}', JSON),
    ("authorizations a string", b'{"type": "event_callback", "authorizations": "x"}', JSON),
    ("type a number", b'{"type": 5}', JSON),
]
ANOTHER_MODAL = {"type": "modal", "callback_id": "other", "state": {"values": {}}}
# Signed and well formed, but nothing here takes them: Bolt's 404, in one line.
UNKNOWN = [
    ("block_actions of an unknown button", _act("block_actions", actions=[{"action_id": "nope"}]), FORM),
    ("view_submission of another modal", _act("view_submission", view=ANOTHER_MODAL), FORM),
    ("event_callback of an unknown event", b'{"type": "event_callback", "event": {"type": "nope"}}', JSON),
    ("an unknown type", b'{"type": "nope"}', JSON),
    ("an unknown command", b"command=%2Fnope&text=&user_id=U1&channel_id=C1", FORM),
]
CASES = [
    *(
        Case(f"unsigned {name}", body, 401, signed=False, content_type=kind)
        for name, body, kind in BAD_BODIES
    ),
    *(Case(f"signed {name}", body, 400, content_type=kind) for name, body, kind in BAD_BODIES),
    *(Case(f"signed {name}", body, 400, content_type=kind) for name, body, kind in ODD_SHAPES),
    *(Case(f"signed {name}", body, 404, content_type=kind) for name, body, kind in UNKNOWN),
    Case("timestamp abc", COMMAND, 401, timestamp=lambda: "abc"),
    Case("timestamp 1e9999", COMMAND, 401, timestamp=lambda: "1e9999"),
    Case("timestamp negative", COMMAND, 401, timestamp=lambda: "-1"),
    Case("timestamp huge", COMMAND, 401, timestamp=lambda: "9" * 400),
    Case("timestamp far future", COMMAND, 401, timestamp=lambda: str(int(time.time()) + 86_400)),
    Case("timestamp an hour ago", COMMAND, 401, timestamp=lambda: str(int(time.time()) - 3600)),
    Case("timestamp with spaces", COMMAND, 401, timestamp=lambda: f" {int(time.time())} "),
    Case("timestamp in Arabic digits", COMMAND, 401, timestamp=lambda: "١٧٠٠٠٠٠٠٠٠"),
    Case("no signature header", COMMAND, 401, drop=("X-Slack-Signature",)),
    Case("no timestamp header", COMMAND, 401, drop=("X-Slack-Request-Timestamp",)),
    Case("no headers at all", COMMAND, 401, drop=("X-Slack-Signature", "X-Slack-Request-Timestamp")),
    Case("signature not v0", COMMAND, 401, headers={"X-Slack-Signature": "v1=abc"}),
    Case("signature not hex", COMMAND, 401, headers={"X-Slack-Signature": "v0=" + "é" * 64}),
    Case("unsigned huge body", b"a=" + b"x" * (MAX_BODY_BYTES + 1), 413, signed=False),
    Case("signed huge body", b"a=" + b"x" * (MAX_BODY_BYTES + 1), 413),
]


def _headers(case: Case) -> dict[str, str]:
    stamp = case.timestamp()
    secret = DEFAULT_SECRET if case.signed else "not-the-secret"
    body = case.body.decode("latin-1")  # sign() takes text; latin-1 maps bytes 1:1
    headers = sign(secret, stamp, body, content_type=case.content_type)
    if case.signed:  # sign() encodes as UTF-8: sign the raw bytes instead
        import hashlib
        import hmac

        digest = hmac.new(DEFAULT_SECRET.encode(), b"v0:" + stamp.encode() + b":" + case.body, hashlib.sha256)
        headers["X-Slack-Signature"] = f"v0={digest.hexdigest()}"
    headers |= case.headers
    for name in case.drop:
        headers.pop(name)
    return headers


async def test_malformed_requests_get_4xx_and_one_warning_at_most(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    failures = []
    async with running_slack(tmp_path) as rig, aiohttp.ClientSession() as session:
        for case in CASES:
            caplog.clear()
            headers = _headers(case)
            async with session.post(rig.url, data=io.BytesIO(case.body), headers=headers) as response:
                status = response.status
                await response.read()
            records = list(caplog.records)
            warnings = [r for r in records if r.levelno >= logging.WARNING]
            tracebacks = [r for r in records if r.exc_info or "Traceback" in r.getMessage()]
            errors = [r for r in records if r.levelno >= logging.ERROR]
            if (
                status != case.status
                or len(warnings) > 1
                or tracebacks
                or errors
                or any("\n" in r.getMessage() for r in warnings)
            ):
                failures.append(
                    f"{case.name}: {status} (want {case.status}), "
                    f"{[f'{r.levelname} {r.name}: {r.getMessage()[:120]}' for r in warnings]}"
                )
        assert rig.fake.responses == []  # no listener ran
        good = slash_command("/papers", "help", response_url=rig.fake.response_url(), trigger_id="t")
        extra = {"X-Extra": "1", "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        headers = sign(DEFAULT_SECRET, int(time.time()), good) | extra
        async with session.post(rig.url, data=good, headers=headers) as response:
            assert response.status == 200  # and a well-formed request with extra headers still works
        await rig.fake.wait_for_responses(1)
    assert failures == [], "\n".join(failures)


async def test_a_non_ascii_header_is_refused_too(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with running_slack(tmp_path) as rig, aiohttp.ClientSession() as session:
        headers = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=ü"}
        async with session.post(rig.url, data=COMMAND, headers=headers) as response:
            assert response.status == 401
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize("mode", ["http", "socket", "both"])
async def test_slack_events_exists_only_in_http_mode(tmp_path: Path, mode: str) -> None:
    """Socket Mode takes requests over its WebSocket: /slack/events is no door into it (404)."""
    app_token = SecretStr("xapp-1-test") if mode != "http" else None
    secret = SecretStr(DEFAULT_SECRET) if mode != "socket" else None
    settings = Settings(
        slack=SlackSettings(bot_token=SecretStr("xoxb-test"), app_token=app_token, signing_secret=secret)
    )
    store = await SqliteStore.open(tmp_path / "routes.db")
    try:
        service = PaperService(store, DigestSources(HFSettings()))
        async with contextlib.AsyncExitStack() as stack:
            connection = await SLACK.open(settings.slack, stack, connections=4)
            served = connection.serve(Serving(service, RateLimiter(), Health(), asyncio.Event()))
            assert served is not None
            server = HttpServer("127.0.0.1", 0, served.routes)
            await server.start()
            stack.push_async_callback(server.stop)
            body = "command=%2Fpapers&text=help&user_id=U1&channel_id=C1"
            headers = sign(DEFAULT_SECRET, int(time.time()) - 3600, body)  # refused before any listener
            url = f"http://127.0.0.1:{server.port}{EVENTS_PATH}"
            async with aiohttp.ClientSession() as session:
                answer = await session.post(url, data=body, headers=headers)
                status = answer.status
                answer.release()
    finally:
        await store.close()
    assert status == (404 if mode != "http" else 401)


def test_refusals_say_one_line_a_minute_per_reason_with_the_count() -> None:
    now = [1000.0]
    logger = logging.getLogger("test.refusals")
    said: list[str] = []

    class Sink(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                said.append(record.getMessage())

    sink = Sink()
    logger.addHandler(sink)
    try:
        refusals = Refusals(logger, "slack", clock=lambda: now[0])
        for _ in range(500):
            refusals.refuse("a wrong signature")
        refusals.refuse("no signature")
        now[0] += 61
        refusals.refuse("a wrong signature")
    finally:
        logger.removeHandler(sink)
    assert said == [
        "slack: refused a request: a wrong signature",
        "slack: refused a request: no signature",
        "slack: refused a request: a wrong signature (and 499 more like it in the last 61 s)",
    ]


def _initial(element: dict[str, Any]) -> dict[str, Any]:
    kind = element["type"]
    if kind == "timepicker":
        return {"type": kind, "selected_time": element["initial_time"]}
    if kind == "checkboxes":
        return {"type": kind, "selected_options": element.get("initial_options", [])}
    if kind == "radio_buttons":
        return {"type": kind, "selected_option": element["initial_option"]}
    return {"type": kind, "value": element.get("initial_value")}


# Values no element of the modal can submit: (block, what the element submits instead).
FORGED_FIELDS: list[tuple[str, str, Any]] = [
    ("weekday x", "days", {"type": "checkboxes", "selected_options": [{"value": "x"}]}),
    ("weekday 7", "days", {"type": "checkboxes", "selected_options": [{"value": "7"}]}),
    ("weekday -1", "days", {"type": "checkboxes", "selected_options": [{"value": "-1"}]}),
    ("weekday a number", "days", {"type": "checkboxes", "selected_options": [{"value": 3}]}),
    ("weekday huge", "days", {"type": "checkboxes", "selected_options": [{"value": "9" * 400}]}),
    ("weekday in Arabic digits", "days", {"type": "checkboxes", "selected_options": [{"value": "٣"}]}),
    ("weekday without value", "days", {"type": "checkboxes", "selected_options": [{}]}),
    ("weekday a string", "days", {"type": "checkboxes", "selected_options": [3]}),
    ("days a string", "days", {"type": "checkboxes", "selected_options": "0,1"}),
    ("days state a string", "days", "x"),
    ("format unknown", "format", {"type": "radio_buttons", "selected_option": {"value": "poem"}}),
    ("format a list", "format", {"type": "radio_buttons", "selected_option": ["cards"]}),
    ("language unknown", "language", {"type": "radio_buttons", "selected_option": {"value": "fr"}}),
    ("option unknown", "options", {"type": "checkboxes", "selected_options": [{"value": "root"}]}),
    ("zone a list", "zone", {"type": "plain_text_input", "value": ["UTC"]}),
    ("top_n a list", "top_n", {"type": "number_input", "value": [3]}),
    ("time a number", "time", {"type": "timepicker", "selected_time": 900}),
]


async def test_forged_settings_submissions_get_400_and_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_slack(tmp_path) as rig:
        await rig.answer("/papers", "subscribe")
        await rig.user.command("/papers", "settings")
        await rig.fake.wait_until(lambda: bool(rig.fake.opened_views))
        [modal] = rig.fake.opened_views
        initial = {block["block_id"]: {"value": _initial(block["element"])} for block in modal.view["blocks"]}
        before = await rig.service.subscription(HERE)
        failures = []
        for name, block, forged in FORGED_FIELDS:
            caplog.clear()
            values = initial | {block: {"value": forged}}
            delivery = await rig.user.submit(modal, values)
            warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
            if delivery.status != 400 or len(warnings) != 1 or any(r.exc_info for r in caplog.records):
                failures.append(f"{name}: {delivery.status} {[r.getMessage()[:100] for r in warnings]}")
        assert failures == [], "\n".join(failures)
        assert await rig.service.subscription(HERE) == before  # nothing was saved
        assert rig.fake.messages() == []  # nor announced


@pytest.mark.parametrize(
    ("method", "status", "error"),
    [
        ("users.info", 500, None),
        ("users.info", 429, None),
        ("users.info", 200, "user_not_found"),
        ("conversations.info", 503, None),
    ],
)
async def test_a_slack_api_failure_while_saving_settings_is_said_in_the_modal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, method: str, status: int, error: str | None
) -> None:
    async with running_slack(tmp_path) as rig:
        await rig.answer("/papers", "subscribe")
        await rig.user.command("/papers", "settings")
        await rig.fake.wait_until(lambda: bool(rig.fake.opened_views))
        [modal] = rig.fake.opened_views
        values = {block["block_id"]: {"value": _initial(block["element"])} for block in modal.view["blocks"]}
        values["top_n"] = {"value": {"type": "number_input", "value": "3"}}
        caplog.clear()
        rig.fake.fail_next(method, error, status=status)
        refused = await rig.user.submit(modal, values)
        assert refused.status == 200  # a modal shows errors only from a 200 answer
        answer = json.loads(refused.text)
        assert answer["response_action"] == "errors"
        assert "try again" in next(iter(answer["errors"].values())).lower()
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1, [r.getMessage() for r in warnings]
        assert not [r for r in caplog.records if r.exc_info]
        subscription = await rig.service.subscription(HERE)
        assert subscription is not None
        assert subscription.top_n == 10  # not saved
        accepted = await rig.user.submit(modal, values)  # Slack answers again: saved
        assert accepted.status == 200
        assert accepted.text in ("", "null")
        await rig.fake.wait_for_messages(1)
