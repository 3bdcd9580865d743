"""Read policy files into plain text for the parser (kept for callers of read_text; see corpus.importers)."""

from __future__ import annotations

from pathlib import Path

from corpus.importers import SUPPORTED, extract
from corpus.importers.limits import DEFAULT_LIMITS, ImportLimits


def read_text(path: str | Path, limits: ImportLimits = DEFAULT_LIMITS) -> str:
    """The document's text, whatever its format; CorpusError with a Chinese message otherwise."""
    return extract(Path(path), limits).text


__all__ = ["SUPPORTED", "read_text"]
