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
    """An opened index: chunk table, dense vectors (local mirror or chroma server) and BM25.

    Built and kept fresh by assistant.index.lifecycle; `get_index()` is the way to obtain one."""

    def __init__(self, *, settings, corpus: Corpus, embeddings, chunks: list[Chunk], tokenizer, sparse,
                 vectors=None, collection=None, folder=None):
        self.settings = settings
        self.corpus = corpus
        self.embeddings = embeddings
        self.chunks = chunks
        self.tokenizer = tokenizer
        self.sparse = sparse
        self.vectors = vectors  # (n, dim) float32 mirror of the chroma collection, local mode
        self._collection = collection  # chroma collection, server mode (or on demand)
        self.folder = folder
        self._row = {c.id: i for i, c in enumerate(chunks)}
        self._by_clause = {(c.doc, c.clause): c for c in chunks}
        self._qcache: OrderedDict[str, object] = OrderedDict()
        self._qlock = threading.Lock()

    def __len__(self) -> int:
        return len(self.chunks)

    # --- lifecycle ---------------------------------------------------------------------------
    def build(self, progress=None, force: bool = False) -> dict:
        """Bring the on-disk index up to date with this corpus (changed documents only unless FORCE)."""
        from assistant.index import lifecycle

        report, fresh = lifecycle.build_and_open(
            self.settings, self.corpus, progress=progress, force=force, encoder=self.embeddings
        )
        self.__dict__.update(fresh.__dict__)
        return report

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

    def _doc_rows(self, doc: str | None):
        import numpy as np

        if doc is None:
            return None
        return np.fromiter((c.doc == doc for c in self.chunks), dtype=bool, count=len(self.chunks))

    def _dense_ranked(self, query: str, k: int, doc: str | None = None) -> list[tuple[int, float]]:
        import numpy as np

        if not self.chunks:
            return []
        qv = self.query_vector(query)
        if self.vectors is not None:
            with _one_blas_thread():
                sims = self.vectors @ np.asarray(qv, dtype=np.float32)
            mask = self._doc_rows(doc)
            if mask is not None:
                sims = np.where(mask, sims, -np.inf)
            return _top(sims, k)
        from assistant.index import store

        where = {"doc": doc} if doc else None
        return [(self._row[cid], s) for cid, s in store.query(self._collection, qv, k, where) if cid in self._row]

    def _sparse_ranked(self, query: str, k: int, doc: str | None = None) -> list[tuple[int, float]]:
        import numpy as np

        if not self.chunks:
            return []
        scores = self.sparse.scores(self.tokenizer(query))
        mask = self._doc_rows(doc)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        return [(i, s) for i, s in _top(scores, k) if s > 0]

    def dense_search(self, query: str, k: int = 5, doc: str | None = None) -> list[Hit]:
        return [self._hit(i, s, dense=s, via="dense") for i, s in self._dense_ranked(query, k, doc)]

    def sparse_search(self, query: str, k: int = 5, doc: str | None = None) -> list[Hit]:
        return [self._hit(i, s, sparse=s, via="sparse") for i, s in self._sparse_ranked(query, k, doc)]

    # --- the search ----------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, doc: str | None = None) -> list[Hit]:
        """The K clauses most relevant to QUERY, best first; a clause the query names comes first."""
        query = (query or "").strip()
        if not query or k <= 0:
            return []
        hits = [self._reference_hit(c) for c in self._named_chunks(query, doc)]
        seen = {(h.doc, h.clause) for h in hits}
        if len(hits) < k:
            for h in self.fused(query, k + len(hits), doc):
                if (h.doc, h.clause) not in seen:
                    hits.append(h)
                    seen.add((h.doc, h.clause))
        return hits[:k]

    def fused(self, query: str, k: int, doc: str | None = None, depth: int = FUSION_DEPTH,
              method: str = FUSION, alpha: float = DENSE_ALPHA) -> list[Hit]:
        """Dense and BM25 lists fused ("weighted" or "rrf"); ties broken by document order."""
        depth = max(depth, k)
        dense = self._dense_ranked(query, depth, doc) if alpha > 0 else []
        sparse = self._sparse_ranked(query, depth, doc) if alpha < 1 else []
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

    def _named_chunks(self, query: str, doc: str | None) -> list[Chunk]:
        out = []
        for cid in named_clause_ids(query):
            docs = [doc] if doc else list(self.corpus.documents)
            for d in docs:
                try:
                    clause = self.corpus.clause(cid, d)
                except CorpusError:
                    continue
                ch = self._by_clause.get((clause.doc_id, clause.id))
                if ch is not None and ch not in out:
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


_BLAS = None


def _one_blas_thread():
    """Run a matrix-vector product on one BLAS thread: on a small shared box OpenBLAS' threads spin against
    other processes (23k x 384 product: p95 12 ms with its threads, 2.3 ms with one)."""
    global _BLAS
    if _BLAS is None:
        try:
            from threadpoolctl import ThreadpoolController

            _BLAS = ThreadpoolController()
        except ImportError:  # optional: without it numpy keeps its own threading
            _BLAS = False
    if _BLAS is False:
        import contextlib

        return contextlib.nullcontext()
    return _BLAS.limit(limits=1, user_api="blas")


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
