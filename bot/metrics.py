"""What `/metrics` shows, in Prometheus' text format: sends, failures, outbox depth, command latency,
ingestion.

One process-wide set of instruments, like prometheus_client's own default registry: adapters time
their commands, the composition root wraps each Notifier in `MeteredNotifier`, and the ingest loop
stamps its rounds. The core stays free of any platform SDK.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from bot.errors import DeliveryError
from bot.models import Destination, OutboxItem, Paper, Subscription
from bot.ports import Notifier, Outgoing
from bot.ratelimit import RateKey

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
disable_created_metrics()  # type: ignore[no-untyped-call]  # the *_created series only double the page


class Metrics:
    """The instruments, on a registry of their own (tests make fresh ones)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.sent = Counter(
            "paperboy_messages_sent", "Push messages accepted by a platform.", ["platform"],
            registry=self.registry,
        )  # fmt: skip
        self.failed = Counter(
            "paperboy_messages_failed", "Push messages a platform refused or failed, by reason.",
            ["platform", "reason"], registry=self.registry,
        )  # fmt: skip
        self.outbox = Gauge("paperboy_outbox", "Outbox rows by status.", ["status"], registry=self.registry)
        self.command_seconds = Histogram(
            "paperboy_command_seconds", "Time from a command's arrival to its answer.", ["platform"],
            buckets=LATENCY_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.last_ingest = Gauge(
            "paperboy_last_ingest_timestamp_seconds", "When the last ingest round finished (Unix time).",
            registry=self.registry,
        )  # fmt: skip
        self.summaries_written = Counter(
            "paperboy_summaries_written", "Summaries the writer stored, by language.", ["language"],
            registry=self.registry,
        )  # fmt: skip
        self.summaries_failed = Counter(
            "paperboy_summaries_failed", "Summaries the writer gave up on, by language and kind of failure.",
            ["language", "kind"],
            registry=self.registry,
        )  # fmt: skip
        self.llm_tokens = Counter(
            "paperboy_llm_tokens", "Tokens the writer's model read (in) and wrote (out).", ["direction"],
            registry=self.registry,
        )  # fmt: skip
        self.ingest_errors = Counter(
            "paperboy_ingest_errors", "Sources an ingest round could not read, and days it could not store.",
            registry=self.registry,
        )  # fmt: skip
        self.ingest_failed_entries = Counter(
            "paperboy_ingest_failed_entries", "Papers the database refused during ingest rounds.",
            registry=self.registry,
        )  # fmt: skip
        self.ingest_failed_rounds = Counter(
            "paperboy_ingest_failed_rounds", "Ingest rounds that could not read or store something.",
            registry=self.registry,
        )  # fmt: skip
        self.ingest_failed_in_a_row = Gauge(
            "paperboy_ingest_failed_rounds_in_a_row", "Failed ingest rounds since the last clean one.",
            registry=self.registry,
        )  # fmt: skip

    @contextmanager
    def timed_command(self, platform: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.command_seconds.labels(platform).observe(time.perf_counter() - started)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


METRICS = Metrics()


def failure_reason(error: DeliveryError) -> str:
    """`rate_limited`, `transient_failure`, `destination_gone`, ... (few values: a label must stay small)."""
    name = type(error).__name__
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


class MeteredNotifier:
    """A Notifier that counts what its platform accepted and refused."""

    def __init__(self, inner: Notifier, metrics: Metrics = METRICS) -> None:
        self._inner = inner
        self._metrics = metrics
        self.platform = inner.platform

    def render(self, item: OutboxItem, papers: list[Paper]) -> list[Outgoing]:
        return self._inner.render(item, papers)

    def rate_keys(self, subscription: Subscription) -> list[RateKey]:
        return self._inner.rate_keys(subscription)

    async def send(self, destination: Destination, message: Outgoing) -> str:
        try:
            message_id = await self._inner.send(destination, message)
        except DeliveryError as err:
            self._metrics.failed.labels(self.platform, failure_reason(err)).inc()
            raise
        self._metrics.sent.labels(self.platform).inc()
        return message_id
