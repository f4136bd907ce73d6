"""The port the digest writer talks to: one chat completion, and the errors that tell it what next.

The core never imports an LLM SDK (a test asserts it): an adapter in handlers/llm_adapter turns
these plain requests into calls to an OpenAI-compatible server and every failure into one of the
errors below. Each error says what the caller should do, not what the server said: wait, shrink
the input, ask in a plainer format, try again, or give up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

ResponseFormat = Literal["json_schema", "json_object", "text"]


@dataclass(frozen=True)
class ChatRequest:
    """One chat completion to ask for.

    `schema` is the JSON schema of the answer, sent only with `response_format="json_schema"`.
    `max_tokens` caps the answer's length (None: the server's default).
    """

    model: str
    messages: list[dict[str, str]]
    response_format: ResponseFormat
    schema: dict[str, Any] | None
    max_tokens: int | None


@dataclass(frozen=True)
class ChatAnswer:
    """What the server answered: the text (or a refusal), why it stopped, and what it cost.

    `model` is the model the server says answered (often a dated snapshot of the one asked for);
    token counts are 0 when the server reports no usage.
    """

    content: str | None
    refusal: str | None
    finish_reason: str | None
    tokens_in: int
    tokens_out: int
    model: str


class LLMError(Exception):
    """A chat completion failed; `reason` is short enough for a log or stats line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimitedLLM(LLMError):
    """429: wait `retry_after` seconds (None: the server did not say) and try again."""

    def __init__(self, retry_after: float | None = None, reason: str = "rate limited (429)") -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class ContextTooLong(LLMError):
    """The prompt does not fit the model's context window: send less source text.

    `context_tokens` is the window the server named in its error, when it did.
    """

    def __init__(self, reason: str = "context too long", context_tokens: int | None = None) -> None:
        super().__init__(reason)
        self.context_tokens = context_tokens


class ResponseFormatUnsupported(LLMError):
    """The server refused the response_format asked for: ask again in a plainer one."""

    def __init__(self, reason: str = "response_format refused") -> None:
        super().__init__(reason)


class TransientLLMError(LLMError):
    """5xx, a timeout, a broken connection: the same request may well succeed later."""

    def __init__(self, reason: str = "transient failure") -> None:
        super().__init__(reason)


class PermanentLLMError(LLMError):
    """Bad credentials, an unknown model, a request the server will never accept: do not retry."""

    def __init__(self, reason: str = "permanent failure") -> None:
        super().__init__(reason)


class LanguageModel(Protocol):
    """A chat-completion endpoint. Implementations raise only the LLMError subclasses above."""

    async def chat(self, request: ChatRequest) -> ChatAnswer: ...

    async def close(self) -> None: ...
