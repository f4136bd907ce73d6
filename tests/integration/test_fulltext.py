"""The full-text fetcher against the fake arXiv over real HTTP: what it gets, what it falls back to, and
that it keeps arXiv's etiquette (one request at a time, a pause between them, a descriptive User-Agent,
Retry-After, a cache). Time is a VirtualClock the fetcher and the fake share, so pauses cost nothing."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from bot import __version__
from bot.writer.fulltext import FullTextFetcher, SourceText
from tests.clock import VirtualClock
from tests.fakes.arxiv import FakeArxiv, Fault
from tests.fixtures.latexml import CHROME_MARKERS, Article, latexml_page, synthetic_article
from tests.fixtures.pdfs import ACCURACY_SENTENCE, garbage_pdf, paper_pdf

pytestmark = pytest.mark.slow  # the fetcher over HTTP: a fake arXiv server each

CONTACT = "https://example.org/paperboy"
ABSTRACT = "We study   things.\nWith hard line\nbreaks, as arXiv writes them."
BUDGET = 200_000

ARTICLE = Article(
    title="Sparse Mixtures for Everyone",
    abstract="We propose a method that makes sparse mixtures cheap to train.",
    sections=[
        ("Introduction", ["Large models are costly to train. " * 10]),
        ("Experiments", ["We reach an accuracy of 87.3% on the held-out set. " * 5]),
    ],
)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def arxiv(clock: VirtualClock) -> AsyncIterator[FakeArxiv]:
    async with FakeArxiv(clock=clock.monotonic) as server:
        yield server


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "fulltext"


def make_fetcher(arxiv: FakeArxiv, clock: VirtualClock, cache_dir: Path, **options: Any) -> FullTextFetcher:
    settings: dict[str, Any] = {"contact": CONTACT, "base_url": arxiv.base_url, "timeout": 5.0}
    return FullTextFetcher(cache_dir, clock=clock.monotonic, sleep=clock.sleep, **(settings | options))


@pytest.fixture
async def fetcher(arxiv: FakeArxiv, clock: VirtualClock, cache_dir: Path) -> AsyncIterator[FullTextFetcher]:
    async with make_fetcher(arxiv, clock, cache_dir) as opened:
        yield opened


async def fulltext(fetcher: FullTextFetcher, arxiv_id: str, max_chars: int = BUDGET) -> SourceText:
    return await fetcher.source_text(arxiv_id, ABSTRACT, mode="fulltext", max_chars=max_chars)


def kinds(arxiv: FakeArxiv) -> list[str]:
    return [f"{r.kind}:{r.status}" for r in arxiv.requests]


# Where the text comes from.


async def test_html_first_its_text_without_the_page_around_it(
    fetcher: FullTextFetcher, arxiv: FakeArxiv
) -> None:
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE), pdf=paper_pdf())

    source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "html"
    assert source.text.startswith("Sparse Mixtures for Everyone\n\nAbstract\n\nWe propose a method")
    assert "accuracy of 87.3%" in source.text
    assert not [marker for marker in CHROME_MARKERS if marker in source.text]
    assert (source.chars, source.cut, source.reason) == (len(source.text), False, "")
    assert kinds(arxiv) == ["html:200"]


async def test_pdf_when_there_is_no_html(fetcher: FullTextFetcher, arxiv: FakeArxiv) -> None:
    arxiv.add_paper("2502.15007", pdf=paper_pdf(pages=4))

    source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "pdf"
    assert ACCURACY_SENTENCE in source.text
    assert all(f"Page-marker-{page}." in source.text for page in range(1, 5))
    assert source.reason == "html: not on arXiv (HTTP 404)"
    assert kinds(arxiv) == ["html:404", "pdf:200"]


async def test_abstract_when_there_is_neither(fetcher: FullTextFetcher, arxiv: FakeArxiv) -> None:
    arxiv.add_paper("2502.15007")  # an abs page only, as for a withdrawn paper

    source = await fulltext(fetcher, "2502.15007")

    assert source == SourceText(
        text="We study things. With hard line breaks, as arXiv writes them.",
        kind="abstract",
        chars=61,
        cut=False,
        reason="html: not on arXiv (HTTP 404); pdf: not on arXiv (HTTP 404)",
    )
    assert kinds(arxiv) == ["html:404", "pdf:404"]


async def test_abstract_mode_asks_arxiv_nothing(fetcher: FullTextFetcher, arxiv: FakeArxiv) -> None:
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE))

    source = await fetcher.source_text("2502.15007", ABSTRACT, mode="abstract", max_chars=BUDGET)
    missing = await fetcher.source_text("2502.15007", None, mode="abstract", max_chars=BUDGET)

    assert (source.kind, source.text, source.reason) == ("abstract", " ".join(ABSTRACT.split()), "")
    assert (missing.text, missing.chars) == ("", 0)
    assert arxiv.requests == []


async def test_a_versioned_id_is_fetched_and_cached_as_the_paper(
    fetcher: FullTextFetcher, arxiv: FakeArxiv, cache_dir: Path
) -> None:
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE))

    first = await fulltext(fetcher, "2502.15007v2")
    second = await fulltext(fetcher, "https://arxiv.org/abs/2502.15007v1")

    assert first.kind == second.kind == "html"
    assert [r.path for r in arxiv.requests] == ["/html/2502.15007"]
    assert (cache_dir / "html" / "2502.15007.txt").exists()


async def test_not_an_arxiv_id_uses_the_abstract_without_asking(
    fetcher: FullTextFetcher, arxiv: FakeArxiv
) -> None:
    source = await fulltext(fetcher, "../../etc/passwd")

    assert source.kind == "abstract"
    assert "is not an arXiv id" in source.reason
    assert arxiv.requests == []


async def test_the_text_is_cut_to_the_budget_at_a_boundary(
    fetcher: FullTextFetcher, arxiv: FakeArxiv
) -> None:
    article = synthetic_article(1, target_chars=20_000)
    arxiv.add_paper("2502.15007", html=latexml_page(article))

    small = await fulltext(fetcher, "2502.15007", max_chars=5_000)
    whole = await fulltext(fetcher, "2502.15007", max_chars=BUDGET)

    assert small.cut
    assert 4_500 <= len(small.text) <= 5_000
    assert small.text.endswith(".")
    assert whole.text.startswith(small.text)
    assert small.chars == whole.chars == len(whole.text)
    assert len(arxiv.requests) == 1  # the cache holds the whole text; each call cuts its own


# Broken answers.


async def test_a_corrupt_pdf_falls_back_to_the_abstract_and_is_logged_once(
    fetcher: FullTextFetcher, arxiv: FakeArxiv, caplog: pytest.LogCaptureFixture
) -> None:
    arxiv.add_paper("2502.15007", pdf=garbage_pdf())
    caplog.set_level(logging.DEBUG, logger="bot.writer.fulltext")

    first = await fulltext(fetcher, "2502.15007")
    second = await fulltext(fetcher, "2502.15007")

    assert first.kind == second.kind == "abstract"
    assert "pdf: unreadable PDF" in first.reason
    assert second.reason == first.reason
    warnings = [r for r in caplog.records if r.name == "bot.writer.fulltext" and r.levelno >= logging.INFO]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "unreadable PDF" in warnings[0].getMessage()
    assert kinds(arxiv) == ["html:404", "pdf:200"]  # the second call asked nothing


async def test_a_truncated_pdf_falls_back_to_the_abstract(fetcher: FullTextFetcher, arxiv: FakeArxiv) -> None:
    pdf = paper_pdf(pages=3)
    arxiv.add_paper("2502.15007", pdf=pdf)
    arxiv.fail_next(1, Fault(status=None, truncate_to=len(pdf) // 2, path_prefix="/pdf/"))

    source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "abstract"
    assert "pdf: unreadable PDF" in source.reason


async def test_a_connection_dropped_mid_body_is_retried(fetcher: FullTextFetcher, arxiv: FakeArxiv) -> None:
    arxiv.add_paper("2502.15007", pdf=paper_pdf())
    arxiv.fail_next(1, Fault(status=None, drop_after=1_000, path_prefix="/pdf/"))

    source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "pdf"
    assert kinds(arxiv) == ["html:404", "pdf:200", "pdf:200"]


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
async def test_an_oversized_pdf_is_unavailable(
    arxiv: FakeArxiv, clock: VirtualClock, cache_dir: Path, declare_length: bool
) -> None:
    limit = 200_000
    arxiv.add_paper("2502.15007", pdf=paper_pdf())
    arxiv.fail_next(
        1, Fault(status=None, pad_to=5 * limit, declare_length=declare_length, path_prefix="/pdf/")
    )

    async with make_fetcher(arxiv, clock, cache_dir, max_pdf_bytes=limit) as fetcher:
        source = await fulltext(fetcher, "2502.15007")
        again = await fulltext(fetcher, "2502.15007")

    assert source.kind == again.kind == "abstract"
    assert "pdf: too large" in source.reason
    assert ("1,000,000 bytes" if declare_length else "more than the limit of 200,000 bytes") in source.reason
    assert kinds(arxiv) == ["html:404", "pdf:200"]  # a lasting miss: not asked again


async def test_an_oversized_html_page_falls_back_to_the_pdf(
    arxiv: FakeArxiv, clock: VirtualClock, cache_dir: Path
) -> None:
    arxiv.add_paper(
        "2502.15007", html=latexml_page(synthetic_article(2, target_chars=60_000)), pdf=paper_pdf()
    )

    async with make_fetcher(arxiv, clock, cache_dir, max_html_bytes=50_000) as fetcher:
        source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "pdf"
    assert source.reason.startswith("html: too large")


async def test_an_html_page_without_a_paper_falls_back_to_the_pdf(
    fetcher: FullTextFetcher, arxiv: FakeArxiv
) -> None:
    arxiv.add_paper(
        "2502.15007",
        html="<html><body><nav>menu</nav><p>Conversion failed.</p></body></html>",
        pdf=paper_pdf(),
    )

    source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "pdf"
    assert "holds no paper" in source.reason


async def test_a_page_in_another_charset_is_decoded_and_an_unknown_one_read_as_utf8(
    fetcher: FullTextFetcher, arxiv: FakeArxiv
) -> None:
    page = latexml_page(Article(title="Σύνοψη", abstract="αβγ δέλτα " * 60))
    arxiv.add_paper("2502.00001", html=page)
    arxiv.add_paper("2502.00002", html=page)
    greek = Fault(status=None, body=page.encode("iso-8859-7"), content_type="text/html; charset=iso-8859-7")
    unknown = Fault(status=None, content_type="text/html; charset=no-such-charset")
    arxiv.fail_next(1, greek)
    arxiv.fail_next(1, unknown)

    sources = [await fulltext(fetcher, paper) for paper in ("2502.00001", "2502.00002")]

    for source in sources:
        assert source.kind == "html"
        assert source.text.startswith("Σύνοψη\n\nAbstract\n\nαβγ δέλτα αβγ")


# Retries and redirects.


async def test_a_redirect_is_followed_in_its_own_turn(fetcher: FullTextFetcher, arxiv: FakeArxiv) -> None:
    arxiv.strict_pacing = True
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE))
    arxiv.fail_next(1, Fault(status=302, location="/html/2502.15007v3"))

    source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "html"
    assert [(r.path, r.status) for r in arxiv.requests] == [
        ("/html/2502.15007", 302),
        ("/html/2502.15007v3", 200),
    ]
    assert arxiv.gaps() == [3.0]


async def test_a_redirect_loop_is_unavailable(fetcher: FullTextFetcher, arxiv: FakeArxiv) -> None:
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE), pdf=paper_pdf())
    arxiv.fail_next(10, Fault(status=301, location="/html/2502.15007", path_prefix="/html/"))

    source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "pdf"
    assert source.reason == "html: more than 3 redirects"
    assert len(arxiv.paper_requests("html")) == 4


async def test_503_then_success(fetcher: FullTextFetcher, arxiv: FakeArxiv, clock: VirtualClock) -> None:
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE))
    arxiv.fail_next(1, Fault(status=503))

    source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "html"
    assert kinds(arxiv) == ["html:503", "html:200"]
    assert arxiv.gaps()[0] >= 5.0  # backoff (5 s and up), not only the 3 s pause


async def test_429_retry_after_is_honoured(fetcher: FullTextFetcher, arxiv: FakeArxiv) -> None:
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE))
    arxiv.fail_next(1, Fault(status=429, retry_after="42"))

    source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "html"
    assert kinds(arxiv) == ["html:429", "html:200"]
    assert arxiv.gaps() == [42.0]


async def test_retry_after_as_an_http_date(fetcher: FullTextFetcher, arxiv: FakeArxiv) -> None:
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE))
    later = format_datetime(datetime.fromtimestamp(time.time() + 20, UTC), usegmt=True)
    arxiv.fail_next(1, Fault(status=429, retry_after=later))

    await fulltext(fetcher, "2502.15007")

    assert 17.0 <= arxiv.gaps()[0] <= 21.0


async def test_a_retry_after_holds_off_every_other_paper_too(
    fetcher: FullTextFetcher, arxiv: FakeArxiv
) -> None:
    for paper in ("2502.00001", "2502.00002"):
        arxiv.add_paper(paper, html=latexml_page(ARTICLE))
    arxiv.fail_next(1, Fault(status=429, retry_after="60"))

    await asyncio.gather(fulltext(fetcher, "2502.00001"), fulltext(fetcher, "2502.00002"))

    assert arxiv.gaps()[0] == 60.0  # whichever paper went next waited the minute
    assert [r.status for r in arxiv.requests] == [429, 200, 200]


async def test_a_slow_answer_times_out_and_is_retried(
    arxiv: FakeArxiv, clock: VirtualClock, cache_dir: Path
) -> None:
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE))
    arxiv.fail_next(1, Fault(status=None, delay=2.0))

    async with make_fetcher(arxiv, clock, cache_dir, timeout=0.2) as fetcher:
        source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "html"
    assert len(arxiv.requests) == 2


async def test_failures_past_the_retries_fall_back_and_are_not_cached(
    fetcher: FullTextFetcher, arxiv: FakeArxiv, caplog: pytest.LogCaptureFixture
) -> None:
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE), pdf=paper_pdf())
    arxiv.fail_next(3, Fault(status=503, path_prefix="/html/"))

    first = await fulltext(fetcher, "2502.15007")
    second = await fulltext(fetcher, "2502.15007")

    assert first.kind == "pdf"
    assert first.reason == "html: gave up after 3 attempts; the last one failed with HTTP 503"
    assert "gave up after 3 attempts" in caplog.text
    assert second.kind == "html"  # the failure was not remembered: the next call asked again
    assert kinds(arxiv) == ["html:503", "html:503", "html:503", "pdf:200", "html:200"]


async def test_arxiv_down_falls_back_to_the_abstract(clock: VirtualClock, cache_dir: Path) -> None:
    server = FakeArxiv(clock=clock.monotonic)
    await server.start()
    base_url = server.base_url
    await server.stop()  # nothing listens there any more

    async with FullTextFetcher(
        cache_dir, contact=CONTACT, base_url=base_url, clock=clock.monotonic, sleep=clock.sleep
    ) as fetcher:
        source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "abstract"
    assert "html: gave up after 3 attempts; the last one failed with a connection error" in source.reason
    assert "pdf: gave up after 3 attempts" in source.reason


# The cache.


async def test_the_cache_answers_a_second_call_with_no_request(
    arxiv: FakeArxiv, clock: VirtualClock, cache_dir: Path
) -> None:
    arxiv.add_paper("2502.00001", html=latexml_page(ARTICLE))
    arxiv.add_paper("2502.00002", pdf=paper_pdf())

    async with make_fetcher(arxiv, clock, cache_dir) as fetcher:
        first = [await fulltext(fetcher, paper) for paper in ("2502.00001", "2502.00002")]
    asked = len(arxiv.requests)
    async with make_fetcher(arxiv, clock, cache_dir) as fetcher:  # a later run, the same directory
        second = [await fulltext(fetcher, paper) for paper in ("2502.00001", "2502.00002")]

    assert [s.kind for s in first] == ["html", "pdf"]
    assert second == first
    assert asked == 3
    assert len(arxiv.requests) == asked  # the second run asked nothing, the HTML miss included


async def test_a_cached_miss_expires(fetcher: FullTextFetcher, arxiv: FakeArxiv, cache_dir: Path) -> None:
    arxiv.add_paper("2502.15007", pdf=paper_pdf())
    await fulltext(fetcher, "2502.15007")
    arxiv.add_paper("2502.15007", html=latexml_page(ARTICLE), pdf=paper_pdf())  # arXiv rendered it since

    assert (await fulltext(fetcher, "2502.15007")).kind == "pdf"  # within the week: not asked

    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    os.utime(cache_dir / "html" / "2502.15007.miss", (eight_days_ago, eight_days_ago))
    assert (await fulltext(fetcher, "2502.15007")).kind == "html"
    assert kinds(arxiv) == ["html:404", "pdf:200", "html:200"]


# Etiquette.


async def test_one_request_at_a_time_when_five_papers_are_fetched_at_once(
    fetcher: FullTextFetcher, arxiv: FakeArxiv
) -> None:
    papers = [f"2502.0000{n}" for n in range(1, 6)]
    for index, paper in enumerate(papers):
        arxiv.add_paper(
            paper, html=latexml_page(ARTICLE) if index % 2 == 0 else None, pdf=paper_pdf(seed=index)
        )

    sources = await asyncio.gather(*(fulltext(fetcher, paper) for paper in papers))

    assert [s.kind for s in sources] == ["html", "pdf", "html", "pdf", "html"]
    assert len(arxiv.requests) == 7
    assert arxiv.max_concurrent == 1
    assert min(arxiv.gaps()) >= 3.0


async def test_starts_are_min_interval_apart_on_the_injected_clock(
    arxiv: FakeArxiv, clock: VirtualClock, cache_dir: Path
) -> None:
    for paper in ("2502.00001", "2502.00002", "2502.00003"):
        arxiv.add_paper(paper, html=latexml_page(ARTICLE))

    async with make_fetcher(arxiv, clock, cache_dir, min_interval=4.5) as fetcher:
        for paper in ("2502.00001", "2502.00002", "2502.00003"):
            await fulltext(fetcher, paper)

    assert arxiv.gaps() == [4.5, 4.5]
    assert clock.sleeps == [4.5, 4.5]


async def test_a_strict_server_never_has_to_say_slow_down(fetcher: FullTextFetcher, arxiv: FakeArxiv) -> None:
    arxiv.strict_pacing = True
    for n in range(1, 5):
        arxiv.add_paper(f"2502.0000{n}", pdf=paper_pdf(seed=n))

    await asyncio.gather(*(fulltext(fetcher, f"2502.0000{n}") for n in range(1, 5)))

    assert {r.status for r in arxiv.requests} == {404, 200}


async def test_an_impatient_client_is_slowed_by_the_servers_429s(
    arxiv: FakeArxiv, clock: VirtualClock, cache_dir: Path
) -> None:
    arxiv.strict_pacing = True
    arxiv.add_paper("2502.00001", html=latexml_page(ARTICLE))
    arxiv.add_paper("2502.00002", html=latexml_page(ARTICLE))

    async with make_fetcher(arxiv, clock, cache_dir, min_interval=0.0) as fetcher:
        sources = [await fulltext(fetcher, paper) for paper in ("2502.00001", "2502.00002")]

    assert [s.kind for s in sources] == ["html", "html"]
    assert [r.status for r in arxiv.requests] == [200, 429, 200]
    assert arxiv.gaps() == [0.0, 3.0]


async def test_two_fetchers_in_one_process_take_turns_too(
    arxiv: FakeArxiv, clock: VirtualClock, tmp_path: Path
) -> None:
    for n in range(1, 5):
        arxiv.add_paper(f"2502.0000{n}", html=latexml_page(ARTICLE))

    async with (
        make_fetcher(arxiv, clock, tmp_path / "a") as first,
        make_fetcher(arxiv, clock, tmp_path / "b") as second,
    ):
        await asyncio.gather(
            fulltext(first, "2502.00001"),
            fulltext(second, "2502.00002"),
            fulltext(first, "2502.00003"),
            fulltext(second, "2502.00004"),
        )

    assert arxiv.max_concurrent == 1
    assert arxiv.gaps() == [3.0, 3.0, 3.0]


async def test_every_request_carries_a_descriptive_user_agent(
    fetcher: FullTextFetcher, arxiv: FakeArxiv
) -> None:
    arxiv.add_paper("2502.15007", pdf=paper_pdf())

    await fulltext(fetcher, "2502.15007")

    expected = f"Paperboy/{__version__} (daily-papers digest bot; +{CONTACT})"
    assert fetcher.user_agent == expected
    assert [r.user_agent for r in arxiv.requests] == [expected, expected]
    assert 403 not in [r.status for r in arxiv.requests]


async def test_a_user_agent_without_a_way_to_reach_us_is_refused(
    arxiv: FakeArxiv, clock: VirtualClock, cache_dir: Path
) -> None:
    arxiv.add_paper("2502.15007", pdf=paper_pdf())

    async with make_fetcher(arxiv, clock, cache_dir, contact="nobody") as fetcher:
        source = await fulltext(fetcher, "2502.15007")

    assert source.kind == "abstract"
    assert "HTTP 403" in source.reason
    assert len(arxiv.requests) == 2  # a refusal is not retried


def test_a_contact_is_required(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="contact"):
        FullTextFetcher(tmp_path, contact="  ")
