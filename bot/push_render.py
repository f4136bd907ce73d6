"""Rendering a push once for everyone who gets the same papers, on any platform.

Ten thousand subscribers of one day's list mostly receive the same papers in one of two formats
and two languages: each platform's Notifier renders a combination once and reuses it. The ledger
needs to know which papers each message shows, which the platform tells through `shows`. In the
`thread` format every message after the first is a reply in the first one's thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Generic, TypeVar

from bot.i18n import Lang, Text, t
from bot.models import Follow, OutboxItem, Paper, PushFormat
from bot.ports import Outgoing
from bot.selection import followed_reasons

Message = TypeVar("Message")
Format = PushFormat
CACHE_SIZE = 512


class PushRenderer(Generic[Message]):
    """`render(item, papers)` for a Notifier, from the platform's digest and note renderers."""

    def __init__(
        self,
        digest: Callable[[date, list[Paper], Format, Lang, str, Mapping[str, str]], list[Message]],
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
        self._cache: dict[tuple[object, ...], list[Outgoing]] = {}

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        subscription = item.subscription
        if item.kind == "note":
            note = self._note(t("push.no_new", day=item.last_list or "-"), subscription.language)
            return [Outgoing(self._prepare(note))]
        marks = follow_marks(papers, subscription.follows, subscription.language)
        key = (
            item.digest_day, tuple(p.arxiv_id for p in papers), subscription.format, subscription.language,
            subscription.reads, tuple(sorted(marks.items())),
        )  # fmt: skip
        if key not in self._cache:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            messages = self._digest(
                item.digest_day, papers, subscription.format, subscription.language, subscription.reads, marks
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


def follow_marks(papers: list[Paper], follows: tuple[Follow, ...], lang: Lang) -> dict[str, str]:
    """Each pushed paper the subscription follows, with why ("followed: author Yann LeCun"): the
    same papers are marked on a resumed push, where the picks' reasons are no longer at hand."""
    if not follows:
        return {}
    marks = {p.arxiv_id: "; ".join(r.render(lang) for r in followed_reasons(p, follows)) for p in papers}
    return {arxiv_id: mark for arxiv_id, mark in marks.items() if mark}
