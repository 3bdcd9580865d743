"""Retrieval for the dialogue: clause search over the loaded documents with the relevance floor, and the dense
match for questions written without Chinese.

    from assistant.retrieval import search_clauses, is_relevant
    hits = search_clauses("屋顶光伏每千瓦补多少钱", docs=["anyuan-2021-9"], as_of="2023-06-30")
    if is_relevant(hits): cite [h for h in hits if h.relevant]
    else: the loaded documents do not cover the question

`_search`, `_dense_clause` and `_index` are the names the dialogue used before; they stay as thin aliases,
with their old behaviour (`_search` does not apply the floor), until the dialogue is rewritten."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from corpus import Corpus, Document

if TYPE_CHECKING:  # pragma: no cover
    from assistant.index.hybrid import Hit, HybridIndex

__all__ = ["dense_clause", "is_relevant", "relevant_clauses", "search_clauses"]

# A question written without Chinese (English and the like): keywords cannot place it, dense retrieval may.
_FOREIGN = re.compile(r"[^\u4e00-\u9fff]*[A-Za-z]{3,}[^\u4e00-\u9fff]*")


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


# --- the names the dialogue uses today (thin aliases) ---------------------------------------------------

def _index(corpus: Corpus | None = None):
    return search_index(corpus)


def _only(corpus: Corpus | None, doc: Document | None) -> list[str] | None:
    """Restrict a search to DOC only when several documents are loaded (one document: search as before)."""
    return [doc.id] if doc is not None and corpus is not None and len(corpus) > 1 else None


def _dense_clause(question: str, corpus: Corpus | None = None, doc: Document | None = None) -> str | None:
    try:
        hit = dense_clause(question, corpus, _only(corpus, doc))
    except Exception:  # noqa: BLE001 - without the index a foreign-language question is abstained
        return None
    return hit.clause if hit is not None else None


def _search(question: str, corpus: Corpus | None = None, doc: Document | None = None) -> list[str]:
    """Retrieval as the fallback router: the best clause ids, as before the floor existed (the dialogue's
    rewrite moves to `relevant_clauses` / `is_relevant`, which apply it)."""
    try:
        hits = search_clauses(question, corpus, _only(corpus, doc), k=3)
    except Exception:  # noqa: BLE001 - the index is optional for the deterministic path
        return []
    return [h.clause for h in hits][:2]
