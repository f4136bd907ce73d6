"""Slack: slash commands, buttons, the settings modal, App Home and the push, on slack-bolt's AsyncApp."""

from bot.i18n import register
from handlers.slack_adapter.strings import STRINGS

register(STRINGS)  # before any module of the package renders a sentence
