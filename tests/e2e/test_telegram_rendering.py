"""Every rendering of the sample day and of hostile data, sent through the fake: zero rejections."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.cards import paper_card
from bot.i18n import LANGUAGES, Lang
from bot.models import Paper
from bot.sample import sample_digest
from bot.sources.markdown import parse_markdown
from handlers.telegram_adapter.markup import MAX_TEXT
from handlers.telegram_adapter.render import Format, card_message, push_messages
from handlers.telegram_adapter.replies import send
from tests.fakes.telegram_api import FakeTelegram
from tests.fixtures.adversarial import DAY, hostile_papers, huge_day

CHAT = 4242


@pytest.fixture
async def bot_and_fake() -> AsyncIterator[tuple[Bot, FakeTelegram]]:
    async with FakeTelegram(rate_limits=False) as fake:
        fake.add_chat(CHAT)
        async with Bot(fake.token, base_url=fake.api_url) as bot:
            yield bot, fake


def sample() -> list[Paper]:
    return parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample").papers


DAYS = {"sample": sample, "hostile": hostile_papers, "huge": huge_day}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("fmt", ["compact", "cards"])
@pytest.mark.parametrize("day", sorted(DAYS))
async def test_every_push_format_is_accepted(
    bot_and_fake: tuple[Bot, FakeTelegram], day: str, fmt: Format, lang: Lang
) -> None:
    bot, fake = bot_and_fake
    papers = DAYS[day]()
    messages = push_messages(DAY, papers, fmt, lang)
    for message in messages:
        await send(bot, CHAT, None, message)
    assert fake.errors == []
    assert len(fake.sent) == len(messages)
    assert all(len(m.text) <= MAX_TEXT for m in fake.sent)


async def test_huge_compact_day_splits_between_items(bot_and_fake: tuple[Bot, FakeTelegram]) -> None:
    bot, fake = bot_and_fake
    papers = huge_day()
    messages = push_messages(DAY, papers, "compact", "en")
    assert len(messages) > 1
    for message in messages:
        await send(bot, CHAT, None, message)
    texts = [m.text for m in fake.sent]
    for rank in range(1, len(papers) + 1):
        assert sum(f"\n{rank}. Paper " in "\n" + text for text in texts) == 1  # each item whole, once


async def test_escaping_keeps_every_character(bot_and_fake: tuple[Bot, FakeTelegram]) -> None:
    bot, fake = bot_and_fake
    for paper in hostile_papers()[:6]:
        await send(bot, CHAT, None, card_message(paper_card(paper, "ko"), "en"))  # the Korean sections
    shown = "\n".join(m.text for m in fake.sent)
    for title in (
        "<think>: Reasoning Without Tags",
        "[IDK] Tokens",
        "`unbalanced",
        "$L_2$",
        "Q&A with >80%",
        "PixArt-Σ",
    ):
        assert title in shown
    assert "<b>not a tag</b>" in shown  # shown literally, not as bold
    assert fake.errors == []


async def test_660_authors_are_cut(bot_and_fake: tuple[Bot, FakeTelegram]) -> None:
    bot, fake = bot_and_fake
    crowded = hostile_papers()[-1]
    await send(bot, CHAT, None, card_message(paper_card(crowded, "en"), "ko"))
    assert "외 652명" in fake.sent[0].text
    assert fake.errors == []


async def test_a_card_shows_the_hf_fields_and_topics_as_hashtags(
    bot_and_fake: tuple[Bot, FakeTelegram],
) -> None:
    """Organization and comments beside the votes, the first five keywords as hashtags, the stars on
    the GitHub button; the hostile card (a 200-character organization, markup in every keyword)
    passes the fake's checks too."""
    bot, fake = bot_and_fake
    hostile = hostile_papers()[0]
    paper = hostile.model_copy(
        update={
            "organization": "AIRI",
            "num_comments": 4,
            "github_stars": 41,
            "keywords": (
                "Large Language Models",
                "context-memory",
                "logit lens",
                "2024",
                "멀티모달 모델",
                "sixth",
            ),
        }
    )
    for card in (paper_card(paper, "en"), paper_card(hostile, "ko")):
        await send(bot, CHAT, None, card_message(card, "en"))
    assert fake.errors == []
    shown, odd = fake.sent
    lines = shown.text.splitlines()
    assert lines[1] == "▲ 300 · 🏛 AIRI · 💬 4 · 2025-03-03"
    assert "#Large_Language_Models #context_memory #logit_lens #멀티모달_모델" in lines
    assert "#sixth" not in shown.text  # five at most
    assert "#2024" not in shown.text  # all digits is no hashtag
    assert shown.reply_markup is not None
    labels = [button["text"] for row in shown.reply_markup["inline_keyboard"] for button in row]
    assert "GitHub ★ 41" in labels
    assert "🏛 <Org> & *Lab*_`x` #1" in odd.text
