"""A loopback imitation of an OpenAI-compatible Chat Completions server, for the real openai package.

Mocking `AsyncOpenAI` would test our assumptions about it; this server sits behind
`AsyncOpenAI(base_url=fake.base_url + "/v1")` and answers `POST /v1/chat/completions` the way the
OpenAI API does (FACTS.md section 4c), so the SDK's request encoding, its error classes and their
`body`, `code`, `param` and headers are all exercised for real.

It refuses what the API refuses: no `Authorization: Bearer` (401), an unknown model (404
`model_not_found`), messages that are not a non-empty list of {role, content string}, a malformed
`response_format` (json_schema without name or schema; `strict` with a schema that leaves
additionalProperties open or a property out of `required`), json_object without the word "json" in
the messages, a prompt plus `max_tokens` over the context window (400 `context_length_exceeded`),
and, when asked to act like servers that lack them, json_schema or json_object (400 naming
response_format) or `max_tokens` (OpenAI's reasoning models want `max_completion_tokens`). It cuts an
answer longer than `max_tokens` and says `finish_reason: "length"`, and reports `usage` estimated
from the text with its own crude tokenizer (deliberately not the writer's estimate: real tokenizers
disagree with it too).

What it answers comes from `responder`, a callable the test may set; the default writes valid
sections in the language the system message names, reusing only numbers found in the prompt.
Scripted faults (`fail_next`) play on the next requests: 429 with Retry-After, 5xx, slow answers,
context errors, and answers that are malformed, missing a section, in the wrong script, empty,
enormous, refused or cut short. `requests_per_minute` and `max_concurrent` act like a provider's
rate limits and `latency` like a real model's think time, for benchmarks. Every request is recorded,
and `rate_limited` counts the 429s those limits answered, by limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import random
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from tests.fakes.loopback import LoopbackServer

DEFAULT_MODELS = {"gpt-4o-mini": "gpt-4o-mini-2024-07-18", "local-model": "local-model"}
"""Model asked for -> model named in the answer (OpenAI answers with a dated snapshot)."""
DEFAULT_KEY = "sk-test"
ROLES = frozenset({"system", "developer", "user", "assistant"})
_SCHEMA_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]|[^\W\d_]+|\d+|[^\w\s]")
_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")

ContentFault = Literal["malformed", "missing_section", "wrong_script", "empty", "enormous"]
SECTION_KEYS = ("whats_new", "technical_details", "performance_highlights")


def count_tokens(text: str) -> int:
    """The fake's tokenizer: a word, a number, a CJK character or a punctuation mark is a token."""
    return len(_TOKEN.findall(text))


@dataclass(frozen=True)
class Fault:
    """A scripted misbehaviour for one request.

    With `status`, the request fails with that status after `delay` seconds, with an OpenAI-shaped
    error body (`message`, `type`, `param`, `code`), or `raw` as text/html (a proxy's error page).
    Without it, the request is answered after `delay`, altered: `answer` spoils the content in a
    named way, `content` replaces it, `refusal` refuses (content null), `finish_reason` overrides the
    reason ("length" also cuts the content in half).
    """

    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    message: str = "The server had an error while processing your request. Sorry about that!"
    type: str = "server_error"
    param: str | None = None
    code: str | None = None
    raw: str | None = None
    answer: ContentFault | None = None
    content: str | None = None
    refusal: str | None = None
    finish_reason: str | None = None


def rate_limited(retry_after: str | None = "2") -> Fault:
    return Fault(
        status=429,
        retry_after=retry_after,
        message="Rate limit reached for requests. Please try again later.",
        type="requests",
        code="rate_limit_exceeded",
    )


def quota_exhausted() -> Fault:
    return Fault(
        status=429,
        message="You exceeded your current quota, please check your plan and billing details.",
        type="insufficient_quota",
        code="insufficient_quota",
    )


def server_error(status: int = 500) -> Fault:
    return Fault(status=status)


def slow(seconds: float) -> Fault:
    return Fault(delay=seconds)


def context_length_exceeded(window: int = 8192) -> Fault:
    return Fault(
        status=400,
        message=f"This model's maximum context length is {window} tokens. However, your messages resulted "
        f"in {window + 1000} tokens. Please reduce the length of the messages.",
        type="invalid_request_error",
        param="messages",
        code="context_length_exceeded",
    )


def spoiled(kind: ContentFault) -> Fault:
    return Fault(answer=kind)


def refused(text: str = "I'm sorry, but I can't help with that request.") -> Fault:
    return Fault(refusal=text)


def cut_short() -> Fault:
    return Fault(finish_reason="length")


@dataclass(frozen=True)
class ChatCall:
    """A request the fake accepted, as the responder sees it."""

    model: str
    messages: list[dict[str, str]]
    response_format: str  # "json_schema", "json_object" or "text"
    max_tokens: int | None
    language: str  # the first language named in the system message; "en" when none is

    @property
    def prompt(self) -> str:
        return "\n".join(message["content"] for message in self.messages)


Responder = Callable[[ChatCall], str]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received: the parsed body (None when not JSON) and when it came."""

    path: str
    body: dict[str, Any] | None
    authorization: str | None
    at: float

    @property
    def response_format(self) -> str:
        """The response_format type asked for; "text" when none was."""
        spec = (self.body or {}).get("response_format")
        return str(spec.get("type")) if isinstance(spec, dict) else "text"

    @property
    def prompt(self) -> str:
        messages = (self.body or {}).get("messages") or []
        return "\n".join(str(m.get("content", "")) for m in messages if isinstance(m, dict))


class _Refused(Exception):
    """A request the real API would refuse, with its status and error object."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = {"message": message, "type": type, "param": param, "code": code}
        self.headers = headers or {}

    def response(self) -> web.Response:
        return web.json_response({"error": self.error}, status=self.status, headers=self.headers)


@dataclass
class FakeOpenAIServer(LoopbackServer):
    """The fake server; `async with FakeOpenAIServer() as server:` then `server.api_url`."""

    models: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MODELS))
    api_key: str | None = None  # None: any bearer token is accepted, as local servers do
    context_window: int = 128_000
    supports_json_schema: bool = True
    supports_json_object: bool = True
    accepts_max_tokens: bool = True
    requests_per_minute: int | None = None
    max_concurrent: int | None = None
    latency: tuple[float, float] | None = None
    responder: Responder | None = None
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        super().__init__()
        self.requests: list[RecordedRequest] = []
        self.answers: list[dict[str, Any]] = []  # every 200 body sent, in order
        self._faults: deque[Fault] = deque()
        self._stopping = asyncio.Event()
        self._recent: deque[float] = deque()
        self._in_flight = 0
        self._ids = itertools.count(1)
        # 429s answered by the provider's limits ("requests_per_minute", "max_concurrent"); scripted
        # faults are not counted here.
        self.rate_limited: Counter[str] = Counter()

    @property
    def api_url(self) -> str:
        """The base URL to give the SDK: `http://127.0.0.1:<port>/v1`."""
        return f"{self.base_url}/v1"

    def fail_next(self, count: int, fault: Fault) -> None:
        """Make the next `count` requests misbehave as `fault` says."""
        self._faults.extend([fault] * count)

    def usage(self) -> tuple[int, int]:
        """Prompt and completion tokens of every answer sent, added up."""
        return (
            sum(a["usage"]["prompt_tokens"] for a in self.answers),
            sum(a["usage"]["completion_tokens"] for a in self.answers),
        )

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    @property
    def request_count(self) -> int:
        return len(self.chat_requests())

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)

    def on_stop(self) -> None:
        self._stopping.set()

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _models(self, request: web.Request) -> web.Response:
        try:
            self._check_auth(request)
        except _Refused as refused_:
            return refused_.response()
        data = [{"id": name, "object": "model", "created": 0, "owned_by": "fake"} for name in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _chat(self, request: web.Request) -> web.Response:
        body: dict[str, Any] | None
        try:
            parsed = json.loads(await request.text())
            body = parsed if isinstance(parsed, dict) else None
        except ValueError:
            body = None
        self.requests.append(
            RecordedRequest(request.path, body, request.headers.get("Authorization"), self.clock())
        )
        fault = self._faults.popleft() if self._faults else None
        self._in_flight += 1
        try:
            self._check_auth(request)
            if fault is not None and fault.delay:
                await self._wait(fault.delay)
            if fault is not None and fault.status is not None:
                return _fault_response(fault)
            self._check_limits()
            call = self._validate(body)
            if self.latency is not None:
                await self._wait(random.uniform(*self.latency))
            return web.json_response(self._answer(call, fault))
        except _Refused as refused_:
            return refused_.response()
        finally:
            self._in_flight -= 1

    def _check_auth(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not header[7:].strip():
            raise _Refused(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization "
                "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        if self.api_key is not None and header[7:] != self.api_key:
            raise _Refused(401, f"Incorrect API key provided: {header[7:11]}****.", code="invalid_api_key")

    def _check_limits(self) -> None:
        """The provider's limits: requests in the last minute, and requests being answered at once."""
        now = self.clock()
        while self._recent and self._recent[0] <= now - 60:
            self._recent.popleft()
        if self.requests_per_minute is not None and len(self._recent) >= self.requests_per_minute:
            wait = max(1, math.ceil(self._recent[0] + 60 - now))
            self.rate_limited["requests_per_minute"] += 1
            raise _Refused(
                429,
                f"Rate limit reached for requests per minute: Limit {self.requests_per_minute}. "
                f"Please try again in {wait}s.",
                type="requests",
                code="rate_limit_exceeded",
                headers={"Retry-After": str(wait), "x-ratelimit-remaining-requests": "0"},
            )
        if self.max_concurrent is not None and self._in_flight > self.max_concurrent:
            self.rate_limited["max_concurrent"] += 1
            raise _Refused(
                429,
                f"Too many concurrent requests: Limit {self.max_concurrent}.",
                type="requests",
                code="rate_limit_exceeded",
                headers={"Retry-After": "1"},
            )
        self._recent.append(now)

    def _validate(self, body: dict[str, Any] | None) -> ChatCall:
        """The request as the API reads it, or the 400/404 the API would answer."""
        if body is None:
            raise _Refused(400, "We could not parse the JSON body of your request.")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise _Refused(
                400, "Missing required parameter: 'model'.", param="model", code="missing_required_parameter"
            )
        if model not in self.models:
            raise _Refused(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                code="model_not_found",
            )
        messages = _messages(body.get("messages"))
        response_format = self._response_format(body.get("response_format"), messages)
        max_tokens = self._max_tokens(body)
        prompt_tokens = _prompt_tokens(messages)
        if prompt_tokens + (max_tokens or 0) > self.context_window:
            raise _Refused(
                400,
                f"This model's maximum context length is {self.context_window} tokens. However, you "
                f"requested {prompt_tokens + (max_tokens or 0)} tokens ({prompt_tokens} in the messages, "
                f"{max_tokens or 0} in the completion). Please reduce the length of the messages or "
                f"completion.",
                param="messages",
                code="context_length_exceeded",
            )
        return ChatCall(model, messages, response_format, max_tokens, _language(messages))

    def _response_format(self, spec: Any, messages: list[dict[str, str]]) -> str:
        if spec is None:
            return "text"
        if not isinstance(spec, dict) or spec.get("type") not in ("text", "json_object", "json_schema"):
            raise _Refused(
                400,
                "Invalid value for 'response_format.type': expected one of 'text', 'json_object', "
                "'json_schema'.",
                param="response_format.type",
                code="invalid_value",
            )
        kind = str(spec["type"])
        supported = {"json_schema": self.supports_json_schema, "json_object": self.supports_json_object}
        if not supported.get(kind, True):
            raise _Refused(
                400,
                f"Invalid parameter: 'response_format' of type '{kind}' is not supported with this model.",
                param="response_format",
            )
        if kind == "json_object" and not any("json" in m["content"].lower() for m in messages):
            raise _Refused(
                400,
                "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                "'json_object'.",
                param="messages",
            )
        if kind == "json_schema":
            _check_json_schema(spec.get("json_schema"))
        return kind

    def _max_tokens(self, body: dict[str, Any]) -> int | None:
        if "max_tokens" in body and not self.accepts_max_tokens:
            raise _Refused(
                400,
                "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                "'max_completion_tokens' instead.",
                param="max_tokens",
                code="unsupported_parameter",
            )
        for name in ("max_completion_tokens", "max_tokens"):
            value = body.get(name)
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise _Refused(
                    400,
                    f"Invalid '{name}': integer below minimum value.",
                    param=name,
                    code="integer_below_min_value",
                )
            return value
        return None

    def _answer(self, call: ChatCall, fault: Fault | None) -> dict[str, Any]:
        responder = self.responder or default_responder
        content: str | None = responder(call)
        refusal = None
        finish_reason = "stop"
        if fault is not None:
            if fault.answer is not None:
                content = spoil(call, fault.answer)
            if fault.content is not None:
                content = fault.content
            if fault.refusal is not None:
                content, refusal = None, fault.refusal
            if fault.finish_reason is not None:
                finish_reason = fault.finish_reason
                if finish_reason == "length" and content:
                    content = content[: len(content) // 2]
        completion_tokens = count_tokens(content or refusal or "")
        if call.max_tokens is not None and completion_tokens > call.max_tokens and content:
            content = _cut_to(content, call.max_tokens)
            completion_tokens, finish_reason = call.max_tokens, "length"
        prompt_tokens = _prompt_tokens(call.messages)
        answer = {
            "id": f"chatcmpl-fake{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.models[call.model],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": refusal},
                    "logprobs": None,
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "system_fingerprint": "fp_fake",
        }
        self.answers.append(answer)
        return answer


def _fault_response(fault: Fault) -> web.Response:
    headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
    if fault.raw is not None:
        return web.Response(
            text=fault.raw, status=fault.status or 502, headers=headers, content_type="text/html"
        )
    error = {"message": fault.message, "type": fault.type, "param": fault.param, "code": fault.code}
    return web.json_response({"error": error}, status=fault.status or 500, headers=headers)


def _messages(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise _Refused(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1.",
            param="messages",
            code="empty_array",
        )
    for index, message in enumerate(value):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise _Refused(
                400,
                f"Invalid value for 'messages[{index}].role': expected one of {', '.join(sorted(ROLES))}.",
                param=f"messages[{index}].role",
                code="invalid_value",
            )
        if not isinstance(message.get("content"), str):
            raise _Refused(
                400,
                f"Invalid type for 'messages[{index}].content': expected a string.",
                param=f"messages[{index}].content",
                code="invalid_type",
            )
    return [{"role": m["role"], "content": m["content"]} for m in value]


def _check_json_schema(spec: Any) -> None:
    """json_schema needs a name and a schema; `strict` needs every object closed and fully required."""
    if not isinstance(spec, dict):
        raise _Refused(
            400,
            "Missing required parameter: 'response_format.json_schema'.",
            param="response_format.json_schema",
            code="missing_required_parameter",
        )
    name = spec.get("name")
    if not isinstance(name, str):
        raise _Refused(
            400,
            "Missing required parameter: 'response_format.json_schema.name'.",
            param="response_format.json_schema.name",
            code="missing_required_parameter",
        )
    if not _SCHEMA_NAME.fullmatch(name):
        raise _Refused(
            400,
            "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string "
            "that matches the pattern '^[a-zA-Z0-9_-]+$'.",
            param="response_format.json_schema.name",
            code="invalid_value",
        )
    schema = spec.get("schema")
    if not isinstance(schema, dict):
        raise _Refused(
            400,
            "Missing required parameter: 'response_format.json_schema.schema'.",
            param="response_format.json_schema.schema",
            code="missing_required_parameter",
        )
    if spec.get("strict") is True:
        problem = _strict_problem(schema, ())
        if problem is not None:
            raise _Refused(
                400,
                f"Invalid schema for response_format '{name}': {problem}",
                param="response_format",
                code="invalid_json_schema",
            )


def _strict_problem(schema: dict[str, Any], path: tuple[str, ...]) -> str | None:
    """What strict mode refuses in `schema` (recursively), or None."""
    if schema.get("type") == "object":
        properties = schema.get("properties") or {}
        if schema.get("additionalProperties") is not False:
            return f"In context={path}, 'additionalProperties' is required to be supplied and to be false."
        missing = [key for key in properties if key not in (schema.get("required") or [])]
        if missing:
            return (
                f"In context={path}, 'required' is required to be supplied and to be an array including "
                f"every key in properties. Missing '{missing[0]}'."
            )
        for key, sub in properties.items():
            if isinstance(sub, dict) and (problem := _strict_problem(sub, (*path, "properties", key))):
                return problem
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return _strict_problem(schema["items"], (*path, "items"))
    return None


def _prompt_tokens(messages: list[dict[str, str]]) -> int:
    """Tokens of the prompt: the text's, plus a few per message for the chat template."""
    return sum(count_tokens(m["content"]) + 4 for m in messages) + 3


def _cut_to(content: str, tokens: int) -> str:
    """The start of `content` holding about `tokens` tokens."""
    ends = [match.end() for match in _TOKEN.finditer(content)]
    return content[: ends[tokens - 1]] if 0 < tokens <= len(ends) else content


_LANGUAGE_NAMES = {
    "Korean": "ko",
    "Japanese": "ja",
    "Chinese": "zh",
    "Russian": "ru",
    "German": "de",
    "French": "fr",
    "Spanish": "es",
    "English": "en",
}


def _language(messages: list[dict[str, str]]) -> str:
    """The first language the system message names ("... who read Korean"); English if none."""
    system = next((m["content"] for m in messages if m["role"] in ("system", "developer")), "")
    found = [(system.find(name), code) for name, code in _LANGUAGE_NAMES.items() if name in system]
    return min(found)[1] if found else "en"


_TEMPLATES: dict[str, tuple[str, str, str, str]] = {
    # whats_new (with the title), technical_details, highlights with a number {n}, highlights without one
    "ko": (
        "이 논문은 {title}을(를) 다루며 새로운 방법(method)을 제안합니다. 기존 접근법의 한계를 짚습니다.",
        "저자들은 모델 구조(architecture)와 학습 절차(training procedure)를 설명합니다. 구성은 단순합니다.",
        "실험에서 제안 방법은 {n}의 성능을 기록했습니다. 기준 모델(baseline)보다 나은 결과입니다.",
        "실험에서 제안 방법은 기준 모델(baseline)보다 나은 결과를 보였습니다.",
    ),
    "ja": (
        "本論文は{title}について新しい手法(method)を提案します。既存手法の限界を明らかにしています。",
        "著者らはモデル構造(architecture)と学習手順(training procedure)を説明しています。構成は簡潔です。",
        "実験では提案手法が{n}の性能を記録しました。ベースライン(baseline)を上回る結果です。",
        "実験では提案手法がベースライン(baseline)を上回る結果を示しました。",
    ),
    "zh": (
        "本文围绕{title}提出了一种新方法(method)。作者指出了现有方法的局限。",
        "作者介绍了模型结构(architecture)和训练流程(training procedure)。核心组件简单而高效。",
        "实验中该方法取得了{n}的成绩。结果优于基线(baseline)。",
        "实验中该方法的结果优于基线(baseline)。",
    ),
    "ru": (
        "Статья «{title}» предлагает новый метод (method). Авторы показывают ограничения прежних подходов.",
        "Авторы описывают архитектуру (architecture) и процедуру обучения (training procedure).",
        "В экспериментах метод достигает {n}. Это лучше базовой модели (baseline).",
        "В экспериментах метод превосходит базовую модель (baseline).",
    ),
    "de": (
        "Die Arbeit „{title}“ schlägt eine neue Methode (method) vor. Sie benennt Grenzen früherer Ansätze.",
        "Die Autoren beschreiben die Architektur (architecture) und das Training (training procedure).",
        "In den Experimenten erreicht die Methode {n}. Das übertrifft die Baseline.",
        "In den Experimenten übertrifft die Methode die Baseline.",
    ),
    "en": (
        "The paper “{title}” proposes a new method. It points out where earlier approaches fall short.",
        "The authors describe the architecture and the training procedure. The key components are simple.",
        "In the experiments the method reaches {n}, ahead of the baseline.",
        "In the experiments the method does better than the baseline.",
    ),
}


def default_sections(call: ChatCall) -> dict[str, str]:
    """Valid sections in the call's language, stating only the first decimal number of the prompt."""
    whats_new, details, with_number, without_number = _TEMPLATES.get(call.language, _TEMPLATES["en"])
    title_match = re.search(r"^Title: (.+)$", call.prompt, re.MULTILINE)
    title = title_match.group(1).strip() if title_match else "this topic"
    number = _DECIMAL.search(call.prompt)
    return {
        "whats_new": whats_new.format(title=title),
        "technical_details": details,
        "performance_highlights": with_number.format(n=number.group(0)) if number else without_number,
    }


def render(call: ChatCall, sections: dict[str, str]) -> str:
    """Sections as a model would send them: bare JSON in a JSON mode, chatty fenced JSON in text mode."""
    encoded = json.dumps(sections, ensure_ascii=False)
    if call.response_format == "text":
        return (
            f"Here is the summary you asked for:\n\n```json\n{encoded}\n```\n\nLet me know if you need more."
        )
    return encoded


def default_responder(call: ChatCall) -> str:
    return render(call, default_sections(call))


def spoil(call: ChatCall, kind: ContentFault) -> str:
    """A content that fails the writer's checks in the way `kind` names."""
    sections = default_sections(call)
    if kind == "malformed":
        encoded = json.dumps(sections, ensure_ascii=False)
        return encoded[: len(encoded) // 2]
    if kind == "missing_section":
        return render(call, {k: v for k, v in sections.items() if k != "performance_highlights"})
    if kind == "wrong_script":
        return render(
            call, default_sections(ChatCall(call.model, call.messages, call.response_format, None, "en"))
        )
    if kind == "empty":
        return ""
    # 8,100 characters in 600 tokens: over the writer's bound, under a usual max_tokens
    return render(call, sections | {"technical_details": "Extraordinarily repetitive " * 300})
