"""Logging for `paperboy`: text lines for people or JSON lines for machines, and no secret in either.

Every SecretStr in the settings (the Telegram token, its key after the colon alone, the Slack tokens, the
signing secret, the webhook secret) is replaced by `MASK` wherever logging could print it. The SDKs log
request URLs (Telegram puts the token in the path: .../bot<token>/sendMessage), slack_sdk logs request
headers at DEBUG, and exceptions quote URLs in their messages, so a filter on our own loggers is not
enough. Redaction is hooked at three places, so a leak needs all three to miss:

1. A LogRecord factory, which sees every record of every logger (third-party ones, propagate=False ones,
   handlers added later): it formats the message with its args, renders the traceback and stack into the
   record's cached text, and redacts all three before any handler or formatter runs.
2. The formatters of the root handler and of `logging.lastResort`, which redact the finished line (extra=
   fields, attributes set after the record was made).
3. The formatters of handlers already attached to other loggers at configure time, wrapped the same way.

Uncaught exceptions (main thread and threads) and warnings go through logging too, so their tracebacks
and messages reach stderr redacted and, in JSON mode, as JSON lines. `redact()` is for the rest: error
messages printed to stderr or shown to users.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, SecretStr

from bot.config import CoreSettings

MASK = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Loggers that speak per request or per database call: one line per push message drowns everything else.
NOISY_LOGGERS = (
    "httpx",
    "httpcore",
    "aiohttp.access",
    "aiosqlite",
)

# The key part of an `id:key` secret (a Telegram token) is masked on its own only when it is this long:
# a short tail would mask ordinary words, and the id alone (the bot's user id) is public.
_MIN_KEY_LENGTH = 8

# Attributes every LogRecord has; anything else on a record came from `extra=` and goes into JSON lines.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

# The start-up line a person needs (where the HTTP server listens): routine, so INFO, yet shown whatever
# PAPERBOY_LOG_LEVEL says, in text and in JSON alike.
START_LOGGER = "paperboy.start"

log = logging.getLogger("paperboy")


class _Secrets:
    """The values to mask and one compiled pattern for all of them, swapped whole so readers need no lock."""

    def __init__(self) -> None:
        self._values: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self.pattern: re.Pattern[str] | None = None

    def replace(self, values: Iterable[str]) -> None:
        with self._lock:
            self._set(frozenset(values))

    def add(self, value: str) -> None:
        with self._lock:
            self._set(self._values | {value})

    def _set(self, values: frozenset[str]) -> None:
        self._values = values
        forms = {form for value in values for form in _forms(value)}
        # Longest first, so a whole token becomes one mask rather than "<id>:" plus a masked key.
        alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
        # IGNORECASE catches lower-case percent escapes (%3a); over-masking a case variant is harmless.
        self.pattern = re.compile(alternatives, re.IGNORECASE) if forms else None


def _forms(secret: str) -> set[str]:
    """The ways a secret shows up in text: as is, percent-encoded in a URL, and a token's key alone."""
    forms = {secret, quote(secret, safe="")}
    _, colon, key = secret.partition(":")
    if colon and len(key) >= _MIN_KEY_LENGTH:
        forms |= {key, quote(key, safe="")}
    return {form for form in forms if form}


_secrets = _Secrets()


def redact(text: str) -> str:
    """`text` with every known secret replaced by MASK: for error messages printed or shown to users."""
    pattern = _secrets.pattern
    return text if pattern is None else pattern.sub(MASK, text)


def register_secret(value: str) -> None:
    """Mask a secret made at run time (a random webhook secret) from now on, alongside the settings' ones."""
    if value:
        _secrets.add(value)


def _settings_secrets(model: BaseModel) -> Iterator[str]:
    """Every SecretStr value in the settings, nested groups included, so a new secret is masked unasked."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            yield value.get_secret_value()
        elif isinstance(value, BaseModel):
            yield from _settings_secrets(value)


class RedactingFormatter(logging.Formatter):
    """Formats with `inner` (a plain Formatter by default), then masks secrets in the finished line."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (ISO-8601 UTC), level, logger, message, exc_info, stack_info, extras.

    Fields are redacted before serialising: masking the serialised line instead could miss a secret that
    JSON escapes, or break the JSON.
    """

    def format(self, record: logging.LogRecord) -> str:
        created = datetime.fromtimestamp(record.created, UTC)
        payload: dict[str, Any] = {
            "ts": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        # The record's cached text first: the record factory rendered and redacted it already.
        exc_text = record.exc_text or (self.formatException(record.exc_info) if record.exc_info else "")
        if exc_text:
            payload["exc_info"] = redact(exc_text)
        if record.stack_info:
            payload["stack_info"] = redact(self.formatStack(record.stack_info))
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and key not in payload:
                payload[key] = _jsonable(value)
        return json.dumps(payload, ensure_ascii=False)


def _jsonable(value: object) -> object:
    """An `extra=` value as JSON, strings redacted; anything unknown as its redacted str()."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {redact(str(key)): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    return redact(str(value))


_PLAIN = logging.Formatter()


class _RedactingRecordFactory:
    """Wraps the LogRecord factory: each record leaves it with message, traceback and stack redacted.

    The message is formatted here once (args merged in) because an arg's str() may hold a secret (an
    httpx.URL); the traceback is rendered into `exc_text`, the cache every standard Formatter prints.
    """

    def __init__(self, base: Callable[..., logging.LogRecord]) -> None:
        self.base = base

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.base(*args, **kwargs)
        if _secrets.pattern is None:
            return record
        try:
            message = record.getMessage()
        except Exception:  # args that do not fit the format: keep the line rather than a raw error dump
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(_PLAIN.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record


def _log_uncaught(exc_type: type[BaseException], exc: BaseException, traceback: TracebackType | None) -> None:
    """sys.excepthook: a crash's traceback goes through logging, redacted, instead of raw to stderr."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, traceback)
        return
    log.critical("uncaught exception", exc_info=exc)


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    """threading.excepthook: like _log_uncaught, for a thread that dies (SystemExit ends it quietly)."""
    if issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread else "?"
    log.critical("uncaught exception in thread %s", name, exc_info=args.exc_value)


def configure_logging(settings: CoreSettings, sdk_loggers: Iterable[str] = ()) -> None:
    """Set up logging for the process from the settings: level, format, quiet SDKs (the platforms'
    `sdk_loggers` too), and redaction.

    Call it once, first thing in main(), before any SDK logs. It replaces the root handlers (a line on
    stderr per record) and starts the secret list afresh from `settings`; `register_secret` adds to it.
    """
    _secrets.replace(_settings_secrets(settings))
    level = logging.getLevelNamesMapping()[settings.log_level]
    text = RedactingFormatter(logging.Formatter(TEXT_FORMAT))
    formatter = JsonFormatter() if settings.log_format == "json" else text

    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(level)

    # Used for records of a propagate=False logger that has no handler of its own.
    last_resort = logging.StreamHandler(sys.stderr)
    last_resort.setLevel(logging.WARNING)
    last_resort.setFormatter(formatter)
    logging.lastResort = last_resort

    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            for own in logger.handlers:
                if not isinstance(own.formatter, RedactingFormatter | JsonFormatter):
                    own.setFormatter(RedactingFormatter(own.formatter))

    # DEBUG shows the SDKs' request lines (INFO) but not their wire chatter; INFO and up keeps them to
    # warnings, so a push round is not a line per message.
    quiet = max(level, logging.INFO if level <= logging.DEBUG else logging.WARNING)
    for name in (*NOISY_LOGGERS, *sdk_loggers):
        logging.getLogger(name).setLevel(quiet)
    logging.getLogger(START_LOGGER).setLevel(min(level, logging.INFO))

    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RedactingRecordFactory):
        logging.setLogRecordFactory(_RedactingRecordFactory(factory))
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_thread_exception
