"""The LanguageModel port over OpenAI-compatible Chat Completions servers, with the openai package."""
