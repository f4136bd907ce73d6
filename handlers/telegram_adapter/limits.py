"""One send budget per bot token: command answers and the push draw from the same limiter.

Telegram counts every message a bot sends against its overall limit, whichever part of the bot
sent it; PTB's rate-limiter hook lets the answers take their slots in the same sequence as the push.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import BaseRateLimiter

from bot.ratelimit import RateKey, RateLimiter

SENDS = frozenset({"sendMessage", "sendPhoto"})


def overall_key(rate_per_second: int) -> RateKey:
    """The bot-wide cap, evenly spaced (see RateLimiter)."""
    return RateKey("telegram", rate_per_second, 1.0, smooth=True, overall=True)


class SharedRateLimiter(BaseRateLimiter[None]):
    """PTB's rate-limiter hook over the process's RateLimiter, for messages sent as answers."""

    def __init__(self, limiter: RateLimiter, rate_per_second: int) -> None:
        self._limiter = limiter
        self._overall = overall_key(rate_per_second)

    async def initialize(self) -> None:
        """Nothing to set up: the limiter lives as long as the process."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint in SENDS:
            chat = data.get("chat_id")
            await self._limiter.acquire([self._overall, RateKey(f"telegram:{chat}", 1, 1.0)])
        return await callback(*args, **kwargs)
