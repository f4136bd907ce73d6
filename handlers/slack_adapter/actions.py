"""Buttons and the settings modal's submission.

Page buttons replace the ephemeral answer they sit on; "Share in channel" posts the same answer
for everyone, saying who shared it; "Open" shows one paper's card. Link buttons only need an ack.
👍 👎 Save count the member's press in the channel: on a message everyone sees (a push, a shared
card) the buttons are relabelled in place (chat.update) and the member alone is told what changed;
on their own ephemeral card the card is redrawn with the counts and that line under it. /saved's
page and Remove buttons redraw the member's ephemeral list.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import PaperboyError, UsageError, for_users
from bot.feedback import BUTTON_KINDS, Pressed
from bot.i18n import Lang, t
from bot.models import canonical_arxiv_id
from bot.service import PaperService
from handlers.slack_adapter.asks import OPEN_ACTION, PAGE_ACTION, SHARE_ACTION, Ask, answer, related_page
from handlers.slack_adapter.markup import SlackMessage, section
from handlers.slack_adapter.places import Place, check_manager, destination_of, error_code, place_of
from handlers.slack_adapter.render import (
    FEEDBACK_ACTION,
    LINK_ACTION,
    RELATED_ACTION,
    SAVED_PAGE_ACTION,
    SAVED_REMOVE_ACTION,
    notice,
    saved_messages,
    with_feedback,
)
from handlers.slack_adapter.replies import guarded, reply, say
from handlers.slack_adapter.settings import CALLBACK_ID, FieldErrors, read_submission, settings_summary

log = logging.getLogger(__name__)
Payload = Mapping[str, Any]


def _place_ids(body: Payload) -> tuple[str, str]:
    """(channel, user) of an action; a click in App Home has no channel, so the user's DM stands in."""
    user = str(body["user"]["id"])
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or user
    return str(channel), user


class SlackActions:
    """Every button and view listener; `register` adds them to a Bolt AsyncApp."""

    def __init__(self, service: PaperService) -> None:
        self._service = service

    def register(self, app: AsyncApp) -> None:
        app.action(re.compile(f"^{LINK_ACTION}-"))(self.on_link)
        app.action(OPEN_ACTION)(self.on_open)
        app.action(re.compile(f"^{PAGE_ACTION}-"))(self.on_page)
        app.action(SHARE_ACTION)(self.on_share)
        app.action(re.compile(f"^{FEEDBACK_ACTION}-"))(self.on_feedback)
        app.action(RELATED_ACTION)(self.on_related)
        app.action(re.compile(f"^{SAVED_PAGE_ACTION}-"))(self.on_saved_page)
        app.action(SAVED_REMOVE_ACTION)(self.on_saved_remove)
        app.view(CALLBACK_ID)(self.on_settings_submitted)

    async def on_link(self, ack: AsyncAck) -> None:
        """The browser opens the URL; Slack still wants the click acknowledged."""
        await ack()

    async def _place(self, body: Payload) -> Place:
        return await place_of(self._service, *_place_ids(body))

    async def on_open(self, ack: AsyncAck, body: Payload, action: Payload, respond: AsyncRespond) -> None:
        await ack()
        place = await self._place(body)

        async def work() -> None:
            ask = Ask("paper", arxiv_id=str(action.get("value", "")))
            await reply(respond, await answer(self._service, ask, place.lang, place.destination))

        await guarded(respond, place.lang, work, "open button")

    async def on_page(self, ack: AsyncAck, body: Payload, action: Payload, respond: AsyncRespond) -> None:
        await ack()
        place = await self._place(body)

        async def work() -> None:
            ask = Ask.decode(str(action.get("value", "")))
            messages = await answer(self._service, ask, place.lang, place.destination)
            await reply(respond, messages, replace=True)

        await guarded(respond, place.lang, work, "page button")

    async def on_share(self, ack: AsyncAck, body: Payload, action: Payload, respond: AsyncRespond) -> None:
        await ack()
        place = await self._place(body)

        async def work() -> None:
            ask = Ask.decode(str(action.get("value", "")))
            messages = await answer(
                self._service, ask, place.lang, place.destination, shared_by=place.user_id
            )
            await reply(respond, messages, response_type="in_channel")

        await guarded(respond, place.lang, work, "share button")

    async def on_feedback(
        self, ack: AsyncAck, body: Payload, action: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        place = await self._place(body)

        async def work() -> None:
            pressed = await self._pressed(place, action)
            message = body.get("message")
            if isinstance(message, Mapping) and not (body.get("container") or {}).get("is_ephemeral"):
                await self._relabel(client, place, message, pressed)
                await say(respond, pressed.said, place.lang)
                return
            ask = Ask("paper", arxiv_id=pressed.arxiv_id)  # the member's own card: drawn again
            messages = await answer(self._service, ask, place.lang, place.destination, note=pressed.said)
            await reply(respond, messages, replace=True)

        await guarded(respond, place.lang, work, "feedback button")

    async def on_related(self, ack: AsyncAck, body: Payload, action: Payload, respond: AsyncRespond) -> None:
        """🔗 Related on a card: the nearest papers, privately, as `/papers related` answers."""
        await ack()
        place = await self._place(body)

        async def work() -> None:
            arxiv_id = str(action.get("value", ""))
            if canonical_arxiv_id(arxiv_id) != arxiv_id:
                raise UsageError(t("slack.bad_button"))
            await reply(respond, await related_page(self._service, place.lang, arxiv_id, place.destination))

        await guarded(respond, place.lang, work, "related button")

    async def _pressed(self, place: Place, action: Payload) -> Pressed:
        """👍 and 👎 toggle (the other one replaces), Save toggles; a button we never made is refused."""
        kind = str(action.get("action_id", "")).removeprefix(f"{FEEDBACK_ACTION}-")
        arxiv_id = str(action.get("value", ""))
        if kind not in BUTTON_KINDS or canonical_arxiv_id(arxiv_id) != arxiv_id:
            raise UsageError(t("slack.bad_button"))
        if kind == "save":
            return await self._service.save(place.destination, place.user_id, arxiv_id)
        return await self._service.react(
            place.destination, place.user_id, arxiv_id, "like" if kind == "like" else "dislike"
        )

    async def _relabel(
        self, client: AsyncWebClient, place: Place, message: Payload, pressed: Pressed
    ) -> None:
        """The counts on a message everyone sees; the press is stored whether or not Slack takes them."""
        blocks = with_feedback(message.get("blocks") or [], pressed.arxiv_id, pressed.buttons, place.lang)
        try:
            await client.chat_update(
                channel=place.channel_id, ts=str(message.get("ts", "")), text=str(message.get("text", "")),
                blocks=blocks,
            )  # fmt: skip
        except SlackApiError as err:
            log.warning("slack: could not show the counts of %s: %s", pressed.arxiv_id, error_code(err))

    async def on_saved_page(
        self, ack: AsyncAck, body: Payload, action: Payload, respond: AsyncRespond
    ) -> None:
        await ack()
        place = await self._place(body)

        async def work() -> None:
            offset = _offset(str(action.get("value", "")))
            page = await self._service.saved_page(place.destination, place.user_id, offset)
            await reply(respond, saved_messages(page, place.lang), replace=True)

        await guarded(respond, place.lang, work, "saved page button")

    async def on_saved_remove(
        self, ack: AsyncAck, body: Payload, action: Payload, respond: AsyncRespond
    ) -> None:
        await ack()
        place = await self._place(body)

        async def work() -> None:
            where, _, arxiv_id = str(action.get("value", "")).partition(":")
            offset = _offset(where)
            if canonical_arxiv_id(arxiv_id) != arxiv_id:
                raise UsageError(t("slack.bad_button"))
            removed = await self._service.save(place.destination, place.user_id, arxiv_id, False)
            page = await self._service.saved_page(place.destination, place.user_id, offset)
            await reply(respond, saved_messages(page, place.lang, removed.said), replace=True)

        await guarded(respond, place.lang, work, "saved remove button")

    async def on_settings_submitted(
        self, ack: AsyncAck, body: Payload, view: Payload, client: AsyncWebClient
    ) -> None:
        """Check every field (errors go back next to the fields), save, and tell the channel who did it."""
        channel, user = str(view.get("private_metadata", "")), str(body["user"]["id"])
        place = await place_of(self._service, channel, user)
        current = await self._service.subscription(destination_of(channel))
        try:
            changes = read_submission(view["state"]["values"], place.lang, current)  # MalformedRequest: 400
            await check_manager(client, place)
        except FieldErrors as err:
            await ack(response_action="errors", errors=err.errors)
            return
        except PaperboyError as err:
            await ack(response_action="errors", errors={"time": for_users(err).render(place.lang)})
            return
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as err:  # users.info, conversations.info
            log.warning("slack: could not check who saves the settings of %s: %s", channel, _why(err))
            await ack(response_action="errors", errors={"time": t("slack.try_again").render(place.lang)})
            return
        await ack()
        try:
            subscription = await self._service.update_subscription(destination_of(channel), user, **changes)
        except PaperboyError as err:
            await _tell(client, place, notice(for_users(err), place.lang))
            return
        lang: Lang = subscription.language
        said = notice(t("slack.changed", title=subscription.title or channel), lang, mention=user)
        summary = SlackMessage(said.text, (*said.blocks, section(settings_summary(subscription, lang))))
        try:
            await client.chat_postMessage(**summary.payload(channel))
        except SlackApiError as err:
            log.warning("could not announce a settings change in %s: %s", channel, err.response.get("error"))
            await _tell(client, place, summary)


MAX_SAVED_OFFSET = 100_000


def _offset(value: str) -> int:
    """A /saved page's offset as its buttons carry it (ASCII digits); anything else is refused."""
    if not (value.isascii() and value.isdigit() and len(value) <= 6) or int(value) > MAX_SAVED_OFFSET:
        raise UsageError(t("slack.bad_button"))
    return int(value)


def _why(err: Exception) -> str:
    if isinstance(err, SlackApiError):
        return f"{err.response.status_code} {error_code(err) or 'error'}"
    return type(err).__name__ + (f": {err}" if str(err) else "")


async def _tell(client: AsyncWebClient, place: Place, message: SlackMessage) -> None:
    """Say something to the one user, in the channel when possible (ephemeral), else by DM."""
    try:
        await client.chat_postEphemeral(user=place.user_id, **message.payload(place.channel_id))
    except SlackApiError:
        await client.chat_postMessage(**message.payload(place.user_id))
