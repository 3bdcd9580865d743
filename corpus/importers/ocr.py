"""Offline OCR of scanned pages and images (rapidocr-onnxruntime, PP-OCRv4 Chinese models bundled in its wheel):
boxes turned into positioned lines, skew undone, OCR's half-width punctuation and bracket slips repaired."""

from __future__ import annotations

import hashlib
import math
import os
import re
import statistics
import threading
from collections import OrderedDict
from pathlib import Path

from corpus.errors import CorpusError
from corpus.importers.layout import Line, PageLines, Repairs, reconstruct
from corpus.importers.limits import ImportLimits
from corpus.importers.result import Extraction, LowConfidenceLine, Progress

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_CACHE_PAGES = 256  # OCR is deterministic; a page seen again in this process (preview, then import) is not redone
_cache: OrderedDict[str, list] = OrderedDict()
_lock = threading.Lock()
_engine_obj = None


def ocr_unavailable_reason(limits: ImportLimits) -> str | None:
    """None when OCR can run; otherwise why not, in Chinese."""
    if not limits.ocr:
        return "本机设置已关闭文字识别（OCR）"
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return "本机未安装文字识别组件 rapidocr-onnxruntime"
    return None


def _engine():
    global _engine_obj
    with _lock:
        if _engine_obj is None:
            from rapidocr_onnxruntime import RapidOCR

            # keep low-scoring lines (text_score): the report lists them instead of losing them.
            # On a busy machine one thread is faster and cheaper than a pool that spins for cores it
            # does not get (measured here: 10 s CPU / 17 s wall against 15 s / 28 s a page at load 7).
            cores = os.cpu_count() or 1
            threads = 1 if os.getloadavg()[0] > cores - 1 else cores
            _engine_obj = RapidOCR(text_score=0.2, use_cls=False, print_verbose=False,
                                   intra_op_num_threads=threads, inter_op_num_threads=1)
        return _engine_obj


def _require_ocr(name: str, limits: ImportLimits) -> None:
    why = ocr_unavailable_reason(limits)
    if why:
        fix = ("请开启文字识别后重试" if not limits.ocr else "请安装后重试（pip install rapidocr-onnxruntime）")
        raise CorpusError(f"{name} 是扫描件或图片，没有可读取的文字层，需要文字识别；但{why}。"
                          f"{fix}，或提供带文字层的 PDF、Word 或文本文件。")


def _recognise(img) -> list:
    """Raw OCR results [(box, text, score)] for a PIL image, cached by pixel content."""
    import numpy as np

    rgb = img.convert("RGB")
    arr = np.asarray(rgb)
    key = hashlib.sha1(arr.tobytes() + str(arr.shape).encode()).hexdigest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result, _ = _engine()(arr, use_cls=False)
    items = [([tuple(map(float, pt)) for pt in box], str(text), float(score)) for box, text, score in (result or [])]
    with _lock:
        _cache[key] = items
        while len(_cache) > _CACHE_PAGES:
            _cache.popitem(last=False)
    return items


def _wlen(text: str) -> float:
    return sum(0.55 if ch.isascii() else 1.0 for ch in text if not ch.isspace()) or 1.0


def page_lines(items: list, number: int, width: float, height: float) -> PageLines:
    """OCR boxes as lines: rotated back by the page's median skew, boxes on one row merged left to right."""
    angles = []
    for box, text, _ in items:
        (x0, y0), (x1, y1) = box[0], box[1]
        w = math.hypot(x1 - x0, y1 - y0)
        h = math.hypot(box[3][0] - x0, box[3][1] - y0)
        if w > 4 * max(h, 1) and len(text) >= 4:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    a = -statistics.median(angles) if angles else 0.0
    cx, cy = width / 2, height / 2
    ca, sa = math.cos(a), math.sin(a)

    def rot(pt):
        x, y = pt[0] - cx, pt[1] - cy
        return cx + x * ca - y * sa, cy + x * sa + y * ca

    boxes = []
    for box, text, score in items:
        if not text.strip():
            continue
        pts = [rot(p) for p in box]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        boxes.append([min(xs), max(xs), min(ys), max(ys), text, score])
    boxes.sort(key=lambda b: (b[2] + b[3]) / 2)
    rows: list[list[list]] = []
    for b in boxes:
        cyb, hb = (b[2] + b[3]) / 2, b[3] - b[2]
        if rows:
            r = rows[-1]
            rcy = statistics.mean((x[2] + x[3]) / 2 for x in r)
            if abs(cyb - rcy) <= 0.45 * max(hb, r[0][3] - r[0][2]):
                r.append(b)
                continue
        rows.append([b])
    widths = [(b[1] - b[0]) / _wlen(b[4]) for b in boxes if _wlen(b[4]) >= 6]
    page_cw = statistics.median(widths) if widths else statistics.median([b[3] - b[2] for b in boxes] or [10.0])
    lines = []
    for r in rows:
        r.sort(key=lambda b: b[0])
        text = r[0][4]
        for prev, b in zip(r, r[1:], strict=False):
            text += (" " if b[0] - prev[1] > 1.5 * page_cw else "") + b[4]
        x0, x1 = r[0][0], max(b[1] for b in r)
        top, bottom = min(b[2] for b in r), max(b[3] for b in r)
        n = _wlen(text)
        cw = (x1 - x0) / n if n >= 4 else page_cw * (bottom - top) / max(statistics.median([b[3] - b[2] for b in boxes]), 1)
        lines.append(Line(text, x0, x1, top, bottom, number, cw, min(b[5] for b in r)))
    return PageLines(number, width, height, lines)


_CJK = r"\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”‘’"
_HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_OPEN, _CLOSE = "（(〔[【［", "）)〕]】］"


def normalise_ocr_text(text: str) -> tuple[str, int]:
    """Chinese typography OCR gets wrong: half-width marks beside Chinese text, mismatched brackets,
    spaces between Chinese characters. Returns the text and how many marks were changed."""
    fixed = 0
    chars = list(re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])", "", text))
    cjk = re.compile(f"[{_CJK}]")
    for i, ch in enumerate(chars):
        if ch not in _HALF:
            continue
        before = chars[i - 1] if i else ""
        after = chars[i + 1] if i + 1 < len(chars) else ""
        if ch == ":" and before.isdigit() and after.isdigit():
            continue  # a ratio such as 1:1
        if (before and cjk.match(before)) or (after and cjk.match(after)):
            chars[i] = _HALF[ch]
            fixed += 1
    out = "".join(chars)
    # a bracket opened as one kind and closed as another: OCR misread one side
    stack: list[int] = []
    chars = list(out)
    for i, ch in enumerate(chars):
        if ch in _OPEN:
            stack.append(i)
        elif ch in _CLOSE and stack:
            j = stack.pop()
            o, c = _OPEN.index(chars[j]), _CLOSE.index(ch)
            if o != c and {o, c} & {0, 1} and {o, c} - {0, 1}:
                chars[j], chars[i] = "〔", "〕"  # one side square-ish: the pair is 〔〕
                fixed += 1
            elif o != c:
                chars[j], chars[i] = _OPEN[min(o, c)], _CLOSE[min(o, c)]
                fixed += 1
    out = "".join(chars)
    # GB/T 9704 writes 文号 years and 责任单位 notes in 〔〕; OCR often reads them as () or []
    out, n1 = re.subn(r"([\u4e00-\u9fa5]{1,10})[（(【\[［](\d{4})[）)】\]］](\d+号)", r"\1〔\2〕\3", out)
    out, n2 = re.subn(r"[（(【\[［](责任单位[:：][^）)】\]］〔〕]*)[）)】\]］〕]", r"〔\1〕", out)
    out, n3 = re.subn(r"(?<![〔（(【\[［])(责任单位[:：][^）)】\]］〔〕]*)[）)】\]］〕]", r"〔\1〕", out)  # opener lost
    return out, fixed + n1 + n2 + n3


def normalise_paragraphs(text: str, repairs: Repairs) -> str:
    """normalise_ocr_text over each reconstructed paragraph (brackets may close on a later line)."""
    out = []
    for para in text.split("\n"):
        para, n = normalise_ocr_text(para)
        repairs.punctuation_fixed += n
        out.append(para)
    repairs.header_footer_texts = [normalise_ocr_text(t)[0] for t in repairs.header_footer_texts]
    return "\n".join(out)


def _lines_from_image(img, number: int, repairs: Repairs, limits: ImportLimits,
                      low: list[LowConfidenceLine]) -> PageLines:
    page = page_lines(_recognise(img), number, float(img.width), float(img.height))
    for ln in page.lines:
        if ln.confidence is not None and ln.confidence < limits.ocr_min_confidence:
            low.append(LowConfidenceLine(number, ln.text, round(ln.confidence, 3)))
    return page


def ocr_pdf_pages(path: Path, numbers: list[int], limits: ImportLimits, progress: Progress | None):
    """OCR the given pages of a PDF: a page that is one embedded scan is read at its own resolution."""
    _require_ocr(path.name, limits)
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except Exception as e:  # pdfium's errors carry English text only
        raise CorpusError(f"{path.name} 无法栅格化以做文字识别（{type(e).__name__}）。") from None
    pages, low, repairs = [], [], Repairs()
    try:
        for k, n in enumerate(numbers, 1):
            img = _page_image(doc[n - 1], limits)
            pages.append(_lines_from_image(img, n, repairs, limits, low))
            if progress:
                progress("文字识别", k, len(numbers))
    finally:
        doc.close()
    return pages, low, repairs


def _page_image(page, limits: ImportLimits):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    w, h = page.get_size()
    images = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))
    if len(images) == 1:
        left, bottom, right, top = images[0].get_bounds()
        if (right - left) * (top - bottom) >= 0.8 * w * h:
            try:
                img = images[0].get_bitmap(render=False).to_pil()
                if img.width * img.height <= limits.max_image_pixels and img.width >= w * 90 / 72:
                    return img.convert("L")
            except (pdfium.PdfiumError, ValueError, OSError):
                pass  # an unusual image encoding: render the page instead
    scale = limits.ocr_dpi / 72
    if w * h * scale * scale > limits.max_image_pixels:
        scale = math.sqrt(limits.max_image_pixels / (w * h))
    return page.render(scale=scale, grayscale=True).to_pil()


def read_images(paths: list[Path], limits: ImportLimits, progress: Progress | None = None) -> Extraction:
    """PNG/JPEG page images, in the order given, as one document."""
    from PIL import Image, UnidentifiedImageError

    if len(paths) > limits.max_pages:
        raise CorpusError(f"共 {len(paths)} 页图片，超过导入上限 {limits.max_pages} 页。")
    _require_ocr(paths[0].name, limits)
    pages, low, repairs = [], [], Repairs()
    for k, p in enumerate(paths, 1):
        try:
            with Image.open(p) as im:
                if im.width * im.height > limits.max_image_pixels:
                    raise CorpusError(f"{p.name} 的像素数（{im.width}×{im.height}）超过上限，请降低扫描分辨率后再导入。")
                im.load()
                img = im.convert("L")
        except CorpusError:
            raise
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as e:
            raise CorpusError(f"{p.name} 不是有效的图片文件或已损坏（{type(e).__name__}）。") from None
        pages.append(_lines_from_image(img, k, repairs, limits, low))
        if progress:
            progress("文字识别", k, len(paths))
    text = normalise_paragraphs(reconstruct(pages, repairs), repairs)
    if not text.strip():
        raise CorpusError(f"{paths[0].name} 中未识别出文字（可能是空白页或图像过于模糊）。")
    return Extraction(text=text, format="image", pages=len(paths), ocr_pages=len(paths), repairs=repairs,
                      low_confidence=low)
