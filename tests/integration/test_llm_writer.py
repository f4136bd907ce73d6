"""The digest writer end to end: write_sections -> OpenAIChat -> the real openai package -> HTTP -> fake.

Every fault a real server produces is played by the fake and must arrive as the port's error (first
part) and get the writer's remedy (second part). Backoffs go through a recording sleep: no test
waits for one, but each checks how long it would have waited.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from openai import AsyncOpenAI

from bot.writer.answer import BadAnswer
from bot.writer.compose import FormatLadder, RetryPolicy, SummaryFailed, Written, write_sections
from bot.writer.llm import (
    ChatRequest,
    ContextTooLong,
    PermanentLLMError,
    RateLimitedLLM,
    ResponseFormat,
    ResponseFormatUnsupported,
    TransientLLMError,
)
from bot.writer.prompt import ANSWER_SCHEMA, SECTION_HEADINGS, build_messages
from bot.writer.tokens import estimate_tokens
from handlers.llm_adapter.openai_chat import OpenAIChat, retry_after
from tests.fakes.openai_api import (
    ChatCall,
    FakeOpenAIServer,
    Fault,
    Responder,
    context_length_exceeded,
    cut_short,
    default_sections,
    quota_exhausted,
    rate_limited,
    refused,
    render,
    server_error,
    slow,
    spoiled,
)

pytestmark = pytest.mark.slow  # the writer over HTTP: a fake LLM server and the real openai client each

TITLE = "SparseMix: Sparse Mixtures of Experts for Long Contexts"
SOURCE = (
    "We present SparseMix, a sparse mixture of experts for long inputs. A learned router sends each "
    "token to 2 of 16 experts. On WMT14 En-De SparseMix reaches 41.3 BLEU, against 39.2 for the dense "
    "baseline, while using 37.5% fewer FLOPs."
)
POLICY = RetryPolicy(jitter=0.0)


class RecordingSleep:
    """A stand-in for asyncio.sleep that returns at once and remembers what it was asked to wait."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
async def llm(fake: FakeOpenAIServer) -> AsyncIterator[OpenAIChat]:
    chat = OpenAIChat(base_url=fake.api_url, api_key="sk-test", timeout=5.0)
    yield chat
    await chat.close()


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


def request(response_format: ResponseFormat = "json_schema", max_tokens: int | None = 2048) -> ChatRequest:
    return ChatRequest(
        model="gpt-4o-mini",
        messages=build_messages(TITLE, SOURCE, "ko"),
        response_format=response_format,
        schema=ANSWER_SCHEMA if response_format == "json_schema" else None,
        max_tokens=max_tokens,
    )


async def write(
    llm: OpenAIChat,
    sleep: RecordingSleep,
    *,
    language: str = "ko",
    source: str = SOURCE,
    policy: RetryPolicy = POLICY,
    ladder: FormatLadder | None = None,
    model: str = "gpt-4o-mini",
) -> Written:
    return await write_sections(
        llm,
        model=model,
        title=TITLE,
        source_text=source,
        language=language,
        policy=policy,
        ladder=ladder,
        sleep=sleep,
        draw=lambda: 0.0,
    )


# The adapter: every answer and every failure of a real server, through the real SDK.


async def test_an_answer_with_its_usage_and_the_served_model(fake: FakeOpenAIServer, llm: OpenAIChat) -> None:
    answer = await llm.chat(request())

    assert answer.finish_reason == "stop"
    assert answer.refusal is None
    assert json.loads(answer.content or "")["performance_highlights"].startswith("실험에서")
    assert answer.model == "gpt-4o-mini-2024-07-18"
    assert (answer.tokens_in, answer.tokens_out) == fake.usage()
    [sent] = fake.chat_requests()
    assert sent.authorization == "Bearer sk-test"
    assert sent.body is not None
    assert sent.body["max_tokens"] == 2048
    assert sent.body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "paper_digest", "schema": ANSWER_SCHEMA, "strict": True},
    }


async def test_json_object_and_text_requests(fake: FakeOpenAIServer, llm: OpenAIChat) -> None:
    await llm.chat(request("json_object", max_tokens=None))
    await llm.chat(request("text", max_tokens=None))

    first, second = (r.body or {} for r in fake.chat_requests())
    assert first["response_format"] == {"type": "json_object"}
    assert "response_format" not in second
    assert "max_tokens" not in first


async def test_a_local_server_needs_no_key(fake: FakeOpenAIServer) -> None:
    chat = OpenAIChat(base_url=fake.api_url, api_key=None)
    try:
        answer = await chat.chat(request())
    finally:
        await chat.close()

    assert answer.content
    assert fake.chat_requests()[0].authorization == "Bearer no-key"


async def test_a_refusal(fake: FakeOpenAIServer, llm: OpenAIChat) -> None:
    fake.fail_next(1, refused("I can't help with that."))

    answer = await llm.chat(request())

    assert (answer.content, answer.refusal) == (None, "I can't help with that.")


async def test_429_gives_retry_after(fake: FakeOpenAIServer, llm: OpenAIChat) -> None:
    fake.fail_next(1, rate_limited("7"))
    fake.fail_next(1, rate_limited(None))

    with pytest.raises(RateLimitedLLM) as first:
        await llm.chat(request())
    with pytest.raises(RateLimitedLLM) as second:
        await llm.chat(request())

    assert (first.value.reason, first.value.retry_after) == ("rate limited (429)", 7.0)
    assert second.value.retry_after is None


def test_retry_after_in_milliseconds_seconds_or_a_date() -> None:
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)

    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({"retry-after": "2.5"}) == 2.5
    assert 55 < (retry_after({"retry-after": in_a_minute}) or 0) <= 60
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None


async def test_a_spent_quota_is_permanent(fake: FakeOpenAIServer, llm: OpenAIChat) -> None:
    fake.fail_next(1, quota_exhausted())

    with pytest.raises(PermanentLLMError, match=r"quota exhausted \(429 insufficient_quota\)"):
        await llm.chat(request())


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (server_error(500), "server error (500)"),
        (server_error(503), "server error (503)"),
        (Fault(status=502, raw="<html><body>502 Bad Gateway</body></html>"), "server error (502)"),
    ],
)
async def test_server_errors_are_transient(
    fake: FakeOpenAIServer, llm: OpenAIChat, fault: Fault, reason: str
) -> None:
    fake.fail_next(1, fault)

    with pytest.raises(TransientLLMError) as caught:
        await llm.chat(request())

    assert caught.value.reason == reason


async def test_a_page_that_is_not_json_is_transient(fake: FakeOpenAIServer, llm: OpenAIChat) -> None:
    """A captive portal or a misconfigured proxy answers 200 with HTML."""
    fake.fail_next(1, Fault(status=200, raw="<html>Please log in</html>"))

    with pytest.raises(TransientLLMError, match=r"unreadable answer"):
        await llm.chat(request())


async def test_a_timeout_is_transient(fake: FakeOpenAIServer) -> None:
    fake.fail_next(1, slow(5.0))
    chat = OpenAIChat(base_url=fake.api_url, api_key="sk-test", timeout=0.2)
    try:
        with pytest.raises(TransientLLMError, match="timeout"):
            await chat.chat(request())
    finally:
        await chat.close()
    assert fake.request_count == 1, "the SDK itself did not retry"


async def test_a_refused_connection_is_transient() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    chat = OpenAIChat(base_url=f"http://127.0.0.1:{port}/v1", api_key="sk-test", timeout=2.0)
    try:
        with pytest.raises(TransientLLMError, match="connection error"):
            await chat.chat(request())
    finally:
        await chat.close()


async def test_a_prompt_over_the_window_is_context_too_long_with_the_window(
    fake: FakeOpenAIServer, llm: OpenAIChat
) -> None:
    fake.context_window = 1_000

    with pytest.raises(ContextTooLong) as caught:
        await llm.chat(request())

    assert caught.value.reason == "context too long (400)"
    assert caught.value.context_tokens == 1_000


@pytest.mark.parametrize("response_format", ["json_schema", "json_object"])
async def test_a_refused_response_format(
    fake: FakeOpenAIServer, llm: OpenAIChat, response_format: ResponseFormat
) -> None:
    fake.supports_json_schema = fake.supports_json_object = False

    with pytest.raises(ResponseFormatUnsupported, match=r"response_format refused \(400\)"):
        await llm.chat(request(response_format))


async def test_a_response_format_refused_by_validation_422(fake: FakeOpenAIServer, llm: OpenAIChat) -> None:
    """FastAPI-based servers answer a request body they cannot validate with 422."""
    fake.fail_next(
        1, Fault(status=422, message="body -> response_format -> type: unexpected value", type="invalid")
    )

    with pytest.raises(ResponseFormatUnsupported):
        await llm.chat(request())


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"api_key": "sk-other"}, "authentication failed (401)"),
        ({"models": {"another-model": "another-model"}}, "model not found (404 model_not_found)"),
    ],
)
async def test_bad_key_and_unknown_model_are_permanent(
    fake: FakeOpenAIServer, llm: OpenAIChat, change: dict[str, object], reason: str
) -> None:
    for name, value in change.items():
        setattr(fake, name, value)

    with pytest.raises(PermanentLLMError) as caught:
        await llm.chat(request())

    assert caught.value.reason == reason


async def test_another_400_is_permanent_and_says_what(fake: FakeOpenAIServer, llm: OpenAIChat) -> None:
    fake.fail_next(1, Fault(status=400, message="Invalid value for 'temperature'.", param="temperature"))

    with pytest.raises(PermanentLLMError, match=r"request refused \(400\): Invalid value for 'temperature'"):
        await llm.chat(request())


async def test_max_tokens_becomes_max_completion_tokens_for_reasoning_models(
    fake: FakeOpenAIServer, llm: OpenAIChat
) -> None:
    fake.accepts_max_tokens = False

    first = await llm.chat(request())
    second = await llm.chat(request())

    assert first.content
    assert second.content
    sent = [r.body or {} for r in fake.chat_requests()]
    assert [("max_tokens" in body, body.get("max_completion_tokens")) for body in sent] == [
        (True, None),
        (False, 2048),
        (False, 2048),
    ]


async def test_a_client_passed_in_stays_open(fake: FakeOpenAIServer) -> None:
    async with AsyncOpenAI(base_url=fake.api_url, api_key="sk-test", max_retries=0) as client:
        chat = OpenAIChat(base_url="unused", client=client)
        await chat.close()

        assert not client.is_closed()
        assert (await chat.chat(request())).content


# The writer: each failure gets its remedy, and every attempt is paid for.


async def test_a_korean_digest_in_one_request(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    written = await write(llm, sleep)

    assert [heading for heading, _ in written.sections] == list(SECTION_HEADINGS)
    assert all("다" in text for _, text in written.sections)
    assert "41.3" in written.sections[2][1]
    assert written.verified
    assert written.unverified == ()
    assert written.attempts == 1
    assert written.model == "gpt-4o-mini-2024-07-18"
    assert written.response_format == "json_schema"
    assert (written.tokens_in, written.tokens_out) == fake.usage()
    assert written.source_tokens == estimate_tokens(SOURCE)
    assert sleep.delays == []


@pytest.mark.parametrize(
    ("language", "word"),
    [("ja", "論文"), ("zh", "本文"), ("ru", "Статья"), ("de", "Arbeit"), ("en", "paper")],
)
async def test_other_languages(llm: OpenAIChat, sleep: RecordingSleep, language: str, word: str) -> None:
    written = await write(llm, sleep, language=language)

    assert word in written.sections[0][1]
    assert written.verified


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (spoiled("malformed"), "malformed JSON"),
        (spoiled("missing_section"), "missing section performance_highlights"),
        (spoiled("wrong_script"), "wrong script in whats_new (expected Hangul)"),
        (spoiled("empty"), "empty answer"),
        (spoiled("enormous"), "enormous section technical_details (8,099 characters)"),
        (refused(), "refusal"),
        (Fault(content="I'm sorry, but I cannot summarise this paper."), "refusal"),
        (cut_short(), "answer cut short (finish_reason length)"),
    ],
)
async def test_a_bad_answer_is_asked_again_at_once_and_its_tokens_count(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep, fault: Fault, reason: str
) -> None:
    fake.fail_next(1, fault)

    written = await write(llm, sleep)

    assert written.attempts == 2
    assert written.verified
    assert sleep.delays == [], "waiting does not change a model's answer"
    assert (written.tokens_in, written.tokens_out) == fake.usage()
    assert written.tokens_in > fake.answers[1]["usage"]["prompt_tokens"], "the bad answer's tokens count too"

    fake.fail_next(POLICY.max_attempts, fault)
    with pytest.raises(SummaryFailed) as caught:
        await write(llm, sleep)
    assert caught.value.reason == f"{reason} after {POLICY.max_attempts} attempts"
    assert isinstance(caught.value.error, BadAnswer)


async def test_an_answer_cut_short_is_asked_again_with_more_room(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.fail_next(1, cut_short())

    await write(llm, sleep, policy=RetryPolicy(max_tokens=1000, max_tokens_cap=1500))

    assert [(r.body or {})["max_tokens"] for r in fake.chat_requests()] == [1000, 1500]


async def test_a_failure_reports_the_tokens_spent(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.fail_next(4, spoiled("malformed"))

    with pytest.raises(SummaryFailed) as caught:
        await write(llm, sleep)

    assert (caught.value.tokens_in, caught.value.tokens_out) == fake.usage()
    assert caught.value.tokens_in > 0
    assert isinstance(caught.value.error, BadAnswer)
    assert caught.value.error.reason == "malformed JSON"


async def test_429_waits_for_retry_after(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.fail_next(2, rate_limited("7"))

    written = await write(llm, sleep)

    assert sleep.delays == [7.0, 7.0]
    assert written.attempts == 3


async def test_429_without_retry_after_backs_off(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.fail_next(2, rate_limited(None))

    await write(llm, sleep)

    assert sleep.delays == [2.0, 4.0]


async def test_429_every_time_gives_up_after_the_attempts(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.fail_next(4, rate_limited("3"))

    with pytest.raises(SummaryFailed) as caught:
        await write(llm, sleep)

    assert caught.value.reason == "rate limited (429) after 4 attempts"
    assert isinstance(caught.value.error, RateLimitedLLM)
    assert sleep.delays == [3.0, 3.0, 3.0], "no wait after the last attempt"
    assert (caught.value.tokens_in, caught.value.tokens_out) == (0, 0)


async def test_a_long_retry_after_fails_at_once(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.fail_next(1, rate_limited("3600"))

    with pytest.raises(SummaryFailed) as caught:
        await write(llm, sleep)

    assert caught.value.reason == "rate limited (429), retry after 3600 s"
    assert sleep.delays == []
    assert fake.request_count == 1


async def test_the_provider_limit_is_waited_out(sleep: RecordingSleep) -> None:
    """The fake's own per-minute limit (not a scripted fault) produces the 429 and its Retry-After."""
    clock = [0.0]

    async def advance(seconds: float) -> None:
        await sleep(seconds)
        clock[0] += seconds

    async with FakeOpenAIServer(requests_per_minute=1, clock=lambda: clock[0]) as limited:
        chat = OpenAIChat(base_url=limited.api_url, api_key="sk-test")
        try:
            for _ in range(2):
                await write_sections(
                    chat,
                    model="gpt-4o-mini",
                    title=TITLE,
                    source_text=SOURCE,
                    language="ko",
                    policy=POLICY,
                    sleep=advance,
                )
        finally:
            await chat.close()

    assert sleep.delays == [60.0]
    assert limited.request_count == 3


@pytest.mark.parametrize(
    "fault", [server_error(500), server_error(503), Fault(status=502, raw="<html>502</html>")]
)
async def test_server_errors_back_off_exponentially(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep, fault: Fault
) -> None:
    fake.fail_next(3, fault)

    written = await write(llm, sleep)

    assert sleep.delays == [2.0, 4.0, 8.0]
    assert written.attempts == 4

    fake.fail_next(4, fault)
    with pytest.raises(SummaryFailed, match=r"server error \(50\d\) after 4 attempts"):
        await write(llm, sleep)


async def test_jitter_shortens_the_waits(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.fail_next(2, server_error(503))

    await write_sections(
        llm,
        model="gpt-4o-mini",
        title=TITLE,
        source_text=SOURCE,
        language="ko",
        policy=RetryPolicy(base_delay=2.0, jitter=0.5),
        sleep=sleep,
        draw=lambda: 0.5,
    )

    assert sleep.delays == [1.5, 3.0]


async def test_a_timeout_is_retried(fake: FakeOpenAIServer, sleep: RecordingSleep) -> None:
    fake.fail_next(1, slow(5.0))
    chat = OpenAIChat(base_url=fake.api_url, api_key="sk-test", timeout=0.3)
    try:
        written = await write(chat, sleep)
    finally:
        await chat.close()

    assert written.attempts == 2
    assert sleep.delays == [2.0]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda fake: setattr(fake, "api_key", "sk-other"), "authentication failed (401)"),
        (lambda fake: fake.fail_next(1, quota_exhausted()), "quota exhausted (429 insufficient_quota)"),
    ],
)
async def test_permanent_failures_fail_at_once(
    fake: FakeOpenAIServer,
    llm: OpenAIChat,
    sleep: RecordingSleep,
    setup: Callable[[FakeOpenAIServer], object],
    reason: str,
) -> None:
    setup(fake)

    with pytest.raises(SummaryFailed) as caught:
        await write(llm, sleep)

    assert caught.value.reason == reason
    assert isinstance(caught.value.error, PermanentLLMError)
    assert fake.request_count == 1
    assert sleep.delays == []


async def test_an_unknown_model_fails_at_once(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    with pytest.raises(SummaryFailed, match=r"^model not found \(404 model_not_found\)$"):
        await write(llm, sleep, model="gpt-5-ultra")
    assert fake.request_count == 1


async def test_the_format_ladder_steps_down_once_for_every_later_paper(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.supports_json_schema = False
    ladder = FormatLadder()

    first = await write(llm, sleep, ladder=ladder)
    second = await write(llm, sleep, ladder=ladder)

    assert [r.response_format for r in fake.chat_requests()] == ["json_schema", "json_object", "json_object"]
    assert (first.attempts, first.response_format) == (2, "json_object")
    assert (second.attempts, second.response_format) == (1, "json_object")
    assert ladder.refused == {"json_schema": "response_format refused (400)"}
    assert first.tokens_in == fake.answers[0]["usage"]["prompt_tokens"], "a refused request costs nothing"
    assert sleep.delays == []


async def test_a_server_without_json_modes_gets_text_and_chatty_json_is_read(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.supports_json_schema = fake.supports_json_object = False

    written = await write(llm, sleep)

    assert [r.response_format for r in fake.chat_requests()] == ["json_schema", "json_object", "text"]
    assert fake.answers[0]["choices"][0]["message"]["content"].startswith("Here is the summary")
    assert written.response_format == "text"
    assert written.verified


async def test_papers_written_together_step_the_ladder_down_once(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.supports_json_schema = False
    ladder = FormatLadder()

    written = await asyncio.gather(*(write(llm, sleep, ladder=ladder) for _ in range(5)))

    assert ladder.current == "json_object"
    assert all(w.response_format == "json_object" for w in written)
    formats = [r.response_format for r in fake.chat_requests()]
    assert formats.count("json_object") == 5
    assert "text" not in formats


def long_source(words: int) -> str:
    """English-looking text of `words` words, one number per sentence kept out (verification stays simple)."""
    sentence = "The encoder mixes sparse experts across every layer of the network model. "
    return sentence * (words // 12) + "SparseMix reaches 41.3 BLEU."


async def test_a_source_over_the_window_is_cut_to_what_the_server_said_fits(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.context_window = 4_000
    source = long_source(12_000)

    written = await write(llm, sleep, source=source, policy=RetryPolicy(max_tokens=500, jitter=0.0))

    sent = [estimate_tokens(r.prompt) for r in fake.chat_requests()]
    assert len(sent) == 2
    assert sent[1] < 2_000 + 500, "cut to (4,000 - 500 - 1,000) x 0.8 = 2,000 estimated tokens of source"
    assert written.source_tokens <= 2_000
    assert written.attempts == 2
    assert sleep.delays == []


async def test_without_a_stated_window_the_source_is_halved(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.fail_next(
        2, Fault(status=400, message="The prompt is too long for this model.", type="invalid_request_error")
    )
    source = long_source(8_000)

    written = await write(llm, sleep, source=source)

    sizes = [len(r.prompt) for r in fake.chat_requests()]
    assert len(sizes) == 3
    source_chars = [size - sizes[0] + len(source) for size in sizes]  # the prompt around it is the same
    assert source_chars[1] == pytest.approx(len(source) / 2, rel=0.02)
    assert source_chars[2] == pytest.approx(len(source) / 4, rel=0.02)
    assert written.attempts == 3
    assert written.verified, "41.3 was cut away, so the answer states no number at all"


async def test_a_window_too_small_for_the_floor_fails(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.fail_next(10, context_length_exceeded(window=300))
    source = long_source(8_000)

    with pytest.raises(SummaryFailed) as caught:
        await write(llm, sleep, source=source, policy=RetryPolicy(min_source_tokens=1_000))

    assert re.fullmatch(r"context too long even with ~[\d,]+ tokens of source", caught.value.reason)
    assert isinstance(caught.value.error, ContextTooLong)
    assert fake.request_count == 2, "cut once to the floor, then no further"


def inventing(number: str, times: int) -> Responder:
    """A responder that states `number` (not in the source) in its first `times` answers."""
    calls = [0]

    def respond(call: ChatCall) -> str:
        calls[0] += 1
        sections = default_sections(call)
        if calls[0] <= times:
            sections["performance_highlights"] = f"실험에서 제안 방법은 {number} BLEU를 기록했습니다."
        return render(call, sections)

    return respond


async def test_an_invented_number_is_asked_again_naming_it(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.responder = inventing("45.2", times=1)

    written = await write(llm, sleep)

    assert written.verified
    assert written.attempts == 2
    assert "41.3" in written.sections[2][1]
    first, second = fake.chat_requests()
    assert "45.2" not in first.prompt
    assert "numbers that are not in the paper text: 45.2" in second.prompt
    assert (written.tokens_in, written.tokens_out) == fake.usage()


async def test_a_number_invented_twice_is_kept_unverified(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    fake.responder = inventing("45.2", times=10)

    written = await write(llm, sleep)

    assert not written.verified
    assert written.unverified == ("45.2",)
    assert written.attempts == 2, "one retry for numbers, no more"
    assert "45.2" in written.sections[2][1]


async def test_an_unverified_summary_beats_a_failure(
    fake: FakeOpenAIServer, llm: OpenAIChat, sleep: RecordingSleep
) -> None:
    """Numbers are retried once; if every later attempt breaks, the unverified summary is kept."""
    fake.responder = inventing("45.2", times=1)
    fake.fail_next(1, Fault())  # the first answer is the invented one
    fake.fail_next(3, server_error(503))

    written = await write(llm, sleep)

    assert not written.verified
    assert written.unverified == ("45.2",)
    assert written.attempts == 4
