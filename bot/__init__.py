"""Paperboy: the daily-papers digest, brought to the chats where people already talk."""

__version__ = "0.1.0"
