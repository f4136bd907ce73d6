"""Reading an LLM's answer: find the sections, and refuse answers that would embarrass a digest.

Servers with response_format give a clean JSON object; others (llama.cpp without a grammar, small
local models, text mode) wrap it in prose or markdown fences, or put a reasoning block first. The
parser accepts all of those, and every check names its failure in a short reason the writer logs,
counts and retries on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bot.writer.languages import LATIN_LETTER, script_of
from bot.writer.numbers import unverified_numbers
from bot.writer.prompt import SECTION_HEADINGS, SECTION_KEYS

# unverified_numbers lives in bot.writer.numbers and is offered here too: checking an answer is one job
__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_SECTION_CHARS",
    "MIN_SECTION_CHARS",
    "BadAnswer",
    "parse_sections",
    "unverified_numbers",
]

MAX_SECTION_CHARS = 6_000  # 2-4 sentences are a few hundred characters; 6,000 is a model looping
MIN_SECTION_CHARS = 8
MAX_ANSWER_CHARS = 60_000  # above this the answer is not looked into at all

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)
_THINKING = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.DOTALL | re.IGNORECASE)
_REFUSAL = re.compile(
    r"^\W*(i'?m sorry|i am sorry|sorry, but|i can(?:no|')t|i can not|i'?m unable|i am unable|"
    r"as an ai|i won'?t|i will not|죄송|申し訳|抱歉|很抱歉|对不起)",
    re.IGNORECASE,
)
_KEY_ALIASES = {
    re.sub(r"[^a-z]", "", heading.lower()): key
    for heading, key in zip(SECTION_HEADINGS, SECTION_KEYS, strict=True)
} | {key.replace("_", ""): key for key in SECTION_KEYS}


class BadAnswer(Exception):
    """The answer cannot be used; `reason` is short, for logs and for "... after N attempts"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_sections(content: str, language: str | None = None) -> dict[str, str]:
    """The three sections of an answer, keyed by SECTION_KEYS, each stripped and non-empty.

    Accepts a JSON object alone, inside ```json fences, or as the first JSON object in prose;
    keys may also be the headings ("What's New"), and a section given as a list of sentences is
    joined. With `language`, a language written in its own script (ko, ja, zh, ru, ar, ...) must
    be mostly in that script; Latin-script languages are not checked (English and German share
    too many letters and words for a cheap test to tell them apart).
    """
    text = content.strip()
    if not text:
        raise BadAnswer("empty answer")
    if len(text) > MAX_ANSWER_CHARS:
        raise BadAnswer(f"enormous answer ({len(text):,} characters)")
    text = _THINKING.sub("", text).strip()
    found = _find_object(text)
    if found is None:
        if _REFUSAL.match(text):
            raise BadAnswer("refusal")
        raise BadAnswer("malformed JSON" if "{" in text else "no JSON object")
    sections = _sections(found)
    for key in SECTION_KEYS:
        body = sections.get(key, "")
        if key not in sections:
            raise BadAnswer(f"missing section {key}")
        if len(body) < MIN_SECTION_CHARS:
            raise BadAnswer(f"empty section {key}")
        if len(body) > MAX_SECTION_CHARS:
            raise BadAnswer(f"enormous section {key} ({len(body):,} characters)")
        if _REFUSAL.match(body):
            raise BadAnswer("refusal")
    if language is not None:
        _check_script(sections, language)
    return {key: sections[key] for key in SECTION_KEYS}


def _find_object(text: str) -> dict[str, Any] | None:
    """The answer's JSON object: the whole text, a fenced block, or the first object in prose."""
    candidates = [text, *(block.strip() for block in _FENCE.findall(text))]
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        if isinstance(value, dict) and _sections(value):
            return value
    return None


def _sections(found: Mapping[str, Any]) -> dict[str, str]:
    """The known sections of a decoded object, keyed by SECTION_KEYS (headings count as keys)."""
    sections: dict[str, str] = {}
    for raw_key, value in found.items():
        key = _KEY_ALIASES.get(re.sub(r"[^a-z]", "", str(raw_key).lower()))
        if key is None:
            continue
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = " ".join(item.strip() for item in value)
        if isinstance(value, str):
            sections[key] = value.strip()
    return sections


def _check_script(sections: Mapping[str, str], language: str) -> None:
    """Refuse a section whose letters are too rarely in the language's own script."""
    script = script_of(language)
    if script is None:
        return
    for key, body in sections.items():
        own = len(script.chars.findall(body))
        latin = len(LATIN_LETTER.findall(body))
        if own == 0 or own / (own + latin) < script.min_share:
            raise BadAnswer(f"wrong script in {key} (expected {script.name})")
        if script.marker is not None and not script.marker.search(body):
            raise BadAnswer(f"wrong script in {key} (expected {script.name})")
