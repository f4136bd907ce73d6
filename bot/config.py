"""Settings, read from PAPERBOY_* environment variables and a `.env` file.

Nested groups use a double underscore (PAPERBOY_HF__TIMEOUT). Every variable is listed, with a
comment, in `.env.example` and in the README; a test keeps the three in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.models import language_code
from bot.settings_types import URL_ERROR, WebUrl, fold_choices


def _base_url(value: str) -> str:
    """A URL links are made from by appending a path: no query or fragment, no trailing slash."""
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        raise PydanticCustomError(
            URL_ERROR, "an http:// or https:// URL without ?query or #fragment, such as https://example.org/"
        )
    return value.rstrip("/")


BaseUrl = Annotated[WebUrl, AfterValidator(_base_url)]
"""An http(s) address other paths are appended to (`https://papers.example.org/paperboy`)."""


class HFSettings(BaseModel):
    """The Hugging Face daily_papers API (`paperboy fetch-hf`)."""

    base_url: WebUrl = Field(
        "https://huggingface.co", description="API origin; point it at a mirror or a fake."
    )
    timeout: float = Field(20.0, gt=0, description="Seconds to wait for one HTTP answer.")
    max_retries: int = Field(4, ge=0, le=10, description="Retries after a timeout, 5xx or 429.")


class PushSettings(BaseModel):
    """The daily push: when missed pushes are still sent, which list counts, how hard to retry."""

    grace_hours: float = Field(6.0, ge=0, le=48, description="Missed pushes younger than this still go out.")
    today_so_far: bool = Field(
        False, description="Push today's list as it stands instead of the last complete day's."
    )
    workers: int = Field(64, ge=1, le=1000, description="Pushes delivered at the same time.")
    max_attempts: int = Field(6, ge=1, le=20, description="Tries before a failing push goes dead.")
    retry_seconds: float = Field(10.0, gt=0, description="First retry delay; doubles each time, with jitter.")
    tick_seconds: float = Field(20.0, gt=0, description="How often `paperboy run` looks for due pushes.")
    lease_seconds: float = Field(
        120.0, ge=1, description="How long a worker holds a push; a crashed worker's pushes resume after it."
    )


class ServerSettings(BaseModel):
    """The HTTP server of `paperboy run`: /healthz, /metrics and the platforms' webhook routes."""

    listen: str = Field("0.0.0.0", description="Address the server listens on.")
    port: int = Field(8080, ge=0, le=65535, description="Port the server listens on; 0 picks a free one.")


class IngestSettings(BaseModel):
    """Periodic ingestion while `paperboy run` runs: new lists and fresh votes without a cron job."""

    every_minutes: float = Field(30.0, ge=0, description="Minutes between ingest rounds; 0 turns them off.")
    hf_days: int = Field(3, ge=0, le=30, description="Days of the HF API fetched each round (0: none).")
    archive: str | None = Field(
        None, description="A markdown digest archive (URL, file or folder) read each round as well."
    )
    failed_rounds_unhealthy: int = Field(
        3, ge=1, description="Failed ingest rounds in a row after which /healthz answers 503."
    )


class LLMSettings(BaseModel):
    """The OpenAI-compatible Chat Completions server that writes the summaries (OpenAI, vLLM, Ollama,
    llama.cpp's server, LM Studio, OpenRouter, ...). No base URL: the writer stays off."""

    base_url: str | None = Field(
        None,
        description="API base URL, e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama).",
    )
    api_key: SecretStr | None = Field(None, description="API key (local servers accept anything).")
    model: str = Field("gpt-4o-mini", min_length=1, description="The model that writes the summaries.")
    concurrency: int = Field(4, ge=1, le=64, description="Papers written at the same time.")
    timeout: float = Field(120.0, gt=0, description="Seconds to wait for one answer.")
    max_attempts: int = Field(4, ge=1, le=10, description="Tries per paper before it counts as failed.")
    max_input_tokens: int = Field(
        16_000, ge=1_000, description="The paper's text is cut to about this many tokens."
    )
    max_output_tokens: int = Field(2_048, ge=256, description="The longest answer asked for, in tokens.")
    daily_token_budget: int = Field(
        2_000_000, ge=0, description="Tokens (in + out) the writer may spend per UTC day; 0: no limit."
    )
    price_input: float | None = Field(
        None, ge=0, description="Price per million input tokens, to show what a run cost (optional)."
    )
    price_output: float | None = Field(None, ge=0, description="Price per million output tokens (optional).")


def _language_list(value: object) -> object:
    """`ko,en` as a tuple of language codes (a JSON list works too)."""
    if isinstance(value, str):
        return tuple(code.strip() for code in value.split(",") if code.strip())
    return value


class SummariesSettings(BaseModel):
    """What the writer summarises, from what, and how long a push waits for it."""

    source: Literal["abstract", "fulltext"] = Field(
        "fulltext", description="Write from the abstract, or from the full text (arXiv HTML, else the PDF)."
    )
    arxiv_url: str = Field("https://arxiv.org", description="Where the full texts come from.")
    languages: Annotated[tuple[str, ...], NoDecode, BeforeValidator(_language_list)] = Field(
        (),
        description="Languages to write, comma-separated (ko,en,ja); empty: every subscriber's, plus ko.",
        json_schema_extra={"accepts": "language codes, comma-separated (e.g. ko,en,ja,pt-br)"},
    )
    push_wait_seconds: float = Field(
        600.0, ge=0, description="How long a due push waits for the writer before going out with what exists."
    )
    cache_dir: Path = Field(Path("data/fulltext"), description="Where fetched full texts are kept.")
    contact: str = Field(
        "", description="A URL or mailto: arXiv can reach you at; sent in the User-Agent when fetching."
    )
    fetch_interval: float = Field(
        3.0, ge=0, description="Seconds between two requests to arXiv (it asks for a few)."
    )

    @field_validator("languages")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(language_code(code) for code in value))


class CoreSettings(BaseSettings):
    """Everything Paperboy can be told from outside but the platforms' groups (bot/platforms.py adds
    those); defaults run the bot with no setup at all."""

    model_config = SettingsConfigDict(
        env_prefix="PAPERBOY_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # `VAR=` (as in .env.example) means unset, in the environment and in .env
        extra="ignore",
    )

    @model_validator(mode="before")
    @classmethod
    def _choices_in_any_case(cls, data: Any) -> Any:
        return fold_choices(cls, data)

    db_path: Path = Field(Path("data/paperboy.db"), description="SQLite database file (created if missing).")
    database_url: SecretStr | None = Field(
        None,
        description="postgresql://user:password@host/db for PostgreSQL (or sqlite:///path); unset: db_path.",
    )
    seed_sample: bool = Field(
        True, description="Load the bundled sample day into an empty database, so there is something to show."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "WARNING", description="Logging threshold."
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines for people, or one JSON object each."
    )
    public_url: BaseUrl | None = Field(
        None,
        description="Where people reach the HTTP server (https://papers.example.org), for the feed links "
        "settings show; unset: no links are shown.",
    )
    hf: HFSettings = Field(default_factory=HFSettings)
    push: PushSettings = Field(default_factory=PushSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    summaries: SummariesSettings = Field(default_factory=SummariesSettings)
