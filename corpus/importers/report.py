"""The import report: what was found, what was repaired and what needs a person, as one pydantic model
(`corpus add --json` prints it; the web app can show it) and as readable Chinese text."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from corpus.importers.layout import Repairs
from corpus.importers.result import Extraction
from corpus.model import Document

_FORMAT_CN = {"txt": "文本文件", "md": "Markdown 文件", "pdf": "PDF（文字层）", "pdf-ocr": "扫描 PDF（文字识别）",
              "pdf+ocr": "PDF（部分页面文字识别）", "image": "图片（文字识别）", "docx": "Word 文件", "html": "网页"}


class OutlineItem(BaseModel):
    id: str
    label: str
    heading: str = ""


class Found(BaseModel):
    doc_number: str | None = None
    title: str | None = None
    notice_title: str | None = None
    issuers: list[str] = Field(default_factory=list)
    place: str | None = None
    issued: str | None = None  # YYYY-MM-DD (印发 date)
    issued_text: str | None = None
    effective: str | None = None
    expires: str | None = None
    status: str | None = None
    consult_unit: str | None = None
    cc: str | None = None
    clause_count: int = 0
    outline: list[OutlineItem] = Field(default_factory=list)


class Repaired(BaseModel):
    page_numbers_dropped: int = 0
    headers_footers_dropped: int = 0
    header_footer_texts: list[str] = Field(default_factory=list)
    lines_joined: int = 0
    paragraphs_rejoined: int = 0
    titles_joined: int = 0
    numbering_restored: int = 0
    page_breaks_removed: int = 0
    punctuation_fixed: int = 0


class LowConfidence(BaseModel):
    page: int
    text: str
    confidence: float


class NeedsReview(BaseModel):
    low_confidence_lines: list[LowConfidence] = Field(default_factory=list)
    unplaced_paragraphs: list[str] = Field(default_factory=list)  # text that belongs to no clause and no meta field
    numbering_gaps: list[str] = Field(default_factory=list)  # a marker the parser could not place (一、 after 三、)
    missing: list[str] = Field(default_factory=list)  # meta the text does not state


class ImportReport(BaseModel):
    doc_id: str
    source_file: str
    format: str
    pages: int = 0
    ocr_pages: int = 0
    accepted: bool = True
    refused_reason: str | None = None
    found: Found = Field(default_factory=Found)
    repaired: Repaired = Field(default_factory=Repaired)
    needs_review: NeedsReview = Field(default_factory=NeedsReview)
    notes: list[str] = Field(default_factory=list)

    def to_dict(self) -> dict:
        return self.model_dump(mode="json")

    def to_text(self) -> str:
        """The report as a person reads it, in Chinese."""
        f, r, n = self.found, self.repaired, self.needs_review
        lines = [f"导入报告：{self.source_file} → {self.doc_id}（{_FORMAT_CN.get(self.format, self.format)}"
                 + (f"，{self.pages} 页" if self.pages else "") + (f"，其中 {self.ocr_pages} 页经文字识别" if self.ocr_pages else "") + "）"]
        if not self.accepted:
            lines.append(f"结果：未导入。{self.refused_reason}")
        lines.append("一、识别到的内容")
        for label, value in (("文号", f.doc_number), ("标题", f.title), ("发文机关", "、".join(f.issuers) or None),
                             ("适用地区（据发文机关推断）", f.place), ("印发日期", f.issued), ("施行日期", f.effective),
                             ("有效期至", f.expires), ("效力说明", f.status), ("解释单位", f.consult_unit), ("抄送", f.cc)):
            lines.append(f"  {label}：{value if value else '（未识别到）'}")
        lines.append(f"  条款：共 {f.clause_count} 条")
        for item in f.outline:
            depth = 0 if item.id in ("notice", "0") else item.id.count(".")
            lines.append(f"    {'  ' * depth}{item.id}  {item.label}  {item.heading}".rstrip())
        lines.append("二、自动修复")
        fixes = [(r.page_numbers_dropped, "删除页码 {} 处"), (r.headers_footers_dropped, "删除页眉页脚 {} 处"),
                 (r.lines_joined, "合并折行 {} 处"), (r.paragraphs_rejoined, "接续跨页段落 {} 处"),
                 (r.titles_joined, "合并分行标题 {} 处"), (r.numbering_restored, "还原 Word 自动编号 {} 个"),
                 (r.page_breaks_removed, "去除段内分页符 {} 处"), (r.punctuation_fixed, "校正识别出的标点 {} 处")]
        done = [t.format(k) for k, t in fixes if k]
        lines.append("  " + ("；".join(done) + "。" if done else "无需修复。"))
        if r.header_footer_texts:
            lines.append("  删除的页眉页脚：" + "；".join(r.header_footer_texts))
        lines.append("三、需要人工核对")
        items = []
        if n.low_confidence_lines:
            items.append(f"  识别置信度较低的行 {len(n.low_confidence_lines)} 行：")
            items += [f"    第{x.page}页（{x.confidence:.2f}）：{x.text}" for x in n.low_confidence_lines]
        if n.unplaced_paragraphs:
            items.append("  未归入任何条款的段落：")
            items += [f"    {p}" for p in n.unplaced_paragraphs]
        if n.numbering_gaps:
            items.append("  编号不连续、已并入上一条的段落：")
            items += [f"    {p}" for p in n.numbering_gaps]
        if n.missing:
            items.append("  文中未写明：" + "、".join(n.missing))
        lines += items or ["  无。"]
        lines += [f"注：{x}" for x in self.notes]
        return "\n".join(lines)


def repaired_from(rep: Repairs) -> Repaired:
    return Repaired(**vars(rep))


_MARKER_RE = re.compile(r"^(第[一二三四五六七八九十百零〇]+[章条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)])")


def review_paragraphs(text: str, doc: Document, meta: dict) -> tuple[list[str], list[str]]:
    """Paragraphs that no clause and no meta field holds, and marker paragraphs the parser merged away."""
    def squash(s: str) -> str:
        return re.sub(r"\s+", "", s)

    held = [squash(c.full_text) for c in doc] + [squash(c.marker + c.full_text) for c in doc]
    known = {squash(str(v)) for v in meta.values() if isinstance(v, str)}
    known |= {squash(x) for v in meta.values() if isinstance(v, list) for x in v}
    clause_starts = {squash(c.marker + (c.heading if c.heading and not c.text.startswith(c.heading) else c.text))[:12]
                     for c in doc if c.marker}
    unplaced, gaps = [], []
    blob = "\n".join(held)
    for p in (p.strip() for p in text.split("\n")):
        s = squash(p)
        if not s:
            continue
        m = _MARKER_RE.match(s)
        if m and s[:12] not in clause_starts and doc.clauses and s in blob and list(doc.clauses)[-1] != "0":
            gaps.append(p)
            continue
        if s in blob or s in known or any(s in k or k in s for k in known if len(k) >= 4):
            continue
        if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", s) or s.endswith("文件") or s.startswith("抄送"):
            continue  # signature date, red header, distribution line: parts of the form
        unplaced.append(p)
    return unplaced, gaps


def outline(doc: Document) -> list[OutlineItem]:
    return [OutlineItem(id=c.id, label=c.label, heading=c.heading or c.text[:24]) for c in doc]


def build_report(doc_id: str, source_file: str, ext: Extraction, doc: Document | None, meta: dict) -> ImportReport:
    rep = ImportReport(doc_id=doc_id, source_file=source_file, format=ext.format, pages=ext.pages,
                       ocr_pages=ext.ocr_pages, repaired=repaired_from(ext.repairs), notes=list(ext.notes))
    fields = {k: meta.get(k) for k in Found.model_fields if k not in ("clause_count", "outline")}
    fields["issuers"] = list(meta.get("issuers") or [])
    rep.found = Found(**{k: (str(v) if v is not None and k != "issuers" else v) for k, v in fields.items()})
    rep.needs_review.low_confidence_lines = [LowConfidence(page=x.page, text=x.text, confidence=x.confidence)
                                             for x in ext.low_confidence]
    if doc is not None:
        rep.found.clause_count = len(doc)
        rep.found.outline = outline(doc)
        rep.needs_review.unplaced_paragraphs, rep.needs_review.numbering_gaps = review_paragraphs(ext.text, doc, meta)
    labels = {"doc_number": "文号", "issuers": "发文机关", "issued": "印发日期", "effective": "施行日期", "expires": "有效期"}
    rep.needs_review.missing = [cn for k, cn in labels.items() if not meta.get(k)]
    return rep
