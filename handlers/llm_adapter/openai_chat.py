"""OpenAIChat: the writer's LanguageModel on any OpenAI-compatible server, via the openai package.

One client serves OpenAI, vLLM, Ollama, llama.cpp's server, LM Studio and OpenRouter: only
`base_url` changes. The SDK's own retries are off (max_retries=0) because the writer decides what a
failure deserves (waiting out a 429, cutting the prompt, a plainer format), and every SDK exception
becomes one of the port's errors here, so nothing above this module knows the SDK exists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageParam

from bot.retry_after import retry_after_seconds
from bot.writer.llm import (
    ChatAnswer,
    ChatRequest,
    ContextTooLong,
    LLMError,
    PermanentLLMError,
    RateLimitedLLM,
    ResponseFormatUnsupported,
    TransientLLMError,
)

NO_KEY = "no-key"  # local servers ignore the key, but the SDK will not start without one

_CONTEXT_WORDS = re.compile(
    r"context[_ ]length|context (?:window|size)|maximum context|exceed_context_size|"
    r"prompt is too long|too many tokens|input is too long|reduce the length",
    re.IGNORECASE,
)
_CONTEXT_SIZE = re.compile(
    r"(?:maximum context length|context (?:window|size|length)) (?:is|of)\s*(\d[\d,]*)", re.IGNORECASE
)
_FORMAT_WORDS = re.compile(r"response_format|response format|json_schema|json_object", re.IGNORECASE)
_SCHEMA_NAME = re.compile(r"[^A-Za-z0-9_-]")


class OpenAIChat:
    """A LanguageModel over `POST {base_url}/chat/completions`.

    `client` may be passed in (tests, a shared client); the adapter closes only a client it made.
    OpenAI's reasoning models refuse `max_tokens` and want `max_completion_tokens`; the first such
    refusal switches the parameter for the life of the adapter and the request is sent again.
    """

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 120.0,
        default_headers: Mapping[str, str] | None = None,
        client: AsyncOpenAI | None = None,
    ) -> None:
        self._owns_client = client is None
        self._client = client or AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or NO_KEY,
            timeout=timeout,
            max_retries=0,
            default_headers=dict(default_headers or {}),
        )
        self._token_param = "max_tokens"

    async def chat(self, request: ChatRequest) -> ChatAnswer:
        try:
            return await self._create(request)
        except openai.BadRequestError as error:
            if self._token_param != "max_tokens" or not _wants_completion(error):
                raise map_error(error) from error
            self._token_param = "max_completion_tokens"
        except openai.OpenAIError as error:
            raise map_error(error) from error
        try:
            return await self._create(request)
        except openai.OpenAIError as error:
            raise map_error(error) from error

    async def close(self) -> None:
        if self._owns_client:
            await self._client.close()

    async def _create(self, request: ChatRequest) -> ChatAnswer:
        options: dict[str, Any] = {}
        if request.max_tokens is not None:
            options[self._token_param] = request.max_tokens
        if request.response_format == "json_object":
            options["response_format"] = {"type": "json_object"}
        elif request.response_format == "json_schema":
            schema = request.schema or {}
            options["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema_name(schema), "schema": schema, "strict": True},
            }
        completion = await self._client.chat.completions.create(
            model=request.model, messages=to_messages(request.messages), **options
        )
        return to_answer(completion, request.model)


def to_messages(messages: list[dict[str, str]]) -> list[ChatCompletionMessageParam]:
    """The port's plain messages as the SDK's typed ones (a role it does not know is our bug)."""
    typed: list[ChatCompletionMessageParam] = []
    for message in messages:
        role, content = message["role"], message["content"]
        if role == "system":
            typed.append({"role": "system", "content": content})
        elif role == "user":
            typed.append({"role": "user", "content": content})
        elif role == "assistant":
            typed.append({"role": "assistant", "content": content})
        else:
            raise PermanentLLMError(f"unknown message role {role!r}")
    return typed


def to_answer(completion: Any, asked_model: str) -> ChatAnswer:
    """The port's answer from a ChatCompletion, tolerating the fields small servers leave out."""
    if not hasattr(completion, "choices"):
        raise TransientLLMError(f"unreadable answer ({type(completion).__name__})")
    choices = completion.choices or []
    message = choices[0].message if choices else None
    usage = getattr(completion, "usage", None)
    return ChatAnswer(
        content=getattr(message, "content", None),
        refusal=getattr(message, "refusal", None),
        finish_reason=choices[0].finish_reason if choices else None,
        tokens_in=int(getattr(usage, "prompt_tokens", 0) or 0),
        tokens_out=int(getattr(usage, "completion_tokens", 0) or 0),
        model=getattr(completion, "model", None) or asked_model,
    )


def schema_name(schema: Mapping[str, Any]) -> str:
    """json_schema's required `name` (1-64 of a-z A-Z 0-9 _ -), from the schema's title."""
    name = _SCHEMA_NAME.sub("_", str(schema.get("title") or "answer"))[:64]
    return name or "answer"


def map_error(error: openai.OpenAIError) -> LLMError:
    """The port's error for an SDK exception: what the caller should do about it."""
    if isinstance(error, openai.APITimeoutError):
        return TransientLLMError("timeout")
    if isinstance(error, openai.APIConnectionError):
        return TransientLLMError("connection error")
    if not isinstance(error, openai.APIStatusError):
        if isinstance(error, openai.APIError):
            return TransientLLMError(f"unreadable answer ({type(error).__name__})")
        return PermanentLLMError(f"{type(error).__name__}: {error}"[:200])
    status = error.status_code
    body = error.body if isinstance(error.body, dict) else {}
    code = str(error.code or body.get("type") or "")
    detail = (
        body["message"] if isinstance(body.get("message"), str) else error.message
    )  # not "Error code: 400 - …"
    text = f"{detail} {code} {error.param or ''}"
    if status == 429:
        if code == "insufficient_quota":
            return PermanentLLMError("quota exhausted (429 insufficient_quota)")
        return RateLimitedLLM(retry_after(error.response.headers))
    if status in (400, 413) and _CONTEXT_WORDS.search(text):
        return ContextTooLong(f"context too long ({status})", _context_size(detail, body))
    if status in (400, 404, 415, 422, 501) and _FORMAT_WORDS.search(text):
        return ResponseFormatUnsupported(f"response_format refused ({status})")
    if status >= 500 or status in (408, 409):
        return TransientLLMError(f"server error ({status})")
    if status == 401:
        return PermanentLLMError("authentication failed (401)")
    if status == 403:
        return PermanentLLMError("permission denied (403)")
    if status == 404:
        return PermanentLLMError(f"model not found (404 {code or 'not_found'})")
    return PermanentLLMError(f"request refused ({status}): {detail}"[:200])


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms`, `retry-after` (seconds or an HTTP date), else None."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    return retry_after_seconds(headers.get("retry-after"))


def _context_size(message: str, body: Mapping[str, Any]) -> int | None:
    """The context window the server named: llama.cpp's `n_ctx`, else "maximum context length is N"."""
    n_ctx = body.get("n_ctx")
    if isinstance(n_ctx, int):
        return n_ctx
    found = _CONTEXT_SIZE.search(message)
    return int(found.group(1).replace(",", "")) if found else None


def _wants_completion(error: openai.BadRequestError) -> bool:
    """Whether a 400 says to send max_completion_tokens instead of max_tokens (OpenAI o-series)."""
    return error.param == "max_tokens" or "max_completion_tokens" in error.message
