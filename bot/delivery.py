"""The push (daily, weekly or monthly): find what is due, enqueue it once, and deliver it through
the outbox.

The outbox makes the push crash-safe and idempotent. The scheduler enqueues one row per
(subscription, day) under a unique key, so running it twice adds nothing; a weekly or monthly push
is keyed by its period's last day (bot/schedule.period_of says which days a row covers, from its
subscription, due time and day), so a period gets one push. Workers lease rows
(a lease that expires is taken up again), fix the row's papers at the first attempt, and record
every message and every paper in the ledger as it goes, so a push resumed after a crash skips
what was sent and a paper never reaches a destination twice.

Telegram has no idempotency key: a message in flight when the process dies (sent, but not yet
recorded) is sent again on resume. That is the only duplicate this design allows, at most one
message per push being delivered at the moment of a crash.

A store that stops answering is not a crash: the first failed call marks it down for every worker
(bot/outage.py), none starts another send, and each waits with what it holds (a message sent and
not yet recorded is recorded once the store answers) and goes on when it is back. A `Deliverer`
whose outage does not wait (`paperboy push`) stops instead, and says so in its report.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Literal, TypeVar

from bot.clock import SYSTEM_CLOCK, Clock
from bot.config import PushSettings
from bot.errors import (
    DeliveryError,
    DestinationGone,
    DestinationMoved,
    MessageRejected,
    RateLimited,
    StoreUnavailable,
    ThreadGone,
    TransientFailure,
)
from bot.i18n import Text
from bot.models import Destination, FinalStatus, OutboxItem, Paper, Subscription
from bot.outage import StoreOutage
from bot.ports import Delivery, DueSubscription, Enqueued, NextCheck, Notifier, Outgoing, Pushes
from bot.ratelimit import RateKey, RateLimiter
from bot.schedule import (
    DayCache,
    DigestPeriod,
    expected_day,
    has_list,
    latest_due,
    list_for,
    next_due,
    period_for,
    period_of,
)
from bot.selection import CANDIDATES, PERIOD_CANDIDATES, Selection, SelectionMemo, selection_for
from bot.subscriptions import SUBSCRIPTION_PAGE, delivering_pages, pause_subscription

log = logging.getLogger(__name__)

T = TypeVar("T")
# How often a due subscription whose list has not come yet is looked at again (until the grace window
# ends): a late list goes out at most this long after it is stored; ingest rounds come every 30 minutes.
LIST_WAIT = timedelta(minutes=10)
# Subscriptions `push --now` enqueues with one statement: the first message waits for the first page.
DELIVERING_PAGE = 10_000

# How a push ended before its last message went out: settled (failed, dead, or to be retried later),
# or left leased, to be resumed from what is recorded (its lease lost to another worker, or stopping).
Outcome = Literal["failed", "dead", "retry", "lost", "stopped"]


@dataclass
class EnqueueReport:
    digests: int = 0
    notes: int = 0


@dataclass(frozen=True)
class _Looked:
    """A subscription a scheduler round looked at: its due time, if a push is due, and when it is
    next due (its next look, once this one is handled)."""

    found: DueSubscription
    due: datetime | None
    next_due: datetime

    def look_again(self, at: datetime) -> NextCheck:
        return NextCheck(self.found.row_id, self.found.saved_at, at)


_Schedule = tuple[time, str, str, frozenset[int], int, int]


def _schedule(subscription: Subscription) -> _Schedule:
    """What its due times depend on: time, zone and cadence with its days."""
    s = subscription
    return (s.send_time, s.time_zone, s.cadence, s.weekdays, s.week_day, s.month_day)


class _DueTimes:
    """A round's due times by schedule (time, zone, cadence and days): most subscribers share a
    handful of schedules, and working a time out across time zones costs more than reading the row.
    Bounded."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._times: dict[_Schedule, tuple[datetime | None, datetime]] = {}

    def of(self, subscription: Subscription, now: datetime) -> tuple[datetime | None, datetime]:
        """Its latest due time at or before `now` (None: none this past period) and the next after."""
        key = _schedule(subscription)
        found = self._times.get(key)
        if found is None:
            if len(self._times) >= self.LIMIT:
                self._times.clear()
            found = self._times[key] = (latest_due(subscription, now), next_due(subscription, now))
        return found


class Scheduler:
    """Puts due pushes in the outbox; safe to run as often as wanted."""

    def __init__(self, store: Pushes, settings: PushSettings, clock: Clock = SYSTEM_CLOCK) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock

    @property
    def store(self) -> Pushes:
        return self._store

    @property
    def today_so_far(self) -> bool:
        """A daily push carries the due day's own list as it stands (else the last complete day's)."""
        return self._settings.today_so_far

    async def due(self, *, everyone_now: bool = False) -> list[tuple[Subscription, datetime]]:
        """Each delivering subscription whose latest due time has come, within the grace window,
        pushed already or not (`everyone_now`: every one, due this instant; `push --now`). For a
        listing (`push --dry-run`): it reads every subscription, a page at a time, and changes nothing."""
        now, times = self._clock.now(), _DueTimes()
        found = []
        async for page in delivering_pages(self._store):
            for subscription in page:
                due = now if everyone_now else self._due_at(subscription, times.of(subscription, now)[0], now)
                if due is not None:
                    found.append((subscription, due))
        return found

    def _due_at(self, subscription: Subscription, latest: datetime | None, now: datetime) -> datetime | None:
        """When its push is due (its `latest` due time), if one is: not for a new subscriber's
        backlog, nor one missed beyond the grace window (the bot was down: do not flood)."""
        if latest is None or latest < subscription.active_since:
            return None
        return latest if now - latest <= timedelta(hours=self._settings.grace_hours) else None

    async def _due_pages(self) -> AsyncIterator[list[_Looked]]:
        """The subscriptions whose time to be looked at has come, a page at a time, each with its due
        time and its next look. Read through the store's index: a round that finds nothing costs one
        query, whatever the number of subscribers."""
        now, times = self._clock.now(), _DueTimes()
        after: tuple[datetime, int] | None = None
        while page := await self._store.subscriptions_due(now, after=after, limit=SUBSCRIPTION_PAGE):
            after = (page[-1].next_check_at, page[-1].row_id)
            looked = []
            for found in page:
                latest, following = times.of(found.subscription, now)
                looked.append(_Looked(found, self._due_at(found.subscription, latest, now), following))
            yield looked

    async def enqueue_due(self, *, everyone_now: bool = False) -> EnqueueReport:
        """Put every due push in the outbox; what is there already is not added again.

        A page of due subscriptions goes in with one `enqueue_many` (its unique key answers
        "already pushed?"); only a subscriber who wants a note on days without a new list needs a
        look of its own, to tell a push that is new from one already sent at an earlier due time.
        Each subscription is looked at next when it is next due; one whose list has not come yet
        (ingestion lags, or a weekend) every LIST_WAIT until the grace window ends, so a late list
        still goes out, as late as the grace window allows.
        """
        if everyone_now:
            return await self._enqueue_everyone()
        report = EnqueueReport()
        now, grace = self._clock.now(), timedelta(hours=self._settings.grace_hours)
        lists = _DueLists(self, now, grace)  # subscribers share due times
        async for page in self._due_pages():
            digests: list[Enqueued] = []
            noting: list[tuple[Subscription, datetime, date | None]] = []
            checks: list[NextCheck] = []
            for looked in page:
                subscription, due, again = looked.found.subscription, looked.due, looked.next_due
                if due is not None:
                    day, look_by, held = await lists.of(subscription, due)  # held: nothing yet, no note
                    if subscription.notify_empty and not held:
                        noting.append((subscription, due, day))
                    elif day is not None:
                        digests.append(Enqueued(subscription.destination, "digest", day, due))
                    if look_by is not None:  # its list may still come
                        again = min(again, look_by)
                checks.append(looked.look_again(again))
            report.digests += await self._store.enqueue_many(digests)
            for subscription, due, day in noting:
                await self._enqueue_noting(report, subscription, due, day)
            await self._store.schedule_checks(checks)  # after the pushes are in: a crash repeats them
        return report

    async def _enqueue_everyone(self) -> EnqueueReport:
        """`push --now`: every delivering subscription is due this instant, with the same list, so
        the store enqueues them a statement per DELIVERING_PAGE (the deliverer may start on the
        first while the next go in); only those wanting a note go one by one."""
        report = EnqueueReport()
        now = self._clock.now()
        day, _ = await self.day_for(now, manual=True)
        after: int | None = 0
        while day is not None and after is not None:
            added, after = await self._store.enqueue_delivering(day, now, after=after, limit=DELIVERING_PAGE)
            report.digests += added
        async for page in delivering_pages(self._store, SUBSCRIPTION_PAGE, noting_only=True):
            for subscription in page:
                await self._enqueue_noting(report, subscription, now, day)
        return report

    async def _enqueue_noting(
        self, report: EnqueueReport, subscription: Subscription, due: datetime, day: date | None
    ) -> None:
        """The digest of `day`, or a note when there is no new list (none, or one already pushed)."""
        destination = subscription.destination
        if day is not None and await self._store.enqueue(destination, "digest", day, due):
            report.digests += 1
            return
        pushed = await self._store.enqueued_at(destination, "digest", day) if day else None
        if day is None or (pushed is not None and pushed < due):
            local_day = due.astimezone(subscription.zone).date()
            last = await self._store.latest_day(on_or_before=local_day)
            report.notes += await self._store.enqueue(destination, "note", local_day, due, last_list=last)

    async def digest_day(
        self, subscription: Subscription, due: datetime, *, manual: bool = False
    ) -> tuple[date | None, Text | None]:
        """The digest day of `subscription`'s push due then (a weekly or monthly one: its period's
        last day), or why it has none; `manual` (`push --now`): the latest list, for every cadence."""
        if subscription.cadence == "daily" or manual:
            return await self.day_for(due, manual=manual)
        period, reason = await period_for(self._store, subscription, due)
        return (period.last if period is not None else None), reason

    async def day_for(
        self, due: datetime, *, manual: bool = False, cache: DayCache | None = None
    ) -> tuple[date | None, Text | None]:
        """The list a push due then carries (`manual`: asked for by hand, so an old list still goes)."""
        return await list_for(
            self._store, due, today_so_far=self._settings.today_so_far, manual=manual, cache=cache
        )


class _DueLists:
    """A scheduler round's answer to "which list does a push due then carry?", shared by the
    subscribers due at the same time (and, for a weekly or monthly one, with the same schedule).

    `of` gives the push's digest day (None: no list to send), when to look again because a list may
    still come (None: at its next due time), and whether to hold the push meanwhile (send nothing,
    not even a note).
    A daily push sends what there is and looks again for the expected day's list (another push).
    A weekly or monthly one gets one push per period (keyed by its last day), so it cannot send now
    and add the late list later: while its last day's list is missing, though the same weekday had
    a list a week before (Daily Papers has none on most weekends: a week ending on a Sunday does not
    wait), it is held and looked at every LIST_WAIT, and goes out with what there is at the last look
    before the grace window ends (LIST_WAIT before its end: a round a little late still finds it
    due). A period with no list at all is looked at again too, until the grace window ends.
    """

    def __init__(self, scheduler: Scheduler, now: datetime, grace: timedelta) -> None:
        self._scheduler = scheduler
        self._now = now
        self._grace = grace
        self._cache: DayCache = {}
        self._days: dict[datetime, date | None] = {}
        self._periods: dict[tuple[_Schedule, datetime], DigestPeriod | None] = {}

    async def of(
        self, subscription: Subscription, due: datetime
    ) -> tuple[date | None, datetime | None, bool]:
        soon = min(due + self._grace, self._now + LIST_WAIT)
        if subscription.cadence == "daily":
            if due not in self._days:
                self._days[due] = (await self._scheduler.day_for(due, cache=self._cache))[0]
            day = self._days[due]
            expected = expected_day(due, today_so_far=self._scheduler.today_so_far)
            return day, (soon if day is None or day < expected else None), False
        key = (_schedule(subscription), due)
        if key not in self._periods:
            self._periods[key] = (
                await period_for(self._scheduler.store, subscription, due, cache=self._cache)
            )[0]
        period = self._periods[key]
        if period is None:
            return None, soon, False
        until = due + self._grace - LIST_WAIT
        if self._now < until and await self._late(period.last):
            return None, min(soon, until), True
        return period.last, None, False

    async def _late(self, day: date) -> bool:
        """Whether the list of `day` is missing though the same weekday a week before had one."""
        store, cache = self._scheduler.store, self._cache
        week_before = day - timedelta(days=7)
        return not await has_list(store, day, cache) and await has_list(store, week_before, cache)


@dataclass
class _Run:
    """One push being sent: where to (it may move), its limits, and when its lease was renewed."""

    item: OutboxItem
    notifier: Notifier
    keys: list[RateKey]
    destination: Destination
    renewed: datetime
    started: bool = False  # a message went out (and fixed the push's papers)
    settled: bool = False  # the last message was recorded, which marked the push sent
    ids: dict[int, str] = field(default_factory=dict)  # message number -> platform id, before and now
    unthreaded: bool = False  # the thread replies go to was deleted: post in the destination itself


@dataclass
class DeliveryReport:
    """What a drain of the outbox did, for `paperboy push`, stats and the benchmarks."""

    pushes: int = 0
    messages: int = 0
    rate_limited: int = 0
    retried: int = 0
    dead: int = 0
    paused: int = 0
    rejected: int = 0
    finished: int = 0  # pushes taken out of the outbox (sent, failed or dead) by this drain
    store_lost: str | None = None  # why a drain that may not wait for the store stopped
    errors: Counter[str] = field(default_factory=Counter)


class _StoreLost(Exception):
    """The store is down and this worker may not (or no longer) wait for it: it ends."""


class Deliverer:
    """Leases pushes from the outbox and sends them through each platform's Notifier."""

    def __init__(
        self,
        store: Delivery,
        notifiers: dict[str, Notifier],
        settings: PushSettings,
        *,
        limiter: RateLimiter | None = None,
        clock: Clock = SYSTEM_CLOCK,
        owner: str | None = None,
        outage: StoreOutage | None = None,
    ) -> None:
        """`outage` is the process's view of the store (one of its own when None); when it `waits`,
        so do the workers for a store that stopped answering, else they stop at once."""
        self._store = store
        self._notifiers = notifiers
        self._settings = settings
        self._limiter = limiter or RateLimiter(clock=clock)
        self._clock = clock
        self.owner = owner or f"{socket.gethostname()}:{id(self):x}"
        self._day_papers: dict[DigestPeriod, dict[str, Paper]] = {}
        self._selections = SelectionMemo()
        self._leased: deque[OutboxItem] = deque()
        self._leasing = asyncio.Lock()
        self._drained = False
        self._stopping = False
        self._stopped = asyncio.Event()
        self.outage = outage or StoreOutage(store.writable, clock=clock)
        self.report = DeliveryReport()

    @property
    def stopping(self) -> bool:
        """`stop` was called: no new push starts."""
        return self._stopping

    def stop(self) -> None:
        """Shut down cleanly: messages already handed to the platform finish, nothing new starts.

        Pushes left half-way stay leased to `owner`; `Store.release(owner)` hands them back, and the
        next drain (this process or another) resumes each after its last recorded message.
        """
        self._stopping = True
        self._stopped.set()

    async def drain(self) -> DeliveryReport:
        """Deliver every ready push, `workers` at a time, until none is ready.

        A worker renews a lease older than a third of its length before sending, and a push whose
        lease was lost meanwhile is left to its new holder.
        """
        self._day_papers.clear()  # votes change between drains
        self._selections.clear()
        self._drained = False
        await asyncio.gather(*(self._work() for _ in range(self._settings.workers)))
        return self.report

    async def _work(self) -> None:
        with contextlib.suppress(_StoreLost):  # its push stays leased: resumed from what is recorded
            while (item := await self._next_leased()) is not None:
                try:
                    await self.deliver(item)
                except _StoreLost:
                    raise
                except Exception:  # one broken push must not stop the others
                    log.exception("push %s failed unexpectedly", item.id)
                    at = self._retry_at(item.attempts)
                    await self._stored(partial(self._store.retry_later, item.id, at, "internal error"))

    async def _stored(self, call: Callable[[], Awaitable[T]]) -> T:
        """A store call, made again once the store answers when it fails because the store is down.

        Every write of the outbox is safe to repeat (a message recorded twice is recorded once), and
        while the store is down no worker sends: see `_store_back`."""
        while True:
            if self.outage.down:
                await self._store_back()
            try:
                return await call()
            except StoreUnavailable as err:
                self.outage.failed(err)

    async def _store_back(self) -> None:
        """Wait until the store answers; _StoreLost when this deliverer may not wait, or stops."""
        if not self.outage.waits:
            self.report.store_lost = self.report.store_lost or self.outage.reason
            self.stop()
            raise _StoreLost
        if not self._stopping:
            back = asyncio.ensure_future(self.outage.wait_up())
            stopped = asyncio.ensure_future(self._stopped.wait())
            await asyncio.wait([back, stopped], return_when=asyncio.FIRST_COMPLETED)
            back.cancel()
            stopped.cancel()
        if self._stopping:
            raise _StoreLost

    async def _next_leased(self) -> OutboxItem | None:
        """The next push to deliver; None once no push is ready.

        The worker that finds none left leases as many as there are workers, for all of them: one
        round trip per `workers` pushes, and a push goes to the first free worker instead of
        waiting behind another worker's slow one.
        """
        async with self._leasing:
            if self._stopping:
                return None
            if not self._leased and not self._drained:
                self._leased.extend(
                    await self._stored(
                        lambda: self._store.lease(
                            self.owner,
                            self._clock.now(),
                            seconds=self._settings.lease_seconds,
                            limit=self._settings.workers,
                        )
                    )
                )
                self._drained = not self._leased
            return self._leased.popleft() if self._leased else None

    async def deliver(self, item: OutboxItem) -> None:
        """Send one push from where it stopped; settle its outbox row whatever happens."""
        subscription = item.subscription
        notifier = self._notifiers.get(subscription.destination.platform)
        if notifier is None:
            await self._finish(item.id, "failed", f"no sender for {subscription.destination.platform}")
            return
        if not subscription.delivering:
            await self._finish(item.id, "failed", subscription.paused_reason or "unsubscribed")
            return
        papers = await self._stored(lambda: self._papers_of(item))
        if not papers and not item.sent and _quiet_when_empty(item):
            await self._finish(item.id, "sent")  # a week or month with nothing new: no message
            self.report.pushes += 1
            return
        choice = [p.arxiv_id for p in papers]
        run = _Run(item, notifier, notifier.rate_keys(subscription), subscription.destination, item.leased_at)
        run.ids.update(item.message_ids)  # a resumed push's replies go to the thread it started
        if item.sent:  # its last message may have gone out from another process a moment ago
            self._limiter.assume_sent([key for key in run.keys if not key.overall])
        messages = notifier.render(item, papers)
        for seq, message in enumerate(messages):
            if seq in item.sent:
                continue
            first = None if item.sent or run.started else choice
            if await self._send(run, seq, message, choice=first, final=seq == len(messages) - 1) is not None:
                return  # the push was settled (retry later, dead, paused), lost, or stopped
        if not run.settled:  # the last message was skipped (rejected, or sent before a crash)
            await self._finish(item.id, "sent")
        else:
            self.report.finished += 1  # recording the last message marked it sent
        self.report.pushes += 1

    async def _finish(self, item_id: int, status: FinalStatus, error: str | None = None) -> None:
        await self._stored(lambda: self._store.finish(item_id, status, error))
        self.report.finished += 1

    async def _send(
        self, run: _Run, seq: int, message: Outgoing, *, choice: list[str] | None, final: bool
    ) -> Outcome | None:
        """One message, until it is sent (None: go on) or the push is settled (its outcome)."""
        item = run.item
        while True:
            # Hold the lease before waiting for a send slot, so no slot is spent on a push another
            # worker has taken over; nothing but the send itself may come between slot and send, or
            # the platform would see the sends bunched. No send starts while the store is down.
            if self.outage.down:
                await self._store_back()
            if self._stopping or not await self._keep_lease(run):
                return "stopped" if self._stopping else "lost"
            await self._limiter.acquire(run.keys)
            if self._stopping:
                return "stopped"
            if self.outage.down:
                continue  # it went down while this worker waited for its slot
            if self._lease_age(run) > self._settings.lease_seconds * 2 / 3:
                continue  # the wait outlasted what the lease had left: another worker may hold it now
            try:
                message_id = await run.notifier.send(self._target(run, message), message)
            except RateLimited as err:
                self.report.rate_limited += 1
                for key in (k for k in run.keys if k.overall == err.everything):
                    self._limiter.block(key.name, err.retry_after)
                continue
            except ThreadGone as err:
                log.warning("push %s: %s; the rest goes to the channel itself", item.id, err.reason)
                run.unthreaded = True
                continue
            except DestinationMoved as err:
                old = run.destination
                await self._stored(partial(self._store.move_chat, old.platform, old.chat_id, err.new_chat_id))
                run.destination = old.model_copy(update={"chat_id": err.new_chat_id})
                continue
            except DeliveryError as err:
                return await self._settle(item, run.destination, err)
            # Sent: until this is recorded, the worker sends nothing else (waiting for the store if
            # it went down), so a push taken up later resends at most this message.
            self.report.messages += 1
            await self._stored(
                partial(
                    self._store.record_message,
                    item.id,
                    seq,
                    message_id,
                    run.destination,
                    message.papers,
                    choice=choice,
                    final=final,
                )
            )
            run.ids[seq] = message_id
            run.started = True
            run.settled = final
            return None

    @staticmethod
    def _target(run: _Run, message: Outgoing) -> Destination:
        """Where a message goes: a reply to the thread of the message it answers (sent in this run or
        recorded before a crash), anything else to the destination. A reply whose first message
        never went out (refused) or whose thread is gone goes to the destination too."""
        thread = run.ids.get(message.reply_to) if message.reply_to is not None else None
        if not thread or run.unthreaded:
            return run.destination
        return run.destination.model_copy(update={"thread_id": thread})

    async def _keep_lease(self, run: _Run) -> bool:
        """Renew a lease past a third of its length (a slot wait usually fits in the rest, and a send
        after a longer wait goes round again); False when it was lost to another worker."""
        if self._lease_age(run) <= self._settings.lease_seconds / 3:
            return True
        item = run.item
        if not await self._stored(lambda: self._store.extend_lease(item.id, item.lease, self._lease_end())):
            log.warning("push %s: lease lost to another worker; leaving it to them", run.item.id)
            return False
        run.renewed = self._clock.now()
        return True

    async def _settle(self, item: OutboxItem, destination: Destination, err: DeliveryError) -> Outcome | None:
        """Decide what an error means for the push; None lets the push go on with its next message."""
        self.report.errors[type(err).__name__] += 1
        if isinstance(err, MessageRejected):
            self.report.rejected += 1
            log.error("push %s: a message was rejected: %s", item.id, err.reason)
            return None
        if isinstance(err, DestinationGone):
            self.report.paused += 1
            await self._stored(lambda: pause_subscription(self._store, destination, err.reason))
            await self._finish(item.id, "failed", err.reason)
            return "failed"
        if isinstance(err, TransientFailure) and item.attempts + 1 < self._settings.max_attempts:
            self.report.retried += 1
            at = self._retry_at(item.attempts)
            await self._stored(lambda: self._store.retry_later(item.id, at, err.reason))
            return "retry"
        self.report.dead += 1
        await self._finish(item.id, "dead", err.reason)
        return "dead"

    def _lease_age(self, run: _Run) -> float:
        """Seconds since the push's lease was taken or last renewed."""
        return (self._clock.now() - run.renewed).total_seconds()

    def _lease_end(self) -> datetime:
        return self._clock.now() + timedelta(seconds=self._settings.lease_seconds)

    def _retry_at(self, attempts: int) -> datetime:
        """Exponential backoff with full jitter, so failed pushes do not all come back at once."""
        delay = self._settings.retry_seconds * 2**attempts
        return self._clock.now() + timedelta(seconds=delay / 2 + random.uniform(0, delay / 2))

    async def _papers_of(self, item: OutboxItem) -> list[Paper]:
        """The push's papers: chosen once (then kept on the row), read again on a resume."""
        if item.kind == "note":
            return []
        if item.papers is not None:
            known = await self._candidates(_period(item))
            return [known[i] if i in known else await self._paper(i) for i in item.papers]
        return [pick.paper for pick in (await self._selection_of(item)).picks]

    async def _paper(self, arxiv_id: str) -> Paper:
        paper = await self._store.get_paper(arxiv_id)
        if paper is None:
            raise MessageRejected(f"paper {arxiv_id} vanished from the store")
        return paper

    async def _candidates(self, period: DigestPeriod) -> dict[str, Paper]:
        """A day's (or a week's, a month's) papers by votes, read once per drain: thousands of
        pushes share a day."""
        if period not in self._day_papers:
            if period.spans_days:
                papers = await self._store.top_between(period.first, period.last, limit=PERIOD_CANDIDATES)
            else:
                papers = await self._store.top(period.last, limit=CANDIDATES)
            self._day_papers[period] = {p.arxiv_id: p for p in papers}
        return self._day_papers[period]

    async def selection(self, subscription: Subscription, day: date, due: datetime) -> Selection:
        """What a push of `day` due at `due` would carry now (`push --dry-run`)."""
        period = period_of(subscription, due, day)
        return await selection_for(
            self._store,
            subscription,
            day,
            self._listed_on,
            self._selections,
            period=period,
            papers_of_period=self._listed_in,
        )

    async def _selection_of(self, item: OutboxItem) -> Selection:
        period = _period(item)
        # The row's `received` covers a daily push's list and the days its late risers come from.
        received = None if period.spans_days else item.received
        return await selection_for(
            self._store,
            item.subscription,
            item.digest_day,
            self._listed_on,
            self._selections,
            received,
            period=period,
            papers_of_period=self._listed_in,
        )

    async def _listed_on(self, day: date) -> list[Paper]:
        return list((await self._candidates(DigestPeriod.daily(day))).values())

    async def _listed_in(self, period: DigestPeriod) -> list[Paper]:
        return list((await self._candidates(period)).values())


def _period(item: OutboxItem) -> DigestPeriod:
    """The lists a digest carries: its day, or the week or month ending with it."""
    return period_of(item.subscription, item.due_at, item.digest_day)


def _quiet_when_empty(item: OutboxItem) -> bool:
    """A weekly or monthly digest left with nothing new goes out only as a note, when asked for (a
    daily one says why its list is empty, as it always did)."""
    return item.kind == "digest" and _period(item).spans_days and not item.subscription.notify_empty
