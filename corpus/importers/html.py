"""Saved web pages (.html/.htm) of government sites: the article's main text through trafilatura, offline,
plus the 发文字号 and title that such pages show in an index table outside the article."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.errors import CorpusError
from corpus.importers.limits import ImportLimits
from corpus.importers.result import Extraction
from corpus.importers.text import decode, read_bounded

_DOCNO = re.compile(r"[\u4e00-\u9fa5]{1,10}[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d+\s*号")
_LABELLED_DOCNO = re.compile(r"(?:发文字号|文\s*号)\s*[:：]?\s*(?:</?[^>]+>\s*)*([^<\s]{4,30}号)")


def _charset(data: bytes) -> str | None:
    m = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", data[:4096], re.I)
    return m.group(1).decode("ascii").lower() if m else None


def _drop_index_rows(text: str) -> str:
    """A government page's index table (索引号 | 发文字号 …) above the article is page furniture."""
    lines = text.split("\n")
    i = 0
    while i < len(lines) and (lines[i].lstrip().startswith("|") or not lines[i].strip()):
        i += 1
    return "\n".join(lines[i:])


def read_html(path: Path, limits: ImportLimits) -> Extraction:
    import trafilatura

    data = read_bounded(path, limits)
    enc = _charset(data)
    if enc in ("gb2312", "gbk", "gb18030"):
        page = data.decode("gb18030", errors="replace")
    else:
        page = decode(data, path.name)
    try:
        text = trafilatura.extract(page, output_format="txt", include_comments=False, include_tables=True,
                                   include_links=False, include_images=False, favor_precision=False, deduplicate=False)
    except Exception as e:  # lxml and trafilatura raise several types on broken markup
        raise CorpusError(f"{path.name} 无法解析为网页（{type(e).__name__}）。") from None
    if not text or not text.strip():
        raise CorpusError(f"{path.name} 中没有找到正文内容；请确认保存的是文件正文页面（“网页，全部”或“仅 HTML”）。")
    text = _drop_index_rows(text)
    hints: dict = {}
    notes: list[str] = []
    if not _DOCNO.search(text[:3000]):
        m = _LABELLED_DOCNO.search(page)
        if m and _DOCNO.fullmatch(m.group(1).strip()):
            hints["doc_number"] = m.group(1).strip()
            notes.append(f"文号取自网页的索引信息栏：{hints['doc_number']}")
    return Extraction(text=text, format="html", hints=hints, notes=notes)
