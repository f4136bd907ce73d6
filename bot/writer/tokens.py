"""A cheap token estimate, for cutting source text to fit a context window without a tokenizer.

It is an estimate, not a count: about 4 characters per token for Latin-script text and about one
token per CJK character (Han, kana, Hangul), which is what common BPE tokenizers average on English
prose and on CJK text. Real tokenizers differ by model, so anything cut with it keeps a margin,
and a server's "context too long" answer is still handled by cutting further.
"""

from __future__ import annotations

import bisect
import re

_CJK = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]"
)
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """About how many tokens `text` is (see the module docstring: an estimate, not a count)."""
    cjk = len(_CJK.findall(text))
    return cjk + -(-(len(text) - cjk) // CHARS_PER_TOKEN)


def cut_to_tokens(text: str, max_tokens: int) -> str:
    """The longest start of `text` estimated at no more than `max_tokens`, cut at a line or word end.

    The text is returned unchanged when it fits. A cut falls at the last paragraph, line or word
    break of the kept part when one is near the end, so the model does not see half a word.
    """
    if max_tokens <= 0:
        return ""
    cjk_at = [match.start() for match in _CJK.finditer(text)]  # one pass; each probe is then a bisect

    def estimate_prefix(length: int) -> int:
        cjk = bisect.bisect_left(cjk_at, length)
        return cjk + -(-(length - cjk) // CHARS_PER_TOKEN)

    if estimate_prefix(len(text)) <= max_tokens:
        return text
    low, high = 0, len(text)  # the longest prefix that fits lies in [low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if estimate_prefix(middle) <= max_tokens:
            low = middle
        else:
            high = middle
    kept = text[:low]
    for breaker in ("\n\n", "\n", " "):
        at = kept.rfind(breaker)
        if at >= len(kept) * 0.9:
            return kept[:at].rstrip()
    return kept
