"""Whether a webhook body is shaped like an Update Telegram sends, before PTB reads it.

PTB builds its objects from whatever JSON it is given: a string where an object belongs fails inside
`de_json` (a 500 before this check), and a string where a number belongs (a chat id "abc", callback
data 5) is kept and fails later in a handler, with a traceback. So the fields the Bot API documents
with one JSON type are checked here, in every object of the update, by name: numbers are integers
within 64 bits (never booleans), texts are strings, objects are objects, lists of objects are lists of
objects. Fields this table does not name pass as they are (Telegram adds fields; PTB keeps them aside).
"""

from __future__ import annotations

from typing import Any

INT64 = 1 << 63

INTEGERS = frozenset({
    "update_id", "message_id", "date", "edit_date", "forward_date", "message_thread_id", "length",
    "migrate_to_chat_id", "migrate_from_chat_id", "until_date", "width", "height",
    "duration", "file_size", "sender_boost_count", "reply_to_message_id",
})  # fmt: skip
TEXTS = frozenset({
    "text", "caption", "data", "query", "type", "first_name", "last_name", "username", "title",
    "language_code", "chat_instance", "inline_message_id", "result_id", "status", "chat_type",
    "file_id", "file_unique_id", "url", "game_short_name", "author_signature", "media_group_id",
})  # fmt: skip
BOOLEANS = frozenset({"is_bot", "is_forum", "is_premium", "is_topic_message", "is_automatic_forward"})
OBJECTS = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post", "business_message",
    "edited_business_message", "callback_query", "inline_query", "chosen_inline_result",
    "my_chat_member", "chat_member", "chat_join_request", "shipping_query", "pre_checkout_query",
    "poll", "poll_answer", "message_reaction", "message_reaction_count", "chat", "from", "user",
    "sender_chat", "reply_to_message", "pinned_message", "new_chat_member", "old_chat_member",
    "forward_from", "forward_from_chat", "via_bot", "left_chat_member", "reply_markup", "location",
    "external_reply", "quote", "forward_origin",
})  # fmt: skip
OBJECT_LISTS = frozenset({"entities", "caption_entities", "photo", "new_chat_members", "new_chat_photo"})
# An `id` is a number in chats and users, a string in queries and results.
NUMBER_IDS = frozenset({
    "chat", "from", "user", "sender_chat", "forward_from", "forward_from_chat", "via_bot",
    "left_chat_member", "new_chat_members",
})  # fmt: skip
TEXT_IDS = frozenset({"callback_query", "inline_query", "shipping_query", "pre_checkout_query", "poll"})
MESSAGES = frozenset({"message", "edited_message", "channel_post", "edited_channel_post", "reply_to_message"})
# What PTB and the handlers read without checking: these must be there.
REQUIRED: dict[str, tuple[str, ...]] = {
    "chat": ("id", "type"),
    "from": ("id", "is_bot", "first_name"),
    "user": ("id", "is_bot", "first_name"),
    "callback_query": ("id", "from", "chat_instance"),
    "inline_query": ("id", "from", "query", "offset"),
    "my_chat_member": ("chat", "from", "date", "old_chat_member", "new_chat_member"),
    "chat_member": ("chat", "from", "date", "old_chat_member", "new_chat_member"),
    **dict.fromkeys(MESSAGES, ("message_id", "date", "chat")),
}


def update_problem(data: object) -> str | None:
    """Why `data` (parsed JSON) is not an Update as Telegram sends one; None when it is."""
    if not isinstance(data, dict):
        return f"the body is a JSON {_kind(data)}, not an object"
    if not _integer(data.get("update_id")):
        return "update_id is not an integer"
    return _object_problem("update", data)


def _object_problem(name: str, data: dict[str, Any]) -> str | None:
    for needed in REQUIRED.get(name, ()):
        if needed not in data:
            return f"{name} has no {needed}"
    for key, value in data.items():
        problem = _field_problem(name, key, value)
        if problem is not None:
            return problem
    return None


def _field_problem(parent: str, key: str, value: object) -> str | None:
    where = f"{parent}.{key}"
    if key == "id":
        if parent in NUMBER_IDS and not _integer(value):
            return f"{where} is not an integer"
        if parent in TEXT_IDS and not isinstance(value, str):
            return f"{where} is not a string"
    elif key == "offset":  # where a text starts (an entity), or the page an inline query asks for
        if not (isinstance(value, str) if parent == "inline_query" else _integer(value)):
            return f"{where} is not {'a string' if parent == 'inline_query' else 'an integer'}"
    elif key in INTEGERS and not _integer(value):
        return f"{where} is not an integer"
    elif key in TEXTS and not isinstance(value, str):
        return f"{where} is not a string"
    elif key in BOOLEANS and not isinstance(value, bool):
        return f"{where} is not a boolean"
    elif key in OBJECTS:
        if not isinstance(value, dict):
            return f"{where} is a {_kind(value)}, not an object"
        return _object_problem(key, value)
    elif key in OBJECT_LISTS:
        if not isinstance(value, list):
            return f"{where} is a {_kind(value)}, not a list"
        for item in value:
            if not isinstance(item, dict):
                return f"{where} holds a {_kind(item)}, not an object"
            problem = _object_problem(key, item)
            if problem is not None:
                return problem
    return None


def _integer(value: object) -> bool:
    return type(value) is int and -INT64 <= value < INT64


def _kind(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
