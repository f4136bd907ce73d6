"""Load digest days from whatever a user points at: a file, a directory tree or an http(s) URL.

Users ingest a cloned copy of the markdown archive (`paper_logs/YYYY/MM/DD.md`), single days named
`2025-02-24.md`, saved Hugging Face API answers (`*.json`) or a raw URL of any of these. The loader
decides the format, guesses the day from the name when the content may not carry it, and hands the
text to the matching parser. In a directory one unreadable file is reported and the rest still load,
because a backfill of hundreds of days must not die on one bad file; a single target the user named
fails loudly instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Literal

import httpx

from bot.errors import SourceError
from bot.models import DigestDay, Problem
from bot.sources.hf_json import parse_hf_daily
from bot.sources.markdown import parse_markdown

log = logging.getLogger(__name__)

Format = Literal["markdown", "json"]

_SUFFIXES: dict[str, Format] = {".md": "markdown", ".json": "json"}
# `.../2025/02/24.md` (the archive's layout) or `2025-02-24` anywhere in the file name.
_NESTED_DAY = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})\.[A-Za-z]+$")
_DASHED_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class LoadedFile:
    """What one file gave: its days, or, when it could not be read, the error and no days."""

    source: str
    days: list[DigestDay] = field(default_factory=list)
    error: str | None = None


def guess_day(name: str) -> date | None:
    """The day a path or URL path names, `.../YYYY/MM/DD.<ext>` or `YYYY-MM-DD` in the file name.

    Returns None when it names no valid date (`2025-13-01` is none).
    """
    posix = name.replace("\\", "/")
    match = _NESTED_DAY.search(posix) or _DASHED_DAY.search(PurePosixPath(posix).name)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


async def load_target(target: str, http: httpx.AsyncClient) -> AsyncIterator[LoadedFile]:
    """Yield one LoadedFile per digest file found at `target`: a file, a directory or a URL.

    A directory is walked recursively in sorted order for `YYYY/MM/DD.md`, `*YYYY-MM-DD*.md` and
    `*.json` files (anything else, such as README.md, is ignored; hidden directories are skipped),
    and a file that fails is yielded with `error` set. A missing target, a directory with no digest
    files, or a single file or URL that cannot be read raises SourceError.
    """
    if target.lower().startswith(("http://", "https://")):
        yield LoadedFile(source=target, days=await _load_url(target, http))
        return
    path = Path(target)
    if await asyncio.to_thread(path.is_dir):
        async for loaded in _load_directory(path):
            yield loaded
    else:
        yield LoadedFile(source=target, days=await _load_file(path))


def count_files(target: str) -> int:
    """How many LoadedFiles `load_target` will yield for `target` (for a progress bar)."""
    path = Path(target)
    return len(_digest_files(path)) if path.is_dir() else 1


async def _load_directory(root: Path) -> AsyncIterator[LoadedFile]:
    """Load every digest file under `root`, turning each file's SourceError into a LoadedFile."""
    files = await asyncio.to_thread(_digest_files, root)
    if not files:
        raise SourceError(f"{root} holds no digest files (YYYY/MM/DD.md, *YYYY-MM-DD*.md or *.json)")
    for path in files:
        try:
            yield LoadedFile(source=str(path), days=await _load_file(path))
        except SourceError as err:
            yield LoadedFile(source=str(path), error=str(err))
        except Exception as err:  # a parser bug or a value no model takes: this file only
            yield LoadedFile(source=str(path), error=unexpected(str(path), err))


def unexpected(source: str, err: Exception) -> str:
    """One line for a failure nobody foresaw while reading `source`; the traceback goes to the debug log."""
    log.debug("reading %s failed", source, exc_info=err)
    return f"{source}: not read ({type(err).__name__}: {err})"


def _digest_files(root: Path) -> list[Path]:
    """The digest files under `root`, sorted; markdown only when its path names a day."""
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
        and _is_digest(path)
    )


def _is_digest(path: Path) -> bool:
    """JSON files are API answers; markdown files count only when dated, so README.md is skipped."""
    kind = _SUFFIXES.get(path.suffix.lower())
    return kind == "json" or (kind == "markdown" and guess_day(path.as_posix()) is not None)


async def _load_file(path: Path) -> list[DigestDay]:
    """Read and parse one file, by its suffix (checked after reading, so a missing file says so)."""
    source = str(path)
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        raise SourceError(f"no such file or directory: {source}") from None
    except OSError as err:
        raise SourceError(f"cannot read {source}: {err.strerror or err}") from None
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise SourceError(f"{source}: not a digest file (expected .md or .json)")
    text, problems = decode_utf8(data, source)
    return _parse(text, kind, source=source, day=guess_day(path.as_posix()), problems=problems)


def decode_utf8(data: bytes, source: str) -> tuple[str, list[Problem]]:
    """The bytes as text (a BOM dropped). Invalid UTF-8 becomes U+FFFD, so the good entries of the
    file are kept, and each line holding some is a Problem (a byte offset helps nobody)."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    problems = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as err:
            reason = f"invalid UTF-8 ({err.reason} at byte {err.start + 1} of the line), replaced by U+FFFD"
            problems.append(Problem(source=source, line=number, reason=reason))
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff"), problems


async def _load_url(url: str, http: httpx.AsyncClient) -> list[DigestDay]:
    """Fetch and parse one URL, with `http`'s timeout; `_url_format` says which parser reads it."""
    try:
        response = await http.get(url, follow_redirects=True)
    except (httpx.HTTPError, httpx.InvalidURL) as err:
        raise SourceError(f"could not fetch {url}: {type(err).__name__} {err}".rstrip()) from None
    if not response.is_success:
        raise SourceError(f"{url} answered HTTP {response.status_code} {response.reason_phrase}".rstrip())
    path = httpx.URL(url).path
    if (response.charset_encoding or "utf-8").lower().replace("_", "-") in ("utf-8", "utf8"):
        text, problems = decode_utf8(response.content, url)
    else:  # the server named another charset: httpx decodes by it
        text, problems = response.text, []
    return _parse(text, _url_format(path, response), source=url, day=guess_day(path), problems=problems)


def _url_format(path: str, response: httpx.Response) -> Format:
    """By the URL's suffix, else Content-Type `application/json`, else a body starting `[`, else markdown."""
    by_suffix = _SUFFIXES.get(PurePosixPath(path).suffix.lower())
    if by_suffix is not None:
        return by_suffix
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or response.text.lstrip().startswith("["):
        return "json"
    return "markdown"


def _parse(
    text: str, kind: Format, *, source: str, day: date | None, problems: list[Problem]
) -> list[DigestDay]:
    """Hand `text` to the parser for `kind`, `problems` (of decoding) going to the first day's;
    invalid JSON, or JSON nested too deeply to decode, is a SourceError naming `source`."""
    if kind == "markdown":
        days = [parse_markdown(text, source=source, day=day)]
    else:
        try:
            payload: object = json.loads(text)
        except json.JSONDecodeError as err:
            raise SourceError(f"{source} is not valid JSON: {err}") from None
        except RecursionError:
            raise SourceError(f"{source} is not valid JSON: nested too deeply to read") from None
        days = parse_hf_daily(payload, source=source, day=day)
    if problems and days:
        first = days[0]
        first.problems = sorted([*problems, *first.problems], key=lambda p: p.line or 0)
    return days
