"""Writing one paper's sections: ask, check, and retry until an answer is good or attempts run out.

Every failure has its own remedy: a server that refuses a response_format is asked in a plainer one
(and the FormatLadder remembers it for the next papers), a prompt too long for the context window
is sent again with half the source text, a 429 waits for Retry-After, 5xx and timeouts back off
exponentially with jitter, and a bad answer (malformed, cut short, wrong script, refused) is asked
again at once: waiting does not change a model's mind, it only makes the day's run longer. A
summary stating numbers the source does not is asked again once, with the numbers named; if the
next one is no better, the best of them is kept and marked unverified. Tokens of every attempt are
counted, failures too, because the budget pays for them.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.writer.answer import BadAnswer, parse_sections, unverified_numbers
from bot.writer.llm import (
    ChatAnswer,
    ChatRequest,
    ContextTooLong,
    LanguageModel,
    LLMError,
    PermanentLLMError,
    RateLimitedLLM,
    ResponseFormat,
    ResponseFormatUnsupported,
)
from bot.writer.prompt import ANSWER_SCHEMA, SECTION_HEADINGS, SECTION_KEYS, build_messages, numbers_note
from bot.writer.tokens import cut_to_tokens, estimate_tokens

__all__ = ["FormatLadder", "RetryPolicy", "SummaryFailed", "Written", "cut_to_tokens", "write_sections"]

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try for one paper.

    `max_attempts` counts answers and failures alike, but not the requests a format downgrade or a
    context shrink costs: those change the request, and each can happen only a few times.
    `max_retry_after`: a 429 asking to wait longer than this (a spent daily quota) fails the paper at
    once, so the caller can stop the batch instead of sleeping through it. `max_tokens` caps the
    answer and doubles (up to `max_tokens_cap`) after an answer cut short by it.
    """

    max_attempts: int = 4
    base_delay: float = 2.0
    max_delay: float = 60.0
    jitter: float = 0.5  # each backoff delay is multiplied by a random factor in [1 - jitter, 1]
    max_retry_after: float = 300.0
    max_tokens: int | None = 2_048
    max_tokens_cap: int = 8_192
    min_source_tokens: int = 1_000

    def backoff(self, retry: int, draw: float) -> float:
        """The wait before retry number `retry` (1, 2, ...); `draw` is uniform in [0, 1)."""
        delay = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return delay * (1.0 - self.jitter * draw)


_LADDER: tuple[ResponseFormat, ...] = ("json_schema", "json_object", "text")


@dataclass
class FormatLadder:
    """The response_format to ask for, shared by every paper of a run (or of a process).

    It only goes down: once a server refused json_schema, the next papers ask for json_object
    straight away instead of each paying a refused request first. Papers written at the same time
    that were all refused move it down one step together, not one step each.
    """

    current: ResponseFormat = "json_schema"
    refused: dict[str, str] = field(default_factory=dict)  # format -> the server's reason

    def step_down(self, refused: ResponseFormat, reason: str) -> bool:
        """Record that `refused` was refused; False when there is no plainer format left."""
        self.refused[refused] = reason
        if _LADDER.index(self.current) > _LADDER.index(refused):
            return True  # another paper already stepped down past it
        if self.current == _LADDER[-1]:
            return False
        self.current = _LADDER[_LADDER.index(self.current) + 1]
        return True


@dataclass(frozen=True)
class Written:
    """A paper's sections, (heading, text) in SECTION_HEADINGS order, and what writing them took.

    `verified` is False when the summary states numbers the source does not (`unverified`).
    `attempts` counts every request made, format downgrades and context shrinks included.
    """

    sections: tuple[tuple[str, str], ...]
    tokens_in: int
    tokens_out: int
    model: str
    verified: bool
    attempts: int
    unverified: tuple[str, ...] = ()
    response_format: ResponseFormat = "json_schema"
    source_tokens: int = 0  # the estimate of the source text finally sent


class SummaryFailed(Exception):
    """No usable summary: `reason` is one line ("malformed JSON after 4 attempts"), tokens spent too.

    `error` is the last failure; a PermanentLLMError (bad key, unknown model) or a long Retry-After
    will fail every other paper as well, so a caller may stop the batch on it.
    """

    def __init__(
        self, reason: str, tokens_in: int, tokens_out: int, error: LLMError | BadAnswer | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.tokens_in = tokens_in
        self.tokens_out = tokens_out
        self.error = error


@dataclass
class _Kept:
    """The best answer so far that stated unverified numbers."""

    sections: dict[str, str]
    unverified: list[str]
    model: str
    response_format: ResponseFormat


@dataclass
class _Run:
    """The mutable state of one write_sections call."""

    source: str
    max_tokens: int | None
    tokens_in: int = 0
    tokens_out: int = 0
    requests: int = 0
    failures: int = 0  # attempts that count against max_attempts
    note: list[str] = field(default_factory=list)  # numbers a retry is told not to state
    kept: _Kept | None = None
    reason: str = "no attempt made"
    error: LLMError | BadAnswer | None = None

    def fail(self, reason: str, error: LLMError | BadAnswer | None) -> SummaryFailed:
        return SummaryFailed(reason, self.tokens_in, self.tokens_out, error)


async def write_sections(
    llm: LanguageModel,
    *,
    model: str,
    title: str,
    source_text: str,
    language: str,
    policy: RetryPolicy,
    ladder: FormatLadder | None = None,
    sleep: Sleep = asyncio.sleep,
    draw: Callable[[], float] = random.random,
) -> Written:
    """Ask `llm` for `title`'s sections in `language`, retrying as the module docstring says.

    `ladder` carries format downgrades across papers (a fresh one when None); `sleep` and `draw`
    (the jitter's random source) are injectable so tests neither wait nor guess. Numbers are checked
    against the title and the whole source text, even when only part of it could be sent.
    Raises SummaryFailed.
    """
    ladder = ladder if ladder is not None else FormatLadder()
    run = _Run(source=source_text, max_tokens=policy.max_tokens)
    facts = f"{title}\n{source_text}"
    while run.failures < policy.max_attempts:
        request_format = ladder.current
        messages = build_messages(title, run.source, language)
        if run.note:
            messages.append(numbers_note(run.note))
        request = ChatRequest(
            model=model,
            messages=messages,
            response_format=request_format,
            schema=ANSWER_SCHEMA if request_format == "json_schema" else None,
            max_tokens=run.max_tokens,
        )
        run.requests += 1
        try:
            answer = await llm.chat(request)
        except ResponseFormatUnsupported as error:
            if not ladder.step_down(request_format, error.reason):
                raise run.fail(f"{error.reason} (no plainer format left)", error) from error
            continue
        except ContextTooLong as error:
            _shrink(run, error, policy)
            continue
        except RateLimitedLLM as error:
            run.failures += 1
            run.reason, run.error = "rate limited (429)", error
            if error.retry_after is not None and error.retry_after > policy.max_retry_after:
                raise run.fail(f"rate limited (429), retry after {error.retry_after:g} s", error) from error
            if run.failures < policy.max_attempts:
                wait = error.retry_after
                await sleep(wait if wait is not None else policy.backoff(run.failures, draw()))
            continue
        except PermanentLLMError as error:
            raise run.fail(error.reason, error) from error
        except LLMError as error:  # TransientLLMError, and any other the port may grow
            run.failures += 1
            run.reason, run.error = error.reason, error
            if run.failures < policy.max_attempts:
                await sleep(policy.backoff(run.failures, draw()))
            continue
        run.failures += 1
        written = _check(run, answer, request_format, facts, language, policy)
        if written is not None:
            return written
    if run.kept is not None:
        return _written(run, run.kept.sections, run.kept.model, run.kept.response_format, run.kept.unverified)
    raise run.fail(f"{run.reason} after {run.requests} attempts", run.error)


def _check(
    run: _Run,
    answer: ChatAnswer,
    request_format: ResponseFormat,
    facts: str,
    language: str,
    policy: RetryPolicy,
) -> Written | None:
    """Count the answer's tokens and return it as Written if it is good enough; else note why not."""
    run.tokens_in += answer.tokens_in
    run.tokens_out += answer.tokens_out
    if answer.refusal or answer.finish_reason == "content_filter":
        run.reason = "refusal"
        run.error = BadAnswer(run.reason)
        return None
    if answer.finish_reason == "length":
        run.reason = "answer cut short (finish_reason length)"
        run.error = BadAnswer(run.reason)
        if run.max_tokens is not None:
            run.max_tokens = min(policy.max_tokens_cap, run.max_tokens * 2)
        return None
    try:
        sections = parse_sections(answer.content or "", language)
    except BadAnswer as bad:
        run.reason, run.error = bad.reason, bad
        return None
    unverified = unverified_numbers(sections, facts)
    if not unverified:
        return _written(run, sections, answer.model, request_format, [])
    if run.kept is None or len(unverified) <= len(run.kept.unverified):
        run.kept = _Kept(sections, unverified, answer.model, request_format)
    if run.note:  # this was the one retry for numbers: keep the best and say it is unverified
        kept = run.kept
        return _written(run, kept.sections, kept.model, kept.response_format, kept.unverified)
    run.note = unverified
    run.reason = f"unverified numbers ({', '.join(unverified)})"
    run.error = BadAnswer(run.reason)
    return None


def _shrink(run: _Run, error: ContextTooLong, policy: RetryPolicy) -> None:
    """Cut the source to half (or to what the server's stated window allows), not below the floor."""
    have = estimate_tokens(run.source)
    if have <= policy.min_source_tokens:
        raise run.fail(f"context too long even with ~{have:,} tokens of source", error) from error
    target = have // 2
    if error.context_tokens is not None:
        room = error.context_tokens - (run.max_tokens or 0) - 1_000  # the prompt around the source
        target = min(target, int(room * 0.8))  # 0.8: our estimate may count fewer tokens than theirs
    run.source = cut_to_tokens(run.source, max(policy.min_source_tokens, target))
    run.reason, run.error = "context too long", error


def _written(
    run: _Run,
    sections: dict[str, str],
    model: str,
    response_format: ResponseFormat,
    unverified: list[str],
) -> Written:
    pairs = zip(SECTION_HEADINGS, SECTION_KEYS, strict=True)
    return Written(
        sections=tuple((heading, sections[key]) for heading, key in pairs),
        tokens_in=run.tokens_in,
        tokens_out=run.tokens_out,
        model=model,
        verified=not unverified,
        attempts=run.requests,
        unverified=tuple(unverified),
        response_format=response_format,
        source_tokens=estimate_tokens(run.source),
    )
