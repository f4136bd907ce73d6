"""arXiv's HTML rendering of a paper (LaTeXML) as plain text a model can summarise.

arXiv renders most recent papers with LaTeXML into HTML whose parts carry `ltx_` classes. The page
holds more than the paper: a navigation bar with the table of contents, a header and footer, feedback
forms, scripts and styles. Some of the paper itself costs tokens without helping a summary either: the
bibliography (often a third of the text), author e-mails and affiliations, footnotes that break sentences
in two, and MathML, where every symbol is an element. So those are dropped; a `<math>` element becomes its
`alttext` between dollars (`$x^{2}$`: the LaTeX source, which models read well), a figure keeps its
caption and loses its image, a table keeps its cells (result tables carry the numbers a summary quotes),
and what is left is paragraphs separated by blank lines with whitespace collapsed inside them.

The standard library's `html.parser` does the parsing. LaTeXML's output is well-formed, a page is 0.1-1 MB
and takes milliseconds to read, which is nothing beside the three seconds arXiv asks between requests; the
parser never raises on broken markup; and it adds no compiled dependency. selectolax (lexbor, C) would be
several times faster, but speed is not what bounds this path (see bench/fulltext.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements dropped with everything inside them.
_DROP_TAGS = frozenset(
    {
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "form",
        "button",
        "dialog",
        "select",
        "textarea",
        "svg",
        "canvas",
        "iframe",
        "object",
        "video",
        "audio",
    }
)
# LaTeXML and arXiv classes dropped with everything inside them: page chrome, the bibliography, the
# author block (names, e-mails, affiliations), footnotes and unrendered LaTeX (`ltx_ERROR` shows `\foo`).
_DROP_CLASSES = frozenset(
    {
        "ltx_page_navbar",
        "ltx_page_header",
        "ltx_page_footer",
        "ltx_page_logo",
        "ltx_TOC",
        "ltx_bibliography",
        "ltx_authors",
        "ltx_note",
        "ltx_ERROR",
        "package-alerts",
    }
)
# Elements that start and end a paragraph.
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "ul",
    }
)
_CELL_TAGS = frozenset({"td", "th"})
# Elements that never have content or an end tag.
_VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)

# Cell boundaries are marked with private-use characters while a line is built, then rendered when it
# ends: a data table's cells as `a | b`, an equation's (LaTeXML lays equations out as tables) as `a b`.
_CELL = "\ue000"
_EQUATION_CELL = "\ue001"
# Control characters (but tab and newline) and our markers never come from the document into the text.
_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")
_SPACES = re.compile(r"\s+")


def html_to_text(html: str) -> str:
    """The paper in `html` (an arXiv LaTeXML page) as text: paragraphs separated by blank lines.

    Table rows are lines of one paragraph. Never raises on malformed markup; a page with no paper in it
    gives little or no text, which the caller judges.
    """
    parser = _LatexmlText()
    parser.feed(html)
    parser.close()
    return parser.text()


class _LatexmlText(HTMLParser):
    """A streaming reader: a stack of open elements, a drop depth, and the text gathered so far.

    Browsers repair broken markup with the HTML5 tree-building rules; this keeps only what text
    extraction needs: an end tag closes the nearest open element of its name (and the ones left open
    inside it), an end tag with no open element of its name is ignored, and block elements break
    paragraphs when they start as well as when they end, so unclosed `<p>`s still separate paragraphs.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._stack: list[str] = []
        self._open: dict[str, int] = {}  # tag -> how many are on the stack, so unmatched end tags are O(1)
        self._drop_from: int | None = None  # stack depth of the dropped element we are inside
        self._tables: list[tuple[int, bool]] = []  # open tables: stack depth, whether an equation
        self._paragraphs: list[str] = []
        self._lines: list[str] = []
        self._fragments: list[str] = []

    def text(self) -> str:
        self._end_paragraph()
        return "\n\n".join(self._paragraphs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            self._void(tag)
            return
        self._push(tag)
        if self._drop_from is not None:
            return
        classes = set(_attr(attrs, "class").split())
        if (
            tag in _DROP_TAGS
            or classes & _DROP_CLASSES
            or _attr(attrs, "role") == "navigation"
            or _has(attrs, "hidden")
        ):
            self._drop_from = len(self._stack)
        elif tag == "math":
            alttext = _attr(attrs, "alttext")
            if alttext:
                self._fragments.append(f"${_UNWANTED.sub('', alttext)}$")
            self._drop_from = len(self._stack)  # the MathML tree itself
        else:
            self._open_effect(tag, classes)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """`<x/>`: a void element, or an empty one that still breaks a paragraph if it is a block."""
        if tag in _VOID_TAGS:
            self._void(tag)
            return
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self._open.get(tag):
            return
        while self._stack:
            top = self._pop()
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._drop_from is None:
            self._fragments.append(_UNWANTED.sub("", data))

    def _void(self, tag: str) -> None:
        if self._drop_from is not None:
            return
        if tag == "br":
            self._end_line()
        elif tag == "hr":
            self._end_paragraph()

    def _push(self, tag: str) -> None:
        self._stack.append(tag)
        self._open[tag] = self._open.get(tag, 0) + 1

    def _pop(self) -> str:
        depth = len(self._stack)
        tag = self._stack.pop()
        self._open[tag] -= 1
        if self._drop_from is not None:
            if depth == self._drop_from:
                self._drop_from = None
            return tag
        if self._tables and self._tables[-1][0] == depth:
            self._tables.pop()
        self._close_effect(tag)
        return tag

    def _open_effect(self, tag: str, classes: set[str]) -> None:
        if tag in _BLOCK_TAGS:
            self._end_paragraph()
            if tag == "table":
                equation = any(name.startswith(("ltx_eqn", "ltx_equation")) for name in classes)
                self._tables.append((len(self._stack), equation))
        elif tag == "tr":
            self._end_line()
        elif tag in _CELL_TAGS:
            self._fragments.append(self._cell_mark())

    def _close_effect(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._end_paragraph()
        elif tag == "tr":
            self._end_line()
        elif tag in _CELL_TAGS:
            self._fragments.append(self._cell_mark())

    def _cell_mark(self) -> str:
        equation = bool(self._tables) and self._tables[-1][1]
        return _EQUATION_CELL if equation else _CELL

    def _end_line(self) -> None:
        line = _render_line("".join(self._fragments))
        self._fragments.clear()
        if line:
            self._lines.append(line)

    def _end_paragraph(self) -> None:
        self._end_line()
        if self._lines:
            self._paragraphs.append("\n".join(self._lines))
            self._lines.clear()


def _render_line(raw: str) -> str:
    """One line's text: cells joined, whitespace collapsed, empty cells gone."""
    raw = raw.replace(_EQUATION_CELL, " ")
    if _CELL in raw:
        cells = (_SPACES.sub(" ", cell).strip() for cell in raw.split(_CELL))
        return " | ".join(cell for cell in cells if cell)
    return _SPACES.sub(" ", raw).strip()


def _attr(attrs: list[tuple[str, str | None]], name: str) -> str:
    for key, value in attrs:
        if key == name:
            return value or ""
    return ""


def _has(attrs: list[tuple[str, str | None]], name: str) -> bool:
    return any(key == name for key, _ in attrs)
