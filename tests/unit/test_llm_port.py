"""The LLM port's errors: one base to catch, a short reason each, and what the caller needs."""

from __future__ import annotations

import pytest

from bot.writer.llm import (
    ContextTooLong,
    LLMError,
    PermanentLLMError,
    RateLimitedLLM,
    ResponseFormatUnsupported,
    TransientLLMError,
)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (RateLimitedLLM(), "rate limited (429)"),
        (ContextTooLong(), "context too long"),
        (ResponseFormatUnsupported(), "response_format refused"),
        (TransientLLMError(), "transient failure"),
        (PermanentLLMError(), "permanent failure"),
    ],
)
def test_every_error_is_an_llm_error_with_a_short_reason(error: LLMError, reason: str) -> None:
    assert isinstance(error, LLMError)
    assert error.reason == reason
    assert str(error) == reason


def test_what_the_caller_needs_to_act() -> None:
    assert RateLimitedLLM(7.5).retry_after == 7.5
    assert RateLimitedLLM().retry_after is None
    assert ContextTooLong("context too long (400)", 8192).context_tokens == 8192
    assert TransientLLMError("server error (503)").reason == "server error (503)"
