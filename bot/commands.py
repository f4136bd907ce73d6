"""The chat commands every platform speaks, and how their arguments are read.

Telegram, Slack and the console all accept `/top 5 2025-02-24` or `/search 모델`; parsing them here
means a bad argument gets the same usage line, with an example, everywhere.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache

from bot.errors import NotFoundError, UsageError
from bot.i18n import LANGUAGES, Text, t
from bot.models import (
    ALL_WEEKDAYS,
    MAX_FOLLOW_CHARS,
    MAX_TOP_N,
    MAX_VOTES,
    FollowKind,
    Subscription,
    canonical_arxiv_id,
    language_code,
)

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

    @property
    def call(self) -> str:
        """`/top [N] [YYYY-MM-DD]`."""
        return f"/{self.name} {self.arguments}".rstrip()


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("today", "", "/today"),
    CommandSpec("top", "[N] [YYYY-MM-DD]", "/top 5 2025-02-24"),
    CommandSpec("search", "<words>", "/search 모델"),
    CommandSpec("paper", "<arXiv id or link>", "/paper 2502.15007"),
    CommandSpec("related", "<arXiv id or link>", "/related 2502.15007"),
    CommandSpec("days", "", "/days"),
    CommandSpec("trending", "[N]", "/trending 5"),
    CommandSpec("subscribe", "[HH:MM] [Area/City]", "/subscribe 08:30 Asia/Seoul"),
    CommandSpec("unsubscribe", "", "/unsubscribe"),
    CommandSpec("settings", "", "/settings"),
    CommandSpec("preview", "", "/preview"),
    # -- follows (issue 14)
    CommandSpec("follow", "author|org|search <name or words>", "/follow author Yann LeCun"),
    CommandSpec("unfollow", "[author|org|search <name or words>]", "/unfollow author Yann LeCun"),
    CommandSpec("more", "", "/more"),
    CommandSpec("saved", "", "/saved"),
    CommandSpec("like", "<arXiv id or link>", "/like 2502.15007"),
    CommandSpec("dislike", "<arXiv id or link>", "/dislike 2502.15007"),
    CommandSpec("save", "<arXiv id or link>", "/save 2502.15007"),
    CommandSpec("unsave", "<arXiv id or link>", "/unsave 2502.15007"),
    CommandSpec("help", "", "/help"),
)
_SPECS = {spec.name: spec for spec in COMMANDS}


def usage(name: str) -> Text:
    """`Usage: /top [N] [YYYY-MM-DD], e.g. /top 5 2025-02-24`."""
    spec = _SPECS[name]
    return t("usage.line", call=spec.call, example=spec.example)


def spelled(text: Text, spell: Callable[[str], str]) -> Text:
    """The sentence with every usage line in it (at any depth) written by `spell`: a platform whose
    commands are subcommands of one slash command turns `/top 5` into `/papers top 5`."""
    values = {key: spelled(v, spell) if isinstance(v, Text) else v for key, v in text.values.items()}
    if text.key == "usage.line":
        values["call"] = spell(str(values["call"]))
        values["example"] = spell(str(values["example"]))
    return Text(text.key, values)


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


def parse_trending(arguments: str) -> int:
    """`/trending [N]`: how many papers (the service checks the range); anything else is a UsageError."""
    words = arguments.split()
    if not words:
        return DEFAULT_TOP
    if len(words) == 1 and re.fullmatch(r"[0-9]{1,4}", words[0]):
        return int(words[0])
    raise UsageError(t("usage.not_understood", word=" ".join(words), usage=usage("trending")))


def parse_required(name: str, arguments: str) -> str:
    """The free-text argument of /search or /paper, which must not be empty."""
    if not arguments.strip():
        raise UsageError(usage(name))
    return arguments.strip()


def parse_paper_ref(name: str, arguments: str) -> str:
    """The arXiv id or link a command names (/like, /save ...); none, or one that is no arXiv id or
    link, is a UsageError with that command's usage line."""
    ref = parse_required(name, arguments)
    if canonical_arxiv_id(ref) is None:
        raise UsageError(t("usage.not_understood", word=ref, usage=usage(name)))
    return ref


# -- /follow and /unfollow ------------------------------------------------------------------------

# What a follow's kind may be written as (Korean too); `org` is the HF organization a paper was
# submitted under, `search` a saved search (every word must be found, as include keywords are).
FOLLOW_KINDS: dict[str, FollowKind] = {
    "author": "author", "authors": "author", "저자": "author",
    "org": "org", "organization": "org", "organisation": "org", "기관": "org",
    "search": "search", "query": "search", "검색": "search",
}  # fmt: skip


def parse_follow(name: str, arguments: str) -> tuple[FollowKind, str]:
    """`KIND NAME` of /follow or /unfollow (`name`): the kind and the name or words, spaces folded.
    No kind, an unknown one, no name or an overlong one is a UsageError with the command's usage."""
    kind_word, _, value = arguments.strip().partition(" ")
    value = " ".join(value.split())
    kind = FOLLOW_KINDS.get(kind_word.lower())
    if kind is None:
        problem = t("usage.not_understood", word=kind_word, usage=usage(name)) if kind_word else usage(name)
        raise UsageError(problem)
    if not value:
        raise UsageError(t("follow.name_missing", kind=t(f"follow.what_{kind}"), usage=usage(name)))
    if len(value) > MAX_FOLLOW_CHARS:
        raise UsageError(t("follow.too_long", most=MAX_FOLLOW_CHARS, usage=usage(name)))
    return kind, value


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


@dataclass(frozen=True)
class SettingSpec:
    """A subscription setting as `/settings NAME VALUE` changes it (the console's way; Telegram and
    Slack change the same fields with buttons and a form)."""

    name: str
    aliases: tuple[str, ...]
    arguments: str
    example: str

    def usage(self) -> Text:
        call = f"/settings {self.name} {self.arguments}"
        return t("usage.line", call=call, example=f"/settings {self.example}")


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("time", ("send_time",), "HH:MM [Area/City]", "time 09:00 Europe/Berlin"),
    SettingSpec("zone", ("time_zone", "tz"), "Area/City", "zone Asia/Seoul"),
    SettingSpec("days", ("weekdays",), "mon-fri | every | mon,wed,fri", "days mon-fri"),
    SettingSpec("top", ("top_n", "n"), f"N (1-{MAX_TOP_N})", "top 5"),
    SettingSpec("min", ("min_votes", "votes"), "VOTES (0 or more)", "min 10"),
    SettingSpec("include", ("inc",), "WORD, WORD ... | -", "include llm, agents"),
    SettingSpec("exclude", ("exc",), "WORD, WORD ... | -", "exclude -"),
    SettingSpec("format", ("fmt",), "compact | cards", "format cards"),
    SettingSpec("language", ("lang",), " | ".join(LANGUAGES), "language ko"),
    SettingSpec("summaries", ("summary_language", "reads"), "LANGUAGE CODE | -", "summaries ja"),
    SettingSpec("empty", ("notify_empty",), "on | off", "empty on"),
    SettingSpec("late", ("late_risers",), "on | off", "late on"),
    # How often, the code filters, the ranking and removing a follow (issues 14 and 15)
    SettingSpec("cadence", ("every",), "daily | weekly DAY | monthly 1-31|last", "cadence weekly fri"),
    SettingSpec("code", ("has_code",), "on | off", "code on"),
    SettingSpec("stars", ("min_stars",), "STARS (0 or more)", "stars 100"),
    SettingSpec("ranking", ("rank",), "votes | personal", "ranking personal"),
    SettingSpec("unfollow", (), "N (its number in /settings)", "unfollow 1"),
)
_SETTING_NAMES = {name: spec for spec in SETTINGS for name in (spec.name, *spec.aliases)}
_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_KOREAN_WEEKDAYS = "월화수목금토일"
_WEEKDAY_SETS = {
    "every": ALL_WEEKDAYS,
    "daily": ALL_WEEKDAYS,
    "all": ALL_WEEKDAYS,
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
}
_CADENCES = {"daily": "daily", "weekly": "weekly", "monthly": "monthly", "매일": "daily", "매주": "weekly",
             "매월": "monthly"}  # fmt: skip
MAX_STARS = 10_000_000  # a GitHub stars floor above every repository there is
_SWITCHES = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


def settings_usage() -> Text:
    return t("usage.line", call="/settings [NAME VALUE]", example=f"/settings {SETTINGS[0].example}")


def parse_setting(
    arguments: str, current: Subscription | None = None
) -> tuple[SettingSpec, dict[str, object]]:
    """`NAME VALUE` -> the setting and the Subscription fields it changes. A bad value is a
    UsageError with that setting's usage line; the ranges are the model's (checked again there).
    `current` is the subscription the change is for: `unfollow N` names one of its follows."""
    name, _, value = arguments.strip().partition(" ")
    spec = _SETTING_NAMES.get(name.lower())
    if spec is None:
        raise UsageError(t("usage.not_understood", word=name, usage=settings_usage()))
    try:
        if spec.name == "unfollow":
            return spec, _unfollow(value.strip(), current)
        return spec, _read_setting(spec.name, value.strip())
    except ValueError:
        raise UsageError(spec.usage()) from None


def _unfollow(value: str, current: Subscription | None) -> dict[str, object]:
    """`unfollow N`: the subscription's follows without its Nth (as /settings numbers them)."""
    if not re.fullmatch(r"[0-9]{1,3}", value):
        raise ValueError(value)
    if current is None:
        raise NotFoundError(t("sub.none"))
    number, follows = int(value), current.follows
    if not 1 <= number <= len(follows):
        problem = t("set.unfollow_number", number=number, count=len(follows))
        raise UsageError(t("usage.then", problem=problem, usage=_SETTING_NAMES["unfollow"].usage()))
    return {"follows": follows[: number - 1] + follows[number:]}


def _read_cadence(words: list[str]) -> dict[str, object]:
    """`daily`, `weekly [DAY]`, `monthly [1-31 | last]`; a weekly or monthly without its day keeps
    the day chosen before."""
    kind, rest = (words[0].lower(), words[1:]) if words else ("", [])
    if kind in _CADENCES and len(rest) <= 1:
        changes: dict[str, object] = {"cadence": _CADENCES[kind]}
        if rest and changes["cadence"] == "weekly":
            changes["week_day"] = _weekday(rest[0].lower())
        elif rest and changes["cadence"] == "monthly":
            day = rest[0].lower().removesuffix("일")
            number = 31 if day in ("last", "마지막") else int(day) if re.fullmatch(r"[0-9]{1,2}", day) else 0
            if not 1 <= number <= 31:
                raise ValueError(day)
            changes["month_day"] = number
        elif rest:
            raise ValueError(rest[0])
        return changes
    raise ValueError(" ".join(words))


def _read_setting(name: str, value: str) -> dict[str, object]:
    """The changes one setting's value asks for; ValueError when the value does not read."""
    words = value.split()
    if name == "cadence":
        return _read_cadence(words)
    if name == "stars":
        if len(words) != 1 or not re.fullmatch(r"[0-9]{1,10}", words[0]) or int(words[0]) > MAX_STARS:
            raise ValueError(value)
        return {"min_stars": int(words[0])}
    if name == "ranking" and value.lower() in ("votes", "personal"):
        return {"ranking": value.lower()}
    if name == "code" and value.lower() in _SWITCHES:
        return {"has_code": _SWITCHES[value.lower()]}
    if name == "time":
        send_time = parse_time(words[0]) if words else None
        if send_time is None or len(words) > 2:
            raise ValueError(value)
        zone = {"time_zone": resolve_zone(words[1])} if len(words) == 2 else {}
        return {"send_time": send_time, **zone}
    if name == "zone":
        if len(words) != 1:
            raise ValueError(value)
        return {"time_zone": resolve_zone(words[0])}
    if name == "days":
        return {"weekdays": parse_weekdays(value)}
    if name in ("top", "min"):
        low, high = (1, MAX_TOP_N) if name == "top" else (0, MAX_VOTES)
        if len(words) != 1 or not re.fullmatch(r"[0-9]{1,10}", words[0]) or not low <= int(words[0]) <= high:
            raise ValueError(value)
        return {"top_n" if name == "top" else "min_votes": int(words[0])}
    if name in ("include", "exclude"):
        if not value:
            raise ValueError(value)  # `-` clears: an empty value is more likely a slip
        return {name: parse_keywords(value)}
    if name == "summaries":
        if len(words) != 1:
            raise ValueError(value)
        return {"summary_language": parse_summary_language(words[0])}
    choice = value.lower()
    if name == "format" and choice in ("compact", "cards", "thread"):  # the service says where thread is
        return {"format": choice}
    if name == "language" and choice in LANGUAGES:
        return {"language": choice}
    if name in ("empty", "late") and choice in _SWITCHES:
        return {"notify_empty" if name == "empty" else "late_risers": _SWITCHES[choice]}
    raise ValueError(value)


def parse_weekdays(value: str) -> frozenset[int]:
    """`mon-fri`, `every`, `weekdays`, `weekends`, `mon,wed,fri`, `sat sun`, `fri-mon` (wrapping),
    Korean `월-금`; ValueError for anything else or nothing."""
    days: set[int] = set()
    words = [word for word in re.split(r"[\s,]+", value.lower()) if word]
    for word in words:
        if word in _WEEKDAY_SETS:
            days |= _WEEKDAY_SETS[word]
            continue
        first, dash, last = word.partition("-")
        start = _weekday(first)
        end = _weekday(last) if dash else start
        days |= {(start + step) % 7 for step in range((end - start) % 7 + 1)}
    if not days:
        raise ValueError(value)
    return frozenset(days)


def _weekday(word: str) -> int:
    korean = word.removesuffix("요일")
    if len(korean) == 1 and korean in _KOREAN_WEEKDAYS:
        return _KOREAN_WEEKDAYS.index(korean)
    for number, (short, full) in enumerate(zip(_WEEKDAY_NAMES, _WEEKDAY_FULL_NAMES, strict=True)):
        if word in (short, full):
            return number
    raise ValueError(word)
