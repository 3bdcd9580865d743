"""Read policy files (.txt/.md, .docx, .pdf) into plain text for the parser."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.errors import CorpusError

SUPPORTED = (".txt", ".md", ".docx", ".pdf")


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise CorpusError(f"{name} 不是文本文件（含二进制内容），无法解析。")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"{name} 的编码无法识别，请另存为 UTF-8 文本。")


def read_text(path: str | Path) -> str:
    """The document's text, whatever its format; CorpusError with a Chinese message otherwise."""
    p = Path(path)
    if not p.is_file():
        raise CorpusError(f"找不到文件：{p}")
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED:
        raise CorpusError(f"不支持的文件类型 {suffix or '（无扩展名）'}，支持：{'、'.join(SUPPORTED)}")
    if p.stat().st_size == 0:
        raise CorpusError(f"{p.name} 是空文件。")
    if suffix in (".txt", ".md"):
        text = _decode(p.read_bytes(), p.name)
        if suffix == ".md":
            # markdown headings and emphasis are layout, not policy text
            text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M).replace("**", "")
        return text
    if suffix == ".docx":
        return _read_docx(p)
    return _read_pdf(p)


def _read_docx(p: Path) -> str:
    import docx  # python-docx, imported here so plain-text use does not pay for it

    try:
        d = docx.Document(str(p))
    except Exception as e:  # python-docx raises several unrelated types for a bad zip
        raise CorpusError(f"{p.name} 不是有效的 Word（.docx）文件：{type(e).__name__}") from e
    return "\n".join(par.text for par in d.paragraphs)


def _read_pdf(p: Path) -> str:
    import pypdf

    try:
        reader = pypdf.PdfReader(str(p))
        text = "\n".join((page.extract_text() or "") for page in reader.pages)
    except Exception as e:  # pypdf's errors vary by damage
        raise CorpusError(f"{p.name} 不是有效的 PDF 文件：{type(e).__name__}") from e
    if not text.strip():
        raise CorpusError(f"{p.name} 没有文本层（可能是扫描件），请先做文字识别再导入。")
    return text
