"""Positioned lines (from a PDF's text layer or from OCR) back into the paragraphs a document was written in:
page numbers, running headers and footers dropped; wrapped lines, split titles and page-split paragraphs joined."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

_SENTENCE_END = "。；！？：:"
_PAGE_NUMBER_RES = [
    re.compile(r"^[-—–－~～·•\s]*\d{1,4}[-—–－~～·•\s]*$"),  # — 3 —, - 3 -, 3
    re.compile(r"^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"),  # 第3页, 第3页 共9页
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # 3/9
    re.compile(r"^[Pp]age\s*\d{1,4}(\s*of\s*\d{1,4})?$"),
]
_MARGIN_ZONE = 0.13  # top and bottom share of a page where page numbers, headers and footers sit
_DOCNO_OR_DATE = re.compile(r"(〔\d{4}〕\d+号|\d{4}年\d{1,2}月\d{1,2}日)")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int  # 1-based
    char_width: float  # typical width of one Chinese character on this line
    confidence: float | None = None  # OCR only

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class PageLines:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


@dataclass
class Repairs:
    """What reconstruction changed, for the import report."""

    page_numbers_dropped: int = 0
    headers_footers_dropped: int = 0
    header_footer_texts: list[str] = field(default_factory=list)
    lines_joined: int = 0
    paragraphs_rejoined: int = 0  # a paragraph continued on the next page
    titles_joined: int = 0
    numbering_restored: int = 0  # .docx automatic numbers written into the text
    page_breaks_removed: int = 0  # .docx page breaks inside a paragraph
    punctuation_fixed: int = 0  # OCR: half-width marks and mismatched brackets

    def merge(self, other: Repairs) -> None:
        for k, v in vars(other).items():
            cur = getattr(self, k)
            setattr(self, k, cur + v if not isinstance(v, list) else cur + [t for t in v if t not in cur])


def is_page_number(text: str) -> bool:
    t = text.strip()
    return bool(t) and len(t) <= 16 and any(rx.match(t) for rx in _PAGE_NUMBER_RES)


def _zone(line: Line, page: PageLines) -> str | None:
    if line.bottom <= page.height * _MARGIN_ZONE:
        return "top"
    if line.top >= page.height * (1 - _MARGIN_ZONE):
        return "bottom"
    return None


def _furniture_key(text: str) -> str:
    # page numbers inside a header differ per page, and OCR may read its brackets differently each time
    return re.sub(r"[\W\d_]+", "#", text)


def drop_page_furniture(pages: list[PageLines], repairs: Repairs) -> None:
    """Remove page numbers and lines repeated at the same place on most pages (running headers/footers)."""
    for page in pages:
        kept = []
        for ln in page.lines:
            if _zone(ln, page) and is_page_number(ln.text):
                repairs.page_numbers_dropped += 1
            else:
                kept.append(ln)
        page.lines = kept
    if len(pages) < 2:
        return
    need = max(2, math.ceil(len(pages) * 0.5))
    seen: dict[tuple[str, str], list[tuple[PageLines, Line]]] = {}
    for page in pages:
        for ln in page.lines:
            z = _zone(ln, page)
            if z:
                seen.setdefault((z, _furniture_key(ln.text)), []).append((page, ln))
    for (_, key), hits in seen.items():
        if not key:
            continue
        ys = [ln.top / page.height for page, ln in hits]
        mid = statistics.median(ys)
        same_place = [(p, ln) for (p, ln), y in zip(hits, ys, strict=True) if abs(y - mid) <= 0.025]
        if len({p.number for p, _ in same_place}) < need:
            continue
        for page, ln in same_place:
            page.lines.remove(ln)
            repairs.headers_footers_dropped += 1
        text = same_place[0][1].text.strip()
        if text not in repairs.header_footer_texts:
            repairs.header_footer_texts.append(text)


def _clusters(values: list[float], tol: float) -> list[list[float]]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return out


def _margins(lines: list[Line], fallback: tuple[float, float] | None) -> tuple[float, float] | None:
    """The text block's left and right edges: the outermost x positions shared by several lines."""
    if len(lines) < 4:
        return fallback
    cw = statistics.median(ln.char_width for ln in lines)
    need = max(2, min(4, len(lines) // 6))
    lefts = [c for c in _clusters([ln.x0 for ln in lines], cw * 0.5) if len(c) >= need]
    rights = [c for c in _clusters([ln.x1 for ln in lines], cw * 0.8) if len(c) >= need]
    if not lefts or not rights:
        return fallback
    return statistics.median(lefts[0]), max(statistics.median(rights[-1]), max(rights[-1]) - cw * 0.3)


def _join_text(a: str, b: str) -> str:
    if a.endswith(" ") and b.startswith(" "):
        b = b.lstrip()
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return a + " " + b  # a wrapped English word boundary
    return a + b


def reconstruct(pages: list[PageLines], repairs: Repairs) -> str:
    """The pages' lines as paragraphs, one per line of output."""
    drop_page_furniture(pages, repairs)
    all_lines = [ln for p in pages for ln in p.lines if ln.text.strip()]
    if not all_lines:
        return ""
    overall = _margins(all_lines, None) or (min(ln.x0 for ln in all_lines), max(ln.x1 for ln in all_lines))
    margins = {p.number: _margins([ln for ln in p.lines if ln.text.strip()], overall) or overall for p in pages}

    paras: list[str] = []
    prev: Line | None = None
    for page in pages:
        for ln in sorted((ln for ln in page.lines if ln.text.strip()), key=lambda ln: (ln.top, ln.x0)):
            how = _continues(prev, ln, margins) if prev is not None else None
            if how is None:
                paras.append(ln.text.lstrip())
            else:
                paras[-1] = _join_text(paras[-1], ln.text if how != "title" else ln.text.strip())
                if how == "page":
                    repairs.paragraphs_rejoined += 1
                elif how == "title":
                    repairs.titles_joined += 1
                else:
                    repairs.lines_joined += 1
            prev = ln
    return "\n".join(p.strip() for p in paras)


def _continues(p: Line, ln: Line, margins: dict[int, tuple[float, float]]) -> str | None:
    """How LN continues the paragraph of P ("line", "page", "title"), or None if it starts a new one."""
    pl, pr = margins[p.page]
    left, right = margins[ln.page]
    cw = max(ln.char_width, 1e-6)
    cross = ln.page != p.page
    gap = ln.top - p.bottom
    h = max(ln.height, p.height, 1e-6)
    p_full = p.x1 >= pr - 1.6 * max(p.char_width, 1e-6)
    l_flush = ln.x0 <= left + 0.6 * cw
    if p_full and l_flush and (cross or gap <= 1.2 * h):
        return "page" if cross else "line"
    if cross or gap > 1.0 * h or p.text.rstrip()[-1:] in _SENTENCE_END:
        return None
    # a title set over two centred lines of the same size
    same_size = abs(ln.char_width - p.char_width) <= 0.15 * cw
    # centred: equal room on both sides (an indented first line has room on the left only)
    centred = abs((ln.x0 - left) - (right - ln.x1)) <= 1.0 * cw and ln.x0 >= left + cw
    p_centred = abs((p.x0 - pl) - (pr - p.x1)) <= 1.0 * cw
    if same_size and centred and p_centred and not _DOCNO_OR_DATE.search(ln.text) and not _DOCNO_OR_DATE.search(p.text):
        return "title"
    return None
