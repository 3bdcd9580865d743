"""A langchain BaseRetriever over the hybrid index, returning clause Documents with citation metadata."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class PolicyRetriever(BaseRetriever):
    """`PolicyRetriever(k=5).invoke("上云补贴比例")` → Documents whose page_content is the verbatim clause text."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    k: int = 5
    doc: str | None = None
    docs: list[str] | None = None  # several documents (wins over doc)
    as_of: str | None = None  # only documents in force on this date (YYYY-MM-DD)
    only_relevant: bool = False  # drop hits below the relevance floor
    index: Any = None  # a HybridIndex; None → get_index() on first use

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        if self.index is None:
            from assistant.index.lifecycle import get_index

            self.index = get_index()
        out = []
        for h in self.index.search(query, k=self.k, doc=self.doc, docs=self.docs, as_of=self.as_of):
            if self.only_relevant and not h.relevant:
                continue
            meta = {
                "doc": h.doc, "clause": h.clause, "label": h.label, "score": h.score,
                "citation": h.citation, "heading_path": " > ".join(h.heading_path), "units": "、".join(h.units),
                "via": h.via, "relevant": h.relevant,
            }
            out.append(Document(page_content=h.text, metadata=meta, id=h.citation))
        return out
