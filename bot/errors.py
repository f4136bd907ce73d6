"""Errors Paperboy raises on purpose: each carries a message fit to show a user as is."""


class PaperboyError(Exception):
    """Base of every error with a message meant for people, not a traceback."""


class SourceError(PaperboyError):
    """A digest source could not be read at all (missing file, HTTP failure, bad date)."""


class UsageError(PaperboyError):
    """A command got arguments it cannot use; the message says how to call it, with an example."""


class NotFoundError(PaperboyError):
    """The paper or day asked for is not in the store."""
