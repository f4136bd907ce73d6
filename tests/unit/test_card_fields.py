"""What a card shows of the HF fields is decided once, in bot/cards.py, for every platform."""

from __future__ import annotations

from bot.cards import MAX_TOPIC_CHARS, item_votes_label, links_of, paper_card, paper_record
from bot.i18n import t
from bot.service import TopResult, top_view
from tests.conftest import PaperFactory


def test_topics_are_the_first_five_distinct_keywords_on_one_line_each(make_paper: PaperFactory) -> None:
    long = "word " * 20
    paper = make_paper(keywords=("LLM", " LLM ", "multi\nline  topic", long, "", "b", "c", "d"))
    topics = paper_card(paper, "en").topics
    assert topics[:3] == ("LLM", "multi line topic", long.strip()[: MAX_TOPIC_CHARS - 1] + "…")
    assert topics[3:] == ("b", "c")
    assert all(len(topic) <= MAX_TOPIC_CHARS for topic in topics)


def test_stars_go_with_a_repository_and_no_comments_are_not_said(make_paper: PaperFactory) -> None:
    bare = paper_card(make_paper(github=None, github_stars=12, num_comments=0, organization=None), "en")
    assert (bare.stars, bare.facts) == (None, ())
    coded = make_paper(github="https://github.com/a/b", github_stars=0, num_comments=3, organization="AIRI")
    card = paper_card(coded, "ko")
    assert card.stars == 0
    assert [fact.render("ko") for fact in card.facts] == ["🏛 AIRI", "💬 3"]
    assert [link.label for link in card.links][3] == "GitHub ★ 0"  # zero stars is a known count
    assert [link.label for link in links_of(coded)][3] == "GitHub"  # a feed's links keep plain names
    unknown = make_paper(github="https://github.com/a/b", github_stars=None)
    assert [link.label for link in paper_card(unknown, "en").links][3] == "GitHub"


def test_json_records_carry_the_hf_fields_unknown_as_null(make_paper: PaperFactory) -> None:
    record = paper_record(make_paper(organization="AIRI", github_stars=None, num_comments=4))
    assert (record["organization"], record["github_stars"], record["num_comments"]) == ("AIRI", None, 4)


def test_a_plain_list_item_shows_its_votes_alone(make_paper: PaperFactory) -> None:
    view = top_view(TopResult(None, [make_paper(votes=7)], 1), "en")
    assert item_votes_label(view.items[0]) == "▲ 7"
    assert t("trending.gained", votes=7, gained=2, window=t("trending.hours", n=24)).render("en") == (
        "▲ 7 (+2 in 24 h)"
    )
