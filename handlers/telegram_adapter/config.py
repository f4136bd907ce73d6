"""The Telegram settings (PAPERBOY_TELEGRAM__*) and the checks that need more than one of them."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr

from bot.settings_errors import HIDDEN, listed
from bot.settings_types import WebUrl

TELEGRAM_API_HOST = "api.telegram.org"
WEBHOOK_PORTS = (443, 80, 88, 8443)  # the only ones Telegram's servers send webhooks to
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class TelegramSettings(BaseModel):
    """The Telegram bot (python-telegram-bot). No token: Telegram stays off."""

    token: SecretStr | None = Field(None, description="Bot token from @BotFather.")
    api_url: WebUrl = Field(
        "https://api.telegram.org/bot",
        description="Bot API base URL (a local telegram-bot-api server, a test fake); the token follows.",
    )
    webhook_url: WebUrl | None = Field(
        None,
        description="Public HTTPS URL Telegram POSTs updates to (served on the server port); unset: polling.",
    )
    webhook_secret: SecretStr | None = Field(
        None,
        description="Secret sent with every webhook update (1-256 of A-Z a-z 0-9 _ -); random if unset.",
    )
    rate_per_second: int = Field(
        30, ge=1, le=1000, description="Messages per second overall (up to 1000 with paid broadcasts)."
    )
    paid_broadcast: bool = Field(False, description="Send pushes with allow_paid_broadcast (Telegram Stars).")

    def configured(self) -> bool:
        """A bot token turns Telegram on."""
        return self.token is not None

    def problems(self, variable: Callable[[str], str]) -> list[str]:
        return _problems(self, variable)


def _problems(telegram: TelegramSettings, variable: Callable[[str], str]) -> list[str]:
    """What the fields cannot say alone: a webhook without a token, and Telegram's rules for webhooks."""
    token, url, secret = (variable(name) for name in ("token", "webhook_url", "webhook_secret"))
    problems = []
    if telegram.token is None:
        webhook = [
            name
            for name, value in ((url, telegram.webhook_url), (secret, telegram.webhook_secret))
            if value is not None
        ]
        if webhook:
            problems.append(
                f"{listed(webhook)} set but {token} is not: Telegram needs the bot token from @BotFather "
                "(or leave the webhook settings empty)"
            )
    elif telegram.webhook_secret is not None and telegram.webhook_url is None:
        problems.append(
            f"{secret} is set but {url} is not: the secret is for webhook mode; set the URL, "
            "or leave the secret empty to long-poll"
        )
    if telegram.webhook_url is not None and urlsplit(telegram.api_url).hostname == TELEGRAM_API_HOST:
        parts = urlsplit(telegram.webhook_url)  # a local Bot API server also takes http and any port
        if parts.scheme.lower() != "https":
            problems.append(
                f"{url}={telegram.webhook_url}: expected an https:// URL "
                "(Telegram sends webhooks over HTTPS only)"
            )
        elif (parts.port or 443) not in WEBHOOK_PORTS:
            problems.append(
                f"{url}={telegram.webhook_url}: expected port 443, 80, 88 or 8443 "
                "(the ports Telegram sends webhooks to)"
            )
    if telegram.webhook_secret is not None and not _WEBHOOK_SECRET.fullmatch(
        telegram.webhook_secret.get_secret_value()
    ):
        problems.append(
            f"{secret}={HIDDEN}: expected 1 to 256 characters, each a letter (A-Z, a-z), a digit, _ or -"
        )
    return problems
