"""Clause lookup for people and tools: a reference in, the verbatim clause with its context out."""

from __future__ import annotations

from corpus import Clause, Corpus


def clause_record(corpus: Corpus, clause: Clause) -> dict:
    doc = corpus.document(clause.doc_id)
    return {
        "doc": clause.doc_id,
        "doc_number": doc.doc_number,
        "clause": clause.id,
        "citation": clause.citation,
        "label": clause.label,
        "heading": clause.heading,
        "heading_path": doc.heading_path(clause.id),
        "text": clause.text or clause.full_text,
        "units": list(doc.responsible_units(clause.id)),
        "own_units": list(clause.units),
        "parent": clause.parent,
        "children": list(clause.children),
    }


def lookup_clause(corpus: Corpus, ref: str) -> dict:
    """The clause named by `ref` (4.3.1, 四（三）1, doc#4.3.1). Raises ClauseNotFound with suggestions."""
    return clause_record(corpus, corpus.clause(ref))


def outline(corpus: Corpus, docs: list[str] | None = None) -> list[dict]:
    """The clauses of the named documents (every document when None) in order, with depth, for printing a tree."""
    rows = []
    for doc in (corpus.document(d) for d in docs) if docs is not None else corpus:
        for c in doc:
            rows.append({"doc": doc.id, "clause": c.id, "label": c.label, "depth": len(doc.ancestors(c.id)) - 1,
                         "heading": c.heading or c.text[:24], "units": list(c.units)})
    return rows
