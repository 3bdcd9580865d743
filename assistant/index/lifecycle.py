"""Index lifecycle: build into a temporary directory and swap it in, checksums of every file, verified opens,
recovery from damage under the build lock, and the per-process cache.

On disk, beside each other in the data directory:
    index/                 the current index; never written once it is in place
        manifest.json      format, model, documents, chunk ids, and size + sha256 of every other file
        chunks.json  vocab.json  bm25/*      the chunk table and the BM25 index
        chroma/            the chromadb store (chroma.sqlite3 and its segment folders)
    index.lock             the build lock (a file lock; outside index/, which is replaced whole)
    index.tmp-*            a build in progress (a builder killed mid-way leaves one; the next build removes it)
    index.corrupt-*        the last damaged index, moved aside (older ones are removed)
    index.run/*            working copies of chroma/, one per process that has the index open

Why working copies: chromadb writes to its store whenever it opens it, even only to read (a row in its
sqlite lock table; below its HNSW sync threshold, the whole vector segment, rewritten from its log with
uninitialised bytes), so the files checked at open would never match the build again, and several
processes would rewrite the same files under each other. Each process therefore checks the built store
while copying it (one read: the bytes copied are the bytes hashed) and opens its own copy."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
import sqlite3
import threading
import time
import weakref
from pathlib import Path

from assistant.index.chunks import Chunk, chunks_hash, corpus_chunks
from corpus import Corpus

log = logging.getLogger("assistant.index")

INDEX_FORMAT = 3
MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
VOCAB = "vocab.json"
BM25_DIR = "bm25"
_BLOCK = 1 << 20
_STALE_RUN_SECONDS = 60  # a working copy without its owner's lock older than this was left by a killed process


class IndexCorrupt(Exception):
    """Something in the index directory does not match what the build recorded; it is moved aside and rebuilt."""


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


def _sibling(folder: Path, suffix: str) -> Path:
    return folder.with_name(folder.name + suffix)


@contextlib.contextmanager
def _locked(folder: Path):
    """Exclusive build lock, so processes starting at once build (or repair) once and the others wait and reuse."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(_sibling(folder, ".lock"), "a+") as fh:
        try:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX)
        except ImportError:  # Windows: no advisory lock; single-process use is still correct
            pass
        yield


# --- checksums ---------------------------------------------------------------------------------

def _digest_file(path: Path) -> dict:
    h, n = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while block := f.read(_BLOCK):
            h.update(block)
            n += len(block)
    return {"size": n, "sha256": h.hexdigest()}


def checksum_tree(folder: Path) -> dict[str, dict]:
    """{relative path: {size, sha256}} of every file under FOLDER except the manifest."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != MANIFEST:
            out[p.relative_to(folder).as_posix()] = _digest_file(p)
    return out


def _manifest_digest(m: dict) -> str:
    body = {k: v for k, v in m.items() if k != "self_sha256"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _write_manifest(folder: Path, m: dict) -> None:
    m = {**m, "self_sha256": _manifest_digest(m)}
    (folder / MANIFEST).write_text(json.dumps(m, ensure_ascii=False, indent=1), encoding="utf-8")


def read_manifest(folder: Path) -> dict | None:
    """The manifest, checked against its own digest; None when there is no index at all."""
    p = folder / MANIFEST
    if not folder.exists():
        return None
    if not p.is_file():
        raise IndexCorrupt(f"{MANIFEST} 缺失")
    try:
        m = json.loads(p.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as e:
        raise IndexCorrupt(f"{MANIFEST} 无法读取（{e}）") from e
    if not isinstance(m, dict) or not isinstance(m.get("docs"), dict) or not isinstance(m.get("chunk_ids"), list):
        raise IndexCorrupt(f"{MANIFEST} 内容不完整")
    if m.get("format") == INDEX_FORMAT and m.get("self_sha256") != _manifest_digest(m):
        raise IndexCorrupt(f"{MANIFEST} 校验和不符")
    return m


def _check(rel: str, data: bytes, manifest: dict) -> bytes:
    want = manifest["files"].get(rel)
    if want is None:
        raise IndexCorrupt(f"{rel} 不在清单中")
    if len(data) != want["size"] or hashlib.sha256(data).hexdigest() != want["sha256"]:
        raise IndexCorrupt(f"{rel} 校验和不符（{len(data)} 字节，应为 {want['size']} 字节）")
    return data


def _read_checked(folder: Path, rel: str, manifest: dict) -> bytes:
    try:
        data = (folder / rel).read_bytes()
    except FileNotFoundError as e:
        raise IndexCorrupt(f"{rel} 缺失") from e
    except OSError as e:
        raise IndexCorrupt(f"{rel} 无法读取（{e}）") from e
    return _check(rel, data, manifest)


def _copy_checked(folder: Path, prefix: str, manifest: dict, target: Path) -> None:
    """Copy every manifest file under PREFIX to TARGET, checking each as it is read."""
    n = 0
    for rel in sorted(manifest["files"]):
        if not rel.startswith(prefix + "/"):
            continue
        data = _read_checked(folder, rel, manifest)
        dst = target / rel[len(prefix) + 1 :]
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(data)
        n += 1
    if not n:
        raise IndexCorrupt(f"{prefix}/ 缺失")


# --- per-process working copies of the chroma store --------------------------------------------

class _WorkingCopy:
    """A directory under index.run/ owned by this process (a held file lock says so) and removed with it."""

    def __init__(self, folder: Path, generation: str):
        root = _run_root(folder)
        _remove_orphan_copies(root)
        self.path = root / f"{generation[:12]}-{os.getpid()}-{secrets.token_hex(3)}"
        self.path.mkdir()
        self._fh = open(self.path / ".owner", "a+")  # noqa: SIM115 - held for the copy's lifetime
        _try_flock(self._fh, blocking=True)
        self._finalizer = weakref.finalize(self, _remove_copy, self.path, self._fh)

    def remove(self) -> None:
        self._finalizer()


def _run_root(folder: Path) -> Path:
    """index.run beside the index; under the system's temporary directory when the data directory is read-only."""
    root = _sibling(folder, ".run")
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
        return root
    except OSError:
        import tempfile

        tag = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]
        root = Path(tempfile.gettempdir()) / f"policy-assistant-index-run-{tag}"
        root.mkdir(parents=True, exist_ok=True)
        return root


def _try_flock(fh, blocking: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: copies are removed at exit only
        return True
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        return True
    except OSError:
        return False


def _remove_copy(path: Path, fh) -> None:
    shutil.rmtree(path, ignore_errors=True)
    with contextlib.suppress(OSError):
        fh.close()


def _remove_orphan_copies(root: Path) -> None:
    """Working copies whose process is gone (its lock is free): a kill -9 leaves them behind."""
    for d in root.iterdir():
        owner = d / ".owner"
        try:
            if not owner.exists():
                if time.time() - d.stat().st_mtime > _STALE_RUN_SECONDS:
                    shutil.rmtree(d, ignore_errors=True)
                continue
            with open(owner, "a+") as fh:
                if _try_flock(fh, blocking=False):
                    shutil.rmtree(d, ignore_errors=True)
        except OSError:
            continue


class LocalStore:
    """The dense store one process reads: a checked working copy of chroma/ and a reader on it."""

    def __init__(self, copy: _WorkingCopy, reader):
        self.copy, self.reader, self.kind = copy, reader, reader.kind

    def query(self, vector, k: int, where: dict | None = None):
        return self.reader.query(vector, k, where)

    def count(self) -> int:
        return self.reader.count()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.reader.close()
        self.copy.remove()


def _open_local_store(folder: Path, manifest: dict) -> LocalStore:
    from assistant.index import store

    copy = _WorkingCopy(folder, manifest.get("generation") or "gen")
    try:
        _copy_checked(folder, store.CHROMA_SUBDIR, manifest, copy.path / store.CHROMA_SUBDIR)
        _check_sqlite(copy.path / store.CHROMA_SUBDIR / "chroma.sqlite3")
        reader = store.open_local_reader(copy.path / store.CHROMA_SUBDIR, manifest["model"])
        n = reader.count()
    except IndexCorrupt:
        copy.remove()
        raise
    except Exception as e:  # chroma reports a damaged store with many exception types  # noqa: BLE001
        copy.remove()
        raise IndexCorrupt(f"向量库无法打开（{type(e).__name__}: {e}）") from e
    if n != len(manifest["chunk_ids"]):
        copy.remove()
        raise IndexCorrupt(f"向量库有 {n} 个条款，清单记录 {len(manifest['chunk_ids'])} 个")
    return LocalStore(copy, reader)


def _check_sqlite(db: Path) -> None:
    """The checksum already matched; this catches a store chroma itself wrote badly (cheap, stdlib only)."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise IndexCorrupt("chroma.sqlite3 完整性检查未通过")
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise IndexCorrupt(f"chroma.sqlite3 无法读取（{e}）") from e


# --- moving damage aside, leftovers --------------------------------------------------------------

def move_aside(folder: Path, reason: str) -> Path | None:
    """Rename a damaged index directory to <name>.corrupt-<timestamp>, keep only that one, say so in the log.

    Called under the build lock, so of several processes finding the same damage exactly one moves it."""
    if not folder.exists():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = _sibling(folder, f".corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = _sibling(folder, f".corrupt-{stamp}-{n}")
    os.replace(folder, target)
    for old in folder.parent.glob(f"{folder.name}.corrupt-*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    log.warning("检索索引已损坏（%s）：已移至 %s，正在重建。", reason, target)
    return target


def _remove_leftovers(folder: Path) -> None:
    """Builds that died (index.tmp-*) and swaps cut short (index.old-*); only called under the build lock."""
    for pattern in (".tmp-*", ".old-*"):
        for d in folder.parent.glob(folder.name + pattern):
            shutil.rmtree(d, ignore_errors=True)


def _swap_in(tmp: Path, folder: Path) -> None:
    """Put the finished build in place: one atomic exchange where the OS has it, else two renames."""
    if folder.exists() and _exchange(tmp, folder):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous index
        return
    old = None
    if folder.exists():
        old = _sibling(folder, f".old-{os.getpid()}-{secrets.token_hex(3)}")
        os.replace(folder, old)
    os.replace(tmp, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE) (Linux ≥ 3.15): readers never see the index missing."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


# --- loading and building --------------------------------------------------------------------------

class _Loaded:
    """What is on disk, read back and checked."""

    def __init__(self, manifest, chunks, vocab, sparse, dense):
        self.manifest, self.chunks, self.vocab, self.sparse, self.dense = manifest, chunks, vocab, sparse, dense

    def close(self) -> None:
        if self.dense is not None:
            self.dense.close()


def _load(folder: Path, settings, manifest: dict) -> _Loaded:
    """Every file checked against the manifest while it is read; the chroma store copied for this process."""
    from assistant.index.sparse import SparseIndex

    if not isinstance(manifest.get("files"), dict) or not manifest["files"]:
        raise IndexCorrupt(f"{MANIFEST} 没有文件校验和")
    try:
        recs = json.loads(_read_checked(folder, CHUNKS, manifest).decode("utf-8"))
        chunks = [Chunk.from_record(r) for r in recs]
        vocab = json.loads(_read_checked(folder, VOCAB, manifest).decode("utf-8"))
        sparse = SparseIndex.from_bytes({n: _read_checked(folder, f"{BM25_DIR}/{n}", manifest) for n in SparseIndex.FILES})
    except IndexCorrupt:
        raise
    except Exception as e:  # a file that matches its checksum but does not parse: written badly, rebuild  # noqa: BLE001
        raise IndexCorrupt(f"索引文件无法读取（{type(e).__name__}: {e}）") from e
    if [c.id for c in chunks] != manifest["chunk_ids"]:
        raise IndexCorrupt("chunks.json 与 manifest 不一致")
    if sparse.num_docs != len(chunks):
        raise IndexCorrupt("BM25 行数与条款数不一致")
    dense = None if settings.chroma_url else _open_local_store(folder, manifest)
    return _Loaded(manifest, chunks, vocab, sparse, dense)


def _try_load(folder: Path, settings) -> tuple[dict | None, _Loaded | None]:
    """(manifest, loaded): (None, None) with no index; (manifest, None) for another format (rebuild, no damage).

    A build swapped in while we read shows as a changed manifest, not as damage: read again."""
    for _ in range(3):
        manifest = read_manifest(folder)
        if manifest is None:
            return None, None
        if manifest.get("format") != INDEX_FORMAT:
            return manifest, None
        try:
            return manifest, _load(folder, settings, manifest)
        except IndexCorrupt:
            try:
                again = read_manifest(folder)
            except IndexCorrupt:
                again = None
            if again is None or again.get("self_sha256") == manifest.get("self_sha256"):
                raise
    raise IndexCorrupt("索引在读取期间反复被替换")


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
    """Build the index into index.tmp-*, re-embedding changed documents only, then swap it in."""
    from assistant.index import store

    t0 = time.perf_counter()
    p = plan(settings, corpus, emb, None if force or old is None else manifest)
    per_doc = p["per_doc"]
    all_chunks = [c for cs in per_doc.values() for c in cs]
    tmp = _sibling(folder, f".tmp-{os.getpid()}-{secrets.token_hex(3)}")
    tmp.mkdir(parents=True)
    dirty = _sibling(folder, ".dirty")
    try:
        remote = bool(settings.chroma_url)
        if remote:  # the server's collection changes in place: until the new manifest is in, it matches neither
            dirty.touch()
        if not remote and not p["full"]:
            _copy_checked(folder, store.CHROMA_SUBDIR, manifest, tmp / store.CHROMA_SUBDIR)
        client = store.open_client(None if remote else tmp / store.CHROMA_SUBDIR, settings.chroma_url)
        try:
            to_embed, dim = _update_collection(client, p, manifest, emb, progress)
        finally:
            if not remote:
                store.close_client(client)
        _emit(progress, "bm25", 0, len(all_chunks))
        if p["sparse_stale"] or old is None:
            vocab, sparse = _build_sparse(all_chunks)
        else:
            vocab, sparse = old.vocab, old.sparse
        sparse.save(tmp / BM25_DIR)
        (tmp / VOCAB).write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        _emit(progress, "bm25", len(all_chunks), len(all_chunks))
        (tmp / CHUNKS).write_text(json.dumps([c.to_record() for c in all_chunks], ensure_ascii=False), encoding="utf-8")
        if not dim:
            dim = int((manifest or {}).get("dim") or 0)
        _write_manifest(tmp, {
            "format": INDEX_FORMAT, "generation": secrets.token_hex(8), "model": p["model"], "dim": dim,
            "store": p["store"], "collection": store.collection_name(p["model"]), "glossary": glossary_hash(),
            "docs": {d: {"hash": p["hashes"][d], "chunks": len(cs)} for d, cs in per_doc.items()},
            "chunk_ids": [c.id for c in all_chunks], "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "files": checksum_tree(tmp),
        })
        if old is not None:
            old.close()
        _swap_in(tmp, folder)
        dirty.unlink(missing_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "full": p["full"], "embedded_docs": p["changed"], "removed_docs": p["removed"],
        "embedded_chunks": len(to_embed), "chunks": len(all_chunks), "seconds": round(time.perf_counter() - t0, 3),
    }


def _update_collection(client, p: dict, manifest: dict | None, emb, progress) -> tuple[list[Chunk], int]:
    """Embed what changed into the collection and drop what left; (chunks embedded, vector dimension)."""
    from assistant.index import store

    if p["full"] and manifest is not None and manifest.get("model") and manifest.get("store") == p["store"]:
        store.drop_collection(client, manifest["model"])  # a previous model's vectors are useless now
    if p["full"]:
        store.drop_collection(client, p["model"])
    col = store.get_collection(client, p["model"])
    per_doc = p["per_doc"]
    for d in p["removed"]:
        store.delete_doc(col, d)
    to_embed = [c for d in p["changed"] for c in per_doc[d]]
    for d in p["changed"]:
        store.delete_doc(col, d)
    _emit(progress, "embed", 0, len(to_embed))
    dim, done, step = 0, 0, 64
    for i in range(0, len(to_embed), step):
        part = to_embed[i : i + step]
        vecs = emb.embed_passages([c.embed_text for c in part])
        dim = int(vecs.shape[1])
        store.upsert_chunks(col, part, vecs)
        done += len(part)
        _emit(progress, "embed", done, len(to_embed))
    # the collection may hold ids a crashed build (server mode) left behind: the chunk list is the truth
    wanted = {c.id for cs in per_doc.values() for c in cs}
    stored = store.stored_ids(col)
    extra = sorted(stored - wanted)
    if extra:
        col.delete(ids=extra)
    missing = sorted(wanted - stored)
    if missing:
        raise IndexCorrupt(f"向量库缺少 {len(missing)} 个条款（例如 {missing[0]}）")
    return to_embed, dim


def _build_sparse(all_chunks: list[Chunk]):
    from assistant.index.sparse import PolicyTokenizer, SparseIndex, build_vocab, load_glossary

    glossary = load_glossary()
    texts = [c.embed_text for c in all_chunks]
    vocab = build_vocab(texts, glossary)
    tok = PolicyTokenizer(vocab, glossary)
    return vocab, SparseIndex.build([tok(t) for t in texts])


def _open(folder: Path, settings, corpus: Corpus, emb, loaded: _Loaded):
    from assistant.index.hybrid import HybridIndex
    from assistant.index.sparse import PolicyTokenizer, load_glossary

    dense = loaded.dense
    if settings.chroma_url:
        from assistant.index import store

        dense = store.open_remote_reader(settings.chroma_url, loaded.manifest["model"])
    return HybridIndex(
        settings=settings, corpus=corpus, embeddings=emb, chunks=loaded.chunks,
        tokenizer=PolicyTokenizer(loaded.vocab, load_glossary()), sparse=loaded.sparse,
        dense=dense, folder=folder, manifest=loaded.manifest,
    )


def _remote_intact(settings, manifest: dict) -> bool:
    """Server mode: the collection still holds what the manifest says (a server may have been wiped, or a build
    that changed it died before writing its manifest)."""
    from assistant.index import store

    if _sibling(index_folder(settings), ".dirty").exists():
        return False
    try:
        reader = store.open_remote_reader(settings.chroma_url, manifest["model"])
        return reader.count() == len(manifest["chunk_ids"])
    except store.StoreError:
        raise
    except Exception:  # collection missing  # noqa: BLE001
        return False


def _is_fresh(settings, corpus, emb, manifest, loaded) -> bool:
    if loaded is None or not plan(settings, corpus, emb, manifest)["fresh"]:
        return False
    return not settings.chroma_url or _remote_intact(settings, manifest)


def build_and_open(settings, corpus: Corpus, progress=None, force: bool = False, encoder=None):
    """Ensure the index for (settings, corpus) is present, intact and fresh, then open it: (report, HybridIndex).

    The report says "fresh": True only when every file matched its recorded checksum and nothing had to be
    rebuilt; "repaired" names the damage found, if any. ENCODER overrides the one settings.embedding names
    (benchmarks use it); it needs model_id, embed_passages(texts) and embed_query_array(text)."""
    from assistant.index.encoders import make_encoder

    emb = encoder or make_encoder(settings.embedding)
    folder = index_folder(settings)
    if not any(len(d) for d in corpus):  # nothing to index: an empty index that finds nothing
        from assistant.index.hybrid import HybridIndex

        return {"fresh": True, "embedded_chunks": 0, "chunks": 0}, HybridIndex(
            settings=settings, corpus=corpus, embeddings=emb, chunks=[], tokenizer=None, sparse=None)
    if not force:  # the common case, without waiting for the lock: intact and fresh
        with contextlib.suppress(IndexCorrupt):
            manifest, loaded = _try_load(folder, settings)
            if _is_fresh(settings, corpus, emb, manifest, loaded):
                return {"fresh": True, "embedded_chunks": 0, "chunks": len(loaded.chunks)}, \
                    _open(folder, settings, corpus, emb, loaded)
            if loaded is not None:
                loaded.close()
    with _locked(folder):
        _remove_leftovers(folder)
        repaired = None
        try:  # another process may have built or repaired it while we waited for the lock
            manifest, loaded = _try_load(folder, settings)
        except IndexCorrupt as e:
            repaired = str(e)
            move_aside(folder, repaired)
            manifest, loaded = None, None
        if not force and _is_fresh(settings, corpus, emb, manifest, loaded):
            report = {"fresh": True, "embedded_chunks": 0, "chunks": len(loaded.chunks)}
        else:
            if settings.chroma_url and loaded is not None and not _remote_intact(settings, manifest):
                manifest, loaded = None, None  # the server lost the collection: embed everything again
            report = _build(folder, settings, corpus, emb, manifest, loaded, progress, force)
            report["fresh"] = False
            manifest, loaded = _try_load(folder, settings)
            if loaded is None:
                raise IndexCorrupt("刚建立的索引无法读取")
        if repaired:
            report["repaired"] = repaired
        return report, _open(folder, settings, corpus, emb, loaded)


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
    from corpus.store import library_at

    return library_at(Path(settings.corpus_dir))


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
