"""Telegram shows the first 100 entities of a message and ignores the rest: pages keep within them."""

from __future__ import annotations

from bot.cards import DigestItem, DigestView
from bot.i18n import t
from handlers.telegram_adapter.markup import MAX_ENTITIES, bold, highlight, link, text
from handlers.telegram_adapter.render import digest_pages
from tests.fakes.telegram_html import parse_html


def view(count: int, summary: str = "") -> DigestView:
    items = tuple(
        DigestItem(n, f"2502.{n:05d}", f"Paper {n}", f"https://arxiv.org/abs/2502.{n:05d}", 1, summary)
        for n in range(1, count + 1)
    )
    return DigestView(t("list.empty"), items, total=count)


def test_html_counts_its_entities_as_telegram_does() -> None:
    fragment = bold("a") + text(" b ") + link("https://x.org", bold("c")) + bold("")

    assert fragment.entities == len(parse_html(fragment.markup)[1]) == 3


def test_highlight_stops_at_the_given_number() -> None:
    assert highlight("a a a a", ["a"]).entities == 4
    assert highlight("a a a a", ["a"], 2).entities == 2
    assert highlight("a a a a", ["a"], 0).markup == "a a a a"


def test_a_list_of_many_short_items_splits_by_entities() -> None:
    pages = digest_pages(view(150), "en")

    counts = [len(parse_html(page.markup)[1]) for page in pages]
    assert len(pages) == 2
    assert all(count <= MAX_ENTITIES for count in counts)
    assert sum(page.markup.count("<a ") for page in pages) == 150


def test_highlights_give_way_to_links_when_a_page_would_pass_100_entities() -> None:
    pages = digest_pages(view(20, summary="a " * 30), "en", terms=("a",))

    entities = [parse_html(page.markup)[1] for page in pages]
    assert len(pages) == 1
    assert len(entities[0]) == MAX_ENTITIES
    assert [e.type for e in entities[0]].count("text_link") == 20
    assert [e.type for e in entities[0]].count("italic") == 20
    assert "<b>a</b>" in pages[0].markup
