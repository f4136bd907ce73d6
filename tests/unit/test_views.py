"""The neutral views of bot/views.py: what every platform's /preview, /days, /help and settings say."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.commands import COMMANDS
from bot.i18n import t
from bot.models import Destination, Subscription
from bot.ports import DayInfo
from bot.selection import Pick, Selection
from bot.subscriptions import Preview
from bot.views import days_view, help_view, preview_view, settings_view
from tests.conftest import PaperFactory

HOME = Destination(platform="console", chat_id="local")


def _subscription(**settings: object) -> Subscription:
    return Subscription.model_validate({"destination": HOME, "chat_type": "private", **settings})


def test_the_next_push_is_said_in_the_subscribers_zone(make_paper: PaperFactory) -> None:
    subscription = _subscription(send_time=time(9), time_zone="Asia/Seoul")
    picks = [Pick(make_paper("2502.15007", title="A"), (t("raw", text="top 1"), t("raw", text="new")))]
    due = datetime(2025, 2, 25, 0, 0, tzinfo=UTC)
    view = preview_view(Preview(subscription, due, date(2025, 2, 24), Selection(picks)))
    assert view.heading == view.next_push
    assert str(view.next_push) == "Next push: 2025-02-25 09:00 Asia/Seoul"
    assert str(view.day) == "Daily Papers of 2025-02-24"
    [pick] = view.picks
    assert (pick.rank, pick.title, pick.reason("en")) == (1, "A", "top 1; new")
    assert view.empty_reason is None


def test_a_preview_without_a_push_has_a_plain_heading_and_says_why() -> None:
    view = preview_view(Preview(None, None, None, Selection([]), t("preview.not_subscribed")))
    assert view.next_push is None
    assert view.day is None
    assert not view.picks
    assert view.heading == t("cmd.preview")
    assert view.empty_reason == t("preview.not_subscribed")


def test_days_rows_and_the_empty_sentence() -> None:
    view = days_view([DayInfo(date(2025, 2, 24), 3, 42), DayInfo(date(2025, 2, 21), 12, None)])
    assert [str(row.line) for row in view.rows] == [
        "2025-02-24    3 papers  top ▲ 42",
        "2025-02-21   12 papers  top votes unknown",
    ]
    empty = days_view([])
    assert not empty.rows
    assert empty.empty == t("days.none")


def test_help_lists_what_a_platform_offers_spelled_its_way() -> None:
    view = help_view({"top", "help", "start"}, lambda spec: f"/papers {spec.name}", welcome=True)
    assert view.heading == t("help.welcome")
    assert [line.call for line in view.commands] == ["/papers top", "/papers help"]  # the catalog's order
    plain = help_view({spec.name for spec in COMMANDS})
    assert plain.commands[1].call == "/top [N] [YYYY-MM-DD]"


def test_every_setting_value_is_a_sentence() -> None:
    view = settings_view(_subscription(title="Lab", include=("LLM",)))
    assert str(view.heading) == "Daily push for Lab"
    assert str(view.value("set.include")) == "LLM"
    assert str(view.value("set.exclude")) == str(t("set.none"))
    assert len(view.rows) == 12
