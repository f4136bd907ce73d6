"""The message catalog: both languages for every key, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from bot.i18n import CATALOG, LANGUAGES, pick_language, t
from bot.platforms import PLATFORMS, platform

for _entry in PLATFORMS:  # each adapter adds its own sentences when its package is imported
    platform(_entry.name)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_key_has_every_language_with_the_same_placeholders(key: str) -> None:
    entry = CATALOG[key]
    assert set(entry) == set(LANGUAGES)
    assert _fields(entry["en"]) == _fields(entry["ko"])


def test_nested_texts_render_in_the_same_language() -> None:
    text = t("top.no_list", day="2025-02-23", weekday=t("weekday.6"), latest="2025-02-24")
    assert str(text) == "No list for 2025-02-23 (Sunday). The latest is 2025-02-24."
    assert text.render("ko") == "2025-02-23(일요일)의 목록이 없습니다. 가장 최근 목록은 2025-02-24입니다."


@pytest.mark.parametrize(
    ("code", "lang"), [("ko", "ko"), ("ko-KR", "ko"), ("en-US", "en"), ("de", "en"), (None, "en")]
)
def test_pick_language(code: str | None, lang: str) -> None:
    assert pick_language(code) == lang
