"""A real store with every method call counted by name: how often a part asks the database."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.ports import Store


class CountingStore:
    """The real store, with every method call counted by name."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)

        return counted
