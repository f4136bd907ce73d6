"""PaperService.related on every store: the neutral answer every adapter renders, and its errors."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import NotFoundError, UsageError
from bot.models import DigestDay, Section, Summary
from bot.ports import Store
from bot.service import PaperService, related_view
from tests.conftest import PaperFactory

DAY = date(2025, 3, 3)


async def _day(store: Store, make_paper: PaperFactory) -> None:
    korean = Summary(
        language="ko",
        source="archive",
        sections=(Section(heading="What's New", text="LoRA 어댑터로 확산 모델을 미세조정합니다."),),
    )
    papers = [
        make_paper("2503.00001", title="LoRA for diffusion", abstract="Adapters.", sections=()),
        make_paper("2503.00002", title="Video generation", abstract="", summaries=(korean,)),
        make_paper("2503.00003", title="Theorem proving in Lean", abstract="", authors=("X",), sections=()),
        make_paper("2503.00004", title="Diffusion samplers", abstract="", authors=("Y",), sections=()),
    ]
    await store.upsert_day(DigestDay(day=DAY, source="test", papers=papers))


async def test_related_papers_come_with_the_terms_they_share(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    await _day(store, make_paper)

    result = await service.related("https://arxiv.org/abs/2503.00001v2", n=5)

    assert result.source.arxiv_id == "2503.00001"
    shared = {near.paper.arxiv_id: near.shared for near in result.related}
    assert set(shared) == {"2503.00002", "2503.00004"}  # not itself, not the one sharing nothing
    assert set(shared["2503.00002"]) == {"LoRA", "Ada Lovelace", "Alan Turing"}  # LoRA in Korean
    assert shared["2503.00004"] == ("diffusion",)  # as the source writes it
    assert result.empty_reason is None

    view = related_view(result, "en")
    assert view.heading.render("en") == "Related to “LoRA for diffusion” (2503.00001): 2 paper(s)"
    line = next(item.summary for item in view.items if item.arxiv_id == "2503.00002")
    assert line.startswith("Shared: ")
    assert line.endswith("LoRA 어댑터로 확산 모델을 미세조정합니다.")  # then the paper's own summary line
    assert related_view(result, "ko").items[0].summary.startswith("공통: ")


async def test_a_paper_that_shares_nothing_is_answered_with_why(
    service: PaperService, store: Store, make_paper: PaperFactory
) -> None:
    lonely = make_paper("2503.00009", title="Quokka census", abstract="", authors=("Q",), sections=())
    await store.upsert_day(DigestDay(day=DAY, source="test", papers=[lonely]))

    result = await service.related("2503.00009")

    assert result.related == []
    assert result.empty_reason is not None
    assert "2503.00009" in result.empty_reason.render("en")


async def test_unknown_papers_and_bad_references_are_one_clear_line(service: PaperService) -> None:
    with pytest.raises(NotFoundError, match=r"Paper 2503\.99999 is not in the digest"):
        await service.related("2503.99999")
    with pytest.raises(UsageError) as bad:
        await service.related("not a paper")
    assert str(bad.value) == "Usage: /related <arXiv id or link>, e.g. /related 2502.15007"
    with pytest.raises(UsageError):
        await service.related("2503.00001", n=0)
