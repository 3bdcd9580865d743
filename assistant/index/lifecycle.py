"""Index lifecycle: manifest of document hashes and model, incremental rebuilds, corruption recovery, the per-process cache."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from pathlib import Path

from assistant.index.chunks import Chunk, chunks_hash, corpus_chunks
from corpus import Corpus

log = logging.getLogger("assistant.index")

INDEX_FORMAT = 2
MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
VECTORS = "vectors.npy"
VOCAB = "vocab.json"
BM25_DIR = "bm25"
LOCK = ".lock"


class IndexCorrupt(Exception):
    """Something in the index directory cannot be read back; the directory is moved aside and rebuilt."""


def _emit(progress, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def glossary_hash() -> str:
    from assistant.index.sparse import VOCAB_VERSION, load_glossary

    raw = json.dumps([VOCAB_VERSION, load_glossary()], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def index_folder(settings) -> Path:
    """Local mode: settings.index_dir. Server mode keeps its manifest and BM25 beside it, per server URL."""
    base = Path(settings.index_dir)
    if settings.chroma_url:
        return base.with_name(f"{base.name}-remote-{hashlib.sha256(settings.chroma_url.encode()).hexdigest()[:10]}")
    return base


@contextlib.contextmanager
def _locked(folder: Path):
    """Exclusive build lock, so two processes starting at once do not build over each other."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a+") as fh:
        try:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX)
        except ImportError:  # Windows: no advisory lock; single-process use is still correct
            pass
        yield


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read_manifest(folder: Path) -> dict | None:
    p = folder / MANIFEST
    if not p.exists():
        return None
    try:
        m = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexCorrupt(f"{MANIFEST} 无法读取（{e}）") from e
    if not isinstance(m, dict) or not isinstance(m.get("docs"), dict) or not isinstance(m.get("chunk_ids"), list):
        raise IndexCorrupt(f"{MANIFEST} 内容不完整")
    return m


def _check_chroma_sqlite(folder: Path) -> None:
    """Cheap integrity check of chroma's sqlite file without importing chromadb (~1 s import)."""
    from assistant.index.store import CHROMA_SUBDIR

    db = folder / CHROMA_SUBDIR / "chroma.sqlite3"
    if not db.is_file():
        raise IndexCorrupt("chroma.sqlite3 缺失")
    with open(db, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise IndexCorrupt("chroma.sqlite3 文件头损坏")
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            con.execute("SELECT count(*) FROM embeddings").fetchone()
            con.execute("SELECT count(*) FROM embedding_metadata").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise IndexCorrupt(f"chroma.sqlite3 无法读取（{e}）") from e


def move_aside(folder: Path, reason: str) -> Path:
    """Rename a corrupted index directory to <name>.corrupt-<timestamp> and say so in the log."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder.with_name(f"{folder.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = folder.with_name(f"{folder.name}.corrupt-{stamp}-{n}")
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()  # chroma caches one client per path; the old one must go
    except Exception:  # chromadb not imported yet or API moved: nothing cached  # noqa: BLE001
        pass
    os.replace(folder, target)
    log.warning("检索索引已损坏（%s）：已移至 %s，正在重建。", reason, target)
    return target


class _Loaded:
    """What is on disk, read back and checked."""

    def __init__(self, manifest, chunks, vectors, vocab, sparse):
        self.manifest, self.chunks, self.vectors, self.vocab, self.sparse = manifest, chunks, vectors, vocab, sparse


def _load(folder: Path, settings, manifest: dict) -> _Loaded:
    import numpy as np

    from assistant.index.sparse import SparseIndex

    try:
        recs = json.loads((folder / CHUNKS).read_text(encoding="utf-8"))
        chunks = [Chunk.from_record(r) for r in recs]
        vocab = json.loads((folder / VOCAB).read_text(encoding="utf-8"))
        sparse = SparseIndex.load(folder / BM25_DIR)
        vectors = None
        if not settings.chroma_url:
            _check_chroma_sqlite(folder)
            vectors = np.load(folder / VECTORS, allow_pickle=False)
            if vectors.dtype != np.float32 or vectors.shape != (len(chunks), manifest.get("dim")):
                raise IndexCorrupt(f"{VECTORS} 形状不符：{vectors.shape}")
    except IndexCorrupt:
        raise
    except Exception as e:  # any unreadable file (json, npy, bm25s) means the same: rebuild  # noqa: BLE001
        raise IndexCorrupt(f"索引文件无法读取（{type(e).__name__}: {e}）") from e
    if [c.id for c in chunks] != manifest["chunk_ids"]:
        raise IndexCorrupt("chunks.json 与 manifest 不一致")
    if sparse.num_docs != len(chunks):
        raise IndexCorrupt("BM25 行数与条款数不一致")
    return _Loaded(manifest, chunks, vectors, vocab, sparse)


def plan(settings, corpus: Corpus, emb, manifest: dict | None) -> dict:
    """What a build must do: documents to (re-)embed and remove, and whether BM25/vocab need rebuilding."""
    per_doc = corpus_chunks(corpus)
    hashes = {d: chunks_hash(cs) for d, cs in per_doc.items()}
    model = emb.model_id
    store = settings.chroma_url or "local"
    full = (
        manifest is None or manifest.get("format") != INDEX_FORMAT or manifest.get("model") != model
        or manifest.get("store") != store
    )
    old = {} if full else {d: v.get("hash") for d, v in manifest["docs"].items()}
    changed = [d for d in per_doc if old.get(d) != hashes[d]]
    removed = [d for d in old if d not in per_doc]
    order = [c.id for cs in per_doc.values() for c in cs]
    sparse_stale = full or bool(changed or removed) or manifest.get("glossary") != glossary_hash() \
        or manifest.get("chunk_ids") != order
    return {
        "full": full, "changed": changed, "removed": removed, "per_doc": per_doc, "hashes": hashes,
        "model": model, "store": store, "sparse_stale": sparse_stale,
        "fresh": not (full or changed or removed or sparse_stale),
    }


def _build(folder: Path, settings, corpus: Corpus, emb, manifest: dict | None, old: _Loaded | None,
           progress=None, force: bool = False) -> dict:
    """Embed what changed into chroma, then rewrite the chunk table, vector mirror, vocabulary and BM25."""
    import numpy as np

    from assistant.index import store
    from assistant.index.sparse import PolicyTokenizer, SparseIndex, build_vocab, load_glossary

    t0 = time.perf_counter()
    p = plan(settings, corpus, emb, None if force else manifest)
    per_doc = p["per_doc"]
    all_chunks = [c for cs in per_doc.values() for c in cs]
    folder.mkdir(parents=True, exist_ok=True)

    client = store.open_client(folder, settings.chroma_url)
    if p["full"] and manifest is not None and manifest.get("model") and manifest.get("store") == p["store"]:
        store.drop_collection(client, manifest["model"])  # a previous model's vectors are useless now
    if p["full"]:
        store.drop_collection(client, p["model"])
    col = store.get_collection(client, p["model"])

    for d in p["removed"]:
        store.delete_doc(col, d)
    to_embed = [c for d in p["changed"] for c in per_doc[d]]
    for d in p["changed"]:
        store.delete_doc(col, d)
    done = 0
    _emit(progress, "embed", 0, len(to_embed))
    new_vecs: dict[str, np.ndarray] = {}
    step = 64
    for i in range(0, len(to_embed), step):
        part = to_embed[i : i + step]
        vecs = emb.embed_passages([c.embed_text for c in part])
        store.upsert_chunks(col, part, vecs)
        new_vecs.update(zip((c.id for c in part), vecs, strict=True))
        done += len(part)
        _emit(progress, "embed", done, len(to_embed))

    # chroma may hold ids a crashed build left behind: the manifest is the truth
    wanted = {c.id for c in all_chunks}
    stored = set(col.get(include=[])["ids"])
    extra = sorted(stored - wanted)
    if extra:
        col.delete(ids=extra)
    if len(stored & wanted) + len(new_vecs.keys() - stored) < len(wanted):
        missing = sorted(wanted - stored - new_vecs.keys())
        raise IndexCorrupt(f"向量库缺少 {len(missing)} 个条款（例如 {missing[0]}）")

    vectors = None
    dim = int(next(iter(new_vecs.values())).shape[0]) if new_vecs else int((manifest or {}).get("dim") or 0)
    if not settings.chroma_url:
        _emit(progress, "vectors", 0, len(all_chunks))
        rows = []
        old_row = {c.id: i for i, c in enumerate(old.chunks)} if old is not None and old.vectors is not None else {}
        need = [c.id for c in all_chunks if c.id not in new_vecs and c.id not in old_row]
        fetched = dict(zip(need, store.fetch_vectors(col, need), strict=True)) if need else {}
        for c in all_chunks:
            if c.id in new_vecs:
                rows.append(new_vecs[c.id])
            elif c.id in old_row:
                rows.append(old.vectors[old_row[c.id]])
            else:
                rows.append(fetched[c.id])
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(all_chunks), -1)
        dim = vectors.shape[1]
        buf = _npy_bytes(vectors)
        _write_atomic(folder / VECTORS, buf)
        _emit(progress, "vectors", len(all_chunks), len(all_chunks))

    if p["sparse_stale"] or old is None:
        _emit(progress, "bm25", 0, len(all_chunks))
        glossary = load_glossary()
        texts = [c.embed_text for c in all_chunks]
        vocab = build_vocab(texts, glossary)
        tok = PolicyTokenizer(vocab, glossary)
        sparse = SparseIndex.build([tok(t) for t in texts])
        tmp = folder / f"{BM25_DIR}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        sparse.save(tmp)
        shutil.rmtree(folder / BM25_DIR, ignore_errors=True)
        os.replace(tmp, folder / BM25_DIR)
        _write_atomic(folder / VOCAB, json.dumps(vocab, ensure_ascii=False).encode())
        _emit(progress, "bm25", len(all_chunks), len(all_chunks))

    _write_atomic(folder / CHUNKS, json.dumps([c.to_record() for c in all_chunks], ensure_ascii=False).encode())
    new_manifest = {
        "format": INDEX_FORMAT, "model": p["model"], "dim": dim, "store": p["store"],
        "collection": store.collection_name(p["model"]), "glossary": glossary_hash(),
        "docs": {d: {"hash": p["hashes"][d], "chunks": len(cs)} for d, cs in per_doc.items()},
        "chunk_ids": [c.id for c in all_chunks], "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    _write_atomic(folder / MANIFEST, json.dumps(new_manifest, ensure_ascii=False, indent=1).encode())
    return {
        "full": p["full"], "embedded_docs": p["changed"], "removed_docs": p["removed"],
        "embedded_chunks": len(to_embed), "chunks": len(all_chunks), "seconds": round(time.perf_counter() - t0, 3),
    }


def _npy_bytes(arr) -> bytes:
    import io

    import numpy as np

    b = io.BytesIO()
    np.save(b, arr, allow_pickle=False)
    return b.getvalue()


def _try_load(folder: Path, settings) -> tuple[dict | None, _Loaded | None]:
    manifest = _read_manifest(folder)
    if manifest is None:
        return None, None
    if manifest.get("format") != INDEX_FORMAT:  # written by another version: rebuild, it is not damage
        return manifest, None
    return manifest, _load(folder, settings, manifest)


def _open(folder: Path, settings, corpus: Corpus, emb, loaded: _Loaded):
    from assistant.index.hybrid import HybridIndex
    from assistant.index.sparse import PolicyTokenizer, load_glossary

    collection = None
    if settings.chroma_url:
        from assistant.index import store

        collection = store.get_collection(store.open_client(folder, settings.chroma_url), loaded.manifest["model"])
    return HybridIndex(
        settings=settings, corpus=corpus, embeddings=emb, chunks=loaded.chunks,
        tokenizer=PolicyTokenizer(loaded.vocab, load_glossary()), sparse=loaded.sparse,
        vectors=loaded.vectors, collection=collection, folder=folder,
    )


def _remote_intact(settings, manifest: dict) -> bool:
    """Server mode: the collection still holds what the manifest says (a server may have been wiped)."""
    from assistant.index import store

    try:
        col = store.get_collection(store.open_client(Path("."), settings.chroma_url), manifest["model"], create=False)
        return col.count() == len(manifest["chunk_ids"])
    except store.StoreError:
        raise
    except Exception:  # collection missing  # noqa: BLE001
        return False


def _is_fresh(settings, corpus, emb, manifest, loaded) -> bool:
    if loaded is None or not plan(settings, corpus, emb, manifest)["fresh"]:
        return False
    return not settings.chroma_url or _remote_intact(settings, manifest)


def build_and_open(settings, corpus: Corpus, progress=None, force: bool = False, encoder=None):
    """Ensure the index for (settings, corpus) is present and fresh, then open it: (report, HybridIndex).

    ENCODER overrides the one settings.embedding names (benchmarks use it); it needs model_id,
    embed_passages(texts) and embed_query_array(text)."""
    from assistant.index.encoders import make_encoder

    emb = encoder or make_encoder(settings.embedding)
    folder = index_folder(settings)
    if not any(len(d) for d in corpus):  # nothing to index: an empty index that finds nothing
        from assistant.index.hybrid import HybridIndex

        return {"fresh": True, "embedded_chunks": 0, "chunks": 0}, HybridIndex(
            settings=settings, corpus=corpus, embeddings=emb, chunks=[], tokenizer=None, sparse=None)
    for attempt in range(2):
        try:
            manifest, loaded = _try_load(folder, settings)
            if not force and _is_fresh(settings, corpus, emb, manifest, loaded):
                return {"fresh": True, "embedded_chunks": 0, "chunks": len(loaded.chunks)}, \
                    _open(folder, settings, corpus, emb, loaded)
            with _locked(folder):
                # another process may have built it while we waited for the lock
                manifest, loaded = _try_load(folder, settings)
                if not force and _is_fresh(settings, corpus, emb, manifest, loaded):
                    report = {"fresh": True, "embedded_chunks": 0, "chunks": len(loaded.chunks)}
                else:
                    if settings.chroma_url and loaded is not None and not _remote_intact(settings, manifest):
                        manifest, loaded = None, None  # the server lost the collection: embed everything again
                    report = _build(folder, settings, corpus, emb, manifest, loaded, progress, force)
                    report["fresh"] = False
                    manifest, loaded = _try_load(folder, settings)
            return report, _open(folder, settings, corpus, emb, loaded)
        except IndexCorrupt as e:
            if attempt:
                raise
            move_aside(folder, str(e))
            force = True
        except Exception as e:
            # chromadb reports a damaged store with its own exception types; treat those as corruption
            if attempt or settings.chroma_url or not _looks_like_store_damage(e):
                raise
            move_aside(folder, f"{type(e).__name__}: {e}")
            force = True
    raise AssertionError("unreachable")


def _looks_like_store_damage(e: Exception) -> bool:
    mod = type(e).__module__ or ""
    return mod.startswith(("chromadb", "sqlite3")) or isinstance(e, sqlite3.DatabaseError) or "chroma" in str(e).lower()


# --- per-process cache -------------------------------------------------------------------------

_CACHE: dict[tuple, object] = {}
_CACHE_LOCK = threading.Lock()


def corpus_key(corpus: Corpus) -> str:
    h = hashlib.sha256()
    for d, cs in corpus_chunks(corpus).items():
        h.update(f"{d}:{chunks_hash(cs)};".encode())
    return h.hexdigest()[:16]


def default_corpus_for(settings) -> Corpus:
    """The bundled documents plus those the user added under the data directory."""
    from corpus import default_corpus, load_corpus
    from corpus.store import document_dirs

    if document_dirs(Path(settings.corpus_dir)):
        return load_corpus([settings.corpus_dir])
    return default_corpus()


def get_index(settings=None, corpus: Corpus | None = None, progress=None):
    """The hybrid index for SETTINGS and CORPUS, opened once per process; built or refreshed on first use."""
    if settings is None:
        from assistant.settings import load_settings

        settings = load_settings()
    if corpus is None:
        corpus = default_corpus_for(settings)
    key = (str(Path(settings.data_dir).resolve()), settings.embedding, settings.chroma_url, corpus_key(corpus))
    with _CACHE_LOCK:
        idx = _CACHE.get(key)
        if idx is None:
            _, idx = build_and_open(settings, corpus, progress=progress)
            _CACHE[key] = idx
        return idx


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()
