"""Buttons and the settings modal's submission.

Page buttons replace the ephemeral answer they sit on; "Share in channel" posts the same answer
for everyone, saying who shared it; "Open" shows one paper's card. Link buttons only need an ack.
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

from bot.errors import PaperboyError, for_users
from bot.i18n import Lang, t
from bot.service import PaperService
from handlers.slack_adapter.asks import OPEN_ACTION, PAGE_ACTION, SHARE_ACTION, Ask, answer
from handlers.slack_adapter.markup import SlackMessage, section
from handlers.slack_adapter.places import Place, check_manager, destination_of, error_code, place_of
from handlers.slack_adapter.render import LINK_ACTION, notice
from handlers.slack_adapter.replies import guarded, reply
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
            await reply(respond, await answer(self._service, ask, place.lang))

        await guarded(respond, place.lang, work, "open button")

    async def on_page(self, ack: AsyncAck, body: Payload, action: Payload, respond: AsyncRespond) -> None:
        await ack()
        place = await self._place(body)

        async def work() -> None:
            ask = Ask.decode(str(action.get("value", "")))
            await reply(respond, await answer(self._service, ask, place.lang), replace=True)

        await guarded(respond, place.lang, work, "page button")

    async def on_share(self, ack: AsyncAck, body: Payload, action: Payload, respond: AsyncRespond) -> None:
        await ack()
        place = await self._place(body)

        async def work() -> None:
            ask = Ask.decode(str(action.get("value", "")))
            messages = await answer(self._service, ask, place.lang, shared_by=place.user_id)
            await reply(respond, messages, response_type="in_channel")

        await guarded(respond, place.lang, work, "share button")

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
