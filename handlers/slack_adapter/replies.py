"""Sending answers through a response_url, and the guard every listener runs under.

Bolt hands listeners a `respond` bound to the request's response_url (5 uses in 30 minutes);
answers are ephemeral unless they are shared on purpose. A PaperboyError becomes its sentence,
anything else is logged and apologised for: no listener lets an exception reach the user raw.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.errors import PaperboyError, for_users
from bot.i18n import Lang, Text, t
from handlers.slack_adapter.markup import SlackMessage
from handlers.slack_adapter.render import notice

log = logging.getLogger(__name__)

ResponseType = Literal["ephemeral", "in_channel"]


async def reply(
    respond: AsyncRespond,
    messages: Sequence[SlackMessage],
    *,
    response_type: ResponseType = "ephemeral",
    replace: bool = False,
) -> None:
    """Post each message; with `replace`, the first one takes the place of the message clicked."""
    for index, message in enumerate(messages):
        response = await respond(
            text=message.text,
            blocks=list(message.blocks),
            response_type=response_type,
            replace_original=replace and index == 0,
            unfurl_links=False,
            unfurl_media=False,
        )
        if response.status_code != 200:
            log.warning("response_url refused a message: %s %s", response.status_code, response.body)


async def say(respond: AsyncRespond, sentence: Text, lang: Lang, **options: Any) -> None:
    await reply(respond, [notice(sentence, lang)], **options)


async def guarded(respond: AsyncRespond, lang: Lang, work: Callable[[], Awaitable[None]], what: str) -> None:
    """Run `work`; its PaperboyError is said to the user, any other failure is logged and apologised for."""
    try:
        await work()
    except PaperboyError as err:
        await say(respond, for_users(err), lang)
    except Exception:
        log.exception("Slack %s failed", what)
        await say(respond, t("error.internal"), lang)
