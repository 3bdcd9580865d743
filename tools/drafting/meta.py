"""Draft meta: 文号, issuers, the place guessed from the issuer, dates, effective date and validity as the text states
them, the interpreting unit, and the window of events the document covers."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from corpus.model import Document, cn_to_int

_DOCNO_RE = re.compile(r"[\u4e00-\u9fa5]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d+号")
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_ISSUED_RE = re.compile(_DATE + r"\s*印发")
_EFFECTIVE_RE = re.compile(r"自\s*" + _DATE + r"\s*起(?:施行|执行|实施|生效)")
_ON_ISSUE_RE = re.compile(r"自(?:印发|发布|公布|下发)之日起(?:施行|执行|实施|生效)")
_UNTIL_RE = re.compile(r"有效期(?:至|到)\s*" + _DATE)
_YEARS_RE = re.compile(r"有效期(?:为)?\s*(\d+|[一二两三四五六七八九十]+)\s*年")
_WINDOW_RE = re.compile(_DATE + r"\s*(?:起)?至(?:本(?:办法|措施|意见|政策|细则|方案|通知)?(?:施行|实施|印发)(?:前|之日))")
_IN_VALIDITY_RE = re.compile(r"须在本\w{0,4}有效期内")
_INTERPRET_RE = re.compile(r"由([\u4e00-\u9fa5（）()]{2,20}?)负责解释")
_PLACE_UNIT_RE = re.compile(r"[\u4e00-\u9fa5]{1,6}?(?:自治区|自治州|特别行政区|省|市|盟|县|区|旗)")
_ISSUER_TAIL = ("人民政府办公室", "人民政府办公厅", "人民政府", "委员会", "办公室", "办公厅", "局", "委")


@dataclass
class MetaDraft:
    id: str
    doc_number: str = ""
    title: str = ""
    notice_title: str = ""
    issuers: list[str] = field(default_factory=list)
    place: dict | None = None
    issued: date | None = None
    issued_text: str = ""
    effective: date | None = None
    expires: date | None = None
    cc: str = ""
    consult_unit: str = ""
    validity: str = ""  # the sentence stating effective date and validity, verbatim
    validity_clause: str = ""
    event_window: tuple[date, date] | None = None
    questions: list[str] = field(default_factory=list)

    def to_yaml_dict(self) -> dict:
        out: dict = {"id": self.id, "status": "draft", "review": "待审核"}
        for key in ("doc_number", "title", "notice_title"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.issuers:
            out["issuers"] = list(self.issuers)
        if self.place:
            out["place"] = self.place
        for key in ("issued", "issued_text", "effective", "expires", "cc", "consult_unit"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        out["validity"] = self.validity or "文件未规定有效期"
        return out


def _day(y, m, d) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _plus_years(start: date, years: int) -> date:
    """The last day of a validity of `years` years from `start` (2023-07-01 + 5 years → 2028-06-30)."""
    y = start.year + years
    d = min(start.day, calendar.monthrange(y, start.month)[1])
    return date(y, start.month, d) - timedelta(days=1)


def place_from_issuer(issuer: str) -> dict | None:
    """The lowest jurisdiction named at the head of an issuer (X市Y区人民政府办公室 → Y区 within X市)."""
    s = re.sub(r"^中共", "", issuer.strip())
    units: list[str] = []
    pos = 0
    while True:
        m = _PLACE_UNIT_RE.match(s, pos)
        if not m:
            break
        word = m.group(0)
        if any(word.endswith(t) for t in ("人民政府", "政府")):
            break
        units.append(word)
        pos = m.end()
    if not units:
        return None
    name = units[-1]
    short = re.sub(r"(?:自治区|自治州|省|市|盟|县|区|旗)$", "", name)
    aliases = []
    if len(units) > 1:
        aliases.append("".join(units[-2:]))
    if len(short) >= 2 and short != name:
        aliases.append(short)
    out = {"name": name, "aliases": aliases}
    if len(units) > 1:
        out["within"] = units[-2]
    return out


def _issuers(doc: Document, head: list[str], notice_title: str) -> list[str]:
    lead = notice_title.split("关于", 1)[0].strip() if "关于" in notice_title else ""
    if lead:
        parts = [p for p in re.split(r"[\s、，]+", lead) if p]
        if parts and all(any(p.endswith(t) for t in _ISSUER_TAIL) for p in parts):
            return parts
    for line in head:
        if line.endswith("文件") and len(line) > 2:
            return [line[:-2].strip()]
    return []


def draft_meta(doc: Document, doc_id: str) -> MetaDraft:
    """What the text states about the document itself; anything guessed or missing becomes a question."""
    text = doc.source
    m = MetaDraft(id=doc_id)
    no = _DOCNO_RE.search(text[:3000])
    m.doc_number = no.group(0) if no else ""
    m.title = str(doc.meta.get("title") or "")
    notice = doc.find("notice")
    m.notice_title = notice.heading if notice is not None else ""
    head = [ln.strip() for ln in text.splitlines()[:30] if ln.strip()]
    m.issuers = _issuers(doc, head, m.notice_title)
    m.cc = str(doc.meta.get("cc") or "")
    issued_text = str(doc.meta.get("issued_text") or "")
    im = _ISSUED_RE.search(issued_text) or _ISSUED_RE.search(text)
    if im:
        m.issued, m.issued_text = _day(*im.groups()), im.group(0)
    else:
        dates = [d for d in (_day(*g) for g in re.findall(_DATE, notice.text if notice is not None else "")) if d]
        if dates:
            m.issued = dates[-1]
            m.questions.append(f"未找到“…印发”日期，印发日期按通知落款推定为{m.issued.isoformat()}，请核对。")
        else:
            m.questions.append("文件中未找到印发日期，请补充 issued。")
    if not m.doc_number:
        m.questions.append("文件中未找到文号，请补充 doc_number。")
    for c in doc:
        if c.id == "notice":
            continue
        t = c.text
        em = _EFFECTIVE_RE.search(t)
        if em and m.effective is None:
            m.effective = _day(*em.groups())
            m.validity, m.validity_clause = _sentence_at(t, em.start()), c.id
        elif _ON_ISSUE_RE.search(t) and m.effective is None:
            m.effective = m.issued
            m.validity, m.validity_clause = _sentence_at(t, _ON_ISSUE_RE.search(t).start()), c.id
        um = _UNTIL_RE.search(t)
        if um and m.expires is None:
            m.expires = _day(*um.groups())
            m.validity_clause = m.validity_clause or c.id
            m.validity = m.validity or _sentence_at(t, um.start())
        ym = _YEARS_RE.search(t)
        if ym and m.expires is None and not um:
            years = int(ym.group(1)) if ym.group(1).isdigit() else cn_to_int(ym.group(1))
            start = m.effective or m.issued
            if start is not None:
                m.expires = _plus_years(start, years)
                m.validity_clause = m.validity_clause or c.id
                m.validity = m.validity or _sentence_at(t, ym.start())
        wm = _WINDOW_RE.search(t)
        if wm and m.event_window is None:
            m.event_window = (_day(*wm.groups()[:3]), None)  # the end is the expiry, once known
        if _IN_VALIDITY_RE.search(t) and m.event_window is None:
            m.event_window = (None, None)  # events must fall within the validity itself
    if m.event_window is not None:
        start = m.event_window[0] or m.effective or m.issued
        end = m.expires
        m.event_window = (start, end) if start and end else None
    if m.effective is None and m.issued is not None:
        m.questions.append("文件未写明施行日期，按印发日期施行，请确认。")
    if m.expires is None:
        m.questions.append("文件未规定有效期（或未能识别），请确认是否长期有效。")
    for c in doc:
        im = _INTERPRET_RE.search(c.text)
        if im:
            m.consult_unit = im.group(1)
            break
    if not m.consult_unit:
        units = Counter(u for c in doc for u in c.units)
        if units:
            m.consult_unit = units.most_common(1)[0][0]
            m.questions.append(f"文件未写明解释单位，咨询单位按最常见的责任单位推定为“{m.consult_unit}”，请确认。")
    for issuer in m.issuers:
        place = place_from_issuer(issuer)
        if place:
            m.place = place
            m.questions.append(f"适用地区按发文单位“{issuer}”推定为{place['name']}"
                               + (f"（上级：{place['within']}）" if place.get("within") else "") + "，请确认。")
            break
    if m.place is None:
        m.questions.append("未能从发文单位推定适用地区，请补充 place。")
    return m


def _sentence_at(text: str, pos: int) -> str:
    a = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
    b = text.find("。", pos)
    return text[a:(b + 1 if b >= 0 else len(text))].strip()


__all__ = ["MetaDraft", "draft_meta", "place_from_issuer"]
