"""Every platform heads a weekly or monthly push as the week's or month's digest: the heading and the
note of a period with nothing new come from the core (bot/push_render.py), in English and Korean."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from bot.i18n import Lang, Text
from bot.models import Cadence, Destination, OutboxItem, Paper, Subscription
from bot.push_render import PushRenderer, push_heading
from bot.schedule import DigestPeriod
from handlers.console_adapter.notifier import ConsoleNotifier
from handlers.discord_adapter import render as discord
from handlers.slack_adapter import render as slack
from handlers.telegram_adapter import render as telegram

PAPERS = [
    Paper(arxiv_id=f"2502.0000{i}", title=f"Paper {i}", votes=10 - i, days=(date(2025, 2, 26),))
    for i in range(3)
]
# Monday 3 March 2025 09:00 UTC: a weekly push (Mondays) or a monthly one (the 3rd) due on its schedule.
DUE = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
HEADINGS = {
    ("weekly", "en"): "The week's digest, 2025-02-24 – 2025-03-02: the top 3 Daily Papers",
    ("weekly", "ko"): "주간 다이제스트 (2025-02-24 – 2025-03-02): Daily Papers 인기 논문 3편",
    ("monthly", "en"): "The month's digest, 2025-02-03 – 2025-03-02: the top 3 Daily Papers",
    ("monthly", "ko"): "월간 다이제스트 (2025-02-03 – 2025-03-02): Daily Papers 인기 논문 3편",
    ("daily", "en"): "Daily Papers of 2025-03-02: the top 3",
    ("daily", "ko"): "2025-03-02 Daily Papers 인기 논문 3편",
}
Digest = Callable[[DigestPeriod, list[Paper], Any, Lang, str], list[Any]]
PLATFORMS: dict[str, tuple[Digest, Callable[[Text, Lang], Any]]] = {
    "telegram": (telegram.push_messages, telegram.notice),
    "slack": (slack.push_messages, slack.notice),
    "discord": (discord.push_messages, discord.notice),
}


def shown(payload: object) -> str:
    """A message as its platform gets it, quotes unescaped."""
    return repr(payload).replace("\\'", "'")


def item(cadence: Cadence, language: Lang = "en", fmt: str = "compact", **settings: object) -> OutboxItem:
    values = {
        "destination": Destination(platform="slack", chat_id="C1"),
        "chat_type": "channel",
        "cadence": cadence,
        "week_day": 0,
        "month_day": 3,
        "send_time": time(9, 0),
        "language": language,
        "format": fmt,
        **settings,
    }
    subscription = Subscription.model_validate(values)
    return OutboxItem(
        id=1,
        lease="x",
        subscription=subscription,
        kind="digest",
        digest_day=date(2025, 3, 2),
        due_at=DUE,
        leased_at=DUE,
    )


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("fmt", ["compact", "cards"])
@pytest.mark.parametrize(("cadence", "lang"), sorted(HEADINGS))
def test_each_platform_says_which_digest_it_is(platform: str, fmt: str, cadence: Cadence, lang: Lang) -> None:
    digest, note = PLATFORMS[platform]
    renderer = PushRenderer(digest, note, lambda message, paper: True)
    messages = renderer.render(item(cadence, lang, fmt), PAPERS)
    assert HEADINGS[cadence, lang] in shown(messages[0].payload)


@pytest.mark.parametrize(("cadence", "lang"), sorted(HEADINGS))
def test_the_console_says_it_too(cadence: Cadence, lang: Lang) -> None:
    [message] = ConsoleNotifier(io.StringIO()).render(item(cadence, lang), PAPERS)
    assert message.payload.startswith(HEADINGS[cadence, lang])


def test_a_slack_thread_push_of_a_week_says_its_cards_follow_in_the_thread() -> None:
    renderer = PushRenderer(slack.push_messages, slack.notice, lambda message, paper: True, threads=True)
    first = renderer.render(item("weekly", fmt="thread"), PAPERS)[0]
    assert (
        "The week's digest, 2025-02-24 – 2025-03-02: the top 3 Daily Papers, one per reply in this thread"
        in (shown(first.payload))
    )


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_a_period_with_nothing_new_is_one_note(platform: str) -> None:
    digest, note = PLATFORMS[platform]
    renderer = PushRenderer(digest, note, lambda message, paper: True)
    [message] = renderer.render(item("monthly", notify_empty=True), [])
    assert "The month's digest, 2025-02-03 – 2025-03-02: nothing new for you this month" in repr(
        message.payload
    )
    assert message.papers == ()


def test_a_date_is_a_days_list() -> None:
    assert push_heading(date(2025, 3, 2), 3) == push_heading(DigestPeriod.daily(date(2025, 3, 2)), 3)
