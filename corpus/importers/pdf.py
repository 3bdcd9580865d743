"""PDF files: the text layer through pdfplumber (character positions), pages without one through OCR."""

from __future__ import annotations

import statistics
from pathlib import Path

from corpus.errors import CorpusError
from corpus.importers.layout import Line, PageLines, Repairs, reconstruct
from corpus.importers.limits import ImportLimits
from corpus.importers.result import Extraction, Progress

_MIN_PAGE_CHARS = 5  # fewer visible characters than this: the page is an image and goes to OCR


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(str(path))
        pdf.pages  # noqa: B018  (page objects are parsed here: damage and passwords show now)
        return pdf
    except Exception as e:  # pdfminer raises many unrelated types for damaged files; pdfplumber wraps them
        inner = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e.__cause__ or e
        if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError) or isinstance(e, PDFPasswordIncorrect):
            raise CorpusError(f"{path.name} 已加密（需要密码才能打开），请先在原软件中取消密码保护后再导入。") from None
        raise CorpusError(f"{path.name} 不是有效的 PDF 文件或已损坏，无法读取（{type(inner).__name__}）。") from None


def read_pdf(path: Path, limits: ImportLimits, progress: Progress | None = None) -> Extraction:
    pdf = _open(path)
    try:
        try:
            pages = pdf.pages
        except Exception as e:
            raise CorpusError(f"{path.name} 不是有效的 PDF 文件或已损坏，无法读取页面（{type(e).__name__}）。") from None
        if not pages:
            raise CorpusError(f"{path.name} 没有任何页面。")
        if len(pages) > limits.max_pages:
            raise CorpusError(f"{path.name} 共 {len(pages)} 页，超过导入上限 {limits.max_pages} 页；"
                              "政策文件通常不超过几十页，请只导入正文部分。")
        text_pages: list[PageLines] = []
        scanned: list[int] = []
        for i, page in enumerate(pages, 1):
            try:
                lines = _page_lines(page, i)
            except Exception as e:
                raise CorpusError(f"{path.name} 第 {i} 页已损坏，无法读取（{type(e).__name__}）。") from None
            if sum(len(ln.text.strip()) for ln in lines) < _MIN_PAGE_CHARS:
                scanned.append(i)
            text_pages.append(PageLines(i, float(page.width), float(page.height), lines))
            if progress:
                progress("读取 PDF 页面", i, len(pages))
    finally:
        pdf.close()

    ext = Extraction(text="", format="pdf", pages=len(text_pages))
    repairs = Repairs()
    if scanned:
        from corpus.importers.ocr import ocr_pdf_pages

        ocr_pages, low, ocr_repairs = ocr_pdf_pages(path, scanned, limits, progress)
        repairs.merge(ocr_repairs)
        by_no = {p.number: p for p in ocr_pages}
        text_pages = [by_no.get(p.number, p) for p in text_pages]
        ext.ocr_pages = len(scanned)
        ext.low_confidence = low
        ext.format = "pdf-ocr" if len(scanned) == len(text_pages) else "pdf+ocr"
    ext.text = reconstruct(text_pages, repairs)
    if scanned:
        from corpus.importers.ocr import normalise_paragraphs

        ext.text = normalise_paragraphs(ext.text, repairs)
    ext.repairs = repairs
    if not ext.text.strip():
        raise CorpusError(f"{path.name} 没有文本层，文字识别也未识别出文字（可能是空白页或图像过于模糊）。")
    return ext


def _page_lines(page, number: int) -> list[Line]:
    """Group the page's upright characters into lines, left to right, keeping real spaces."""
    chars = [c for c in page.dedupe_chars().chars if c.get("upright", True) and c.get("text")]
    chars.sort(key=lambda c: (c["top"], c["x0"]))
    rows: list[list[dict]] = []
    for c in chars:
        size = float(c.get("size") or (c["bottom"] - c["top"]) or 1)
        if rows and abs(c["top"] - rows[-1][0]["top"]) <= size * 0.45:
            rows[-1].append(c)
        else:
            rows.append([c])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        ink = [c for c in row if not c["text"].isspace()]
        if not ink:
            continue
        widths = [c["x1"] - c["x0"] for c in ink if not c["text"].isascii()] or [float(c.get("size") or 10) for c in ink]
        cw = statistics.median(widths)
        out: list[str] = []
        last = None
        for c in row:
            t = c["text"]
            if t.isspace():
                if not out or out[-1] != " ":
                    out.append(" ")
                continue
            if last is not None and c["x0"] - last["x1"] > 1.5 * cw and out and out[-1] != " ":
                out.append(" ")  # a wide gap (signature and date on one line) is a word break
            out.append(t)
            last = c
        lines.append(Line("".join(out), ink[0]["x0"], ink[-1]["x1"], min(c["top"] for c in ink),
                          max(c["bottom"] for c in ink), number, cw))
    return lines
