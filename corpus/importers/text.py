"""Plain text and Markdown files: decoded (UTF-8 or GB18030), Markdown layout marks removed."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.errors import CorpusError
from corpus.importers.limits import MB, ImportLimits
from corpus.importers.result import Extraction


def decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise CorpusError(f"{name} 不是文本文件（含二进制内容），无法解析。")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"{name} 的编码无法识别，请另存为 UTF-8 文本。")


def read_bounded(path: Path, limits: ImportLimits) -> bytes:
    size = path.stat().st_size
    if size > limits.max_text_bytes:
        raise CorpusError(f"{path.name} 大小为 {size / MB:.1f} MB，超过文本文件上限 {limits.max_text_bytes // MB} MB；"
                          "一份政策文件的正文通常只有几十 KB，请确认选对了文件。")
    with open(path, "rb") as f:
        data = f.read(limits.max_text_bytes + 1)  # the file may grow between stat and read
    if len(data) > limits.max_text_bytes:
        raise CorpusError(f"{path.name} 超过文本文件上限 {limits.max_text_bytes // MB} MB。")
    return data


def read_text_file(path: Path, limits: ImportLimits) -> Extraction:
    text = decode(read_bounded(path, limits), path.name)
    fmt = "txt"
    if path.suffix.lower() == ".md":
        # markdown headings and emphasis are layout, not policy text
        text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M).replace("**", "")
        fmt = "md"
    return Extraction(text=text, format=fmt)
