"""Discord: slash commands, buttons and select menus over HTTP interactions, pushes over hikari's REST."""

from bot.i18n import register
from handlers.discord_adapter.strings import STRINGS

register(STRINGS)  # before any module of the package renders a sentence
