"""The App Home tab: the latest day's top papers and the channels the user subscribed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Lang, t
from bot.service import PaperService, top_view
from handlers.slack_adapter.markup import DIVIDER, Block, context, escape, header, section
from handlers.slack_adapter.places import PLATFORM
from handlers.slack_adapter.render import digest_blocks
from handlers.slack_adapter.settings import subscription_line

HOME_TOP = 10


class SlackHome:
    """Publishes the Home tab each time a user opens it (it is cheap: one list, one query)."""

    def __init__(self, service: PaperService) -> None:
        self._service = service

    def register(self, app: AsyncApp) -> None:
        app.event("app_home_opened")(self.on_home_opened)

    async def on_home_opened(self, event: Mapping[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user = str(event["user"])
        await client.views_publish(user_id=user, view=await self.home_view(user))

    async def home_view(self, user: str, lang: Lang = "en") -> dict[str, Any]:
        top = top_view(await self._service.top(None, HOME_TOP), lang)
        blocks: list[Block] = [*digest_blocks(top, lang, item_accessory=True), DIVIDER]
        blocks.append(header(t("slack.home_subscriptions").render(lang)))
        mine = await self._service.subscriptions_managed_by(PLATFORM, user)
        if mine:
            blocks += [section(subscription_line(s, lang)) for s in mine[:40]]
        else:
            how = t("slack.home_none").render(lang)
            blocks.append(section(escape(how)))
        blocks.append(context([escape(t("help.credit").render(lang))]))
        return {"type": "home", "blocks": blocks}
