"""The text cache: texts and misses per kind and id, atomic writes, misses expire, a bad disk is tolerated."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.writer.text_cache import CachedMiss, CachedText, TextCache


def test_a_text_comes_back_as_written(tmp_path: Path) -> None:
    cache = TextCache(tmp_path)
    text = "Ünïcödé paper text\n\nwith paragraphs, Σ and 🚀"
    cache.put_text("html", "2502.15007", text)

    assert cache.get("html", "2502.15007") == CachedText(text)
    assert cache.get("pdf", "2502.15007") is None
    assert cache.get("html", "2502.15008") is None
    assert (tmp_path / "html" / "2502.15007.txt").read_bytes() == text.encode("utf-8")


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    cache = TextCache(tmp_path)
    cache.put_text("pdf", "2502.15007", "one")
    cache.put_text("pdf", "2502.15007", "two")

    assert cache.get("pdf", "2502.15007") == CachedText("two")
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["2502.15007.txt"]


def test_old_style_ids_are_safe_file_names(tmp_path: Path) -> None:
    cache = TextCache(tmp_path)
    cache.put_text("pdf", "hep-th/9901001", "old paper")

    assert cache.get("pdf", "hep-th/9901001") == CachedText("old paper")
    assert (tmp_path / "pdf" / "hep-th_9901001.txt").exists()


def test_a_miss_is_remembered_until_it_expires(tmp_path: Path) -> None:
    cache = TextCache(tmp_path, miss_ttl=timedelta(days=7))
    cache.put_miss("html", "2502.15007", "not on arXiv (HTTP 404)")

    assert cache.get("html", "2502.15007") == CachedMiss("not on arXiv (HTTP 404)")

    eight_days_ago = time.time() - 8 * 86_400
    miss = tmp_path / "html" / "2502.15007.miss"
    os.utime(miss, (eight_days_ago, eight_days_ago))

    assert cache.get("html", "2502.15007") is None
    assert not miss.exists()


def test_a_text_replaces_a_miss(tmp_path: Path) -> None:
    cache = TextCache(tmp_path)
    cache.put_miss("html", "2502.15007", "not on arXiv (HTTP 404)")
    cache.put_text("html", "2502.15007", "rendered since")

    assert cache.get("html", "2502.15007") == CachedText("rendered since")
    assert not (tmp_path / "html" / "2502.15007.miss").exists()


def test_an_unreadable_entry_is_a_cache_miss_not_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = TextCache(tmp_path)
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "2502.15007.txt").write_bytes(b"\xff\xfe not utf-8 \xc3")

    assert cache.get("html", "2502.15007") is None
    assert "cannot read cached text" in caplog.text


def test_a_cache_directory_that_is_a_file_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory")
    cache = TextCache(blocker)

    cache.put_text("html", "2502.15007", "text")
    cache.put_miss("pdf", "2502.15007", "reason")

    assert cache.get("html", "2502.15007") is None
    assert cache.get("pdf", "2502.15007") is None
    assert "cannot write" in caplog.text
