"""Slack's mrkdwn: escaping, links, and cutting text without breaking an escape.

Slack reads `&`, `<` and `>` as markup (links, mentions, entities), so paper titles and Korean
summaries full of `<`, `&` and `>` must be escaped, and a cut must never split `&amp;` in two.
"""

from __future__ import annotations

from urllib.parse import quote

ELLIPSIS = "…"
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def escape(raw: str) -> str:
    """The text as mrkdwn shows it literally (`&` first, or the other escapes would be re-escaped)."""
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped_len(raw: str) -> int:
    return len(raw) + 4 * raw.count("&") + 3 * (raw.count("<") + raw.count(">"))


def cut(raw: str, limit: int) -> str:
    """`raw` escaped, shortened with an ellipsis so that the escaped text has at most `limit` characters."""
    if escaped_len(raw) <= limit:
        return escape(raw)
    kept: list[str] = []
    used = len(ELLIPSIS)
    for char in raw:
        size = escaped_len(char)
        if used + size > limit:
            break
        kept.append(char)
        used += size
    return escape("".join(kept).rstrip()) + ELLIPSIS


def plain_cut(raw: str, limit: int) -> str:
    """A plain_text field (headers, buttons) shortened to `limit` characters; no escaping there."""
    return raw if len(raw) <= limit else raw[: limit - 1].rstrip() + ELLIPSIS


def safe_url(url: str) -> str:
    """The URL with everything outside RFC 3986's characters percent-encoded (`<`, `>`, `|`,
    spaces, quotes, non-ASCII): Slack refuses such URLs in buttons and misreads them in links."""
    return quote(url, safe=URL_SAFE)


def link(url: str, label: str) -> str:
    """`<url|label>`: the label escaped, and the URL's `&` too (Slack unescapes it when linking)."""
    return f"<{safe_url(url).replace('&', '&amp;')}|{escape(label)}>"


def bold(escaped: str) -> str:
    """Bold already-escaped text; Slack needs no space inside the asterisks, so trim it."""
    inner = escaped.strip()
    return f"*{inner}*" if inner else ""
