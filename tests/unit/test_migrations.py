"""One list of schema steps for both databases: each step exists in both dialects, under one name."""

from __future__ import annotations

from storage.migrate import available_migrations


def test_both_dialects_have_the_same_numbered_steps() -> None:
    sqlite, postgres = available_migrations("sqlite"), available_migrations("postgresql")
    assert [(step.version, step.name) for step in postgres] == [(step.version, step.name) for step in sqlite]


def test_steps_are_numbered_one_by_one_from_one() -> None:
    assert [step.version for step in available_migrations()] == list(
        range(1, len(available_migrations()) + 1)
    )
