"""Every call to the fake Bot API checked against the Bot API 10.1 specification (api.json).

The fake's method handlers know what Telegram does with a message; this module knows what the
specification says a call must look like, for all 180 methods and the types their parameters use,
so no handler can forget a rule. `BotApiSpec.check(method, params)`:

- decodes each parameter as the Bot API server does: every value arrives as a string (form field,
  query string, or a JSON body's member turned into text), and the parameter's spec type says how
  to read it: Integer, Float, Boolean (true/false/1/0), String, InputFile (an upload), or JSON
  (arrays and objects);
- refuses a call without a required parameter, or with a value of the wrong type, recursively
  through objects: a union such as reply_markup (InlineKeyboardMarkup, ReplyKeyboardMarkup,
  ReplyKeyboardRemove, ForceReply) is told apart by its required fields, an abstract type such as
  InlineQueryResult, InputMedia or BotCommandScope by its `type` ("must be article");
- enforces the limits the descriptions state: "1-64 bytes", "0-200 characters", "Values between
  1-100", "; 1-20", "At most 100 commands", "up to 10 items", "Required if inline_message_id is not
  specified", "Exactly one of the fields other than text ... must be used" (limits stated "after
  entities parsing" are left to the handlers, which parse the markup);
- ignores parameters and fields the spec does not name, as Telegram does;
- collects the chat-type rules of what the call used ("Not supported in channels", "Available only
  in private chats", "for private chats only") for the fake to apply once it knows the chat.

Where the text is irregular, `IRREGULAR` below hard-codes what it means, one documented entry each;
where Telegram answers with a known error text, `TELEGRAM_WORDING` uses it.

The fake is stricter than the servers in two places, each only ever catching a bug in the caller:
a Boolean parameter must read true, false, 1 or 0 (the servers take any other text as false), and
inside JSON objects a value must have its JSON type (the servers also read `"5"` as 5 there).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

SPEC_FILE = Path(__file__).resolve().parents[3] / "shared" / "specs" / "telegram-bot-api" / "api.json"
"""The Bot API specification in ../shared beside the checkout (every developer's and CI's); its README
says where it comes from. Not copied into the repository: one file, one truth."""

# --- what the descriptions say ------------------------------------------------------------------

_LENGTH = re.compile(r"\b(\d+)-(\d+) (characters|bytes)\b", re.IGNORECASE)
_AFTER_PARSING = re.compile(r"after entit(?:y|ies) parsing", re.IGNORECASE)
_INTEGER_RANGE = re.compile(r"(?:Values between |[;,] )(\d+)-(\d+)\b(?! characters| bytes)")
_ARRAY_MOST = re.compile(r"\b(?:at most|up to) (\d+) (?!characters|sizes|kilobytes)", re.IGNORECASE)
_REQUIRED_IF = re.compile(r"\brequired if (\w+)(?: and (\w+))? (?:is|are) not specified|"
                          r"\brequired if (\w+) isn't specified", re.IGNORECASE)  # fmt: skip
_MUST_BE = re.compile(r'\b(?:must be|always) "?([a-z0-9_]+)"?$')
_ONE_OF = re.compile(r"\b(Exactly|At most) one of the fields other than ([\w, ]+?) must be used")
_NOT_IN_CHANNELS = re.compile(r"Not supported in channels")
_PRIVATE_ONLY = re.compile(
    r"Available only in private chats|Available in private chats only|; for private chats only"
)
_INTEGER_TEXT = re.compile(r"[+-]?\d+")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


@dataclass(frozen=True)
class Irregular:
    """A rule the spec states in words the parser cannot read; `why` says where it comes from."""

    why: str
    most_items: int | None = None
    length: tuple[int, int, str] | None = None
    after_parsing: bool | None = None
    string_allowed: bool = False


IRREGULAR: dict[tuple[str, str], Irregular] = {
    ("answerInlineQuery", "results"): Irregular(
        "the method's description: 'No more than 50 results per query are allowed.'", most_items=50
    ),
    ("answerInlineQuery", "next_offset"): Irregular(
        "the field's description: 'Offset length can't exceed 64 bytes.'", length=(0, 64, "bytes")
    ),
    ("InputTextMessageContent", "message_text"): Irregular(
        "says '1-4096 characters' without 'after entities parsing', but parse_mode applies to it "
        "exactly as to sendMessage's text, whose description says so",
        after_parsing=True,
    ),
    ("KeyboardButton", ""): Irregular(
        "the type's description: 'For simple text buttons, String can be used instead of this object'",
        string_allowed=True,
    ),
}

WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
"""Not in api.json: the setWebhook notes of the Bot API page ("Ports currently supported for
webhooks: 443, 80, 88, 8443"), like its "HTTPS URL" (which the url field does say)."""

MESSAGE_ENTITIES = 100
"""Not in api.json: Telegram shows at most 100 entities of a message and ignores the rest (PTB's
MessageLimit.MESSAGE_ENTITIES); the fake keeps the first 100 as Telegram does, it does not refuse."""

TELEGRAM_WORDING: dict[tuple[str, str], str] = {
    ("InlineKeyboardButton", "callback_data"): "BUTTON_DATA_INVALID",
    ("answerCallbackQuery", "text"): "MESSAGE_TOO_LONG",
    ("answerInlineQuery", "results"): "RESULTS_TOO_MUCH",
    ("answerInlineQuery", "next_offset"): "NEXT_OFFSET_INVALID",
    ("InlineQueryResult", "id"): "RESULT_ID_INVALID",
    ("BotCommand", "command"): "BOT_COMMAND_INVALID",
    ("BotCommand", "description"): "BOT_COMMAND_DESCRIPTION_INVALID",
}
"""What Telegram answers (after "Bad Request: ") when one of these limits is broken."""


class SpecError(Exception):
    """A call the spec refuses; `description` is Telegram's answer after "Bad Request: "."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class ChatRule:
    """Something the call used that only some chats allow: `where` names it for the error."""

    where: str
    private_only: bool  # else: not in channels


@dataclass(frozen=True)
class CheckedCall:
    """A call the spec accepts: its parameters decoded and the chat rules it is subject to."""

    method: str
    params: dict[str, Any]
    rules: list[ChatRule] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    """The concrete type each union-typed parameter turned out to be (reply_markup: ForceReply ...)."""


@dataclass(frozen=True)
class _Field:
    """A parameter or field, with what its description says parsed once (checks run per call)."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str
    owner: str
    unless: tuple[str, ...] = ()  # required unless one of these is given
    length: tuple[int, int, str] | None = None  # checked here (None when "after entities parsing")
    int_range: tuple[int, int] | None = None
    most_items: int | None = None
    wording: str | None = None  # Telegram's own error text for a broken limit
    rules: tuple[ChatRule, ...] = ()


def _parsed_field(data: dict[str, Any], owner: str, abstract: str) -> _Field:
    """A field of api.json with its description read: limits, conditions, chat rules."""
    name, description = data["name"], data["description"]
    irregular = IRREGULAR.get((owner, name), Irregular(""))
    length = irregular.length or _length(description)
    after = (
        irregular.after_parsing if irregular.after_parsing is not None else _AFTER_PARSING.search(description)
    )
    found = _INTEGER_RANGE.search(description)
    rules = []
    if _NOT_IN_CHANNELS.search(description):
        rules.append(ChatRule(f"{owner}.{name}", private_only=False))
    if _PRIVATE_ONLY.search(description):
        rules.append(ChatRule(f"{owner}.{name}", private_only=True))
    return _Field(
        name,
        tuple(data["types"]),
        bool(data["required"]),
        description,
        owner,
        unless=_required_unless(description),
        length=None if after else length,
        int_range=(int(found.group(1)), int(found.group(2))) if found else None,
        most_items=irregular.most_items or _array_most(description),
        wording=TELEGRAM_WORDING.get((owner, name)) or TELEGRAM_WORDING.get((abstract, name)),
        rules=tuple(rules),
    )


@dataclass
class _Walk:
    """What a check collects on its way through a call."""

    rules: list[ChatRule] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)


class BotApiSpec:
    """The methods and types of api.json, and the check of a call against them."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version = str(data.get("version", ""))
        self._methods: dict[str, dict[str, Any]] = data["methods"]
        self._types: dict[str, dict[str, Any]] = data["types"]
        self._by_lower = {name.lower(): name for name in self._methods}
        self.update_types = frozenset(f["name"] for f in self._types["Update"]["fields"]) - {"update_id"}
        self._accepted: OrderedDict[tuple[str, ...], CheckedCall] = OrderedDict()

    def method(self, name: str) -> str | None:
        """The spec's spelling of a method (Telegram matches names case-insensitively), or None."""
        return self._by_lower.get(name.lower())

    def check(self, method: str, params: dict[str, Any]) -> CheckedCall:
        """Decode and check one call's parameters; SpecError says what is wrong.

        A push sends the same message to thousands of chats: a call that differs from a recently
        accepted one only in its chat is not checked again (the check would otherwise cost the
        fake more than the bot spends on the message)."""
        key = _same_but_chat(method, params)
        known = self._accepted.get(key) if key is not None else None
        if key is not None and known is not None and "chat_id" in params:
            self._accepted.move_to_end(key)
            chat = self._check_all(known.method, {"chat_id": params["chat_id"]}, partial=True)
            return replace(known, params=known.params | chat.params)
        call = self._check_all(method, params)
        if key is not None:
            self._accepted[key] = call
            if len(self._accepted) > _ACCEPTED_KEPT:
                self._accepted.popitem(last=False)
        return call

    def _check_all(self, method: str, params: dict[str, Any], partial: bool = False) -> CheckedCall:
        name = self.method(method)
        if name is None:
            raise ValueError(f"{method} is not a Bot API method")
        fields = self._fields(name, is_method=True)
        walk = _Walk()
        decoded: dict[str, Any] = {}
        for spec in fields:
            if spec.name in params:
                decoded[spec.name] = self._parameter(spec, params[spec.name], walk)
        if not partial:
            self._check_presence(fields, decoded, "", is_method=True)
        return CheckedCall(name, decoded, walk.rules, walk.kinds)

    # --- the spec, read once --------------------------------------------------------------------

    @functools.cache  # noqa: B019 - one spec object lives as long as the process
    def _fields(self, owner: str, *, is_method: bool = False) -> tuple[_Field, ...]:
        source = self._methods[owner] if is_method else self._types[owner]
        abstract = "" if is_method else self._abstract_of(owner)
        return tuple(_parsed_field(f, owner, abstract) for f in source.get("fields", []))

    @functools.cache  # noqa: B019
    def _concrete(self, type_name: str) -> tuple[str, ...]:
        """The object types a value of `type_name` can be: itself, or its subtypes (recursively)."""
        subtypes = self._types.get(type_name, {}).get("subtypes")
        if not subtypes:
            return (type_name,)
        return tuple(name for sub in subtypes for name in self._concrete(sub))

    @functools.cache  # noqa: B019
    def _type_tag(self, type_name: str) -> tuple[str, str] | None:
        """The field that names the subtype and the value it must have (`type`: "article"; the
        Passport errors use `source`), when the description says so."""
        for spec in self._fields(type_name):
            if spec.name in ("type", "source"):
                found = _MUST_BE.search(spec.description.strip().rstrip("."))
                if found:
                    return spec.name, found.group(1)
        return None

    @functools.cache  # noqa: B019
    def _type_rules(self, type_name: str) -> tuple[tuple[str, frozenset[str]] | None, tuple[ChatRule, ...]]:
        """What a type's description says of its fields ("Exactly one of the fields other than text
        ... must be used") and of the chats it may go to."""
        description = " ".join(self._types.get(type_name, {}).get("description", []))
        one_of = None
        found = _ONE_OF.search(description)
        if found:
            kind, exempt_text = found.groups()
            one_of = kind, frozenset(word for word in re.split(r"[,\s]+", exempt_text) if word != "and")
        rules = []
        if _NOT_IN_CHANNELS.search(description):
            rules.append(ChatRule(type_name, private_only=False))
        if _PRIVATE_ONLY.search(description):
            rules.append(ChatRule(type_name, private_only=True))
        return one_of, tuple(rules)

    # --- presence ------------------------------------------------------------------------------

    def _check_presence(
        self, fields: tuple[_Field, ...], given: dict[str, Any], where: str, *, is_method: bool = False
    ) -> None:
        for spec in fields:
            if spec.name in given:
                continue
            if spec.required:
                raise SpecError(_missing(spec.name, where, is_method))
            others = spec.unless
            if others and not any(other in given for other in others):
                raise SpecError(
                    _missing(spec.name, where, is_method) + f" when {' and '.join(others)} is not"
                )

    # --- values --------------------------------------------------------------------------------

    def _parameter(self, spec: _Field, raw: Any, walk: _Walk) -> Any:
        """A top-level parameter: text on the wire, read as its type says."""
        types = spec.types
        if _is_upload(raw):
            if "InputFile" in types:
                return raw
            raise SpecError(f'parameter "{spec.name}" can\'t be a file')
        if types == ("InputFile",):
            raise SpecError(f'parameter "{spec.name}" must be a file uploaded with multipart/form-data')
        if isinstance(raw, dict | list) and not set(types) & _TEXT_TYPES:  # a JSON body's object
            return self._value(spec, raw, spec.name, walk)
        text = raw if isinstance(raw, str) else _as_text(raw)
        if "InputFile" in types and "String" in types:
            return text
        if types == ("Integer", "String"):
            return int(text) if _INTEGER_TEXT.fullmatch(text) else text
        if types == ("String",):
            self._check_limits(spec, text, spec.name)
            return text
        if types in (("Integer",), ("Float",), ("Boolean",)):
            value = _scalar(types[0], text)
            if value is None:
                raise SpecError(f'parameter "{spec.name}" must be of type {types[0]}')
            self._check_limits(spec, value, spec.name)
            return value
        try:
            value = json.loads(text)
        except ValueError:
            raise SpecError(f"can't parse {spec.name} JSON object") from None
        return self._value(spec, value, spec.name, walk)

    def _value(self, spec: _Field, value: Any, where: str, walk: _Walk) -> Any:
        """A JSON value of one of the field's types."""
        types = spec.types
        if all(name.startswith("Array of ") for name in types):  # sendMediaGroup: Array of A or of B
            items = tuple(name.removeprefix("Array of ") for name in types)
            if not isinstance(value, list):
                raise SpecError(f'"{where}" must be an Array')
            self._check_limits(spec, value, where)
            inner = _Field(spec.name, items, True, "", spec.owner)
            return [self._value(inner, element, f"{where}[{n}]", walk) for n, element in enumerate(value)]
        scalars = [t for t in types if t in _SCALARS]
        for scalar in scalars:
            if _SCALARS[scalar](value):
                self._check_limits(spec, value, where)
                return value
        objects = [t for t in types if t not in _SCALARS and t != "InputFile"]
        if isinstance(value, str) and any(
            IRREGULAR.get((t, ""), Irregular("")).string_allowed for t in objects
        ):
            return value
        if not objects or not isinstance(value, dict):
            expected = " or ".join(types)
            raise SpecError(f'"{where}" must be of type {expected}')
        return self._object(objects, value, where, walk)

    def _object(
        self, type_names: list[str], value: dict[str, Any], where: str, walk: _Walk
    ) -> dict[str, Any]:
        """An object of one of `type_names` (or of their subtypes), told apart and checked."""
        candidates, key, by_tag = self._union(tuple(type_names))
        if key is not None:
            given = value.get(key)
            if given is None:
                raise SpecError(f'field "{key}" of {where} is required')
            candidates = by_tag.get(given, ())
            if not candidates:
                raise SpecError(f'unknown {key} "{given}" of {where}')
        chosen = self._best_fit(candidates, value)
        if chosen is None:
            raise SpecError(f'"{where}" must be {_either(candidates)}')
        walk.kinds[where] = chosen
        one_of, rules = self._type_rules(chosen)
        walk.rules.extend(rules)
        fields = self._fields(chosen)
        checked: dict[str, Any] = {}
        for spec in fields:
            if spec.name in value:
                checked[spec.name] = self._value(spec, value[spec.name], f"{where}.{spec.name}", walk)
                walk.rules.extend(spec.rules)
        self._check_presence(fields, checked, where)
        if one_of is not None:
            _check_one_of(chosen, one_of, checked, where)
        return value

    @functools.cache  # noqa: B019
    def _union(
        self, type_names: tuple[str, ...]
    ) -> tuple[tuple[str, ...], str | None, dict[str, tuple[str, ...]]]:
        """The concrete types a value may be, the field that tells them apart when they all have
        one (`type`), and the types for each of its values."""
        candidates = tuple(name for type_name in type_names for name in self._concrete(type_name))
        tags = [self._type_tag(name) for name in candidates]
        if not candidates or not all(tags):
            return candidates, None, {}
        by_tag: dict[str, tuple[str, ...]] = {}
        for name, tag in zip(candidates, tags, strict=True):
            assert tag is not None
            by_tag[tag[1]] = (*by_tag.get(tag[1], ()), name)
        key = next(tag for tag in tags if tag is not None)[0]
        return candidates, key, by_tag

    @functools.cache  # noqa: B019
    def _required(self, type_name: str) -> frozenset[str]:
        return frozenset(f.name for f in self._fields(type_name) if f.required)

    def _best_fit(self, candidates: tuple[str, ...], value: dict[str, Any]) -> str | None:
        """The candidate whose required fields are all there (the most specific one), or the only one."""
        if len(candidates) == 1:
            return candidates[0]
        fitting = [name for name in candidates if self._required(name) <= value.keys()]
        if fitting:
            return max(fitting, key=lambda name: len(self._required(name)))
        return None

    # --- limits and rules ----------------------------------------------------------------------

    def _check_limits(self, spec: _Field, value: Any, where: str) -> None:
        if isinstance(value, list):
            if spec.most_items is not None and len(value) > spec.most_items:
                raise SpecError(spec.wording or f'"{where}" can have at most {spec.most_items} elements')
        elif isinstance(value, str):
            if spec.length is not None:
                low, high, unit = spec.length
                size = len(value.encode()) if unit == "bytes" else _utf16_len(value)
                if not low <= size <= high:
                    raise SpecError(spec.wording or f'"{where}" must be {low}-{high} {unit} long')
        elif isinstance(value, int) and not isinstance(value, bool) and spec.int_range is not None:
            low, high = spec.int_range
            if not low <= value <= high:
                raise SpecError(f'"{where}" must be between {low} and {high}')

    def _abstract_of(self, type_name: str) -> str:
        parents = self._types.get(type_name, {}).get("subtype_of") or [""]
        return str(parents[0])

    def method_rules(self, call: CheckedCall) -> list[ChatRule]:
        """The chat rules of the method's own parameters (message_effect_id: private chats only)."""
        return [
            rule
            for spec in self._fields(call.method, is_method=True)
            if spec.name in call.params
            for rule in spec.rules
        ]


def _check_one_of(
    type_name: str, rule: tuple[str, frozenset[str]], value: dict[str, Any], where: str
) -> None:
    """ "Exactly/At most one of the fields other than ... must be used" (InlineKeyboardButton ...)."""
    kind, exempt = rule
    used = [name for name in value if name not in exempt]
    if kind == "Exactly" and len(used) != 1:
        found = ", ".join(used) or "none"
        raise SpecError(
            f"{where}: exactly one of the optional fields of {type_name} must be used, not {found}"
        )
    if kind == "At most" and len(used) > 1:
        raise SpecError(f"{where}: at most one of the optional fields of {type_name} can be used")


_SCALARS: dict[str, Callable[[Any], bool]] = {
    "String": lambda v: isinstance(v, str),
    "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v),
    "Boolean": lambda v: isinstance(v, bool),
    "True": lambda v: v is True,
}


def _missing(name: str, where: str, is_method: bool) -> str:
    return f'parameter "{name}" is required' if is_method else f'field "{name}" of {where} is required'


_ACCEPTED_KEPT = 256


def _same_but_chat(method: str, params: dict[str, Any]) -> tuple[str, ...] | None:
    """What makes two calls the same but for their chat_id; None when a file is uploaded."""
    parts = [method.lower()]
    for name, value in sorted(params.items()):
        if name == "chat_id":
            continue
        if _is_upload(value):
            return None
        parts += (name, value if isinstance(value, str) else json.dumps(value, sort_keys=True))
    return tuple(parts)


_TEXT_TYPES = frozenset({"String", "Integer", "Float", "Boolean", "InputFile"})


def _either(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]}"


def _required_unless(description: str) -> tuple[str, ...]:
    found = _REQUIRED_IF.search(description)
    if found is None:
        return ()
    return tuple(name for name in found.groups() if name)


def _length(description: str) -> tuple[int, int, str] | None:
    found = _LENGTH.search(description)
    if found is None:
        return None
    return int(found.group(1)), int(found.group(2)), found.group(3).lower()


def _array_most(description: str) -> int | None:
    found = _ARRAY_MOST.search(description)
    return int(found.group(1)) if found else None


def _scalar(kind: str, text: str) -> Any:
    """A form field's text read as Integer, Float or Boolean; None when it is not one."""
    if kind == "Integer":
        return int(text) if _INTEGER_TEXT.fullmatch(text.strip()) else None
    if kind == "Boolean":
        return _BOOLEANS.get(text.strip().lower())
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _as_text(value: Any) -> str:
    """A JSON body's member as the server reads it: text as it is, anything else as JSON."""
    return json.dumps(value, ensure_ascii=False)


def _is_upload(value: Any) -> bool:
    return hasattr(value, "filename") and hasattr(value, "data")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@functools.cache
def load_spec(path: Path = SPEC_FILE) -> BotApiSpec:
    """The spec, read once per process."""
    return BotApiSpec(json.loads(path.read_text(encoding="utf-8")))
