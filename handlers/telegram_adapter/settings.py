"""The /settings editor: the subscription as text, and inline buttons that change one thing each.

Every button carries its whole meaning (`c:n:+` is "one step more papers"), plus the target chat
when the editor manages a channel from a private chat, so an editor survives restarts. Free text
(time zone, keywords) is asked for with a ForceReply prompt whose first symbol names the setting.

Channels take no ForceReply (nor any reply: whatever an admin types there is posted to every
subscriber), so an editor posted in a channel asks for nothing in the channel: 🌐 turns its buttons
into a choice of common time zones, and keywords (or any other zone) open the private chat with the
bot through a deep link, `/start settings_<channel id>`, where the same editor for that channel
takes typed answers. One tap either way, and the channel's subscribers see no back-and-forth.
"""

from __future__ import annotations

from datetime import time

from bot.commands import parse_keywords, parse_setting, parse_summary_language, resolve_zone
from bot.i18n import Lang, language_name, t
from bot.models import Subscription
from bot.views import cadence_setting, remaining_follows, settings_view, stars_text
from handlers.telegram_adapter.callbacks import COMMON_ZONES, Setting, encode
from handlers.telegram_adapter.markup import Html, bold, italic, join, text
from handlers.telegram_adapter.render import (
    Button,
    Keyboard,
    TelegramMessage,
    callback_button,
    text_message,
    url_button,
)

TOP_N_STEPS = (1, 3, 5, 10, 15, 20, 30, 50)
VOTE_STEPS = (0, 5, 10, 20, 30, 50, 100, 200)
# A prompt starts with its setting's symbol, so a reply to it says what it sets, even after a restart.
PROMPTS = {"tz": "🌐", "inc": "➕", "exc": "➖", "rd": "📝", "st": "⭐"}
STAR_STEPS = (0, 10, 100, 1000)  # the stars choices (`c:st:<n>`); any other number is typed
MONTH_DAYS = (*range(1, 29), 31)  # 31: the last day of every month (a shorter one's last)
SETTINGS_LINK_PREFIX = "settings_"  # `/start settings_<chat id>`: the editor of that channel


def private_link(bot_username: str, chat_id: int | str) -> str:
    """The deep link that opens the private chat with the bot on the editor of `chat_id`."""
    return f"https://t.me/{bot_username}?start={SETTINGS_LINK_PREFIX}{chat_id}"


def settings_text(
    subscription: Subscription, lang: Lang, in_channel: bool = False, feed_url: str | None = None
) -> Html:
    view = settings_view(subscription, feed_url)
    rows = [bold(row.label.render(lang)) + text(": " + row.value.render(lang)) for row in view.rows]
    body = bold(view.heading.render(lang)) + text("\n") + join(rows, "\n")
    return body + text("\n\n") + italic(t("set.channel_hint").render(lang)) if in_channel else body


def _button(label: str, name: str, argument: str = "", chat: str = "") -> Button:
    return callback_button(label, encode(Setting(name, argument, chat)))


def settings_keyboard(
    subscription: Subscription,
    lang: Lang,
    chat: str = "",
    private: str | None = None,
    feed_url: str | None = None,
) -> Keyboard:
    """Buttons for every setting; `chat` names the target when it is not the chat shown in.

    `private` is the deep link into the private chat, given when the editor is shown in a channel:
    the keyword buttons open it instead of asking in the channel. The weekday toggles are for a
    daily push only (a weekly or monthly one picks its day in the cadence menu).
    """

    def label(key: str, **values: object) -> str:
        return t(key, **values).render(lang)

    ask_keywords = (
        [url_button("✎ " + label("set.keywords_private"), private)]
        if private
        else [
            _button("➕ " + label("set.include"), "inc", "", chat),
            _button("➖ " + label("set.exclude"), "exc", "", chat),
        ]
    )

    reads = language_name(subscription.reads).render(lang)
    weekday_row = [
        _button(
            ("✓" if day in subscription.weekdays else "·") + label(f"weekday_short.{day}"),
            "wd",
            str(day),
            chat,
        )
        for day in range(7)
    ]
    return [
        [
            _button("−1h", "h", "-", chat),
            _button("+1h", "h", "+", chat),
            _button("−15m", "m", "-", chat),
            _button("+15m", "m", "+", chat),
            _button("🌐", "tz", "", chat),
        ],
        [_button("📅 " + cadence_setting(subscription).render(lang), "cad", "", chat)],
        *([weekday_row] if subscription.cadence == "daily" else []),
        [
            _button(label("btn.fewer"), "n", "-", chat),
            _button(label("btn.more"), "n", "+", chat),
            _button(label("btn.votes_down"), "v", "-", chat),
            _button(label("btn.votes_up"), "v", "+", chat),
        ],
        ask_keywords,
        [
            _button("✕ " + label("set.include"), "inc", "clear", chat),
            _button("✕ " + label("set.exclude"), "exc", "clear", chat),
        ],
        [
            _button(label("set.format") + ": " + label(f"set.format_{subscription.format}"), "fmt", "", chat),
            _button("EN/한국어", "lang", "", chat),
        ],
        [_button("📝 " + label("set.summary_language") + ": " + reads, "rd", "", chat)],
        [
            _button(label("btn.toggle", name=label("set.notify_empty")), "empty", "", chat),
            _button(label("btn.toggle", name=label("set.late_risers")), "late", "", chat),
        ],
        *choice_rows(subscription, lang, chat, feed_url),
        [_button(label("btn.done"), "done", "", chat)],
    ]


def choice_rows(subscription: Subscription, lang: Lang, chat: str, feed_url: str | None) -> Keyboard:
    """The editor's rows for the code filters, the ranking, the follows and the feed link."""

    def label(key: str, **values: object) -> str:
        return t(key, **values).render(lang)

    code = ("✓ " if subscription.has_code else "· ") + label("set.code_only")
    stars = "★ " + stars_text(subscription.min_stars).render(lang)
    ranking = label("set.ranking") + ": " + label(f"set.ranking_{subscription.ranking}")
    rows = [
        [_button(code, "code", "", chat), _button(stars, "st", "", chat)],
        [_button(ranking, "rank", "", chat)],
    ]
    if subscription.follows:
        following = f"{label('set.follows')} ({len(subscription.follows)}) ✖"
        rows.append([_button(following, "fl", "", chat)])
    if feed_url:
        rows.append([url_button("📰 " + label("set.feed"), feed_url)])
    return rows


def settings_message(
    subscription: Subscription,
    lang: Lang,
    chat: str = "",
    private: str | None = None,
    feed_url: str | None = None,
) -> TelegramMessage:
    """The editor; `private` (the deep link) when it is shown in a channel (see settings_keyboard)."""
    return text_message(
        settings_text(subscription, lang, in_channel=private is not None, feed_url=feed_url),
        settings_keyboard(subscription, lang, chat, private, feed_url),
    )


def _picker(
    subscription: Subscription, lang: Lang, rows: Keyboard, in_channel: bool, chat: str, question: str = ""
) -> TelegramMessage:
    """The editor's text (and the submenu's `question`, a catalog key) over a submenu's buttons,
    with the way back to the whole editor."""
    body = settings_text(subscription, lang, in_channel)
    if question:
        body = body + text("\n\n") + italic(t(question).render(lang))
    return text_message(body, [*rows, [_button("◀", "menu", "", chat)]])


def cadence_message(
    subscription: Subscription, lang: Lang, picking: str, chat: str = "", in_channel: bool = False
) -> TelegramMessage:
    """Daily / Weekly / Monthly, and under them the day picker of `picking` (weekly: the weekdays,
    monthly: days 1 to 28 and the last day); picking a day saves the cadence with it."""

    def mark(chosen: bool, label: str) -> str:
        return ("✓" if chosen else "") + label

    kinds = [
        _button(
            mark(subscription.cadence == kind, t(f"set.cadence_name_{kind}").render(lang)), "cad", kind, chat
        )
        for kind in ("daily", "weekly", "monthly")
    ]
    rows: Keyboard = [kinds]
    weekly, monthly = subscription.cadence == "weekly", subscription.cadence == "monthly"
    if picking == "weekly":
        rows.append([
            _button(mark(weekly and subscription.week_day == day, t(f"weekday_short.{day}").render(lang)),
                    "wk", str(day), chat)
            for day in range(7)
        ])  # fmt: skip
    elif picking == "monthly":
        days = [
            _button(mark(monthly and subscription.month_day == day, str(day)), "md", str(day), chat)
            for day in MONTH_DAYS[:-1]
        ]
        rows += [days[i : i + 7] for i in range(0, len(days), 7)]
        last = mark(monthly and subscription.month_day == MONTH_DAYS[-1], t("set.last_day").render(lang))
        rows.append([_button(last, "md", str(MONTH_DAYS[-1]), chat)])
    question = {"weekly": "set.pick_week_day", "monthly": "set.pick_month_day"}.get(picking, "")
    return _picker(subscription, lang, rows, in_channel, chat, question)


def stars_message(
    subscription: Subscription, lang: Lang, chat: str = "", private: str | None = None
) -> TelegramMessage:
    """The stars floors to choose from, and another number typed (in the private chat from a channel)."""
    steps = [
        _button(
            ("✓" if subscription.min_stars == step else "") + stars_text(step).render(lang),
            "st",
            str(step),
            chat,
        )
        for step in STAR_STEPS
    ]
    other = "✎ " + t("set.stars_other").render(lang)
    typed = url_button(other, private) if private else _button(other, "st", "ask", chat)
    return _picker(subscription, lang, [steps, [typed]], private is not None, chat)


def follows_message(
    subscription: Subscription, lang: Lang, chat: str = "", in_channel: bool = False
) -> TelegramMessage:
    """One ✖ button per follow; a press removes that one (the /follow command adds them)."""
    view = settings_view(subscription)
    rows = [[_button("✖ " + row.text.render(lang), "uf", row.key, chat)] for row in view.follows]
    return _picker(subscription, lang, rows, in_channel, chat)


def submenu(
    subscription: Subscription, press: Setting, lang: Lang, private: str | None, feed_url: str | None = None
) -> TelegramMessage | None:
    """The menu a press opens instead of changing something (None: it changes or asks for something)."""
    name, argument, chat, in_channel = press.name, press.argument, press.chat, private is not None
    if name == "menu":
        return settings_message(subscription, lang, chat, private, feed_url)
    if name == "tz" and private is not None and not argument:
        return zone_message(subscription, lang, private)
    if name == "cad" and argument != "daily":
        return cadence_message(subscription, lang, argument or subscription.cadence, chat, in_channel)
    if name == "st" and not argument:
        return stars_message(subscription, lang, chat, private)
    if name == "fl":
        return follows_message(subscription, lang, chat, in_channel)
    return None


def after_change(
    updated: Subscription, press: Setting, private: str | None, feed_url: str | None = None
) -> TelegramMessage:
    """What the message shows once a press saved: the follows again while some are left to remove,
    else the whole editor."""
    if press.name == "uf" and updated.follows:
        return follows_message(updated, updated.language, press.chat, private is not None)
    return settings_message(updated, updated.language, press.chat, private, feed_url)


def zone_message(subscription: Subscription, lang: Lang, private: str) -> TelegramMessage:
    """The editor of a channel with its buttons turned into a choice of common time zones, the
    private chat for any other, and a way back."""
    zones = [
        _button(("✓ " if zone == subscription.time_zone else "") + _city(zone), "tz", str(index))
        for index, zone in enumerate(COMMON_ZONES)
    ]
    rows = [zones[i : i + 3] for i in range(0, len(zones), 3)]
    rows.append([url_button("✎ " + t("set.zone_private").render(lang), private), _button("◀", "menu")])
    return text_message(settings_text(subscription, lang, in_channel=True), rows)


def _city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def _step(steps: tuple[int, ...], current: int, direction: str) -> int:
    if direction == "+":
        return next((step for step in steps if step > current), steps[-1])
    return next((step for step in reversed(steps) if step < current), steps[0])


def _shift(at: time, minutes: int) -> time:
    total = (at.hour * 60 + at.minute + minutes) % (24 * 60)
    return time(total // 60, total % 60)


def changes_for(subscription: Subscription, press: Setting) -> dict[str, object] | None:
    """The settings a button press changes, or None when the press is not a direct change."""
    name, argument = press.name, press.argument
    sign = 1 if argument == "+" else -1
    if name == "h":
        return {"send_time": _shift(subscription.send_time, 60 * sign)}
    if name == "m":
        return {"send_time": _shift(subscription.send_time, 15 * sign)}
    if name == "wd" and argument.isdigit():
        toggled = subscription.weekdays ^ {int(argument)}
        return {"weekdays": toggled or subscription.weekdays}
    if name == "n":
        return {"top_n": _step(TOP_N_STEPS, subscription.top_n, argument)}
    if name == "v":
        return {"min_votes": _step(VOTE_STEPS, subscription.min_votes, argument)}
    if name == "tz" and argument.isdigit() and int(argument) < len(COMMON_ZONES):
        return {"time_zone": COMMON_ZONES[int(argument)]}
    if name in ("inc", "exc") and argument == "clear":
        return {"include" if name == "inc" else "exclude": ()}
    if name == "cad" and argument == "daily":
        return {"cadence": "daily"}
    if name == "wk" and argument.isdigit():
        return {"cadence": "weekly", "week_day": int(argument)}
    if name == "md" and argument.isdigit():
        return {"cadence": "monthly", "month_day": int(argument)}
    if name == "st" and argument.isdigit():
        return {"min_stars": int(argument)}
    if name == "uf" and argument:
        return {"follows": remaining_follows(subscription, {argument})}
    toggles: dict[str, dict[str, object]] = {
        "fmt": {"format": "cards" if subscription.format == "compact" else "compact"},
        "lang": {"language": "ko" if subscription.language == "en" else "en"},
        "empty": {"notify_empty": not subscription.notify_empty},
        "late": {"late_risers": not subscription.late_risers},
        "code": {"has_code": not subscription.has_code},
        "rank": {"ranking": "personal" if subscription.ranking == "votes" else "votes"},
    }
    return toggles.get(name)


def removed_follow(subscription: Subscription, press: Setting) -> str | None:
    """The follow a ✖ press removes, as its settings list it (None: no follow has that key now)."""
    return next(
        (view.text.render(subscription.language) for view in settings_view(subscription).follows
         if view.key == press.argument),
        None,
    )  # fmt: skip


def prompt_message(name: str, lang: Lang, chat: str = "") -> TelegramMessage:
    """A ForceReply question for a free-text setting; the reply is read by `read_prompt`."""
    question = t(f"prompt.{name}").render(lang)
    target = f" #{chat}" if chat else ""
    message = text_message(text(f"{PROMPTS[name]} {question}{target}"))
    params = {k: v for k, v in message.params.items() if k != "reply_markup"}
    return TelegramMessage("sendMessage", params | {"reply_markup": {"force_reply": True, "selective": True}})


def read_prompt(prompt_text: str) -> tuple[str, str] | None:
    """(setting, target chat or "") for the text of one of our prompts; None for other messages."""
    for name, symbol in PROMPTS.items():
        if prompt_text.startswith(symbol + " "):
            target = prompt_text.rsplit(" #", 1)[1] if " #" in prompt_text else ""
            return name, target.strip() if target.strip().lstrip("-").isdigit() else ""
    return None


def prompt_changes(name: str, answer: str) -> dict[str, object]:
    """The settings a prompt's answer sets: keywords are comma-separated, `-` clears them (and the
    summaries' own language, which then follows the interface language again)."""
    if name == "tz":
        return {"time_zone": resolve_zone(answer.strip())}
    if name == "rd":
        return {"summary_language": parse_summary_language(answer)}
    if name == "st":
        return parse_setting(f"stars {answer.strip()}")[1]
    return {"include" if name == "inc" else "exclude": parse_keywords(answer)}
