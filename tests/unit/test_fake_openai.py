"""The fake OpenAI server refuses what the real API refuses, and answers the way it answers.

Raw HTTP here (httpx), not the SDK: these tests are about the fake's rules, including requests
the SDK would never build.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.writer.prompt import ANSWER_SCHEMA, build_messages
from tests.fakes.openai_api import (
    FakeOpenAIServer,
    Fault,
    count_tokens,
    cut_short,
    rate_limited,
    refused,
    spoiled,
)

pytestmark = pytest.mark.slow  # the fake's own tests: a server and the real openai client each

MESSAGES = build_messages("Sparse Mixtures", "We reach 41.3 BLEU on WMT14 En-De with 8 experts.", "ko")


def schema_format(schema: Any = ANSWER_SCHEMA, **spec: Any) -> dict[str, Any]:
    """A json_schema response_format; by default ours, strict."""
    options = {"name": "paper_digest", "schema": schema, "strict": True} | spec
    return {"type": "json_schema", "json_schema": options}


SCHEMA_FORMAT = schema_format()


class Clock:
    """Seconds by hand, for the per-minute limit."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
async def http(fake: FakeOpenAIServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=fake.api_url, headers={"Authorization": "Bearer sk-test"}
    ) as client:
        yield client


def body(**changes: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": MESSAGES} | changes


async def post(http: httpx.AsyncClient, payload: Any) -> httpx.Response:
    return await http.post("/chat/completions", json=payload)


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The OpenAI-shaped error object, checked to have all four fields."""
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    return error


async def test_a_valid_request_gets_sections_in_the_named_language(http: httpx.AsyncClient) -> None:
    response = await post(http, body(response_format=SCHEMA_FORMAT))

    assert response.status_code == 200
    answer = response.json()
    assert answer["object"] == "chat.completion"
    assert answer["model"] == "gpt-4o-mini-2024-07-18"
    choice = answer["choices"][0]
    assert choice["finish_reason"] == "stop"
    assert choice["message"]["refusal"] is None
    sections = json.loads(choice["message"]["content"])
    assert set(sections) == {"whats_new", "technical_details", "performance_highlights"}
    assert "논문" in sections["whats_new"]
    assert "41.3" in sections["performance_highlights"]
    usage = answer["usage"]
    assert usage["prompt_tokens"] > count_tokens(MESSAGES[1]["content"])
    assert usage["completion_tokens"] == count_tokens(choice["message"]["content"])
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_text_mode_gets_chatty_fenced_json(http: httpx.AsyncClient) -> None:
    content = (await post(http, body())).json()["choices"][0]["message"]["content"]

    assert content.startswith("Here is the summary")
    assert "```json\n{" in content


async def test_requests_are_recorded(fake: FakeOpenAIServer, http: httpx.AsyncClient) -> None:
    await post(http, body(max_tokens=500))

    [recorded] = fake.chat_requests()
    assert recorded.body == body(max_tokens=500)
    assert recorded.authorization == "Bearer sk-test"
    assert recorded.response_format == "text"
    assert fake.request_count == 1


async def test_no_bearer_token_is_401(fake: FakeOpenAIServer) -> None:
    async with httpx.AsyncClient() as bare:
        response = await bare.post(f"{fake.api_url}/chat/completions", json=body())

    assert response.status_code == 401
    assert "didn't provide an API key" in error_of(response)["message"]


async def test_a_wrong_key_is_401_when_the_fake_has_one(
    fake: FakeOpenAIServer, http: httpx.AsyncClient
) -> None:
    fake.api_key = "sk-right"

    response = await post(http, body())

    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_api_key"


async def test_an_unknown_model_is_404_model_not_found(http: httpx.AsyncClient) -> None:
    response = await post(http, body(model="gpt-5-ultra"))

    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "model_not_found"
    assert error["type"] == "invalid_request_error"
    assert "`gpt-5-ultra` does not exist" in error["message"]


async def test_the_models_list(http: httpx.AsyncClient) -> None:
    listed = (await http.get("/models")).json()

    assert [m["id"] for m in listed["data"]] == ["gpt-4o-mini", "local-model"]


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        (body(messages=[]), "messages"),
        (body(messages="hello"), "messages"),
        (body(messages=[{"role": "robot", "content": "hi"}]), "messages[0].role"),
        (body(messages=[{"role": "user", "content": "hi"}, {"role": "user"}]), "messages[1].content"),
        (body(messages=[{"role": "user", "content": ["parts"]}]), "messages[0].content"),
        (body(model=None), "model"),
        (body(max_tokens=0), "max_tokens"),
        (body(response_format={"type": "yaml"}), "response_format.type"),
        (body(response_format={"type": "json_schema"}), "response_format.json_schema"),
        (body(response_format={"type": "json_schema", "json_schema": {"schema": {}}}), "response_format.json_schema.name"),  # noqa: E501
        (body(response_format=schema_format(name="paper digest!")), "response_format.json_schema.name"),
        (body(response_format={"type": "json_schema", "json_schema": {"name": "x"}}), "response_format.json_schema.schema"),  # noqa: E501
    ],
)  # fmt: skip
async def test_malformed_requests_are_400_naming_the_parameter(
    http: httpx.AsyncClient, payload: dict[str, Any], param: str
) -> None:
    response = await post(http, payload)

    assert response.status_code == 400
    assert error_of(response)["param"] == param


async def test_a_body_that_is_not_json_is_400(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/chat/completions", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert "could not parse the JSON body" in error_of(response)["message"]


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        (ANSWER_SCHEMA | {"additionalProperties": True}, "'additionalProperties' is required"),
        (ANSWER_SCHEMA | {"required": ["whats_new"]}, "Missing 'technical_details'"),
        (
            ANSWER_SCHEMA | {"properties": {"whats_new": {"type": "object", "properties": {"a": {}}}},
                             "required": ["whats_new"]},
            "In context=('properties', 'whats_new')",
        ),
    ],
)  # fmt: skip
async def test_strict_schemas_must_be_closed_and_fully_required(
    http: httpx.AsyncClient, schema: dict[str, Any], problem: str
) -> None:
    response = await post(http, body(response_format=schema_format(schema)))

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_json_schema"
    assert problem in error["message"]


async def test_a_loose_schema_is_fine_without_strict(http: httpx.AsyncClient) -> None:
    loose = {"type": "object", "properties": {"whats_new": {"type": "string"}}}
    response = await post(http, body(response_format=schema_format(loose, strict=False)))

    assert response.status_code == 200


async def test_json_object_needs_the_word_json_in_the_messages(http: httpx.AsyncClient) -> None:
    plain = [{"role": "user", "content": "Summarise this paper."}]

    refused_ = await post(http, body(messages=plain, response_format={"type": "json_object"}))
    accepted = await post(http, body(response_format={"type": "json_object"}))

    assert refused_.status_code == 400
    assert "must contain the word 'json'" in error_of(refused_)["message"]
    assert accepted.status_code == 200
    assert json.loads(accepted.json()["choices"][0]["message"]["content"])


@pytest.mark.parametrize("kind", ["json_schema", "json_object"])
async def test_servers_lacking_a_format_refuse_it_naming_response_format(
    fake: FakeOpenAIServer, http: httpx.AsyncClient, kind: str
) -> None:
    fake.supports_json_schema = fake.supports_json_object = False
    spec = SCHEMA_FORMAT if kind == "json_schema" else {"type": "json_object"}

    response = await post(http, body(response_format=spec))

    assert response.status_code == 400
    error = error_of(response)
    assert error["param"] == "response_format"
    assert f"'response_format' of type '{kind}' is not supported" in error["message"]
    assert (await post(http, body())).status_code == 200, "text mode still works"


async def test_the_context_window_counts_prompt_and_max_tokens(
    fake: FakeOpenAIServer, http: httpx.AsyncClient
) -> None:
    fake.context_window = 600
    prompt = (await post(http, body())).json()["usage"]["prompt_tokens"]
    assert prompt < 600

    response = await post(http, body(max_tokens=600 - prompt + 1))

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "context_length_exceeded"
    assert error["message"].startswith("This model's maximum context length is 600 tokens.")
    assert f"({prompt} in the messages" in error["message"]
    assert (await post(http, body(max_tokens=600 - prompt))).status_code == 200


async def test_an_answer_over_max_tokens_is_cut_with_finish_reason_length(http: httpx.AsyncClient) -> None:
    answer = (await post(http, body(max_tokens=20))).json()

    assert answer["choices"][0]["finish_reason"] == "length"
    assert answer["usage"]["completion_tokens"] == 20
    assert count_tokens(answer["choices"][0]["message"]["content"]) == 20


async def test_max_completion_tokens_is_understood(http: httpx.AsyncClient) -> None:
    answer = (await post(http, body(max_completion_tokens=20))).json()

    assert answer["choices"][0]["finish_reason"] == "length"


async def test_reasoning_models_refuse_max_tokens(fake: FakeOpenAIServer, http: httpx.AsyncClient) -> None:
    fake.accepts_max_tokens = False

    response = await post(http, body(max_tokens=100))

    assert response.status_code == 400
    error = error_of(response)
    assert (error["param"], error["code"]) == ("max_tokens", "unsupported_parameter")
    assert "Use 'max_completion_tokens' instead" in error["message"]
    assert (await post(http, body(max_completion_tokens=100))).status_code == 200


async def test_a_scripted_429_carries_retry_after_then_the_next_request_passes(
    fake: FakeOpenAIServer, http: httpx.AsyncClient
) -> None:
    fake.fail_next(1, rate_limited("7"))

    first, second = await post(http, body()), await post(http, body())

    assert first.status_code == 429
    assert first.headers["Retry-After"] == "7"
    assert error_of(first)["code"] == "rate_limit_exceeded"
    assert second.status_code == 200


async def test_a_scripted_500_and_a_proxy_page(fake: FakeOpenAIServer, http: httpx.AsyncClient) -> None:
    fake.fail_next(1, Fault(status=500))
    fake.fail_next(1, Fault(status=502, raw="<html>Bad Gateway</html>"))

    server_error, proxy = await post(http, body()), await post(http, body())

    assert server_error.status_code == 500
    assert error_of(server_error)["type"] == "server_error"
    assert proxy.status_code == 502
    assert proxy.text == "<html>Bad Gateway</html>"


async def test_content_faults(fake: FakeOpenAIServer, http: httpx.AsyncClient) -> None:
    fake.fail_next(1, spoiled("malformed"))
    fake.fail_next(1, spoiled("missing_section"))
    fake.fail_next(1, spoiled("wrong_script"))
    fake.fail_next(1, spoiled("empty"))
    fake.fail_next(1, spoiled("enormous"))
    fake.fail_next(1, refused())
    fake.fail_next(1, cut_short())
    json_mode = {"type": "json_object"}
    answers = [(await post(http, body(response_format=json_mode))).json()["choices"][0] for _ in range(7)]
    contents = [a["message"]["content"] for a in answers]

    with pytest.raises(ValueError, match=r"Unterminated string|Expecting"):
        json.loads(contents[0])
    assert set(json.loads(contents[1])) == {"whats_new", "technical_details"}
    assert json.loads(contents[2])["whats_new"].startswith("The paper")
    assert contents[3] == ""
    assert len(json.loads(contents[4])["technical_details"]) > 6000
    assert (contents[5], answers[5]["message"]["refusal"]) == (
        None,
        "I'm sorry, but I can't help with that request.",
    )
    assert answers[6]["finish_reason"] == "length"
    assert answers[6]["message"]["content"] != contents[1]


async def test_a_responder_set_by_the_test(fake: FakeOpenAIServer, http: httpx.AsyncClient) -> None:
    seen: list[str] = []

    def responder(call: Any) -> str:
        seen.append(call.language)
        return "scripted"

    fake.responder = responder

    answer = (await post(http, body())).json()

    assert seen == ["ko"]
    assert answer["choices"][0]["message"]["content"] == "scripted"


async def test_requests_per_minute_answer_429_until_the_window_moves(http: httpx.AsyncClient) -> None:
    clock = Clock()
    async with FakeOpenAIServer(requests_per_minute=2, clock=clock) as limited:
        url = f"{limited.api_url}/chat/completions"
        statuses = [(await http.post(url, json=body())).status_code for _ in range(3)]
        clock.now += 20
        blocked = await http.post(url, json=body())
        clock.now += 41
        again = await http.post(url, json=body())

    assert statuses == [200, 200, 429]
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "40"
    assert again.status_code == 200


async def test_concurrent_requests_over_the_limit_get_429(http: httpx.AsyncClient) -> None:
    import asyncio

    async with FakeOpenAIServer(max_concurrent=2, latency=(0.2, 0.2)) as limited:
        url = f"{limited.api_url}/chat/completions"
        responses = await asyncio.gather(*(http.post(url, json=body()) for _ in range(4)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 429, 429]
    assert all(r.headers["Retry-After"] == "1" for r in responses if r.status_code == 429)


async def test_the_limits_429s_are_counted_by_limit_and_scripted_ones_are_not(
    http: httpx.AsyncClient,
) -> None:
    import asyncio

    clock = Clock()
    async with FakeOpenAIServer(
        requests_per_minute=3, max_concurrent=2, latency=(0.2, 0.2), clock=clock
    ) as limited:
        url = f"{limited.api_url}/chat/completions"
        limited.fail_next(1, rate_limited("5"))
        scripted = await http.post(url, json=body())
        at_once = await asyncio.gather(*(http.post(url, json=body()) for _ in range(3)))
        over_the_minute = [(await http.post(url, json=body())).status_code for _ in range(2)]

    assert scripted.status_code == 429
    assert sorted(r.status_code for r in at_once) == [200, 200, 429]
    assert over_the_minute == [200, 429]
    assert limited.rate_limited == {"max_concurrent": 1, "requests_per_minute": 1}
