"""Discord's rendering under its limits: the fake's own checks judge every message built here."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.cards import paper_card
from bot.errors import UsageError
from bot.models import DigestDay, Section
from handlers.discord_adapter.asks import Ask
from handlers.discord_adapter.markup import MAX_CUSTOM_ID, button, cut, escape
from handlers.discord_adapter.render import card_message, embed_chars, push_messages
from tests.conftest import PaperFactory
from tests.fakes.discord_api import embed_size, message_problems
from tests.fixtures.adversarial import hostile_papers

DAY = date(2025, 2, 24)


def test_markup_is_escaped_where_discord_reads_it() -> None:
    assert escape("[RE]think *all* of `x` ~~y~~ a_b <@1> (ok) 2025-02-24") == (
        "\\[RE\\]think \\*all\\* of \\`x\\` \\~\\~y\\~\\~ a\\_b \\<@1> (ok) 2025-02-24"
    )
    assert escape("# title\n- item\n> quote") == "\\# title\n\\- item\n\\> quote"


def test_a_cut_never_ends_on_half_an_escape() -> None:
    for limit in range(2, 12):
        cut_text = cut("ab**cd**ef**gh", limit)
        assert len(cut_text) <= limit
        body = cut_text.removesuffix("…")
        assert (len(body) - len(body.rstrip("\\"))) % 2 == 0


def test_custom_ids_are_held_to_100_characters() -> None:
    with pytest.raises(ValueError, match="custom_id"):
        button("x", "p" * (MAX_CUSTOM_ID + 1))
    ask = Ask("search", n=50, ref="t" * 60, offset=9990)
    assert len(ask.custom_id("share")) <= MAX_CUSTOM_ID
    assert Ask.decode(ask.encode()) == ask


@pytest.mark.parametrize(
    "value", ["", "top", "top:1:2:3:4", "paper:0:10:2025-02-30:x", "top:0:10::" + "x" * 61]
)
def test_a_forged_custom_id_is_a_usage_error_not_a_crash(value: str) -> None:
    with pytest.raises(UsageError):
        Ask.decode(value)


def test_a_card_of_the_longest_paper_fits_one_message(make_paper: PaperFactory) -> None:
    long = make_paper(
        "2502.99999",
        title="T[*]" * 200,
        authors=tuple(f"Author_{i}" for i in range(500)),
        sections=tuple(Section(heading=f"Heading {i} " + "#" * 300, text="가*나_" * 2000) for i in range(30)),
        thumbnail="https://example.org/a (1).png",
        github="https://github.com/a/b",
        project_page="https://example.org/project",
    )
    message = card_message(paper_card(long, "ko"), "ko")
    assert message_problems(message.payload()).lines() == []
    assert embed_size(list(message.embeds)) == embed_chars(message.embeds) <= 6000
    assert message.embeds[0]["thumbnail"]["url"] == "https://example.org/a%20%281%29.png"
    assert len(message.components[0]["components"]) == 5


@pytest.mark.parametrize("fmt", ["compact", "cards"])
@pytest.mark.parametrize("n", [1, 10, 50])
def test_every_push_message_is_within_the_limits(sample_day: DigestDay, fmt: str, n: int) -> None:
    papers = (sample_day.papers * 2)[:n]
    messages = push_messages(DAY, papers, fmt, "en", "ko")  # type: ignore[arg-type]
    for message in messages:
        assert message_problems(message.payload()).lines() == []
        assert embed_size(list(message.embeds)) <= 6000
    shown = json.dumps([m.payload() for m in messages], ensure_ascii=False)
    assert all(paper.arxiv_url in shown for paper in papers)
    assert all(any(m.shows(p) for m in messages) for p in papers)
    if fmt == "cards":
        assert len(messages) == n + 1


def test_a_summary_in_another_language_says_so(make_paper: PaperFactory) -> None:
    paper = make_paper("2502.00001", sections=(Section(heading="What's New", text="새로운 방법"),))
    [message] = [card_message(paper_card(paper, "en"), "en")]
    assert "footer" in message.embeds[0]


def test_a_card_shows_organization_comments_topic_chips_and_stars(make_paper: PaperFactory) -> None:
    paper = make_paper(
        "2502.15007", votes=95, organization="AIRI *Lab*", num_comments=4, github="https://github.com/a/b",
        github_stars=41, keywords=("context `memory`", "logit_lens", "c", "d", "e", "f"), days=(DAY,),
    )  # fmt: skip
    message = card_message(paper_card(paper, "en"), "en")
    assert message_problems(message.payload()).lines() == []
    (embed,) = message.embeds
    assert embed["author"] == {"name": "🏛 AIRI *Lab*"}  # an author name is plain text: nothing to escape
    about = embed["description"].splitlines()
    assert about[0].startswith("▲ 95 · 💬 4 · [arXiv 2502.15007]")
    assert "`context 'memory'` `logit_lens` `c` `d` `e`" in about
    labels = [button["label"] for row in message.components for button in row["components"]]
    assert "GitHub ★ 41" in labels


def test_the_hostile_card_with_every_hf_field_fits() -> None:
    for paper in hostile_papers():
        message = card_message(paper_card(paper, "ko"), "ko")
        assert message_problems(message.payload()).lines() == []
        assert embed_chars(message.embeds) <= 6000
