"""Papers' texts kept on disk, so arXiv is asked for each paper once.

arXiv asks automated clients to cache what they fetch, and a paper's text does not change once published
(a new version is a new paper for this purpose, and rare). Each text is a UTF-8 file
`<directory>/<kind>/<id>.txt`, written to a temporary file first and renamed into place, so a crash or a
second process never leaves a half-written text that a later run would take for the whole paper.

An answer that there is nothing to fetch ("no HTML rendering of this paper", a PDF too large or
unreadable) is kept too, as `<id>.miss` holding the reason, for `miss_ttl` (a week by default): without it
every run would ask again for every paper without HTML. It expires because arXiv renders HTML for older
papers from time to time. The age is the file's modification time.

The cache is an optimisation: a disk that cannot be read or written is logged and the caller fetches.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

TextKind = Literal["html", "pdf"]


@dataclass(frozen=True)
class CachedText:
    """The text extracted from a paper's HTML or PDF, uncut."""

    text: str


@dataclass(frozen=True)
class CachedMiss:
    """arXiv had nothing usable of this kind for the paper, and why."""

    reason: str


class TextCache:
    """Texts and misses per (kind, canonical arXiv id) in a directory; safe across processes."""

    def __init__(
        self,
        directory: Path,
        *,
        miss_ttl: timedelta = timedelta(days=7),
        now: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self._miss_ttl = miss_ttl.total_seconds()
        self._now = now

    def get(self, kind: TextKind, arxiv_id: str) -> CachedText | CachedMiss | None:
        """The cached text, else a miss younger than `miss_ttl`, else None (ask arXiv)."""
        text_path, miss_path = self._paths(kind, arxiv_id)
        try:
            return CachedText(text_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError) as err:
            log.warning("cannot read cached text %s (%s); fetching it again", text_path, err)
            return None
        try:
            age = self._now() - miss_path.stat().st_mtime
            if age > self._miss_ttl:
                miss_path.unlink(missing_ok=True)
                return None
            return CachedMiss(miss_path.read_text(encoding="utf-8").strip() or "unavailable")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as err:
            log.warning("cannot read cached miss %s (%s); asking arXiv again", miss_path, err)
            return None

    def put_text(self, kind: TextKind, arxiv_id: str, text: str) -> None:
        """Keep `text`; it replaces a miss recorded earlier."""
        text_path, miss_path = self._paths(kind, arxiv_id)
        if self._write(text_path, text):
            miss_path.unlink(missing_ok=True)

    def put_miss(self, kind: TextKind, arxiv_id: str, reason: str) -> None:
        """Remember for `miss_ttl` that there is nothing usable of `kind`, and why."""
        self._write(self._paths(kind, arxiv_id)[1], reason)

    def _paths(self, kind: TextKind, arxiv_id: str) -> tuple[Path, Path]:
        # Old-style ids hold a slash (hep-th/9901001); canonical ids hold no other unsafe character.
        stem = arxiv_id.replace("/", "_")
        folder = self.directory / kind
        return folder / f"{stem}.txt", folder / f"{stem}.miss"

    def _write(self, path: Path, content: str) -> bool:
        """Write `content` to `path` atomically (temporary file, then rename); False if the disk refused."""
        temporary: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(content)
            os.replace(temporary, path)
        except OSError as err:
            log.warning("cannot write %s to the text cache (%s); it will be fetched again", path, err)
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            return False
        return True
