"""Telegram adapter: python-telegram-bot Application, commands, callbacks, inline mode, HTML cards."""

from bot.i18n import register
from handlers.telegram_adapter.strings import STRINGS

register(STRINGS)  # before any module of the package renders a sentence
