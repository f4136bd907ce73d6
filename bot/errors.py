"""Errors Paperboy raises on purpose: each carries a sentence fit to show a user as is.

The sentence is an i18n Text, so each adapter shows it in the chat's language; `str(error)` is English.
"""

from __future__ import annotations

from bot.i18n import Text


class PaperboyError(Exception):
    """Base of every error with a message meant for people, not a traceback."""

    def __init__(self, message: Text | str) -> None:
        self.text = message if isinstance(message, Text) else Text("raw", {"text": message})
        super().__init__(str(self.text))


class SourceError(PaperboyError):
    """A digest source could not be read at all (missing file, HTTP failure, bad date)."""


class UsageError(PaperboyError):
    """A command got arguments it cannot use; the message says how to call it, with an example."""


class NotFoundError(PaperboyError):
    """The paper or day asked for is not in the store."""
