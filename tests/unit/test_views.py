"""The neutral views of bot/views.py: what every platform's /preview, /days, /help and settings say."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.commands import COMMANDS
from bot.i18n import t
from bot.models import Destination, Follow, Subscription
from bot.ports import DayInfo
from bot.selection import Pick, Selection
from bot.subscriptions import Preview
from bot.views import days_view, follow_key, help_view, preview_view, remaining_follows, settings_view
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
    assert len(view.rows) == 17
    assert view.follows == ()
    assert view.feed_url is None


def test_the_cadence_says_its_day_and_a_weekly_one_shows_no_weekdays() -> None:
    daily = settings_view(_subscription())
    assert str(daily.value("set.cadence")) == "Daily"
    assert str(daily.value("set.days")) == "every day"
    weekly = settings_view(_subscription(title="Lab", cadence="weekly", week_day=4))
    assert str(weekly.heading) == "Weekly push for Lab"
    assert str(weekly.value("set.cadence")) == "Weekly, on Friday"
    assert weekly.value("set.cadence").render("ko") == "매주 금요일"
    assert "set.days" not in {row.label.key for row in weekly.rows}
    end = settings_view(_subscription(cadence="monthly", month_day=31)).value("set.cadence")
    assert str(end) == "Monthly, on day 31 (last day in shorter months)"
    assert end.render("ko") == "매월 31일 (짧은 달은 마지막 날)"
    assert str(settings_view(_subscription(cadence="monthly", month_day=15)).value("set.cadence")) == (
        "Monthly, on day 15"
    )


def test_code_filters_ranking_and_follows_are_rows() -> None:
    plain = settings_view(_subscription())
    keys = ("set.has_code", "set.min_stars", "set.ranking", "set.follows")
    assert [str(plain.value(key)) for key in keys] == ["any paper", "any", "by votes", "none"]
    follows = (Follow(kind="author", value="Yann LeCun"), Follow(kind="search", value="diffusion, video"))
    view = settings_view(_subscription(has_code=True, min_stars=100, ranking="personal", follows=follows))
    assert str(view.value("set.has_code")) == "only papers with code"
    assert str(view.value("set.min_stars")) == "at least 100 ★"
    assert str(view.value("set.ranking")) == "personal: votes blended with your 👍/👎"
    assert view.value("set.ranking").render("ko") == "맞춤: 추천 수에 내 👍/👎를 반영"
    assert str(view.value("set.follows")) == "author: Yann LeCun, search: “diffusion, video”"
    assert [str(row.text) for row in view.follows] == ["author: Yann LeCun", "search: “diffusion, video”"]
    assert [row.key for row in view.follows] == [follow_key(follow) for follow in follows]


def test_a_follow_key_is_short_stable_and_removes_only_its_follow() -> None:
    follows = (
        Follow(kind="author", value="Kim"),
        Follow(kind="org", value="Kim"),
        Follow(kind="search", value="x"),
    )
    keys = [follow_key(follow) for follow in follows]
    assert all(len(key) == 8 and int(key, 16) >= 0 for key in keys)
    assert len(set(keys)) == 3  # the same name as an author and as an org are two follows
    subscription = _subscription(follows=follows)
    assert remaining_follows(subscription, {keys[1]}) == (follows[0], follows[2])
    assert remaining_follows(subscription, {"00000000"}) == follows  # gone meanwhile: nothing removed


def test_the_feed_row_is_shown_only_with_a_link() -> None:
    assert "set.feed" not in {row.label.key for row in settings_view(_subscription()).rows}
    url = "https://papers.example.org/feeds/sub/abc.atom"
    view = settings_view(_subscription(), feed_url=url)
    assert view.feed_url == url
    assert str(view.value("set.feed")) == url
