"""The digest writer: the prompt, the LLM port, checking an answer, and the per-paper procedure."""
