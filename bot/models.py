"""The digest's vocabulary: papers, days and the problems met while reading them.

These are plain pydantic models with no SDK or database types, so every layer (sources, store,
service, adapters) can share them without depending on one another.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

HF_ORIGIN = "https://huggingface.co"

# New-style ids (2502.15007, optionally with a version) and old-style ones (hep-th/9901001).
_ARXIV_ID = re.compile(
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
)


def canonical_arxiv_id(text: str) -> str | None:
    """Return the version-less arXiv id found in `text` (an id, an arXiv or HF URL), or None.

    A paper is the same paper across versions, so `2502.15007v2` and `2502.15007` are one key.
    """
    match = _ARXIV_ID.search(text.strip())
    return match.group("id") if match else None


def absolute_hf_url(url: str | None) -> str | None:
    """Resolve a Hugging Face relative URL (`/avatars/x.svg`) against huggingface.co."""
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        return "https:" + url
    if url.startswith("/"):
        return HF_ORIGIN + url
    return url


class Section(BaseModel):
    """One summary section: a heading such as "What's New" (empty for a plain bullet) and its text."""

    model_config = ConfigDict(frozen=True)

    heading: str
    text: str


class Paper(BaseModel):
    """A paper as Paperboy knows it, merged from every source that listed it.

    `votes` is None when no source gave a number: unknown is not zero.
    """

    model_config = ConfigDict(frozen=True)

    arxiv_id: str
    title: str
    authors: tuple[str, ...] = ()
    votes: int | None = None
    thumbnail: str | None = None
    media_url: str | None = None
    github: str | None = None
    project_page: str | None = None
    sections: tuple[Section, ...] = ()
    abstract: str | None = None
    ai_summary: str | None = None
    keywords: tuple[str, ...] = ()
    days: tuple[date, ...] = Field(default=(), description="Every day the paper was listed, sorted.")

    @field_validator("arxiv_id")
    @classmethod
    def _canonical(cls, value: str) -> str:
        canonical = canonical_arxiv_id(value)
        if canonical is None:
            raise ValueError(f"not an arXiv id: {value!r}")
        return canonical

    @field_validator("thumbnail", "media_url")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        return absolute_hf_url(value)

    @field_validator("days")
    @classmethod
    def _sorted_days(cls, value: tuple[date, ...]) -> tuple[date, ...]:
        return tuple(sorted(set(value)))

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}"

    @property
    def hf_url(self) -> str:
        return f"{HF_ORIGIN}/papers/{self.arxiv_id}"


class Problem(BaseModel):
    """Something a source could not read: where it was and why. The rest of the day is kept."""

    model_config = ConfigDict(frozen=True)

    source: str
    line: int | None = None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


class DigestDay(BaseModel):
    """The papers one source listed for one day, in the order the source gave them."""

    day: date
    source: str
    papers: list[Paper] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
