"""Retrieval for the dialogue: clause search over the loaded documents with the relevance floor, and the dense
match for questions written without Chinese.

    from assistant.retrieval import search_clauses, is_relevant
    hits = search_clauses("屋顶光伏每千瓦补多少钱", docs=["anyuan-2021-9"], as_of="2023-06-30")
    if is_relevant(hits): cite [h for h in hits if h.relevant]
    else: the loaded documents do not cover the question"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from corpus import Corpus

if TYPE_CHECKING:  # pragma: no cover
    from assistant.index.hybrid import Hit, HybridIndex

__all__ = ["dense_clause", "is_relevant", "relevant_clauses", "search_clauses", "search_index"]

def search_index(corpus: Corpus | None = None) -> HybridIndex:
    """The search index over CORPUS (None: the index's own default, bundled plus added documents)."""
    from assistant.index import get_index

    return get_index(corpus=corpus) if corpus is not None and len(corpus) > 1 else get_index()


def search_clauses(question: str, corpus: Corpus | None = None, docs: Sequence[str] | None = None, k: int = 3,
                   as_of: date | str | None = None) -> list[Hit]:
    """The K clauses that best answer QUESTION, best first, among DOCS (document ids; None: every loaded
    document) and, with AS_OF, among documents in force on that date. Each hit carries `relevant`: whether it
    clears the floor calibrated on questions the corpus does not answer (see `is_relevant`)."""
    return search_index(corpus).search(question, k=k, docs=None if docs is None else list(docs), as_of=as_of)


def relevant_clauses(question: str, corpus: Corpus | None = None, docs: Sequence[str] | None = None, k: int = 3,
                     as_of: date | str | None = None) -> list[Hit]:
    """Only the hits of `search_clauses` that clear the relevance floor ([] when nothing loaded answers it)."""
    return [h for h in search_clauses(question, corpus, docs, k, as_of) if h.relevant]


def is_relevant(hits: Sequence[Hit]) -> bool:
    """True when some hit clears the relevance floor; False means the loaded documents do not cover the question."""
    from assistant.index.relevance import is_relevant as _is_relevant

    return _is_relevant(hits)


def dense_clause(question: str, corpus: Corpus | None = None, docs: Sequence[str] | None = None,
                 as_of: date | str | None = None) -> Hit | None:
    """For a question written without Chinese: the clause the embeddings place it in, if it clearly stands out
    (the `dense_only` floor: close enough, and ahead of the next clause by a margin); else None."""
    from assistant.index.relevance import dense_floor

    hits = search_index(corpus).dense_search(question, k=2, docs=None if docs is None else list(docs), as_of=as_of)
    if not hits:
        return None
    second = hits[1].dense_score if len(hits) > 1 else None
    if not dense_floor().accepts(hits[0].dense_score, second):
        return None
    hits[0].relevant = True
    return hits[0]
