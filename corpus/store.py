"""Where documents live on disk: the bundled corpus and user-added ones, each a folder with source.txt and meta.yaml."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from corpus.errors import CorpusError
from corpus.loaders import read_text
from corpus.model import Corpus, Document
from corpus.parser import parse_text
from corpus.yamlsafe import load_yaml_file

BUNDLED_DIR = Path(__file__).resolve().parent
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_DOCNO_RE = re.compile(r"[\u4e00-\u9fa5]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d+号")


def document_dirs(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "meta.yaml").is_file() and (p / "source.txt").is_file())


def read_yaml(path: Path) -> dict:
    """A document's YAML data file (meta, parameters, interpretations) through the bounded reader."""
    data = load_yaml_file(path) or {}  # YamlError is a CorpusError naming the file and the line
    if not isinstance(data, dict):
        raise CorpusError(f"{path} 应为键值映射。")
    return data


def load_document(folder: Path) -> Document:
    meta = read_yaml(folder / "meta.yaml")
    doc_id = str(meta.get("id") or folder.name)
    doc = parse_text((folder / "source.txt").read_text(encoding="utf-8"), doc_id, meta)
    doc.meta["folder"] = str(folder)
    return doc


def load_corpus(extra_roots: list[Path] | None = None, bundled: bool = True) -> Corpus:
    """The bundled documents plus any under each extra root (the user's data directory)."""
    roots = ([BUNDLED_DIR] if bundled else []) + list(extra_roots or [])
    docs = [load_document(d) for r in roots for d in document_dirs(Path(r))]
    return Corpus(docs)


_DEFAULT: Corpus | None = None


def default_corpus() -> Corpus:
    """The bundled corpus, parsed once per process (it is read-only data)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_corpus()
    return _DEFAULT


def add_document(file: Path, doc_id: str, root: Path, meta: dict | None = None) -> Document:
    """Import FILE as document DOC_ID under ROOT; the text is parsed first so a bad file adds nothing."""
    if not _ID_RE.match(doc_id):
        raise CorpusError(f"文件编号“{doc_id}”不合法：只能用小写字母、数字、- 和 _，例如 ganzhou-2023-12。")
    if any(d.name == doc_id for d in document_dirs(BUNDLED_DIR)):
        raise CorpusError(f"文件编号 {doc_id} 已被内置文件使用。")
    text = read_text(file)
    meta = dict(meta or {})
    meta["id"] = doc_id
    m = _DOCNO_RE.search(text[:2000])
    if m:
        meta.setdefault("doc_number", m.group(0))
    doc = parse_text(text, doc_id, meta)
    meta.setdefault("title", doc.meta.get("title"))
    meta.setdefault("added", date.today().isoformat())
    meta.setdefault("source_file", Path(file).name)
    target = Path(root) / doc_id
    target.mkdir(parents=True, exist_ok=True)
    (target / "source.txt").write_text(text, encoding="utf-8")
    (target / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_document(target)


def document_data(doc: Document, name: str) -> dict:
    """A data file kept beside a document's source (parameters.yaml, interpretations.yaml); {} if absent."""
    folder = Path(doc.meta.get("folder") or BUNDLED_DIR / doc.id)
    path = folder / name
    return read_yaml(path) if path.is_file() else {}


def interpretations(doc: Document) -> tuple[dict, ...]:
    """The policy office's adopted readings for this document (DESIGN §5), read once per folder."""
    return _interpretations(str(doc.meta.get("folder") or BUNDLED_DIR / doc.id))


@lru_cache(maxsize=32)
def _interpretations(folder: str) -> tuple[dict, ...]:
    path = Path(folder) / "interpretations.yaml"
    items = read_yaml(path).get("interpretations") if path.is_file() else None
    return tuple(i for i in items or [] if isinstance(i, dict))
