"""Button presses, menu picks and form submissions, in explicit tables keyed by the custom_id's prefix.

Page buttons replace the ephemeral answer they sit on; "Share in channel" posts the same answer for
everyone, saying who shared it; 👍 👎 Save count the member's press in the channel, relabel the
card's buttons in place (the card itself stays) and tell the member alone what changed; /saved's ✕
and page buttons redraw the member's own list; the settings menus save one setting and redraw the
settings, and their ✎ button opens the form of typed settings, whose submission does the same. A
custom_id that names nothing we make (or whose remembered search expired) gets one ephemeral line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import hikari

from bot.errors import UsageError
from bot.feedback import BUTTON_KINDS, Pressed
from bot.i18n import Lang, t
from bot.models import Opinion, Subscription, canonical_arxiv_id
from bot.service import PaperService
from bot.views import remaining_follows
from handlers.discord_adapter.asks import PAGE_ACTION, SHARE_ACTION, Ask, answer, related_page
from handlers.discord_adapter.markup import Component
from handlers.discord_adapter.places import Place, check_manager
from handlers.discord_adapter.render import (
    FEEDBACK_ACTION,
    OPEN_ACTION,
    RELATED_ACTION,
    SAVED_ACTION,
    UNSAVE_ACTION,
    DiscordMessage,
    notice,
    saved_message,
    with_feedback,
)
from handlers.discord_adapter.replies import Reply, said
from handlers.discord_adapter.settings import (
    FORM_ACTION,
    NAMES,
    PAGES,
    PICK_PAGES,
    SET_ACTION,
    UNFOLLOW_ACTION,
    read_form,
    read_pick,
    settings_form,
    settings_message,
)
from handlers.discord_adapter.settings import PAGE_ACTION as SETTINGS_PAGE_ACTION

Press = Callable[[hikari.ComponentInteraction, str, Place], Awaitable[Reply]]
Submit = Callable[[hikari.ModalInteraction, Place], Awaitable[Reply]]


@dataclass(frozen=True)
class Action:
    """A handler, and whether it replaces the message pressed on (deferred as an update if slow)."""

    run: Press
    updates: bool


class DiscordActions:
    """The component handlers; `action(custom_id)` finds one by the part before the first colon."""

    def __init__(self, service: PaperService) -> None:
        self._service = service
        self.table: dict[str, Action] = {
            PAGE_ACTION: Action(self._page, updates=True),
            SHARE_ACTION: Action(self._share, updates=False),
            SET_ACTION: Action(self._set, updates=True),
            SETTINGS_PAGE_ACTION: Action(self._settings_page, updates=True),
            FORM_ACTION: Action(self._open_form, updates=False),
            UNFOLLOW_ACTION: Action(self._unfollow, updates=True),
            OPEN_ACTION: Action(self._open, updates=False),
            RELATED_ACTION: Action(self._related, updates=False),
            FEEDBACK_ACTION: Action(self._feedback, updates=True),
            SAVED_ACTION: Action(self._saved_page, updates=True),
            UNSAVE_ACTION: Action(self._unsave, updates=True),
        }
        self.forms: dict[str, Submit] = {FORM_ACTION: self._form_submitted}

    def action(self, custom_id: str) -> tuple[Action | None, str]:
        prefix, _, argument = custom_id.partition(":")
        return self.table.get(prefix), argument

    async def _page(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        message = await answer(self._service, Ask.decode(argument), place.lang, place.destination)
        return Reply(message, update=True)

    async def _share(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        ask = Ask.decode(argument)
        message = await answer(self._service, ask, place.lang, place.destination, shared_by=place.user_id)
        return Reply(message, ephemeral=False)

    async def _open(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        """The paper picked in a list's menu, as the member's own card (with 👍 👎 Save and Share)."""
        picked = list(press.values)
        if (
            argument not in ("0", "1", "2", "3", "4")
            or len(picked) != 1
            or canonical_arxiv_id(picked[0]) != picked[0]
        ):
            raise UsageError(t("discord.bad_button"))
        return Reply(await answer(self._service, Ask("paper", ref=picked[0]), place.lang, place.destination))

    async def _related(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        """🔗 Related on a card: the nearest papers, privately, as `/papers related` answers."""
        if canonical_arxiv_id(argument) != argument:
            raise UsageError(t("discord.bad_button"))
        return Reply(await related_page(self._service, place.lang, argument, place.destination))

    async def _feedback(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        """👍 and 👎 toggle (the other one replaces), Save toggles; the card's buttons show the counts."""
        kind, _, arxiv_id = argument.partition(":")
        if kind not in BUTTON_KINDS or canonical_arxiv_id(arxiv_id) != arxiv_id:
            raise UsageError(t("discord.bad_button"))
        pressed: Pressed
        if kind == "save":
            pressed = await self._service.save(place.destination, place.user_id, arxiv_id)
        else:
            opinion: Opinion = "like" if kind == "like" else "dislike"
            pressed = await self._service.react(place.destination, place.user_id, arxiv_id, opinion)
        told = notice(pressed.said, place.lang)
        shown = rows_of(press.message)
        if shown is None:  # a message of components we do not draw: the member is told all the same
            return Reply(told)
        relabelled = with_feedback(shown, arxiv_id, pressed.buttons, place.lang)
        return Reply(
            DiscordMessage(components=tuple(relabelled)), update=True, buttons_only=True, followup=told
        )

    async def _saved_page(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        page = await self._service.saved_page(place.destination, place.user_id, _offset(argument))
        return Reply(saved_message(page, place.lang), update=True)

    async def _unsave(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        where, _, arxiv_id = argument.partition(":")
        offset = _offset(where)
        if canonical_arxiv_id(arxiv_id) != arxiv_id:
            raise UsageError(t("discord.bad_button"))
        removed = await self._service.save(place.destination, place.user_id, arxiv_id, False)
        page = await self._service.saved_page(place.destination, place.user_id, offset)
        return Reply(saved_message(page, place.lang, removed.said), update=True)

    async def _set(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        name = argument.split(":", 1)[0]  # set:cadence:w is a second select of the cadence
        if name not in NAMES or not press.values:
            raise UsageError(t("discord.bad_button"))
        check_manager(place)
        changes = read_pick(name, list(press.values))
        subscription = await self._service.update_subscription(place.destination, place.user_id, **changes)
        return Reply(
            self._settings(subscription, subscription.language, PICK_PAGES.get(name, 0)), update=True
        )

    async def _unfollow(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        """Stop following the picked follows; one removed meanwhile (another pick, /unfollow) is
        already gone, and the page is redrawn with those left."""
        if argument or not press.values:
            raise UsageError(t("discord.bad_button"))
        check_manager(place)
        subscription = await self._subscription(place)
        follows = remaining_follows(subscription, set(press.values))
        if follows != subscription.follows:
            subscription = await self._service.update_subscription(
                place.destination, place.user_id, follows=follows
            )
        return Reply(self._settings(subscription, subscription.language, 3), update=True)

    async def _settings_page(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        if argument not in PAGES:
            raise UsageError(t("discord.bad_button"))
        subscription = await self._subscription(place)
        return Reply(self._settings(subscription, place.lang, int(argument)), update=True)

    async def _open_form(self, press: hikari.ComponentInteraction, argument: str, place: Place) -> Reply:
        check_manager(place)
        form = settings_form(await self._subscription(place), place.lang)
        return Reply(said(t("discord.press_again"), place.lang).message, modal=form)

    async def _form_submitted(self, form: hikari.ModalInteraction, place: Place) -> Reply:
        check_manager(place)
        values = {field.custom_id: field.value for row in form.components for field in row.components}
        changes = read_form(values)
        subscription = await self._service.update_subscription(place.destination, place.user_id, **changes)
        return Reply(self._settings(subscription, subscription.language), update=form.message is not None)

    def _settings(self, subscription: Subscription, lang: Lang, page: int = 0) -> DiscordMessage:
        """The settings message of `page`, with the subscription's feed link when feeds are public."""
        return settings_message(subscription, lang, page, self._service.feed_url(subscription))

    async def _subscription(self, place: Place) -> Subscription:
        subscription = await self._service.subscription(place.destination)
        if subscription is None:
            raise UsageError(t("sub.none"))
        return subscription


MAX_SAVED_OFFSET = 100_000


def _offset(value: str) -> int:
    """A /saved page's offset as its buttons carry it (ASCII digits); anything else is refused."""
    if not (value.isascii() and value.isdigit() and len(value) <= 6) or int(value) > MAX_SAVED_OFFSET:
        raise UsageError(t("discord.bad_button"))
    return int(value)


def rows_of(message: hikari.Message) -> list[Component] | None:
    """The message's action rows as we render them, when they hold only buttons (a card's do); None
    for anything else, which is then left as it is."""
    found: list[Component] = []
    for row in message.components:
        children: list[Component] = []
        for child in getattr(row, "components", ()):
            if not isinstance(child, hikari.ButtonComponent):
                return None
            button: Component = {"type": 2, "style": int(child.style), "label": child.label or ""}
            if child.url:
                button["url"] = child.url
            if child.custom_id:
                button["custom_id"] = child.custom_id
            children.append(button)
        found.append({"type": 1, "components": children})
    return found
