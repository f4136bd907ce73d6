"""Numbered schema steps, applied in order; `PRAGMA user_version` records the last one applied."""
