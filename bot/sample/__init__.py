"""The embedded default digest: one real day, ingested on first run so a newcomer sees papers at once.

Source: the public Korean digest archive l-yohai/daily_papers_ko (paper_logs/2025/02/24.md),
licensed CC BY-NC-ND 4.0 (https://creativecommons.org/licenses/by-nc-nd/4.0/). Shipped unmodified,
with this attribution; see NOTICE.txt beside this file.
"""

from importlib.resources import files
from importlib.resources.abc import Traversable

SAMPLE_NAME = "2025-02-24.md"


def sample_digest() -> Traversable:
    """The bundled sample day as a package resource."""
    return files(__name__) / SAMPLE_NAME
