"""Settings, read from PAPERBOY_* environment variables and a `.env` file.

Nested groups use a double underscore (PAPERBOY_HF__TIMEOUT). Every variable is listed, with a
comment, in `.env.example` and in the README; a test keeps the three in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class HFSettings(BaseModel):
    """The Hugging Face daily_papers API (`paperboy fetch-hf`)."""

    base_url: str = Field("https://huggingface.co", description="API origin; point it at a mirror or a fake.")
    timeout: float = Field(20.0, gt=0, description="Seconds to wait for one HTTP answer.")
    max_retries: int = Field(4, ge=0, le=10, description="Retries after a timeout, 5xx or 429.")


class Settings(BaseSettings):
    """Everything Paperboy can be told from outside; defaults run the bot with no setup at all."""

    model_config = SettingsConfigDict(
        env_prefix="PAPERBOY_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    db_path: Path = Field(Path("data/paperboy.db"), description="SQLite database file (created if missing).")
    seed_sample: bool = Field(
        True, description="Load the bundled sample day into an empty database, so there is something to show."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "WARNING", description="Logging threshold."
    )
    hf: HFSettings = Field(default_factory=HFSettings)
