"""The service facade over a real store: the answers and the reasons every platform shows."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import NotFoundError, UsageError
from bot.service import PaperService, search_view, top_view
from tests.conftest import SAMPLE_DAY


async def test_empty_store_explains_itself(service: PaperService) -> None:
    result = await service.top()
    assert result.papers == []
    assert result.empty_reason is not None
    assert str(result.empty_reason) == "No digest has been loaded yet."
    assert result.empty_reason.render("ko") == "아직 불러온 다이제스트가 없습니다."


async def test_seed_sample_once(service: PaperService) -> None:
    report = await service.seed_sample()
    assert report is not None
    assert (report.days_added, report.papers_added, report.problems) == (1, 32, [])
    assert await service.seed_sample() is None


async def test_top_of_latest_and_named_day(service: PaperService) -> None:
    await service.seed_sample()
    latest = await service.top(n=3)
    assert latest.day == SAMPLE_DAY
    assert [p.votes for p in latest.papers] == [95, 73, 36]
    assert str(top_view(latest, "en").heading) == "Top 3 of 2025-02-24 (32 listed)"
    assert top_view(latest, "en").heading.render("ko") == "2025-02-24 상위 3편 (전체 32편)"
    assert (await service.top(SAMPLE_DAY, 1)).papers[0].arxiv_id == "2502.15007"


async def test_top_explains_missing_day_and_filtered_out(service: PaperService) -> None:
    await service.seed_sample()
    sunday = await service.top(date(2025, 2, 23))
    assert str(sunday.empty_reason) == "No list for 2025-02-23 (Sunday). The latest is 2025-02-24."
    strict = await service.top(min_votes=1000)
    assert str(strict.empty_reason) == "None of the 32 papers of 2025-02-24 has at least 1000 votes."


@pytest.mark.parametrize("n", [0, 51])
async def test_top_count_is_bounded(service: PaperService, n: int) -> None:
    with pytest.raises(UsageError, match="between 1 and 50"):
        await service.top(n=n)


@pytest.mark.parametrize(
    "ref",
    [
        "2502.15007",
        "2502.15007v2",
        "https://arxiv.org/abs/2502.15007v1",
        "https://arxiv.org/pdf/2502.15007",
        "https://huggingface.co/papers/2502.15007",
        "arXiv:2502.15007",
    ],
)
async def test_paper_by_id_or_url(service: PaperService, ref: str) -> None:
    await service.seed_sample()
    assert (await service.paper(ref)).arxiv_id == "2502.15007"


async def test_paper_errors(service: PaperService) -> None:
    with pytest.raises(UsageError, match=r"e\.g\. /paper 2502\.15007"):
        await service.paper("not a paper")
    with pytest.raises(NotFoundError, match=r"2401\.00001 is not in the digest"):
        await service.paper("2401.00001")


async def test_search_results_and_reasons(service: PaperService) -> None:
    await service.seed_sample()
    found = await service.search("구두점")
    assert [p.arxiv_id for p in found.page.papers] == ["2502.15007"]
    assert str(search_view(found, "en").heading) == "Search “구두점”: 1 result(s) (matching 구두점)"
    assert str((await service.search("zzzzqqq")).empty_reason) == "No paper matches “zzzzqqq”."
    nothing = await service.search("🚀")
    assert str(nothing.empty_reason) == "There is nothing to search for in that: use letters or numbers."
    with pytest.raises(UsageError):
        await service.search("   ")


async def test_search_pages_rank_across_pages(service: PaperService) -> None:
    await service.seed_sample()
    first = await service.search("모델", limit=5)
    second = await service.search("모델", limit=5, offset=5)
    assert [item.rank for item in search_view(second, "en").items] == [6, 7, 8, 9, 10]
    assert not {p.arxiv_id for p in first.page.papers} & {p.arxiv_id for p in second.page.papers}


async def test_fetch_hf_range_must_be_ordered(service: PaperService) -> None:
    with pytest.raises(UsageError, match="starts"):
        await service.fetch_hf(date(2025, 2, 25), date(2025, 2, 24))


async def test_ingest_reports_unreadable_targets(service: PaperService) -> None:
    report = await service.ingest(["/nonexistent/digest.md"])
    assert (report.sources, report.sources_failed) == (0, 1)  # not read is not counted as read
    assert report.errors == ["/nonexistent/digest.md: no such file or directory: /nonexistent/digest.md"]
    assert not report.changed


async def test_days(service: PaperService) -> None:
    await service.seed_sample()
    days = await service.days()
    assert [(d.day, d.papers, d.top_votes) for d in days] == [(SAMPLE_DAY, 32, 95)]
