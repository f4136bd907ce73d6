"""The subscription settings as select menus: one choice changes one setting, the message updates.

Each select's options carry the value `/settings NAME VALUE` takes (bot.commands.parse_setting), so
a pick is read, checked and saved exactly as the console's typed setting. A message holds five
rows, so the settings come on four pages: time, days, count and format; the languages; how often
(a weekly push's weekday, a monthly one's day in two selects of at most 25 days); the code filters,
the ranking and the follows to stop. What is typed rather than picked (time zone, keywords, vote
floor, any other stars floor) is a form (a modal) opened by a button.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any

from bot.commands import SETTINGS, parse_setting
from bot.i18n import LANGUAGES, Lang, language_name, t
from bot.models import Subscription
from bot.platforms import push_formats
from bot.views import month_day_text, settings_view, stars_text
from handlers.discord_adapter.markup import (
    MAX_MODAL_TITLE,
    Component,
    button,
    link_button,
    option,
    plain_cut,
    rows,
    select,
    text_input,
)
from handlers.discord_adapter.render import DiscordMessage, settings_lines, titled

SET_ACTION = "set"  # set:NAME, NAME a bot.commands SETTINGS name (set:cadence:w: a second select of it)
PAGE_ACTION = "setpage"  # setpage:0 .. setpage:3
UNFOLLOW_ACTION = "unfollow"  # the select of follows to stop; its values are bot.views follow keys
PAGES = ("0", "1", "2", "3")
STARS = (0, 10, 100, 1000)
# The page a pick redraws: the one its select is on.
PICK_PAGES = {"language": 1, "summaries": 1, "cadence": 2, "code": 3, "stars": 3, "ranking": 3}
FORM_ACTION = "setform"  # the button that opens the form, and the form's own custom_id
COUNTS = (1, 3, 5, 10, 15, 20, 30, 50)
SUMMARY_LANGUAGES = ("en", "ko", "ja", "zh", "de", "fr", "es", "pt-br", "vi", "id")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NAMES = frozenset(spec.name for spec in SETTINGS)


def settings_message(
    subscription: Subscription, lang: Lang, page: int = 0, feed_url: str | None = None
) -> DiscordMessage:
    """The settings (bot/views.py's reading) as an embed, and the menus of `page` under it; the
    subscription's Atom feed as a link button on the last page when the server publishes feeds."""
    view = settings_view(subscription, feed_url)
    pickers = (_schedule, _languages, _cadence)
    menus = (
        pickers[page](subscription, lang) if page < len(pickers) else _filters(subscription, lang, feed_url)
    )
    shown = titled(view.heading.render(lang), settings_lines(view, lang))
    return DiscordMessage(embeds=shown.embeds, components=menus)


def _say(key: str, lang: Lang) -> str:
    return t(key).render(lang)


def _schedule(subscription: Subscription, lang: Lang) -> tuple[Component, ...]:
    hours = sorted({time(hour) for hour in range(24)} | {subscription.send_time})[:25]
    times = [option(f"{h:%H:%M}", f"{h:%H:%M}", default=h == subscription.send_time) for h in hours]
    days = [option(t(f"weekday.{day}").render(lang), _WEEKDAYS[day], default=day in subscription.weekdays)
            for day in range(7)]  # fmt: skip
    counts = sorted({*COUNTS, subscription.top_n})
    numbers = [option(str(n), str(n), default=n == subscription.top_n) for n in counts]
    formats = [option(_say(f"set.format_{name}", lang), name, default=name == subscription.format)
               for name in push_formats(subscription.destination.platform)]  # fmt: skip
    more = button(_say("discord.more_settings", lang), f"{PAGE_ACTION}:1")
    often = button(_say("discord.cadence_page", lang), f"{PAGE_ACTION}:2")
    filters = button(_say("discord.filters_page", lang), f"{PAGE_ACTION}:3")
    form = button("✎ " + _say("discord.more_filters", lang), FORM_ACTION)
    return rows(
        [select(f"{SET_ACTION}:time", _say("discord.pick_time", lang), times)],
        [select(f"{SET_ACTION}:days", _say("discord.pick_days", lang), days, most=7)],
        [select(f"{SET_ACTION}:top", _say("discord.pick_count", lang), numbers)],
        [select(f"{SET_ACTION}:format", _say("discord.pick_format", lang), formats)],
        [more, often, filters, form],
    )


def _cadence(subscription: Subscription, lang: Lang) -> tuple[Component, ...]:
    """Daily / weekly / monthly, a weekday (picking one makes the push weekly), and the days of the
    month in two selects, 1-14 and 15-31 (picking one makes it monthly)."""
    weekly, monthly = subscription.cadence == "weekly", subscription.cadence == "monthly"
    kinds = [option(_say(f"set.cadence_name_{kind}", lang), kind, default=kind == subscription.cadence)
             for kind in ("daily", "weekly", "monthly")]  # fmt: skip
    weekdays = [option(t(f"weekday.{day}").render(lang), f"weekly {_WEEKDAYS[day]}",
                       default=weekly and day == subscription.week_day) for day in range(7)]  # fmt: skip

    def month_days(days: range) -> list[Component]:
        return [option(month_day_text(day).render(lang), f"monthly {day}",
                       default=monthly and day == subscription.month_day) for day in days]  # fmt: skip

    back = button(_say("discord.back", lang), f"{PAGE_ACTION}:0")
    return rows(
        [select(f"{SET_ACTION}:cadence", _say("set.cadence", lang), kinds)],
        [select(f"{SET_ACTION}:cadence:w", _say("set.pick_week_day", lang), weekdays)],
        [
            select(
                f"{SET_ACTION}:cadence:m1", _say("discord.pick_month_start", lang), month_days(range(1, 15))
            )
        ],
        [select(f"{SET_ACTION}:cadence:m2", _say("discord.pick_month_end", lang), month_days(range(15, 32)))],
        [back],
    )


def _filters(subscription: Subscription, lang: Lang, feed_url: str | None = None) -> tuple[Component, ...]:
    """Only papers with code, a stars floor (another is typed in the form), the ranking, and the
    follows to stop (a select of up to 20, several at once)."""
    code = [option(_say("set.code_any", lang), "off", default=not subscription.has_code),
            option(_say("set.code_only", lang), "on", default=subscription.has_code)]  # fmt: skip
    floors = sorted({*STARS, subscription.min_stars})
    stars = [option(stars_text(n).render(lang), str(n), default=n == subscription.min_stars) for n in floors]
    rankings = [option(_say(f"set.ranking_{name}", lang), name, default=name == subscription.ranking)
                for name in ("votes", "personal")]  # fmt: skip
    follows = [option(row.text.render(lang), row.key) for row in settings_view(subscription).follows]
    stop = (
        [select(UNFOLLOW_ACTION, _say("set.remove_follow", lang), follows, most=len(follows))]
        if follows
        else []
    )
    last = [button(_say("discord.back", lang), f"{PAGE_ACTION}:0"),
            button("✎ " + _say("discord.more_filters", lang), FORM_ACTION)]  # fmt: skip
    if feed_url:
        last.append(link_button(_say("set.feed", lang), feed_url))
    return rows(
        [select(f"{SET_ACTION}:code", _say("set.has_code", lang), code)],
        [select(f"{SET_ACTION}:stars", _say("set.min_stars", lang), stars)],
        [select(f"{SET_ACTION}:ranking", _say("set.ranking", lang), rankings)],
        stop,
        last,
    )


def _languages(subscription: Subscription, lang: Lang) -> tuple[Component, ...]:
    languages = [option(_say(f"set.language_{code}", lang), code, default=code == subscription.language)
                 for code in LANGUAGES]  # fmt: skip
    own = subscription.summary_language
    codes = list(SUMMARY_LANGUAGES) + ([own] if own and own not in SUMMARY_LANGUAGES else [])
    reads = [option(_say("discord.same_language", lang), "-", default=own is None)] + [
        option(f"{language_name(code).render(lang)} ({code})", code, default=code == own) for code in codes
    ]
    back = button(_say("discord.back", lang), f"{PAGE_ACTION}:0")
    return rows(
        [select(f"{SET_ACTION}:language", _say("discord.pick_language", lang), languages)],
        [select(f"{SET_ACTION}:summaries", _say("discord.pick_summaries", lang), reads)],
        [back],
    )


def read_pick(name: str, values: list[str]) -> dict[str, object]:
    """The subscription fields a pick changes, read as `/settings NAME VALUE` (a UsageError for a
    value no menu offers)."""
    _, changes = parse_setting(f"{name} {','.join(values)}")
    return changes


# The form's text inputs: a bot.commands SETTINGS name, its label, and the subscription's value.
FORM_FIELDS = ("zone", "include", "exclude", "min", "stars")  # five: a modal's most
KEYWORDS = ("include", "exclude")
_FORM_LABELS = {
    "zone": "discord.zone",
    "include": "set.include",
    "exclude": "set.exclude",
    "min": "set.min_votes",
    "stars": "set.min_stars",
}


def settings_form(subscription: Subscription, lang: Lang) -> dict[str, Any]:
    """The modal (interaction response type 9's data) with the typed settings, filled in."""
    values = {
        "zone": subscription.time_zone,
        "include": ", ".join(subscription.include),
        "exclude": ", ".join(subscription.exclude),
        "min": str(subscription.min_votes),
        "stars": str(subscription.min_stars),
    }
    hint = _say("discord.keywords_hint", lang)
    inputs = [
        text_input(name, _say(_FORM_LABELS[name], lang), values[name], hint=hint if name in KEYWORDS else "")
        for name in FORM_FIELDS
    ]
    return {
        "custom_id": FORM_ACTION,
        "title": plain_cut(_say("discord.form_title", lang), MAX_MODAL_TITLE),
        "components": [{"type": 1, "components": [field]} for field in inputs],
    }


def read_form(values: Mapping[str, str]) -> dict[str, object]:
    """The subscription fields the submitted form changes, each value read as `/settings NAME VALUE`
    (a UsageError naming the first bad one). An emptied keyword box clears it; an empty zone, vote
    or stars floor leaves it."""
    changes: dict[str, object] = {}
    for name in FORM_FIELDS:
        value = " ".join(values.get(name, "").split())
        if name in KEYWORDS:
            value = value or "-"
        if value:
            changes |= read_pick(name, [value])
    return changes
