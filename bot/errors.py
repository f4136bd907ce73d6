"""Errors Paperboy raises on purpose: each carries a sentence fit to show a user as is.

The sentence is an i18n Text, so each adapter shows it in the chat's language; `str(error)` is English.
"""

from __future__ import annotations

import logging

from bot.i18n import Text, t

log = logging.getLogger(__name__)


class PaperboyError(Exception):
    """Base of every error with a message meant for people, not a traceback."""

    def __init__(self, message: Text | str) -> None:
        self.text = message if isinstance(message, Text) else Text("raw", {"text": message})
        super().__init__(str(self.text))


class SourceError(PaperboyError):
    """A digest source could not be read at all (missing file, HTTP failure, bad date)."""


class SourceUnreachable(SourceError):
    """The source's host cannot be reached at all (no DNS answer, connection refused): the next day of
    a range would fail the same way, so a range stops at the first one."""


class StoreError(PaperboyError):
    """The database could not take a write at all (another writer kept the lock too long, the server
    went away); the message says so in one line, and what was stored before it stays stored."""


class UsageError(PaperboyError):
    """A command got arguments it cannot use; the message says how to call it, with an example."""


class NotFoundError(PaperboyError):
    """The paper or day asked for is not in the store."""


class StartupError(PaperboyError):
    """A platform cannot start with the configured credentials (a revoked token, a missing secret)."""


class StoreUnavailable(PaperboyError):
    """The database cannot be opened or written for a reason outside Paperboy (a folder where the file
    should be, a read-only or full disk, a server that refuses); the sentence names it and where."""


def for_users(err: PaperboyError) -> Text:
    """What a chat user is told about an error: its sentence, except for a database that does not
    answer, whose sentence (a file, a host) is for the operator: that goes to the log, one line, and
    the user gets the apology."""
    if isinstance(err, StoreUnavailable):
        log.warning("a command was not answered: %s", err)
        return t("error.internal")
    return err.text


class DeliveryError(Exception):
    """A platform refused or failed one message of a push; the subclass says what to do next."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(DeliveryError):
    """429: wait `retry_after` seconds; `everything` when the platform-wide limit was hit."""

    def __init__(self, reason: str, retry_after: float, *, everything: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.everything = everything


class TransientFailure(DeliveryError):
    """5xx, a timeout, a broken connection: try again later."""


class DestinationGone(DeliveryError):
    """The destination refuses for good (blocked, chat not found, archived): pause its subscription."""


class DestinationMoved(DeliveryError):
    """The chat has a new id (a group became a supergroup): move the subscription and go on."""

    def __init__(self, reason: str, new_chat_id: str) -> None:
        super().__init__(reason)
        self.new_chat_id = new_chat_id


class MessageRejected(DeliveryError):
    """This one message was refused (a rendering bug): skip it, report it, send the rest."""


class ThreadGone(DeliveryError):
    """A reply's thread is gone (its first message was deleted): send the rest of the push to the
    destination itself rather than lose it."""
