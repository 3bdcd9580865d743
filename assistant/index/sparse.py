"""Sparse retrieval: jieba tokens with the policy glossary, and BM25 (bm25s) over clause chunks."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from corpus import BUNDLED_DIR

GLOSSARY_PATH = BUNDLED_DIR / "glossary.yaml"
VOCAB_VERSION = 2
_MAX_WORD = 8  # longer dictionary words are rare; substrings up to this length are looked up
_GLOSSARY_FREQ = 200_000  # high enough that a glossary term always beats its pieces

# Punctuation, whitespace and question words carry no topic; dropping them keeps BM25 on the content words.
_STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 对 按 为 吗 呢 啊 吧 么 呀 就 都 也 还 要 有 没 个 这 那 我 你 他 她 它 们 我们 你们 "
    "请问 请 问 想 想问 一下 怎么 怎样 如何 多少 什么 哪些 哪个 哪 几 能 能否 可以 可 是否 会 需要 给 让 被 把 "
    "之 其 其中 以 等 该 上述 相关".split()
)
_KEEP = re.compile(r"[\w\u4e00-\u9fff%％]")


@lru_cache(maxsize=1)
def load_glossary(path: str | None = None) -> dict:
    """The policy-term dictionary: {"terms": [{"term", "aliases", "note"}, …]} (corpus/glossary.yaml)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: ~10x faster at start-up
    data = yaml.load(Path(path or GLOSSARY_PATH).read_text(encoding="utf-8"), Loader=loader) or {}
    return {"terms": [t for t in data.get("terms") or [] if t.get("term")]}


def _glossary_words(glossary: dict) -> tuple[list[str], dict[str, str]]:
    words, canonical = [], {}
    for t in glossary["terms"]:
        words.append(str(t["term"]))
        for a in t.get("aliases") or []:
            words.append(str(a))
            canonical[str(a)] = str(t["term"])
    return words, canonical


def _jieba_dict_path() -> Path:
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


@lru_cache(maxsize=1)
def _jieba_dictionary() -> tuple[dict[str, int], int]:
    """jieba's dictionary as {word: frequency} and its total, read once per process that builds (~0.7 s)."""
    dict_freq: dict[str, int] = {}
    total = 0
    with open(_jieba_dict_path(), encoding="utf-8") as f:
        for line in f:
            word, cnt = line.split(" ", 2)[:2]
            dict_freq[word] = int(cnt)
            total += int(cnt)
    return dict_freq, total


def build_vocab(texts: Iterable[str], glossary: dict) -> dict:
    """The part of jieba's 350k-word dictionary that can ever match TEXTS, plus the glossary.

    Segmentation only looks at dictionary words that are substrings of the sentence, so keeping exactly
    those (and jieba's original frequency total) segments the corpus as the full dictionary would,
    while loading in milliseconds instead of the ~1 s jieba needs for its full dictionary."""
    dict_freq, total = _jieba_dictionary()
    freq: dict[str, int] = {}
    for text in set(texts):
        n = len(text)
        for i in range(n):
            for j in range(i + 1, min(n, i + _MAX_WORD) + 1):
                w = text[i:j]
                if w in dict_freq:
                    freq[w] = dict_freq[w]
    for w in _STOPWORDS:  # question words must segment as words to be dropped, not glue onto content
        if w in dict_freq:
            freq[w] = dict_freq[w]
    words, _ = _glossary_words(glossary)
    for w in words:
        freq[w] = max(freq.get(w, 0), _GLOSSARY_FREQ)
    return {"version": VOCAB_VERSION, "total": total, "freq": dict(sorted(freq.items()))}


class PolicyTokenizer:
    """jieba with a corpus-pruned dictionary and the glossary; search-mode cut, aliases also give their term.

    HMM is off: a word the corpus never uses falls apart into single characters instead of being glued onto
    its neighbours (补多少), which keeps query and document segmentation consistent."""

    def __init__(self, vocab: dict, glossary: dict):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        pf: dict[str, int] = {}
        for w, f in vocab["freq"].items():
            pf[w] = f
            for k in range(1, len(w)):
                pf.setdefault(w[:k], 0)
        # Set the state initialize() would build from the full dictionary; no file is read.
        tk.FREQ, tk.total, tk.initialized = pf, vocab["total"], True
        self._tk = tk
        self._lock = threading.Lock()  # jieba's tokenizer is not documented as thread-safe
        self._canonical = _glossary_words(glossary)[1]

    def __call__(self, text: str) -> list[str]:
        with self._lock:
            raw = list(self._tk.cut_for_search(text.lower(), HMM=False))
        out: list[str] = []
        for t in raw:
            t = t.strip()
            if not t or t in _STOPWORDS or not _KEEP.search(t):
                continue
            out.append(t)
            canon = self._canonical.get(t)
            if canon:
                out.append(canon)
        return out

    @classmethod
    def for_texts(cls, texts: list[str], cache_dir: Path | None, glossary: dict | None = None) -> PolicyTokenizer:
        """A tokenizer whose vocabulary covers TEXTS; the pruned vocabulary is cached under CACHE_DIR."""
        glossary = glossary or load_glossary()
        h = hashlib.sha256(f"v{VOCAB_VERSION}".encode())
        h.update(json.dumps(glossary, ensure_ascii=False, sort_keys=True).encode())
        for t in texts:
            h.update(t.encode())
        path = Path(cache_dir) / f"jieba-vocab-{h.hexdigest()[:16]}.json" if cache_dir else None
        vocab = None
        if path and path.is_file():
            try:
                vocab = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                vocab = None
        if vocab is None:
            vocab = build_vocab(texts, glossary)
            if path:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, path)
        return cls(vocab, glossary)


class SparseIndex:
    """BM25 over the chunks' token lists, rows in chunk order.

    bm25s builds the index (its eager "lucene" scoring: one precomputed score per token and row) and saves it;
    queries read that saved sparse matrix with numpy alone, which avoids importing bm25s/scipy (~0.4 s) on
    every start. tests/test_retrieval_sparse.py checks the scores equal bm25s' own get_scores."""

    def __init__(self, data, indices, indptr, vocab: dict[str, int], num_docs: int):
        self._data, self._indices, self._indptr = data, indices, indptr
        self._vocab = vocab
        self._n = int(num_docs)

    @property
    def num_docs(self) -> int:
        return self._n

    @staticmethod
    def build_bm25(token_lists: list[list[str]]):
        import bm25s

        bm25 = bm25s.BM25(method="lucene")
        # an empty chunk would break bm25s' vocabulary; give it a token nothing queries for
        bm25.index([toks or ["\u0000"] for toks in token_lists], show_progress=False)
        return bm25

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> SparseIndex:
        import numpy as np

        b = cls.build_bm25(token_lists)
        s = b.scores
        ncols = len(s["indptr"]) - 1  # bm25s appends an empty token to its vocabulary without a column
        vocab = {t: i for t, i in b.vocab_dict.items() if i < ncols}
        data, indices, indptr = np.asarray(s["data"]), np.asarray(s["indices"]), np.asarray(s["indptr"])
        for c in range(ncols):  # rows ascending within each column, so coverage() can binary-search them
            a, z = int(indptr[c]), int(indptr[c + 1])
            if z - a > 1 and (np.diff(indices[a:z]) <= 0).any():
                order = np.argsort(indices[a:z], kind="stable")
                indices[a:z], data[a:z] = indices[a:z][order], data[a:z][order]
        return cls(data, indices, indptr, vocab, s["num_docs"])

    def save(self, folder: Path) -> None:
        import numpy as np

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "data.npy", self._data, allow_pickle=False)
        np.save(folder / "indices.npy", self._indices, allow_pickle=False)
        np.save(folder / "indptr.npy", self._indptr, allow_pickle=False)
        meta = {"num_docs": self._n, "method": "lucene", "vocab": self._vocab}
        (folder / "bm25.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    FILES = ("bm25.json", "data.npy", "indices.npy", "indptr.npy")

    @classmethod
    def load(cls, folder: Path) -> SparseIndex:
        folder = Path(folder)
        return cls.from_bytes({n: (folder / n).read_bytes() for n in cls.FILES})

    @classmethod
    def from_bytes(cls, files: dict[str, bytes]) -> SparseIndex:
        """The index from the contents of its files (read once, so they can be checked and parsed as the same bytes)."""
        import io

        import numpy as np

        meta = json.loads(files["bm25.json"].decode("utf-8"))
        arrs = [np.load(io.BytesIO(files[f"{n}.npy"]), allow_pickle=False) for n in ("data", "indices", "indptr")]
        if len(arrs[2]) != len(meta["vocab"]) + 1 or len(arrs[0]) != len(arrs[1]):
            raise ValueError("BM25 index arrays do not match its vocabulary")
        return cls(*arrs, meta["vocab"], meta["num_docs"])

    def idf(self, token: str) -> float:
        """BM25's (lucene) inverse document frequency; a term no chunk contains weighs the most."""
        import math

        c = self._vocab.get(token)
        df = 0 if c is None else int(self._indptr[c + 1] - self._indptr[c])
        return math.log(1.0 + (self._n - df + 0.5) / (df + 0.5))

    def coverage(self, tokens: list[str], row: int) -> float:
        """The share of the distinct TOKENS' idf weight that chunk ROW contains (1.0: every term is in it)."""
        total = found = 0.0
        for t in dict.fromkeys(tokens):
            w = self.idf(t)
            total += w
            c = self._vocab.get(t)
            if c is not None:
                col = self._indices[self._indptr[c] : self._indptr[c + 1]]  # sorted rows (see build)
                j = int(col.searchsorted(row))
                if j < len(col) and col[j] == row:
                    found += w
        return found / total if total else 0.0

    def scores(self, tokens: list[str]):
        """BM25 score of every row for TOKENS (repeated tokens count again; unknown ones add nothing)."""
        import numpy as np

        cols = [self._vocab[t] for t in tokens if t in self._vocab]
        if not cols:
            return np.zeros(self._n, dtype=np.float32)
        idx = np.concatenate([self._indices[self._indptr[c] : self._indptr[c + 1]] for c in cols])
        val = np.concatenate([self._data[self._indptr[c] : self._indptr[c + 1]] for c in cols])
        # bincount sums repeated rows in one C pass (np.add.at is ~10x slower at 20k+ rows)
        return np.bincount(idx, weights=val, minlength=self._n).astype(np.float32)

_DEFAULT_TOKENIZER: PolicyTokenizer | None = None
_DEFAULT_LOCK = threading.Lock()


def default_tokenizer() -> PolicyTokenizer:
    """The tokenizer for the default corpus (bundled + user documents), vocabulary cached under the data dir."""
    global _DEFAULT_TOKENIZER
    with _DEFAULT_LOCK:
        if _DEFAULT_TOKENIZER is None:
            from assistant.index.chunks import corpus_chunks
            from assistant.settings import load_settings
            from corpus.store import library_at

            settings = load_settings()
            texts = [c.embed_text for cs in corpus_chunks(library_at(Path(settings.corpus_dir))).values() for c in cs]
            _DEFAULT_TOKENIZER = PolicyTokenizer.for_texts(texts, Path(settings.data_dir) / "cache")
        return _DEFAULT_TOKENIZER
