"""The chat commands every platform speaks, and how their arguments are read.

Telegram, Slack and the console all accept `/top 5 2025-02-24` or `/search 모델`; parsing them here
means a bad argument gets the same usage line, with an example, everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.errors import UsageError
from bot.i18n import Text, t

DEFAULT_TOP = 10
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class CommandSpec:
    name: str
    arguments: str
    example: str

    @property
    def description(self) -> Text:
        return t(f"cmd.{self.name}")


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("today", "", "/today"),
    CommandSpec("top", "[N] [YYYY-MM-DD]", "/top 5 2025-02-24"),
    CommandSpec("search", "<words>", "/search 모델"),
    CommandSpec("paper", "<arXiv id or link>", "/paper 2502.15007"),
    CommandSpec("days", "", "/days"),
    CommandSpec("more", "", "/more"),
    CommandSpec("help", "", "/help"),
)
_SPECS = {spec.name: spec for spec in COMMANDS}


def usage(name: str) -> Text:
    """`Usage: /top [N] [YYYY-MM-DD], e.g. /top 5 2025-02-24`."""
    spec = _SPECS[name]
    return t("usage.line", call=f"/{spec.name} {spec.arguments}".rstrip(), example=spec.example)


def split_command(text: str) -> tuple[str, str] | None:
    """`/top@PaperboyBot 5` -> ("top", "5"); None when the text is not a command."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


@dataclass(frozen=True)
class TopArgs:
    n: int = DEFAULT_TOP
    day: date | None = None


def parse_top(arguments: str) -> TopArgs:
    """`[N] [YYYY-MM-DD]` in either order; anything else is a UsageError with an example."""
    n: int | None = None
    day: date | None = None
    for word in arguments.split():
        if re.fullmatch(r"[0-9]{1,4}", word) and n is None:
            n = int(word)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", word) and day is None:
            try:
                day = date.fromisoformat(word)
            except ValueError:
                raise UsageError(t("usage.not_a_date", word=word, usage=usage("top"))) from None
        else:
            raise UsageError(t("usage.not_understood", word=word, usage=usage("top")))
    return TopArgs(DEFAULT_TOP if n is None else n, day)


def parse_required(name: str, arguments: str) -> str:
    """The free-text argument of /search or /paper, which must not be empty."""
    if not arguments.strip():
        raise UsageError(usage(name))
    return arguments.strip()
