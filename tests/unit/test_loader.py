"""load_target: files, directory trees and URLs, in markdown or Hugging Face JSON."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.errors import SourceError
from bot.sources.loader import LoadedFile, guess_day, load_target
from tests.fakes.hf_api import FakeHFServer

SAMPLE_JSON = Path(__file__).parent.parent / "fixtures" / "hf" / "daily_papers_2025-02-24.json"


def markdown(arxiv_id: str, *, header: str | None = None) -> str:
    """One paper in the archive's current format, with a `## Daily Papers (...)` header if given."""
    top = f"## Daily Papers ({header})\n\n" if header else ""
    return (
        f"{top}### [Paper {arxiv_id}](https://arxiv.org/abs/{arxiv_id})\n\n"
        f"![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png)\n\n"
        "Vote: 12\n\nAuthors: Ann One, Bob Two\n\n- ***What's New***: Something new.\n"
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def collect(target: str | Path, http: httpx.AsyncClient) -> list[LoadedFile]:
    return [loaded async for loaded in load_target(str(target), http)]


def summary(loaded: list[LoadedFile], root: Path) -> list[tuple[str, list[tuple[date, int]], bool]]:
    """(relative source, [(day, paper count)], failed) per loaded file, for compact assertions."""
    return [
        (
            Path(item.source).relative_to(root).as_posix(),
            [(d.day, len(d.papers)) for d in item.days],
            item.error is not None,
        )
        for item in loaded
    ]


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("paper_logs/2025/02/24.md", date(2025, 2, 24)),
        ("paper_logs\\2024\\10\\18.md", date(2024, 10, 18)),
        ("/main/paper_logs/2023/11/20.md", date(2023, 11, 20)),
        ("2025-02-24.md", date(2025, 2, 24)),
        ("digests/run2-2025-02-24-ko.md", date(2025, 2, 24)),
        ("hf/daily_papers_2025-02-24.json", date(2025, 2, 24)),
        ("2025-02-24/notes.md", None),
        ("2025/02/24/notes.md", None),
        ("2025-13-01.md", None),
        ("paper_logs/2025/02/30.md", None),
        ("README.md", None),
    ],
)
def test_guess_day(name: str, expected: date | None) -> None:
    assert guess_day(name) == expected


async def test_markdown_file_is_dated_by_its_path(tmp_path: Path, http: httpx.AsyncClient) -> None:
    path = write(tmp_path / "paper_logs" / "2025" / "02" / "24.md", markdown("2502.15007"))

    (loaded,) = await collect(path, http)

    assert loaded.source == str(path)
    assert loaded.error is None
    (day,) = loaded.days
    assert (day.day, [p.arxiv_id for p in day.papers]) == (date(2025, 2, 24), ["2502.15007"])


async def test_markdown_file_without_any_date_is_a_source_error(
    tmp_path: Path, http: httpx.AsyncClient
) -> None:
    path = write(tmp_path / "digest.md", markdown("2502.15007"))

    with pytest.raises(SourceError, match="cannot be dated"):
        await collect(path, http)


async def test_json_file_is_dated_by_its_name(tmp_path: Path, http: httpx.AsyncClient) -> None:
    path = tmp_path / "daily_papers_2025-02-25.json"
    shutil.copy(SAMPLE_JSON, path)

    (loaded,) = await collect(path, http)

    (day,) = loaded.days
    assert day.day == date(2025, 2, 25)
    assert len(day.papers) == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", r"notes.txt: not a digest file"),
        ("broken.json", b"[{", r"broken.json is not valid JSON"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, r"deep.json is not valid JSON: nested too deeply"),
        ("deeper.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, r"deeper.json is not valid JSON"),
    ],
)
async def test_unreadable_single_file_is_a_source_error(
    tmp_path: Path, http: httpx.AsyncClient, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(SourceError, match=message):
        await collect(path, http)


async def test_missing_target_is_a_source_error(tmp_path: Path, http: httpx.AsyncClient) -> None:
    with pytest.raises(SourceError, match=r"no such file or directory: .*nowhere"):
        await collect(tmp_path / "nowhere", http)


async def test_directory_loads_both_layouts_and_reports_broken_files(
    tmp_path: Path, http: httpx.AsyncClient
) -> None:
    write(tmp_path / "paper_logs" / "2025" / "02" / "24.md", markdown("2502.00001"))
    write(tmp_path / "paper_logs" / "2025" / "02" / "25.md", markdown("2502.00002", header="2025-02-25"))
    write(tmp_path / "flat" / "digest-2025-02-26.md", markdown("2502.00003"))
    write(tmp_path / "hf" / "broken.json", '[{"paper": ')
    write(tmp_path / "README.md", "# My archive\n")
    write(tmp_path / "paper_logs" / "notes.md", "notes\n")
    write(tmp_path / ".git" / "cache.json", "not json")
    shutil.copy(SAMPLE_JSON, tmp_path / "hf" / "daily_papers_2025-02-24.json")

    loaded = await collect(tmp_path, http)

    assert summary(loaded, tmp_path) == [
        ("flat/digest-2025-02-26.md", [(date(2025, 2, 26), 1)], False),
        ("hf/broken.json", [], True),
        ("hf/daily_papers_2025-02-24.json", [(date(2025, 2, 24), 3)], False),
        ("paper_logs/2025/02/24.md", [(date(2025, 2, 24), 1)], False),
        ("paper_logs/2025/02/25.md", [(date(2025, 2, 25), 1)], False),
    ]
    broken = loaded[1]
    assert broken.error is not None
    assert broken.error.startswith(f"{tmp_path / 'hf' / 'broken.json'} is not valid JSON")


async def test_directory_without_digest_files_is_a_source_error(
    tmp_path: Path, http: httpx.AsyncClient
) -> None:
    write(tmp_path / "README.md", "# nothing here\n")

    with pytest.raises(SourceError, match="holds no digest files"):
        await collect(tmp_path, http)


async def test_urls_are_read_by_suffix_content_type_or_body(http: httpx.AsyncClient) -> None:
    async with FakeHFServer() as server:
        urls = [
            server.add_file("2025-02-24.md", markdown("2502.00001"), "text/plain; charset=utf-8"),
            server.add_file("daily_papers_2025-02-25.json", SAMPLE_JSON.read_bytes(), "text/plain"),
            server.add_file("api-answer", SAMPLE_JSON.read_bytes(), "application/json"),
            server.add_file("raw-answer", SAMPLE_JSON.read_bytes(), "application/octet-stream"),
            server.add_file("digest", markdown("2502.00002", header="2025-02-27"), "text/plain"),
        ]

        loaded = [(await collect(url, http))[0] for url in urls]

    assert [item.source for item in loaded] == urls
    assert [[(d.day, len(d.papers)) for d in item.days] for item in loaded] == [
        [(date(2025, 2, 24), 1)],
        [(date(2025, 2, 25), 3)],
        [(date(2025, 2, 24), 3)],
        [(date(2025, 2, 24), 3)],
        [(date(2025, 2, 27), 1)],
    ]


async def test_url_answering_an_error_status_is_a_source_error(http: httpx.AsyncClient) -> None:
    async with FakeHFServer() as server:
        url = f"{server.base_url}/files/2025-02-24.md"

        with pytest.raises(SourceError, match=r"2025-02-24.md answered HTTP 404 Not Found"):
            await collect(url, http)


async def test_unreachable_url_is_a_source_error(http: httpx.AsyncClient) -> None:
    async with FakeHFServer() as server:
        url = f"{server.base_url}/files/2025-02-24.md"

    with pytest.raises(
        SourceError, match=r"could not fetch http://127\.0\.0\.1:\d+/files/2025-02-24\.md: ConnectError"
    ):
        await collect(url, http)


async def test_invalid_url_is_a_source_error(http: httpx.AsyncClient) -> None:
    with pytest.raises(SourceError, match=r"could not fetch https://\[::1: InvalidURL"):
        await collect("https://[::1", http)


async def test_a_deeply_nested_json_file_in_a_directory_costs_only_itself(
    tmp_path: Path, http: httpx.AsyncClient
) -> None:
    write(tmp_path / "a" / "2025-02-23.json", "[" * 5000 + "]" * 5000)
    write(tmp_path / "b" / "2025-02-24.md", markdown("2502.00001"))
    loaded = await collect(tmp_path, http)
    assert summary(loaded, tmp_path) == [
        ("a/2025-02-23.json", [], True),
        ("b/2025-02-24.md", [(date(2025, 2, 24), 1)], False),
    ]


def _with_bad_bytes(text: str, lines: dict[int, bytes]) -> bytes:
    """`text` as UTF-8 with the given 1-based lines replaced by raw bytes."""
    rows = text.encode().split(b"\n")
    for number, raw in lines.items():
        rows[number - 1] = raw
    return b"\n".join(rows)


async def test_invalid_utf8_in_markdown_keeps_the_good_papers_and_names_each_line(
    tmp_path: Path, http: httpx.AsyncClient
) -> None:
    text = markdown("2502.00001", header="2025-02-24") + "\n" + markdown("2502.00002")
    lines = text.split("\n")
    title2 = lines.index("### [Paper 2502.00002](https://arxiv.org/abs/2502.00002)") + 1
    authors1 = lines.index("Authors: Ann One, Bob Two") + 1
    path = tmp_path / "2025-02-24.md"
    path.write_bytes(_with_bad_bytes(text, {
        authors1: "Authors: Ann Öne".encode("latin-1"),
        title2: b"### [Paper \xff\xfe](https://arxiv.org/abs/2502.00002)",
    }))  # fmt: skip
    (loaded,) = await collect(path, http)
    (day,) = loaded.days
    assert [p.arxiv_id for p in day.papers] == ["2502.00001", "2502.00002"]
    assert day.papers[0].authors == ("Ann \ufffdne",)
    bad = [(p.line, p.reason) for p in day.problems if "UTF-8" in p.reason]
    assert [line for line, _ in bad] == [authors1, title2]
    assert all(p.source == str(path) for p in day.problems)


async def test_invalid_utf8_inside_a_json_string_is_replaced_and_reported(
    tmp_path: Path, http: httpx.AsyncClient
) -> None:
    text = SAMPLE_JSON.read_text(encoding="utf-8")
    number = next(n for n, line in enumerate(text.split("\n"), 1) if '"title": "LLM-Microscope' in line)
    line = text.split("\n")[number - 1].encode().replace(b"Microscope", b"Micro\xc3scope")
    path = tmp_path / "daily_papers_2025-02-24.json"
    path.write_bytes(_with_bad_bytes(text, {number: line}))
    (loaded,) = await collect(path, http)
    (day,) = loaded.days
    assert len(day.papers) == 3
    assert "Micro\ufffdscope" in day.papers[0].title
    assert [(p.line, "UTF-8" in p.reason) for p in day.problems] == [(number, True)]


async def test_invalid_utf8_in_a_url_is_reported_by_line(http: httpx.AsyncClient) -> None:
    body = _with_bad_bytes(
        markdown("2502.00001", header="2025-02-24"), {3: b"### [P \xff](https://arxiv.org/abs/2502.00001)"}
    )
    async with FakeHFServer() as server:
        url = server.add_file("2025-02-24.md", body, "text/markdown")
        (loaded,) = await collect(url, http)
    (day,) = loaded.days
    assert [p.arxiv_id for p in day.papers] == ["2502.00001"]
    assert [p.line for p in day.problems if "UTF-8" in p.reason] == [3]


async def test_a_parser_failure_on_one_file_costs_only_that_file(
    tmp_path: Path, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever goes wrong reading one file (a parser bug, a value no model takes), the walk goes on."""
    import bot.sources.loader as loader
    from bot.sources.markdown import parse_markdown as real

    def flaky(text: str, *, source: str, day: date | None = None) -> Any:
        if "2502.00002" in text:
            raise ValueError("a bug in the parser")
        return real(text, source=source, day=day)

    monkeypatch.setattr(loader, "parse_markdown", flaky)
    write(tmp_path / "2025-02-23.md", markdown("2502.00001"))
    write(tmp_path / "2025-02-24.md", markdown("2502.00002"))
    write(tmp_path / "2025-02-25.md", markdown("2502.00003"))
    loaded = await collect(tmp_path, http)
    assert summary(loaded, tmp_path) == [
        ("2025-02-23.md", [(date(2025, 2, 23), 1)], False),
        ("2025-02-24.md", [], True),
        ("2025-02-25.md", [(date(2025, 2, 25), 1)], False),
    ]
    assert loaded[1].error == f"{tmp_path / '2025-02-24.md'}: not read (ValueError: a bug in the parser)"
