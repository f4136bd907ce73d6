"""The fake Telegram Bot API: its HTML parser, and the real python-telegram-bot talking to it.

The fake is only worth having if it refuses what Telegram refuses and PTB understands its answers,
so these tests drive it with PTB's own `Bot` and `Application` wherever PTB can make the call.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import re
import time
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import ApplicationBuilder, CallbackContext, CommandHandler

from tests.fakes.telegram_api import (
    ANONYMOUS_ADMIN_ID,
    DEFAULT_TOKEN,
    SECRET_HEADER,
    FakeTelegram,
    RateLimits,
    Window,
)
from tests.fakes.telegram_html import Entity, EntityParseError, parse_html, utf16_len

pytestmark = pytest.mark.slow  # the fake's own tests: a server and the real python-telegram-bot each

PRIVATE = 42
GROUP = -100


class ManualClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(rate_limits=False) as server:
        server.add_chat(PRIVATE)
        server.add_chat(GROUP, "group", title="Readers")
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=fake.api_url) as client:
        yield client


def keyboard(**button: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("press", **button)]])  # type: ignore[arg-type]


def refused(description: str) -> AbstractContextManager[pytest.ExceptionInfo[BadRequest]]:
    """Expect a BadRequest saying `description`; PTB changes the case of Telegram's text."""
    return pytest.raises(BadRequest, match=re.compile(re.escape(description), re.IGNORECASE))


async def raw_call(fake: FakeTelegram, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """Call the fake with a JSON body, as other clients do; returns status and decoded body."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.api_url}{fake.token}/{method}", json=params) as response,
    ):
        return response.status, await response.json()


# --- the HTML parser -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "entity"),
    [
        ("<b>x</b>", Entity("bold", 0, 1)),
        ("<strong>x</strong>", Entity("bold", 0, 1)),
        ("<i>x</i>", Entity("italic", 0, 1)),
        ("<em>x</em>", Entity("italic", 0, 1)),
        ("<u>x</u>", Entity("underline", 0, 1)),
        ("<ins>x</ins>", Entity("underline", 0, 1)),
        ("<s>x</s>", Entity("strikethrough", 0, 1)),
        ("<strike>x</strike>", Entity("strikethrough", 0, 1)),
        ("<del>x</del>", Entity("strikethrough", 0, 1)),
        ("<tg-spoiler>x</tg-spoiler>", Entity("spoiler", 0, 1)),
        ('<span class="tg-spoiler">x</span>', Entity("spoiler", 0, 1)),
        ("<code>x</code>", Entity("code", 0, 1)),
        ("<pre>x</pre>", Entity("pre", 0, 1)),
        ('<pre><code class="language-python">x</code></pre>', Entity("pre", 0, 1, language="python")),
        ('<a href="https://arxiv.org/abs/2502.15007">x</a>', Entity("text_link", 0, 1, url="https://arxiv.org/abs/2502.15007")),
        ("<a href='tg://user?id=1'>x</a>", Entity("text_link", 0, 1, url="tg://user?id=1")),
        ("<blockquote>x</blockquote>", Entity("blockquote", 0, 1)),
        ("<blockquote expandable>x</blockquote>", Entity("expandable_blockquote", 0, 1)),
        ('<tg-emoji emoji-id="53683">👍</tg-emoji>', Entity("custom_emoji", 0, 2, custom_emoji_id="53683")),
        ("<B>x</B>", Entity("bold", 0, 1)),
    ],
)  # fmt: skip
def test_parse_html_accepts_every_supported_tag(html: str, entity: Entity) -> None:
    text, entities = parse_html(html)

    assert entities == [entity]
    assert text in ("x", "👍")


def test_parse_html_nests_and_orders_entities_like_telegram() -> None:
    text, entities = parse_html("<b>bold <i>both</i></b> <blockquote expandable><u>q</u></blockquote>")

    assert text == "bold both q"
    assert entities == [
        Entity("bold", 0, 9),
        Entity("italic", 5, 4),
        Entity("expandable_blockquote", 10, 1),
        Entity("underline", 10, 1),
    ]


def test_parse_html_decodes_the_supported_entities() -> None:
    text, entities = parse_html(
        'Q&amp;A &lt;think&gt; &quot;x&quot; &#65;&#x42; <a href="https://x.org/?a=1&amp;b=2">l</a>'
    )

    assert text == 'Q&A <think> "x" AB l'
    assert entities == [Entity("text_link", 19, 1, url="https://x.org/?a=1&b=2")]


def test_parse_html_counts_utf16_code_units() -> None:
    text, entities = parse_html("😀 <b>é😀</b>")

    assert utf16_len("😀") == 2
    assert utf16_len("é") == 1
    assert text == "😀 é😀"
    assert entities == [Entity("bold", 3, 3)]


def test_parse_html_lets_formatting_nest_in_links_and_quotes() -> None:
    text, entities = parse_html(
        '<b><a href="https://a.org">x <i>y</i></a></b><blockquote><a href="https://b.org">z</a></blockquote>'
    )

    assert text == "x yz"
    assert [e.type for e in entities] == ["bold", "text_link", "italic", "blockquote", "text_link"]


def test_parse_html_drops_empty_entities() -> None:
    assert parse_html("a<b></b>b") == ("ab", [])


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("Reasoning <think>", 'Unsupported start tag "think" at byte offset 10'),
        ("é<think>", 'Unsupported start tag "think" at byte offset 2'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("x<3", "Unclosed start tag at byte offset 1"),
        ("Q&A", 'Character "&" at byte offset 1 must be escaped as "&amp;"'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<a>x</a>", 'Tag "a" must have attribute "href" at byte offset 0'),
        ('<a href="javascript:x">x</a>', 'Wrong URL "javascript:x" in the tag "a" at byte offset 0'),
        ("<a href=https://x.org>x</a>", "Unexpected end of name token at byte offset 8"),
        ('<a href="https://x.org>x</a>', "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<b class>x</b>",
            'Expected equal sign in declaration of an attribute of the tag "b" at byte offset 0',
        ),
        (
            "<blockquote>a<blockquote expandable>b</blockquote></blockquote>",
            'Tag "blockquote" can\'t be nested in tag "blockquote" at byte offset 13',
        ),
        ("<code>a<b>b</b></code>", 'Tag "b" can\'t be nested in tag "code" at byte offset 7'),
        ("<pre>a<i>b</i></pre>", 'Tag "i" can\'t be nested in tag "pre" at byte offset 6'),
        ("<pre>a<code>b</code></pre>", 'Tag "code" can\'t be nested in tag "pre" at byte offset 6'),
        (
            '<a href="https://a.org"><a href="https://b.org">b</a></a>',
            'Tag "a" can\'t be nested in tag "a" at byte offset 24',
        ),
        (
            '<a href="https://a.org"><code>x</code></a>',
            'Tag "code" can\'t be nested in tag "a" at byte offset 24',
        ),
    ],
)
def test_parse_html_refuses_what_telegram_refuses(html: str, detail: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(html)

    assert caught.value.detail == detail
    assert str(caught.value) == f"Can't parse entities: {detail}"


# --- the real PTB Bot ----------------------------------------------------------------------------


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.can_join_groups, me.supports_inline_queries) == (
        123456,
        "PaperboyTestBot",
        True,
        True,
    )


async def test_send_message_with_html_is_recorded_parsed(fake: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_message(
        PRIVATE, "<b>Top</b> 😀 &lt;3", parse_mode="HTML", reply_markup=keyboard(callback_data="more")
    )

    sent = fake.sent_to(PRIVATE)[0]
    assert (message.text, message.message_id, message.entities[0].type) == ("Top 😀 <3", 1, "bold")
    assert message.reply_markup == keyboard(callback_data="more")
    assert (sent.text, sent.html, sent.entities) == (
        "Top 😀 <3",
        "<b>Top</b> 😀 &lt;3",
        [Entity("bold", 0, 3)],
    )
    assert sent.reply_markup == {"inline_keyboard": [[{"text": "press", "callback_data": "more"}]]}
    assert fake.requests[-1].params["chat_id"] == PRIVATE
    assert fake.errors == []


async def test_bad_html_is_a_bad_request(fake: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(PRIVATE, "<b>Title</b> <think> more", parse_mode="HTML")

    assert str(caught.value) == 'Can\'t parse entities: unsupported start tag "think" at byte offset 13'
    assert fake.sent == []
    assert [(e.method, e.status) for e in fake.errors] == [("sendMessage", 400)]
    assert fake.errors[0].description.startswith("Bad Request: can't parse entities: Unsupported")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("x" * 4097, "message is too long"),
        ("😀" * 2049, "message is too long"),
        ("<b> </b>", "message text is empty"),
    ],
)
async def test_text_limits_apply_after_parsing(bot: Bot, text: str, error: str) -> None:
    with refused(error):
        await bot.send_message(PRIVATE, text, parse_mode="HTML")


async def test_the_longest_text_counts_markup_out(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(PRIVATE, f"<b>{'😀' * 2048}</b>", parse_mode="HTML")

    assert utf16_len(fake.sent[0].text) == 4096


@pytest.mark.parametrize(
    ("button", "error"),
    [
        ({"callback_data": "x" * 65}, "button_data_invalid"),
        ({"callback_data": "é" * 33}, "button_data_invalid"),
        ({"url": "javascript:alert(1)"}, "button_url_invalid"),
    ],
)
async def test_keyboard_buttons_are_checked(bot: Bot, button: dict[str, str], error: str) -> None:
    with refused(error):
        await bot.send_message(PRIVATE, "hi", reply_markup=keyboard(**button))


async def test_blocked_user_is_forbidden(fake: FakeTelegram, bot: Bot) -> None:
    fake.block(PRIVATE)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(PRIVATE, "hi")

    (update,) = await bot.get_updates()
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"


async def test_migrated_group_answers_chat_migrated(fake: FakeTelegram, bot: Bot) -> None:
    fake.migrate(GROUP, -1001234)

    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(GROUP, "hi")
    await bot.send_message(caught.value.new_chat_id, "hi")

    updates = await bot.get_updates()
    assert caught.value.new_chat_id == -1001234
    assert [u.effective_message.migrate_to_chat_id for u in updates if u.effective_message] == [
        -1001234,
        None,
    ]
    assert [m.chat_id for m in fake.sent] == [-1001234]


async def test_unknown_chat_is_a_bad_request(bot: Bot) -> None:
    with refused("chat not found"):
        await bot.send_message(777, "hi")


async def test_wrong_token_is_invalid(fake: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:wrong", base_url=fake.api_url):
            pass

    assert [(e.method, e.status) for e in fake.errors] == [("getMe", 401)]


async def test_quick_second_send_to_a_chat_is_retry_after() -> None:
    async with FakeTelegram() as fake, Bot(DEFAULT_TOKEN, base_url=fake.api_url) as bot:
        fake.add_chat(PRIVATE)
        await bot.send_message(PRIVATE, "one")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(PRIVATE, "two")

    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    assert [m.text for m in fake.sent] == ["one"]
    assert fake.rate_limited == 1


async def test_scripted_fault_and_slow_answer(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_next("sendMessage", 502, "Bad Gateway")
    fake.slow("sendMessage", 0.2)

    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(PRIVATE, "first")
    started = time.monotonic()
    await bot.send_message(PRIVATE, "second")

    assert time.monotonic() - started >= 0.2
    assert [m.text for m in fake.sent] == ["second"]
    assert fake.errors == []


async def test_application_answers_start_by_long_polling(fake: FakeTelegram) -> None:
    async def start(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(f"Hello <b>{context.args}</b>")

    application = ApplicationBuilder().token(DEFAULT_TOKEN).base_url(fake.api_url).build()
    application.add_handler(CommandHandler("start", start))
    fake.send_text(PRIVATE, "/start@PaperboyTestBot digest")

    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        sent = await fake.wait_sent(1)
        await application.updater.stop()
        await application.stop()

    assert (sent[0].chat_id, sent[0].text) == (PRIVATE, "Hello ['digest']")
    assert [r.method for r in fake.requests][:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert fake.errors == []


# --- updates -------------------------------------------------------------------------------------


async def test_get_updates_long_polls_and_confirms_by_offset(fake: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=dtm.timedelta(seconds=1)) == ()  # whole seconds: an Integer
    assert time.monotonic() - started >= 1

    asyncio.get_running_loop().call_later(0.05, fake.send_text, PRIVATE, "hello")
    first = await bot.get_updates(timeout=dtm.timedelta(seconds=5))
    fake.send_text(PRIVATE, "again")
    confirmed = await bot.get_updates(offset=first[0].update_id + 1)

    assert time.monotonic() - started < 4
    assert [u.effective_message.text for u in first if u.effective_message] == ["hello"]
    assert [u.effective_message.text for u in confirmed if u.effective_message] == ["again"]


async def test_group_updates_parse_in_ptb(fake: FakeTelegram, bot: Bot) -> None:
    fake.add_chat(-1002, "supergroup", title="Papers", is_forum=True)
    fake.add_chat(-1003, "channel", title="News", username="news")
    fake.send_text(-1002, "/top 5", user_id=7, language_code="ko", message_thread_id=9)
    fake.send_text(-1002, "/top", sender_chat=-1002)
    fake.channel_post(-1003, "hello")

    topic, anonymous, post = await bot.get_updates()

    assert topic.effective_message is not None
    assert topic.effective_user is not None
    assert topic.effective_message.entities[0].type == "bot_command"
    assert topic.effective_message.entities[0].length == 4
    assert (topic.effective_message.message_thread_id, topic.effective_user.language_code) == (9, "ko")
    assert anonymous.effective_user is not None
    assert anonymous.effective_sender is not None
    assert anonymous.effective_user.id == ANONYMOUS_ADMIN_ID
    assert anonymous.effective_sender.id == -1002
    assert post.channel_post is not None
    assert post.channel_post.text == "hello"


async def test_webhook_gets_updates_with_the_secret(fake: FakeTelegram, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        with refused("an https url must be provided"):
            await bot.set_webhook(f"http://{host}:{port}/hook")
        with refused("only on ports 80, 88, 443 or 8443"):
            await bot.set_webhook(f"https://bot.example:{port}/hook")
        await bot.set_webhook("https://bot.example/hook", secret_token="s3cret")
        fake.forward_webhooks(f"http://{host}:{port}")  # the TLS proxy in front of the bot
        fake.send_text(PRIVATE, "hello")
        statuses = await fake.deliver_webhook()
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
    finally:
        await runner.cleanup()

    assert statuses == [200]
    assert [(secret, update["message"]["text"]) for secret, update in received] == [("s3cret", "hello")]
    assert (await bot.get_webhook_info()).pending_update_count == 0


# --- edits, buttons, inline mode, commands, chats -----------------------------------------------


async def test_button_press_is_answered_once(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(PRIVATE, "pick", reply_markup=keyboard(callback_data="page:2"))
    query_id = fake.press_button(fake.sent[0], "page:2")
    (update,) = await bot.get_updates()

    with refused("message_too_long"):
        await bot.answer_callback_query(query_id, text="x" * 201)
    await bot.answer_callback_query(query_id, text="ok")
    with refused("query is too old"):
        await bot.answer_callback_query(query_id)

    assert update.callback_query is not None
    assert update.callback_query.data == "page:2"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == fake.sent[0].message_id
    assert [(a.query_id, a.text) for a in fake.callback_answers] == [(query_id, "ok")]
    with pytest.raises(ValueError, match="no button"):
        fake.press_button(fake.sent[0], "page:3")


async def test_edits_are_checked_and_recorded(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(PRIVATE, "<b>one</b>", parse_mode="HTML", reply_markup=keyboard(callback_data="a"))
    message_id = fake.sent[0].message_id

    with refused("message is not modified"):
        await bot.edit_message_text(
            "<b>one</b>", PRIVATE, message_id, parse_mode="HTML", reply_markup=keyboard(callback_data="a")
        )
    await bot.edit_message_text("two", PRIVATE, message_id)
    await bot.edit_message_reply_markup(PRIVATE, message_id, reply_markup=keyboard(callback_data="b"))
    with refused("message to edit not found"):
        await bot.edit_message_text("x", PRIVATE, 99)

    assert [(e.method, e.text, e.reply_markup is None) for e in fake.edits] == [
        ("editMessageText", "two", True),
        ("editMessageReplyMarkup", "two", False),
    ]
    assert fake.current(PRIVATE, message_id).reply_markup == keyboard(callback_data="b").to_dict()


async def test_photos_captions_and_bad_urls(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_photo("https://cdn.example/broken.png")

    message = await bot.send_photo(
        PRIVATE, "https://cdn.example/ok.png", caption="<i>cap</i>", parse_mode="HTML"
    )
    await bot.send_photo(PRIVATE, message.photo[-1].file_id)
    await bot.send_photo(PRIVATE, b"\x89PNG", filename="thumb.png")
    with refused("failed to get http url content"):
        await bot.send_photo(PRIVATE, "https://cdn.example/broken.png")
    with refused("wrong file identifier"):
        await bot.send_photo(PRIVATE, "not-a-file-id")
    with refused("caption is too long"):
        await bot.send_photo(PRIVATE, "https://cdn.example/ok.png", caption="x" * 1025)
    with refused("no text in the message"):
        await bot.edit_message_text("x", PRIVATE, message.message_id)

    assert (message.caption, message.caption_entities[0].type) == ("cap", "italic")
    assert [(m.photo, m.caption) for m in fake.sent] == [
        ("https://cdn.example/ok.png", "cap"),
        (message.photo[-1].file_id, ""),
        ("upload:thumb.png", ""),
    ]


async def test_threads_need_a_forum(fake: FakeTelegram, bot: Bot) -> None:
    fake.add_chat(-1002, "supergroup", is_forum=True)

    message = await bot.send_message(-1002, "topic", message_thread_id=5)
    with refused("message thread not found"):
        await bot.send_message(GROUP, "topic", message_thread_id=5)

    assert (message.message_thread_id, fake.sent[0].message_thread_id) == (5, 5)


async def test_inline_answers_are_checked(fake: FakeTelegram, bot: Bot) -> None:
    query_id = fake.inline_query(PRIVATE, "diffusion")

    def article(n: int, text: str = "<b>x</b>") -> InlineQueryResultArticle:
        return InlineQueryResultArticle(
            str(n), f"Paper {n}", InputTextMessageContent(text, parse_mode="HTML")
        )

    with refused("results_too_much"):
        await bot.answer_inline_query(query_id, [article(n) for n in range(51)])
    with refused("can't parse entities"):
        await bot.answer_inline_query(query_id, [article(1, "<think>")])
    with refused("next_offset_invalid"):
        await bot.answer_inline_query(query_id, [article(1)], next_offset="9" * 65)
    await bot.answer_inline_query(query_id, [article(n) for n in range(50)], next_offset="50")
    with refused("query is too old"):
        await bot.answer_inline_query(query_id, [])

    assert [(a.query_id, len(a.results), a.next_offset) for a in fake.inline_answers] == [
        (query_id, 50, "50")
    ]


async def test_commands_are_validated_and_recorded(fake: FakeTelegram, bot: Bot) -> None:
    with refused("bot_command_invalid"):
        await bot.set_my_commands([("Top", "Best papers")])
    await bot.set_my_commands([("top", "Best papers"), ("search", "Search")], language_code="ko")

    assert [(c.commands, c.scope, c.language_code) for c in fake.commands] == [
        ([("top", "Best papers"), ("search", "Search")], {"type": "default"}, "ko")
    ]


async def test_chats_and_members(fake: FakeTelegram, bot: Bot) -> None:
    fake.set_member(GROUP, 7, "administrator")
    fake.set_member(GROUP, 8, "creator")

    chat = await bot.get_chat(GROUP)
    admin = await bot.get_chat_member(GROUP, 7)
    owner = await bot.get_chat_member(GROUP, 8)
    with refused("user not found"):
        await bot.get_chat_member(GROUP, 9)
    with refused("chat not found"):
        await bot.get_chat(-555)

    assert (chat.title, chat.type) == ("Readers", "group")
    assert (admin.status, owner.status, admin.user.id) == ("administrator", "creator", 7)


async def test_requests_in_json_and_query_string(fake: FakeTelegram) -> None:
    status, body = await raw_call(fake, "sendMessage", chat_id=PRIVATE, text="json body")
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{fake.api_url}{fake.token}/getMe", params={"x": "1"}) as response,
    ):
        me = await response.json()
    missing_status, missing = await raw_call(fake, "noSuchMethod")

    assert (status, body["result"]["text"]) == (200, "json body")
    assert me["result"]["username"] == "PaperboyTestBot"
    assert (missing_status, missing) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


# --- flood control -------------------------------------------------------------------------------


async def test_group_window_and_overall_window_with_a_manual_clock() -> None:
    clock = ManualClock()
    limits = RateLimits(per_chat=Window(1, 1.0), per_group=Window(3, 60.0), overall=Window(4, 1.0))
    async with FakeTelegram(rate_limits=limits, clock=clock) as fake:
        fake.add_chat(GROUP, "group")
        for chat_id in (1, 2, 3, 4, 5):
            fake.add_chat(chat_id)
        group: list[int] = []
        for _ in range(4):
            group.append((await raw_call(fake, "sendMessage", chat_id=GROUP, text="x"))[0])
            clock.now += 1.0
        overall = [(await raw_call(fake, "sendMessage", chat_id=n, text="x"))[0] for n in (1, 2, 3, 4, 5)]
        _, refused = await raw_call(fake, "sendMessage", chat_id=5, text="x")

    assert group == [200, 200, 200, 429]
    assert overall == [200, 200, 200, 200, 429]
    assert refused["parameters"] == {"retry_after": 1}
    assert refused["description"] == "Too Many Requests: retry after 1"
    assert fake.rate_limited == 3
    assert fake.errors[0].description == "Too Many Requests: retry after 57"
