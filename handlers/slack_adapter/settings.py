"""The settings modal: every setting of a channel's daily push in one form, checked on submit.

Slack shows field errors next to the field when the submission is answered with
`response_action: errors`, so a bad time zone is explained where it was typed, with a suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import time
from typing import Any

from bot.commands import MAX_STARS, parse_keywords, resolve_zone
from bot.errors import UsageError
from bot.i18n import LANGUAGES, Lang, t
from bot.models import MAX_TOP_N, Subscription, language_code
from bot.platforms import push_formats
from bot.views import month_day_text, remaining_follows, settings_view
from handlers.slack_adapter.markup import Block, cut, escape, plain_cut, section
from handlers.slack_adapter.places import PLATFORM, MalformedRequest

CALLBACK_ID = "settings"
VALUE = "value"  # every input's action_id: the block_id names the setting
OPTIONS = ("notify_empty", "late_risers")
WEEKDAYS = tuple(str(day) for day in range(7))
CADENCES = ("daily", "weekly", "monthly")
MONTH_DAYS = tuple(str(day) for day in range(1, 32))
RANKINGS = ("votes", "personal")
CODE = ("has_code",)
FOLLOW_KEY = re.compile(r"[0-9a-f]{8}", re.ASCII)  # bot.views.follow_key
# The inputs added for issues 14 and 15 (cadence_blocks, filter_blocks)
CHOICE_BLOCKS = frozenset(
    {"cadence", "week_day", "month_day", "has_code", "min_stars", "ranking", "unfollow"}
)
MAX_VALUE = 1200  # keeps the two keyword lists and the rest within one 3000-character section


class FieldErrors(Exception):
    """Submitted values Slack should show next to their fields."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def _plain(raw: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": plain_cut(raw, limit), "emoji": True}


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": _plain(label), "value": value}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False) -> Block:
    labelled = {"type": "input", "block_id": block_id, "label": _plain(label, 2000), "optional": optional}
    return labelled | {"element": {**element, "action_id": VALUE}}


def _text_input(initial: str, *, multiline: bool = False, placeholder: str = "") -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = _plain(placeholder, 150)
    return element


def _choices(kind: str, options: list[dict[str, Any]], chosen: list[dict[str, Any]]) -> dict[str, Any]:
    element: dict[str, Any] = {"type": kind, "options": options}
    if kind == "radio_buttons":
        element["initial_option"] = chosen[0]
    elif chosen:
        element["initial_options"] = chosen
    return element


def settings_modal(subscription: Subscription, lang: Lang, feed_url: str | None = None) -> dict[str, Any]:
    """The modal for `subscription` (its channel travels in private_metadata); `feed_url`, the
    subscription's own Atom feed, is shown under the inputs when the server publishes feeds."""

    def say(key: str, **values: object) -> str:
        return t(key, **values).render(lang)

    days = [_option(say(f"weekday.{day}"), str(day)) for day in range(7)]
    offered = push_formats(subscription.destination.platform)  # compact, cards and thread
    formats = [_option(say(f"set.format_{name}"), name) for name in offered]
    languages = [_option(say(f"set.language_{code}"), code) for code in ("en", "ko")]
    options = [_option(say(f"set.{name}"), name) for name in OPTIONS]
    chosen_days = [days[day] for day in sorted(subscription.weekdays)]
    chosen_format = [formats[offered.index(subscription.format) if subscription.format in offered else 0]]
    chosen_language = [languages[0 if subscription.language == "en" else 1]]
    chosen_options = [
        option for option, name in zip(options, OPTIONS, strict=True) if getattr(subscription, name)
    ]
    top_n = {"initial_value": str(subscription.top_n), "min_value": "1", "max_value": str(MAX_TOP_N)}
    min_votes = {"initial_value": str(subscription.min_votes), "min_value": "0"}
    number = {"type": "number_input", "is_decimal_allowed": False}
    clock = {"type": "timepicker", "initial_time": f"{subscription.send_time:%H:%M}"}
    blocks = [
        _input("time", say("set.time"), clock),
        _input("zone", say("slack.zone"), _text_input(subscription.time_zone)),
        _input("days", say("set.days"), _choices("checkboxes", days, chosen_days)),
        _input("top_n", say("set.top_n"), number | top_n),
        _input("min_votes", say("set.min_votes"), number | min_votes),
        _input("include", say("set.include"), _text_input(", ".join(subscription.include)), optional=True),
        _input("exclude", say("set.exclude"), _text_input(", ".join(subscription.exclude)), optional=True),
        _input("format", say("set.format"), _choices("radio_buttons", formats, chosen_format)),
        _input("language", say("set.language"), _choices("radio_buttons", languages, chosen_language)),
        _input(
            "summary_language",
            say("slack.summary_language"),
            _text_input(subscription.summary_language or "", placeholder=say("slack.summary_language_hint")),
            optional=True,
        ),
        _input(
            "options", say("slack.options"), _choices("checkboxes", options, chosen_options), optional=True
        ),
    ]
    blocks[3:3] = cadence_blocks(subscription, lang)
    blocks[6:6] = filter_blocks(subscription, lang)
    if feed_url:
        blocks.append(section(f"*{escape(say('set.feed'))}:* {escape(feed_url)}"))
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": subscription.destination.chat_id,
        "title": _plain(say("slack.modal_title"), 24),
        "submit": _plain(say("slack.save"), 24),
        "close": _plain(say("slack.cancel"), 24),
        "blocks": blocks,
    }


def cadence_blocks(subscription: Subscription, lang: Lang) -> list[Block]:
    """How often, and the day of a weekly and of a monthly push (each kept for when it is chosen)."""
    cadences = [_option(t(f"set.cadence_name_{kind}").render(lang), kind) for kind in CADENCES]
    days = [_option(t(f"weekday.{day}").render(lang), str(day)) for day in range(7)]
    month_days = [_option(month_day_text(int(day)).render(lang), day) for day in MONTH_DAYS]
    return [
        _input("cadence", t("set.cadence").render(lang),
               _choices("radio_buttons", cadences, [cadences[CADENCES.index(subscription.cadence)]])),
        _input("week_day", t("slack.week_day").render(lang),
               {"type": "static_select", "options": days, "initial_option": days[subscription.week_day]}),
        _input("month_day", t("slack.month_day").render(lang),
               {"type": "static_select", "options": month_days,
                "initial_option": month_days[subscription.month_day - 1]}),
    ]  # fmt: skip


def filter_blocks(subscription: Subscription, lang: Lang) -> list[Block]:
    """Only papers with code, the stars floor, the ranking, and the follows to stop (a multi-select:
    up to 20 follows, more than checkboxes hold)."""
    code = [_option(t("set.code_only").render(lang), CODE[0])]
    rankings = [_option(t(f"set.ranking_{name}").render(lang), name) for name in RANKINGS]
    stars = {"type": "number_input", "is_decimal_allowed": False, "min_value": "0",
             "max_value": str(MAX_STARS), "initial_value": str(subscription.min_stars)}  # fmt: skip
    blocks = [
        _input("has_code", t("set.has_code").render(lang),
               _choices("checkboxes", code, code if subscription.has_code else []), optional=True),
        _input("min_stars", t("slack.min_stars").render(lang), stars),
        _input("ranking", t("set.ranking").render(lang),
               _choices("radio_buttons", rankings, [rankings[RANKINGS.index(subscription.ranking)]])),
    ]  # fmt: skip
    follows = settings_view(subscription).follows
    if follows:
        options = [_option(row.text.render(lang), row.key) for row in follows]
        remove = {"type": "multi_static_select", "options": options,
                  "placeholder": _plain(t("slack.unfollow_hint").render(lang), 150)}  # fmt: skip
        blocks.append(_input("unfollow", t("set.remove_follow").render(lang), remove, optional=True))
    return blocks


def read_submission(
    values: Mapping[str, Any], lang: Lang, current: Subscription | None = None
) -> dict[str, object]:
    """The settings a submitted modal asks for; raises FieldErrors naming each bad field that a person
    can get wrong, and MalformedRequest for a value none of the modal's elements can submit (a
    weekday `x`, a format it does not offer, a list where text goes). The follows picked to stop
    are taken out of `current`'s (one added since the modal opened stays)."""

    def field(block_id: str) -> Mapping[str, Any]:
        block = values.get(block_id, {})
        state = block.get(VALUE, {}) if isinstance(block, Mapping) else None
        if not isinstance(state, Mapping):
            raise MalformedRequest(f"settings field {block_id!r} is no object")
        return state

    def text(block_id: str, key: str = "value") -> str:
        raw = field(block_id).get(key)
        if raw is not None and not isinstance(raw, str):
            raise MalformedRequest(f"settings field {block_id!r} is no text")
        return raw or ""

    def chosen(block_id: str, offered: Iterable[str]) -> list[str]:
        raw = field(block_id).get("selected_options") or []
        if not isinstance(raw, list) or not all(isinstance(o, Mapping) for o in raw):
            raise MalformedRequest(f"settings field {block_id!r} is no list of options")
        picked = [o.get("value") for o in raw]
        if not set(picked) <= set(offered):
            raise MalformedRequest(f"settings field {block_id!r} has an option the modal does not offer")
        return [str(value) for value in picked]

    def one(block_id: str, offered: tuple[str, ...]) -> str:
        raw = field(block_id).get("selected_option") or {"value": offered[0]}
        value = raw.get("value") if isinstance(raw, Mapping) else None
        if value not in offered:
            raise MalformedRequest(f"settings field {block_id!r} has an option the modal does not offer")
        return str(value)

    errors: dict[str, str] = {}
    changes: dict[str, object] = {}
    try:
        changes["send_time"] = time.fromisoformat(text("time", "selected_time"))
    except ValueError:
        errors["time"] = t("slack.bad_time").render(lang)
    try:
        changes["time_zone"] = resolve_zone(text("zone").strip() or "UTC")
    except UsageError as err:
        errors["zone"] = err.text.render(lang)
    weekdays = frozenset(int(day) for day in chosen("days", WEEKDAYS))
    if weekdays:
        changes["weekdays"] = weekdays
    else:
        errors["days"] = t("slack.no_days").render(lang)
    for name, low in (("top_n", 1), ("min_votes", 0), ("min_stars", 0)):
        if name not in values and name in CHOICE_BLOCKS:
            continue
        raw = text(name)
        high = {"top_n": MAX_TOP_N, "min_votes": 1_000_000, "min_stars": MAX_STARS}[name]
        if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
            changes[name] = int(raw)
        else:
            errors[name] = t("slack.bad_number", low=low, high=high).render(lang)
    for name in ("include", "exclude"):
        changes[name] = parse_keywords(text(name))
    changes["format"] = one("format", push_formats(PLATFORM))
    changes["language"] = one("language", LANGUAGES)
    reads = text("summary_language").strip()
    try:
        changes["summary_language"] = language_code(reads) if reads else None
    except ValueError:
        errors["summary_language"] = t("slack.bad_summary_language", code=reads[:20]).render(lang)
    picked = set(chosen("options", OPTIONS))
    changes |= {name: name in picked for name in OPTIONS}
    choices: dict[str, Callable[[], object]] = {
        "cadence": lambda: one("cadence", CADENCES),
        "week_day": lambda: int(one("week_day", WEEKDAYS)),
        "month_day": lambda: int(one("month_day", MONTH_DAYS)),
        "has_code": lambda: bool(chosen("has_code", CODE)),
        "ranking": lambda: one("ranking", RANKINGS),
    }
    # A modal opened before these inputs existed (by the version before an upgrade) leaves them as
    # they are; Slack submits every input a modal has, an empty optional one included.
    changes |= {name: read() for name, read in choices.items() if name in values}
    if "unfollow" in values:
        stop = field("unfollow").get("selected_options") or []
        keys = [option.get("value") if isinstance(option, Mapping) else None for option in stop]
        if not isinstance(stop, list) or not all(
            isinstance(key, str) and FOLLOW_KEY.fullmatch(key) for key in keys
        ):
            raise MalformedRequest("settings field 'unfollow' has an option the modal does not offer")
        if keys and current is not None:
            changes["follows"] = remaining_follows(current, {str(key) for key in keys})
    if errors:
        raise FieldErrors(errors)
    return changes


def settings_summary(subscription: Subscription, lang: Lang) -> str:
    """Every setting as a mrkdwn line `*Label:* value` (the channel announcement, App Home)."""
    return "\n".join(
        f"*{escape(row.label.render(lang))}:* {cut(row.value.render(lang), MAX_VALUE)}"
        for row in settings_view(subscription).rows
    )


def subscription_line(subscription: Subscription, lang: Lang) -> str:
    """`#channel  09:00 Asia/Seoul · Top N 10 · compact digest · subscribed` as mrkdwn."""
    chat = subscription.destination.chat_id
    where = f"<#{chat}>" if chat[:1] in ("C", "G") else escape(subscription.title or chat)
    view = settings_view(subscription)
    top_n = f"{t('set.top_n').render(lang)} {subscription.top_n}"
    parts = [view.value("set.time").render(lang), view.value("set.cadence").render(lang), top_n,
             view.value("set.format").render(lang), view.value("set.status").render(lang)]  # fmt: skip
    return f"{where}  {cut(' · '.join(parts), MAX_VALUE)}"
