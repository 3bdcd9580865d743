"""What an imported policy says about itself: 文号, issuers, the place it applies to, 印发 / effective / expiry
dates, the interpreting unit. Read from the text the way an office clerk would; nothing is invented."""

from __future__ import annotations

import re
from datetime import date, timedelta

from corpus.model import Document, cn_to_int

DOCNO_RE = re.compile(r"[\u4e00-\u9fa5]{1,10}[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(\d+)\s*号")
_DATE = r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
_DATE_RE = re.compile(_DATE)
_ISSUED_RE = re.compile(_DATE + r"\s*印发")
# 中共龙南市委办公室 / 赣州市南康区人民政府办公室 / 安远县人民政府: the issuing bodies of a notice title
_ISSUER_SPLIT = re.compile(r"[\s、，,]+")
_ORG_END = re.compile(r"(人民政府办公室|人民政府办公厅|人民政府|委员会办公室|委办公室|委员会|办公室|办公厅|管理委员会|局|委|厅|部|政府|党委|委)$")
_UNIT = "(?:自治区|自治州|自治县|特别行政区|省|市|盟|地区|区|县|旗)"  # a bare 州 is part of names (赣州市)
_PLACE_RE = re.compile(rf"^(?:中共|中国共产党)?((?:[\u4e00-\u9fa5]{{1,8}}?{_UNIT})+)")
_EFFECTIVE_RE = re.compile(r"自\s*(?:" + _DATE + r"|(印发|发布|公布)之日)\s*起\s*(?:施行|实施|执行|生效)")
_VALID_UNTIL_RE = re.compile(r"有效期(?:至|到|截至)\s*" + _DATE)
_VALID_YEARS_RE = re.compile(r"有效期(?:为)?\s*(\d{1,2}|[一二三四五六七八九十]{1,2})\s*年")
_INTERPRET_RE = re.compile(r"由\s*([\u4e00-\u9fa5（）()]{2,30}?)\s*负责解释")


def _num(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 4 and all(c in "〇零一二三四五六七八九" for c in s):  # 二〇二三年
        return int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in s))
    return cn_to_int(s)


def parse_date(m: re.Match, offset: int = 1) -> date | None:
    try:
        return date(_num(m.group(offset)), _num(m.group(offset + 1)), _num(m.group(offset + 2)))
    except (ValueError, TypeError):
        return None


def find_doc_number(text: str) -> str | None:
    """The first 文号 near the top, brackets written the standard way (〔2023〕)."""
    m = DOCNO_RE.search(text[:3000])
    if not m:
        return None
    prefix = re.match(r"[\u4e00-\u9fa5]+", m.group(0)).group(0)
    return f"{prefix}〔{m.group(1)}〕{m.group(2)}号"


def issuers_from(doc: Document, paragraphs: list[str]) -> list[str]:
    """The issuing bodies: from the notice title (…关于印发…的通知), else the red header (…文件)."""
    for title in [doc.meta.get("notice_title") or "", doc.title] + paragraphs[:12]:
        if "关于" in title:
            head = title.split("关于", 1)[0].strip()
            names = [n for n in _ISSUER_SPLIT.split(head) if n and _ORG_END.search(n)]
            if names:
                return names
    for p in paragraphs[:6]:
        if p.endswith("文件") and 4 <= len(p) <= 40:
            return [n for n in _ISSUER_SPLIT.split(p[:-2].strip()) if n]
    return []


def place_of(issuer: str) -> str | None:
    """The most local administrative unit named at the head of an issuer: 赣州市南康区人民政府办公室 → 南康区."""
    m = _PLACE_RE.match(issuer)
    if not m:
        return None
    units = re.findall(rf"[\u4e00-\u9fa5]{{1,8}}?{_UNIT}", m.group(1))
    return units[-1] if units else None


def _years_later(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def extract_meta(text: str, doc: Document) -> dict:
    """Meta fields found in the document (only those the text states)."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    found: dict = {}
    docno = find_doc_number(text)
    if docno:
        found["doc_number"] = docno
    found["title"] = doc.title if doc.title != doc.id else None
    notice_title = next((t for t in paragraphs[:15] if "关于印发" in t and t.endswith("通知")), None)
    if notice_title:
        found["notice_title"] = notice_title
        doc.meta.setdefault("notice_title", notice_title)
    issuers = issuers_from(doc, paragraphs)
    if issuers:
        found["issuers"] = issuers
        place = place_of(issuers[0])
        if place:
            found["place"] = place
    issued = None
    for p in reversed(paragraphs[-6:]):
        m = _ISSUED_RE.search(p)
        if m:
            issued = parse_date(m)
            found["issued_text"] = m.group(0).replace(" ", "")
            break
    if issued is None:  # the notice's signature date
        for p in paragraphs[:30]:
            m = _DATE_RE.fullmatch(p)
            if m:
                issued = parse_date(m)
                break
    if issued:
        found["issued"] = issued.isoformat()
    body = "\n".join(c.text for c in doc)
    effective = expires = None
    status_parts = []
    m = _EFFECTIVE_RE.search(body)
    if m:
        effective = parse_date(m) if m.group(1) else issued
        status_parts.append(m.group(0).replace(" ", ""))
    m = _VALID_UNTIL_RE.search(body)
    if m:
        expires = parse_date(m)
        status_parts.append(m.group(0).replace(" ", ""))
    else:
        m = _VALID_YEARS_RE.search(body)
        if m and (effective or issued):
            years = _num(m.group(1))
            expires = _years_later(effective or issued, years)
            status_parts.append(f"{m.group(0).replace(' ', '')}（至{expires.year}年{expires.month}月{expires.day}日）")
    if effective:
        found["effective"] = effective.isoformat()
    if expires:
        found["expires"] = expires.isoformat()
    found["status"] = "，".join(status_parts) if status_parts else "文件未规定施行日期和有效期"
    m = _INTERPRET_RE.search(body)
    if m:
        found["consult_unit"] = m.group(1)
    if doc.meta.get("cc"):
        found["cc"] = str(doc.meta["cc"]).rstrip("。.")
    return {k: v for k, v in found.items() if v}
