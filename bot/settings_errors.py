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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import SettingsError as UnparsableSetting

from bot.config import CoreSettings
from bot.errors import PaperboyError
from bot.settings_types import URL_ERROR, choices, group, members

HIDDEN = "[redacted]"
SettingsT = TypeVar("SettingsT", bound=CoreSettings)
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


def load_settings(
    model: type[SettingsT],
    db: Path | None = None,
    cross_checks: Callable[[SettingsT], list[str]] = lambda _: [],
) -> SettingsT:
    """Settings from the environment and `.env` (`db` overrides PAPERBOY_DB_PATH), checked whole
    (`cross_checks`: what the platforms check across their own fields); raises SettingsError with
    every problem found."""
    overrides: dict[str, Any] = {"db_path": db} if db else {}
    try:
        settings = model(**overrides)
    except ValidationError as err:
        raise SettingsError(describe(err, model)) from None
    except UnparsableSetting as err:  # a group given whole (PAPERBOY_SERVER=...) that is not JSON
        raise SettingsError([_unparsable(err, model)]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise SettingsError([f"cannot read the .env file: {err}"]) from None
    problems = check(settings) + cross_checks(settings)
    if problems:
        raise SettingsError(problems)
    return settings


def variable(*path: str, model: type[BaseModel] = CoreSettings) -> str:
    """The environment variable of a setting: ("server", "port") is PAPERBOY_SERVER__PORT."""
    name, _ = _locate(model, path)
    return name


def describe(error: ValidationError, model: type[BaseModel] = CoreSettings) -> list[str]:
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


def check(settings: BaseModel) -> list[str]:
    """What validation field by field lets through and no platform checks: infinite or NaN numbers."""
    return [
        f"{name}={value}: expected {accepts(field)}"
        for name, field, value in _leaves(settings)
        if isinstance(value, float) and not math.isfinite(value)
    ]


def listed(names: list[str]) -> str:
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
    return str(CoreSettings.model_config.get("env_nested_delimiter") or "__")


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


def _unparsable(err: UnparsableSetting, model: type[BaseModel]) -> str:
    """pydantic-settings says `error parsing value for field "server" from source ...`."""
    match = re.search(r'field "(\w+)"', str(err))
    if match is None or match.group(1) not in model.model_fields:
        return f"cannot read the settings: {err}"
    name = variable(match.group(1), model=model)
    return f"{name}: expected a JSON object, or set {name}{_delimiter()}<SETTING> variables one by one"
