"""The chromadb side of the index: a local PersistentClient under the index directory, or a server (HttpClient)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlparse

CHROMA_SUBDIR = "chroma"
_ADD_BATCH = 1000


class StoreError(RuntimeError):
    """The vector store is unreachable or unusable (message in Chinese)."""


def collection_name(model_id: str) -> str:
    """One collection per embedding model, so switching models never mixes vector spaces."""
    return "clauses-" + hashlib.sha256(model_id.encode()).hexdigest()[:12]


def _chroma_settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def open_client(index_dir: Path, chroma_url: str = ""):
    """HttpClient when a server URL is configured, else a PersistentClient under INDEX_DIR/chroma."""
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
    path = Path(index_dir) / CHROMA_SUBDIR
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


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
    for i in range(0, len(chunks), _ADD_BATCH):
        part = chunks[i : i + _ADD_BATCH]
        collection.upsert(
            ids=[c.id for c in part],
            embeddings=vectors[i : i + _ADD_BATCH],
            documents=[c.embed_text for c in part],
            metadatas=[c.metadata() for c in part],
        )


def delete_doc(collection, doc_id: str) -> None:
    collection.delete(where={"doc": doc_id})


def fetch_vectors(collection, ids: list[str]):
    """Stored vectors for IDS, in that order ((n, dim) float32); KeyError names an id the store lacks."""
    import numpy as np

    out = {}
    for i in range(0, len(ids), _ADD_BATCH):
        got = collection.get(ids=ids[i : i + _ADD_BATCH], include=["embeddings"])
        out.update(zip(got["ids"], got["embeddings"], strict=True))
    missing = [i for i in ids if i not in out]
    if missing:
        raise KeyError(missing[0])
    if not ids:
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray([out[i] for i in ids], dtype=np.float32)


def query(collection, vector, k: int, where: dict | None = None) -> list[tuple[str, float]]:
    """(chunk id, cosine similarity) best first."""
    n = collection.count()
    if n == 0:
        return []
    res = collection.query(
        query_embeddings=[list(map(float, vector))], n_results=min(k, n), where=where, include=["distances"]
    )
    return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]
