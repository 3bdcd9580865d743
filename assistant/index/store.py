"""The chromadb side of the index: writing a collection (PersistentClient or HttpClient) and querying it.

Local queries go to chroma's own engine (the Rust bindings a PersistentClient runs) without `import chromadb`,
whose Python layer costs 1.2-1.8 s to import on this machine (its API types pull in every bundled embedding
function, httpx, jsonschema, OpenTelemetry's gRPC exporter and pydantic-settings); the bindings import in
~0.07 s. If the bindings' interface ever differs from what this module expects, the same store is opened
through `chromadb.PersistentClient` instead. A server (`chroma run`) is always reached through HttpClient.
Every reader has the same small interface: `query(vector, k, where)`, `count()`, `close()`."""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from urllib.parse import urlparse

log = logging.getLogger("assistant.index")

CHROMA_SUBDIR = "chroma"
_ADD_BATCH = 1000
_TENANT, _DATABASE = "default_tenant", "default_database"


class StoreError(RuntimeError):
    """The vector store is unreachable or unusable (message in Chinese)."""


def collection_name(model_id: str) -> str:
    """One collection per embedding model, so switching models never mixes vector spaces."""
    return "clauses-" + hashlib.sha256(model_id.encode()).hexdigest()[:12]


def _chroma_settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def open_client(path: Path | None, chroma_url: str = ""):
    """HttpClient when a server URL is configured, else a PersistentClient on PATH (a chroma directory)."""
    import chromadb

    if chroma_url:
        u = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        try:
            client = chromadb.HttpClient(
                host=u.hostname or "127.0.0.1", port=u.port or (443 if u.scheme == "https" else 8000),
                ssl=u.scheme == "https", settings=_chroma_settings(),
            )
            client.heartbeat()
        except Exception as e:  # connection errors come in many types
            raise StoreError(f"无法连接向量库服务 {chroma_url}：{e}") from e
        return client
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def close_client(client) -> None:
    """Stop a client's system so a local store's files are complete and closed (chromadb ≥ 1.1 has close())."""
    close = getattr(client, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # noqa: BLE001 - closing is best effort; the files were written by each call
            log.debug("chroma client close failed", exc_info=True)


def get_collection(client, model_id: str, create: bool = True):
    name = collection_name(model_id)
    if create:
        return client.get_or_create_collection(
            name, metadata={"hnsw:space": "cosine", "model": model_id}, embedding_function=None
        )
    return client.get_collection(name, embedding_function=None)


def drop_collection(client, model_id: str) -> None:
    try:
        client.delete_collection(collection_name(model_id))
    except Exception:  # absent collection: nothing to drop  # noqa: BLE001
        pass


def upsert_chunks(collection, chunks, vectors) -> None:
    """Vectors and metadata only: the clause texts live in the chunk table, so chroma keeps no full-text copy."""
    for i in range(0, len(chunks), _ADD_BATCH):
        part = chunks[i : i + _ADD_BATCH]
        collection.upsert(
            ids=[c.id for c in part],
            embeddings=[list(map(float, v)) for v in vectors[i : i + _ADD_BATCH]],
            metadatas=[c.metadata() for c in part],
        )


def delete_doc(collection, doc_id: str) -> None:
    collection.delete(where={"doc": doc_id})


def stored_ids(collection) -> set[str]:
    return set(collection.get(include=[])["ids"])


def where_clause(docs: list[str] | None = None, as_of: int | None = None) -> dict | None:
    """chroma's metadata filter: these documents only, and in force on AS_OF (YYYYMMDD)."""
    conds: list[dict] = []
    if docs is not None:
        conds.append({"doc": {"$in": list(docs)}})
    if as_of is not None:
        conds += [{"effective": {"$lte": int(as_of)}}, {"expires": {"$gte": int(as_of)}}]
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else {"$and": conds}


def _pairs(ids, distances) -> list[tuple[str, float]]:
    """(chunk id, cosine similarity) best first; chroma's cosine space returns 1 - cos."""
    return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]


class ClientReader:
    """A chroma collection reached through chromadb's Python client (HttpClient, or PersistentClient as fallback)."""

    def __init__(self, client, collection, kind: str, owns_client: bool = False):
        self._client, self._col, self._owns = client, collection, owns_client
        self.kind = kind  # "http" or "persistent"

    def count(self) -> int:
        return self._col.count()

    def query(self, vector, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        res = self._col.query(query_embeddings=[list(map(float, vector))], n_results=k, where=where,
                              include=["distances"])
        return _pairs(res["ids"][0], res["distances"][0])

    def close(self) -> None:
        if self._owns:
            close_client(self._client)


class BindingsReader:
    """chroma's Rust engine on a local store directory, used directly (what PersistentClient wraps)."""

    kind = "bindings"

    def __init__(self, path: Path, name: str):
        import chromadb_rust_bindings as rb

        path = Path(path)
        cfg = rb.SqliteDBConfig(hash_type=rb.MigrationHash.MD5, migration_mode=rb.MigrationMode.Apply,
                                url=str(path / "chroma.sqlite3"))
        # the number of HNSW indexes kept open (PersistentClient: file-handle limit / 5); one collection is read
        self._b = rb.Bindings(allow_reset=False, sqlite_db_config=cfg, persist_path=str(path), hnsw_cache_size=16)
        self._id = str(self._b.get_collection(name, _TENANT, _DATABASE).id)
        self._lock = threading.Lock()

    def count(self) -> int:
        with self._lock:
            return int(self._b.count(self._id, _TENANT, _DATABASE))

    def query(self, vector, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        import json

        if k <= 0:
            return []
        with self._lock:
            res = self._b.query(self._id, None, [list(map(float, vector))], int(k),
                                json.dumps(where) if where else None, None, ["distances"], _TENANT, _DATABASE)
        return _pairs(res.ids[0], res.distances[0])

    def close(self) -> None:
        with self._lock:
            self._b = None


def open_local_reader(path: Path, model_id: str):
    """A reader on the local store at PATH: chroma's engine directly, else PersistentClient (same files)."""
    name = collection_name(model_id)
    try:
        return BindingsReader(path, name)
    except Exception as e:  # noqa: BLE001 - an interface change in the bindings: take the public client
        if _is_missing_collection(e):
            raise
        log.info("chroma bindings unavailable (%s: %s); using PersistentClient", type(e).__name__, e)
    client = open_client(path)
    return ClientReader(client, get_collection(client, model_id, create=False), "persistent", owns_client=True)


def _is_missing_collection(e: Exception) -> bool:
    return "does not exist" in str(e) or type(e).__name__ in ("NotFoundError", "InvalidCollectionException")


def open_remote_reader(chroma_url: str, model_id: str) -> ClientReader:
    client = open_client(None, chroma_url)
    return ClientReader(client, get_collection(client, model_id, create=False), "http")
