"""Probes: calls right and wrong, and the answer the Bot API 10.1 specification asks for.

Each probe is a raw JSON call, as any client could make it, so the table checks the fake itself and
not what python-telegram-bot happens to send. A probe agrees when the status is the one the spec
implies and, for a refusal, the description says why (the fragment, case-insensitive).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_spec import load_spec

pytestmark = pytest.mark.slow  # the fake's own tests, against the Bot API's published spec

PRIVATE = 42
GROUP = -100
CHANNEL = -200
OK = 200
BAD = 400


class ManualClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


CALLBACK = {"inline_keyboard": [[{"text": "more", "callback_data": "more"}]]}


def button(**action: Any) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": "b", **action}]]}


def article(result_id: str = "1", **extra: Any) -> dict[str, Any]:
    content = {"message_text": "<b>paper</b>", "parse_mode": "HTML"}
    return {"type": "article", "id": result_id, "title": "Paper", "input_message_content": content} | extra


@dataclass(frozen=True)
class Probe:
    """One call and the answer the spec asks for; `setup` scripts the fake first."""

    name: str
    method: str
    params: dict[str, Any]
    status: int
    says: str = ""
    setup: Callable[[FakeTelegram], Any] | None = None
    result: Any = field(default=None)
    check: Callable[[FakeTelegram], bool] | None = None


def _message_pending(fake: FakeTelegram) -> None:
    fake.send_text(PRIVATE, "hello")


def _inline_pending(fake: FakeTelegram) -> None:
    fake.inline_query(PRIVATE, "x")


def _callback_pending(fake: FakeTelegram) -> None:
    fake.press_button(fake.sent[0], "more")


PROBES = [
    # sendMessage: required parameters, types, lengths
    Probe("send: a plain message", "sendMessage", {"chat_id": PRIVATE, "text": "hi"}, OK),
    Probe("send: no chat_id", "sendMessage", {"text": "hi"}, BAD, '"chat_id" is required'),
    Probe("send: no text", "sendMessage", {"chat_id": PRIVATE}, BAD, '"text" is required'),
    Probe("send: chat_id a Float", "sendMessage", {"chat_id": 4.2, "text": "hi"}, BAD, "chat not found"),
    Probe(
        "send: message_thread_id not an Integer",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "message_thread_id": "abc"},
        BAD,
        "message_thread_id",
    ),
    Probe(
        "send: disable_notification not a Boolean",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "disable_notification": "maybe"},
        BAD,
        "disable_notification",
    ),
    Probe("send: 4097 characters", "sendMessage", {"chat_id": PRIVATE, "text": "x" * 4097}, BAD, "too long"),
    Probe(
        "send: an unknown parameter is ignored",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "no_such_parameter": [1, 2]},
        OK,
    ),
    Probe(
        "send: link_preview_options.is_disabled not a Boolean",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "link_preview_options": {"is_disabled": "yes"}},
        BAD,
        "is_disabled",
    ),
    Probe(
        "send: link_preview_options not an object",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "link_preview_options": [True]},
        BAD,
        "link_preview_options",
    ),
    Probe(
        "send: 101 entities, the rest ignored",
        "sendMessage",
        {
            "chat_id": PRIVATE,
            "text": "x" * 101,
            "entities": [{"type": "bold", "offset": n, "length": 1} for n in range(101)],
        },
        OK,
        check=lambda fake: len(fake.sent[-1].entities) == 100,
    ),
    Probe(
        "send: an entity without offset",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "x", "entities": [{"type": "bold", "length": 1}]},
        BAD,
        '"offset"',
    ),
    # reply_markup shapes
    Probe(
        "markup: none of the four shapes",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "reply_markup": {"buttons": []}},
        BAD,
        "reply_markup",
    ),
    Probe(
        "markup: inline_keyboard not an Array of Arrays",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "reply_markup": {"inline_keyboard": [{"text": "b"}]}},
        BAD,
        "inline_keyboard",
    ),
    Probe(
        "markup: a button with two actions",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "reply_markup": button(url="https://x.org", callback_data="x")},
        BAD,
        "exactly one",
    ),
    Probe(
        "markup: a button with no action",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "reply_markup": button()},
        BAD,
        "button",
    ),
    Probe(
        "markup: 65 bytes of callback_data",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "reply_markup": button(callback_data="é" * 33)},
        BAD,
        "BUTTON_DATA_INVALID",
    ),
    Probe(
        "markup: empty callback_data",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "reply_markup": button(callback_data="")},
        BAD,
        "BUTTON_DATA_INVALID",
    ),
    Probe(
        "markup: ForceReply in a private chat",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "reply_markup": {"force_reply": True}},
        OK,
    ),
    Probe(
        "markup: ForceReply placeholder of 65 characters",
        "sendMessage",
        {
            "chat_id": PRIVATE,
            "text": "hi",
            "reply_markup": {"force_reply": True, "input_field_placeholder": "x" * 65},
        },
        BAD,
        "input_field_placeholder",
    ),
    # per chat type
    Probe(
        "channel: ForceReply",
        "sendMessage",
        {"chat_id": CHANNEL, "text": "hi", "reply_markup": {"force_reply": True}},
        BAD,
        "channel",
    ),
    Probe(
        "channel: a reply keyboard",
        "sendMessage",
        {"chat_id": CHANNEL, "text": "hi", "reply_markup": {"keyboard": [["a"]]}},
        BAD,
        "channel",
    ),
    Probe(
        "channel: ReplyKeyboardRemove",
        "sendMessage",
        {"chat_id": CHANNEL, "text": "hi", "reply_markup": {"remove_keyboard": True}},
        BAD,
        "channel",
    ),
    Probe(
        "channel: switch_inline_query_current_chat",
        "sendMessage",
        {"chat_id": CHANNEL, "text": "hi", "reply_markup": button(switch_inline_query_current_chat="")},
        BAD,
        "channel",
    ),
    Probe(
        "group: switch_inline_query_current_chat",
        "sendMessage",
        {"chat_id": GROUP, "text": "hi", "reply_markup": button(switch_inline_query_current_chat="")},
        OK,
    ),
    Probe(
        "group: a web_app button",
        "sendMessage",
        {"chat_id": GROUP, "text": "hi", "reply_markup": button(web_app={"url": "https://x.org/app"})},
        BAD,
        "private",
    ),
    Probe(
        "private: a web_app button",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "hi", "reply_markup": button(web_app={"url": "https://x.org/app"})},
        OK,
    ),
    Probe(
        "group: a message effect",
        "sendMessage",
        {"chat_id": GROUP, "text": "hi", "message_effect_id": "5104841245755180586"},
        BAD,
        "private",
    ),
    # HTML nesting
    Probe(
        "html: blockquote in a blockquote",
        "sendMessage",
        {
            "chat_id": PRIVATE,
            "text": "<blockquote>a<blockquote>b</blockquote></blockquote>",
            "parse_mode": "HTML",
        },
        BAD,
        "can't parse entities",
    ),
    Probe(
        "html: bold in code",
        "sendMessage",
        {"chat_id": PRIVATE, "text": "<code>a<b>b</b></code>", "parse_mode": "HTML"},
        BAD,
        "can't parse entities",
    ),
    Probe(
        "html: a link in a link",
        "sendMessage",
        {
            "chat_id": PRIVATE,
            "text": '<a href="https://a.org">a<a href="https://b.org">b</a></a>',
            "parse_mode": "HTML",
        },
        BAD,
        "can't parse entities",
    ),
    Probe(
        "html: code in pre",
        "sendMessage",
        {"chat_id": PRIVATE, "text": '<pre><code class="language-py">x</code></pre>', "parse_mode": "HTML"},
        OK,
    ),
    # photos
    Probe("photo: no photo", "sendPhoto", {"chat_id": PRIVATE}, BAD, '"photo" is required'),
    Probe(
        "photo: caption of 1025 characters",
        "sendPhoto",
        {"chat_id": PRIVATE, "photo": "https://x.org/p.png", "caption": "x" * 1025},
        BAD,
        "caption is too long",
    ),
    # edits and deletes
    Probe(
        "edit: message_id without chat_id",
        "editMessageText",
        {"message_id": 1, "text": "new"},
        BAD,
        "chat_id",
    ),
    Probe(
        "edit: ForceReply is not an inline keyboard",
        "editMessageText",
        {"chat_id": PRIVATE, "message_id": 1, "text": "new", "reply_markup": {"force_reply": True}},
        BAD,
        "reply_markup",
    ),
    Probe("delete: a message of the bot", "deleteMessage", {"chat_id": PRIVATE, "message_id": 1}, OK),
    Probe("delete: no message_id", "deleteMessage", {"chat_id": PRIVATE}, BAD, '"message_id" is required'),
    # methods
    Probe("method: not in the spec", "sendTelepathy", {"chat_id": PRIVATE}, 404, "not found"),
    Probe(
        "method: in the spec, checked, not implemented by the fake",
        "sendDice",
        {"chat_id": PRIVATE},
        501,
        "not implemented",
    ),
    Probe(
        "method: in the spec, refused by its spec",
        "sendMediaGroup",
        {"chat_id": PRIVATE, "media": [{"type": "photo"}]},
        BAD,
        'field "media" of media[0] is required',
    ),
    # webhooks and updates
    Probe("webhook: http", "setWebhook", {"url": "http://bot.example/hook"}, BAD, "https"),
    Probe("webhook: port 8080", "setWebhook", {"url": "https://bot.example:8080/hook"}, BAD, "port"),
    Probe("webhook: https on 8443", "setWebhook", {"url": "https://bot.example:8443/hook"}, OK),
    Probe(
        "webhook: secret_token of 257 characters",
        "setWebhook",
        {"url": "https://bot.example/hook", "secret_token": "s" * 257},
        BAD,
        "secret_token",
    ),
    Probe(
        "updates: allowed_updates leaves the message out",
        "getUpdates",
        {"allowed_updates": ["callback_query"]},
        OK,
        setup=_message_pending,
        result=[],
    ),
    Probe(
        "updates: allowed_updates not an Array",
        "getUpdates",
        {"allowed_updates": "message"},
        BAD,
        "allowed_updates",
    ),
    # queries
    Probe(
        "callback: no callback_query_id",
        "answerCallbackQuery",
        {"text": "ok"},
        BAD,
        '"callback_query_id" is required',
    ),
    Probe(
        "callback: text of 201 characters",
        "answerCallbackQuery",
        {"callback_query_id": "1", "text": "x" * 201},
        BAD,
        "MESSAGE_TOO_LONG",
        setup=_callback_pending,
    ),
    Probe(
        "inline: a result of an unknown type",
        "answerInlineQuery",
        {"inline_query_id": "1", "results": [article(type="papers")]},
        BAD,
        "papers",
        setup=_inline_pending,
    ),
    Probe(
        "inline: a photo result without photo_url",
        "answerInlineQuery",
        {
            "inline_query_id": "1",
            "results": [{"type": "photo", "id": "1", "thumbnail_url": "https://x.org/t.jpg"}],
        },
        BAD,
        "photo",
        setup=_inline_pending,
    ),
    Probe(
        "inline: 51 results",
        "answerInlineQuery",
        {"inline_query_id": "1", "results": [article(str(n)) for n in range(51)]},
        BAD,
        "RESULTS_TOO_MUCH",
        setup=_inline_pending,
    ),
    Probe(
        "inline: article without input_message_content",
        "answerInlineQuery",
        {"inline_query_id": "1", "results": [{"type": "article", "id": "1", "title": "Paper"}]},
        BAD,
        "input_message_content",
        setup=_inline_pending,
    ),
    Probe(
        "commands: 101 commands",
        "setMyCommands",
        {"commands": [{"command": f"c{n}", "description": "d"} for n in range(101)]},
        BAD,
        "commands",
    ),
    Probe(
        "commands: a scope of an unknown type",
        "setMyCommands",
        {"commands": [{"command": "top", "description": "Top"}], "scope": {"type": "everyone"}},
        BAD,
        "scope",
    ),
    Probe("member: no user_id", "getChatMember", {"chat_id": GROUP}, BAD, '"user_id" is required'),
]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(rate_limits=False) as server:
        server.add_chat(PRIVATE)
        server.add_chat(GROUP, "supergroup", title="Readers")
        server.add_chat(CHANNEL, "channel", title="News", username="news")
        status, _ = await call(
            server, "sendMessage", {"chat_id": PRIVATE, "text": "first", "reply_markup": CALLBACK}
        )
        assert status == OK
        yield server


async def call(fake: FakeTelegram, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.api_url}{fake.token}/{method}", json=params) as response,
    ):
        return response.status, await response.json(content_type=None)


def _query_id(fake: FakeTelegram, probe: Probe) -> dict[str, Any]:
    """The probe's parameters with the id of the query its setup opened."""
    params = dict(probe.params)
    for name in ("callback_query_id", "inline_query_id"):
        if name in params:
            params[name] = f"{fake.bot_id}{fake._next_query_id - 1:08d}"
    return params


@pytest.mark.parametrize("probe", PROBES, ids=[probe.name for probe in PROBES])
async def test_the_fake_answers_as_the_spec_says(fake: FakeTelegram, probe: Probe) -> None:
    if probe.setup is not None:
        probe.setup(fake)
    status, body = await call(fake, probe.method, _query_id(fake, probe))

    assert status == probe.status, body
    if probe.status == OK:
        assert body["ok"] is True
        if probe.result is not None:
            assert body["result"] == probe.result
        if probe.check is not None:
            assert probe.check(fake)
    else:
        assert body["ok"] is False
        assert probe.says.lower() in body["description"].lower(), body["description"]


def test_the_table_is_long_enough() -> None:
    assert len(PROBES) >= 36
    assert len({probe.name for probe in PROBES}) == len(PROBES)


def test_the_spec_is_bot_api_10_1_with_every_method() -> None:
    spec = load_spec()

    assert spec.version.startswith("Bot API 10.1")
    assert len(spec._methods) == 180
    assert spec.method("SENDMESSAGE") == "sendMessage"
    assert "callback_query" in spec.update_types


async def test_paid_broadcast_lifts_the_overall_limit_to_1000_a_second() -> None:
    clock = ManualClock()
    async with FakeTelegram(clock=clock) as fake:
        for chat_id in range(1, 81):
            fake.add_chat(chat_id)
        free = [(await call(fake, "sendMessage", {"chat_id": n, "text": "x"}))[0] for n in range(1, 41)]
        clock.now += 1.0
        paid = [
            (await call(fake, "sendMessage", {"chat_id": n, "text": "x", "allow_paid_broadcast": True}))[0]
            for n in range(41, 81)
        ]

    assert free.count(OK) == 30
    assert set(free[30:]) == {429}
    assert paid == [OK] * 40


async def test_allowed_updates_holds_for_the_webhook_too(fake: FakeTelegram) -> None:
    status, _ = await call(
        fake, "setWebhook", {"url": "https://bot.example/hook", "allowed_updates": ["callback_query"]}
    )
    fake.send_text(PRIVATE, "not wanted")

    assert status == OK
    assert await fake.deliver_webhook() == []


async def test_chat_rules_hold_for_edits_too(fake: FakeTelegram) -> None:
    _, posted = await call(fake, "sendMessage", {"chat_id": CHANNEL, "text": "post"})
    message_id = posted["result"]["message_id"]
    markup = button(switch_inline_query_current_chat="")

    status, body = await call(
        fake, "editMessageReplyMarkup", {"chat_id": CHANNEL, "message_id": message_id, "reply_markup": markup}
    )

    assert status == BAD
    assert "not supported in channels" in body["description"]
