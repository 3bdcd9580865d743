"""Where documents live on disk: the bundled corpus and user-added ones, each a folder with source.txt and meta.yaml."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from corpus.errors import CorpusError
from corpus.importers import ImportRefused, prepare_import
from corpus.importers.limits import DEFAULT_LIMITS, ImportLimits, os_cause
from corpus.importers.report import ImportReport
from corpus.importers.result import Progress
from corpus.model import Corpus, Document
from corpus.parser import parse_text
from corpus.yamlsafe import load_yaml_file

BUNDLED_DIR = Path(__file__).resolve().parent
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def library() -> dict:
    """corpus/library.yaml: the bundled documents' order and the default document."""
    path = BUNDLED_DIR / "library.yaml"
    return read_yaml(path) if path.is_file() else {}


_DRAFT_SEEN: dict[tuple, bool] = {}


def is_draft(folder: Path) -> bool:
    """A folder whose meta.yaml says `status: draft` (a drafted pack awaiting review): never loaded for answers.
    Read once per state of the file: the library's folders are listed on every question."""
    path = Path(folder) / "meta.yaml"
    try:
        st = path.stat()
    except OSError:
        return False
    key = (str(path), st.st_mtime_ns, st.st_size)
    seen = _DRAFT_SEEN.get(key)
    if seen is None:
        try:
            meta = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            meta = None  # a broken meta is reported by load_document, not hidden
        seen = isinstance(meta, dict) and str(meta.get("status", "")).strip().lower() == "draft"
        if len(_DRAFT_SEEN) > 4096:
            _DRAFT_SEEN.clear()
        _DRAFT_SEEN[key] = seen
    return seen


def document_dirs(root: Path) -> list[Path]:
    """The document folders under `root`: those the library lists first, in its order, then the rest by name.
    Draft folders (`status: draft`) are skipped: nothing drafted is used until it is reviewed and accepted."""
    if not root.is_dir():
        return []
    # dot-folders are imports in progress or replaced ones waiting for removal (see add_document)
    found = sorted(p for p in root.iterdir()
                   if not p.name.startswith(".") and (p / "meta.yaml").is_file() and (p / "source.txt").is_file()
                   and not is_draft(p))
    order = {name: i for i, name in enumerate(library().get("order") or [])} if root == BUNDLED_DIR else {}
    return sorted(found, key=lambda p: (order.get(p.name, len(order)), p.name))


def default_document_id(corpus: Corpus, configured: str | None = None) -> str:
    """The document that resolves what names none: the configured one, else the corpus's, else the library's, else
    the first loaded."""
    for candidate in (configured, corpus.default, library().get("default_document")):
        if candidate and candidate in corpus.documents:
            return candidate
    if not len(corpus):
        raise CorpusError("没有载入任何政策文件。")
    return next(iter(corpus.documents))


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


def load_corpus(extra_roots: list[Path] | None = None, bundled: bool = True, default: str | None = None) -> Corpus:
    """The bundled documents plus any under each extra root (the user's data directory).

    `default`: the configured default document; else the library's; else the first loaded."""
    roots = ([BUNDLED_DIR] if bundled else []) + list(extra_roots or [])
    docs = [load_document(d) for r in roots for d in document_dirs(Path(r))]
    corpus = Corpus(docs)
    corpus.default = default_document_id(corpus, default) if docs else None
    return corpus


_BUNDLED: Corpus | None = None
_ACTIVE: Corpus | None = None


def library_at(root: Path) -> Corpus:
    """The bundled documents plus those added under ROOT (a data directory's corpus folder); only the bundled ones
    when it holds none. Never the process's active library: one installed for another directory is not this one's."""
    if document_dirs(Path(root)):
        return load_corpus([root])
    return bundled_corpus()


def bundled_corpus() -> Corpus:
    """The documents shipped in corpus/, parsed once per process (read-only data)."""
    global _BUNDLED
    if _BUNDLED is None:
        _BUNDLED = load_corpus()
    return _BUNDLED


def default_corpus() -> Corpus:
    """The library the process answers from: the bundled documents until `use_library` installs the bundled plus
    the data directory's (the app and the CLI do, so the calculator and the dialogue see every installed pack)."""
    return _ACTIVE if _ACTIVE is not None else bundled_corpus()


@contextmanager
def reading(corpus: Corpus):
    """Within the block, `default_corpus()` is CORPUS (one answer computed on the corpus its caller passed), and each
    pack's files are looked at once."""
    from corpus.packs import steady_files

    global _ACTIVE
    before = _ACTIVE
    _ACTIVE = corpus
    try:
        with steady_files():  # one answer: each pack's files looked at once
            yield corpus
    finally:
        _ACTIVE = before


def use_library(corpus: Corpus | None) -> Corpus:
    """Make CORPUS what `default_corpus()` returns from now on (None: the bundled documents again)."""
    global _ACTIVE
    _ACTIVE = corpus
    return default_corpus()


_DATE_FIELDS = {"issued": "印发日期", "effective": "施行日期", "expires": "有效期截止日期"}


@dataclass
class ImportedDocument(Document):
    """A document just imported, carrying its import report (`doc.report.to_dict()`)."""

    report: ImportReport | None = None


def add_document(file: Path | list[Path], doc_id: str, root: Path, meta: dict | None = None, *,
                 replace: bool = False, limits: ImportLimits = DEFAULT_LIMITS,
                 progress: Progress | None = None, require_doc_number: bool = True,
                 rules: Path | None = None) -> ImportedDocument:
    """Import FILE as document DOC_ID under ROOT (a folder ROOT/DOC_ID with source.txt and meta.yaml).

    Everything is read and checked before anything is written, and the folder appears whole or not at
    all (written beside it, then renamed into place). An existing DOC_ID is refused unless REPLACE.
    A file that is not a policy raises ImportRefused, whose `report` says what was found; REQUIRE_DOC_NUMBER
    False accepts a document with clauses but no 文号 (it is then cited by its id). RULES: a rules.yaml for it,
    checked as the pack's (its clauses, parameters and source words against this text) before anything appears."""
    if not _ID_RE.match(doc_id):
        raise CorpusError(f"文件编号“{doc_id}”不合法：只能用小写字母、数字、- 和 _，例如 ganzhou-2023-12。")
    if any(d.name == doc_id for d in document_dirs(BUNDLED_DIR)):
        raise CorpusError(f"文件编号 {doc_id} 已被内置文件使用，请换一个编号。")
    root = Path(root)
    target = root / doc_id
    try:
        exists = target.exists() or target.is_symlink()
    except OSError as e:
        raise CorpusError(f"无法访问数据目录 {root}：{os_cause(e)}。文件未导入，资料库未改动。") from None
    if exists and not replace:
        raise CorpusError(f"文件编号 {doc_id} 已存在（{target}）。如要用新文件替换，请加 --replace；否则请换一个编号。")
    for key, name in _DATE_FIELDS.items():  # the caller's dates are checked before any reading
        if isinstance((meta or {}).get(key), str):
            try:
                date.fromisoformat(meta[key])
            except ValueError:
                raise CorpusError(f"{name}“{meta[key]}”格式不对，应为 YYYY-MM-DD，例如 2023-06-28。") from None
    rules_text = _read_rules(rules, limits) if rules is not None else None
    prepared = prepare_import(file, doc_id, meta, limits, progress, require_doc_number=require_doc_number)
    if not prepared.report.accepted:
        raise ImportRefused(f"未导入：{prepared.report.refused_reason}", prepared.report)
    meta_out = dict(prepared.meta)
    for key in _DATE_FIELDS:
        if isinstance(meta_out.get(key), str):
            meta_out[key] = date.fromisoformat(meta_out[key])  # written as YAML dates, like the bundled packs
    meta_out.setdefault("source_file", prepared.report.source_file)
    meta_out.setdefault("added", date.today())
    _write_atomically(root, doc_id, prepared.text, meta_out, replace,
                      extra={"rules.yaml": rules_text} if rules_text is not None else None)
    try:
        doc = load_document(target)
    except OSError as e:
        raise CorpusError(f"已写入 {target}，但无法读回：{os_cause(e)}。") from None
    return ImportedDocument(id=doc.id, meta=doc.meta, source=doc.source, clauses=doc.clauses, report=prepared.report)


def _read_rules(path: Path, limits: ImportLimits) -> str:
    """A rules file given with an import: a regular file within the size limit, as text."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        raise CorpusError(f"规则文件 {path.name} 不是普通文件（或不存在）。文件未导入，资料库未改动。")
    if path.stat().st_size > limits.max_file_bytes:
        raise CorpusError(f"规则文件 {path.name} 过大。文件未导入，资料库未改动。")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CorpusError(f"无法读取规则文件 {path.name}：{e.__class__.__name__}。文件未导入，资料库未改动。") from None


def _check_pack(folder: Path) -> None:
    """The written folder loads as a pack (rules checked against its text), else PackError and nothing installed."""
    from corpus.packs import load_pack

    load_pack(folder, load_document(folder))


def _write_atomically(root: Path, doc_id: str, text: str, meta: dict, replace: bool,
                      extra: dict[str, str] | None = None) -> None:
    target = root / doc_id
    try:
        root.mkdir(parents=True, exist_ok=True)
        _clean_stale(root)
        tmp = Path(tempfile.mkdtemp(prefix=f".import-{doc_id}-", dir=root))
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; an imported document is ordinary data
    except OSError as e:
        raise CorpusError(f"无法写入数据目录 {root}：{os_cause(e)}。文件未导入，资料库未改动。") from None
    old: Path | None = None
    try:
        (tmp / "source.txt").write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        (tmp / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
        for name, content in (extra or {}).items():
            (tmp / name).write_text(content, encoding="utf-8")
        if extra:
            _check_pack(tmp)
        if target.exists() or target.is_symlink():
            if not replace:
                raise CorpusError(f"文件编号 {doc_id} 已存在。如要替换，请加 --replace。")
            old = root / f".replaced-{doc_id}-{tmp.name.rsplit('-', 1)[-1]}"
            os.rename(target, old)
        os.rename(tmp, target)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists():
            os.rename(old, target)  # put the earlier import back
        raise CorpusError(f"无法写入数据目录 {root}：{os_cause(e)}。文件未导入，资料库未改动。") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists():
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _clean_stale(root: Path, age_seconds: float = 3600) -> None:
    """Remove half-written folders an interrupted import left behind (they are never loaded)."""
    now = time.time()
    for p in root.iterdir():
        if p.name.startswith((".import-", ".replaced-")) and p.is_dir() and not p.is_symlink():
            try:
                if now - p.stat().st_mtime > age_seconds:
                    shutil.rmtree(p, ignore_errors=True)
            except OSError:
                continue


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
