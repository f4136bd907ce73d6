"""The fake Discord API and Discord's side of HTTP interactions, driven by the real hikari REST client.

The fake is only worth having if it refuses what Discord refuses and hikari understands its answers,
so REST calls here go through `hikari.RESTApp(url=fake.api_url)`: its buckets, its 429 handling and its
strict deserialisers run for real. Limits are probed at N (accepted) and N+1 (refused) with raw JSON,
since hikari's builders would stop some of them before they reach a server.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import hikari
import pytest
from aiohttp import web

from tests.fakes.discord_api import (
    API_PREFIX,
    APPLICATION_ID,
    BOT_USER_ID,
    CLOUDFLARE_BAN_TEXT,
    CREATE_MESSAGE,
    DEFAULT_TOKEN,
    DEFAULT_USER_ID,
    EPHEMERAL,
    FOLLOWUP_SECONDS,
    GET_ME,
    GUILD_ID,
    MANAGE_CHANNELS,
    MAX_EMBEDS_TOTAL,
    OWNER_ID,
    PUBLIC_KEY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    FakeDiscord,
    InteractionExchange,
    Overwrite,
    RateLimits,
    RouteLimit,
    bucket_hash,
    embed_size,
    message_problems,
    sign,
    verify_signature,
)
from tests.fakes.loopback import LoopbackServer

pytestmark = pytest.mark.slow  # the fake's own tests: a server and the real hikari client each

CHANNEL = "1300000000000000001"
OTHER = "1300000000000000002"
THREAD = "1300000000000000003"
DM_CHANNEL = "1300000000000000004"
MODERATOR_ROLE = "1400000000000000001"
MODERATOR = "1200000000000000009"
BOT_ROLE = str(int(GUILD_ID) + 1)


class ManualClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def populate(fake: FakeDiscord) -> FakeDiscord:
    fake.add_channel(CHANNEL, "papers")
    fake.add_channel(OTHER, "other")
    fake.add_channel(THREAD, "daily", type=11, parent_id=CHANNEL)
    fake.add_dm(DM_CHANNEL)
    fake.add_role(MODERATOR_ROLE, MANAGE_CHANNELS)
    fake.add_member(DEFAULT_USER_ID)
    fake.add_member(MODERATOR, [MODERATOR_ROLE])
    return fake


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeDiscord]:
    """Time moved by hand: buckets, the global window, bans and tokens never wait in real time."""
    async with FakeDiscord(clock=clock) as server:
        yield populate(server)


@pytest.fixture
async def loose() -> AsyncIterator[FakeDiscord]:
    """No rate limits: for probing message limits one after another."""
    async with FakeDiscord(rate_limits=False) as server:
        yield populate(server)


async def rest_client(fake: FakeDiscord, token: str = DEFAULT_TOKEN) -> AsyncIterator[hikari.api.RESTClient]:
    app = hikari.RESTApp(url=fake.api_url, max_retries=0)
    await app.start()
    try:
        async with app.acquire(token, hikari.TokenType.BOT) as client:
            yield client
    finally:
        await app.close()


@pytest.fixture
async def rest(fake: FakeDiscord) -> AsyncIterator[hikari.api.RESTClient]:
    async for client in rest_client(fake):
        yield client


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    session: aiohttp.ClientSession,
    fake: FakeDiscord,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = DEFAULT_TOKEN,
) -> tuple[int, Any, Any]:
    """A raw request: status, JSON (or text) body, headers."""
    headers = {"Authorization": f"Bot {token}"} if token else {}
    data = None if body is None else json.dumps(body)
    if data is not None:
        headers["Content-Type"] = "application/json"
    async with session.request(method, fake.api_url + path, data=data, headers=headers) as response:
        text = await response.text()
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return response.status, parsed, response.headers


async def post(
    session: aiohttp.ClientSession, fake: FakeDiscord, body: Any, channel: str = CHANNEL
) -> tuple[int, Any]:
    status, data, _ = await call(session, fake, "POST", f"/channels/{channel}/messages", body)
    return status, data


def error_at(body: dict[str, Any], *path: str) -> list[dict[str, str]]:
    """The `_errors` list at `path` inside a 50035 answer's `errors`."""
    node: Any = body["errors"]
    for part in path:
        node = node[part]
    return list(node["_errors"])


class BotEndpoint(LoopbackServer):
    """A minimal interactions endpoint: checks the signature as a bot must (401 otherwise) and answers
    with `answer(payload)`; `verify=False` makes it the broken endpoint Discord refuses to save."""

    def __init__(self, answer: Callable[[dict[str, Any]], Awaitable[Any]], *, verify: bool = True) -> None:
        super().__init__()
        self.answer = answer
        self.verify = verify
        self.received: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"{self.base_url}/discord/interactions"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/discord/interactions", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        signature = request.headers.get("X-Signature-Ed25519", "")
        timestamp = request.headers.get("X-Signature-Timestamp", "")
        if self.verify and not verify_signature(PUBLIC_KEY, signature, timestamp, body):
            return web.Response(status=401, text="invalid request signature")
        payload = json.loads(body)
        self.received.append(payload)
        if payload["type"] == 1:
            return web.json_response({"type": 1})
        return web.json_response(await self.answer(payload))


def answering(response: Any) -> Callable[[dict[str, Any]], Awaitable[Any]]:
    async def answer(payload: dict[str, Any]) -> Any:
        return response

    return answer


async def endpoint(response: Any, *, verify: bool = True) -> BotEndpoint:
    server = BotEndpoint(answering(response), verify=verify)
    await server.start()
    return server


# --- hikari through the fake ---------------------------------------------------------------------


async def test_hikari_reads_the_bot_user(fake: FakeDiscord, rest: hikari.api.RESTClient) -> None:
    me = await rest.fetch_my_user()

    assert (str(me.id), me.username, me.is_bot) == (BOT_USER_ID, "Paperboy", True)
    assert fake.requests[-1].route == GET_ME
    assert fake.requests[-1].authorized is True


async def test_hikari_posts_a_card_that_the_fake_records(
    fake: FakeDiscord, rest: hikari.api.RESTClient
) -> None:
    embed = hikari.Embed(title="Paper", description="Summary", url="https://arxiv.org/abs/2502.15007")
    embed.add_field("Votes", "95", inline=True).set_footer("arXiv 2502.15007")
    row = rest.build_message_action_row().add_link_button("https://arxiv.org/abs/2502.15007", label="arXiv")
    row.add_interactive_button(hikari.ButtonStyle.PRIMARY, "more:2502.15007", label="More")

    message = await rest.create_message(int(CHANNEL), "Today's papers", embed=embed, component=row)

    [sent] = fake.messages(CHANNEL)
    assert str(message.id) == sent.message_id
    assert (sent.content, sent.source, sent.flags) == ("Today's papers", "channel", 0)
    assert sent.embeds[0]["title"] == "Paper"
    assert sent.embeds[0]["fields"] == [{"name": "Votes", "value": "95", "inline": True}]
    assert sent.custom_ids() == ["more:2502.15007"]
    assert sent.payload["allowed_mentions"] == {"parse": []}, "hikari mentions nobody unless told"
    assert message.embeds[0].title == "Paper"


async def test_hikari_reads_channels_of_every_kind(rest: hikari.api.RESTClient) -> None:
    text = await rest.fetch_channel(int(CHANNEL))
    thread = await rest.fetch_channel(int(THREAD))
    dm = await rest.fetch_channel(int(DM_CHANNEL))

    assert isinstance(text, hikari.GuildTextChannel)
    assert (text.name, str(text.guild_id)) == ("papers", GUILD_ID)
    assert isinstance(thread, hikari.GuildPublicThread)
    assert str(thread.parent_id) == CHANNEL
    assert isinstance(dm, hikari.DMChannel)


async def test_a_wrong_token_is_401_and_counts_as_invalid(fake: FakeDiscord) -> None:
    async for client in rest_client(fake, token="not-the-token"):
        with pytest.raises(hikari.UnauthorizedError):
            await client.fetch_my_user()

    assert fake.errors[-1].status == 401
    assert fake.invalid_requests == 1


async def test_no_authorization_header_is_401_in_discord_shape(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    status, body, headers = await call(http, fake, "GET", "/users/@me", token=None)

    assert (status, body) == (401, {"message": "401: Unauthorized", "code": 0})
    assert headers["Content-Type"] == "application/json"
    assert headers["Via"] == "1.1 google"


@pytest.mark.parametrize(
    ("setup", "code", "error"),
    [
        (lambda fake: None, 10003, hikari.NotFoundError),
        (
            lambda fake: fake.add_channel(
                OTHER, "hidden", overwrites=[Overwrite(BOT_ROLE, 0, deny=VIEW_CHANNEL)]
            ),
            50001,
            hikari.ForbiddenError,
        ),
        (
            lambda fake: fake.add_channel(
                OTHER, "read-only", overwrites=[Overwrite(GUILD_ID, 0, deny=SEND_MESSAGES)]
            ),
            50013,
            hikari.ForbiddenError,
        ),
        (lambda fake: fake.set_channel_error(OTHER, 50013), 50013, hikari.ForbiddenError),
    ],
    ids=["unknown-channel", "missing-access", "missing-permissions", "scripted"],
)
async def test_channel_errors_come_in_discord_shape(
    fake: FakeDiscord,
    rest: hikari.api.RESTClient,
    setup: Callable[[FakeDiscord], object],
    code: int,
    error: type[hikari.ClientHTTPResponseError],
) -> None:
    setup(fake)
    target = OTHER if code != 10003 else "1399999999999999999"

    with pytest.raises(error) as caught:
        await rest.create_message(int(target), "hello")

    assert caught.value.code == code
    assert fake.errors[-1].code == code
    assert fake.messages(target) == []


async def test_a_scripted_429_is_honoured_by_hikari(rest: hikari.api.RESTClient, fake: FakeDiscord) -> None:
    fake.fail_next(CREATE_MESSAGE, 429, retry_after=0.2)
    started = time.monotonic()

    await rest.create_message(int(CHANNEL), "after the wait")

    assert time.monotonic() - started >= 0.2
    assert [request.status for request in fake.requests] == [429, 200]
    assert [message.content for message in fake.messages(CHANNEL)] == ["after the wait"]


async def test_hikari_waits_for_its_bucket_from_the_headers_before_any_429() -> None:
    limits = RateLimits(per_route={CREATE_MESSAGE: RouteLimit(2, 0.4)})
    async with FakeDiscord(rate_limits=limits) as fake:
        populate(fake)
        async for rest in rest_client(fake):
            started = time.monotonic()
            for number in range(3):
                await rest.create_message(int(CHANNEL), f"message {number}")
            elapsed = time.monotonic() - started

    assert len(fake.messages(CHANNEL)) == 3
    assert fake.rate_limited == 0, "hikari read X-RateLimit-Remaining: 0 and waited instead of trying"
    assert elapsed >= 0.3


async def test_the_global_limit_answers_a_global_429_that_hikari_honours() -> None:
    limits = RateLimits(global_per_second=3)
    async with FakeDiscord(rate_limits=limits) as fake:
        async for rest in rest_client(fake):
            users = await asyncio.gather(*(rest.fetch_my_user() for _ in range(5)))

    assert len(users) == 5
    assert fake.rate_limited >= 1
    refused = [error for error in fake.errors if error.status == 429]
    assert refused
    assert all(error.message == "You are being rate limited." for error in refused)


async def test_a_server_error_reaches_hikari(rest: hikari.api.RESTClient, fake: FakeDiscord) -> None:
    fake.fail_next(GET_ME, 503)

    with pytest.raises(hikari.InternalServerError):
        await rest.fetch_my_user()
    me = await rest.fetch_my_user()

    assert str(me.id) == BOT_USER_ID


async def test_a_slow_route_answers_late(rest: hikari.api.RESTClient, fake: FakeDiscord) -> None:
    fake.slow(GET_ME, 0.2)
    started = time.monotonic()

    await rest.fetch_my_user()

    assert time.monotonic() - started >= 0.2


# --- rate limits, by hand --------------------------------------------------------------------------


async def test_buckets_announce_themselves_and_refuse_past_the_limit(
    fake: FakeDiscord, http: aiohttp.ClientSession, clock: ManualClock
) -> None:
    remaining = []
    for number in range(5):
        status, _, headers = await call(
            http, fake, "POST", f"/channels/{CHANNEL}/messages", {"content": f"{number}"}
        )
        assert status == 200
        remaining.append(headers["X-RateLimit-Remaining"])
        assert headers["X-RateLimit-Limit"] == "5"
        assert headers["X-RateLimit-Bucket"] == bucket_hash(CREATE_MESSAGE)
        assert float(headers["X-RateLimit-Reset"]) > time.time()
    clock.advance(1.5)

    status, body, headers = await call(http, fake, "POST", f"/channels/{CHANNEL}/messages", {"content": "6"})
    other, _, _ = await call(http, fake, "POST", f"/channels/{OTHER}/messages", {"content": "elsewhere"})

    assert remaining == ["4", "3", "2", "1", "0"]
    assert status == 429
    assert body == {"message": "You are being rate limited.", "retry_after": 3.5, "global": False}
    assert (headers["Retry-After"], headers["X-RateLimit-Scope"], headers["X-RateLimit-Remaining"]) == (
        "4",
        "user",
        "0",
    )
    assert headers["X-RateLimit-Reset-After"] == "3.500"
    assert other == 200, "a bucket is per channel"
    clock.advance(3.5)
    assert (await post(http, fake, {"content": "6 again"}))[0] == 200


async def test_the_global_limit_is_fifty_a_second_and_spares_interaction_routes(
    fake: FakeDiscord, http: aiohttp.ClientSession, clock: ManualClock
) -> None:
    for _ in range(50):
        assert (await call(http, fake, "GET", "/users/@me"))[0] == 200

    status, body, headers = await call(http, fake, "GET", "/users/@me")
    webhook, _, _ = await call(
        http, fake, "POST", f"/webhooks/{APPLICATION_ID}/unknown-token", {"content": "x"}
    )

    assert status == 429
    assert body["global"] is True
    assert (headers["X-RateLimit-Global"], headers["X-RateLimit-Scope"]) == ("true", "global")
    assert webhook == 401, "webhook-token routes are not under the global limit (the token is just wrong)"
    clock.advance(1.0)
    assert (await call(http, fake, "GET", "/users/@me"))[0] == 200


async def test_too_many_invalid_requests_get_the_client_banned(
    clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    async with FakeDiscord(clock=clock, rate_limits=RateLimits(invalid_limit=3, ban_seconds=60)) as fake:
        for _ in range(3):
            assert (await call(http, fake, "GET", "/users/@me", token="wrong"))[0] == 401

        status, body, headers = await call(http, fake, "GET", "/users/@me")
        async for rest in rest_client(fake):
            with pytest.raises(hikari.HTTPResponseError) as caught:
                await rest.fetch_my_user()
        clock.advance(61)
        after, _, _ = await call(http, fake, "GET", "/users/@me")

    assert (status, body) == (429, CLOUDFLARE_BAN_TEXT)
    assert "Via" not in headers
    assert headers["Retry-After"] == "60"
    assert caught.value.status == 429
    assert after == 200


async def test_invalid_requests_are_forgotten_after_the_window(
    clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    async with FakeDiscord(clock=clock, rate_limits=RateLimits(invalid_limit=3, invalid_window=600)) as fake:
        populate(fake)
        fake.set_channel_error(OTHER, 50001)
        await call(http, fake, "GET", "/users/@me", token="wrong")
        await post(http, fake, {"content": "x"}, OTHER)
        clock.advance(601)
        await post(http, fake, {"content": "x"}, OTHER)

        assert fake.invalid_requests == 1
        assert fake.banned_until is None


# --- message limits ------------------------------------------------------------------------------


def embed(**fields: Any) -> dict[str, Any]:
    return {"title": "Paper", **fields}


def buttons(count: int, *, label: str = "More", prefix: str = "b") -> dict[str, Any]:
    return {
        "type": 1,
        "components": [
            {"type": 2, "style": 1, "label": label, "custom_id": f"{prefix}{index}"} for index in range(count)
        ],
    }


LIMITS: list[tuple[str, Callable[[int], dict[str, Any]], int, tuple[str, ...]]] = [
    ("content", lambda n: {"content": "x" * n}, 2000, ("content",)),
    ("embeds", lambda n: {"embeds": [embed() for _ in range(n)]}, 10, ("embeds",)),
    ("title", lambda n: {"embeds": [embed(title="t" * n)]}, 256, ("embeds", "0", "title")),
    ("description", lambda n: {"embeds": [embed(description="d" * n)]}, 4096, ("embeds", "0", "description")),
    (
        "fields",
        lambda n: {"embeds": [embed(fields=[{"name": "n", "value": "v"}] * n)]},
        25,
        ("embeds", "0", "fields"),
    ),
    (
        "field-name",
        lambda n: {"embeds": [embed(fields=[{"name": "n" * n, "value": "v"}])]},
        256,
        ("embeds", "0", "fields", "0", "name"),
    ),
    (
        "field-value",
        lambda n: {"embeds": [embed(fields=[{"name": "n", "value": "v" * n}])]},
        1024,
        ("embeds", "0", "fields", "0", "value"),
    ),
    (
        "footer",
        lambda n: {"embeds": [embed(footer={"text": "f" * n})]},
        2048,
        ("embeds", "0", "footer", "text"),
    ),
    (
        "author",
        lambda n: {"embeds": [embed(author={"name": "a" * n})]},
        256,
        ("embeds", "0", "author", "name"),
    ),
    (
        "six-thousand",
        lambda n: {"embeds": [{"description": "d" * 4000}, {"description": "d" * (n - 4000)}]},
        MAX_EMBEDS_TOTAL,
        ("embeds",),
    ),
    (
        "action-rows",
        lambda n: {"components": [buttons(1, prefix=f"r{row}-") for row in range(n)]},
        5,
        ("components",),
    ),
    ("buttons-per-row", lambda n: {"components": [buttons(n)]}, 5, ("components", "0", "components")),
    (
        "custom-id",
        lambda n: {
            "components": [
                {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "c" * n}]}
            ]
        },
        100,
        ("components", "0", "components", "0", "custom_id"),
    ),
    (
        "label",
        lambda n: {"components": [buttons(1, label="l" * n)]},
        80,
        ("components", "0", "components", "0", "label"),
    ),
]


@pytest.mark.parametrize(
    ("build", "limit", "path"), [case[1:] for case in LIMITS], ids=[case[0] for case in LIMITS]
)
async def test_each_limit_accepts_n_and_refuses_n_plus_one(
    loose: FakeDiscord,
    http: aiohttp.ClientSession,
    build: Callable[[int], dict[str, Any]],
    limit: int,
    path: tuple[str, ...],
) -> None:
    accepted, _ = await post(http, loose, {"content": "card", **build(limit)})
    status, body = await post(http, loose, {"content": "card", **build(limit + 1)})

    assert accepted == 200
    assert status == 400
    assert (body["code"], body["message"]) == (50035, "Invalid Form Body")
    assert error_at(body, *path)
    assert len(loose.messages(CHANNEL)) == 1


@pytest.mark.parametrize(
    ("button", "code"),
    [
        (
            {"type": 2, "style": 5, "label": "arXiv", "url": "https://arxiv.org", "custom_id": "x"},
            "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
        ),
        ({"type": 2, "style": 5, "label": "arXiv"}, "BASE_TYPE_REQUIRED"),
        (
            {"type": 2, "style": 1, "label": "More", "custom_id": "x", "url": "https://arxiv.org"},
            "BUTTON_COMPONENT_URL_NOT_ALLOWED",
        ),
        ({"type": 2, "style": 1, "label": "More"}, "BASE_TYPE_REQUIRED"),
        ({"type": 2, "style": 1, "custom_id": "x"}, "BUTTON_COMPONENT_EMPTY"),
        ({"type": 2, "style": 5, "label": "arXiv", "url": "ftp://arxiv.org"}, "URL_TYPE_INVALID_SCHEME"),
    ],
    ids=[
        "link-with-custom-id",
        "link-without-url",
        "button-with-url",
        "button-without-custom-id",
        "no-label",
        "bad-scheme",
    ],
)
async def test_link_and_interactive_buttons_are_told_apart(
    loose: FakeDiscord, http: aiohttp.ClientSession, button: dict[str, Any], code: str
) -> None:
    status, body = await post(http, loose, {"components": [{"type": 1, "components": [button]}]})

    assert status == 400
    assert code in json.dumps(body["errors"])


async def test_duplicate_custom_ids_and_a_select_beside_buttons_are_refused(
    loose: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    select = {"type": 3, "custom_id": "pick", "options": [{"label": "A", "value": "a"}]}
    duplicate, body = await post(http, loose, {"components": [buttons(1), buttons(1)]})
    crowded, crowded_body = await post(
        http, loose, {"components": [{"type": 1, "components": [select, buttons(1)["components"][0]]}]}
    )
    alone, _ = await post(http, loose, {"components": [{"type": 1, "components": [select]}]})

    assert duplicate == 400
    assert (
        error_at(body, "components", "1", "components", "0", "custom_id")[0]["code"]
        == "COMPONENT_CUSTOM_ID_DUPLICATED"
    )
    assert crowded == 400
    assert "COMPONENT_LAYOUT_WIDTH_EXCEEDED" in json.dumps(crowded_body)
    assert alone == 200


@pytest.mark.parametrize(
    ("mentions", "accepted"),
    [
        ({"parse": []}, True),
        ({"parse": ["users"], "replied_user": False}, True),
        ({"users": ["1200000000000000002"]}, True),
        ({"parse": ["here"]}, False),
        ({"parse": ["users"], "users": ["1200000000000000002"]}, False),
        ({"users": ["not-a-snowflake"]}, False),
        ({"pings": []}, False),
        ({"users": ["1200000000000000002"] * 101}, False),
    ],
    ids=["none", "users", "listed", "bad-kind", "parse-and-list", "bad-id", "unknown-key", "too-many"],
)
async def test_allowed_mentions_keep_their_shape(
    loose: FakeDiscord, http: aiohttp.ClientSession, mentions: dict[str, Any], accepted: bool
) -> None:
    status, body = await post(http, loose, {"content": "hi", "allowed_mentions": mentions})

    assert (status == 200) is accepted, body
    if not accepted:
        assert "allowed_mentions" in body["errors"]


async def test_empty_bodies_bad_json_and_ephemeral_channel_messages_are_refused(
    loose: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    empty, empty_body = await post(http, loose, {"content": ""})
    ephemeral, ephemeral_body = await post(http, loose, {"content": "psst", "flags": EPHEMERAL})
    async with http.post(
        f"{loose.api_url}/channels/{CHANNEL}/messages",
        data="{not json",
        headers={"Authorization": f"Bot {DEFAULT_TOKEN}", "Content-Type": "application/json"},
    ) as response:
        broken = (response.status, await response.json())

    assert (empty, empty_body["code"]) == (400, 50006)
    assert (ephemeral, ephemeral_body["code"]) == (400, 50035)
    assert broken == (400, {"message": "The request body contains invalid JSON.", "code": 50109})


def test_message_rules_work_without_a_server() -> None:
    card = {
        "embeds": [{"title": "t" * 10, "description": "d" * 20, "fields": [{"name": "n", "value": "v" * 5}]}]
    }

    assert embed_size(card["embeds"]) == 36
    assert not message_problems(card)
    problems = message_problems({"content": "x" * 2001, "embeds": [{"title": "t" * 257}]})
    assert problems.codes() == [
        ("content", "BASE_TYPE_MAX_LENGTH"),
        ("embeds.0.title", "BASE_TYPE_MAX_LENGTH"),
    ]


# --- signatures ----------------------------------------------------------------------------------


def test_signatures_verify_and_forgeries_do_not(fake: FakeDiscord) -> None:
    body = b'{"type":1}'
    headers = sign(fake.signing_key, "1700000000", body)
    signature = headers["X-Signature-Ed25519"]
    forged = format(int(signature[:2], 16) ^ 1, "02x") + signature[2:]

    assert fake.public_key == PUBLIC_KEY
    assert verify_signature(PUBLIC_KEY, signature, "1700000000", body)
    assert not verify_signature(PUBLIC_KEY, forged, "1700000000", body)
    assert not verify_signature(PUBLIC_KEY, signature, "1700000001", body), "the timestamp is signed too"
    assert not verify_signature(PUBLIC_KEY, signature, "1700000000", b'{"type":2}')
    assert not verify_signature(PUBLIC_KEY, "zz", "1700000000", body)


async def test_a_verifying_endpoint_passes_discords_check_and_a_careless_one_fails(fake: FakeDiscord) -> None:
    good = await endpoint({"type": 4, "data": {"content": "hi"}})
    careless = await endpoint({"type": 4, "data": {"content": "hi"}}, verify=False)
    try:
        assert await fake.check_endpoint(good.url) == []
        reasons = await fake.check_endpoint(careless.url)
    finally:
        await good.stop()
        await careless.stop()

    assert reasons == [
        "a forged signature got HTTP 200, not 401",
        "a missing signature got HTTP 200, not 401",
    ]


@pytest.mark.parametrize("mode", ["forged", "missing", "other_key"])
async def test_badly_signed_interactions_get_401_and_open_no_token(fake: FakeDiscord, mode: str) -> None:
    bot = await endpoint({"type": 4, "data": {"content": "hi"}})
    try:
        exchange = await fake.interact(bot.url, fake.command("top", channel_id=CHANNEL), signature=mode)  # type: ignore[arg-type]
    finally:
        await bot.stop()

    assert exchange.status == 401
    assert bot.received == []
    assert fake.messages() == []


async def test_hikari_deserialises_the_interactions_the_fake_builds(
    fake: FakeDiscord, rest: hikari.api.RESTClient
) -> None:
    factory = rest.entity_factory
    command = factory.deserialize_interaction(
        fake.command("papers", {"query": "diffusion"}, subcommand="search", channel_id=CHANNEL)
    )
    dm = factory.deserialize_interaction(fake.command("top", channel_id=DM_CHANNEL))
    message = await rest.create_message(
        int(CHANNEL),
        "card",
        component=rest.build_message_action_row().add_interactive_button(1, "next", label="Next"),
    )
    press = factory.deserialize_interaction(fake.component(fake.current(str(message.id)), "next"))

    assert isinstance(command, hikari.CommandInteraction)
    assert command.options[0].name == "search"
    assert command.options[0].options[0].value == "diffusion"  # type: ignore[index]
    assert isinstance(dm, hikari.CommandInteraction)
    assert dm.member is None
    assert str(dm.user.id) == DEFAULT_USER_ID
    assert isinstance(press, hikari.ComponentInteraction)
    assert press.custom_id == "next"


# --- interaction answers -------------------------------------------------------------------------


async def exchange_with(
    fake: FakeDiscord, response: Any, payload: dict[str, Any], *, check: bool = False
) -> InteractionExchange:
    bot = await endpoint(response)
    try:
        return await fake.interact(bot.url, payload, check=check)
    finally:
        await bot.stop()


async def test_an_ephemeral_answer_is_recorded_in_the_channel(fake: FakeDiscord) -> None:
    answer = {
        "type": 4,
        "data": {"content": "Top papers", "flags": EPHEMERAL, "embeds": [{"title": "Paper"}]},
    }

    exchange = await exchange_with(fake, answer, fake.command("top", channel_id=CHANNEL), check=True)

    assert exchange.problems == []
    assert exchange.elapsed < 3
    [sent] = fake.messages(CHANNEL)
    assert (sent.source, sent.ephemeral, sent.embeds[0]["title"]) == ("response", True, "Paper")


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"type": 4, "data": {"content": "x" * 2001}}, "data.content: BASE_TYPE_MAX_LENGTH"),
        ({"type": 4, "data": {"content": ""}}, "data: MESSAGE_EMPTY"),
        ({"type": 4, "data": {"content": "hi", "embeds": [{"title": "t" * 257}]}}, "data.embeds.0.title"),
        ({"type": 7, "data": {"content": "hi"}}, "Only an interaction on a message can update it."),
        ({"type": 6}, "Only an interaction on a message can update it."),
        ({"type": 5, "data": {"content": "soon"}}, "A deferred answer carries only flags."),
        ({"type": 1}, "PONG answers a PING"),
        ({"type": 8, "data": {"choices": []}}, "type: BASE_TYPE_CHOICES"),
        ({"type": 9, "data": {"custom_id": "s", "title": "t" * 46, "components": []}}, "data.title"),
        ("not json", "MODEL_TYPE_CONVERT"),
    ],
    ids=[
        "too-long",
        "empty",
        "embed",
        "update-a-command",
        "defer-update-a-command",
        "deferred-data",
        "pong",
        "autocomplete",
        "modal",
        "text",
    ],
)
async def test_invalid_answers_fail_the_interaction(fake: FakeDiscord, answer: Any, problem: str) -> None:
    payload = fake.command("top", channel_id=CHANNEL)

    exchange = await exchange_with(fake, answer, payload)
    with pytest.raises(AssertionError, match="answered badly"):
        await exchange_with(fake, answer, fake.command("top", channel_id=CHANNEL), check=True)

    assert any(problem in line for line in exchange.problems), exchange.problems
    assert fake.messages() == []


async def test_a_late_answer_fails_and_its_token_serves_nothing(
    fake: FakeDiscord, rest: hikari.api.RESTClient
) -> None:
    async def slow(payload: dict[str, Any]) -> Any:
        await asyncio.sleep(0.5)
        return {"type": 4, "data": {"content": "too late"}}

    bot = BotEndpoint(slow)
    await bot.start()
    payload = fake.command("top", channel_id=CHANNEL)
    try:
        exchange = await fake.interact(bot.url, payload, check=False, deadline=0.2)
    finally:
        await bot.stop()

    assert exchange.status == 0
    assert "did not respond" in exchange.problems[0]
    with pytest.raises(hikari.NotFoundError) as caught:
        await rest.execute_webhook(int(APPLICATION_ID), payload["token"], "follow-up")
    assert caught.value.code == 10015


async def test_deferred_then_original_then_followups_through_hikari(
    fake: FakeDiscord, rest: hikari.api.RESTClient
) -> None:
    payload = fake.command("papers", {"query": "diffusion"}, subcommand="search", channel_id=CHANNEL)
    await exchange_with(fake, {"type": 5, "data": {"flags": EPHEMERAL}}, payload, check=True)
    token = payload["token"]

    original = await rest.edit_interaction_response(int(APPLICATION_ID), token, "3 papers")
    more = await rest.execute_webhook(
        int(APPLICATION_ID), token, "page 2", flags=hikari.MessageFlag.EPHEMERAL
    )
    await rest.edit_webhook_message(int(APPLICATION_ID), token, more.id, "page 2, edited")
    fetched = await rest.fetch_interaction_response(int(APPLICATION_ID), token)

    sources = [(message.source, message.content) for message in fake.messages(CHANNEL)]
    assert sources == [("original", "3 papers"), ("followup", "page 2"), ("edit", "page 2, edited")]
    assert fake.current(str(original.id)).ephemeral
    assert fetched.content == "3 papers"


async def test_hikari_defers_through_the_callback_endpoint(
    fake: FakeDiscord, rest: hikari.api.RESTClient, caplog: pytest.LogCaptureFixture
) -> None:
    """hikari's `create_interaction_response` sends `allowed_mentions` with a deferral and asks for
    `?with_response=true`; Discord takes both, and the callback route carries no bucket headers."""
    answered: list[hikari.InteractionCallbackResponse] = []

    async def deferring(payload: dict[str, Any]) -> Any:
        kind = 6 if payload["type"] == 3 else 5
        flags = EPHEMERAL if kind == 5 else hikari.UNDEFINED
        answered.append(
            await rest.create_interaction_response(int(payload["id"]), payload["token"], kind, flags=flags)
        )
        return None  # answered by REST: the HTTP answer is empty

    card = await rest.create_message(
        int(CHANNEL),
        "page 1",
        component=rest.build_message_action_row().add_interactive_button(2, "p:2", label="Next"),
    )
    bot = BotEndpoint(deferring)
    await bot.start()
    try:
        command = await fake.interact(bot.url, fake.command("top", channel_id=CHANNEL))
        press = await fake.interact(bot.url, fake.component(fake.current(str(card.id)), "p:2"))
    finally:
        await bot.stop()
    await rest.edit_interaction_response(int(APPLICATION_ID), command.payload["token"], "3 papers")
    await rest.edit_interaction_response(int(APPLICATION_ID), press.payload["token"], "page 2")

    assert [a.interaction.response_message_loading for a in answered] == [True, False]
    assert answered[0].interaction.response_message_ephemeral
    assert [(m.source, m.content, m.ephemeral) for m in fake.messages()[1:]] == [
        ("original", "3 papers", True),
        ("update", "page 2", False),
    ]
    assert fake.current(str(card.id)).content == "page 2"
    assert not [r for r in caplog.records if r.levelname == "ERROR"], "no unexpected bucket headers"


async def test_followups_keep_the_message_limits(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    payload = fake.command("top", channel_id=CHANNEL)
    await exchange_with(fake, {"type": 4, "data": {"content": "hi"}}, payload, check=True)
    path = f"/webhooks/{APPLICATION_ID}/{payload['token']}"

    status, body, _ = await call(http, fake, "POST", path, {"content": "x" * 2001}, token=None)
    wrong_app, _, _ = await call(
        http, fake, "POST", f"/webhooks/1/{payload['token']}", {"content": "x"}, token=None
    )
    accepted, _, _ = await call(http, fake, "POST", path + "?wait=true", {"content": "x" * 2000}, token=None)

    assert (status, body["code"]) == (400, 50035)
    assert wrong_app == 404
    assert accepted == 200


async def test_followup_tokens_expire_after_fifteen_minutes(
    fake: FakeDiscord, rest: hikari.api.RESTClient, clock: ManualClock
) -> None:
    payload = fake.command("top", channel_id=CHANNEL)
    await exchange_with(fake, {"type": 4, "data": {"content": "hi"}}, payload, check=True)
    clock.advance(FOLLOWUP_SECONDS - 1)
    await rest.execute_webhook(int(APPLICATION_ID), payload["token"], "still in time")
    clock.advance(2)

    with pytest.raises(hikari.UnauthorizedError) as caught:
        await rest.execute_webhook(int(APPLICATION_ID), payload["token"], "too late")
    with pytest.raises(hikari.UnauthorizedError):
        await rest.edit_interaction_response(int(APPLICATION_ID), payload["token"], "too late")

    assert caught.value.code == 50027
    assert [message.content for message in fake.messages()] == ["hi", "still in time"]
    assert fake.errors[-1].route == "PATCH /webhooks/{application_id}/{token}/messages/{message_id}"
    assert fake.invalid_requests == 2


async def test_a_button_press_updates_its_message(fake: FakeDiscord, rest: hikari.api.RESTClient) -> None:
    row = rest.build_message_action_row().add_interactive_button(
        hikari.ButtonStyle.SECONDARY, "page:2", label="Next"
    )
    card = await rest.create_message(int(CHANNEL), "page 1", component=row)
    press = fake.component(fake.current(str(card.id)), "page:2")

    await exchange_with(fake, {"type": 7, "data": {"content": "page 2"}}, press, check=True)

    assert fake.current(str(card.id)).content == "page 2"
    assert fake.current(str(card.id)).custom_ids() == ["page:2"], "an update keeps what it does not replace"
    assert fake.messages(CHANNEL)[-1].source == "update"
    with pytest.raises(ValueError, match="no component"):
        fake.component(fake.current(str(card.id)), "page:3")


async def test_a_modal_opens_and_its_submission_is_answered(
    fake: FakeDiscord, rest: hikari.api.RESTClient
) -> None:
    modal = {
        "type": 9,
        "data": {
            "custom_id": "settings",
            "title": "Paperboy settings",
            "components": [
                {
                    "type": 1,
                    "components": [{"type": 4, "custom_id": "hour", "style": 1, "label": "Hour (UTC)"}],
                },
                {
                    "type": 1,
                    "components": [{"type": 4, "custom_id": "keywords", "style": 2, "label": "Keywords"}],
                },
            ],
        },
    }
    await exchange_with(
        fake, modal, fake.command("papers", subcommand="settings", channel_id=CHANNEL), check=True
    )
    [opened] = fake.modals
    submission = fake.modal_submit(opened, {"hour": "9"}, channel_id=CHANNEL)

    reopen = await exchange_with(fake, modal, submission)
    await exchange_with(
        fake,
        {"type": 4, "data": {"content": "Saved", "flags": EPHEMERAL}},
        fake.modal_submit(opened, {"hour": "9"}, channel_id=CHANNEL),
        check=True,
    )

    assert submission["data"]["components"][0]["components"][0] == {
        "type": 4,
        "id": 2,  # Discord numbers a submission's components, and hikari needs the ids
        "custom_id": "hour",
        "value": "9",
    }
    read = rest.entity_factory.deserialize_interaction(submission)
    assert isinstance(read, hikari.ModalInteraction)
    assert [field.value for row in read.components for field in row.components] == ["9", ""]
    assert "A modal submission cannot open a modal." in " ".join(reopen.problems)
    assert fake.messages(CHANNEL)[-1].content == "Saved"
    with pytest.raises(ValueError, match="no text inputs"):
        fake.modal_submit(opened, {"colour": "red"}, channel_id=CHANNEL)


async def test_the_callback_endpoint_acknowledges_once(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    payload = fake.command("top", channel_id=CHANNEL)

    async def acknowledge_by_rest(received: dict[str, Any]) -> Any:
        path = f"/interactions/{received['id']}/{received['token']}/callback"
        first = await call(http, fake, "POST", path, {"type": 4, "data": {"content": "by REST"}}, token=None)
        second = await call(http, fake, "POST", path, {"type": 4, "data": {"content": "again"}}, token=None)
        return {"first": first[0], "second": second[1]["code"]}

    bot = BotEndpoint(acknowledge_by_rest)
    await bot.start()
    try:
        exchange = await fake.interact(bot.url, payload, check=False)
    finally:
        await bot.stop()

    assert exchange.body == {"first": 204, "second": 40060}
    assert [message.content for message in fake.messages()] == ["by REST"]


# --- command registration ------------------------------------------------------------------------


async def test_hikari_registers_the_commands_and_the_fake_uses_their_ids(
    fake: FakeDiscord, rest: hikari.api.RESTClient
) -> None:
    query = hikari.CommandOption(
        type=hikari.OptionType.STRING, name="query", description="Words to find", is_required=True
    )
    search = hikari.CommandOption(
        type=hikari.OptionType.SUB_COMMAND, name="search", description="Search papers", options=[query]
    )
    top = hikari.CommandOption(type=hikari.OptionType.SUB_COMMAND, name="top", description="Top papers today")
    papers = rest.slash_command_builder("papers", "Daily papers").add_option(search).add_option(top)
    alone = rest.slash_command_builder("논문", "Korean name, lower case by nature")

    registered = await rest.set_application_commands(int(APPLICATION_ID), [papers, alone])
    payload = fake.command("papers", {"query": "diffusion"}, subcommand="search", channel_id=CHANNEL)

    assert [command.name for command in registered] == ["papers", "논문"]
    assert payload["data"]["id"] == str(registered[0].id)
    assert fake.command_puts[-1].commands[0]["options"][0]["name"] == "search"


def command(name: str = "papers", description: str = "Daily papers", **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": description, "type": 1, **extra}


def sub(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": 1, "name": name, "description": "a sub-command", **extra}


def string_option(name: str, *, required: bool = False) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": "an option", "required": required}


@pytest.mark.parametrize(
    ("commands", "path", "code"),
    [
        ([command("Papers")], "0.name", "APPLICATION_COMMAND_INVALID_NAME"),
        ([command("p" * 33)], "0.name", "APPLICATION_COMMAND_INVALID_NAME"),
        ([command("daily papers")], "0.name", "APPLICATION_COMMAND_INVALID_NAME"),
        ([command("")], "0.name", "APPLICATION_COMMAND_INVALID_NAME"),
        ([command(description="")], "0.description", "BASE_TYPE_MIN_LENGTH"),
        ([command(description="d" * 101)], "0.description", "BASE_TYPE_MAX_LENGTH"),
        ([command(options=[string_option(f"o{n}") for n in range(26)])], "0.options", "BASE_TYPE_MAX_LENGTH"),
        (
            [command(options=[string_option("a"), string_option("b", required=True)])],
            "0.options.1.required",
            "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        ),
        ([command(), command()], "1.name", "APPLICATION_COMMANDS_DUPLICATE_NAME"),
        ([command(options=[string_option("Query")])], "0.options.0.name", "APPLICATION_COMMAND_INVALID_NAME"),
        (
            [command(options=[sub("outer", options=[sub("inner")])])],
            "0.options.0.options.0.type",
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
        ),
        (
            [command(options=[sub("search"), string_option("query")])],
            "0.options.1.type",
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
        ),
    ],
    ids=[
        "upper-case",
        "too-long",
        "space",
        "empty",
        "no-description",
        "long-description",
        "26-options",
        "required-after-optional",
        "duplicate",
        "option-name",
        "sub-command-in-sub-command",
        "values-beside-sub-commands",
    ],
)
async def test_command_registration_refuses_what_discord_refuses(
    fake: FakeDiscord, http: aiohttp.ClientSession, commands: list[dict[str, Any]], path: str, code: str
) -> None:
    status, body, _ = await call(http, fake, "PUT", f"/applications/{APPLICATION_ID}/commands", commands)

    assert (status, body["code"]) == (400, 50035)
    assert error_at(body, *path.split("."))[0]["code"] == code
    assert fake.command_puts == []


async def test_limits_at_the_edge_and_groups_register(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    edge = command("p" * 32, "d" * 100, options=[string_option(f"o{n}") for n in range(25)])
    grouped = command(
        "subscription",
        options=[
            {
                "type": 2,
                "name": "channel",
                "description": "This channel",
                "options": [sub("on", options=[string_option("hour")])],
            }
        ],
    )

    status, body, _ = await call(
        http,
        fake,
        "PUT",
        f"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands",
        [edge, command("top-papers_2"), grouped],
    )

    assert status == 200, body
    assert fake.commands[GUILD_ID][0]["guild_id"] == GUILD_ID


# --- permissions ---------------------------------------------------------------------------------


def test_manage_channels_follows_roles_overwrites_and_ownership(fake: FakeDiscord) -> None:
    fake.add_role("1400000000000000002", 1 << 3)  # administrator
    fake.add_member("1200000000000000010", ["1400000000000000002"])
    fake.add_channel(
        OTHER,
        "locked",
        overwrites=[
            Overwrite(MODERATOR_ROLE, 0, deny=MANAGE_CHANNELS),
            Overwrite(DEFAULT_USER_ID, 1, allow=MANAGE_CHANNELS),
        ],
    )

    assert not fake.has_permission(DEFAULT_USER_ID, CHANNEL, MANAGE_CHANNELS)
    assert fake.has_permission(MODERATOR, CHANNEL, MANAGE_CHANNELS)
    assert fake.has_permission(MODERATOR, THREAD, MANAGE_CHANNELS), "a thread follows its parent"
    assert not fake.has_permission(MODERATOR, OTHER, MANAGE_CHANNELS), "a role overwrite denies it"
    assert fake.has_permission(DEFAULT_USER_ID, OTHER, MANAGE_CHANNELS), "a member overwrite allows it"
    assert fake.has_permission(OWNER_ID, OTHER, MANAGE_CHANNELS)
    assert fake.has_permission("1200000000000000010", OTHER, MANAGE_CHANNELS)


def test_interactions_carry_the_members_permissions_in_the_channel(fake: FakeDiscord) -> None:
    reader = fake.command("papers", subcommand="subscribe", channel_id=CHANNEL)
    moderator = fake.command("papers", subcommand="subscribe", channel_id=CHANNEL, user_id=MODERATOR)

    assert int(reader["member"]["permissions"]) & MANAGE_CHANNELS == 0
    assert int(moderator["member"]["permissions"]) & MANAGE_CHANNELS
    assert moderator["member"]["roles"] == [MODERATOR_ROLE]
    assert int(reader["app_permissions"]) & SEND_MESSAGES


async def test_the_bot_posts_in_threads_with_the_thread_permission(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    accepted, _ = await post(http, fake, {"content": "in the thread"}, THREAD)
    fake.add_channel(CHANNEL, "papers", overwrites=[Overwrite(BOT_ROLE, 0, deny=1 << 38)])
    refused, body = await post(http, fake, {"content": "again"}, THREAD)

    assert accepted == 200
    assert (refused, body["code"]) == (403, 50013)
    assert API_PREFIX == "/api/v10"
