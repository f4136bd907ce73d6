"""What the settings accept beyond plain pydantic: choices in any case, and URLs that are URLs.

bot/config.py uses these; bot/settings_errors.py reads the same annotations to say, in one line per
variable, what a bad value should have been.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel
from pydantic_core import PydanticCustomError

URL_ERROR = "url"


def _web_url(value: str) -> str:
    try:
        parts = urlsplit(value.strip())
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        _ = parts.port  # "https://host:abc" raises here
    except ValueError:
        ok = False
    if not ok:
        raise PydanticCustomError(URL_ERROR, "an http:// or https:// URL, such as https://example.org/")
    return value.strip()


WebUrl = Annotated[str, AfterValidator(_web_url)]
"""An http(s) URL with a host, kept as text (a typo must fail at start, not be retried as a network error)."""


def members(annotation: Any) -> list[Any]:
    """The types a field accepts: `int | None` gives [int]; Annotated wrappers are removed."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        return [kind for arg in get_args(annotation) if arg is not type(None) for kind in members(arg)]
    return [annotation]


def choices(annotation: Any) -> tuple[str, ...]:
    """The values a Literal field allows (empty for any other field)."""
    literals = [kind for kind in members(annotation) if get_origin(kind) is Literal]
    return tuple(str(choice) for kind in literals for choice in get_args(kind))


def group(annotation: Any) -> type[BaseModel] | None:
    """The settings group (a nested model) a field holds, if it is one."""
    for kind in members(annotation):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return kind
    return None


def fold_choices(model: type[BaseModel], data: Any) -> Any:
    """Raw settings input with every choice matched in any case (`debug` is DEBUG, `JSON` is json),
    in nested groups too; a value that matches no choice is left for validation to refuse."""
    if not isinstance(data, dict):
        return data
    folded = dict(data)
    for name, field in model.model_fields.items():
        if name not in folded:
            continue
        value = folded[name]
        allowed = choices(field.annotation)
        if allowed and isinstance(value, str):
            wanted = value.strip().casefold()
            folded[name] = next((choice for choice in allowed if choice.casefold() == wanted), value)
        elif (nested := group(field.annotation)) is not None:
            folded[name] = fold_choices(nested, value)
    return folded
