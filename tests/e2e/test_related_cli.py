"""`paperboy related` and the console's /related as a user runs them: a real process and database."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli import assert_no_traceback, paperboy


async def test_related_prints_the_nearest_papers_and_why(tmp_path: Path) -> None:
    run = await paperboy(tmp_path / "p.db", "related", "2502.15007", "-n", "2")

    assert (run.code, run.err) == (0, "")
    assert run.out.startswith("Related to “LLM-Microscope")
    assert " 1. [▲ 19] SIFT: Grounding LLM Reasoning in Contexts via Stickers" in run.out
    assert "Shared: Context" in run.out
    assert " 3. " not in run.out


async def test_related_as_json_has_each_papers_score_and_shared_terms(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    run = await paperboy(db, "related", "https://huggingface.co/papers/2502.15007", "--json")
    found = json.loads(run.out)

    assert 1 <= len(found) <= 5
    assert found[0]["id"] == "2502.14922"
    assert found[0]["shared"][0] == "Context"
    assert [paper["score"] for paper in found] == sorted((paper["score"] for paper in found), reverse=True)
    assert "2502.15007" not in {paper["id"] for paper in found}


async def test_related_of_an_unknown_or_malformed_paper(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    unknown = await paperboy(db, "related", "2401.99999", "--json")
    assert (unknown.code, json.loads(unknown.out)) == (1, [])
    assert unknown.err == "paperboy: Paper 2401.99999 is not in the digest.\n"

    malformed = await paperboy(db, "related", "nonsense")
    assert malformed.code == 2
    assert "usage: paperboy related" in malformed.err
    too_many = await paperboy(db, "related", "2502.15007", "-n", "51")
    assert too_many.code == 2
    assert_no_traceback(too_many)


async def test_the_console_answers_related(tmp_path: Path) -> None:
    run = await paperboy(tmp_path / "p.db", "console", stdin="/related 2502.15007\n/related\n/help\n")

    assert run.code == 0
    assert_no_traceback(run)
    assert "Related to “LLM-Microscope" in run.out
    assert "Shared: Context" in run.out
    assert "Usage: /related <arXiv id or link>, e.g. /related 2502.15007" in run.out
    assert "/related <arXiv id or link>" in run.out.split("Commands:", 1)[1]
