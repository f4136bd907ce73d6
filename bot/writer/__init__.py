"""The digest writer: Paperboy writes each paper's summary itself, in every reader's language: the
full text it reads, the prompt, the LLM port, checking an answer, and the day's run."""
