"""An interaction's answer: said at once in the HTTP response, or after a deferral through the
interaction token, and the guard every handler runs under.

Discord waits 3 seconds for the answer. A handler that is done within DEFER_AFTER seconds is
answered in the response itself (type 4, or 7 to replace the message a button is on); a slower one
is acknowledged through the callback endpoint (type 5, ephemeral, or 6 for an update) before the
deadline, and its answer then edits the original response (or follows up) with the token, which
serves for 15 minutes. A PaperboyError becomes its sentence; anything else is logged and apologised
for: no handler lets an exception reach the user raw.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import hikari
from hikari.api import RESTClient

from bot.errors import PaperboyError, for_users
from bot.i18n import Lang, Text, t
from handlers.discord_adapter.client import RawRow, message_arguments
from handlers.discord_adapter.render import EPHEMERAL, DiscordMessage, notice

log = logging.getLogger(__name__)
DEFER_AFTER = 2.0  # seconds: leaves a second of Discord's three for the deferral to arrive
MESSAGE = 4
DEFERRED_MESSAGE = 5
DEFERRED_UPDATE = 6
UPDATE = 7
MODAL = 9
DONE = "✓"  # the deferred (private) original when the answer itself goes to everyone


@dataclass(frozen=True)
class Reply:
    """What an interaction is answered with: a new message (ephemeral unless shared on purpose), the
    message a component is on, replaced (`update`; with `buttons_only`, only its buttons change, the
    card above them stays as it is), or a form (`modal`, which only a first answer can open: after a
    deferral `message` is said instead). `followup` is said privately after the answer (what a press
    on a message everyone sees did, told to the one who pressed)."""

    message: DiscordMessage
    ephemeral: bool = True
    update: bool = False
    modal: dict[str, Any] | None = None
    buttons_only: bool = False
    followup: DiscordMessage | None = None

    def response(self) -> dict[str, Any]:
        """The interaction response, for the HTTP answer."""
        if self.modal is not None:
            return {"type": MODAL, "data": self.modal}
        if self.update and self.buttons_only:
            return {"type": UPDATE, "data": {"components": list(self.message.components)}}
        if self.update:
            return {"type": UPDATE, "data": self.message.payload()}
        return {"type": MESSAGE, "data": self.message.payload(ephemeral=self.ephemeral)}


def said(sentence: Text, lang: Lang) -> Reply:
    return Reply(notice(sentence, lang))


async def guarded(work: Callable[[], Awaitable[Reply]], lang: Callable[[], Lang], what: str) -> Reply:
    """`work`'s reply; its PaperboyError said to the user, any other failure logged and apologised
    for, in the language `lang` gives once `work` stopped (the channel's, once it is known)."""
    try:
        return await work()
    except PaperboyError as err:
        return said(for_users(err), lang())
    except Exception:
        log.exception("Discord %s failed", what)
        return said(t("error.internal"), lang())


async def defer(rest: RESTClient, interaction: hikari.PartialInteraction, *, update: bool) -> None:
    """Acknowledge now, answer later: "thinking…" privately, or nothing visible for an update."""
    if update:
        await rest.create_interaction_response(interaction.id, interaction.token, DEFERRED_UPDATE)
    else:
        await rest.create_interaction_response(
            interaction.id, interaction.token, DEFERRED_MESSAGE, flags=EPHEMERAL
        )


async def answer_now(rest: RESTClient, interaction: hikari.PartialInteraction, reply: Reply) -> None:
    """Answer through the callback endpoint rather than the HTTP response, so that the reply's
    follow-up can come after it (Discord takes a follow-up only once the interaction is answered)."""
    response = reply.response()
    arguments: dict[str, Any] = {"components": [RawRow(row) for row in reply.message.components]}
    if not (reply.update and reply.buttons_only):
        arguments = message_arguments(rest, reply.message)
        if not reply.update and reply.ephemeral:
            arguments["flags"] = EPHEMERAL
    await rest.create_interaction_response(interaction.id, interaction.token, response["type"], **arguments)
    await _follow_up(rest, interaction, reply)


async def _follow_up(rest: RESTClient, interaction: hikari.PartialInteraction, reply: Reply) -> None:
    """The reply's private follow-up; the answer is in, so a refusal here is only logged."""
    if reply.followup is None:
        return
    arguments = message_arguments(rest, reply.followup)
    try:
        await rest.execute_webhook(
            interaction.application_id, interaction.token, **arguments, flags=EPHEMERAL
        )
    except (hikari.HTTPError, aiohttp.ClientError, TimeoutError) as err:
        log.warning("discord: a follow-up was refused: %s", err)


async def answer_deferred(
    rest: RESTClient, interaction: hikari.PartialInteraction, reply: Reply, *, update: bool
) -> None:
    """Send `reply` after a deferral of the kind `update` says, through the interaction token, then
    its follow-up."""
    await _deferred(rest, interaction, reply, update=update)
    await _follow_up(rest, interaction, reply)


async def _deferred(
    rest: RESTClient, interaction: hikari.PartialInteraction, reply: Reply, *, update: bool
) -> None:
    application, token = interaction.application_id, interaction.token
    if reply.update and reply.buttons_only and update:
        components = [RawRow(row) for row in reply.message.components]
        await rest.edit_interaction_response(application, token, components=components)
        return
    arguments = message_arguments(rest, reply.message)
    if reply.update == update and (update or reply.ephemeral):
        await rest.edit_interaction_response(application, token, **arguments)
        return
    if not update:  # the deferred original is private: a public answer follows it
        await rest.edit_interaction_response(application, token, DONE)
    flags = EPHEMERAL if reply.ephemeral and not reply.update else hikari.UNDEFINED
    await rest.execute_webhook(application, token, **arguments, flags=flags)
