"""Bounds on what an import may read (sizes, pages, OCR confidence), and the checks on the file itself."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError

MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """Defaults suit a county bureau's documents; the CLI passes the settings' values when it has them."""

    max_file_bytes: int = 64 * MB  # any input file (a scanned PDF is the largest ordinary case)
    max_text_bytes: int = 4 * MB  # a .txt/.md/.html file; a policy is some 10–100 KB of text
    max_text_chars: int = 1_000_000  # reconstructed text of any format
    max_pages: int = 200  # PDF pages and image pages
    max_docx_uncompressed: int = 200 * MB  # all members of a .docx together (images included)
    max_xml_bytes: int = 16 * MB  # one XML part of a .docx, read before it is parsed
    ocr: bool = True  # scanned pages and images go through offline OCR
    ocr_dpi: int = 150  # rasterisation of PDF pages without a text layer
    ocr_min_confidence: float = 0.9  # OCR lines below this go to the report for a person to check
    max_image_pixels: int = 60_000_000  # one page image (A4 at 600 dpi is about 35 million)


DEFAULT_LIMITS = ImportLimits()


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def check_file(path: Path, limits: ImportLimits) -> os.stat_result:
    """Refuse what is not an ordinary file of reasonable size, before anything reads it."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise CorpusError(f"找不到文件：{path}") from None
    except OSError as e:
        raise CorpusError(f"无法读取文件 {path}：{os_cause(e)}") from None
    if stat.S_ISLNK(st.st_mode):
        raise CorpusError(f"{path.name} 是符号链接，为安全起见不予导入；请直接指定原文件。")
    if stat.S_ISDIR(st.st_mode):
        raise CorpusError(f"{path.name} 是文件夹，不是文件；请指定一份政策文件。")
    if not stat.S_ISREG(st.st_mode):
        raise CorpusError(f"{path.name} 不是普通文件（可能是设备、管道或套接字），不予导入。")
    if st.st_size == 0:
        raise CorpusError(f"{path.name} 是空文件。")
    if st.st_size > limits.max_file_bytes:
        raise CorpusError(f"{path.name} 大小为 {_size(st.st_size)}，超过导入上限 {_size(limits.max_file_bytes)}。")
    return st


_ERRNO_CN = {
    "EACCES": "没有访问权限",
    "EPERM": "操作不被允许（权限不足）",
    "EROFS": "所在文件系统为只读",
    "ENOSPC": "磁盘空间不足",
    "EDQUOT": "磁盘配额已用完",
    "ENOENT": "路径不存在",
    "ENOTDIR": "路径中的某一级不是文件夹",
    "EISDIR": "目标是文件夹",
    "EEXIST": "目标已存在",
    "ENOTEMPTY": "目标已存在且不为空（可能有另一个导入同时进行）",
    "ENAMETOOLONG": "路径过长",
    "EMFILE": "打开的文件过多",
    "EIO": "磁盘读写错误",
}


def os_cause(e: OSError) -> str:
    """An operating-system error as a short Chinese cause (no English strerror for users)."""
    import errno

    name = errno.errorcode.get(e.errno or 0, "")
    return _ERRNO_CN.get(name, f"系统错误 {name or e.errno}")
