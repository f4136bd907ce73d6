"""The fake Slack Web API and the signed-request helpers, driven by the real slack_sdk and Bolt.

The fake is only worth having if it refuses what Slack refuses and slack_sdk understands its
answers, so every call here goes through `AsyncWebClient`, `AsyncWebhookClient` (what Bolt's
`respond()` uses) or a real Bolt `AsyncApp` over loopback HTTP.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_async_handlers
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.models.blocks import ButtonElement, SectionBlock
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.fakes.loopback import LoopbackServer
from tests.fakes.slack_api import (
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_TOKEN,
    MAX_BLOCKS_TEXT,
    SCOPES,
    TEAM_ID,
    FakeSlack,
    RateLimits,
    block_problems,
    blocks_text_length,
    mrkdwn_problems,
)
from tests.fakes.slack_requests import (
    DEFAULT_SECRET,
    Workspace,
    block_action,
    post_signed,
    sign,
    slash_command,
)

pytestmark = pytest.mark.slow  # the fake's own tests: a server and the real slack_sdk each

CHANNEL = "C0DIGEST"
OTHER = "C0OTHER"
USER = "U0READER"


class ManualClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(clock=clock) as server:
        server.add_channel(CHANNEL, "digest")
        server.add_channel(OTHER, "other")
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    """The real client, without retry handlers so that every answer reaches the test as it was."""
    return AsyncWebClient(token=DEFAULT_TOKEN, base_url=fake.api_url, retry_handlers=[])


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(action_id: str = "more", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": "More"}, **extra}


async def refused(call: Any) -> dict[str, Any]:
    """Await a client call that must fail; the body Slack answered."""
    with pytest.raises(SlackApiError) as caught:
        await call
    data = caught.value.response.data
    assert isinstance(data, dict)
    return data


# --- auth and plumbing ---------------------------------------------------------------------------


async def test_auth_test_answers_the_bot_identity(fake: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.auth_test()

    assert response["ok"] is True
    assert (response["team_id"], response["user_id"], response["bot_id"]) == (TEAM_ID, BOT_USER_ID, BOT_ID)
    assert {"team", "user", "url"} <= response.data.keys()  # type: ignore[union-attr]
    assert response.headers["x-oauth-scopes"] == SCOPES
    assert fake.requests[-1].method == "auth.test"


@pytest.mark.parametrize(
    ("token", "revoke", "error"),
    [
        ("xoxb-wrong", False, "invalid_auth"),
        (None, False, "not_authed"),
        (DEFAULT_TOKEN, True, "token_revoked"),
    ],
)
async def test_bad_tokens_are_refused(fake: FakeSlack, token: str | None, revoke: bool, error: str) -> None:
    if revoke:
        fake.revoke_token()
    client = AsyncWebClient(token=token, base_url=fake.api_url)

    body = await refused(client.chat_postMessage(channel=CHANNEL, text="hello"))

    assert body == {"ok": False, "error": error}
    assert fake.messages() == []


async def test_unknown_methods_are_refused(client: AsyncWebClient) -> None:
    assert (await refused(client.api_call("chat.frobnicate")))["error"] == "unknown_method"


async def test_requests_are_read_as_slack_sdk_encodes_them(fake: FakeSlack, client: AsyncWebClient) -> None:
    """chat.* and views.* go as JSON, conversations.info as a GET query, api_call(data=) as a form."""
    await client.chat_postMessage(channel=CHANNEL, text="json")
    await client.conversations_info(channel=CHANNEL)
    await client.api_call(
        "chat.postEphemeral",
        data={"channel": CHANNEL, "user": USER, "text": "form", "blocks": json.dumps([section("*form*")])},
    )

    assert [(call.method, call.http_method, call.content_type) for call in fake.requests] == [
        ("chat.postMessage", "POST", "application/json"),
        ("conversations.info", "GET", "application/x-www-form-urlencoded"),  # the header, no body
        ("chat.postEphemeral", "POST", "application/x-www-form-urlencoded"),
    ]
    assert fake.ephemerals[0].blocks == [section("*form*")]
    assert fake.ephemerals[0].user == USER


# --- messages ------------------------------------------------------------------------------------


async def test_posted_messages_are_recorded(
    fake: FakeSlack, client: AsyncWebClient, clock: ManualClock
) -> None:
    blocks = [section("*Today's papers*", block_id="head", accessory=button(value="2501.00001"))]
    first = await client.chat_postMessage(channel=CHANNEL, text="Today's papers", blocks=blocks)
    clock.advance(1.0)
    reply = await client.chat_postMessage(channel=CHANNEL, text="in a thread", thread_ts=first["ts"])
    await client.chat_postMessage(channel=OTHER, text="elsewhere")

    assert [message.text for message in fake.messages(CHANNEL)] == ["Today's papers", "in a thread"]
    assert len(fake.messages()) == 3
    recorded = fake.messages(CHANNEL)[0]
    assert (recorded.method, recorded.ts, recorded.blocks) == ("chat.postMessage", first["ts"], blocks)
    assert recorded.payload["channel"] == CHANNEL
    assert fake.messages(CHANNEL)[1].thread_ts == first["ts"]
    assert re.fullmatch(r"\d{10}\.\d{6}", first["ts"])
    assert float(first["ts"]) < float(reply["ts"])
    assert first["message"]["blocks"] == blocks
    assert first["message"]["bot_id"] == BOT_ID


async def test_slack_sdk_block_models_are_accepted(fake: FakeSlack, client: AsyncWebClient) -> None:
    blocks = [
        SectionBlock(text="*A paper*", accessory=ButtonElement(text="Open", action_id="open", value="1"))
    ]

    await client.chat_postMessage(channel=CHANNEL, text="A paper", blocks=blocks)

    assert fake.messages()[0].blocks == [blocks[0].to_dict()]


async def test_updates_and_ephemerals_are_recorded(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel=CHANNEL, text="before")
    await client.chat_update(channel=CHANNEL, ts=posted["ts"], text="after", blocks=[section("after")])
    ephemeral = await client.chat_postEphemeral(channel=CHANNEL, user=USER, text="only you")

    assert fake.updates[0].ts == posted["ts"]
    assert fake.current(CHANNEL, posted["ts"]).text == "after"
    assert fake.ephemerals[0].user == USER
    assert ephemeral["message_ts"] != posted["ts"]
    error = await refused(client.chat_update(channel=CHANNEL, ts="1.000000", text="x"))
    assert error["error"] == "message_not_found"


@pytest.mark.parametrize(
    ("script", "channel", "error"),
    [
        (lambda fake: None, "C0NOWHERE", "channel_not_found"),
        (lambda fake: fake.add_channel("C0OUT", "out", is_member=False), "C0OUT", "not_in_channel"),
        (lambda fake: fake.add_channel("C0OLD", "old", is_archived=True), "C0OLD", "is_archived"),
        (
            lambda fake: fake.add_channel("G0SECRET", "secret", is_private=True, is_member=False),
            "G0SECRET",
            "channel_not_found",
        ),
        (lambda fake: fake.set_channel_error(CHANNEL, "account_inactive"), CHANNEL, "account_inactive"),
    ],
)
async def test_channel_errors(
    fake: FakeSlack, client: AsyncWebClient, script: Callable[[FakeSlack], object], channel: str, error: str
) -> None:
    script(fake)

    assert (await refused(client.chat_postMessage(channel=channel, text="hello"))) == {
        "ok": False,
        "error": error,
    }
    assert fake.messages() == []
    assert fake.errors[-1].error == error


async def test_a_channel_error_can_be_lifted(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.set_channel_error(CHANNEL, "account_inactive")
    fake.set_channel_error(CHANNEL, None)

    await client.chat_postMessage(channel=CHANNEL, text="hello again")

    assert len(fake.messages()) == 1


async def test_conversations_info(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.add_channel("C0OUT", "out", is_member=False)

    channel = (await client.conversations_info(channel="C0OUT"))["channel"]

    assert {key: channel[key] for key in ("id", "name", "is_member", "is_archived", "is_private")} == {
        "id": "C0OUT",
        "name": "out",
        "is_member": False,
        "is_archived": False,
        "is_private": False,
    }
    assert channel["is_channel"] is True
    assert (await refused(client.conversations_info(channel="C0NOWHERE")))["error"] == "channel_not_found"


async def test_users_info(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.add_user(USER, "reader", tz="Europe/Berlin")

    user = (await client.users_info(user=USER))["user"]

    assert (user["id"], user["tz"]) == (USER, "Europe/Berlin")
    assert (await refused(client.users_info(user="U0NOBODY")))["error"] == "user_not_found"


# --- Block Kit -----------------------------------------------------------------------------------


def context(count: int) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * count}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


INVALID_BLOCKS: dict[str, tuple[list[dict[str, Any]], str]] = {
    "51 blocks": (
        [{"type": "divider"}] * 51,
        "no more than 50 items allowed (has 51) [json-pointer:/blocks]",
    ),
    "section text 3001": ([section("a" * 3001)], "must be less than 3001 characters (is 3001)"),
    "header text 151": (
        [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
        "must be less than 151 characters",
    ),
    "header in mrkdwn": (
        [{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}],
        "must be plain_text [json-pointer:/blocks/0/text/type]",
    ),
    "unescaped <": ([section("Attention is all <you> need")], "unescaped '<' at offset 17"),
    "html.escape output": ([section(html.escape("Don't"))], "bare '&' at offset 3"),
    "11 fields": (
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
        "no more than 10 items allowed (has 11) [json-pointer:/blocks/0/fields]",
    ),
    "field 2001": (
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
        "must be less than 2001 characters",
    ),
    "no text or fields": ([{"type": "section"}], "must provide text or fields"),
    "context 11": ([context(11)], "no more than 10 items allowed (has 11) [json-pointer:/blocks/0/elements]"),
    "actions 26": (
        [actions(*(button(f"b{index}") for index in range(26)))],
        "no more than 25 items allowed (has 26)",
    ),
    "button text 76": (
        [actions(button(text={"type": "plain_text", "text": "b" * 76}))],
        "must be less than 76 characters",
    ),
    "button value 2001": ([actions(button(value="v" * 2001))], "must be less than 2001 characters"),
    "action_id 256": ([actions(button("a" * 256))], "must be less than 256 characters"),
    "url 3001": ([actions(button(url="https://e.org/" + "u" * 2987))], "must be less than 3001 characters"),
    "not a url": ([actions(button(url="javascript:alert(1)"))], "must be a valid http(s) URL"),
    "duplicate action_id": ([actions(button("same"), button("same"))], "duplicate action_id 'same'"),
    "image without alt_text": (
        [section("paper", accessory={"type": "image", "image_url": "https://e.org/a.png"})],
        "must provide a string [json-pointer:/blocks/0/accessory/alt_text]",
    ),
    "image without url": (
        [section("paper", accessory={"type": "image", "alt_text": "figure"})],
        "[json-pointer:/blocks/0/accessory/image_url]",
    ),
    "duplicate block_id": (
        [section("a", block_id="b1"), section("b", block_id="b1")],
        "duplicate block_id 'b1' [json-pointer:/blocks/1/block_id]",
    ),
    "unknown type": ([{"type": "carousel_of_doom"}], "unknown block type 'carousel_of_doom'"),
    "caught by slack_sdk's models": ([actions(button(style="fancy"))], "style"),
}


@pytest.mark.parametrize(("blocks", "reason"), INVALID_BLOCKS.values(), ids=INVALID_BLOCKS.keys())
async def test_invalid_blocks_are_refused(
    fake: FakeSlack, client: AsyncWebClient, blocks: list[dict[str, Any]], reason: str
) -> None:
    body = await refused(client.chat_postMessage(channel=CHANNEL, text="fallback", blocks=blocks))

    assert body["error"] == "invalid_blocks"
    assert any(reason in error for error in body["errors"]), body["errors"]
    assert body["response_metadata"]["messages"] == [f"[ERROR] {error}" for error in body["errors"]]
    assert fake.messages() == []


async def test_well_formed_mrkdwn_and_plain_text_pass(fake: FakeSlack, client: AsyncWebClient) -> None:
    text = (
        "<https://arxiv.org/abs/2501.00001|Attention &lt;is&gt; all &amp; more> by <@U0READER> in "
        "<#C0DIGEST|digest> <!here> <!date^1700000000^{date_short}|Nov 14> <mailto:a@b.org> > quoted"
    )
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Plain < & > is fine"}},
        section(text),
        context(10),
        actions(*(button(f"b{index}", value="v" * 2000) for index in range(25))),
    ]

    await client.chat_postMessage(channel=CHANNEL, text="fallback", blocks=blocks)

    assert fake.messages()[0].blocks == blocks


def test_mrkdwn_problems_point_at_each_offender() -> None:
    assert mrkdwn_problems("a < b & c <https://x.org|ok> &amp; <not a link>") == [
        "unescaped '<' at offset 2: not a link or mention, escape it as &lt;",
        "unescaped '<' at offset 35: not a link or mention, escape it as &lt;",
        "bare '&' at offset 6: escape it as &amp;",
    ]
    assert block_problems([section("fine")]) == []


async def test_blocks_over_the_size_limit_are_too_long(
    fake: FakeSlack, client: AsyncWebClient, clock: ManualClock
) -> None:
    """The size counts the text inside the blocks: four full sections fit, five of 2,500 do not."""
    too_long = [section("a" * 2500, block_id=f"s{index}") for index in range(5)]
    just_fits = [section("a" * 3000, block_id=f"s{index}") for index in range(4)]
    assert blocks_text_length(too_long) == 12_500
    assert blocks_text_length(just_fits) == MAX_BLOCKS_TEXT

    body = await refused(client.chat_postMessage(channel=CHANNEL, text="fallback", blocks=too_long))
    await client.chat_postMessage(channel=CHANNEL, text="fallback", blocks=just_fits)

    assert body["error"] == "msg_blocks_too_long"
    assert len(fake.messages()) == 1


async def test_text_rules(fake: FakeSlack, client: AsyncWebClient, clock: ManualClock) -> None:
    with pytest.warns(UserWarning, match="text"):  # slack_sdk itself warns before sending
        no_text = await refused(client.chat_postMessage(channel=CHANNEL))
    too_long = await refused(client.chat_postMessage(channel=CHANNEL, text="a" * 40_001))
    await client.chat_postMessage(channel=CHANNEL, text="a" * 40_000)

    assert (no_text["error"], too_long["error"]) == ("no_text", "msg_too_long")
    assert len(fake.messages()) == 1


async def test_bad_json_in_a_form_field_is_refused(client: AsyncWebClient) -> None:
    body = await refused(client.api_call("chat.postMessage", data={"channel": CHANNEL, "blocks": "[{"}))

    assert body["error"] == "invalid_blocks_format"


# --- rate limits and scripted faults -------------------------------------------------------------


async def test_one_message_per_second_per_channel(
    fake: FakeSlack, client: AsyncWebClient, clock: ManualClock
) -> None:
    await client.chat_postMessage(channel=CHANNEL, text="1")
    clock.advance(0.5)
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel=CHANNEL, text="2")
    await client.chat_postMessage(channel=OTHER, text="another channel is not limited")
    clock.advance(0.45)
    await client.chat_postMessage(channel=CHANNEL, text="3, 0.95 s after the first")

    response = caught.value.response
    assert (response.status_code, response.headers["Retry-After"]) == (429, "1")
    assert response.data == {"ok": False, "error": "ratelimited"}
    assert fake.http_429 == 1
    assert [message.text for message in fake.messages(CHANNEL)] == ["1", "3, 0.95 s after the first"]


async def test_rate_limits_can_be_changed_or_switched_off(
    fake: FakeSlack, client: AsyncWebClient, clock: ManualClock
) -> None:
    fake.rate_limits = RateLimits(per_channel=2, window=10.0)
    for text in ("1", "2"):
        await client.chat_postMessage(channel=CHANNEL, text=text)
    clock.advance(2.5)
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel=CHANNEL, text="3")
    fake.rate_limits = None
    for text in ("4", "5", "6"):
        await client.chat_postMessage(channel=CHANNEL, text=text)

    assert caught.value.response.headers["Retry-After"] == "8"  # 10 - 0.1 tolerance - 2.5 = 7.4, rounded up
    assert len(fake.messages()) == 5


async def test_scripted_faults_come_once_each(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    fake.fail_next("chat.postMessage", status=500)
    fake.fail_next("views.publish", "fatal_error")

    limited = await refused(client.chat_postMessage(channel=CHANNEL, text="1"))
    with pytest.raises(SlackApiError) as server_error:
        await client.chat_postMessage(channel=CHANNEL, text="2")
    await client.chat_postMessage(channel=CHANNEL, text="3")

    assert limited == {"ok": False, "error": "ratelimited"}
    assert server_error.value.response.status_code == 500
    assert server_error.value.response["error"] == "internal_error"
    assert [error.status for error in fake.errors] == [429, 500]
    assert fake.http_429 == 1
    assert [message.text for message in fake.messages()] == ["3"]


async def test_slack_sdk_retry_handlers_honour_the_fake(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 429 handler sleeps Retry-After (+ up to 1 s of jitter) with asyncio.sleep; record instead.

    All handlers of a client share one attempt counter: after a 429 retry, a handler allowing one
    retry no longer retries a 500 in the same call.
    """
    slept: list[float] = []

    async def record_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(builtin_async_handlers, "asyncio", SimpleNamespace(sleep=record_sleep))
    fake.fail_next("chat.postMessage", status=429, retry_after=3)
    fake.fail_next("chat.postMessage", status=500)
    client = AsyncWebClient(
        token=DEFAULT_TOKEN,
        base_url=fake.api_url,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=1),
            AsyncServerErrorRetryHandler(
                max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
            ),
        ],
    )

    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel=CHANNEL, text="429, retried, then 500")
    fake.fail_next("chat.postMessage", status=500)
    await client.chat_postMessage(channel=CHANNEL, text="500, retried")

    assert caught.value.response.status_code == 500
    assert len(slept) == 1
    assert 3 <= slept[0] < 4
    assert [call.method for call in fake.requests] == ["chat.postMessage"] * 4
    assert [message.text for message in fake.messages()] == ["500, retried"]


# --- response URLs -------------------------------------------------------------------------------


async def test_a_response_url_takes_five_posts(fake: FakeSlack) -> None:
    webhook = AsyncWebhookClient(fake.response_url("cmd1"))

    rejected = await webhook.send(text="")  # refused posts do not use the URL up
    answers = [await webhook.send(text=f"reply {index}", response_type="ephemeral") for index in range(6)]

    assert (rejected.status_code, rejected.body) == (400, "no_text")
    assert [(answer.status_code, answer.body) for answer in answers] == [(200, "ok")] * 5 + [
        (404, "used_url")
    ]
    assert [post.text for post in fake.responses] == [f"reply {index}" for index in range(5)]
    assert fake.responses[0].response_type == "ephemeral"
    assert fake.responses[0].token == "cmd1"


async def test_response_url_posts_are_validated(fake: FakeSlack, clock: ManualClock) -> None:
    webhook = AsyncWebhookClient(fake.response_url())

    invalid = await webhook.send(text="x", blocks=[section("a <b>")])
    deleted = await webhook.send(delete_original=True)
    replaced = await webhook.send(text="new", replace_original=True, blocks=[section("fine")])
    clock.advance(30 * 60 + 1)
    expired = await webhook.send(text="too late")
    unknown = await AsyncWebhookClient(f"{fake.base_url}/respond/nope").send(text="x")

    assert (invalid.status_code, invalid.body) == (400, "invalid_blocks")
    assert "unescaped '<'" in fake.errors[0].details[0]
    assert (deleted.status_code, replaced.status_code) == (200, 200)
    assert (fake.responses[0].delete_original, fake.responses[1].replace_original) == (True, True)
    assert fake.responses[1].blocks == [section("fine")]
    assert (expired.status_code, expired.body) == (404, "expired_url")
    assert (unknown.status_code, unknown.body) == (404, "no_service")


async def test_waiting_for_work_done_after_an_ack(fake: FakeSlack, client: AsyncWebClient) -> None:
    async def later() -> None:
        await asyncio.sleep(0.01)
        await AsyncWebhookClient(fake.response_url()).send(text="done")
        await client.chat_postMessage(channel=CHANNEL, text="posted")

    task = asyncio.create_task(later())
    responses = await fake.wait_for_responses(1, within=2.0)
    messages = await fake.wait_for_messages(1, within=2.0)
    await task

    assert (responses[0].text, messages[0].text) == ("done", "posted")
    with pytest.raises(TimeoutError, match=r"expected 2 response URL posts within 0\.05 s, got 1"):
        await fake.wait_for_responses(2, within=0.05)


# --- views ---------------------------------------------------------------------------------------


def modal(title: str = "Subscribe", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "subscribe",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Save"},
        "private_metadata": json.dumps({"channel": CHANNEL}),
        "blocks": [section("Pick your keywords")],
        **extra,
    }


def home(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"type": "home", "blocks": list(blocks or [section("Your subscriptions")])}


async def test_views_open_needs_a_fresh_trigger(
    fake: FakeSlack, client: AsyncWebClient, clock: ManualClock
) -> None:
    trigger = fake.issue_trigger(USER)
    opened = await client.views_open(trigger_id=trigger, view=modal())
    reused = await refused(client.views_open(trigger_id=trigger, view=modal()))
    unknown = await refused(client.views_open(trigger_id="1.2.3", view=modal()))
    late = fake.issue_trigger(USER)
    clock.advance(3.1)
    expired = await refused(client.views_open(trigger_id=late, view=modal()))

    record = fake.opened_views[0]
    assert (record.trigger_id, record.user_id, record.callback_id) == (trigger, USER, "subscribe")
    assert opened["view"]["id"] == record.view_id
    assert opened["view"]["private_metadata"] == record.private_metadata
    assert [reused["error"], unknown["error"], expired["error"]] == [
        "exchanged_trigger_id",
        "invalid_trigger_id",
        "expired_trigger_id",
    ]


@pytest.mark.parametrize(
    ("view", "reason"),
    [
        (modal("t" * 25), "must be less than 25 characters (is 25) [json-pointer:/view/title/text]"),
        (modal(submit={"type": "plain_text", "text": "s" * 25}), "[json-pointer:/view/submit/text]"),
        (modal(callback_id="c" * 256), "[json-pointer:/view/callback_id]"),
        (modal(private_metadata="m" * 3001), "[json-pointer:/view/private_metadata]"),
        (modal(blocks=[{"type": "divider"}] * 101), "no more than 100 items allowed"),
        (
            modal(blocks=[section("a & b")]),
            "bare '&' at offset 2: escape it as &amp; [json-pointer:/view/blocks/0/text/text]",
        ),
        (home(), "must be modal"),
    ],
)
async def test_invalid_modals_are_refused(
    fake: FakeSlack, client: AsyncWebClient, view: dict[str, Any], reason: str
) -> None:
    body = await refused(client.views_open(trigger_id=fake.issue_trigger(), view=view))

    assert body["error"] == "invalid_arguments"
    assert any(reason in error for error in body["errors"]), body["errors"]
    assert fake.opened_views == []


async def test_views_publish_keeps_the_home_tab_per_user(fake: FakeSlack, client: AsyncWebClient) -> None:
    first = await client.views_publish(user_id=USER, view=home())
    second = await client.views_publish(user_id=USER, view=home(section("v2")), hash=first["view"]["hash"])
    stale = await refused(client.views_publish(user_id=USER, view=home(), hash=first["view"]["hash"]))
    modal_on_home = await refused(client.views_publish(user_id=USER, view=modal()))
    await client.views_publish(user_id="U0OTHER", view=home(*[{"type": "divider"}] * 100))

    current = fake.home(USER)
    assert current is not None
    assert (current.view_id, current.view["blocks"]) == (second["view"]["id"], [section("v2")])
    assert stale["error"] == "hash_conflict"
    assert modal_on_home["error"] == "invalid_arguments"
    assert [record.user_id for record in fake.published_views] == [USER, USER, "U0OTHER"]


# --- signed requests -----------------------------------------------------------------------------


def test_signatures_verify_with_slack_sdk() -> None:
    body = slash_command("/papers", "today", response_url="https://x.org/r", trigger_id="1.2.3")
    now = int(time.time())
    verifier = SignatureVerifier(DEFAULT_SECRET)

    assert verifier.is_valid_request(body, sign(DEFAULT_SECRET, now, body))
    assert sign(DEFAULT_SECRET, now, body)["Content-Type"] == "application/x-www-form-urlencoded"
    assert sign(DEFAULT_SECRET, now, "{}")["Content-Type"] == "application/json"
    assert not verifier.is_valid_request(body, sign("another-secret", now, body))
    assert not verifier.is_valid_request(body + "&x=1", sign(DEFAULT_SECRET, now, body))
    assert not verifier.is_valid_request(body, sign(DEFAULT_SECRET, now - 301, body))


def test_a_block_action_must_name_an_element_of_its_message() -> None:
    message = {"ts": "1700000000.000100", "blocks": [actions(button("more", value="1"))]}

    with pytest.raises(ValueError, match="no element with action_id 'less'"):
        block_action("less", "1", response_url="u", trigger_id="t", message=message)


class BoltServer(LoopbackServer):
    """A real Bolt AsyncApp behind aiohttp, as the bot serves it in HTTP mode."""

    def __init__(self, app: AsyncApp) -> None:
        super().__init__()
        self.app = app

    @property
    def url(self) -> str:
        return f"{self.base_url}/slack/events"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/slack/events", self._dispatch)

    async def _dispatch(self, request: web.Request) -> web.Response:
        return await to_aiohttp_response(await self.app.async_dispatch(await to_bolt_request(request)))


def bolt_app(fake: FakeSlack) -> AsyncApp:
    app = AsyncApp(
        client=AsyncWebClient(token=DEFAULT_TOKEN, base_url=fake.api_url), signing_secret=DEFAULT_SECRET
    )

    @app.command("/papers")
    async def papers(ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any]) -> None:
        await ack()
        await respond(text=f"papers for {command['text']}", blocks=[section("*1.* A paper")])

    @app.command("/subscribe")
    async def subscribe(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=modal())

    @app.action("more")
    async def more(ack: AsyncAck, respond: AsyncRespond, action: dict[str, Any]) -> None:
        await ack()
        await respond(text=f"more about {action['value']}", replace_original=True)

    @app.view("subscribe")
    async def saved(ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        keywords = view["state"]["values"]["kw"]["input"]["value"]
        channel = json.loads(view["private_metadata"])["channel"]
        await client.chat_postMessage(channel=channel, text=f"subscribed to {keywords}")

    @app.event("app_home_opened")
    async def opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.views_publish(user_id=event["user"], view=home())

    return app


async def test_bolt_accepts_what_the_helpers_send(fake: FakeSlack, client: AsyncWebClient) -> None:
    """Commands, button presses, modal submissions and Home tab events reach Bolt's listeners."""
    posted = await client.chat_postMessage(
        channel=OTHER, text="paper", blocks=[section("A paper", accessory=button("more", value="2501.1"))]
    )
    async with BoltServer(bolt_app(fake)) as bolt:
        user = Workspace(fake, bolt.url)

        command = await user.command("/papers", "today")
        await fake.wait_for_responses(1)
        click = await user.click("more", message=fake.messages()[0])
        await fake.wait_for_responses(2)
        await user.command("/subscribe")
        await fake.wait_until(lambda: len(fake.opened_views) == 1)
        submit = await user.submit(
            fake.opened_views[0], {"kw": {"input": {"type": "plain_text_input", "value": "LLM"}}}
        )
        await fake.wait_for_messages(2)
        await user.open_home()
        await fake.wait_until(lambda: fake.home(USER) is not None)

    assert (command.status, click.status, submit.status) == (200, 200, 200)
    assert fake.responses[0].text == "papers for today"
    assert fake.responses[0].blocks == [section("*1.* A paper")]
    assert (fake.responses[1].text, fake.responses[1].replace_original) == ("more about 2501.1", True)
    assert fake.opened_views[0].trigger_id is not None
    assert fake.messages()[1].text == "subscribed to LLM"
    assert posted["ts"] == fake.messages()[0].ts


async def test_bolt_refuses_forged_and_stale_requests(fake: FakeSlack) -> None:
    body = slash_command("/papers", "x", response_url=fake.response_url(), trigger_id=fake.issue_trigger())
    async with BoltServer(bolt_app(fake)) as bolt:
        forged = await post_signed(bolt.url, body, forge=True)
        stale = await post_signed(bolt.url, body, timestamp=int(time.time()) - 6 * 60)
        fresh = await post_signed(bolt.url, body)
        await fake.wait_for_responses(1)

    assert (forged[0], stale[0], fresh[0]) == (401, 401, 200)
    assert len(fake.responses) == 1


async def test_a_reply_must_name_a_message_of_that_channel(
    fake: FakeSlack, client: AsyncWebClient, clock: ManualClock
) -> None:
    first = await client.chat_postMessage(channel=CHANNEL, text="header")
    clock.advance(1.0)
    elsewhere = await client.chat_postMessage(channel=OTHER, text="other channel")
    for thread_ts, error in (
        ("1234567890.123456", "thread_not_found"),  # never posted
        (elsewhere["ts"], "thread_not_found"),  # a message, but of another channel
        ("0", "invalid_thread_ts"),
    ):
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel=CHANNEL, text="reply", thread_ts=thread_ts)
        assert raised.value.response["error"] == error
    reply = await client.chat_postMessage(channel=CHANNEL, text="reply", thread_ts=first["ts"])
    assert reply["message"]["thread_ts"] == first["ts"]
    fake.delete_message(CHANNEL, first["ts"])
    clock.advance(1.0)
    with pytest.raises(SlackApiError, match="thread_not_found"):
        await client.chat_postMessage(channel=CHANNEL, text="late reply", thread_ts=first["ts"])
    assert [m.text for m in fake.messages(CHANNEL)] == ["header", "reply"]
