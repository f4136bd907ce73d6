"""Neutral views of the bot's answers other than papers: /preview, /days, /help and the settings.

The core decides what each answer says (which sentences, in which order, what stands in when there
is nothing to show); an adapter only sets it in its markup. Built here once, the answers cannot
drift apart between platforms, and a new platform renders them without re-deciding anything.
(Paper cards and lists have their views in bot/cards.py.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Container
from dataclasses import dataclass
from datetime import date

from bot.cards import votes_text
from bot.commands import COMMANDS, CommandSpec
from bot.i18n import Lang, Text, language_name, t
from bot.models import Follow, Subscription
from bot.ports import DayInfo
from bot.schedule import cadence_text
from bot.subscriptions import Preview

# The shortest month has 28 days: a monthly day after it falls on a shorter month's last day.
SHORTEST_MONTH = 28

# -- /preview ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewPick:
    """One paper the next push would hold, at its rank, with why it is in."""

    rank: int
    title: str
    url: str
    reasons: tuple[Text, ...]

    def reason(self, lang: Lang) -> str:
        """Every reason on one line."""
        return "; ".join(reason.render(lang) for reason in self.reasons)


@dataclass(frozen=True)
class PreviewView:
    """When the next push goes out (None: none is scheduled), which day's list it holds (a weekly or
    monthly push: when it comes and which days it covers), its papers, and why it would be empty."""

    next_push: Text | None
    day: Text | None
    picks: tuple[PreviewPick, ...]
    empty_reason: Text | None

    @property
    def heading(self) -> Text:
        """A title for platforms that always show one: the next push, or what a preview is."""
        return self.next_push or t("cmd.preview")


def preview_view(preview: Preview) -> PreviewView:
    """The next push said in the subscriber's own time zone."""
    next_push = None
    if preview.due is not None and preview.subscription is not None:
        local = preview.due.astimezone(preview.subscription.zone)
        next_push = t("preview.next", when=f"{local:%Y-%m-%d %H:%M} {preview.subscription.time_zone}")
    picks = tuple(
        PreviewPick(rank, pick.paper.title, pick.paper.arxiv_url, pick.reasons)
        for rank, pick in enumerate(preview.selection.picks, start=1)
    )
    return PreviewView(next_push, _covers(preview), picks, preview.empty_reason)


def _covers(preview: Preview) -> Text | None:
    """Which lists the push holds: a day's, or a week's or month's, said with its cadence."""
    period, subscription = preview.period, preview.subscription
    if period is not None and period.spans_days and subscription is not None:
        if period.cadence == "weekly":
            weekday = t(f"weekday.{subscription.week_day}")
            return t("preview.weekly", weekday=weekday, first=period.first, last=period.last)
        return t("preview.monthly", day=subscription.month_day, first=period.first, last=period.last)
    return t("preview.day", day=preview.day) if preview.day is not None else None


# -- /days -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    """One day in the store: its size and its best vote count, and the line that says so."""

    day: date
    papers: int
    top_votes: int | None

    @property
    def line(self) -> Text:
        return t("days.row", day=self.day, papers=self.papers, votes=votes_text(self.top_votes))


@dataclass(frozen=True)
class DaysView:
    """The days in the store, latest first; `empty` is said instead when there are none."""

    heading: Text
    rows: tuple[DayRow, ...]
    empty: Text


def days_view(days: list[DayInfo]) -> DaysView:
    rows = tuple(DayRow(d.day, d.papers, d.top_votes) for d in days)
    return DaysView(t("days.heading"), rows, t("days.none"))


# -- /help -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HelpLine:
    """A command as it is typed on this platform, and what it does."""

    call: str
    description: Text


@dataclass(frozen=True)
class HelpView:
    heading: Text
    commands: tuple[HelpLine, ...]


def slash_call(spec: CommandSpec) -> str:
    """`/top [N] [YYYY-MM-DD]`: how most platforms spell a command."""
    return spec.call


def help_view(
    offered: Container[str], spell: Callable[[CommandSpec], str] = slash_call, *, welcome: bool = False
) -> HelpView:
    """The commands this platform `offered`, in the catalog's order, each written by `spell`
    (a platform whose commands are subcommands of one slash command spells them differently)."""
    lines = tuple(HelpLine(spell(spec), spec.description) for spec in COMMANDS if spec.name in offered)
    return HelpView(t("help.welcome" if welcome else "help.heading"), lines)


# -- /subscribe ---------------------------------------------------------------------------------


def subscribed_text(subscription: Subscription, title: str | None, *, new: bool) -> Text:
    """What /subscribe answers: a new subscription, or the settings of the one already there."""
    return t(
        "sub.started" if new else "sub.updated",
        title=title or "",
        when=cadence_text(subscription),
        n=subscription.top_n,
    )


# -- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingRow:
    label: Text
    value: Text


@dataclass(frozen=True)
class FollowRow:
    """One thing the subscription follows, as its settings list it; `key` names it in a remove
    button (short and stable, so a button from before another change still removes the right one)."""

    key: str
    text: Text


@dataclass(frozen=True)
class SettingsView:
    """Every setting of a subscription, one row each, under a heading naming the chat; each follow
    again on its own (to be removed one by one), and the subscription's own Atom feed when the
    server publishes feeds (None: there is no link to show)."""

    heading: Text
    rows: tuple[SettingRow, ...]
    follows: tuple[FollowRow, ...] = ()
    feed_url: str | None = None

    def value(self, label_key: str) -> Text:
        """The value of one setting, by its label's catalog key (`set.time`)."""
        return next(row.value for row in self.rows if row.label.key == label_key)


def settings_view(subscription: Subscription, feed_url: str | None = None) -> SettingsView:
    """The one reading of a subscription that every settings UI shows. The days to push on matter
    to a daily push only (a weekly or monthly one names its own day), so only a daily one shows them."""
    none = t("set.none")
    follows = tuple(FollowRow(follow_key(follow), follow_text(follow)) for follow in subscription.follows)
    pairs: list[tuple[str, Text | str]] = [
        ("set.time", f"{subscription.send_time:%H:%M} {subscription.time_zone}"),
        ("set.cadence", cadence_setting(subscription)),
        *([("set.days", _weekdays(subscription.weekdays))] if subscription.cadence == "daily" else []),
        ("set.top_n", str(subscription.top_n)),
        ("set.min_votes", str(subscription.min_votes)),
        ("set.include", ", ".join(subscription.include) or none),
        ("set.exclude", ", ".join(subscription.exclude) or none),
        ("set.has_code", t("set.code_only" if subscription.has_code else "set.code_any")),
        ("set.min_stars", stars_text(subscription.min_stars)),
        ("set.ranking", t(f"set.ranking_{subscription.ranking}")),
        (
            "set.follows",
            t("set.follows_list", follows=tuple(row.text for row in follows)) if follows else none,
        ),
        ("set.format", t(f"set.format_{subscription.format}")),
        ("set.language", t(f"set.language_{subscription.language}")),
        ("set.summary_language", language_name(subscription.reads)),
        ("set.notify_empty", t("set.on" if subscription.notify_empty else "set.off")),
        ("set.late_risers", t("set.on" if subscription.late_risers else "set.off")),
        *([("set.feed", feed_url)] if feed_url else []),
        ("set.status", _status(subscription)),
    ]
    rows = tuple(
        SettingRow(t(key), value if isinstance(value, Text) else t("raw", text=value)) for key, value in pairs
    )
    title = subscription.title or subscription.destination.chat_id
    heading = t("set.heading" if subscription.cadence == "daily" else f"set.heading_{subscription.cadence}",
                title=title)  # fmt: skip
    return SettingsView(heading, rows, follows, feed_url)


def cadence_setting(subscription: Subscription) -> Text:
    """The settings' reading of how often (bot.schedule.cadence_text says when, with the time):
    `Daily`, `Weekly, on Friday`, `Monthly, on day 15`; a day a short month lacks says what
    happens then (`Monthly, on day 31 (last day in shorter months)`)."""
    if subscription.cadence == "weekly":
        return t("set.cadence_weekly", day=t(f"weekday.{subscription.week_day}"))
    if subscription.cadence == "monthly":
        day = subscription.month_day
        return t("set.cadence_monthly_end" if day > SHORTEST_MONTH else "set.cadence_monthly", day=day)
    return t("set.cadence_daily")


def month_day_text(day: int) -> Text:
    """A day of the month as a choice in a picker: `15`, or `31 (last day in shorter months)`."""
    return t("set.month_day_end" if day > SHORTEST_MONTH else "set.month_day", day=day)


def stars_text(stars: int) -> Text:
    """The GitHub stars floor: `any` when 0, else `at least 100 ★`."""
    return t("set.stars_at_least", stars=stars) if stars else t("set.stars_any")


def follow_text(follow: Follow) -> Text:
    """`author: Yann LeCun`, `org: Meta`, `search: “diffusion”`."""
    return t(f"set.follow_{follow.kind}", value=follow.value)


def follow_key(follow: Follow) -> str:
    """Eight hex digits naming a follow in a button (Telegram's 64-byte payload has no room for a
    name of 100 characters); a position would name another follow once the list has changed."""
    return hashlib.blake2s(f"{follow.kind}\n{follow.value}".encode(), digest_size=4).hexdigest()


def remaining_follows(subscription: Subscription, keys: Collection[str]) -> tuple[Follow, ...]:
    """The subscription's follows without those `keys` name (what a remove button saves); a key no
    follow has any more (removed meanwhile) removes nothing."""
    return tuple(follow for follow in subscription.follows if follow_key(follow) not in keys)


def _weekdays(days: frozenset[int]) -> Text:
    if days == frozenset(range(7)):
        return t("set.every_day")
    if days == frozenset(range(5)):
        return t("set.weekdays_only")
    return t("set.days_list", days=tuple(t(f"weekday_short.{day}") for day in sorted(days)))


def _status(subscription: Subscription) -> Text:
    if not subscription.active:
        return t("set.status_off")
    if subscription.paused_reason:
        return t("set.status_paused", reason=subscription.paused_reason)
    return t("set.status_on")
