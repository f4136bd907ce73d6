"""Slash commands: `/papers <subcommand>` and the stand-alone `/top` and `/search`.

Discord hands over typed options; they are joined back into the words bot.commands parses, so a
bad argument gets the same usage line as on every other platform, written as a Discord user types
it (`/papers top`). Handlers sit in one explicit table, name to method.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import hikari
from hikari.api import RESTClient, SlashCommandBuilder

from bot.commands import (
    DEFAULT_TOP,
    parse_follow,
    parse_required,
    parse_subscribe,
    parse_top,
    parse_trending,
    spelled,
    usage,
)
from bot.errors import UsageError
from bot.i18n import Text, t
from bot.models import MAX_TOP_N
from bot.service import PaperService
from bot.trending import trending_view
from bot.views import (
    days_view,
    followed_text,
    follows_text,
    help_view,
    preview_view,
    subscribed_text,
    unfollowed_text,
)
from handlers.discord_adapter.asks import Ask, answer, related_page, search_ask, top_ask
from handlers.discord_adapter.places import Place, check_manager
from handlers.discord_adapter.render import (
    days_message,
    help_message,
    list_message,
    notice,
    preview_message,
    saved_message,
)
from handlers.discord_adapter.replies import Reply, said
from handlers.discord_adapter.settings import settings_message

COMMAND = "papers"
SINGLES = ("top", "search")  # also slash commands of their own


@dataclass(frozen=True)
class Option:
    name: str
    kind: hikari.OptionType
    description: str
    required: bool = False


OPTIONS: Mapping[str, tuple[Option, ...]] = {
    "top": (
        Option("n", hikari.OptionType.INTEGER, f"How many papers (1-{MAX_TOP_N}, default {DEFAULT_TOP})"),
        Option("day", hikari.OptionType.STRING, "The day, YYYY-MM-DD (default: the latest list)"),
    ),
    "search": (Option("words", hikari.OptionType.STRING, "Words to find", required=True),),
    "paper": (Option("paper", hikari.OptionType.STRING, "arXiv id or link", required=True),),
    "trending": (
        Option("n", hikari.OptionType.INTEGER, f"How many papers (1-{MAX_TOP_N}, default {DEFAULT_TOP})"),
    ),
    "related": (Option("paper", hikari.OptionType.STRING, "arXiv id or link", required=True),),
    "subscribe": (
        Option("time", hikari.OptionType.STRING, "HH:MM (default 09:00)"),
        Option("zone", hikari.OptionType.STRING, "Area/City time zone (default Asia/Seoul)"),
    ),
    # -- follows (issue 14)
    "follow": (
        Option("kind", hikari.OptionType.STRING, "author, org or search", required=True),
        Option(
            "name",
            hikari.OptionType.STRING,
            "The author's or organization's name, or the words",
            required=True,
        ),
    ),
    "unfollow": (
        Option("kind", hikari.OptionType.STRING, "author, org or search (none: list what is followed)"),
        Option("name", hikari.OptionType.STRING, "The name or words followed"),
    ),
}
SUBCOMMANDS = ("help", "today", "top", "search", "paper", "related", "days", "trending", "saved",
               "subscribe", "unsubscribe", "settings", "preview", "follow", "unfollow")  # fmt: skip


@dataclass(frozen=True)
class Call:
    """One command, as the handlers need it: the options as words, and where it was typed."""

    arguments: str
    place: Place


Handler = Callable[[Call], Awaitable[Reply]]


def command_builders(rest: RESTClient) -> list[SlashCommandBuilder]:
    """`/papers` with its subcommands, then `/top` and `/search` alone, for a bulk overwrite."""
    papers = rest.slash_command_builder(COMMAND, "Hugging Face Daily Papers")
    for name in SUBCOMMANDS:
        papers.add_option(
            hikari.CommandOption(
                type=hikari.OptionType.SUB_COMMAND,
                name=name,
                description=_description(name),
                options=[_option(option) for option in OPTIONS.get(name, ())],
            )
        )
    builders = [papers]
    for name in SINGLES:
        single = rest.slash_command_builder(name, _description(name))
        for option in OPTIONS[name]:
            single.add_option(_option(option))
        builders.append(single)
    return builders


def _description(name: str) -> str:
    return t(f"cmd.{name}").render("en")[:100]


def _option(option: Option) -> hikari.CommandOption:
    """A typed option; the count is bounded where Discord's client can check it before sending."""
    counted = option.kind == hikari.OptionType.INTEGER
    return hikari.CommandOption(
        type=option.kind,
        name=option.name,
        description=option.description,
        is_required=option.required,
        min_value=1 if counted else None,
        max_value=MAX_TOP_N if counted else None,
    )


def invoked(interaction: hikari.CommandInteraction) -> tuple[str, str]:
    """(subcommand, its options as words): `/papers top n:5` and `/top n:5` are both ("top", "5")."""
    options = list(interaction.options)
    name = interaction.command_name
    if name == COMMAND:
        if not options:
            return "help", ""
        name, options = options[0].name, list(options[0].options or ())
    declared = [option.name for option in OPTIONS.get(name, ())]
    values = {option.name: str(option.value) for option in options if option.value is not None}
    return name, " ".join(values[key].strip() for key in declared if key in values)


class DiscordCommands:
    """The slash commands' handlers, one table from subcommand to method."""

    def __init__(self, service: PaperService) -> None:
        self._service = service
        self.handlers: dict[str, Handler] = {
            "help": self._help,
            "today": self._today,
            "top": self._top,
            "search": self._search,
            "paper": self._paper,
            "related": self._related,
            "days": self._days,
            "trending": self._trending,
            "saved": self._saved,
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "settings": self._settings,
            "preview": self._preview,
            # -- follows (issue 14)
            "follow": self._follow,
            "unfollow": self._unfollow,
        }

    async def run(self, name: str, call: Call) -> Reply:
        handler = self.handlers.get(name)
        if handler is None:
            return said(t("error.unknown_command", name=name, usage=usage("help")), call.place.lang)
        try:
            return await handler(call)
        except UsageError as err:
            raise UsageError(discord_text(err.text)) from err

    # -- reading -------------------------------------------------------------------------------

    async def _help(self, call: Call) -> Reply:
        view = help_view(SUBCOMMANDS, lambda spec: as_subcommand(spec.call))
        return Reply(help_message(view, call.place.lang, [f"/{name}" for name in SINGLES]))

    async def _today(self, call: Call) -> Reply:
        _no_arguments(call, "today")
        return Reply(
            await answer(self._service, top_ask(None, DEFAULT_TOP), call.place.lang, call.place.destination)
        )

    async def _top(self, call: Call) -> Reply:
        args = parse_top(call.arguments)
        return Reply(
            await answer(self._service, top_ask(args.day, args.n), call.place.lang, call.place.destination)
        )

    async def _search(self, call: Call) -> Reply:
        query = parse_required("search", call.arguments)
        return Reply(
            await answer(
                self._service, await search_ask(self._service, query), call.place.lang, call.place.destination
            )
        )

    async def _paper(self, call: Call) -> Reply:
        paper = await self._service.paper(parse_required("paper", call.arguments))
        return Reply(
            await answer(
                self._service, Ask("paper", ref=paper.arxiv_id), call.place.lang, call.place.destination
            )
        )

    async def _saved(self, call: Call) -> Reply:
        """The member's saved papers in this channel, newest first, privately."""
        _no_arguments(call, "saved")
        page = await self._service.saved_page(call.place.destination, call.place.user_id)
        return Reply(saved_message(page, call.place.lang))

    async def _related(self, call: Call) -> Reply:
        ref = parse_required("related", call.arguments)
        return Reply(await related_page(self._service, call.place.lang, ref, call.place.destination))

    async def _days(self, call: Call) -> Reply:
        _no_arguments(call, "days")
        return Reply(days_message(days_view(await self._service.days()), call.place.lang))

    async def _trending(self, call: Call) -> Reply:
        result = await self._service.trending(parse_trending(call.arguments))
        return Reply(list_message(trending_view(result, call.place.lang), call.place.lang))

    async def _preview(self, call: Call) -> Reply:
        _no_arguments(call, "preview")
        preview = await self._service.preview(call.place.destination)
        return Reply(preview_message(preview_view(preview), call.place.lang))

    # -- the daily push ---------------------------------------------------------------------------

    async def _subscribe(self, call: Call) -> Reply:
        wanted = parse_subscribe(call.arguments)
        if wanted.channel is not None:
            raise UsageError(t("discord.here_only", usage=usage("subscribe")))
        place = call.place
        check_manager(place)
        subscription, new = await self._service.subscribe(
            place.destination, chat_type=place.kind, title=place.title, by=place.user_id,
            language=place.lang, send_time=wanted.send_time, time_zone=wanted.time_zone,
        )  # fmt: skip
        return _announce(place, subscribed_text(subscription, place.title, new=new))

    async def _unsubscribe(self, call: Call) -> Reply:
        _no_arguments(call, "unsubscribe")
        check_manager(call.place)
        if not await self._service.unsubscribe(call.place.destination, call.place.user_id):
            return said(t("sub.none"), call.place.lang)
        return _announce(call.place, t("sub.stopped", title=call.place.title))

    async def _settings(self, call: Call) -> Reply:
        _no_arguments(call, "settings")
        subscription = await self._service.subscription(call.place.destination)
        if subscription is None:
            raise UsageError(t("sub.none"))
        check_manager(call.place)
        return Reply(
            settings_message(subscription, call.place.lang, feed_url=self._service.feed_url(subscription))
        )

    # -- follows (issue 14): changed by members who may change the subscription ----------------

    async def _follow(self, call: Call) -> Reply:
        kind, value = parse_follow("follow", call.arguments)
        check_manager(call.place)
        change = await self._service.follow(call.place.destination, call.place.user_id, kind, value)
        return _told(call.place, followed_text(change), announce=change.changed)

    async def _unfollow(self, call: Call) -> Reply:
        if not call.arguments:
            return _told(call.place, follows_text(await self._service.follows(call.place.destination)))
        kind, value = parse_follow("unfollow", call.arguments)
        check_manager(call.place)
        change = await self._service.unfollow(call.place.destination, call.place.user_id, kind, value)
        return _told(call.place, unfollowed_text(change), announce=change.changed)


def _told(place: Place, sentence: Text, *, announce: bool = False) -> Reply:
    """A change for the whole channel, anything else to the one who asked; usage lines as typed here."""
    sentence = discord_text(sentence)
    return _announce(place, sentence) if announce else said(sentence, place.lang)


def discord_text(text: Text) -> Text:
    """The sentence with every usage line written as a Discord subcommand (`/papers top ...`)."""
    return spelled(text, as_subcommand)


def as_subcommand(call: str) -> str:
    """`/top 5` as Discord users type it: `/papers top 5`."""
    return f"/{COMMAND} {call.removeprefix('/')}"


def _no_arguments(call: Call, name: str) -> None:
    if call.arguments:
        raise UsageError(t("usage.not_understood", word=call.arguments, usage=usage(name)))


def _announce(place: Place, sentence: Text) -> Reply:
    """Tell the whole channel who changed its push (privately in a DM: there is no one else)."""
    return Reply(notice(sentence, place.lang, mention=place.user_id), ephemeral=place.kind == "dm")
