"""Models to table rows and back, and how a day's papers merge into what is stored: for every store.

Both stores keep the same tables (storage/migrations) and answer `row["column"]`, but not with the
same Python values: SQLite hands back dates and times as ISO text, PostgreSQL as date, datetime and
time values (JSON is text in both). The readers here accept either, and the writers give plain
Python values that each store adapts to its driver, so a column is interpreted in one place.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from bot.merge import merge_later
from bot.models import (
    Destination,
    DigestDay,
    Follow,
    Opinion,
    OutboxItem,
    OutboxStatus,
    Paper,
    Section,
    Subscription,
    Summary,
)
from bot.ports import (
    PaperFeedback,
    RefusedPaper,
    StoreStats,
    SummaryStats,
    Trend,
    TrendingPage,
    UpsertResult,
)

UI_STATE_DAYS = 30  # how long a button's token keeps working

# `next_check_at` of a row just saved, or from before that column (migration 0007): look at once.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Row(Protocol):
    """A database row by column name: sqlite3.Row and asyncpg.Record both are."""

    def __getitem__(self, key: str, /) -> Any: ...


def as_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def as_datetime(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def as_time(value: str | time) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def json_text(values: Iterable[Any]) -> str:
    """A list as the JSON text both stores keep (SQLite in TEXT, PostgreSQL in JSONB)."""
    return json.dumps(list(values), ensure_ascii=False)


def ui_token(payload: str) -> str:
    """A short token that always stands for the same payload, whichever store keeps it."""
    return base64.urlsafe_b64encode(hashlib.sha256(payload.encode()).digest()[:9]).decode()


# -- papers ---------------------------------------------------------------------------------

PAPER_COLUMNS = (
    "title",
    "authors",
    "votes",
    "thumbnail",
    "media_url",
    "github",
    "project_page",
    "summaries",
    "abstract",
    "ai_summary",
    "keywords",
    "organization",
    "github_stars",
    "num_comments",
)


def paper_values(paper: Paper) -> tuple[Any, ...]:
    """The PAPER_COLUMNS of a paper, in that order (lists as JSON text)."""
    return (
        paper.title,
        json_text(paper.authors),
        paper.votes,
        paper.thumbnail,
        paper.media_url,
        paper.github,
        paper.project_page,
        json_text(summary_to_json(summary) for summary in paper.summaries),
        paper.abstract,
        paper.ai_summary,
        json_text(paper.keywords),
        paper.organization,
        paper.github_stars,
        paper.num_comments,
    )


def paper_from_row(row: Row, days: Iterable[str | date]) -> Paper:
    """A paper from its row (arxiv_id and PAPER_COLUMNS) and the days it was listed."""
    return Paper(
        arxiv_id=row["arxiv_id"],
        title=row["title"],
        authors=tuple(json.loads(row["authors"])),
        votes=row["votes"],
        thumbnail=row["thumbnail"],
        media_url=row["media_url"],
        github=row["github"],
        project_page=row["project_page"],
        summaries=tuple(summary_from_json(record) for record in json.loads(row["summaries"])),
        abstract=row["abstract"],
        ai_summary=row["ai_summary"],
        keywords=tuple(json.loads(row["keywords"])),
        organization=row["organization"],
        github_stars=row["github_stars"],
        num_comments=row["num_comments"],
        days=tuple(as_date(day) for day in days),
    )


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """A stored summary as JSON (sections as [heading, text] pairs; what is unset left out)."""
    record: dict[str, Any] = {
        "language": summary.language,
        "source": summary.source,
        "sections": [[s.heading, s.text] for s in summary.sections],
    }
    optional = {
        "model": summary.model,
        "prompt_version": summary.prompt_version,
        "created_at": summary.created_at.astimezone(UTC).isoformat() if summary.created_at else None,
        "tokens_in": summary.tokens_in or None,
        "tokens_out": summary.tokens_out or None,
        "verified": None if summary.verified else False,
    }
    return record | {key: value for key, value in optional.items() if value is not None}


def summary_from_json(record: Mapping[str, Any]) -> Summary:
    sections = tuple(Section(heading=h, text=t) for h, t in record["sections"])
    return Summary.model_validate({**record, "sections": sections})


def with_summary(paper: Paper, summary: Summary) -> Paper:
    """The paper with `summary` in place of the one it had in that language."""
    others = tuple(s for s in paper.summaries if s.language != summary.language)
    return paper.model_copy(update={"summaries": (*others, summary)})


def summary_stats(groups: Sequence[Row], failures: Sequence[Row]) -> SummaryStats:
    """SummaryStats from (language, source, n, tokens_in, tokens_out, unverified) groups and
    (reason, n) failure rows."""
    by_language: dict[str, dict[str, int]] = {}
    for row in groups:
        by_language.setdefault(row["language"], {})[row["source"]] = row["n"]
    return SummaryStats(
        by_language=by_language,
        tokens_in=sum(row["tokens_in"] or 0 for row in groups),
        tokens_out=sum(row["tokens_out"] or 0 for row in groups),
        unverified=sum(row["unverified"] or 0 for row in groups),
        failures={row["reason"]: row["n"] for row in failures},
    )


def search_fields(paper: Paper) -> tuple[str, str, str]:
    """What search reads of a paper, by weight: its title, its authors, and the rest (body): the
    summaries in every language, then the abstract, the HF summary, the keywords and the
    organization (so `/search AIRI` finds its papers)."""
    sections = [s for summary in paper.summaries for s in summary.sections]
    body = [s.text for s in sections] + [s.heading for s in sections if s.heading]
    body += [paper.abstract or "", paper.ai_summary or "", " ".join(paper.keywords), paper.organization or ""]
    return paper.title, " ".join(paper.authors), "\n".join(body)


@dataclass
class DayMerge:
    """What storing one day changes: each paper's row before and after, and the day's list order.

    `rows` holds only papers whose row changes (before is None for a new one), once each even when
    the list names a paper twice; `positions` is every paper's place in the list (the last wins).
    """

    rows: dict[str, tuple[Paper | None, Paper]] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    added: int = 0
    updated: int = 0


def merge_day(digest: DigestDay, stored: Mapping[str, Paper]) -> DayMerge:
    """Merge the day's papers into the `stored` ones (by arXiv id, with their days) by bot.merge
    (`merge_later`: the day is the later answer, whose stars and comments replace the stored ones).

    Unchanged papers write nothing, so ingesting the same data twice changes nothing.
    """
    result = DayMerge()
    current = dict(stored)
    for position, listed in enumerate(digest.papers):
        incoming = listed.model_copy(update={"days": (digest.day,)})
        result.positions[incoming.arxiv_id] = position
        existing = current.get(incoming.arxiv_id)
        merged = incoming if existing is None else merge_later(existing, incoming)
        if merged == existing:
            continue
        result.added += existing is None
        result.updated += existing is not None
        before = result.rows.get(incoming.arxiv_id, (existing, merged))[0]
        result.rows[incoming.arxiv_id] = (before, merged)
        current[incoming.arxiv_id] = merged
    return result


# -- vote history (trending) -------------------------------------------------------------------

# How long a vote sample is kept: trending looks back at most this far (bot.trending.MAX_DAYS of
# lists, its 24-hour window and a day of slack), and each new sample prunes those older, so the
# table holds about (ingest rounds of this span) x (papers whose votes moved) rows, whatever the age
# of the database.
VOTE_HISTORY_DAYS = 32


def vote_samples(changes: DayMerge, refused: Sequence[RefusedPaper]) -> list[tuple[str, int]]:
    """(arXiv id, votes) of each stored paper whose vote count this day changed (or first became
    known): the vote history gets a row only when the count moved."""
    left_out = {r.arxiv_id for r in refused}
    return [
        (arxiv_id, after.votes)
        for arxiv_id, (before, after) in changes.rows.items()
        if arxiv_id not in left_out
        and after.votes is not None
        and (before is None or before.votes != after.votes)
    ]


def history_floor(seen_at: datetime) -> datetime:
    """Samples before this are pruned when one is recorded at `seen_at`."""
    return seen_at - timedelta(days=VOTE_HISTORY_DAYS)


def trending_days(latest: date | None, days: int) -> tuple[date, date] | None:
    """The listing days trending covers: the `days` days ending with the latest list."""
    return None if latest is None else (latest - timedelta(days=days - 1), latest)


@dataclass(frozen=True)
class TrendRow:
    """One listed paper's history in the window, as the trending query reads it."""

    paper_id: int
    votes: int | None  # the paper's current count
    arxiv_id: str
    first: int | None  # the count at the window's start (else the first seen in it)
    last: int | None  # the last count seen up to now
    samples: int


def trend_row(row: Row) -> TrendRow:
    return TrendRow(
        row["id"], row["votes"], row["arxiv_id"], row["first_votes"], row["last_votes"], row["samples"]
    )


def ranked_trends(rows: Sequence[TrendRow], limit: int) -> list[tuple[int, int]]:
    """(paper id, votes gained) of the papers that gained votes, most gained first, then the most
    voted now, then the arXiv id (a total order: both stores give one answer)."""
    gains = [(r, r.last - r.first) for r in rows if r.first is not None and r.last is not None]
    gains.sort(key=lambda pair: (-pair[1], -(pair[0].votes or 0), pair[0].arxiv_id))
    return [(r.paper_id, gained) for r, gained in gains if gained > 0][:limit]


def trending_page(
    span: tuple[date, date] | None, rows: Sequence[TrendRow], ranked: Sequence[tuple[int, int]],
    papers: Mapping[int, Paper],
) -> TrendingPage:  # fmt: skip
    """The page from the query's rows, the ranking and the ranked papers by id."""
    return TrendingPage(
        trends=[Trend(papers[paper_id], gained) for paper_id, gained in ranked if paper_id in papers],
        first_day=span[0] if span else None,
        last_day=span[1] if span else None,
        listed=len(rows),
        tracked=sum(r.samples >= 2 for r in rows),
    )


def upsert_result(day_added: bool, changes: DayMerge, refused: Sequence[RefusedPaper]) -> UpsertResult:
    """What storing a day changed: the merge's counts, less the papers the database refused."""
    new = sum(changes.rows[r.arxiv_id][0] is None for r in refused)
    return UpsertResult(
        day_added=day_added,
        papers_added=max(0, changes.added - new),
        papers_updated=max(0, changes.updated - (len(refused) - new)),
        refused=tuple(refused),
    )


# -- subscriptions ----------------------------------------------------------------------------


def subscription_values(sub: Subscription, now: datetime) -> dict[str, Any]:
    """A subscription's columns; `now` is when it is saved (and when a new pause began)."""
    return {
        "platform": sub.destination.platform,
        "chat_id": sub.destination.chat_id,
        "thread_id": sub.destination.thread_id,
        "chat_type": sub.chat_type,
        "title": sub.title,
        "language": sub.language,
        "summary_language": sub.summary_language,
        "send_time": sub.send_time,
        "time_zone": sub.time_zone,
        "weekdays": sum(1 << day for day in sub.weekdays),
        "top_n": sub.top_n,
        "min_votes": sub.min_votes,
        "include_keywords": json_text(sub.include),
        "exclude_keywords": json_text(sub.exclude),
        "format": sub.format,
        "cadence": sub.cadence,
        "week_day": sub.week_day,
        "month_day": sub.month_day,
        "has_code": sub.has_code,
        "min_stars": sub.min_stars,
        "ranking": sub.ranking,
        "follows": json.dumps([[f.kind, f.value] for f in sub.follows], ensure_ascii=False),
        "feed_token": sub.feed_token,
        "notify_empty": sub.notify_empty,
        "late_risers": sub.late_risers,
        "active": sub.active,
        "paused_reason": sub.paused_reason,
        "paused_at": now if sub.paused_reason else None,
        "created_by": sub.created_by,
        "changed_by": sub.changed_by,
        "active_since": sub.active_since,
        "created_at": now,
        "updated_at": now,
        "next_check_at": EPOCH,  # new settings may make it due: the scheduler looks at its next round
    }


def subscription_from_row(row: Row) -> Subscription:
    return Subscription(
        destination=Destination(platform=row["platform"], chat_id=row["chat_id"], thread_id=row["thread_id"]),
        chat_type=row["chat_type"],
        title=row["title"],
        language=row["language"],
        summary_language=row["summary_language"],
        send_time=as_time(row["send_time"]),
        time_zone=row["time_zone"],
        weekdays=frozenset(day for day in range(7) if row["weekdays"] >> day & 1),
        top_n=row["top_n"],
        min_votes=row["min_votes"],
        include=tuple(json.loads(row["include_keywords"])),
        exclude=tuple(json.loads(row["exclude_keywords"])),
        format=row["format"],
        cadence=row["cadence"],
        week_day=row["week_day"],
        month_day=row["month_day"],
        has_code=bool(row["has_code"]),
        min_stars=row["min_stars"],
        ranking=row["ranking"],
        follows=tuple(Follow(kind=kind, value=value) for kind, value in json.loads(row["follows"])),
        feed_token=row["feed_token"],
        notify_empty=bool(row["notify_empty"]),
        late_risers=bool(row["late_risers"]),
        active=bool(row["active"]),
        paused_reason=row["paused_reason"],
        created_by=row["created_by"],
        changed_by=row["changed_by"],
        active_since=as_datetime(row["active_since"]),
    )


# Tables keyed by a destination's key (`platform:chat[:thread]`): what it received and what its
# members pressed and saved. A chat that gets a new id takes them along (`Subscriptions.move_chat`).
# Each with the rest of its primary key.
DESTINATION_KEYED = {
    "ledger": ("arxiv_id",),
    "opinions": ("user_id", "arxiv_id"),
    "saved_papers": ("user_id", "arxiv_id"),
}


# -- feedback -------------------------------------------------------------------------------


def member_feedback_of(rows: Sequence[Row]) -> dict[str, tuple[Opinion | None, bool]]:
    """{arxiv_id: (opinion, saved)} from (arxiv_id, opinion or NULL, saved 0/1) rows, one or two a paper."""
    pressed: dict[str, tuple[Opinion | None, bool]] = {}
    for row in rows:
        opinion, saved = pressed.get(row["arxiv_id"], (None, False))
        pressed[row["arxiv_id"]] = (row["opinion"] or opinion, saved or bool(row["saved"]))
    return pressed


def paper_feedback_of(rows: Sequence[Row]) -> list[PaperFeedback]:
    """PaperFeedback from (arxiv_id, likes, dislikes, saves) rows (sums come back as any number type)."""
    return [
        PaperFeedback(
            row["arxiv_id"], likes=int(row["likes"]), dislikes=int(row["dislikes"]), saves=int(row["saves"])
        )
        for row in rows
    ]


# -- delivery and stats ---------------------------------------------------------------------


def outbox_item_from_row(row: Row, leased_at: datetime) -> OutboxItem:
    """A leased push from its outbox row joined with its subscription's columns, plus `sent` (JSON:
    the platform message id of each message number already recorded) and `received` (JSON: papers
    of its list the destination already has)."""
    sent = {int(seq): str(message_id) for seq, message_id in json.loads(row["sent"] or "{}").items()}
    return OutboxItem(
        id=row["outbox_id"],
        lease=row["lease_owner"] or "",
        subscription=subscription_from_row(row),
        kind=row["kind"],
        digest_day=as_date(row["digest_day"]),
        last_list=as_date(row["last_list"]) if row["last_list"] else None,
        due_at=as_datetime(row["due_at"]),
        papers=tuple(json.loads(row["papers"])) if row["papers"] is not None else None,
        attempts=row["attempts"],
        sent=frozenset(sent),
        message_ids=sent,
        received=frozenset(json.loads(row["received"])),
        leased_at=leased_at,
    )


def store_stats(
    totals: Row, platforms: Sequence[Row], statuses: Sequence[Row], errors: Sequence[Row]
) -> StoreStats:
    """StoreStats from the stats queries: `totals` has one column per count, the others are
    (platform, n), (status, n) and (last_error, n) rows."""
    by_status = outbox_counts(statuses)
    return StoreStats(
        papers=totals["papers"],
        days=totals["days"],
        first_day=as_date(totals["first_day"]) if totals["first_day"] else None,
        last_day=as_date(totals["last_day"]) if totals["last_day"] else None,
        subscriptions=totals["subscriptions"],
        subscriptions_by_platform={r["platform"]: r["n"] for r in platforms},
        paused=totals["paused"],
        last_push=as_datetime(totals["last_push"]) if totals["last_push"] else None,
        outbox_pending=by_status["pending"],
        outbox_sent=by_status["sent"],
        outbox_failed=by_status["failed"],
        outbox_dead=by_status["dead"],
        errors={r["last_error"]: r["n"] for r in errors},
    )


def outbox_counts(statuses: Sequence[Row]) -> dict[OutboxStatus, int]:
    """{pending, sent, failed, dead: count} from (status, n) rows; a leased push is still pending."""
    by_status = {str(r["status"]): int(r["n"]) for r in statuses}
    return {
        "pending": by_status.get("pending", 0) + by_status.get("leased", 0),
        "sent": by_status.get("sent", 0),
        "failed": by_status.get("failed", 0),
        "dead": by_status.get("dead", 0),
    }
