"""The digest's vocabulary: papers, days and the problems met while reading them.

These are plain pydantic models with no SDK or database types, so every layer (sources, store,
service, adapters) can share them without depending on one another.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from bot.i18n import Lang

HF_ORIGIN = "https://huggingface.co"

# New-style ids (2502.15007, optionally with a version) and old-style ones (hep-th/9901001).
_ARXIV_ID = re.compile(
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
)


def canonical_arxiv_id(text: str) -> str | None:
    """Return the version-less arXiv id found in `text` (an id, an arXiv or HF URL), or None.

    A paper is the same paper across versions, so `2502.15007v2` and `2502.15007` are one key.
    """
    match = _ARXIV_ID.search(text.strip())
    return match.group("id") if match else None


def absolute_hf_url(url: str | None) -> str | None:
    """Resolve a Hugging Face relative URL (`/avatars/x.svg`) against huggingface.co."""
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        return "https:" + url
    if url.startswith("/"):
        return HF_ORIGIN + url
    return url


# NUL (PostgreSQL refuses it in text) and lone surrogates (`"\ud800"` in JSON: no driver can encode
# them as UTF-8). Paired surrogates never reach a str: the JSON decoder joins them into one character.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Votes beyond PostgreSQL's int4 (and SQLite's int64) are no real count: kept as unknown on every store.
MAX_VOTES = 2**31 - 1


def clean_text(value: str) -> str:
    """The text without the characters no store can keep (NUL, lone surrogates)."""
    return _UNSTORABLE.sub("", value) if _UNSTORABLE.search(value) else value


def _clean(value: Any) -> Any:
    """A field's raw value with clean_text applied to it, or to each string of a list or tuple."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple) and any(isinstance(item, str) for item in value):
        return type(value)(clean_text(item) if isinstance(item, str) else item for item in value)
    return value


class CleanModel(BaseModel):
    """A model whose every text field (strings and lists of strings, in any subclass) is cleaned
    of what no store can keep, so one odd character cannot cost a paper, a day or a whole ingest."""

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return _clean(value)


class Section(CleanModel):
    """One summary section: a heading such as "What's New" (empty for a plain bullet) and its text."""

    model_config = ConfigDict(frozen=True)

    heading: str
    text: str


SummarySource = Literal["archive", "llm", "hf"]
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
HF_ABSTRACT_HEADING = "Abstract"


def language_code(value: str) -> str:
    """A summary language as Paperboy keys it: a lower-case BCP 47 tag (`ko`, `en`, `pt-br`)."""
    code = value.strip().replace("_", "-").lower()
    if not _LANGUAGE_CODE.fullmatch(code):
        raise ValueError(f"not a language code: {value!r} (expected e.g. ko, en, ja, pt-br)")
    return code


class Summary(CleanModel):
    """A paper's digest summary in one language: its sections and where they came from.

    `archive` summaries come from the Korean digest archive, `llm` ones from Paperboy's own writer
    (with the model, the prompt version and what they cost), `hf` is the English fallback made of
    the HF one-line summary and the abstract. `verified` is False when the writer kept a summary
    that states a number it could not find in the paper's text.
    """

    model_config = ConfigDict(frozen=True)

    language: str
    source: SummarySource
    sections: tuple[Section, ...]
    model: str | None = None
    prompt_version: str | None = None
    created_at: datetime | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    verified: bool = True

    @field_validator("language")
    @classmethod
    def _code(cls, value: str) -> str:
        return language_code(value)

    @classmethod
    def from_archive(cls, sections: tuple[Section, ...]) -> Summary:
        """The archive's sections as a summary: Korean, except the few entries written in English."""
        korean = any(_HANGUL.search(s.text) or _HANGUL.search(s.heading) for s in sections)
        return cls(language="ko" if korean else "en", source="archive", sections=sections)


class Paper(CleanModel):
    """A paper as Paperboy knows it, merged from every source that listed it.

    `votes` is None when no source gave a number, or one outside 0..MAX_VOTES: unknown is not zero.
    The same holds for `github_stars` (the code repository's stars, as HF counted them) and
    `num_comments` (comments on the paper's HF page). `organization` is the HF organization the
    paper was submitted under (its display name), None for papers listed before HF had one.
    `summaries` holds at most one stored summary per language (archive or llm); the HF fallback is
    derived (`summary_in`). Text fields lose NUL and lone surrogates (CleanModel); an unknown field
    is an error, not silently dropped (a leftover `sections=` once went unnoticed).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    arxiv_id: str
    title: str
    authors: tuple[str, ...] = ()
    votes: int | None = None
    thumbnail: str | None = None
    media_url: str | None = None
    github: str | None = None
    project_page: str | None = None
    summaries: tuple[Summary, ...] = ()
    abstract: str | None = None
    ai_summary: str | None = None
    keywords: tuple[str, ...] = ()
    organization: str | None = None
    github_stars: int | None = None
    num_comments: int | None = None
    days: tuple[date, ...] = Field(default=(), description="Every day the paper was listed, sorted.")

    @field_validator("arxiv_id")
    @classmethod
    def _canonical(cls, value: str) -> str:
        canonical = canonical_arxiv_id(value)
        if canonical is None:
            raise ValueError(f"not an arXiv id: {value!r}")
        return canonical

    @field_validator("votes", "github_stars", "num_comments")
    @classmethod
    def _countable(cls, value: int | None) -> int | None:
        return value if value is not None and 0 <= value <= MAX_VOTES else None

    @field_validator("thumbnail", "media_url")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        return absolute_hf_url(value)

    @field_validator("days")
    @classmethod
    def _sorted_days(cls, value: tuple[date, ...]) -> tuple[date, ...]:
        return tuple(sorted(set(value)))

    @field_validator("summaries")
    @classmethod
    def _one_per_language(cls, value: tuple[Summary, ...]) -> tuple[Summary, ...]:
        by_language = {summary.language: summary for summary in value}
        return tuple(by_language[code] for code in sorted(by_language))

    def summary_in(self, language: str) -> Summary | None:
        """The summary to show in `language`: the stored one, or for English the HF fallback."""
        stored = next((s for s in self.summaries if s.language == language), None)
        if stored is not None or language != "en":
            return stored
        return self.hf_summary

    @property
    def hf_summary(self) -> Summary | None:
        """The HF one-line summary and the abstract as an English summary, when there is either."""
        parts = [Section(heading="", text=self.ai_summary)] if self.ai_summary else []
        if self.abstract:
            parts.append(Section(heading=HF_ABSTRACT_HEADING if parts else "", text=self.abstract))
        return Summary(language="en", source="hf", sections=tuple(parts)) if parts else None

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}"

    @property
    def hf_url(self) -> str:
        return f"{HF_ORIGIN}/papers/{self.arxiv_id}"


class Problem(CleanModel):
    """Something a source could not read: where it was and why. The rest of the day is kept."""

    model_config = ConfigDict(frozen=True)

    source: str
    line: int | None = None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


class DigestDay(BaseModel):
    """The papers one source listed for one day, in the order the source gave them.

    `seen_at` is when the source's answer was read: the time of the vote counts it carries, which
    the store keeps as vote history (trending). None: the moment it is stored.
    """

    day: date
    source: str
    seen_at: datetime | None = None
    papers: list[Paper] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    lines: dict[str, int] = Field(default_factory=dict)  # arXiv id -> line where its entry starts


MAX_TOP_N = 50
MAX_KEYWORDS = 20
ALL_WEEKDAYS: frozenset[int] = frozenset(range(7))


class Destination(BaseModel):
    """Where a push goes: a chat on a platform, and a forum topic or thread within it when set."""

    model_config = ConfigDict(frozen=True)

    # A registered platform's name (bot/platforms.py); the model checks only its shape, so stored
    # rows of a platform that is switched off still load.
    platform: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    chat_id: str
    thread_id: str = ""

    @property
    def key(self) -> str:
        """`platform:chat:thread` (`<platform>:-100123:7`): the ledger's name for this destination."""
        return ":".join(part for part in (self.platform, self.chat_id, self.thread_id) if part)


PushFormat = Literal["compact", "cards", "thread"]
# How often a destination gets a push: every chosen weekday, once a week (on `week_day`: the week's
# best by current votes), or once a month (on `month_day`, the month's last day when it is shorter).
Cadence = Literal["daily", "weekly", "monthly"]
# How a push orders its papers: by votes alone, or by votes blended with the destination's own
# feedback (👍/👎/saved); with no feedback the two give the same digest.
Ranking = Literal["votes", "personal"]
FollowKind = Literal["author", "org", "search"]
MAX_FOLLOWS = 20
MAX_FOLLOW_CHARS = 100
Opinion = Literal["like", "dislike"]


class Follow(BaseModel):
    """Something a destination follows: an author's name, an HF organization, or a saved search.
    Matching papers are pushed even below the vote floor and beyond the top N."""

    model_config = ConfigDict(frozen=True)

    kind: FollowKind
    value: str = Field(min_length=1, max_length=MAX_FOLLOW_CHARS)

    @field_validator("value", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        return " ".join(clean_text(value).split()) if isinstance(value, str) else value


def new_feed_token() -> str:
    """An unguessable name for a subscription's own Atom feed (its settings show the link)."""
    return secrets.token_urlsafe(18)


# `thread`: a header message, then each paper as a reply in the header's thread. Only a platform
# whose messages have threads of replies can carry it (bot.platforms.push_formats says which);
# adapters offer those, and the service refuses the others.


class Subscription(BaseModel):
    """A destination's daily push and everything it chose about it.

    Unsubscribing keeps the row (active=False) so a later /subscribe restores the same settings.
    """

    model_config = ConfigDict(frozen=True)

    destination: Destination
    chat_type: str
    title: str | None = None
    language: Lang = "en"
    summary_language: str | None = None  # the summaries' language when not `language` (any code)
    send_time: time = time(9, 0)
    time_zone: str = "UTC"
    weekdays: frozenset[int] = ALL_WEEKDAYS
    top_n: int = Field(10, ge=1, le=MAX_TOP_N)
    min_votes: int = Field(0, ge=0)
    include: tuple[str, ...] = Field((), max_length=MAX_KEYWORDS)
    exclude: tuple[str, ...] = Field((), max_length=MAX_KEYWORDS)
    format: PushFormat = "compact"
    cadence: Cadence = "daily"
    week_day: int = Field(0, ge=0, le=6)  # weekly: 0 (Monday) .. 6 (Sunday)
    month_day: int = Field(1, ge=1, le=31)  # monthly: 1 .. 31 (a shorter month: its last day)
    has_code: bool = False  # only papers with a code repository
    min_stars: int = Field(0, ge=0)  # only papers whose repository has at least this many stars
    ranking: Ranking = "votes"
    follows: tuple[Follow, ...] = Field((), max_length=MAX_FOLLOWS)
    feed_token: str = Field(default_factory=new_feed_token, min_length=16)
    notify_empty: bool = False
    late_risers: bool = False
    active: bool = True
    paused_reason: str | None = None
    created_by: str | None = None
    changed_by: str | None = None
    active_since: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone: {value!r}") from None
        return value

    @field_validator("weekdays")
    @classmethod
    def _some_weekdays(cls, value: frozenset[int]) -> frozenset[int]:
        if not value or not value <= ALL_WEEKDAYS:
            raise ValueError("weekdays must be a non-empty set of 0 (Monday) .. 6 (Sunday)")
        return value

    @field_validator("include", "exclude")
    @classmethod
    def _clean_keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = (" ".join(word.split())[:64] for word in value)
        return tuple(dict.fromkeys(word for word in cleaned if word))

    @field_validator("follows")
    @classmethod
    def _distinct_follows(cls, value: tuple[Follow, ...]) -> tuple[Follow, ...]:
        return tuple(dict.fromkeys(value))

    @field_validator("summary_language")
    @classmethod
    def _summary_code(cls, value: str | None) -> str | None:
        return language_code(value) if value else None

    @property
    def reads(self) -> str:
        """The language of the summaries this destination gets: its own choice, else its interface's."""
        return self.summary_language or self.language

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def delivering(self) -> bool:
        """Whether pushes go out: subscribed and not paused by a platform error."""
        return self.active and self.paused_reason is None


# The outbox's words, as its table keeps them (the CHECKs of storage/migrations/*/0001_initial.sql):
# typed here so a misspelt status or kind is a type error, not a row the database refuses mid-push.
PushKind = Literal["digest", "note"]  # a day's list, or a note that a day has no new one
# pending -> leased -> sent, failed or dead; a retry or a release puts a leased push back to pending.
OutboxStatus = Literal["pending", "leased", "sent", "failed", "dead"]
FinalStatus = Literal["sent", "failed", "dead"]  # how a push leaves the outbox (`Outbox.finish`)


class OutboxItem(BaseModel):
    """One push to one destination (a day's digest, or a note on a day without a list), as leased.

    `papers` is fixed once its first message went out, so a push resumed after a crash sends the
    same papers; `sent` are the message numbers already delivered, which a resume skips, and
    `message_ids` the platform's id of each (a reply after a resume goes to the same thread).
    """

    model_config = ConfigDict(frozen=True)

    id: int
    lease: str
    subscription: Subscription
    kind: PushKind
    digest_day: date
    due_at: datetime
    last_list: date | None = None
    papers: tuple[str, ...] | None = None
    attempts: int = 0
    sent: frozenset[int] = frozenset()
    message_ids: Mapping[int, str] = Field(default_factory=dict)
    received: frozenset[str] = frozenset()  # papers of this list (and the 3 days before) already received
    leased_at: datetime
