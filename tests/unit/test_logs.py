"""Logging: text or JSON lines, quiet SDKs, and no secret in any line, however it gets there.

Output is read from real handlers (the root handler on stderr via capsys, StringIO handlers a
third-party library might attach) and from a real child process; nothing is mocked.
"""

from __future__ import annotations

import http.server
import io
import json
import logging
import os
import re
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote

import httpx
import pytest
from pydantic import SecretStr

from bot.logs import MASK, NOISY_LOGGERS, configure_logging, redact, register_secret
from bot.platforms import Settings
from handlers.slack_adapter.config import SlackSettings
from handlers.telegram_adapter.config import TelegramSettings
from tests.conftest import REPO

TG_TOKEN = "7012345678:AAHd3kTqZ9xW2bV8nM4pL6sR1tY5uI0oPqE"
TG_KEY = TG_TOKEN.partition(":")[2]
SLACK_BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_APP = "xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef"
SIGNING = "8f14e45fceea167a5a36dedd4bea2543"
WEBHOOK = "hook-Secret_0123456789"
SECRETS = (TG_TOKEN, TG_KEY, quote(TG_TOKEN, safe=""), SLACK_BOT, SLACK_APP, SIGNING, WEBHOOK)
SEND_URL = f"https://api.telegram.org/bot{TG_TOKEN}/sendMessage"

Level = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
Format = Literal["text", "json"]


def _settings(level: Level = "DEBUG", fmt: Format = "text") -> Settings:
    return Settings(
        _env_file=None,
        log_level=level,
        log_format=fmt,
        telegram=TelegramSettings(token=SecretStr(TG_TOKEN), webhook_secret=SecretStr(WEBHOOK)),
        slack=SlackSettings(
            bot_token=SecretStr(SLACK_BOT), signing_secret=SecretStr(SIGNING), app_token=SecretStr(SLACK_APP)
        ),
    )


def _assert_no_secret(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert not leaked, f"{leaked} in {text!r}"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state; put it back so other tests see stock logging."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    factory, last_resort = logging.getLogRecordFactory(), logging.lastResort
    hooks = sys.excepthook, threading.excepthook
    levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield
    configure_logging(Settings(_env_file=None))  # an empty secret list
    logging.captureWarnings(False)
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.setLogRecordFactory(factory)
    logging.lastResort = last_resort
    sys.excepthook, threading.excepthook = hooks
    for name, noisy_level in levels.items():
        logging.getLogger(name).setLevel(noisy_level)


@pytest.fixture
def private_logger() -> Iterator[Callable[[str], logging.Logger]]:
    """Makes propagate=False loggers, as some libraries have; undone after, since pytest attaches its
    capture handlers to every non-propagating logger it finds at the start of a test."""
    made: list[logging.Logger] = []

    def make(name: str) -> logging.Logger:
        logger = logging.getLogger(name)
        logger.propagate = False
        made.append(logger)
        return logger

    yield make
    for logger in made:
        logger.propagate = True
        logger.handlers.clear()


def _log_everything(logger: logging.Logger) -> None:
    """A secret by every road: message, %-args (a str and an object), extra=, a chained traceback."""
    logger.warning(f"token is {TG_TOKEN}, slack {SLACK_BOT}")
    logger.warning("POST %s with signing secret %s", httpx.URL(SEND_URL), SIGNING)
    logger.warning("headers", extra={"headers": {"Authorization": f"Bearer {SLACK_APP}"}, "url": SEND_URL})
    logger.warning("key alone: %s, webhook %s, encoded %s", TG_KEY, WEBHOOK, quote(SEND_URL, safe=""))
    try:
        try:
            raise ConnectionError(f"Slack refused {SLACK_BOT}")
        except ConnectionError as cause:
            raise RuntimeError(f"Client error '401 Unauthorized' for url '{SEND_URL}'") from cause
    except RuntimeError:
        logger.exception("send failed for %s", TG_TOKEN, stack_info=True)


def test_text_lines_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(_env_file=None))
    logging.getLogger("paperboy.test").warning("hello %s", "world")
    logging.getLogger("paperboy.test").info("below the default WARNING")
    line = capsys.readouterr().err
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING paperboy\.test: hello world\n", line)


def test_json_lines_parse_and_carry_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(_settings("INFO", "json"))
    log = logging.getLogger("paperboy.push")
    log.info("sent %s to %d chats", "2502.15007", 3, extra={"chat_id": -1001, "tags": ("a", 1), "ok": True})
    try:
        int("not a number")
    except ValueError:
        log.exception("parse failed")
    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())

    assert datetime.fromisoformat(first["ts"]).utcoffset() == UTC.utcoffset(None)
    assert first["ts"].endswith("Z")
    assert abs((datetime.now(UTC) - datetime.fromisoformat(first["ts"])).total_seconds()) < 60
    assert first["level"] == "INFO"
    assert first["logger"] == "paperboy.push"
    assert first["message"] == "sent 2502.15007 to 3 chats"
    assert (first["chat_id"], first["tags"], first["ok"]) == (-1001, ["a", 1], True)
    assert "exc_info" not in first
    assert (second["level"], second["message"]) == ("ERROR", "parse failed")
    assert second["exc_info"].startswith("Traceback (most recent call last):")
    assert second["exc_info"].endswith("ValueError: invalid literal for int() with base 10: 'not a number'")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_secret_reaches_the_root_handler(fmt: Format, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(_settings("DEBUG", fmt))
    _log_everything(logging.getLogger("paperboy.delivery"))
    out = capsys.readouterr().err
    _assert_no_secret(out)
    assert f"api.telegram.org/bot{MASK}/sendMessage" in out
    assert "Slack refused" in out
    assert "The above exception was the direct cause" in out
    assert "in _log_everything" in out  # the stack_info
    if fmt == "json":
        records = [json.loads(line) for line in out.splitlines()]
        assert records[2]["headers"] == {"Authorization": f"Bearer {MASK}"}
        encoded = f"https%3A%2F%2Fapi.telegram.org%2Fbot{MASK}%2FsendMessage"
        assert records[3]["message"] == f"key alone: {MASK}, webhook {MASK}, encoded {encoded}"


def test_no_secret_from_a_third_party_logger_that_does_not_propagate(
    private_logger: Callable[[str], logging.Logger], capsys: pytest.CaptureFixture[str]
) -> None:
    """Handlers attached before configure_logging, after it, and none at all (logging.lastResort)."""
    before, after = io.StringIO(), io.StringIO()
    early = private_logger("thirdparty.early")
    early_handler = logging.StreamHandler(before)
    early_handler.setFormatter(
        logging.Formatter("%(levelname)s %(message)s url=%(url)s", defaults={"url": "-"})
    )
    early.addHandler(early_handler)

    configure_logging(_settings("DEBUG"))

    late = private_logger("thirdparty.late")
    late.addHandler(logging.StreamHandler(after))
    for logger in (early, late, private_logger("thirdparty.orphan")):
        _log_everything(logger)

    lines = before.getvalue(), after.getvalue(), capsys.readouterr().err
    for text in lines:
        _assert_no_secret(text)
        assert f"bot{MASK}/sendMessage" in text
        assert "ConnectionError: Slack refused" in text
    assert f"url=https://api.telegram.org/bot{MASK}/sendMessage" in lines[0]


def test_a_handlerless_logger_that_does_not_propagate_writes_json_too(
    private_logger: Callable[[str], logging.Logger], capsys: pytest.CaptureFixture[str]
) -> None:
    """logging.lastResort is replaced: its lines follow the chosen format, not bare messages."""
    configure_logging(_settings("WARNING", "json"))
    private_logger("thirdparty.orphan").warning("GET %s", SEND_URL, extra={"auth": SLACK_BOT})
    (record,) = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert (record["logger"], record["message"], record["auth"]) == (
        "thirdparty.orphan",
        f"GET https://api.telegram.org/bot{MASK}/sendMessage",
        MASK,
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_record_rebuilt_from_a_dict_is_masked_by_the_formatter(
    fmt: Format, capsys: pytest.CaptureFixture[str]
) -> None:
    """makeLogRecord (the socket and queue listeners' path) sets the message after the record factory ran."""
    configure_logging(_settings("DEBUG", fmt))
    fields = {
        "name": "remote",
        "levelno": logging.ERROR,
        "levelname": "ERROR",
        "msg": "GET %s",
        "args": (SEND_URL,),
    }
    logging.getLogger("remote").handle(logging.makeLogRecord(fields))
    out = capsys.readouterr().err
    _assert_no_secret(out)
    assert f"GET https://api.telegram.org/bot{MASK}/sendMessage" in out


class _BotApi(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the server's own access log is not under test."""


@pytest.fixture
def bot_api() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that answers every GET, for httpx to log requests to."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BotApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize(("level", "shown"), [("DEBUG", True), ("INFO", False)])
def test_httpx_request_lines_show_at_debug_only_and_redacted(
    level: Level, shown: bool, bot_api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(level))
    with httpx.Client() as client:
        client.get(f"{bot_api}/bot{TG_TOKEN}/getMe").raise_for_status()
    out = capsys.readouterr().err
    _assert_no_secret(out)
    assert (f"HTTP Request: GET {bot_api}/bot{MASK}/getMe" in out) is shown


def test_warnings_are_logged_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(_settings("WARNING", "json"))
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(f"deprecated call with {SLACK_BOT}", UserWarning, stacklevel=1)
    (record,) = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert record["logger"] == "py.warnings"
    assert f"UserWarning: deprecated call with {MASK}" in record["message"]


def test_redact_masks_every_form_and_keeps_the_rest() -> None:
    assert redact("nothing to hide") == "nothing to hide"
    configure_logging(_settings())
    assert redact(SEND_URL) == f"https://api.telegram.org/bot{MASK}/sendMessage"
    assert (
        redact(quote(SEND_URL, safe=""))
        == quote("https://api.telegram.org/bot", safe="") + MASK + "%2FsendMessage"
    )
    assert redact(quote(TG_TOKEN, safe="").lower()) == MASK
    assert redact(f"key={TG_KEY}") == f"key={MASK}"
    assert redact("bot 7012345678 is public") == "bot 7012345678 is public"
    assert redact(f"{SLACK_BOT} {SLACK_APP} {SIGNING} {WEBHOOK}") == " ".join([MASK] * 4)
    register_secret("made-at-run-time-0123")
    assert redact("secret_token=made-at-run-time-0123") == f"secret_token={MASK}"


@pytest.mark.slow  # a real Python process
def test_an_uncaught_exception_in_a_real_process_is_logged_redacted() -> None:
    """The path of a crash in main(): sys.excepthook, JSON on stderr, exit status 1."""
    code = (
        "import os\n"
        "from bot.platforms import Settings\n"
        "from bot.logs import configure_logging\n"
        "configure_logging(Settings(_env_file=None))\n"
        "raise RuntimeError(f\"401 for url 'https://api.telegram.org/bot{os.environ['PAPERBOY_TELEGRAM__TOKEN']}/getMe'\")\n"
    )
    env = os.environ | {
        "PAPERBOY_TELEGRAM__TOKEN": TG_TOKEN,
        "PAPERBOY_SLACK__SIGNING_SECRET": SIGNING,
        "PAPERBOY_LOG_FORMAT": "json",
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    _assert_no_secret(done.stderr)
    (record,) = (json.loads(line) for line in done.stderr.splitlines())
    assert (record["level"], record["message"]) == ("CRITICAL", "uncaught exception")
    assert record["exc_info"].endswith(
        f"RuntimeError: 401 for url 'https://api.telegram.org/bot{MASK}/getMe'"
    )
