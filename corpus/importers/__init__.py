"""Importing what a bureau receives (text, PDF, scans and images, Word, saved web pages) as policy text,
with a report of what was found, repaired and left for a person. One module per format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.importers.limits import DEFAULT_LIMITS, ImportLimits, check_file, os_cause
from corpus.importers.meta import extract_meta
from corpus.importers.ocr import IMAGE_SUFFIXES, ocr_unavailable_reason
from corpus.importers.report import ImportReport, build_report
from corpus.importers.result import Extraction, Progress
from corpus.model import Document
from corpus.parser import parse_text

TEXT_SUFFIXES = (".txt", ".md")
SUPPORTED = TEXT_SUFFIXES + (".pdf", ".docx", ".html", ".htm") + IMAGE_SUFFIXES


class ImportRefused(CorpusError):
    """The file was read but is not importable as a policy; `report` says what was found."""

    def __init__(self, message: str, report: ImportReport):
        super().__init__(message)
        self.report = report


def extract(files: Path | list[Path], limits: ImportLimits = DEFAULT_LIMITS,
            progress: Progress | None = None) -> Extraction:
    """The text of a policy file (or of several page images, in order), whatever its format."""
    paths = [Path(f) for f in (files if isinstance(files, list | tuple) else [files])]
    if not paths:
        raise CorpusError("没有指定要导入的文件。")
    suffixes = {p.suffix.lower() for p in paths}
    for p in paths:
        suffix = p.suffix.lower()
        if suffix in (".doc", ".wps", ".ofd", ".xls", ".xlsx"):
            raise CorpusError(f"暂不支持 {suffix} 文件（{p.name}）：请在 Word/WPS 中另存为 .docx 或 PDF 后再导入。")
        if suffix not in SUPPORTED:
            raise CorpusError(f"不支持的文件类型 {suffix or '（无扩展名）'}：{p.name}。支持：{'、'.join(SUPPORTED)}")
        check_file(p, limits)
    if len(paths) > 1 and not suffixes <= set(IMAGE_SUFFIXES):
        raise CorpusError("一次只能导入一份文件；只有扫描得到的多页图片（PNG/JPEG）可以一起导入。")
    first = paths[0]
    suffix = first.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        from corpus.importers.ocr import read_images

        ext = read_images(paths, limits, progress)
    elif suffix == ".pdf":
        from corpus.importers.pdf import read_pdf

        ext = read_pdf(first, limits, progress)
    elif suffix == ".docx":
        from corpus.importers.docx import read_docx

        ext = read_docx(first, limits)
    elif suffix in (".html", ".htm"):
        from corpus.importers.html import read_html

        ext = read_html(first, limits)
    else:
        from corpus.importers.text import read_text_file

        ext = read_text_file(first, limits)
    if len(ext.text) > limits.max_text_chars:
        raise CorpusError(f"{first.name} 的文字超过 {limits.max_text_chars} 字，不像一份政策文件，不予导入。")
    return ext


@dataclass
class PreparedImport:
    """An import read and checked but not yet written: the text, its clause tree, its meta and the report."""

    text: str
    document: Document | None
    meta: dict
    report: ImportReport


_META_ORDER = ("id", "doc_number", "title", "notice_title", "issuers", "place", "issued", "issued_text", "effective",
               "expires", "status", "consult_unit", "cc", "source_file", "added")


def prepare_import(files: Path | list[Path], doc_id: str, meta: dict | None = None,
                   limits: ImportLimits = DEFAULT_LIMITS, progress: Progress | None = None,
                   require_doc_number: bool = True) -> PreparedImport:
    """Read FILES and build the document and its report; writes nothing. A file that is not a policy
    (no 文号, no clause structure) gives a report with accepted=False and a Chinese reason."""
    paths = [Path(f) for f in (files if isinstance(files, list | tuple) else [files])]
    ext = extract(paths, limits, progress)
    given = {k: v for k, v in (meta or {}).items() if v not in (None, "", [])}
    hints = {k: v for k, v in ext.hints.items() if k == "doc_number"}
    source_name = paths[0].name if len(paths) == 1 else f"{paths[0].name} 等 {len(paths)} 页"
    try:
        doc = parse_text(ext.text, doc_id, dict(given))
    except CorpusError as e:
        report = build_report(doc_id, source_name, ext, None, {})
        report.accepted, report.refused_reason = False, str(e)
        return PreparedImport(ext.text, None, {}, report)
    found = extract_meta(ext.text, doc)
    merged = {**found, **hints, **given}
    merged["id"] = doc_id
    out = {k: merged[k] for k in _META_ORDER if k in merged}
    out.update({k: v for k, v in merged.items() if k not in out})
    doc = parse_text(ext.text, doc_id, dict(out))  # the tree load_document will build from the stored files
    report = build_report(doc_id, source_name, ext, doc, out)
    structured = [c for c in doc if c.id not in ("0", "notice")]
    if not out.get("doc_number") and require_doc_number:
        report.accepted = False
        report.refused_reason = ("未在文件开头找到文号（如“某府发〔2023〕12号”），这可能不是一份正式的政策文件。"
                                 "如确为政策文件，请用 --doc-number 指明文号后重新导入。")
    elif not structured:
        report.accepted = False
        report.refused_reason = ("未识别出条款结构（“一、”“（一）”“1.”或“第一条”等编号），无法按条款引用，"
                                 "这可能不是政策文件，或编号在转换中丢失；请提供带编号的版本。")
    return PreparedImport(ext.text, doc, out, report)


def inspect_import(files: Path | list[Path], doc_id: str = "preview", meta: dict | None = None,
                   limits: ImportLimits = DEFAULT_LIMITS, progress: Progress | None = None) -> ImportReport:
    """The import report for FILES without importing anything (for a preview in the web app)."""
    return prepare_import(files, doc_id, meta, limits, progress).report


__all__ = ["DEFAULT_LIMITS", "SUPPORTED", "Extraction", "ImportLimits", "ImportRefused", "ImportReport",
           "PreparedImport", "extract", "inspect_import", "ocr_unavailable_reason", "os_cause", "prepare_import"]
