"""What the writer knows about a target language: its name for the prompt, and its script.

A language is any lower-case code ("ko", "pt-br"). Unknown codes still work: the prompt names them
by the code itself, and their answers are not script-checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import language_name as catalog_name


@dataclass(frozen=True)
class Script:
    """A writing system: its characters, and the share of letters an answer must have in it.

    The share is of letters only (the script's own plus Latin ones): summaries keep English terms
    in parentheses, so some Latin is expected. Syllabic and logographic scripts pack a syllable or
    a word into one character where Latin needs several letters, hence their lower shares.
    """

    name: str
    chars: re.Pattern[str]
    min_share: float
    marker: re.Pattern[str] | None = None  # some of these must appear (kana tell Japanese from Chinese)


_HANGUL = Script("Hangul", re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]"), 0.2)
_JAPANESE = Script(
    "Japanese", re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\u3400-\u4dbf]"), 0.2, re.compile(r"[\u3040-\u30ff]")
)
_HAN = Script("Han", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]"), 0.2)
_CYRILLIC = Script("Cyrillic", re.compile(r"[\u0400-\u04ff]"), 0.4)
_GREEK = Script("Greek", re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"), 0.4)
_ARABIC = Script("Arabic", re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"), 0.4)
_HEBREW = Script("Hebrew", re.compile(r"[\u0590-\u05ff]"), 0.4)
_DEVANAGARI = Script("Devanagari", re.compile(r"[\u0900-\u097f]"), 0.4)
_BENGALI = Script("Bengali", re.compile(r"[\u0980-\u09ff]"), 0.4)
_THAI = Script("Thai", re.compile(r"[\u0e00-\u0e7f]"), 0.3)

SCRIPTS: dict[str, Script] = {
    "ko": _HANGUL,
    "ja": _JAPANESE,
    "zh": _HAN,
    "ru": _CYRILLIC,
    "uk": _CYRILLIC,
    "bg": _CYRILLIC,
    "sr": _CYRILLIC,
    "el": _GREEK,
    "ar": _ARABIC,
    "fa": _ARABIC,
    "ur": _ARABIC,
    "he": _HEBREW,
    "hi": _DEVANAGARI,
    "mr": _DEVANAGARI,
    "ne": _DEVANAGARI,
    "bn": _BENGALI,
    "th": _THAI,
}

LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _base(code: str) -> str:
    return code.lower().replace("_", "-").split("-")[0]


def language_name(code: str) -> str:
    """The English name of a language code for the prompt ("ko" -> "Korean"); the code if unknown.
    The names are the i18n catalog's, which cards use too."""
    return catalog_name(code).render("en")


def is_english(code: str) -> bool:
    return _base(code) == "en"


def script_of(code: str) -> Script | None:
    """The script a language is written in, when it is not Latin (Latin answers are not checked)."""
    return SCRIPTS.get(_base(code))
