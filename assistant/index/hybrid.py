"""Hybrid search over clause chunks: dense (e5) + BM25 (jieba), fused by reciprocal rank, clause references first."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from assistant.index.chunks import Chunk
from corpus import Corpus, CorpusError, named_clause_ids

# Fusion: an equal-weight sum of the dense cosine (min-max scaled over the candidates) and the BM25 score
# (scaled by its maximum). Equal weights are the untuned choice; on benchmarks/retrieval.py it gave hit@1 97.0%
# against 90.9% for reciprocal-rank fusion (which ignores how much stronger one match is than the next),
# and the neighbouring weights 0.4 / 0.6 still beat RRF (benchmarks/README.md). RRF stays available.
FUSION = "weighted"
DENSE_ALPHA = 0.5
RRF_K = 60
FUSION_DEPTH = 50  # how deep each ranked list is read before fusing
_QCACHE_SIZE = 512


@dataclass
class Hit:
    doc: str
    clause: str
    label: str
    score: float  # fused score in [0, 1] (higher is better); 1.0 for a clause the question names
    text: str  # verbatim clause text
    heading_path: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    dense_score: float | None = None  # cosine similarity of the question to the clause, when ranked densely
    sparse_score: float | None = None  # BM25 score, when the clause shares terms with the question
    via: str = "hybrid"  # "reference" when the question names the clause, else "hybrid" / "dense" / "sparse"
    coverage: float | None = None  # share of the question's term weight (BM25 idf) this clause contains
    relevance: float | None = None  # calibrated relevance (assistant.index.relevance); set by search()
    relevant: bool = False  # relevance clears the floor calibrated on questions the corpus does not answer
    signals: dict | None = None  # what the floor judged: {"dense": cosine, "coverage": share}

    @property
    def citation(self) -> str:
        return f"{self.doc}#{self.clause}"

    def to_dict(self) -> dict:
        return {
            "doc": self.doc, "clause": self.clause, "label": self.label, "score": round(self.score, 6),
            "text": self.text, "heading_path": list(self.heading_path), "units": list(self.units),
        }


# --- clause references in a question ---------------------------------------------------------

class HybridIndex:
    """An opened index: the chunk table, the chroma collection the dense list comes from, and BM25.

    Built and kept fresh by assistant.index.lifecycle; `get_index()` is the way to obtain one. Every search
    takes the same scope: DOCS (ids; None: all loaded documents) and AS_OF (a date: documents in force then),
    applied as a chroma metadata filter on the dense side and as a row mask on the BM25 side."""

    def __init__(self, *, settings, corpus: Corpus, embeddings, chunks: list[Chunk], tokenizer, sparse,
                 dense=None, folder=None, manifest=None):
        self.settings = settings
        self.corpus = corpus
        self.embeddings = embeddings
        self.chunks = chunks
        self.tokenizer = tokenizer
        self.sparse = sparse
        self.dense = dense  # a store reader: query(vector, k, where) -> [(chunk id, cosine)], count()
        self.folder = folder
        self.manifest = manifest or {}
        self._row = {c.id: i for i, c in enumerate(chunks)}
        self._by_clause = {(c.doc, c.clause): c for c in chunks}
        self._doc_dates = {c.doc: (c.effective, c.expires) for c in chunks}  # dates are the document's
        self._doc_code = {d: n for n, d in enumerate(self._doc_dates)}
        self._row_code = None  # per row, the code of its document (numpy, built on first scoped search)
        self._qcache: OrderedDict[str, object] = OrderedDict()
        self._qlock = threading.Lock()

    def __len__(self) -> int:
        return len(self.chunks)

    @property
    def dimension(self) -> int:
        return int(self.manifest.get("dim") or 0)

    # --- ranked lists ------------------------------------------------------------------------
    def query_vector(self, query: str):
        with self._qlock:
            v = self._qcache.get(query)
            if v is not None:
                self._qcache.move_to_end(query)
                return v
        v = self.embeddings.embed_query_array(query)
        with self._qlock:
            self._qcache[query] = v
            if len(self._qcache) > _QCACHE_SIZE:
                self._qcache.popitem(last=False)
        return v

    def clear_query_cache(self) -> None:
        with self._qlock:
            self._qcache.clear()

    def _allowed_docs(self, docs: list[str] | None, as_of: int | None) -> list[str] | None:
        """The documents a scope admits (None: all of them). Effective and expiry dates belong to a document,
        so a date reduces to the documents in force on it."""
        if docs is None and as_of is None:
            return None
        pool = self._doc_dates if docs is None else [d for d in docs if d in self._doc_dates]
        allowed = [d for d in pool if as_of is None or self._doc_dates[d][0] <= as_of <= self._doc_dates[d][1]]
        return None if len(allowed) == len(self._doc_dates) else allowed

    def _scope_rows(self, allowed: list[str]):
        """Boolean row mask for the rows of the ALLOWED documents."""
        import numpy as np

        if self._row_code is None:
            self._row_code = np.fromiter((self._doc_code[c.doc] for c in self.chunks), dtype=np.int32,
                                         count=len(self.chunks))
        return np.isin(self._row_code, [self._doc_code[d] for d in allowed])

    def _dense_ranked(self, query: str, k: int, docs: list[str] | None = None,
                      as_of: int | None = None) -> list[tuple[int, float]]:
        """chroma's nearest chunks, filtered on their `doc` metadata. (Filtering on the date metadata gives the
        same rows but costs chroma about 4x more: 27 ms against 6.5 ms at 4,600 chunks.)"""
        from assistant.index import store

        allowed = self._allowed_docs(docs, as_of)
        if not self.chunks or self.dense is None or k <= 0 or allowed == []:
            return []
        qv = self.query_vector(query)
        hits = self.dense.query(qv, min(k, len(self.chunks)), store.where_clause(allowed))
        return [(self._row[cid], s) for cid, s in hits if cid in self._row]

    def _sparse_ranked(self, query: str, k: int, docs: list[str] | None = None,
                       as_of: int | None = None) -> list[tuple[int, float]]:
        import numpy as np

        allowed = self._allowed_docs(docs, as_of)
        if not self.chunks or k <= 0 or allowed == []:
            return []
        scores = self.sparse.scores(self.tokenizer(query))
        if allowed is not None:
            scores = np.where(self._scope_rows(allowed), scores, 0.0)
        return [(i, s) for i, s in _top(scores, k) if s > 0]

    def dense_search(self, query: str, k: int = 5, doc: str | None = None, *, docs=None, as_of=None) -> list[Hit]:
        scope, day = _scope(doc, docs), _day(as_of)
        return [self._hit(i, s, dense=s, via="dense") for i, s in self._dense_ranked(query, k, scope, day)]

    def sparse_search(self, query: str, k: int = 5, doc: str | None = None, *, docs=None, as_of=None) -> list[Hit]:
        scope, day = _scope(doc, docs), _day(as_of)
        return [self._hit(i, s, sparse=s, via="sparse") for i, s in self._sparse_ranked(query, k, scope, day)]

    # --- the search ----------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, doc: str | None = None, *, docs=None, as_of=None) -> list[Hit]:
        """The K clauses most relevant to QUERY, best first; a clause the query names comes first.

        DOC (one id) or DOCS (several) restrict the search; AS_OF (a date) keeps documents in force that day.
        Each hit carries `relevance` and `relevant` (above the calibrated floor); see `is_relevant`."""
        query = (query or "").strip()
        if not query or k <= 0:
            return []
        scope, day = _scope(doc, docs), _day(as_of)
        hits = [self._reference_hit(c) for c in self._named_chunks(query, scope, day)]
        seen = {(h.doc, h.clause) for h in hits}
        if len(hits) < k:
            for h in self.fused(query, k + len(hits), docs=scope, as_of=day):
                if (h.doc, h.clause) not in seen:
                    hits.append(h)
                    seen.add((h.doc, h.clause))
        return self.judge(query, hits[:k])

    def fused(self, query: str, k: int, doc: str | None = None, depth: int = FUSION_DEPTH,
              method: str = FUSION, alpha: float = DENSE_ALPHA, *, docs=None, as_of=None) -> list[Hit]:
        """Dense and BM25 lists fused ("weighted" or "rrf"); ties broken by document order."""
        scope, day = _scope(doc, docs), _day(as_of)
        depth = max(depth, k)
        dense = self._dense_ranked(query, depth, scope, day) if alpha > 0 else []
        sparse = self._sparse_ranked(query, depth, scope, day) if alpha < 1 else []
        dsc, ssc = dict(dense), dict(sparse)
        score: dict[int, float] = {}
        if method == "rrf":
            for ranked in (dense, sparse):
                for rank, (i, _) in enumerate(ranked, 1):
                    score[i] = score.get(i, 0.0) + 1.0 / (RRF_K + rank)
        else:
            if dense:
                hi, lo = dense[0][1], dense[-1][1]
                span = (hi - lo) or 1.0
                for i, v in dense:
                    score[i] = alpha * (v - lo) / span
            if sparse:
                top = sparse[0][1] or 1.0
                for i, v in sparse:
                    score[i] = score.get(i, 0.0) + (1 - alpha) * v / top
        order = sorted(score, key=lambda i: (-score[i], i))[:k]
        return [self._hit(i, score[i], dense=dsc.get(i), sparse=ssc.get(i), via="hybrid") for i in order]

    # --- relevance ---------------------------------------------------------------------------
    def judge(self, query: str, hits: list[Hit]) -> list[Hit]:
        """Set each hit's relevance (see assistant.index.relevance) and whether it clears the floor."""
        from assistant.index import relevance

        if not hits:
            return hits
        try:
            floor = relevance.floor_for(self.embeddings.model_id)
        except (OSError, ValueError, KeyError) as e:  # no usable floor: nothing counts as relevant, say why once
            floor = None
            relevance.warn_once("floor", f"相关度阈值文件不可用（{e}），检索结果一律视为不相关。")
        tokens = self.tokenizer(query) if self.tokenizer is not None else []
        # a hit BM25 found beyond the dense list's depth: its cosine is at most the lowest one listed
        ceiling = min((h.dense_score for h in hits if h.dense_score is not None), default=None)
        for h in hits:
            if h.via == "reference":
                h.relevance, h.relevant = 1.0, True
                continue
            row = self._row.get(f"{h.doc}#{h.clause}")
            h.coverage = self.sparse.coverage(tokens, row) if row is not None else 0.0
            h.signals = {"dense": h.dense_score if h.dense_score is not None else ceiling, "coverage": h.coverage}
            if floor is not None:
                h.relevance = floor.score(h.signals["dense"], h.signals["coverage"])
                h.relevant = h.relevance >= floor.threshold
        return hits

    def _named_chunks(self, query: str, docs: list[str] | None, as_of: int | None = None) -> list[Chunk]:
        out = []
        for cid in named_clause_ids(query):
            for d in (docs if docs is not None else list(self.corpus.documents)):
                try:
                    clause = self.corpus.clause(cid, d)
                except CorpusError:
                    continue
                ch = self._by_clause.get((clause.doc_id, clause.id))
                if ch is not None and ch not in out and (as_of is None or ch.in_force(as_of)):
                    out.append(ch)
        return out

    def _reference_hit(self, ch: Chunk) -> Hit:
        return Hit(ch.doc, ch.clause, ch.label, 1.0, ch.text, list(ch.heading_path), list(ch.units), via="reference")

    def _hit(self, i: int, score: float, dense=None, sparse=None, via="hybrid") -> Hit:
        c = self.chunks[i]
        return Hit(
            c.doc, c.clause, c.label, float(score), c.text, list(c.heading_path), list(c.units),
            dense_score=None if dense is None else float(dense),
            sparse_score=None if sparse is None else float(sparse), via=via,
        )


def _top(scores, k: int) -> list[tuple[int, float]]:
    """Indices of the K highest scores, ties by lower index (document order), as (index, score)."""
    import numpy as np

    n = len(scores)
    if n == 0 or k <= 0:
        return []
    k = min(k, n)
    if k < n:
        # partition generously so equal scores at the boundary are all considered for the stable order
        cand = np.argpartition(-scores, k - 1)[:k]
        kth = scores[cand].min()
        cand = np.nonzero(scores >= kth)[0]
    else:
        cand = np.arange(n)
    order = cand[np.lexsort((cand, -scores[cand]))][:k]
    return [(int(i), float(scores[i])) for i in order if np.isfinite(scores[i])]


def _scope(doc: str | None, docs) -> list[str] | None:
    """The documents a search covers: DOCS, else [DOC], else None (all)."""
    if docs is not None:
        if isinstance(docs, str):
            docs = [docs]
        return list(dict.fromkeys(docs))
    return [doc] if doc else None


def _day(as_of) -> int | None:
    """AS_OF (a date, "2026-12-01", 20261201) as YYYYMMDD; a value that is no date is refused."""
    if as_of is None:
        return None
    from assistant.index.chunks import date_number

    n = date_number(as_of)
    if n is None:
        raise ValueError(f"不是有效日期：{as_of!r}（应为 YYYY-MM-DD）")
    return n
