"""Bad settings are one line per variable: its PAPERBOY_ name, the value (never a secret's), and
what it accepts, for every field of Settings, written from pydantic's errors rather than per variable."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import AfterValidator, BaseModel, ValidationError
from pydantic.fields import FieldInfo

from bot.platforms import Settings, load_settings
from bot.settings_errors import HIDDEN, SettingsError, accepts, describe
from bot.settings_types import choices, group, members


def _leaves(model: type[BaseModel], prefix: str = "PAPERBOY_") -> Iterator[tuple[str, FieldInfo]]:
    for name, field in model.model_fields.items():
        nested = group(field.annotation)
        if nested is not None:
            yield from _leaves(nested, f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}", field


def _limits(field: FieldInfo) -> dict[str, Any]:
    return {key: getattr(item, key) for item in field.metadata for key in ("ge", "gt", "le", "lt")
            if hasattr(item, key)}  # fmt: skip


def _bad_values(field: FieldInfo) -> list[str]:
    """Values each kind of field must refuse: not a number, out of bounds, not a choice, not a URL."""
    kinds = members(field.annotation)
    limits = _limits(field)
    if choices(field.annotation):
        return ["nope"]
    if kinds == [bool]:
        return ["nah", "2"]
    if kinds == [int]:
        return ["abc", "1.5", *([str(limits["ge"] - 1)] if "ge" in limits else []),
                *([str(limits["le"] + 1)] if "le" in limits else [])]  # fmt: skip
    if kinds == [float]:
        low = [str(limits["ge"] - 1)] if "ge" in limits else [str(limits["gt"])] if "gt" in limits else []
        return ["abc", "inf", "nan", *low, *([str(limits["le"] + 1)] if "le" in limits else [])]
    if any(isinstance(item, AfterValidator) for item in field.metadata):  # a URL
        return ["api.telegram.org", "ftp://example.org/", "https://"]
    if accepts(field) and "language codes" in str(accepts(field)):
        return ["ko,日本語!", "english"]
    return []  # text, paths and secrets take any value


CASES = [(name, bad) for name, field in _leaves(Settings) for bad in _bad_values(field)]


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in [name for name in os.environ if name.upper().startswith("PAPERBOY_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env of the working tree
    return monkeypatch


def test_every_kind_of_setting_is_covered() -> None:
    """Each field can say what it accepts; numbers, flags, choices and URLs each have bad values here."""
    for name, field in _leaves(Settings):
        assert accepts(field) or _bad_values(field), name
    assert len(CASES) > 40


@pytest.mark.parametrize(("name", "bad"), CASES)
def test_a_bad_value_is_one_line_naming_the_variable(
    name: str, bad: str, clean_environment: pytest.MonkeyPatch
) -> None:
    clean_environment.setenv(name, bad)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    [line] = caught.value.lines
    assert line.startswith(f"{name}={bad}: expected ")
    assert "Input should" not in line  # pydantic's wording gave way to what the variable accepts
    assert "\n" not in line


@pytest.mark.parametrize(
    ("name", "bad", "expected"),
    [
        ("PAPERBOY_SERVER__PORT", "abc", "a whole number from 0 to 65535"),
        ("PAPERBOY_HF__MAX_RETRIES", "11", "a whole number from 0 to 10"),
        ("PAPERBOY_PUSH__WORKERS", "0", "a whole number from 1 to 1000"),
        ("PAPERBOY_SEED_SAMPLE", "nah", "true or false (also yes/no, on/off, 1/0)"),
        ("PAPERBOY_LOG_LEVEL", "loud", "one of DEBUG, INFO, WARNING, ERROR (in any case)"),
        ("PAPERBOY_HF__TIMEOUT", "0", "a number greater than 0"),
        ("PAPERBOY_HF__TIMEOUT", "inf", "a number greater than 0"),
        ("PAPERBOY_PUSH__LEASE_SECONDS", "0", "a number of at least 1"),
        (
            "PAPERBOY_SLACK__API_URL",
            "slack.com/api",
            "an http:// or https:// URL, such as https://example.org/",
        ),
    ],
)
def test_the_line_says_what_the_variable_accepts(
    name: str, bad: str, expected: str, clean_environment: pytest.MonkeyPatch
) -> None:
    clean_environment.setenv(name, bad)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.lines == [f"{name}={bad}: expected {expected}"]


def test_every_bad_variable_is_reported_at_once_from_env_and_dotenv(
    clean_environment: pytest.MonkeyPatch,
) -> None:
    Path(".env").write_text("PAPERBOY_SERVER__PORT=abc\nPAPERBOY_PUSH__WORKERS=0\n", encoding="utf-8")
    clean_environment.setenv("PAPERBOY_SEED_SAMPLE", "nah")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert sorted(line.split("=")[0] for line in caught.value.lines) == [
        "PAPERBOY_PUSH__WORKERS", "PAPERBOY_SEED_SAMPLE", "PAPERBOY_SERVER__PORT"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "field"), [(name, field) for name, field in _leaves(Settings) if choices(field.annotation)]
)
def test_choices_are_taken_in_any_case(
    name: str, field: FieldInfo, clean_environment: pytest.MonkeyPatch
) -> None:
    for choice in choices(field.annotation):
        for typed in (choice.lower(), choice.upper(), choice.title(), f" {choice.swapcase()} "):
            clean_environment.setenv(name, typed)
            settings = load_settings()
            value: Any = settings
            for part in name.removeprefix("PAPERBOY_").lower().split("__"):
                value = getattr(value, part)
            assert value == choice


def test_a_secret_value_is_never_shown() -> None:
    """Whatever makes a secret field fail, the line names it and hides the value."""
    bad: dict[str, Any] = {"telegram": {"token": 73125488}, "database_url": ["postgresql://u:pw@h/db"]}
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **bad)
    assert describe(caught.value, Settings) == [
        f"PAPERBOY_DATABASE_URL={HIDDEN}: expected text",
        f"PAPERBOY_TELEGRAM__TOKEN={HIDDEN}: expected text",
    ]


def test_a_group_given_whole_that_is_not_json(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("PAPERBOY_SERVER", "port=8080")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.lines == [
        "PAPERBOY_SERVER: expected a JSON object, or set PAPERBOY_SERVER__<SETTING> variables one by one"
    ]


TG = "PAPERBOY_TELEGRAM__"
SL = "PAPERBOY_SLACK__"
TOKEN = {f"{TG}TOKEN": "123456:s3cr3t-telegram-token"}
HOOK = "https://bot.example.org/telegram"
SECRET_VALUE = "s3cr3t-value"
SECRET_RULE = "expected 1 to 256 characters, each a letter (A-Z, a-z), a digit, _ or -"


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({f"{TG}WEBHOOK_URL": HOOK},
         f"{TG}WEBHOOK_URL is set but {TG}TOKEN is not: Telegram needs the bot token from @BotFather "
         "(or leave the webhook settings empty)"),
        ({f"{TG}WEBHOOK_URL": HOOK, f"{TG}WEBHOOK_SECRET": SECRET_VALUE},
         f"{TG}WEBHOOK_URL and {TG}WEBHOOK_SECRET are set but {TG}TOKEN is not: Telegram needs the bot token "
         "from @BotFather (or leave the webhook settings empty)"),
        ({**TOKEN, f"{TG}WEBHOOK_SECRET": SECRET_VALUE},
         f"{TG}WEBHOOK_SECRET is set but {TG}WEBHOOK_URL is not: the secret is for webhook mode; "
         "set the URL, or leave the secret empty to long-poll"),
        ({**TOKEN, f"{TG}WEBHOOK_URL": "http://bot.example.org/telegram"},
         f"{TG}WEBHOOK_URL=http://bot.example.org/telegram: expected an https:// URL "
         "(Telegram sends webhooks over HTTPS only)"),
        ({**TOKEN, f"{TG}WEBHOOK_URL": "https://bot.example.org:8080/telegram"},
         f"{TG}WEBHOOK_URL=https://bot.example.org:8080/telegram: expected port 443, 80, 88 or 8443 "
         "(the ports Telegram sends webhooks to)"),
        ({**TOKEN, f"{TG}WEBHOOK_URL": HOOK, f"{TG}WEBHOOK_SECRET": "s3cr3t value!"},
         f"{TG}WEBHOOK_SECRET={HIDDEN}: {SECRET_RULE}"),
        ({**TOKEN, f"{TG}WEBHOOK_URL": HOOK, f"{TG}WEBHOOK_SECRET": "s3cr3t" * 43},
         f"{TG}WEBHOOK_SECRET={HIDDEN}: {SECRET_RULE}"),
        ({f"{SL}BOT_TOKEN": "xoxb-s3cr3t"},
         f"{SL}BOT_TOKEN is set but neither {SL}SIGNING_SECRET (HTTP mode) nor {SL}APP_TOKEN "
         "(Socket Mode) is: set one of them"),
        ({f"{SL}APP_TOKEN": "xapp-s3cr3t"},
         f"{SL}APP_TOKEN is set but {SL}BOT_TOKEN is not: Slack needs the bot token (xoxb-…) too"),
        ({f"{SL}SIGNING_SECRET": SECRET_VALUE},
         f"{SL}SIGNING_SECRET is set but {SL}BOT_TOKEN is not: Slack needs the bot token (xoxb-…) too"),
        ({f"{SL}SIGNING_SECRET": SECRET_VALUE, f"{SL}APP_TOKEN": "xapp-s3cr3t"},
         f"{SL}SIGNING_SECRET and {SL}APP_TOKEN are set but {SL}BOT_TOKEN is not: Slack needs the bot token "
         "(xoxb-…) too"),
        ({f"{SL}BOT_TOKEN": "xapp-s3cr3t", f"{SL}SIGNING_SECRET": SECRET_VALUE},
         f"{SL}BOT_TOKEN={HIDDEN}: expected a bot token, which starts with xoxb- "
         "(this one starts with xapp-)"),
        ({f"{SL}BOT_TOKEN": "xoxb-s3cr3t", f"{SL}APP_TOKEN": "xoxb-s3cr3t"},
         f"{SL}APP_TOKEN={HIDDEN}: expected an app-level token, which starts with xapp- "
         "(this one starts with xoxb-)"),
        ({f"{SL}BOT_TOKEN": "s3cr3t", f"{SL}SIGNING_SECRET": SECRET_VALUE},
         f"{SL}BOT_TOKEN={HIDDEN}: expected a bot token, which starts with xoxb-"),
    ],
)  # fmt: skip
def test_a_platform_configured_by_halves_is_one_line(
    env: dict[str, str], line: str, clean_environment: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        clean_environment.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.lines == [line]
    assert "s3cr3t" not in line


@pytest.mark.parametrize(
    "env",
    [
        {**TOKEN},
        {**TOKEN, f"{TG}WEBHOOK_URL": HOOK},
        {**TOKEN, f"{TG}WEBHOOK_URL": "https://bot.example.org:8443/h", f"{TG}WEBHOOK_SECRET": "a-Z_9" * 51},
        {**TOKEN, f"{TG}API_URL": "http://127.0.0.1:8081/bot", f"{TG}WEBHOOK_URL": "http://10.0.0.5:9000/hook"},
        {f"{SL}BOT_TOKEN": "xoxb-1", f"{SL}SIGNING_SECRET": SECRET_VALUE},
        {f"{SL}BOT_TOKEN": "xoxb-1", f"{SL}APP_TOKEN": "xapp-1"},
        {f"{SL}BOT_TOKEN": "xoxb-1", f"{SL}APP_TOKEN": "xapp-1", f"{SL}SIGNING_SECRET": SECRET_VALUE},
    ],
)  # fmt: skip
def test_complete_platforms_start(env: dict[str, str], clean_environment: pytest.MonkeyPatch) -> None:
    """A local Bot API server (not api.telegram.org) takes an http webhook on any port."""
    for name, value in env.items():
        clean_environment.setenv(name, value)
    load_settings()


def test_an_env_file_that_is_not_utf8(clean_environment: pytest.MonkeyPatch) -> None:
    Path(".env").write_bytes(b"PAPERBOY_LOG_LEVEL=\xff\xfe\n")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    [line] = caught.value.lines
    assert line.startswith("cannot read the .env file: 'utf-8' codec can't decode byte 0xff")
