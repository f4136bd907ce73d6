"""LaTeXML HTML to text: the paper's words are kept, in order; the page around them and the noise are not."""

from __future__ import annotations

from bot.writer.html_text import html_to_text
from tests.fixtures.latexml import CHROME_MARKERS, Article, latexml_page

ARTICLE = Article(
    title="Sparse Mixtures for Everyone",
    abstract="We propose a method. It works well on every benchmark we tried.",
    sections=[
        ("Introduction", ["Large models are costly.", "We make them cheaper."]),
        ("Experiments", ["We reach an accuracy of 87.3% on the held-out set."]),
    ],
    caption="Accuracy against model size.",
)


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def test_keeps_the_paper_in_reading_order() -> None:
    paragraphs = _paragraphs(html_to_text(latexml_page(ARTICLE)))

    assert paragraphs[:3] == [
        "Sparse Mixtures for Everyone",
        "Abstract",
        "We propose a method. It works well on every benchmark we tried.",
    ]
    assert paragraphs.index("1 Introduction") < paragraphs.index("Large models are costly.")
    assert paragraphs.index("We make them cheaper.") < paragraphs.index("2 Experiments")
    assert paragraphs[-1] == "We reach an accuracy of 87.3% on the held-out set."


def test_drops_navigation_chrome_bibliography_authors_footnotes_and_mathml() -> None:
    text = html_to_text(latexml_page(ARTICLE))

    for marker in CHROME_MARKERS:
        assert marker not in text
    assert "References" not in text
    assert "Ada Lovelace" not in text


def test_math_becomes_its_alttext_and_equations_keep_their_number() -> None:
    paragraphs = _paragraphs(html_to_text(latexml_page(ARTICLE)))

    assert "The loss is $L=\\sum_{i}x_{i}^{2}$ over the batch, as in prior work (Knuth, 1984)." in paragraphs
    assert "$E=mc^{2}$ (1)" in paragraphs


def test_math_without_alttext_is_dropped_with_its_tree() -> None:
    html = "<p>Before <math><mi>x</mi><mo>+</mo></math>after.</p>"

    assert html_to_text(html) == "Before after."


def test_figures_keep_the_caption_and_tables_their_cells_row_by_row() -> None:
    paragraphs = _paragraphs(html_to_text(latexml_page(ARTICLE)))

    assert "Figure 1: Accuracy against model size." in paragraphs
    assert "Model | Accuracy\nOurs | 87.3" in paragraphs
    assert "Table 1: Results." in paragraphs


def test_whitespace_collapses_inside_paragraphs_and_line_breaks_survive() -> None:
    html = (
        "<article><p>  Many \n\t spaces&nbsp;&nbsp;and\r\nnewlines  </p>"
        "<p>Line one<br>line two<br/>line three</p><div>\n\n\n</div><p>Last</p></article>"
    )

    assert html_to_text(html) == "Many spaces and newlines\n\nLine one\nline two\nline three\n\nLast"


def test_entities_are_decoded_and_control_characters_removed() -> None:
    html = "<p>Q&amp;A &lt;think&gt; &#x3A3; &bogus; caf&eacute;\x00\x07\x1b</p>"

    assert html_to_text(html) == "Q&A <think> Σ &bogus; café"


def test_hidden_and_navigation_roles_are_dropped() -> None:
    html = (
        '<p>kept</p><div hidden>hidden text</div><div role="navigation">menu</div>'
        '<span class="ltx_ERROR undefined">\\unknowncommand</span><p>also kept</p>'
    )

    assert html_to_text(html) == "kept\n\nalso kept"


def test_inline_elements_do_not_break_paragraphs() -> None:
    html = (
        '<p class="ltx_p">A <em>very</em> <span class="ltx_text ltx_font_bold">bold</span>'
        ' <a href="#x">claim</a>.</p>'
    )

    assert html_to_text(html) == "A very bold claim."


def test_not_a_paper_gives_little_or_no_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text("no markup at all") == "no markup at all"
    assert html_to_text("<html><head><title>Error</title></head><body><nav>x</nav></body></html>") == ""


# Hostile documents: none may raise, lose the paper's text, or leak what it should drop.


def test_nested_tables_keep_every_cell() -> None:
    depth = 60
    html = "<p>before</p>" + "<table><tr><td>cell" * depth + "</td></tr></table>" * depth + "<p>after</p>"

    paragraphs = _paragraphs(html_to_text(html))

    assert paragraphs[0] == "before"
    assert paragraphs[-1] == "after"
    assert "".join(paragraphs).count("cell") == depth


def test_script_and_style_holding_markup_do_not_leak() -> None:
    html = (
        '<p>one</p><script>document.write("<p>SCRIPT</p>"); if (a < b && c > d) {}</script>'
        "<style>p::after { content: '</p>STYLE' }</style><noscript><p>NOSCRIPT</p></noscript>"
        "<p>two</p><script>unterminated <p>SCRIPT-TAIL"
    )

    assert html_to_text(html) == "one\n\ntwo"


def test_ten_thousand_paragraphs() -> None:
    count = 10_000
    html = "<article>" + "".join(f'<div class="ltx_para"><p>Paragraph {i}.</p></div>' for i in range(count))

    paragraphs = _paragraphs(html_to_text(html))

    assert len(paragraphs) == count
    assert paragraphs[0] == "Paragraph 0."
    assert paragraphs[-1] == f"Paragraph {count - 1}."


def test_invalid_markup_keeps_the_text() -> None:
    html = (
        "<p>unclosed one<p>unclosed two"  # <p> never closed
        "<b>bold never closed <i>mis</b>nested</i>"  # mis-nesting
        "</nav></div></section>"  # end tags with nothing open
        "<div <p>broken tag</p>"  # a start tag that never ends properly
        '<p title="a > b">attribute with a bracket</p>'
        "<p>stray &amp entity and < lone bracket</p>"
        "<!-- a comment <nav> --><![CDATA[ cdata ]]><?php echo 1; ?>"
        "<p>end</p>"
    )

    text = html_to_text(html)

    for kept in ("unclosed one", "unclosed two", "bold never closed", "mis", "nested", "with a bracket"):
        assert kept in text
    assert "stray & entity and < lone bracket" in text
    assert text.endswith("end")
    assert "comment" not in text
    assert "unclosed one\n\nunclosed two" in text


def test_unclosed_dropped_element_drops_only_what_follows_inside_it() -> None:
    html = "<p>kept</p><nav><p>menu</p></div><p>still menu</p>"

    # A <nav> never closed holds the rest of the document, as a browser would read it.
    assert html_to_text(html) == "kept"


def test_a_dropped_element_closed_by_an_ancestor_ends_the_drop() -> None:
    html = "<div><nav>menu<p>entry</div><p>after</p>"

    assert html_to_text(html) == "after"
