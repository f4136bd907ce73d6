"""Settings: env prefix, nested groups, and documentation that lists every variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from bot.config import Settings
from tests.conftest import REPO


def _variables(model: type[BaseModel], prefix: str = "PAPERBOY_") -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _variables(annotation, f"{prefix}{name.upper()}__")
        else:
            names.add(f"{prefix}{name.upper()}")
    return names


def test_env_and_nested_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOY_DB_PATH", "/tmp/x.db")
    monkeypatch.setenv("PAPERBOY_HF__TIMEOUT", "3.5")
    settings = Settings(_env_file=None)
    assert settings.db_path == Path("/tmp/x.db")
    assert settings.hf.timeout == 3.5
    assert settings.hf.max_retries == 4


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("PAPERBOY_LOG_LEVEL=DEBUG\nPAPERBOY_HF__MAX_RETRIES=0\n", encoding="utf-8")
    settings = Settings(_env_file=env)
    assert (settings.log_level, settings.hf.max_retries) == ("DEBUG", 0)


def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOY_HF__MAX_RETRIES", "99")
    with pytest.raises(ValidationError, match="max_retries"):
        Settings(_env_file=None)


def test_env_example_and_readme_list_every_setting() -> None:
    expected = _variables(Settings)
    example = set(re.findall(r"^(PAPERBOY_\w+)=", (REPO / ".env.example").read_text(), re.MULTILINE))
    assert example == expected
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert {name for name in expected if f"`{name}`" in readme} == expected
