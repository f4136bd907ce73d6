"""The terminal adapter: one-shot CLI commands and an interactive chat speaking the bot's commands."""
