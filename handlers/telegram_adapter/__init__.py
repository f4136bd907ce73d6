"""Telegram adapter: python-telegram-bot Application, commands, callbacks, inline mode, HTML cards."""
