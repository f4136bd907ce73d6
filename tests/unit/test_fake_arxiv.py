"""The fake arXiv itself: it must refuse what a strict arXiv refuses, or the fetcher's tests prove nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.clock import VirtualClock
from tests.fakes.arxiv import FakeArxiv, Fault

pytestmark = pytest.mark.slow  # the fake's own tests: a server each

UA = "Paperboy-test/1.0 (+https://example.org/paperboy)"
PDF = b"%PDF-1.7\n" + b"x" * 1000 + b"\n%%EOF\n"
HTML = "<html><body><article class='ltx_document'><p>Paper text</p></article></body></html>"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def arxiv(clock: VirtualClock) -> AsyncIterator[FakeArxiv]:
    async with FakeArxiv(clock=clock.monotonic) as server:
        server.add_paper("2502.15007", title="Known", abstract="An abstract.", html=HTML, pdf=PDF)
        server.add_paper("2502.00001", title="No HTML", pdf=PDF)
        server.add_paper("hep-th/9901001", title="Old style", pdf=PDF)
        yield server


@pytest.fixture
async def client(arxiv: FakeArxiv) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=arxiv.base_url, headers={"User-Agent": UA}) as http:
        yield http


async def test_serves_html_pdf_and_abs_of_a_registered_paper(client: httpx.AsyncClient) -> None:
    html = await client.get("/html/2502.15007")
    pdf = await client.get("/pdf/2502.15007")
    abs_page = await client.get("/abs/2502.15007")

    assert (html.status_code, html.headers["Content-Type"], html.text) == (
        200,
        "text/html; charset=utf-8",
        HTML,
    )
    assert (pdf.status_code, pdf.headers["Content-Type"], pdf.content) == (200, "application/pdf", PDF)
    assert abs_page.status_code == 200
    assert "Known" in abs_page.text
    assert "An abstract." in abs_page.text


async def test_versioned_and_old_style_ids_are_the_same_paper(
    client: httpx.AsyncClient, arxiv: FakeArxiv
) -> None:
    assert (await client.get("/pdf/2502.15007v2")).content == PDF
    assert (await client.get("/html/2502.15007v1")).text == HTML
    assert (await client.get("/pdf/hep-th/9901001v3")).content == PDF
    assert [r.paper for r in arxiv.requests] == ["2502.15007", "2502.15007", "hep-th/9901001"]


async def test_404_for_unknown_ids_missing_renderings_and_other_paths(client: httpx.AsyncClient) -> None:
    missing_html = await client.get("/html/2502.00001")
    assert missing_html.status_code == 404
    assert "No HTML for '2502.00001'" in missing_html.text
    assert (await client.get("/pdf/2502.99999")).status_code == 404
    assert (await client.get("/pdf/not-an-id")).status_code == 404
    assert (await client.get("/html/2502.15007/../../etc/passwd")).status_code == 404
    assert (await client.get("/")).status_code == 404


@pytest.mark.parametrize(
    "user_agent",
    [
        None,  # httpx's default: python-httpx/<version>
        "",
        "python-requests/2.32.3",
        "Python/3.11 aiohttp/3.9.5",
        "curl/8.5.0",
        "MyBot/1.0",  # no contact
    ],
)
async def test_refuses_clients_that_do_not_say_who_they_are(arxiv: FakeArxiv, user_agent: str | None) -> None:
    headers = {} if user_agent is None else {"User-Agent": user_agent}
    async with httpx.AsyncClient(base_url=arxiv.base_url) as http:
        response = await http.get("/pdf/2502.15007", headers=headers)

    assert response.status_code == 403
    assert "Identify your client" in response.text
    assert arxiv.requests[-1].status == 403


@pytest.mark.parametrize(
    "user_agent",
    [UA, "Paperboy/0.1.0 (daily-papers digest bot; mailto:ops@example.org) python-httpx/0.28.1"],
)
async def test_accepts_a_descriptive_user_agent(arxiv: FakeArxiv, user_agent: str) -> None:
    async with httpx.AsyncClient(base_url=arxiv.base_url, headers={"User-Agent": user_agent}) as http:
        assert (await http.get("/pdf/2502.15007")).status_code == 200
    assert arxiv.requests[-1].user_agent == user_agent


async def test_records_overlapping_requests(client: httpx.AsyncClient, arxiv: FakeArxiv) -> None:
    arxiv.fail_next(2, Fault(status=None, delay=0.2))

    await asyncio.gather(client.get("/pdf/2502.15007"), client.get("/html/2502.15007"))

    assert arxiv.max_concurrent == 2


async def test_records_gaps_on_the_injected_clock(
    client: httpx.AsyncClient, arxiv: FakeArxiv, clock: VirtualClock
) -> None:
    await client.get("/pdf/2502.15007")
    clock.advance(3.5)
    await client.get("/html/2502.15007")
    clock.advance(1.0)
    await client.get("/abs/2502.15007")

    assert arxiv.gaps() == [3.5, 1.0]
    assert arxiv.max_concurrent == 1
    assert [r.kind for r in arxiv.paper_requests()] == ["pdf", "html", "abs"]


async def test_strict_pacing_answers_429_with_retry_after_when_too_soon(
    client: httpx.AsyncClient, arxiv: FakeArxiv, clock: VirtualClock
) -> None:
    arxiv.strict_pacing = True
    assert (await client.get("/pdf/2502.15007")).status_code == 200
    clock.advance(1.2)
    too_soon = await client.get("/pdf/2502.15007")
    clock.advance(3.0)
    in_time = await client.get("/pdf/2502.15007")

    assert too_soon.status_code == 429
    assert too_soon.headers["Retry-After"] == "2"
    assert in_time.status_code == 200


async def test_scripted_status_faults_in_order_and_by_path(
    client: httpx.AsyncClient, arxiv: FakeArxiv
) -> None:
    arxiv.fail_next(1, Fault(status=503))
    arxiv.fail_next(1, Fault(status=429, retry_after="7", path_prefix="/pdf/"))

    html = await client.get("/html/2502.15007")
    abs_page = await client.get("/abs/2502.15007")
    pdf = await client.get("/pdf/2502.15007")
    again = await client.get("/pdf/2502.15007")

    assert html.status_code == 503
    assert abs_page.status_code == 200
    assert (pdf.status_code, pdf.headers["Retry-After"]) == (429, "7")
    assert again.status_code == 200


async def test_body_faults(client: httpx.AsyncClient, arxiv: FakeArxiv) -> None:
    arxiv.fail_next(1, Fault(status=None, body=b"%PDF-1.4 corrupt"))
    arxiv.fail_next(1, Fault(status=None, truncate_to=100))
    arxiv.fail_next(1, Fault(status=None, pad_to=50_000))
    arxiv.fail_next(1, Fault(status=None, pad_to=50_000, declare_length=False))

    corrupt = await client.get("/pdf/2502.15007")
    truncated = await client.get("/pdf/2502.15007")
    padded = await client.get("/pdf/2502.15007")
    chunked = await client.get("/pdf/2502.15007")

    assert corrupt.content == b"%PDF-1.4 corrupt"
    assert (truncated.content, truncated.headers["Content-Length"]) == (PDF[:100], "100")
    assert (len(padded.content), padded.headers["Content-Length"]) == (50_000, "50000")
    assert padded.content.startswith(PDF)
    assert len(chunked.content) == 50_000
    assert "Content-Length" not in chunked.headers


async def test_a_dropped_connection_breaks_the_body_mid_way(
    client: httpx.AsyncClient, arxiv: FakeArxiv
) -> None:
    arxiv.fail_next(1, Fault(status=None, drop_after=10))

    with pytest.raises(httpx.RemoteProtocolError):
        await client.get("/pdf/2502.15007")
    assert (await client.get("/pdf/2502.15007")).content == PDF
