"""The loaded corpus (bundled plus added documents, parsed once per folder state) and its primary document."""

from __future__ import annotations

from pathlib import Path

from corpus import Corpus, Document

# --- shared read-only resources ---------------------------------------------------------------


# The corpus parsed once per state of the corpus folder: adding a document (policy-assistant corpus add) changes
# the key, so the next question sees it without a restart. Read-only data, shared by all sessions.
_CORPUS_CACHE: dict[tuple, Corpus] = {}


def _corpus_key(folder: Path) -> tuple:
    from corpus.store import document_dirs

    files = []
    for d in document_dirs(folder):
        for f in sorted(d.iterdir()):
            if f.is_file():
                st = f.stat()
                files.append((d.name, f.name, st.st_mtime_ns, st.st_size))
    return str(folder), tuple(files)


def _corpus() -> Corpus:
    """The bundled documents plus those added under the data directory (`settings.corpus_dir`)."""
    from corpus import default_corpus, load_corpus

    folder = Path(_settings().corpus_dir)
    key = _corpus_key(folder)
    if not key[1]:
        return default_corpus()
    corpus = _CORPUS_CACHE.get(key)
    if corpus is None:
        corpus = load_corpus([folder])
        _CORPUS_CACHE.clear()  # only the current state of the folder is worth keeping
        _CORPUS_CACHE[key] = corpus
    return corpus


def _has_rules(doc: Document) -> bool:
    """Whether the calculator has award rules for this document (its folder holds parameters.yaml)."""
    folder = doc.meta.get("folder")
    return bool(folder) and (Path(folder) / "parameters.yaml").is_file()


def primary_document(corpus: Corpus, cid: str | None = None) -> Document:
    """The primary document: the one the keyword understanding and the calculator are written for (the first with
    award rules); with one document loaded, that document."""
    docs = list(corpus)
    if len(docs) == 1:
        return docs[0]
    return next((d for d in docs if _has_rules(d)), docs[0])


def _settings():
    from assistant.settings import load_settings

    return load_settings()
