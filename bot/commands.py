"""The chat commands every platform speaks, and how their arguments are read.

Telegram, Slack and the console all accept `/top 5 2025-02-24` or `/search 모델`; parsing them here
means a bad argument gets the same usage line, with an example, everywhere.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache

from bot.errors import UsageError
from bot.i18n import Text, t
from bot.models import language_code

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
    CommandSpec("subscribe", "[HH:MM] [Area/City]", "/subscribe 08:30 Asia/Seoul"),
    CommandSpec("unsubscribe", "", "/unsubscribe"),
    CommandSpec("settings", "", "/settings"),
    CommandSpec("preview", "", "/preview"),
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


_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class SubscribeArgs:
    send_time: time | None = None
    time_zone: str | None = None
    channel: str | None = None


def parse_time(word: str) -> time | None:
    match = _TIME.fullmatch(word)
    return time(int(match.group(1)), int(match.group(2))) if match else None


def resolve_zone(word: str) -> str:
    """An IANA zone name, matched case-insensitively; unknown ones get a suggestion."""
    zones = _zones()
    exact = zones.get(word.lower())
    if exact:
        return exact
    guesses = difflib.get_close_matches(word.lower(), list(zones), n=1, cutoff=0.5)
    city = [name for key, name in zones.items() if key.rsplit("/", 1)[-1] == word.lower()]
    suggestion = city[0] if city else (zones[guesses[0]] if guesses else "Asia/Seoul")
    raise UsageError(t("usage.unknown_zone", zone=word, suggestion=suggestion))


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def parse_subscribe(arguments: str) -> SubscribeArgs:
    """`[HH:MM] [Area/City] [@channel]` in any order."""
    send_time: time | None = None
    zone: str | None = None
    channel: str | None = None
    for word in arguments.split():
        if send_time is None and (parsed := parse_time(word)):
            send_time = parsed
        elif channel is None and word.startswith("@") and len(word) > 1:
            channel = word
        elif zone is None and not word[0].isdigit():
            zone = resolve_zone(word)
        else:
            raise UsageError(t("usage.not_understood", word=word, usage=usage("subscribe")))
    return SubscribeArgs(send_time, zone, channel)


def parse_keywords(answer: str) -> tuple[str, ...]:
    """Comma-separated keywords; `-` or nothing clears them (the model trims and de-duplicates)."""
    return () if answer.strip() in ("-", "") else tuple(w.strip() for w in answer.split(",") if w.strip())


def parse_summary_language(answer: str) -> str | None:
    """A language code for a destination's summaries (`ja`, `pt-br`); `-` or nothing: none of its own."""
    if answer.strip() in ("-", ""):
        return None
    try:
        return language_code(answer)
    except ValueError:
        raise UsageError(t("usage.summary_language", code=answer.strip()[:20])) from None
