"""The Atom writer's text rules: what XML 1.0 cannot carry is dropped, everything else kept, and
cut text says it was cut."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bot.atom import cut, xml_text

FORBIDDEN = (
    "".join(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))) + "\ud800\ufffe\uffff"
)
KEPT = "tab\tnewline\ncr\r & < > \" ' 한국어 Σ μ 🚀 \U0010fffd"


def test_xml_text_drops_only_what_xml_cannot_carry() -> None:
    assert xml_text(FORBIDDEN + KEPT + FORBIDDEN) == KEPT
    element = ET.Element("title")
    element.text = xml_text(FORBIDDEN + KEPT)
    parsed = ET.fromstring(ET.tostring(element, encoding="utf-8"))
    assert parsed.text == KEPT.replace("\r", "\n")  # XML parsers normalise line ends


def test_cut_keeps_short_text_whole_and_marks_a_cut() -> None:
    assert cut("  a   short\ntext ", 20) == "a short text"
    assert cut("word " * 10, 12) == "word word w…"  # by characters, as the cards cut
    assert len(cut("x" * 100, 10)) == 10
