"""What `/healthz` answers: the database answers, every platform is connected, ingestion is recent.

Each platform runner registers a check (is polling running, is the socket open); the HTTP server
asks them all. A check answers True, False, or the reason it fails (a platform waiting to reach its
API says why and when it tries again). A failed check makes the answer 503, which is what a
container's HEALTHCHECK and a load balancer act on; a stale ingest is reported but does not fail
(HF may simply have no list). An ingest round that could not read or store something (a source, a
day, a refused paper) is a failed round: /healthz shows the last round's failures, and fails after
several failed rounds in a row.

/healthz is polled by anyone who can reach it, so no check may cost more per request than reading a
field: a check that asks something slow (the database) is wrapped in `Cached`, which keeps the last
answer and asks again at most every few seconds, however many requests come, one probe at a time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, TypeVar

CHECK_TIMEOUT_SECONDS = 3.0
Check = Callable[[], Awaitable[bool | str]]  # True: fine; False or a reason: failing
T = TypeVar("T")


class Cached(Generic[T]):
    """An async probe whose outcome (its value, or the exception it raised) is kept `ttl` seconds.

    Callers within `ttl` of the last probe get its outcome without any work; later ones start one new
    probe, and callers arriving meanwhile wait for that same probe (never a second one), so the probe
    runs at most once per `ttl` however many callers there are. A caller that gives up (a timeout)
    does not cancel the probe the others wait for.
    """

    def __init__(
        self, probe: Callable[[], Awaitable[T]], ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._probe = probe
        self._ttl = ttl
        self._clock = clock
        self._at: float | None = None
        self._value: T | None = None
        self._error: Exception | None = None
        self._running: asyncio.Task[T] | None = None

    async def __call__(self) -> T:
        if self._at is not None and self._clock() - self._at < self._ttl:
            if self._error is not None:
                raise self._error.with_traceback(None)  # no traceback grows with each raise
            return self._value  # type: ignore[return-value]  # set with _at by a probe that returned
        if self._running is None:
            self._running = asyncio.ensure_future(self._refresh())
            self._running.add_done_callback(_retrieve)  # a failure no caller waited for is no ERROR
        return await asyncio.shield(self._running)

    async def _refresh(self) -> T:
        try:
            value = await self._probe()
        except Exception as err:
            self._value, self._error, self._at = None, err, self._clock()
            raise
        else:
            self._value, self._error, self._at = value, None, self._clock()
            return value
        finally:
            self._running = None


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


@dataclass(frozen=True)
class IngestStatus:
    """What the last ingest round could not do, and how many rounds in a row failed."""

    last_round_errors: int = 0
    last_round_failed_entries: int = 0
    failed_rounds_in_a_row: int = 0


@dataclass
class Health:
    """Named checks plus the time of the last clean ingest round and how the last rounds went."""

    checks: dict[str, Check] = field(default_factory=dict)
    last_ingest: float | None = None
    ingest: IngestStatus | None = None
    ingest_unhealthy_after: int = 3

    def ingest_round(self, *, errors: int, failed_entries: int) -> IngestStatus:
        """Record a round: `errors` sources or days not read or stored, `failed_entries` papers refused."""
        in_a_row = self.ingest.failed_rounds_in_a_row if self.ingest else 0
        failed = bool(errors or failed_entries)
        self.ingest = IngestStatus(errors, failed_entries, in_a_row + 1 if failed else 0)
        return self.ingest

    def add(self, name: str, check: Check) -> None:
        self.checks[name] = check

    def expect(self, name: str) -> None:
        """A part that will register its check once it runs: until then it counts as not ready."""
        self.checks.setdefault(name, _not_ready)

    def ingested(self, at: float | None = None) -> None:
        self.last_ingest = time.time() if at is None else at

    async def report(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, details): every check within a few seconds, a hung one counts as failed."""
        results: dict[str, bool | str] = {}
        for name, check in list(self.checks.items()):  # a platform may register meanwhile
            try:
                results[name] = await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
            except Exception:
                results[name] = False
        if self.ingest is not None:
            results["ingest"] = self.ingest.failed_rounds_in_a_row < self.ingest_unhealthy_after
        healthy = all(result is True for result in results.values())
        age = None if self.last_ingest is None else round(time.time() - self.last_ingest, 1)
        details: dict[str, Any] = {
            "status": "ok" if healthy else "failing",
            "checks": results,
            "last_ingest_age_seconds": age,
        }
        if self.ingest is not None:
            details["ingest"] = asdict(self.ingest)
        return healthy, details


async def _not_ready() -> bool:
    return False
