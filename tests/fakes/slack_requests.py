"""Slack's side of HTTP mode: signed slash commands, button presses, modal submissions and events.

End-to-end tests POST these to the app's real Bolt endpoint, so Bolt's signature check, body parsing
and listener matching run as in production. The builders return bodies shaped like the ones Slack
sends (form fields for commands, `payload=<JSON>` for interactions, a JSON envelope for events);
`sign` and `post_signed` add the `v0` HMAC signature Bolt verifies, and can forge it or date it back
to test that Bolt answers 401. `Workspace` ties them to a FakeSlack: response URLs and trigger ids
come from the fake, so what the app does after its ack lands in the fake's records.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.fakes.slack_api import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_USER_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    FakeSlack,
    SlackMessage,
    ViewRecord,
)

DEFAULT_SECRET = "paperboy-test-signing-secret"
DEFAULT_CHANNEL_ID = "C0DIGEST"
DEFAULT_CHANNEL_NAME = "digest"
DEFAULT_USER_NAME = "reader"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
VERIFICATION_TOKEN = "legacy-verification-token"
"""The deprecated `token` field Slack still puts in payloads; Bolt ignores it."""

_action_ts = itertools.count(1_700_000_100_000_000, 1000)


def _now_ts() -> str:
    micros = next(_action_ts)
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


# --- signing -------------------------------------------------------------------------------------


def _content_type(body: str) -> str:
    """Events arrive as JSON, commands and interactions form-encoded; the body tells which."""
    return JSON if body.lstrip().startswith("{") else FORM


def sign(secret: str, timestamp: int | str, body: str, *, content_type: str | None = None) -> dict[str, str]:
    """The headers Slack sends with `body`: `v0=` HMAC-SHA256 of "v0:{timestamp}:{body}" and the rest."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Signature": f"v0={digest}",
        "X-Slack-Request-Timestamp": str(timestamp),
        "Content-Type": content_type or _content_type(body),
    }


async def post_signed(
    url: str,
    body: str,
    secret: str = DEFAULT_SECRET,
    *,
    timestamp: int | None = None,
    content_type: str | None = None,
    forge: bool = False,
) -> tuple[int, str]:
    """POST `body` signed as Slack would to a Bolt endpoint; returns (HTTP status, response text).

    `timestamp` dates the request (Bolt refuses those over 5 minutes old); `forge` signs it with
    another secret. The content type follows the body unless given.
    """
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = sign(f"{secret}-forged" if forge else secret, stamp, body, content_type=content_type)
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        return response.status, await response.text()


# --- payloads ------------------------------------------------------------------------------------


def _user(user_id: str, user_name: str, team_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id}


def _interaction(payload: dict[str, Any]) -> str:
    """An interaction body: one form field `payload` holding the JSON."""
    return urlencode({"payload": json.dumps(payload)})


def slash_command(
    command: str,
    text: str = "",
    *,
    response_url: str,
    trigger_id: str,
    user_id: str = DEFAULT_USER_ID,
    user_name: str = DEFAULT_USER_NAME,
    channel_id: str = DEFAULT_CHANNEL_ID,
    channel_name: str = DEFAULT_CHANNEL_NAME,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = APP_ID,
) -> str:
    """The form body of a slash command such as `/papers today`."""
    if not command.startswith("/"):
        raise ValueError(f"a slash command starts with '/': {command!r}")
    return urlencode(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "team_domain": team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def find_action(blocks: Any, action_id: str) -> tuple[str, dict[str, Any]] | None:
    """The block_id and element of the interactive element `action_id` in a message's blocks."""
    for block in blocks or []:
        elements = [block.get("accessory"), *(block.get("elements") or [])]
        for element in elements:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    return None


def block_action(
    action_id: str,
    value: str | None,
    *,
    response_url: str,
    trigger_id: str,
    message: Mapping[str, Any] | None = None,
    container: Mapping[str, Any] | None = None,
    block_id: str | None = None,
    action_type: str = "button",
    user_id: str = DEFAULT_USER_ID,
    user_name: str = DEFAULT_USER_NAME,
    channel_id: str = DEFAULT_CHANNEL_ID,
    channel_name: str = DEFAULT_CHANNEL_NAME,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = APP_ID,
) -> str:
    """The form body of a block_actions interaction: a user pressed a button or picked an option.

    With `message` (the message object holding the element, e.g. `FakeSlack.message_json(...)`)
    the element must be in its blocks; its block_id and label are taken from there. Without one,
    the press came from an ephemeral message, which Slack does not echo back. Buttons carry
    `value`; select menus (`action_type` ending in "select", or "overflow") a `selected_option`.
    """
    element: dict[str, Any] = {}
    if message is not None:
        found = find_action(message.get("blocks"), action_id)
        if found is None:
            raise ValueError(f"the message has no element with action_id {action_id!r}")
        block_id = block_id or found[0]
        element = found[1]
    message_ts = str(message["ts"]) if message is not None else _now_ts()
    action: dict[str, Any] = {
        "type": action_type,
        "action_id": action_id,
        "block_id": block_id or "actions",
        "action_ts": _now_ts(),
    }
    if action_type == "button":
        action["text"] = element.get("text") or {"type": "plain_text", "text": action_id, "emoji": True}
        action["value"] = value
    else:
        action["selected_option"] = {"text": {"type": "plain_text", "text": value}, "value": value}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, user_name, team_id),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "container": dict(container)
        if container is not None
        else {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": message is None,
        },
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_name},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }
    if message is not None:
        payload["message"] = dict(message)
    return _interaction(payload)


def view_submission(
    callback_id: str,
    state_values: Mapping[str, Mapping[str, Any]],
    *,
    view_id: str,
    trigger_id: str,
    private_metadata: str = "",
    view: Mapping[str, Any] | None = None,
    user_id: str = DEFAULT_USER_ID,
    user_name: str = DEFAULT_USER_NAME,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = APP_ID,
) -> str:
    """The form body of a view_submission: a user pressed Submit on a modal.

    `state_values` is Slack's `view.state.values`, {block_id: {action_id: {"type": ..., "value": ...}}};
    `view` (the modal as opened) supplies the title and blocks Slack echoes back.
    """
    opened = dict(view or {})
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": team_domain},
        "user": _user(user_id, user_name, team_id),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Paperboy"},
            "blocks": [],
            **opened,
            "id": view_id,
            "team_id": team_id,
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": {block: dict(actions) for block, actions in state_values.items()}},
            "hash": f"{view_id}.hash",
            "app_id": api_app_id,
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_installed_team_id": team_id,
            "bot_id": opened.get("bot_id", BOT_ID),
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _interaction(payload)


def app_home_opened_event(
    user_id: str = DEFAULT_USER_ID,
    *,
    channel_id: str = "D0READER",
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    bot_user_id: str = BOT_USER_ID,
    view: Mapping[str, Any] | None = None,
) -> str:
    """The JSON body of an Events API callback: `user_id` opened the app's Home tab."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel_id,
        "tab": "home",
        "event_ts": _now_ts(),
    }
    if view is not None:
        event["view"] = dict(view)
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{next(_action_ts):012d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope)


# --- a user in a workspace served by FakeSlack ---------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """What one signed POST to the app returned, and the response URL and trigger it carried."""

    status: int
    text: str
    response_url: str | None = None
    trigger_id: str | None = None


class Workspace:
    """One user acting on the app from a channel, with response URLs and triggers from `fake`.

    Each call signs and POSTs to the app's Bolt endpoint `url`, then returns at once with the
    app's HTTP answer (its ack); await `fake.wait_for_responses(...)` for what it sends after that.
    """

    def __init__(
        self,
        fake: FakeSlack,
        url: str,
        secret: str = DEFAULT_SECRET,
        *,
        user_id: str = DEFAULT_USER_ID,
        user_name: str = DEFAULT_USER_NAME,
        channel_id: str = DEFAULT_CHANNEL_ID,
    ) -> None:
        self.fake = fake
        self.url = url
        self.secret = secret
        self.user_id = user_id
        self.user_name = user_name
        self.channel_id = channel_id

    def _channel_name(self, channel_id: str) -> str:
        channel = self.fake.channels.get(channel_id)
        return channel.name if channel else DEFAULT_CHANNEL_NAME

    async def _send(self, body: str, response_url: str | None, trigger_id: str | None) -> Delivery:
        status, text = await post_signed(self.url, body, self.secret)
        return Delivery(status, text, response_url, trigger_id)

    async def command(self, command: str, text: str = "") -> Delivery:
        """Run a slash command in the channel."""
        response_url, trigger_id = self.fake.response_url(), self.fake.issue_trigger(self.user_id)
        body = slash_command(
            command,
            text,
            response_url=response_url,
            trigger_id=trigger_id,
            user_id=self.user_id,
            user_name=self.user_name,
            channel_id=self.channel_id,
            channel_name=self._channel_name(self.channel_id),
        )
        return await self._send(body, response_url, trigger_id)

    async def click(
        self, action_id: str, value: str | None = None, *, message: SlackMessage | None = None
    ) -> Delivery:
        """Press a button: on a message the fake accepted (its value by default), else on an ephemeral."""
        message_json = self.fake.message_json(message) if message is not None else None
        if message_json is not None and value is None:
            found = find_action(message_json.get("blocks"), action_id)
            value = found[1].get("value") if found else None
        channel_id = message.channel if message is not None else self.channel_id
        response_url, trigger_id = self.fake.response_url(), self.fake.issue_trigger(self.user_id)
        body = block_action(
            action_id,
            value,
            response_url=response_url,
            trigger_id=trigger_id,
            message=message_json,
            user_id=self.user_id,
            user_name=self.user_name,
            channel_id=channel_id,
            channel_name=self._channel_name(channel_id),
        )
        return await self._send(body, response_url, trigger_id)

    async def submit(self, view: ViewRecord, state_values: Mapping[str, Mapping[str, Any]]) -> Delivery:
        """Press Submit on a modal the app opened with views.open."""
        trigger_id = self.fake.issue_trigger(self.user_id)
        body = view_submission(
            view.callback_id,
            state_values,
            view_id=view.view_id,
            trigger_id=trigger_id,
            private_metadata=view.private_metadata,
            view=view.view,
            user_id=self.user_id,
            user_name=self.user_name,
        )
        return await self._send(body, None, trigger_id)

    async def open_home(self) -> Delivery:
        """Open the app's Home tab (the app_home_opened event), showing the view last published."""
        home = self.fake.home(self.user_id)
        body = app_home_opened_event(self.user_id, view=home.view if home else None)
        return await self._send(body, None, None)
