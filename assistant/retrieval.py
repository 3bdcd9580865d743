"""Retrieval as a router: the search index over the loaded corpus, clause search and the dense match for foreign text."""

from __future__ import annotations

import re

from corpus import Corpus, Document

# A question written without Chinese (English and the like): keywords cannot place it, dense retrieval may.
_FOREIGN = re.compile(r"[^\u4e00-\u9fff]*[A-Za-z]{3,}[^\u4e00-\u9fff]*")
# e5 cosines sit in a narrow band: a clause counts as hit only well above the rest (measured: on-topic English
# questions score ≥ 0.765 with a lead ≥ 0.01; weather, jokes and trivia lead by ≤ 0.003).
_DENSE_MIN, _DENSE_LEAD = 0.765, 0.01


def _index(corpus: Corpus | None = None):
    """The search index over the loaded corpus (None: the index's own default, bundled plus added documents)."""
    from assistant.index import get_index

    return get_index(corpus=corpus) if corpus is not None and len(corpus) > 1 else get_index()


def _only(corpus: Corpus | None, doc: Document | None) -> str | None:
    """Restrict a search to DOC only when several documents are loaded (one document: search as before)."""
    return doc.id if doc is not None and corpus is not None and len(corpus) > 1 else None


def _dense_clause(question: str, corpus: Corpus | None = None, doc: Document | None = None) -> str | None:
    try:
        hits = _index(corpus).dense_search(question, k=2, doc=_only(corpus, doc))
    except Exception:  # noqa: BLE001 - without the index a foreign-language question is abstained
        return None
    if not hits or hits[0].dense_score is None or hits[0].dense_score < _DENSE_MIN:
        return None
    if len(hits) > 1 and hits[1].dense_score is not None and hits[0].dense_score - hits[1].dense_score < _DENSE_LEAD:
        return None
    return hits[0].clause


def _search(question: str, corpus: Corpus | None = None, doc: Document | None = None) -> list[str]:
    """Retrieval as the fallback router: the best clause ids for a question no keyword placed."""
    try:
        hits = _index(corpus).search(question, k=3, doc=_only(corpus, doc))
    except Exception:  # noqa: BLE001 - the index is optional for the deterministic path
        return []
    return [h.clause for h in hits if getattr(h, "clause", None)][:2]


def search_clauses(question: str, corpus: Corpus | None = None, doc: Document | None = None) -> list[str]:
    """The best clause ids of `doc` for a question no keyword placed (retrieval as the fallback router)."""
    return _search(question, corpus, doc)


def dense_clause(question: str, corpus: Corpus | None = None, doc: Document | None = None) -> str | None:
    """The clause of `doc` the multilingual embeddings place a foreign-language question in, if clearly one."""
    return _dense_clause(question, corpus, doc)
