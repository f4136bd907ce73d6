"""Settings a person can fix from one look: each problem is one line that names the variable
(PAPERBOY_..., nested groups joined by `__`) and says what it accepts; never a traceback, never a
secret's value.

`load_settings` is what `paperboy` calls first: it reads Settings, turns pydantic's ValidationError
into those lines (from each error's location and the field's type and bounds, so a new setting is
covered without a word here) and adds what pydantic cannot see field by field: numbers that are not
finite, and platforms configured by halves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import SettingsError as UnparsableSetting

from bot.config import Settings, SlackSettings, TelegramSettings
from bot.errors import PaperboyError
from bot.settings_types import URL_ERROR, choices, group, members

HIDDEN = "[redacted]"
TELEGRAM_API_HOST = "api.telegram.org"
WEBHOOK_PORTS = (443, 80, 88, 8443)  # the only ones Telegram's servers send webhooks to
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_SLACK_PREFIX = re.compile(r"xox[a-z]-|xapp-")
_SHOWN_CHARS = 60
# Errors whose message already says what is expected (our own types, model validators).
_OWN_MESSAGES = frozenset({URL_ERROR, "value_error", "assertion_error"})


class SettingsError(PaperboyError):
    """The settings cannot be used; `lines` holds one sentence per problem."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))

    def report(self) -> str:
        return "\n".join(f"paperboy: {line}" for line in self.lines)


def load_settings(db: Path | None = None) -> Settings:
    """Settings from the environment and `.env` (`db` overrides PAPERBOY_DB_PATH), checked whole;
    raises SettingsError with every problem found."""
    overrides: dict[str, Any] = {"db_path": db} if db else {}
    try:
        settings = Settings(**overrides)
    except ValidationError as err:
        raise SettingsError(describe(err)) from None
    except UnparsableSetting as err:  # a group given whole (PAPERBOY_SERVER=...) that is not JSON
        raise SettingsError([_unparsable(err)]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise SettingsError([f"cannot read the .env file: {err}"]) from None
    problems = check(settings)
    if problems:
        raise SettingsError(problems)
    return settings


def variable(*path: str, model: type[BaseModel] = Settings) -> str:
    """The environment variable of a setting: ("server", "port") is PAPERBOY_SERVER__PORT."""
    name, _ = _locate(model, path)
    return name


def describe(error: ValidationError, model: type[BaseModel] = Settings) -> list[str]:
    """One line per bad variable: `PAPERBOY_SERVER__PORT=abc: expected a whole number from 0 to 65535`."""
    lines = []
    for item in error.errors(include_url=False):
        name, field = _locate(model, item["loc"])
        lines.append(f"{name}{_shown(item.get('input'), field)}: expected {_expected(item, field)}")
    return list(dict.fromkeys(lines))  # a union's members may each report the same value


def accepts(field: FieldInfo) -> str | None:
    """What a field accepts, in words, from its type and bounds (None for a type not known here); a
    field may say it itself (`json_schema_extra={"accepts": ...}`) where its type cannot."""
    extra = field.json_schema_extra
    if isinstance(extra, dict) and isinstance(extra.get("accepts"), str):
        return str(extra["accepts"])
    kinds = members(field.annotation)
    if allowed := choices(field.annotation):
        return f"one of {', '.join(allowed)} (in any case)"
    if group(field.annotation) is not None:
        return "a JSON object, or its variables one by one"
    kind = kinds[0] if len(kinds) == 1 else None
    if kind is bool:
        return "true or false (also yes/no, on/off, 1/0)"
    if kind is int:
        return "a whole number" + _bounds(field)
    if kind is float:
        return "a number" + _bounds(field)
    if kind is Path:
        return "a file path"
    if kind in (str, SecretStr):
        return "text" + _lengths(field)
    return None


def check(settings: Settings) -> list[str]:
    """What validation field by field lets through: infinite or NaN numbers, half-configured
    platforms, and Telegram's rules for webhooks."""
    not_finite = [
        f"{name}={value}: expected {accepts(field)}"
        for name, field, value in _leaves(settings)
        if isinstance(value, float) and not math.isfinite(value)
    ]
    return not_finite + _telegram(settings.telegram) + _slack(settings.slack)


def _telegram(telegram: TelegramSettings) -> list[str]:
    token, url, secret = (variable("telegram", name) for name in ("token", "webhook_url", "webhook_secret"))
    problems = []
    if telegram.token is None:
        webhook = [
            name
            for name, value in ((url, telegram.webhook_url), (secret, telegram.webhook_secret))
            if value is not None
        ]
        if webhook:
            problems.append(
                f"{_listed(webhook)} set but {token} is not: Telegram needs the bot token from @BotFather "
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


def _slack(slack: SlackSettings) -> list[str]:
    bot, signing, app = (variable("slack", name) for name in ("bot_token", "signing_secret", "app_token"))
    problems = []
    if slack.bot_token is None:
        others = [
            name
            for name, value in ((signing, slack.signing_secret), (app, slack.app_token))
            if value is not None
        ]
        if others:
            problems.append(f"{_listed(others)} set but {bot} is not: Slack needs the bot token (xoxb-…) too")
    elif slack.signing_secret is None and slack.app_token is None:
        problems.append(
            f"{bot} is set but neither {signing} (HTTP mode) nor {app} (Socket Mode) is: set one of them"
        )
    for name, value, kind, prefix in (
        (bot, slack.bot_token, "a bot token", "xoxb-"),
        (app, slack.app_token, "an app-level token", "xapp-"),
    ):
        if value is not None and not value.get_secret_value().startswith(prefix):
            shown = _SLACK_PREFIX.match(value.get_secret_value())  # public: says which token it is
            problems.append(
                f"{name}={HIDDEN}: expected {kind}, which starts with {prefix}"
                + (f" (this one starts with {shown.group()})" if shown else "")
            )
    return problems


def _listed(names: list[str]) -> str:
    return f"{names[0]} is" if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]} are"


def _leaves(model: BaseModel, prefix: str | None = None) -> Iterator[tuple[str, FieldInfo, Any]]:
    """(variable, field, value) for every setting, nested groups walked."""
    prefix = _prefix(type(model)) if prefix is None else prefix
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _leaves(value, f"{prefix}{name.upper()}{_delimiter()}")
        else:
            yield f"{prefix}{name.upper()}", field, value


def _prefix(model: type[BaseModel]) -> str:
    return str(model.model_config.get("env_prefix", ""))


def _delimiter() -> str:
    return str(Settings.model_config.get("env_nested_delimiter") or "__")


def _locate(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, FieldInfo | None]:
    """The variable an error location names, and the field there (None for the whole model)."""
    parts: list[str] = []
    current: type[BaseModel] | None = model
    field = None
    for part in loc:
        if current is None or not isinstance(part, str) or part not in current.model_fields:
            break  # past the field: a union member's tag, a list index
        field = current.model_fields[part]
        parts.append(part.upper())
        current = group(field.annotation)
    if not parts:
        return "the settings", None
    return _prefix(model) + _delimiter().join(parts), field


def _secret(field: FieldInfo | None) -> bool:
    return field is not None and SecretStr in members(field.annotation)


def _shown(value: Any, field: FieldInfo | None) -> str:
    """`=value` as the user gave it, shortened; hidden for a secret, left out for a group."""
    if value is None or isinstance(value, dict | BaseModel):
        return ""
    if _secret(field):
        return f"={HIDDEN}"
    text = str(value)
    return "=" + (text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…")


def _expected(item: Any, field: FieldInfo | None) -> str:
    message = str(item["msg"])
    if item["type"] in _OWN_MESSAGES or field is None:
        message = re.sub(r"^(Value|Assertion) error, ", "", message)
        return message[:1].lower() + message[1:]
    return accepts(field) or message[:1].lower() + message[1:]


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _bounds(field: FieldInfo) -> str:
    """` from 0 to 65535`, ` greater than 0`, ` of at least 1`: a number field's bounds in words."""
    ge = gt = le = lt = None
    for item in field.metadata:
        if isinstance(item, Ge):
            ge = _number(item.ge)
        elif isinstance(item, Gt):
            gt = _number(item.gt)
        elif isinstance(item, Le):
            le = _number(item.le)
        elif isinstance(item, Lt):
            lt = _number(item.lt)
    if ge is not None and le is not None:
        return f" from {ge} to {le}"
    words = [
        f"{wording} {limit}"
        for wording, limit in (("of at least", ge), ("greater than", gt), ("at most", le), ("less than", lt))
        if limit is not None
    ]
    return " " + " and ".join(words) if words else ""


def _lengths(field: FieldInfo) -> str:
    """` of 1 to 256 characters` and the like: a text field's length bounds in words."""
    shortest = next((item.min_length for item in field.metadata if isinstance(item, MinLen)), None)
    longest = next((item.max_length for item in field.metadata if isinstance(item, MaxLen)), None)
    if shortest is not None and longest is not None:
        return f" of {shortest} to {longest} characters"
    if longest is not None:
        return f" of at most {longest} characters"
    return f" of at least {shortest} characters" if shortest is not None else ""


def _unparsable(err: UnparsableSetting) -> str:
    """pydantic-settings says `error parsing value for field "server" from source ...`."""
    match = re.search(r'field "(\w+)"', str(err))
    if match is None or match.group(1) not in Settings.model_fields:
        return f"cannot read the settings: {err}"
    name = variable(match.group(1))
    return f"{name}: expected a JSON object, or set {name}{_delimiter()}<SETTING> variables one by one"
