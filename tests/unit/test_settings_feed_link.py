"""The subscription's Atom feed in every settings UI: shown when the server gives its link, absent
when it does not (the feeds themselves are served elsewhere: handlers/http_server.py)."""

from __future__ import annotations

import json

from bot.models import Destination, Subscription
from bot.views import settings_view
from handlers.console_adapter.render import render_settings
from handlers.discord_adapter.settings import settings_message as discord_settings
from handlers.slack_adapter.settings import settings_modal
from handlers.telegram_adapter.settings import settings_message as telegram_settings

URL = "https://papers.example.org/feeds/s/0123456789abcdefghij.atom"


def _subscription(platform: str) -> Subscription:
    return Subscription.model_validate(
        {"destination": Destination(platform=platform, chat_id="C1"), "chat_type": "channel"}
    )


def test_telegram_shows_the_feed_as_a_line_and_a_link_button() -> None:
    subscription = _subscription("telegram")
    shown = telegram_settings(subscription, "en", feed_url=URL).params
    assert f"<b>Atom feed</b>: {URL}" in shown["text"]
    assert {"text": "📰 Atom feed", "url": URL} in shown["reply_markup"]["inline_keyboard"][-2]
    assert "Atom feed" not in json.dumps(telegram_settings(subscription, "en").params, ensure_ascii=False)


def test_slack_shows_the_feed_under_the_inputs() -> None:
    modal = settings_modal(_subscription("slack"), "en", feed_url=URL)
    assert modal["blocks"][-1] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": f"*Atom feed:* {URL}"},
    }
    assert all(block["type"] == "input" for block in settings_modal(_subscription("slack"), "en")["blocks"])


def test_discord_links_the_feed_on_the_filters_page() -> None:
    subscription = _subscription("discord")
    page = discord_settings(subscription, "ko", page=3, feed_url=URL)
    last = page.components[-1]["components"]
    assert last[-1] == {"type": 2, "style": 5, "label": "Atom 피드", "url": URL}
    assert URL in json.dumps(page.embeds)
    assert all(
        "url" not in c for c in discord_settings(subscription, "ko", page=3).components[-1]["components"]
    )


def test_the_console_prints_the_feed_line() -> None:
    assert f"Atom feed: {URL}" in render_settings(settings_view(_subscription("console"), URL))
