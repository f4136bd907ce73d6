"""A Feed (bot/feeds.py) written as an Atom 1.0 document (RFC 4287).

Built with xml.etree.ElementTree, never by pasting strings: `<`, `&` and quotes in titles, authors
and URLs are escaped by the library, and what XML 1.0 cannot carry at all (control characters,
U+FFFE, lone surrogates) is dropped first, so no paper can make the document unreadable. An
entry's HTML content is built the same way and then carried as escaped text (`type="html"`).

Sizes are bounded: at most MAX_ENTRIES entries (bot/feeds.py), MAX_ENTRY_AUTHORS authors and
MAX_CATEGORIES categories per entry, a SUMMARY_CHARS summary and CONTENT_CHARS of sections.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from bot.cards import ShownSummary, links_of, summary_to_show, votes_text
from bot.feeds import Feed, FeedEntry, midnight
from bot.i18n import Lang, t
from bot.models import HF_ORIGIN

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
MAX_ENTRY_AUTHORS = 10
MAX_CATEGORIES = 10
SUMMARY_CHARS = 500
CONTENT_CHARS = 2500
GENERATOR = "Paperboy"
HF_DAILY_PAPERS = f"{HF_ORIGIN}/papers"
# Everything XML 1.0 allows in a document (its `Char` production); the rest is dropped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters no XML 1.0 document may contain."""
    return _NOT_XML.sub("", value)


def cut(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters (an ellipsis says it was cut). Only the start
    is read: a 10,000-character section costs what a short one does."""
    head = text[: limit * 4]  # whitespace runs shrink to one space: plenty for `limit` characters
    flat = " ".join(head.split())
    if len(flat) <= limit and len(head) == len(text):
        return flat
    return flat[: limit - 1].rstrip() + "…"


def _utc(moment: datetime) -> str:
    """An RFC 3339 date-time in UTC, to the second (Atom's dates)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(arxiv_id: str) -> str:
    """A paper's entry id: the same in every feed and forever (a name-based UUID of its arXiv
    address, as a `urn:uuid:` URI), so a reader shows a paper once however many lists carry it."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'https://arxiv.org/abs/{arxiv_id}')}"


def feed_id(key: str, language: str) -> str:
    """A feed's id, fixed by what it shows (which list or search, which language), not by where it
    is served from: moving the server does not make readers see every entry again."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'paperboy:feed:{key}:{language}')}"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {name: xml_text(value) for name, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def atom_document(feed: Feed, self_url: str, home_url: str) -> bytes:
    """The feed as UTF-8 Atom XML; `self_url` is where it is read from, `home_url` the server's
    public address (the feed's author)."""
    lang = feed.interface
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: feed.language})
    _add(root, "id", feed_id(feed.key, feed.language))
    _add(root, "title", feed.title.render(lang), type="text")
    _add(root, "subtitle", feed.subtitle.render(lang), type="text")
    _add(root, "updated", _utc(feed.updated))
    author = _add(root, "author")
    _add(author, "name", GENERATOR)
    _add(author, "uri", home_url)
    _add(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(root, "link", rel="alternate", type="text/html", href=HF_DAILY_PAPERS)
    _add(root, "generator", GENERATOR)
    for entry in feed.entries:
        _entry(root, entry, feed.language, lang)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _entry(root: ET.Element, entry: FeedEntry, language: str, lang: Lang) -> None:
    paper = entry.paper
    shown = summary_to_show(paper, language)
    element = _add(root, "entry")
    _add(element, "id", entry_id(paper.arxiv_id))
    _add(element, "title", paper.title, type="text")
    _add(element, "updated", _utc(entry.updated))
    if paper.days:
        _add(element, "published", _utc(midnight(paper.days[0])))
    _add(element, "link", rel="alternate", type="text/html", href=paper.hf_url)
    for link in links_of(paper):
        if link.url != paper.hf_url:
            kind = {"type": "application/pdf"} if link.url == paper.pdf_url else {}
            _add(element, "link", rel="related", href=link.url, title=link.label, **kind)
    for name in paper.authors[:MAX_ENTRY_AUTHORS]:
        if xml_text(name).strip():
            _add(_add(element, "author"), "name", name)
    for keyword in paper.keywords[:MAX_CATEGORIES]:
        if keyword.strip():
            _add(element, "category", term=keyword.strip())
    sections = shown.summary.sections if shown.summary else ()
    text = " ".join(section.text for section in sections if section.text)
    if text:
        _add(element, "summary", cut(text, SUMMARY_CHARS), type="text")
    _add(element, "content", _content_html(entry, shown, lang), type="html")
    if shown.summary is not None and shown.summary.source == "archive":
        _add(element, "rights", t("feed.archive_rights").render(lang), type="text")


def _content_html(entry: FeedEntry, shown: ShownSummary, lang: Lang) -> str:
    """The entry's body as an HTML fragment: the summary's sections (CONTENT_CHARS at most), where
    it was listed with its votes, the authors beyond those named, and the paper's links."""
    paper = entry.paper
    div = ET.Element("div")
    if shown.note is not None:
        ET.SubElement(ET.SubElement(div, "p"), "em").text = xml_text(shown.note.render(lang))
    left = CONTENT_CHARS
    for section in shown.summary.sections if shown.summary else ():
        if left <= 0:
            ET.SubElement(div, "p").text = t("feed.cut").render(lang)
            break
        body = cut(section.text, left)
        left -= len(body)
        paragraph = ET.SubElement(div, "p")
        if section.heading:
            strong = ET.SubElement(paragraph, "strong")
            strong.text = xml_text(section.heading)
            strong.tail = " " + xml_text(body)
        else:
            paragraph.text = xml_text(body)
    facts = [votes_text(paper.votes).render(lang)]
    if entry.day is not None:
        facts.insert(0, t("feed.listed", day=entry.day.isoformat()).render(lang))
    more = len(paper.authors) - MAX_ENTRY_AUTHORS
    if more > 0:
        facts.append(t("feed.more_authors", count=more).render(lang))
    ET.SubElement(div, "p").text = " · ".join(facts)
    links = ET.SubElement(div, "p")
    for link in links_of(paper):
        if len(links):
            links[-1].tail = " · "
        ET.SubElement(links, "a", href=xml_text(link.url)).text = link.label
    return ET.tostring(div, encoding="unicode", method="html")
