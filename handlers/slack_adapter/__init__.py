"""Slack: slash commands, buttons, the settings modal, App Home and the push, on slack-bolt's AsyncApp."""
