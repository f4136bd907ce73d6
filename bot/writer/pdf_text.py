"""A paper's PDF as plain text, with pypdf (pure Python: no poppler or other binary on the machine).

This is the fallback for papers arXiv has no HTML rendering of, and PDFs from the wild are often broken:
truncated downloads, damaged cross-reference tables, scanned pages with no text layer, encryption. pypdf
signals these with many exception types (its own, but also KeyError, ValueError, RecursionError, ...), so
every failure becomes one PdfTextError the caller turns into "use the abstract". Extraction is CPU-bound
(tens of milliseconds a page): call it in a thread, never on the event loop.
"""

from __future__ import annotations

import io
import itertools
import re

from pypdf import PdfReader

# A PDF starts with this within its first kilobyte; anything else (an HTML error page) is not one.
_MAGIC = b"%PDF-"
_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HYPHENATED = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
_BLANKS = re.compile(r"[ \t\f\v\xa0]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


class PdfTextError(Exception):
    """The PDF could not be read as text; the message says why, for the log."""


def pdf_to_text(data: bytes, *, max_pages: int = 300) -> str:
    """The text of the first `max_pages` pages of the PDF in `data`, pages separated by blank lines.

    Words hyphenated across a line end are joined; spaces are collapsed inside lines. Raises
    PdfTextError when `data` is not a readable PDF. The page limit bounds the time a huge file can take.
    """
    if _MAGIC not in data[:1024]:
        raise PdfTextError("not a PDF (no %PDF- header)")
    pages: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")  # papers are at most owner-locked; an empty user password opens those
        for page in itertools.islice(reader.pages, max_pages):
            pages.append(_tidy(page.extract_text()))
    except Exception as err:  # pypdf fails on broken files with whatever the broken part raised
        raise PdfTextError(f"unreadable PDF ({type(err).__name__}: {err})") from err
    return "\n\n".join(page for page in pages if page)


def _tidy(page: str) -> str:
    """One page's text: no control characters, hyphenation joined, blank runs and blank lines collapsed."""
    page = _UNWANTED.sub("", page.replace("\r\n", "\n").replace("\r", "\n"))
    page = _HYPHENATED.sub("", page)
    lines = (_BLANKS.sub(" ", line).strip() for line in page.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()
