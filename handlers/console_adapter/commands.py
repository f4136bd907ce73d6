"""The console's commands: a typed line in, the bot's answer out, as plain text. No token, no network.

The terminal loop that reads the lines is in app.py; this is what the other adapters' commands.py
is to theirs, and a quick way to see what the platforms will say.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date

from bot.cards import paper_card
from bot.commands import (
    DEFAULT_TOP,
    SETTINGS,
    CommandSpec,
    parse_follow,
    parse_paper_ref,
    parse_required,
    parse_setting,
    parse_subscribe,
    parse_top,
    parse_trending,
    split_command,
    usage,
)
from bot.errors import PaperboyError, UsageError
from bot.feedback import Pressed, feedback_buttons
from bot.i18n import Lang, t
from bot.models import Destination, Subscription
from bot.service import MAX_DAY_PAPERS, PaperService, TopResult, search_view, top_view
from bot.trending import trending_view
from bot.views import (
    days_view,
    followed_text,
    follows_text,
    help_view,
    preview_view,
    settings_view,
    unfollowed_text,
)
from handlers.console_adapter.asks import related_page
from handlers.console_adapter.render import (
    render_card,
    render_days,
    render_digest,
    render_help,
    render_preview,
    render_saved,
    render_settings,
)
from handlers.console_adapter.text import DEFAULT_WIDTH, clip, clipped, printable

log = logging.getLogger(__name__)

PAGE = DEFAULT_TOP
HOME = Destination(platform="console", chat_id="local")
USER = "console"  # the one member of the console chat (whose presses and saved papers these are)
LANGUAGE: Lang = "en"  # the console chat speaks English, and shows summaries in it


# What the console takes beyond the other platforms: `/today N`, and `/settings NAME VALUE` (they
# change settings with buttons and a form).
CONSOLE_ARGUMENTS = {"today": "[N]", "settings": "[NAME VALUE]"}


def _console_call(spec: CommandSpec) -> str:
    return f"/{spec.name} {CONSOLE_ARGUMENTS.get(spec.name, spec.arguments)}".rstrip()


def help_text() -> str:
    return render_help(help_view(HANDLERS, _console_call))


def settings_help() -> str:
    """How to change each setting: `/settings NAME VALUE`, one line per setting with an example."""
    calls = [f"  /settings {s.name} {s.arguments}" for s in SETTINGS]
    column = max(len(call) for call in calls) + 2
    examples = [f"/settings {s.example}" for s in SETTINGS]
    return "\n".join(
        [str(t("set.change"))] + [c.ljust(column) + e for c, e in zip(calls, examples, strict=True)]
    )


class ConsoleCommands:
    """Answers one line at a time; remembers the last list (a day's top, a search) so /more can page
    through it. `width` is the terminal's, in cells; replies hold no control character."""

    def __init__(self, service: PaperService, width: int = DEFAULT_WIDTH) -> None:
        self._service = service
        self._more: Callable[[], Awaitable[str]] | None = None
        self.width = width

    async def answer(self, line: str) -> str | None:
        """The reply to one line of input, or None for a blank line. Never raises."""
        reply = await self._answer(line)
        return None if reply is None else printable(reply)

    async def _answer(self, line: str) -> str | None:
        if not line.strip():
            return None
        command = split_command(line)
        if command is None:
            return str(t("error.not_a_command"))
        name, arguments = command
        try:
            return await self._dispatch(name, arguments)
        except PaperboyError as err:
            return clipped(err.text).render(LANGUAGE)
        except Exception:
            log.exception("command failed: %s", clip(line))
            return str(t("error.internal"))

    async def _dispatch(self, name: str, arguments: str) -> str:
        handler = HANDLERS.get(name)
        if handler is None:
            raise UsageError(t("error.unknown_command", name=name, usage=usage("help")))
        return await handler(self, arguments)

    async def on_help(self, arguments: str) -> str:
        return help_text()

    async def on_today(self, arguments: str) -> str:
        args = parse_top(arguments)
        if args.day is not None:  # /today is the latest list: a day is /top's
            today = t("usage.line", call="/today [N]", example="/today 5")
            raise UsageError(t("usage.not_understood", word=args.day, usage=today))
        return await self._top(args.n, None)

    async def on_top(self, arguments: str) -> str:
        args = parse_top(arguments)
        return await self._top(args.n, args.day)

    async def on_search(self, arguments: str) -> str:
        return await self._search(parse_required("search", arguments), 0)

    async def on_paper(self, arguments: str) -> str:
        paper = await self._service.paper(parse_required("paper", arguments))
        tally = await self._service.tally(HOME, paper.arxiv_id)
        return render_card(paper_card(paper, LANGUAGE), width=self.width, feedback=feedback_buttons(tally))

    # -- feedback: what the chat platforms' 👍 👎 Save buttons do, as commands ------------------------

    async def on_like(self, arguments: str) -> str:
        """👍, as the button: the same again takes it back, and it replaces a 👎."""
        return self._pressed(
            await self._service.react(HOME, USER, parse_paper_ref("like", arguments), "like")
        )

    async def on_dislike(self, arguments: str) -> str:
        ref = parse_paper_ref("dislike", arguments)
        return self._pressed(await self._service.react(HOME, USER, ref, "dislike"))

    async def on_save(self, arguments: str) -> str:
        """Saves (saving again changes nothing); /unsave removes."""
        return self._pressed(await self._service.save(HOME, USER, parse_paper_ref("save", arguments), True))

    async def on_unsave(self, arguments: str) -> str:
        return self._pressed(
            await self._service.save(HOME, USER, parse_paper_ref("unsave", arguments), False)
        )

    def _pressed(self, pressed: Pressed) -> str:
        """What changed, then the counts here as the buttons would show them."""
        buttons = " · ".join(button.label.render(LANGUAGE) for button in pressed.buttons)
        return f"{pressed.said.render(LANGUAGE)}\n{buttons}"

    async def on_saved(self, arguments: str) -> str:
        if arguments:
            raise UsageError(t("usage.not_understood", word=arguments, usage=usage("saved")))
        return await self._saved(0)

    async def _saved(self, offset: int) -> str:
        """A page of saved papers; /more then pages on through the rest."""
        page = await self._service.saved_page(HOME, USER, offset)
        following = page.following
        self._more = (lambda: self._saved(following)) if following is not None else None
        return render_saved(page, more_hint="/more", width=self.width)

    async def on_related(self, arguments: str) -> str:
        ref = parse_required("related", arguments)
        return await related_page(self._service, LANGUAGE, ref, width=self.width)

    async def on_days(self, arguments: str) -> str:
        return render_days(days_view(await self._service.days()))

    async def on_trending(self, arguments: str) -> str:
        result = await self._service.trending(parse_trending(arguments))
        return render_digest(trending_view(result, LANGUAGE), width=self.width)

    async def on_more(self, arguments: str) -> str:
        return await self._more() if self._more else str(t("more.nothing"))

    async def on_subscribe(self, arguments: str) -> str:
        wanted = parse_subscribe(arguments)
        subscription, _ = await self._service.subscribe(
            HOME, chat_type="console", title="console", by="console", language=LANGUAGE,
            send_time=wanted.send_time, time_zone=wanted.time_zone,
        )  # fmt: skip
        return self._settings(subscription)

    async def on_unsubscribe(self, arguments: str) -> str:
        stopped = await self._service.unsubscribe(HOME, "console")
        return str(t("sub.stopped" if stopped else "sub.none", title="console"))

    async def on_settings(self, arguments: str) -> str:
        current = await self._service.subscription(HOME)
        if not arguments:
            return f"{self._settings(current)}\n\n{settings_help()}" if current else str(t("sub.none"))
        spec, changes = parse_setting(arguments, current)
        try:
            updated = await self._service.update_subscription(HOME, "console", **changes)
        except UsageError as err:  # a value the subscription refuses: say it, then how to write one
            raise UsageError(t("usage.then", problem=err.text, usage=spec.usage())) from None
        return f"{t('btn.saved')}.\n{self._settings(updated)}"

    def _settings(self, subscription: Subscription) -> str:
        """The settings, with the subscription's feed link when the feeds have a public URL."""
        return render_settings(settings_view(subscription, self._service.feed_url(subscription)))

    async def on_preview(self, arguments: str) -> str:
        return render_preview(preview_view(await self._service.preview(HOME)), width=self.width)

    async def on_follow(self, arguments: str) -> str:
        kind, value = parse_follow("follow", arguments)
        return str(followed_text(await self._service.follow(HOME, "console", kind, value)))

    async def on_unfollow(self, arguments: str) -> str:
        if not arguments.strip():
            return str(follows_text(await self._service.follows(HOME)))
        kind, value = parse_follow("unfollow", arguments)
        return str(unfollowed_text(await self._service.unfollow(HOME, "console", kind, value)))

    async def _top(self, n: int, day: date | None) -> str:
        result = await self._service.top(day, n)
        return self._top_page(result, 0)

    async def _top_more(self, day: date, offset: int) -> str:
        result = await self._service.top(day, min(offset + PAGE, MAX_DAY_PAPERS), most=MAX_DAY_PAPERS)
        return self._top_page(result, offset)

    def _top_page(self, result: TopResult, offset: int) -> str:
        """Items offset+1.. of a day's list; /more then pages on through the rest of it."""
        view = top_view(result, LANGUAGE)
        page = replace(view, items=view.items[offset:], offset=offset, total=result.listed)
        shown = offset + len(page.items)
        day = result.day
        more = day is not None and page.items and shown < result.listed
        self._more = (lambda: self._top_more(day, shown)) if more and day is not None else None
        return render_digest(page, more_hint="/more", width=self.width)

    async def _search(self, query: str, offset: int) -> str:
        result = await self._service.search(query, limit=PAGE, offset=offset)
        view = search_view(result, LANGUAGE)
        shown = offset + len(view.items)
        self._more = (lambda: self._search(query, shown)) if shown < view.total else None
        return render_digest(view, more_hint="/more", width=self.width)


# A command's handler, a method of ConsoleCommands: (commands, arguments) -> the reply.
Handler = Callable[[ConsoleCommands, str], Awaitable[str]]

# Every command the console answers, and its handler.
HANDLERS: dict[str, Handler] = {
    "start": ConsoleCommands.on_help,
    "help": ConsoleCommands.on_help,
    "today": ConsoleCommands.on_today,
    "top": ConsoleCommands.on_top,
    "search": ConsoleCommands.on_search,
    "paper": ConsoleCommands.on_paper,
    "related": ConsoleCommands.on_related,
    "days": ConsoleCommands.on_days,
    "trending": ConsoleCommands.on_trending,
    "more": ConsoleCommands.on_more,
    "saved": ConsoleCommands.on_saved,
    "like": ConsoleCommands.on_like,
    "dislike": ConsoleCommands.on_dislike,
    "save": ConsoleCommands.on_save,
    "unsave": ConsoleCommands.on_unsave,
    "subscribe": ConsoleCommands.on_subscribe,
    "unsubscribe": ConsoleCommands.on_unsubscribe,
    "settings": ConsoleCommands.on_settings,
    "preview": ConsoleCommands.on_preview,
    # -- follows (issue 14)
    "follow": ConsoleCommands.on_follow,
    "unfollow": ConsoleCommands.on_unfollow,
}
