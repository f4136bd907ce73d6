"""Slack rendering: escaping, cuts that never split an escape, and every message within Block Kit's limits.

The fake Web API checks the same limits end to end; these tests pin the rules at the source and
run every fixture through slack_sdk's own block models.
"""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.blocks import Block as SdkBlock

from bot.cards import paper_card
from bot.errors import UsageError
from bot.i18n import Lang
from bot.models import Destination, Paper, Subscription
from handlers.slack_adapter.asks import Ask
from handlers.slack_adapter.markup import (
    MAX_BLOCKS,
    MAX_MESSAGE_CHARS,
    SlackMessage,
    cut,
    escape,
    escaped_len,
    link,
    pack,
    section,
    size,
)
from handlers.slack_adapter.render import card_message, push_messages
from handlers.slack_adapter.settings import FieldErrors, read_submission, settings_modal
from tests.fixtures.adversarial import DAY, SPECIALS, hostile_papers, huge_day


def _check(message: SlackMessage) -> None:
    """What Slack checks: block count, sizes, and slack_sdk's own validation of every block."""
    assert len(message.blocks) <= MAX_BLOCKS
    assert size(message.blocks) <= MAX_MESSAGE_CHARS
    assert message.text
    for block in message.blocks:
        SdkBlock.parse(block).validate_json()  # type: ignore[union-attr]
        for text in _mrkdwn_texts(block):
            assert len(text) <= 3000
            assert "<" not in text.replace("<http", "").replace("<@", "").replace("<#", "")


def _mrkdwn_texts(block: dict[str, object]) -> list[str]:
    found: list[str] = []
    if isinstance(block, dict):
        if block.get("type") == "mrkdwn":
            found.append(str(block["text"]))
        for value in block.values():
            if isinstance(value, dict):
                found += _mrkdwn_texts(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        found += _mrkdwn_texts(item)
    return found


def test_escape_and_cut_never_break_an_entity() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    raw = "&" * 50
    for limit in range(1, 40):
        shortened = cut(raw, limit)
        assert len(shortened) <= limit
        assert shortened.endswith("…")
        assert shortened[:-1].replace("&amp;", "") == ""
    assert escaped_len(SPECIALS) == len(escape(SPECIALS))


def test_link_keeps_the_url_and_escapes_the_label() -> None:
    assert link("https://x.org/a|b>c d", "1 < 2 & 3") == "<https://x.org/a%7Cb%3Ec%20d|1 &lt; 2 &amp; 3>"
    assert link("https://x.org/?q=모델&a=1", "x") == "<https://x.org/?q=%EB%AA%A8%EB%8D%B8&amp;a=1|x>"


def test_pack_splits_between_groups_within_fifty_blocks() -> None:
    groups = [[section(f"item {i}"), section("detail")] for i in range(40)]
    messages = pack(groups, "list")
    assert [len(m.blocks) for m in messages] == [50, 30]
    assert all(m.text == "list" for m in messages)


@pytest.mark.parametrize("fmt", ["compact", "cards"])
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("papers", [hostile_papers(), huge_day()], ids=["hostile", "huge"])
def test_every_push_message_is_within_the_limits(papers: list[Paper], fmt: str, lang: Lang) -> None:
    messages = push_messages(DAY, papers, fmt, lang)  # type: ignore[arg-type]
    assert messages
    for message in messages:
        _check(message)
    shown = json.dumps([m.blocks for m in messages], ensure_ascii=False)
    assert all(p.arxiv_url in shown for p in papers)  # nothing dropped by a split


def test_a_660_author_card_is_cut_with_plus_n_more() -> None:
    many = max(hostile_papers(), key=lambda p: len(p.authors))
    assert len(many.authors) >= 600
    message = card_message(paper_card(many, "en"), "en")
    _check(message)
    assert f"+{len(many.authors) - 8} more" in json.dumps(message.blocks)


def test_ask_round_trips_and_refuses_forgeries() -> None:
    ask = Ask("search", query='모델 "quoted" & <b>', offset=10)
    assert Ask.decode(ask.encode()) == ask
    forgeries = ("not json", '{"kind":"drop"}', '{"kind":"top","evil":1}', "[]", '{"kind":"top","day":"x"}',
                 '{"kind":"top","offset":-5}')  # fmt: skip
    for forged in forgeries:
        with pytest.raises(UsageError):
            Ask.decode(forged)


def _submission(**fields: dict[str, object]) -> dict[str, dict[str, dict[str, object]]]:
    values: dict[str, dict[str, dict[str, object]]] = {
        "time": {"value": {"selected_time": "07:45"}},
        "zone": {"value": {"value": "Asia/Seoul"}},
        "days": {"value": {"selected_options": [{"value": "0"}, {"value": "4"}]}},
        "top_n": {"value": {"value": "5"}},
        "min_votes": {"value": {"value": "20"}},
        "include": {"value": {"value": "diffusion, 모델"}},
        "exclude": {"value": {"value": None}},
        "format": {"value": {"selected_option": {"value": "cards"}}},
        "language": {"value": {"selected_option": {"value": "ko"}}},
        "options": {"value": {"selected_options": [{"value": "late_risers"}]}},
    }
    values.update({name: {"value": value} for name, value in fields.items()})
    return values


def test_the_settings_modal_reads_back_what_it_shows() -> None:
    subscription = Subscription(destination=Destination(platform="slack", chat_id="C1"), chat_type="channel")
    view = settings_modal(subscription, "en")
    assert view["private_metadata"] == "C1"
    assert len(view["title"]["text"]) <= 24
    changes = read_submission(_submission(), "en")
    assert changes["time_zone"] == "Asia/Seoul"
    assert changes["weekdays"] == frozenset({0, 4})
    assert changes["include"] == ("diffusion", "모델")
    assert changes["exclude"] == ()
    assert (changes["top_n"], changes["min_votes"], changes["format"], changes["language"]) == (
        5,
        20,
        "cards",
        "ko",
    )
    assert (changes["late_risers"], changes["notify_empty"]) == (True, False)
    assert Subscription.model_validate(subscription.model_dump() | changes).top_n == 5


def test_bad_fields_are_named_with_a_hint() -> None:
    bad = _submission(zone={"value": "Asia/Seol"}, days={"selected_options": []}, top_n={"value": "99"})
    with pytest.raises(FieldErrors) as caught:
        read_submission(bad, "en")
    assert set(caught.value.errors) == {"zone", "days", "top_n"}
    assert "Asia/Seoul" in caught.value.errors["zone"]


def test_the_modal_sets_and_clears_a_summary_language() -> None:
    japanese = read_submission(_submission(summary_language={"value": " JA "}), "en")
    cleared = read_submission(_submission(summary_language={"value": ""}), "en")
    with pytest.raises(FieldErrors) as caught:
        read_submission(_submission(summary_language={"value": "日本語!"}), "en")
    assert japanese["summary_language"] == "ja"
    assert cleared["summary_language"] is None
    assert "not a language code" in caught.value.errors["summary_language"]


def test_a_modal_from_before_the_new_choices_leaves_them_as_they_are() -> None:
    changes = read_submission(_submission(), "en")  # no cadence, code, stars, ranking or follows inputs
    assert not {"cadence", "week_day", "month_day", "has_code", "min_stars", "ranking", "follows"} & set(
        changes
    )
    stars = read_submission(_submission(min_stars={"value": "10"}, has_code={"selected_options": []}), "en")
    assert (stars["min_stars"], stars["has_code"]) == (10, False)


def test_a_card_shows_organization_comments_topic_chips_and_stars() -> None:
    paper = hostile_papers()[0].model_copy(
        update={"organization": "AIRI & <co>", "num_comments": 4, "github_stars": 41,
                "keywords": ("context `memory`", "a<b", "c", "d", "e", "f")}
    )  # fmt: skip
    message = card_message(paper_card(paper, "en"), "en")
    _check(message)
    about, chips, *_notes = (block for block in message.blocks if block["type"] == "context")
    assert [e["text"] for e in about["elements"]][:3] == ["▲ 300", "🏛 AIRI &amp; &lt;co&gt;", "💬 4"]
    assert chips["elements"] == [{"type": "mrkdwn", "text": "`context 'memory'` `a&lt;b` `c` `d` `e`"}]
    github = next(
        e for b in message.blocks if b["type"] == "actions" for e in b["elements"] if "github" in e["url"]
    )
    assert github["text"]["text"] == "GitHub ★ 41"
    # the hostile card itself: a 200-character organization and markup in every keyword
    _check(card_message(paper_card(hostile_papers()[0], "ko"), "ko"))
