"""What several benches share: a throwaway database of either store, and percentiles.

Kept in one place so every bench measures on the same kind of database and reports the same p99.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path

from tests import pg_server


def throwaway_database(stack: AsyncExitStack, backend: str, name: str) -> str:
    """The URL of an empty database gone when `stack` closes: a database on a PostgreSQL server of
    its own (`backend` "postgresql"), else a SQLite file `name` in a temporary folder."""
    if backend == "postgresql":
        if not pg_server.available():
            raise SystemExit(f"no PostgreSQL server binaries in {pg_server.PG_BIN}")
        postgres = pg_server.PostgresServer()
        postgres.start()
        stack.callback(postgres.stop)
        return postgres.database()
    return str(Path(stack.enter_context(tempfile.TemporaryDirectory())) / name)


def percentile(samples: Sequence[float], pct: int) -> float:
    """The pct-th percentile, interpolated between the two nearest samples."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]
