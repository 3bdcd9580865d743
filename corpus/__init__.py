"""The policy corpus: documents parsed into clause trees, plus their meta, parameters and interpretations."""

from corpus.errors import ClauseNotFound, CorpusError
from corpus.importers import ImportLimits, ImportRefused, ImportReport, inspect_import, prepare_import
from corpus.model import Clause, Corpus, Document, normalise_reference
from corpus.parser import parse_text
from corpus.refs import named_clause_ids
from corpus.store import (
    BUNDLED_DIR,
    ImportedDocument,
    add_document,
    bundled_corpus,
    default_corpus,
    default_document_id,
    document_data,
    interpretations,
    load_corpus,
    load_document,
    read_yaml,
    reading,
    use_library,
)

__all__ = [
    "BUNDLED_DIR", "Clause", "ClauseNotFound", "Corpus", "CorpusError", "Document", "ImportLimits", "ImportRefused",
    "ImportReport", "ImportedDocument", "add_document", "inspect_import", "prepare_import",
    "default_corpus", "default_document_id", "document_data", "interpretations", "load_corpus", "load_document", "named_clause_ids", "normalise_reference", "parse_text", "read_yaml",
    "bundled_corpus", "reading", "use_library",
]
