"""Word (.docx) files read from their XML: automatic numbering written out as the labels Word shows
(第一条, （一）, 1.), titles set over two paragraphs joined, page breaks inside paragraphs removed.
Sizes are checked before anything is inflated or parsed (a .docx is a zip and may be a bomb)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from corpus.errors import CorpusError
from corpus.importers.layout import Repairs
from corpus.importers.limits import MB, ImportLimits
from corpus.importers.result import Extraction

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOC = "/officeDocument"
_SENTENCE_END = "。；！？：:"
_DOCNO_OR_DATE = re.compile(r"(〔\d{4}〕\d+号|\d{4}年\d{1,2}月\d{1,2}日)")

# --- number formats (ECMA-376 ST_NumberFormat) ------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _chinese(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 101 → 一百零一, 1010 → 一千零一十 (up to 9999)."""
    if n <= 0 or n >= 10000:
        return str(n)
    parts, zero = [], False
    for unit, value in ((units[2], 1000), (units[1], 100), (units[0], 10), ("", 1)):
        d = n // value % 10
        if d:
            if zero:
                parts.append(digits[0])
                zero = False
            parts.append(("" if (unit == units[0] and d == 1 and n < 20) else digits[d]) + unit)
        elif parts:
            zero = True
    return "".join(parts)


def _letters(n: int, upper: bool) -> str:
    # Word repeats the letter: 27 → AA, 28 → BB
    ch = chr((n - 1) % 26 + (65 if upper else 97))
    return ch * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                 (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


def format_number(n: int, fmt: str) -> str | None:
    """A level's counter as Word displays it; None for bullets (no label)."""
    if fmt == "bullet":
        return None
    if fmt == "none":
        return ""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "japaneseDigitalTenThousand"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join("〇" if c == "0" else _CN_DIGITS[int(c)] for c in str(n))
    if fmt in ("ideographTraditional",):
        return _STEMS[(n - 1) % 10] if n > 0 else str(n)
    if fmt in ("ideographZodiac",):
        return _BRANCHES[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n, fmt == "upperLetter")
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return str(n)  # decimal and anything this reader does not draw specially


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: None = after any higher level, 0 = never
    legal: bool = False  # w:isLgl: higher levels shown as decimal
    suffix: str = "tab"
    style: str | None = None


def _val(el, name: str, default=None):
    c = el.find(W + name) if el is not None else None
    if c is None:
        return default
    return c.get(W + "val", default)


def _int(v, default: int) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


class Numbering:
    """Counters for w:numPr paragraphs, following numbering.xml and styles.xml."""

    def __init__(self, numbering_root, styles_root):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.abstract_style_link: dict[str, str] = {}
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None, str | None]] = {}  # id → (basedOn, numId, ilvl, jc)
        self.counters: dict[str, dict[int, int]] = {}
        self.restored = 0
        if styles_root is not None:
            for st in styles_root.iter(W + "style"):
                ppr = st.find(W + "pPr")
                npr = ppr.find(W + "numPr") if ppr is not None else None
                self.styles[st.get(W + "styleId", "")] = (
                    _val(st, "basedOn"), _val(npr, "numId"), _val(npr, "ilvl"), _val(ppr, "jc"))
        if numbering_root is None:
            return
        for an in numbering_root.iter(W + "abstractNum"):
            aid = an.get(W + "abstractNumId", "")
            self.abstract[aid] = {_int(lv.get(W + "ilvl"), 0): self._level(lv) for lv in an.iter(W + "lvl")}
            link = _val(an, "numStyleLink")
            if link:
                self.abstract_style_link[aid] = link
        for num in numbering_root.iter(W + "num"):
            starts, levels = {}, {}
            for ov in num.iter(W + "lvlOverride"):
                il = _int(ov.get(W + "ilvl"), 0)
                so = _val(ov, "startOverride")
                if so is not None:
                    starts[il] = _int(so, 1)
                lv = ov.find(W + "lvl")
                if lv is not None:
                    levels[il] = self._level(lv)
            self.nums[num.get(W + "numId", "")] = (_val(num, "abstractNumId") or "", starts, levels)

    @staticmethod
    def _level(lv) -> _Level:
        restart = _val(lv, "lvlRestart")
        return _Level(start=_int(_val(lv, "start"), 1), fmt=_val(lv, "numFmt", "decimal") or "decimal",
                      text=_val(lv, "lvlText", "") or "", restart=None if restart is None else _int(restart, 0),
                      legal=lv.find(W + "isLgl") is not None and _val(lv, "isLgl", "1") not in ("0", "false"),
                      suffix=_val(lv, "suff", "tab") or "tab", style=_val(lv, "pStyle"))

    def style_chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            yield style_id, self.styles[style_id]
            style_id = self.styles[style_id][0]

    def paragraph_num(self, ppr) -> tuple[str, int] | None:
        """(numId, ilvl) of a paragraph, from its own numPr or its style's."""
        npr = ppr.find(W + "numPr") if ppr is not None else None
        num_id, ilvl = _val(npr, "numId"), _val(npr, "ilvl")
        style = _val(ppr, "pStyle")
        if num_id is None:
            for sid, (_, s_num, s_ilvl, _) in self.style_chain(style):
                if s_num is not None:
                    num_id, ilvl = s_num, ilvl if ilvl is not None else s_ilvl
                    if ilvl is None:
                        ilvl = self._level_of_style(s_num, sid)
                    break
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return None
        return num_id, _int(ilvl, 0)

    def _abstract_of(self, num_id: str) -> str:
        aid = self.nums[num_id][0]
        link = self.abstract_style_link.get(aid)
        if link:  # the list is defined by a numbering style that points at another w:num
            for _, (_, s_num, _, _) in self.style_chain(link):
                if s_num and s_num in self.nums and self.nums[s_num][0] != aid:
                    return self.nums[s_num][0]
        return aid

    def _level_of_style(self, num_id: str, style_id: str) -> str | None:
        for il, lv in self.abstract.get(self._abstract_of(num_id), {}).items():
            if lv.style == style_id:
                return str(il)
        return None

    def _levels(self, num_id: str) -> dict[int, _Level]:
        levels = dict(self.abstract.get(self._abstract_of(num_id), {}))
        levels.update(self.nums[num_id][2])
        return levels

    def label(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """Advance the list's counter at ILVL and return (label, suffix) as Word shows them."""
        levels = self._levels(num_id)
        lv = levels.get(ilvl)
        if lv is None:
            return None
        aid, starts, overrides = self.nums[num_id]
        # lists sharing an abstract definition continue one count unless a w:num restarts it
        key = f"num:{num_id}" if starts or overrides else f"abs:{self._abstract_of(num_id)}"
        counters = self.counters.get(key)
        if counters is None:
            counters = self.counters[key] = {}
        start = starts.get(ilvl, lv.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels.get(deeper, _Level()).restart
            if restart is None or (restart and ilvl < restart):
                del counters[deeper]
        if format_number(counters[ilvl], lv.fmt) is None:
            return None  # a bullet is not a clause label

        def value(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            other = levels.get(k, _Level())
            n = counters.get(k, starts.get(k, other.start))
            return format_number(n, "decimal" if (lv.legal and k != ilvl) else other.fmt) or ""

        text = re.sub(r"%([1-9])", value, lv.text)
        self.restored += 1
        return text, {"tab": " ", "space": " "}.get(lv.suffix, "")


# --- the package ---------------------------------------------------------------------------

def _read_member(z: zipfile.ZipFile, name: str, cap: int, file: str) -> bytes:
    """A member's bytes, inflated at most CAP bytes (the sizes in the zip directory may lie)."""
    with z.open(name) as f:
        data = f.read(cap + 1)
    if len(data) > cap:
        raise CorpusError(f"{file} 中的 {name} 解压后超过 {cap // MB} MB 上限，"
                          "文件可能是“压缩炸弹”或已损坏，不予导入。")
    return data


def _parse(data: bytes, name: str, file: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise CorpusError(f"{file} 中的 {name} 不是有效的 XML，文件可能已损坏。") from None


def _targets(z: zipfile.ZipFile, rels_name: str, base: str, limits: ImportLimits, file: str) -> dict[str, str]:
    if rels_name not in z.namelist():
        return {}
    root = _parse(_read_member(z, rels_name, limits.max_xml_bytes, file), rels_name, file)
    out = {}
    for rel in root.iter(_REL_NS + "Relationship"):
        target = rel.get("Target", "")
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath(base) / target)
        out.setdefault(kind, str(PurePosixPath(path)))
    return out


def read_docx(path: Path, limits: ImportLimits) -> Extraction:
    name = path.name
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CorpusError(f"{name} 不是有效的 Word（.docx）文件（不是 zip 压缩包或已损坏）；"
                          "旧版 .doc 文件请先在 Word/WPS 中另存为 .docx。") from None
    with z:
        infos = z.infolist()
        if len(infos) > 20000:
            raise CorpusError(f"{name} 包含的部件过多（{len(infos)} 个），文件可能已损坏或是恶意文件。")
        total = sum(i.file_size for i in infos)
        if total > limits.max_docx_uncompressed:
            raise CorpusError(f"{name} 解压后共 {total // MB} MB，超过 {limits.max_docx_uncompressed // MB} MB 上限，"
                              "文件可能是“压缩炸弹”，不予导入。")
        try:
            main = _targets(z, "_rels/.rels", "", limits, name).get("officeDocument", "word/document.xml")
            if main not in z.namelist():
                raise CorpusError(f"{name} 中找不到正文（{main}），不是有效的 Word 文件。")
            base = str(PurePosixPath(main).parent)
            rels_name = f"{base}/_rels/{PurePosixPath(main).name}.rels"
            parts = _targets(z, rels_name, base, limits, name)
            doc = _parse(_read_member(z, main, limits.max_xml_bytes, name), main, name)
            numbering = styles = None
            for kind in ("numbering", "styles"):
                part = parts.get(kind, f"{base}/{kind}.xml")
                if part in z.namelist():
                    root = _parse(_read_member(z, part, limits.max_xml_bytes, name), part, name)
                    numbering, styles = (root, styles) if kind == "numbering" else (numbering, root)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as e:
            raise CorpusError(f"{name} 已损坏，无法解压（{type(e).__name__}）。") from None
    repairs = Repairs()
    num = Numbering(numbering, styles)
    body = doc.find(W + "body")
    if body is None:
        raise CorpusError(f"{name} 没有正文内容。")
    paras: list[tuple[str, bool, str | None]] = []  # text, centred, first run size
    for p in _paragraphs(body):
        text, centred, size = _paragraph(p, num, repairs)
        paras.append((text, centred, size))
    repairs.numbering_restored = num.restored
    text = "\n".join(_join_titles(paras, repairs))
    if not text.strip():
        raise CorpusError(f"{name} 中没有文字。")
    return Extraction(text=text, format="docx", repairs=repairs)


def _paragraphs(el):
    """Body paragraphs in reading order, tables and content controls included."""
    for child in el:
        tag = child.tag
        if tag == W + "p":
            yield child
        elif tag in (W + "tbl", W + "tr", W + "tc", W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _paragraphs(child)


def _paragraph(p, num: Numbering, repairs: Repairs) -> tuple[str, bool, str | None]:
    ppr = p.find(W + "pPr")
    jc = _val(ppr, "jc")
    if jc is None:
        for _, (_, _, _, s_jc) in num.style_chain(_val(ppr, "pStyle")):
            if s_jc:
                jc = s_jc
                break
    out: list[str] = []
    size = None
    for r in p.iter(W + "r"):
        if _owner_paragraph(r) is not p or _deleted(r, p):
            continue
        rpr = r.find(W + "rPr")
        if size is None and rpr is not None:
            size = _val(rpr, "sz")
        for c in r:
            tag = c.tag
            if tag == W + "t":
                out.append(c.text or "")
            elif tag == W + "tab":
                out.append(" ")
            elif tag == W + "br":
                if c.get(W + "type") == "page" or c.get(W + "type") == "column":
                    repairs.page_breaks_removed += 1  # a page break inside a paragraph is layout, not text
                else:
                    out.append("\n")
            elif tag == W + "cr":
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
    text = "".join(out)
    # a manual line break inside a sentence (a title set over two lines) joins; after a full stop it separates
    pieces = [s.strip() for s in text.split("\n")]
    joined = pieces[0] if pieces else ""
    for s in pieces[1:]:
        if joined and joined[-1] not in _SENTENCE_END:
            joined += s
            repairs.lines_joined += 1
        else:
            joined += "\n" + s
    text = joined.strip()
    n = num.paragraph_num(ppr)
    if n is not None and text:
        lab = num.label(*n)
        if lab is not None and lab[0]:
            text = lab[0] + lab[1] + text
    return text, jc in ("center", "centre"), size


def _owner_paragraph(r):
    el = r.getparent()
    while el is not None and el.tag != W + "p":
        el = el.getparent()
    return el


def _deleted(r, p) -> bool:
    el = r.getparent()
    while el is not None and el is not p:
        if el.tag in (W + "del", W + "moveFrom"):
            return True
        el = el.getparent()
    return False


def _join_titles(paras: list[tuple[str, bool, str | None]], repairs: Repairs) -> list[str]:
    """A title typed over two centred paragraphs of the same size is one title."""
    out: list[str] = []
    prev: tuple[str, bool, str | None] | None = None
    for text, centred, size in paras:
        if (prev is not None and centred and prev[1] and text and prev[0] and out
                and prev[0][-1] not in _SENTENCE_END and size == prev[2]
                and not _DOCNO_OR_DATE.search(text) and not _DOCNO_OR_DATE.search(prev[0])
                and not prev[0].endswith("文件") and len(prev[0]) + len(text) <= 80):
            out[-1] += text
            repairs.titles_joined += 1
            prev = (out[-1], centred, size)
            continue
        out.append(text)
        prev = (text, centred, size)
    return out
