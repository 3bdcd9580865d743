"""The public dialogue API: `Session`, `ask`, `check_answer` (the pipeline lives in assistant.pipeline)."""

from __future__ import annotations

from assistant.pipeline import CORPUS_CACHE, Answer, Session, ask, check_answer, deterministic_answer, loaded_corpus

# names earlier callers used
_CORPUS_CACHE = CORPUS_CACHE
_corpus = loaded_corpus

__all__ = ["Answer", "Session", "ask", "check_answer", "deterministic_answer", "loaded_corpus"]
