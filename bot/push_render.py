"""Rendering a push once for everyone who gets the same papers, on any platform.

Ten thousand subscribers of one day's list mostly receive the same papers in one of two formats
and two languages: each platform's Notifier renders a combination once and reuses it. The ledger
needs to know which papers each message shows, which the platform tells through `shows`. In the
`thread` format every message after the first is a reply in the first one's thread.

The heading names what the push is (a day's list, the week's or the month's digest): `push_heading`
says it once for every platform, and `push_note` what a push without papers says instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Generic, TypeVar

from bot.i18n import Lang, Text, t
from bot.models import OutboxItem, Paper, PushFormat
from bot.ports import Outgoing
from bot.schedule import DigestPeriod, period_of

Message = TypeVar("Message")
Format = PushFormat
CACHE_SIZE = 512


def push_heading(period: DigestPeriod | date, n: int, *, thread: bool = False) -> Text:
    """The heading of a push of `n` papers: a day's list (a date is one), or the week's or month's
    digest and its days; `thread`: the papers follow as replies in its thread."""
    if isinstance(period, date):
        period = DigestPeriod.daily(period)
    if not period.spans_days:
        return t("push.thread_heading" if thread else "push.heading", day=period.last, n=n)
    key = f"push.{period.cadence}_thread_heading" if thread else f"push.{period.cadence}_heading"
    return t(key, first=period.first, last=period.last, n=n)


def push_period(item: OutboxItem) -> DigestPeriod:
    """The lists a push carries: its day's, or the week's or month's ending with it."""
    return period_of(item.subscription, item.due_at, item.digest_day)


def push_note(item: OutboxItem, papers: list[Paper]) -> Text | None:
    """What a push says instead of papers, if it has none to show: a day without a new list (a
    note), or a week or month with nothing new for this destination (what it left out and why
    is in /preview). None: a digest to render."""
    if item.kind == "note":
        return t("push.no_new", day=item.last_list or "-")
    period = push_period(item)
    if not papers and period.spans_days:
        return t(f"push.{period.cadence}_empty", first=period.first, last=period.last)
    return None


class PushRenderer(Generic[Message]):
    """`render(item, papers)` for a Notifier, from the platform's digest and note renderers."""

    def __init__(
        self,
        digest: Callable[[DigestPeriod, list[Paper], Format, Lang, str], list[Message]],
        note: Callable[[Text, Lang], Message],
        shows: Callable[[Message, Paper], bool],
        prepare: Callable[[Message], object] = lambda message: message,
        *,
        threads: bool = False,
    ) -> None:
        """`prepare` turns a rendered message into what the sender sends (e.g. encoded once, for all);
        `threads` says the platform's messages have threads of replies (else `thread` is `cards`)."""
        self._digest = digest
        self._note = note
        self._shows = shows
        self._prepare = prepare
        self._threads = threads
        self._cache: dict[tuple[DigestPeriod, tuple[str, ...], str, str, str], list[Outgoing]] = {}

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        subscription = item.subscription
        note = push_note(item, papers)
        if note is not None:
            return [Outgoing(self._prepare(self._note(note, subscription.language)))]
        period = push_period(item)
        key = (
            period, tuple(p.arxiv_id for p in papers), subscription.format, subscription.language,
            subscription.reads,
        )  # fmt: skip
        if key not in self._cache:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            messages = self._digest(
                period, papers, subscription.format, subscription.language, subscription.reads
            )
            threaded = self._threads and subscription.format == "thread"  # the first heads, the rest reply
            self._cache[key] = [
                Outgoing(
                    self._prepare(message),
                    tuple(p.arxiv_id for p in papers if self._shows(message, p)),
                    reply_to=0 if threaded and seq else None,
                )
                for seq, message in enumerate(messages)
            ]
        return self._cache[key]
