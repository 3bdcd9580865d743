"""Builds what a bureau receives from a clean policy text: a typeset PDF, its scan, a Word file with
automatic numbering and a saved web page. Shared by the import tests and the import benchmark."""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

POLICY_DIR = Path(__file__).resolve().parent / "fixtures" / "policy"
DOC_IDS = ("longnan-2022-40", "nankang-2023-15", "anyuan-2021-9")
FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian fonts-wqy-zenhei (scripts/setup.sh)
FONT = "WQYZenHei"

_CN = "一二三四五六七八九十"
_MARKERS = [
    ("article", re.compile(rf"^第([{_CN}]+)条\s*")),
    ("cn", re.compile(rf"^([{_CN}]+)、\s*")),
    ("paren_cn", re.compile(rf"^（([{_CN}]+)）\s*")),
    ("arabic", re.compile(r"^(\d{1,2})\.\s*")),
]
_DOCNO = re.compile(r"^[\u4e00-\u9fa5]{1,10}〔\d{4}〕\d+号$")
_SENTENCE_END = "。；！？」”』）)〕:："


def policy_text(doc_id: str) -> str:
    return (POLICY_DIR / f"{doc_id}.txt").read_text(encoding="utf-8")


@dataclass
class Block:
    style: str  # red, docno, title, addressee, body, sign, cc, printed
    text: str
    gap: bool = False  # extra space above (the source had a blank run there)
    marker: tuple[str, str] | None = None  # (kind, numeral) when the paragraph opens with a clause marker
    level: int = 0


def blocks(txt: str) -> list[Block]:
    """The text's paragraphs as a typesetter sees them; page-break fragments of the extracted .txt
    (a sentence cut by a blank line) are joined back into the paragraph they came from."""
    raw = txt.replace("\r\n", "\n").split("\n")
    paras: list[tuple[str, int]] = []  # (text, blank lines before)
    blank = 0
    for line in raw:
        s = line.strip()
        if not s:
            blank += 1
            continue
        if paras and _is_fragment(paras[-1][0], s):
            paras[-1] = (paras[-1][0] + s, paras[-1][1])
        else:
            paras.append((s, blank))
        blank = 0
    out: list[Block] = []
    in_body = False
    levels: dict[str, int] = {}
    for i, (p, before) in enumerate(paras):
        nxt = paras[i + 1][0] if i + 1 < len(paras) else ""
        mk = _marker(p)
        if mk and mk[1] in ("一", "1") or mk and mk[0] == "article":
            in_body = True
        gap = before >= 2
        if p.startswith("抄送"):
            out.append(Block("cc", p, True))
        elif re.search(r"\d{4}年\d{1,2}月\d{1,2}日印发$", p):
            out.append(Block("printed", re.sub(r"\s{2,}", "\t", p)))
        elif in_body:
            b = Block("body", p, gap)
            if mk:
                b.marker = mk
                b.level = levels.setdefault(mk[0], len(levels))
            out.append(b)
        elif p.endswith("文件") and len(p) <= 20:
            out.append(Block("red", p, gap))
        elif _DOCNO.match(p):
            out.append(Block("docno", p, gap))
        elif p.endswith(("：", ":")):
            out.append(Block("addressee", p, gap))
        elif re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", p) or re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", nxt):
            out.append(Block("sign", p, gap))
        elif p[-1] not in "。；！？：:，,）)" and len(p) <= 60:
            out.append(Block("title", p, gap))
        else:
            out.append(Block("body", p, gap))
    return out


def _marker(p: str) -> tuple[str, str] | None:
    for kind, rx in _MARKERS:
        m = rx.match(p)
        if m:
            return kind, m.group(1)
    return None


def _is_fragment(prev: str, cur: str) -> bool:
    return bool(re.search("[。，]", prev)) and prev[-1] not in _SENTENCE_END and _marker(cur) is None \
        and not cur.startswith("〔")


# --- PDF with a text layer -------------------------------------------------------------------

@dataclass
class PdfLayout:
    pages: int = 0
    split_paragraphs: list[str] = field(default_factory=list)  # paragraphs continued on the next page
    wrapped_lines: int = 0


PAGE_NUMBER_STYLES = {
    "longnan-2022-40": lambda n, total: f"— {n} —",
    "nankang-2023-15": lambda n, total: f"第{n}页 共{total}页",
    "anyuan-2021-9": lambda n, total: f"- {n} -",
}


def _register_font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))


def make_text_pdf(txt: str, path: Path, *, header: str, page_number=lambda n, total: f"— {n} —",
                  body_size: float = 12.0, extra_pages: int = 0) -> PdfLayout:
    """Typeset TXT like a government document: red header, centred titles, indented justified body,
    a running header and a page number on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    _register_font()
    width, height = A4
    left, right, top, bottom = 79.0, 73.0, 90.0, 85.0
    text_w = width - left - right
    layout = PdfLayout()

    def wrap(text: str, size: float, first_indent: float, avail: float) -> list[str]:
        lines, cur, cur_w, limit = [], "", 0.0, avail - first_indent
        for ch in text:
            w = stringWidth(ch, FONT, size)
            # a closing mark may hang past the margin rather than start a line (Chinese line breaking)
            if cur and cur_w + w > limit + 0.01 and ch not in "，。；：、）》”！？":
                lines.append(cur)
                cur, cur_w, limit = "", 0.0, avail
            cur += ch
            cur_w += w
        if cur:
            lines.append(cur)
        return lines

    # lay out lines first (page breaks known), then draw with the page total
    items: list[tuple[int, float, str, float, str, bool]] = []  # page, y, text, size, align, justify
    page, y = 1, height - top
    for b in blocks(txt):
        size = {"red": 24.0, "title": 16.0, "docno": body_size}.get(b.style, body_size)
        lead = size * 1.6
        if b.gap:
            y -= body_size * 1.6
        if b.style == "printed":
            parts = b.text.split("\t")
            if y - lead < bottom:
                page, y = page + 1, height - top
            y -= lead
            items.append((page, y, parts[0], size, "left", False))
            items.append((page, y, parts[-1], size, "right", False))
            continue
        indent = 2 * size if b.style == "body" else 0.0
        avail = text_w if b.style != "title" else text_w - 2 * size
        lines = wrap(b.text, size, indent, avail)
        layout.wrapped_lines += len(lines) - 1
        start_page = page
        for k, line in enumerate(lines):
            if y - lead < bottom:
                page, y = page + 1, height - top
            y -= lead
            align = {"red": "center", "title": "center", "docno": "center", "sign": "sign"}.get(b.style, "left")
            items.append((page, y, line, size, "indent" if (k == 0 and indent) else align,
                          b.style == "body" and k < len(lines) - 1))
        if page != start_page:
            layout.split_paragraphs.append(b.text)
    layout.pages = page + extra_pages

    c = canvas.Canvas(str(path), pagesize=A4)
    for p in range(1, layout.pages + 1):
        if header:
            c.setFont(FONT, 9)
            c.drawCentredString(width / 2, height - 50, header)
            c.setLineWidth(0.5)
            c.line(left, height - 56, width - right, height - 56)
        for (pg, yy, line, size, align, justify) in items:
            if pg != p:
                continue
            c.setFont(FONT, size)
            if align == "center":
                c.drawCentredString(width / 2, yy, line)
            elif align in ("right", "sign"):
                c.drawRightString(width - right - (4 * size if align == "sign" else 0), yy, line)
            else:
                x = left + (2 * size if align == "indent" else 0)
                t = c.beginText(x, yy)
                t.setFont(FONT, size)
                if justify and len(line) > 1:
                    slack = (width - right) - x - stringWidth(line, FONT, size)
                    t.setCharSpace(max(slack, 0) / (len(line) - 1))
                t.textOut(line)
                c.drawText(t)
        c.setFont(FONT, 10)
        c.drawCentredString(width / 2, 50, page_number(p, layout.pages))
        c.showPage()
    c.save()
    return layout


# --- scans --------------------------------------------------------------------------------

def rasterise(pdf: Path, dpi: int = 120, skew: float = 0.4, seed: int = 7, pages: int | None = None) -> list:
    """The PDF's pages as a copier makes them: grey, a little noise, slightly turned."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    out = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for i in range(len(doc) if pages is None else min(pages, len(doc))):
            img = doc[i].render(scale=dpi / 72).to_pil().convert("L")
            arr = np.asarray(img, dtype=np.float32)
            arr = 28 + arr * (218 / 255)  # paper is grey and ink is not black on a copy
            arr += rng.normal(0, 6, arr.shape)
            img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
            angle = skew if i % 2 == 0 else -skew * 0.75
            out.append(img.rotate(angle, resample=Image.BICUBIC, fillcolor=240, expand=False))
    finally:
        doc.close()
    return out


def save_png_pages(images: list, folder: Path, stem: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, img in enumerate(images, 1):
        p = folder / f"{stem}-{i:02d}.png"
        img.save(p)
        paths.append(p)
    return paths


def save_image_pdf(images: list, path: Path, dpi: int = 120, jpeg: bool = False) -> Path:
    """An image-only PDF, one scan per page: lossless (Flate) by default, JPEG as copiers often write."""
    if jpeg:
        images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
        return path
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for img in images:
        w, h = img.width * 72 / dpi, img.height * 72 / dpi
        c.setPageSize((w, h))
        c.drawImage(ImageReader(img), 0, 0, w, h)
        c.showPage()
    c.save()
    return path


def first_pages(pdf: Path, n: int, out: Path) -> Path:
    """The first N pages of a PDF as a PDF of their own."""
    import pypdf

    w = pypdf.PdfWriter()
    for page in pypdf.PdfReader(str(pdf)).pages[:n]:
        w.add_page(page)
    with open(out, "wb") as f:
        w.write(f)
    return out


# --- Word with automatic numbering -----------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# (numFmt, lvlText) per marker kind; each document's kinds nest in the order they first appear
DOCX_LEVELS = {
    "article": ("chineseCounting", "第%L条"),
    "cn": ("chineseCountingThousand", "%L、"),
    "paren_cn": ("chineseCounting", "（%L）"),
    "arabic": ("decimal", "%L."),
}


def make_docx(txt: str, path: Path, *, split_title: bool = True, page_break: bool = True) -> dict:
    """A .docx whose clause markers are Word's automatic numbering, whose title runs over two
    paragraphs and whose longest paragraph holds a page break. Returns what was put in."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Pt

    bl = blocks(txt)
    kinds = []
    for b in bl:
        if b.marker and b.marker[0] not in kinds:
            kinds.append(b.marker[0])
    d = docx.Document()
    numbering = d.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    lvls = []
    for lvl, kind in enumerate(kinds):
        fmt, text = DOCX_LEVELS[kind]
        text = text.replace("%L", f"%{lvl + 1}")
        lvls.append(f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                    f'<w:lvlText w:val="{text}"/><w:suff w:val="{"space" if kind == "article" else "nothing"}"/>'
                    f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:firstLine="640"/></w:pPr></w:lvl>')
    numbering.append(parse_xml(f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="10">'
                               f'<w:multiLevelType w:val="multilevel"/>{"".join(lvls)}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num xmlns:w="{W}" w:numId="5"><w:abstractNumId w:val="10"/></w:num>'))

    longest = max((b for b in bl if b.style == "body"), key=lambda b: len(b.text))
    info = {"numbered": 0, "title_split": None, "page_break_in": None}
    for b in bl:
        if b.gap:
            d.add_paragraph("")
        text = b.text
        if b.marker:
            text = _MARKERS[[k for k, _ in _MARKERS].index(b.marker[0])][1].sub("", text, count=1)
        if b.style == "title" and split_title and len(text) > 16 and "通知" not in text:
            cut = len(text) // 2
            for part in (text[:cut], text[cut:]):
                p = d.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                r = p.add_run(part)
                r.font.size, r.bold = Pt(18), True
            info["title_split"] = text
            continue
        p = d.add_paragraph()
        if b.style == "title" and split_title and "通知" in text:
            # a long notice title broken by a manual line break (Shift+Enter)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            cut = text.index("关于") if "关于" in text else len(text) // 2
            r = p.add_run(text[:cut].rstrip())
            r.add_break()
            p.add_run(text[cut:])
            continue
        if b.style in ("red", "docno", "title"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.style == "sign":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if b is longest and page_break:
            cut = len(text) // 2
            p.add_run(text[:cut])
            p.add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
            p.add_run(text[cut:])
            info["page_break_in"] = b.text
        elif b.style == "printed":
            left, _, rightp = text.partition("\t")
            p.add_run(left)
            p.add_run().add_tab()
            p.add_run(rightp)
        else:
            r = p.add_run(text)
            if b.style in ("red", "title"):
                r.font.size, r.bold = Pt(22 if b.style == "red" else 18), True
        if b.marker:
            ppr = p._p.get_or_add_pPr()
            ppr.insert(0, parse_xml(f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{b.level}"/><w:numId w:val="5"/></w:numPr>'))
            info["numbered"] += 1
    d.save(str(path))
    return info


def docx_with_xml(path: Path, document_xml: bytes, numbering_xml: bytes | None = None) -> Path:
    """A minimal .docx package around the given XML parts (for numbering edge cases and bombs)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/_rels/document.xml.rels", _DOC_RELS if numbering_xml else _DOC_RELS_EMPTY)
        z.writestr("word/document.xml", document_xml)
        if numbering_xml:
            z.writestr("word/numbering.xml", numbering_xml)
    return path


def wrap_body(paragraphs_xml: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>'
            f'{paragraphs_xml}</w:body></w:document>').encode()


_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                  '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
                  '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
         '</Relationships>')
_DOC_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
             '</Relationships>')
_DOC_RELS_EMPTY = ('<?xml version="1.0" encoding="UTF-8"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')


# --- saved web page ------------------------------------------------------------------------

def make_html(txt: str, path: Path) -> Path:
    """A government site's article page: navigation, an index table, the text, a footer."""
    import html

    bl = blocks(txt)
    title = next((b.text for b in bl if b.style == "title" and "通知" not in b.text), "")
    docno = next((b.text for b in bl if b.style == "docno"), "")
    body = "\n".join(f'<p style="text-indent:2em">{html.escape(b.text)}</p>' if b.style == "body"
                     else f"<p>{html.escape(b.text)}</p>" for b in bl if b.style not in ("red",))
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}_政府信息公开</title></head>
<body><div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/zcwj">政策文件</a></div>
<table class="xxgk"><tr><td>索引号：</td><td>K00012-0203-2023-0042</td><td>发文字号：</td><td>{html.escape(docno)}</td></tr>
<tr><td>主题分类：</td><td>工业、交通</td><td>成文日期：</td><td>2023-06-28</td></tr></table>
<div class="article"><h1>{html.escape(title)}</h1>
<div class="TRS_Editor">
{body}
</div></div>
<div class="share">分享到：微信 微博</div>
<div class="footer">主办单位：某某人民政府办公室　版权所有　备案号：赣ICP备00000000号</div>
</body></html>"""
    path.write_text(page, encoding="utf-8")
    return path


def zip_bomb_docx(path: Path, xml_mb: int = 100) -> Path:
    """A small .docx whose document.xml inflates to XML_MB megabytes."""
    chunk = ("<w:p><w:r><w:t>" + "政策" * 500 + "</w:t></w:r></w:p>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/_rels/document.xml.rels", _DOC_RELS_EMPTY)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'.encode())
            for _ in range(xml_mb * 1024 * 1024 // len(chunk)):
                f.write(chunk)
            f.write(b"</w:body></w:document>")
    return path


def char_accuracy(expected: str, got: str) -> float:
    """1 − (characters replaced, dropped or added) / len(expected), over the difflib alignment."""
    import difflib

    sm = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    errors = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")
    return 1 - errors / max(len(expected), 1)


def clause_chars(doc) -> str:
    """A document's clause texts concatenated, white space dropped (spacing is typesetting, not content)."""
    return re.sub(r"\s", "", "".join(c.full_text for c in doc))


def random_bytes(n: int, seed: int = 3) -> bytes:
    return random.Random(seed).randbytes(n)


def png_bytes(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
