"""The subscription settings as select menus: one choice changes one setting, the message updates.

Each select's options carry the value `/settings NAME VALUE` takes (bot.commands.parse_setting), so
a pick is read, checked and saved exactly as the console's typed setting. A message holds five
rows, so the settings come on two pages: time, days, count and format, then the languages; what is
typed rather than picked (time zone, keywords, vote floor) is a form (a modal) opened by a button.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any

from bot.commands import SETTINGS, parse_setting
from bot.i18n import LANGUAGES, Lang, language_name, t
from bot.models import Subscription
from bot.platforms import push_formats
from bot.views import settings_view
from handlers.discord_adapter.markup import (
    MAX_MODAL_TITLE,
    Component,
    button,
    option,
    plain_cut,
    rows,
    select,
    text_input,
)
from handlers.discord_adapter.render import DiscordMessage, settings_lines, titled

SET_ACTION = "set"  # set:NAME, NAME a bot.commands SETTINGS name
PAGE_ACTION = "setpage"  # setpage:0 / setpage:1
FORM_ACTION = "setform"  # the button that opens the form, and the form's own custom_id
COUNTS = (1, 3, 5, 10, 15, 20, 30, 50)
SUMMARY_LANGUAGES = ("en", "ko", "ja", "zh", "de", "fr", "es", "pt-br", "vi", "id")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NAMES = frozenset(spec.name for spec in SETTINGS)


def settings_message(subscription: Subscription, lang: Lang, page: int = 0) -> DiscordMessage:
    """The settings (bot/views.py's reading) as an embed, and the menus of `page` under it."""
    view = settings_view(subscription)
    menus = _languages(subscription, lang) if page else _schedule(subscription, lang)
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
    form = button("✎ " + _say("discord.more_filters", lang), FORM_ACTION)
    return rows(
        [select(f"{SET_ACTION}:time", _say("discord.pick_time", lang), times)],
        [select(f"{SET_ACTION}:days", _say("discord.pick_days", lang), days, most=7)],
        [select(f"{SET_ACTION}:top", _say("discord.pick_count", lang), numbers)],
        [select(f"{SET_ACTION}:format", _say("discord.pick_format", lang), formats)],
        [more, form],
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
FORM_FIELDS = ("zone", "include", "exclude", "min")
KEYWORDS = ("include", "exclude")
_FORM_LABELS = {
    "zone": "discord.zone",
    "include": "set.include",
    "exclude": "set.exclude",
    "min": "set.min_votes",
}


def settings_form(subscription: Subscription, lang: Lang) -> dict[str, Any]:
    """The modal (interaction response type 9's data) with the typed settings, filled in."""
    values = {
        "zone": subscription.time_zone,
        "include": ", ".join(subscription.include),
        "exclude": ", ".join(subscription.exclude),
        "min": str(subscription.min_votes),
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
    (a UsageError naming the first bad one). An emptied keyword box clears it; an empty zone or vote
    floor leaves it."""
    changes: dict[str, object] = {}
    for name in FORM_FIELDS:
        value = " ".join(values.get(name, "").split())
        if name in KEYWORDS:
            value = value or "-"
        if value:
            changes |= read_pick(name, [value])
    return changes
