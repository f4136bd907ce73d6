"""Slash commands: `/papers <subcommand>` and the stand-alone `/top` and `/search`.

Every command is acknowledged at once (Slack shows `operation_timeout` after 3 seconds) and
answered afterwards through `respond`. Arguments are parsed by bot.commands, so usage lines match
the other platforms, written the way a Slack user types them (`/papers top 5 2025-02-24`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

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
from bot.metrics import METRICS
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
from handlers.slack_adapter.asks import Ask, answer, related_page, top_ask
from handlers.slack_adapter.config import SlackSettings
from handlers.slack_adapter.places import Place, check_manager, place_of
from handlers.slack_adapter.render import (
    days_message,
    digest_messages,
    help_message,
    notice,
    preview_messages,
    saved_messages,
)
from handlers.slack_adapter.replies import guarded, reply, say
from handlers.slack_adapter.settings import settings_modal

Payload = Mapping[str, Any]


@dataclass(frozen=True)
class Request:
    """One slash command, as the subcommand handlers need it."""

    arguments: str
    place: Place
    trigger_id: str
    respond: AsyncRespond
    client: AsyncWebClient


class SlackCommands:
    """The slash commands; `register` adds them to a Bolt AsyncApp."""

    def __init__(self, service: PaperService, settings: SlackSettings) -> None:
        self._service = service
        self._command = settings.command
        pairs = ((settings.top_command, "top"), (settings.search_command, "search"))
        self._single = {name: subcommand for name, subcommand in pairs if name}

    def register(self, app: AsyncApp) -> None:
        app.command(self._command)(self.on_papers)
        for name in self._single:
            app.command(name)(self.on_single)

    async def on_papers(
        self, ack: AsyncAck, command: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        name, _, arguments = str(command.get("text", "")).strip().partition(" ")
        await self._run(name.lower() or "help", arguments.strip(), command, respond, client)

    async def on_single(
        self, ack: AsyncAck, command: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        subcommand = self._single[str(command["command"])]
        await self._run(subcommand, str(command.get("text", "")).strip(), command, respond, client)

    async def _run(
        self, name: str, arguments: str, command: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        place = await place_of(self._service, str(command["channel_id"]), str(command["user_id"]))
        handler = HANDLERS.get(name)
        if handler is None:
            await say(respond, self.slack_text(t("error.unknown_command", name=name, usage=usage("help"))),
                      place.lang)  # fmt: skip
            return
        request = Request(arguments, place, str(command.get("trigger_id", "")), respond, client)

        async def work() -> None:
            try:
                await handler(self, request)
            except UsageError as err:
                raise UsageError(self.slack_text(err.text)) from err

        with METRICS.timed_command("slack"):
            await guarded(respond, place.lang, work, f"{self._command} {name}")

    def slack_text(self, text: Text) -> Text:
        """The sentence with every usage line written as this workspace's slash command."""
        return spelled(text, self._as_slash)

    def _as_slash(self, call: str) -> str:
        return f"{self._command} {call.removeprefix('/')}"

    # -- reading -------------------------------------------------------------------------------

    async def on_help(self, request: Request) -> None:
        view = help_view(HANDLERS, lambda spec: self._as_slash(spec.call))
        await reply(request.respond, [help_message(view, request.place.lang, tuple(self._single))])

    async def _answer(self, ask: Ask, request: Request) -> None:
        place = request.place
        await reply(request.respond, await answer(self._service, ask, place.lang, place.destination))

    async def on_today(self, request: Request) -> None:
        _no_arguments(request, "today")
        await self._answer(top_ask(None, DEFAULT_TOP), request)

    async def on_top(self, request: Request) -> None:
        args = parse_top(request.arguments)
        await self._answer(top_ask(args.day, args.n), request)

    async def on_search(self, request: Request) -> None:
        await self._answer(Ask("search", query=parse_required("search", request.arguments)), request)

    async def on_paper(self, request: Request) -> None:
        paper = await self._service.paper(parse_required("paper", request.arguments))
        await self._answer(Ask("paper", arxiv_id=paper.arxiv_id), request)

    async def on_saved(self, request: Request) -> None:
        """The member's saved papers in this channel, newest first, privately."""
        _no_arguments(request, "saved")
        place = request.place
        page = await self._service.saved_page(place.destination, place.user_id)
        await reply(request.respond, saved_messages(page, place.lang))

    async def on_trending(self, request: Request) -> None:
        result = await self._service.trending(parse_trending(request.arguments))
        view = trending_view(result, request.place.lang)
        await reply(request.respond, digest_messages(view, request.place.lang, item_accessory=True))

    async def on_related(self, request: Request) -> None:
        ref = parse_required("related", request.arguments)
        place = request.place
        await reply(request.respond, await related_page(self._service, place.lang, ref, place.destination))

    async def on_days(self, request: Request) -> None:
        days = days_view(await self._service.days())
        await reply(request.respond, [days_message(days, request.place.lang)])

    # -- the daily push ---------------------------------------------------------------------------

    async def on_subscribe(self, request: Request) -> None:
        wanted = parse_subscribe(request.arguments)
        if wanted.channel is not None:
            raise UsageError(t("slack.here_only", usage=usage("subscribe")))
        place = request.place
        channel = await check_manager(request.client, place)
        subscription, new = await self._service.subscribe(
            place.destination, chat_type=channel.chat_type, title=channel.title, by=place.user_id,
            language=place.lang, send_time=wanted.send_time, time_zone=wanted.time_zone,
        )  # fmt: skip
        await _announce(request, subscribed_text(subscription, channel.title, new=new))

    async def on_unsubscribe(self, request: Request) -> None:
        _no_arguments(request, "unsubscribe")
        channel = await check_manager(request.client, request.place)
        if not await self._service.unsubscribe(request.place.destination, request.place.user_id):
            await say(request.respond, t("sub.none"), request.place.lang)
            return
        await _announce(request, t("sub.stopped", title=channel.title))

    async def on_settings(self, request: Request) -> None:
        _no_arguments(request, "settings")
        subscription = await self._service.subscription(request.place.destination)
        if subscription is None:
            raise UsageError(t("sub.none"))
        await check_manager(request.client, request.place)
        view = settings_modal(subscription, request.place.lang, self._service.feed_url(subscription))
        await request.client.views_open(trigger_id=request.trigger_id, view=view)

    async def on_preview(self, request: Request) -> None:
        _no_arguments(request, "preview")
        preview = preview_view(await self._service.preview(request.place.destination))
        await reply(request.respond, preview_messages(preview, request.place.lang))

    # -- follows (issue 14): changed by those who may change the subscription; the channel is told

    async def on_follow(self, request: Request) -> None:
        kind, value = parse_follow("follow", request.arguments)
        await check_manager(request.client, request.place)
        change = await self._service.follow(request.place.destination, request.place.user_id, kind, value)
        await self._told(request, followed_text(change), announce=change.changed)

    async def on_unfollow(self, request: Request) -> None:
        destination = request.place.destination
        if not request.arguments:
            await self._told(request, follows_text(await self._service.follows(destination)), announce=False)
            return
        kind, value = parse_follow("unfollow", request.arguments)
        await check_manager(request.client, request.place)
        change = await self._service.unfollow(destination, request.place.user_id, kind, value)
        await self._told(request, unfollowed_text(change), announce=change.changed)

    async def _told(self, request: Request, said: Text, *, announce: bool) -> None:
        """A change for the whole channel, anything else to the one who asked; usage lines as typed here."""
        said = self.slack_text(said)
        if announce:
            await _announce(request, said)
        else:
            await say(request.respond, said, request.place.lang)


# A subcommand's handler, a method of SlackCommands: (commands, request).
Handler = Callable[[SlackCommands, Request], Awaitable[None]]

# Every subcommand of `/papers` and its handler (/help lists them in the catalog's order).
HANDLERS: dict[str, Handler] = {
    "help": SlackCommands.on_help,
    "today": SlackCommands.on_today,
    "top": SlackCommands.on_top,
    "search": SlackCommands.on_search,
    "paper": SlackCommands.on_paper,
    "related": SlackCommands.on_related,
    "days": SlackCommands.on_days,
    "trending": SlackCommands.on_trending,
    "saved": SlackCommands.on_saved,
    "subscribe": SlackCommands.on_subscribe,
    "unsubscribe": SlackCommands.on_unsubscribe,
    "settings": SlackCommands.on_settings,
    "preview": SlackCommands.on_preview,
    # -- follows (issue 14)
    "follow": SlackCommands.on_follow,
    "unfollow": SlackCommands.on_unfollow,
}


def _no_arguments(request: Request, name: str) -> None:
    if request.arguments:
        raise UsageError(t("usage.not_understood", word=request.arguments, usage=usage(name)))


async def _announce(request: Request, said: Text) -> None:
    """Tell the whole channel who changed its push."""
    lang = request.place.lang
    await reply(
        request.respond, [notice(said, lang, mention=request.place.user_id)], response_type="in_channel"
    )
