"""PDF to text on real PDFs made by fpdf2: the words come back; every broken PDF is one PdfTextError."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from bot.writer.pdf_text import PdfTextError, pdf_to_text
from tests.fixtures.pdfs import ACCURACY_SENTENCE, garbage_pdf, paper_pdf, truncated


def _one_line_pdf(text: str, *, user_password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(text=text)
    if user_password is not None:
        pdf.set_encryption(owner_password="owner", user_password=user_password)
    return bytes(pdf.output())


def test_a_paper_comes_back_page_by_page() -> None:
    text = pdf_to_text(paper_pdf("Sparse Mixtures for Everyone", pages=3))

    assert "Sparse Mixtures for Everyone" in text
    assert ACCURACY_SENTENCE in text
    assert "1 Introduction" in text
    markers = [text.index(f"Page-marker-{page}.") for page in (1, 2, 3)]
    assert markers == sorted(markers)
    assert "\n\nPage-marker-2." in text  # pages are separated by a blank line


def test_only_the_first_pages_are_read() -> None:
    text = pdf_to_text(paper_pdf(pages=4), max_pages=2)

    assert "Page-marker-2." in text
    assert "Page-marker-3." not in text


def test_spaces_collapse_and_control_characters_go() -> None:
    assert pdf_to_text(_one_line_pdf("Wide     gaps\tand\x07 a bell")) == "Wide gaps and a bell"


def test_an_owner_locked_pdf_opens_with_the_empty_user_password() -> None:
    assert (
        pdf_to_text(_one_line_pdf("Locked for editing only", user_password="")) == "Locked for editing only"
    )


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "not a PDF"),
        (b"<html><body>Access denied</body></html>", "not a PDF"),
        (garbage_pdf(), "unreadable PDF"),
        (truncated(paper_pdf()), "unreadable PDF"),
        (_one_line_pdf("secret", user_password="user"), "unreadable PDF"),
    ],
    ids=["empty", "html", "garbage", "truncated", "password"],
)
def test_every_broken_pdf_is_one_error(data: bytes, why: str) -> None:
    with pytest.raises(PdfTextError, match=why):
        pdf_to_text(data)
