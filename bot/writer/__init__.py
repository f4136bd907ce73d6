"""The digest writer: Paperboy writes each paper's summary itself, in every reader's language."""
