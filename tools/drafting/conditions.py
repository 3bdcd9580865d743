"""Who and what a rule pays for, read from 对…的… and from 须 / 应当 / …的，不享受 sentences: the head noun (企业,
项目, 贷款), whether items are counted one by one, and the conditions as the text words them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from corpus.model import Document
from tools.drafting.lexicon import grammar

_PREDICATE_AFTER_COMMA = ("按照", "按", "给予", "分别", "奖励", "补助", "补贴", "予以", "每", "一次性", "由", "均", "享受")
_PREDICATE_AFTER_DE = ("分别", "给予", "奖励", "补助", "补贴", "按", "予以", "一次性")
_CHOICE_LEAD_RE = re.compile(r"^[^，。；]{0,12}?为([^，。；]{1,12}?)的，")
_SPLIT_RE = re.compile(r"的|并且|且|并(?!网|购|行|存|举)|，|；")  # 并网 is a word, not "and"
_ARTICLE_REF_RE = re.compile(r"第([一二三四五六七八九十百\d]+)条")
_DATE_COND_RE = re.compile(r"(?:于)?(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:（含）|\(含\))?\s*(以后|之后|以前|之前|前|后)"
                           r"([\u4e00-\u9fa5]{1,6})")
_WITHIN_VALIDITY_RE = re.compile(r"(?:在)?本[\u4e00-\u9fa5]{0,4}有效期(届满前|内)([\u4e00-\u9fa5]{0,6})")
_PLACE_REG_RE = re.compile(r"在([\u4e00-\u9fa5]{2,12}?)(?:境内|内)?(?:依法)?注册")


@dataclass
class Chunk:
    """A condition as the text words it, with its span in the segment."""

    text: str
    start: int
    end: int
    enterprise: bool = False  # about the enterprise (规模以上企业), not the item (已竣工)
    modifier: bool = False  # words of the head noun itself (列入…名单的产品): what is counted, not a condition


@dataclass
class Subject:
    """对…的X: what the rule pays for and the conditions written around it."""

    start: int  # span of the subject in the segment (after 对)
    end: int
    head: str  # 技术改造项目 / 企业 / '' (the enterprise, implied)
    item: str  # 项目 / 贷款 when each item is counted on its own; '' for the enterprise
    chunks: list[Chunk] = field(default_factory=list)
    head_modifiers: str = ""  # the words before the head (列入…名单 for 产品), verbatim
    choice: str = ""  # 评定等级为AA级的 → AA级


def _subject_end(text: str, start: int) -> int:
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "，" and text.startswith(_PREDICATE_AFTER_COMMA, i + 1):
            return i
        if ch == "，" and _CHOICE_LEAD_RE.match(text[i + 1:]):
            return i
        if ch == "的" and text.startswith(_PREDICATE_AFTER_DE, i + 1):
            return i + 1
        if text.startswith(("给予", "予以"), i) and i > start:
            return i  # 对中小企业流动资金贷款给予贴息

        if ch in "；。：":
            return i
        i += 1
    return len(text)


def item_word(head: str) -> str:
    g = grammar()
    return next((h for h in g.item_heads if head.endswith(h)), "")


def is_enterprise_head(head: str) -> bool:
    g = grammar()
    return any(head.endswith(h) for h in g.enterprise_heads)


def split_chunks(text: str, offset: int) -> list[Chunk]:
    """Condition phrases of a modifier string: split at 的 / 并 / 且 / ，, and at 、 before a condition lead."""
    g = grammar()
    out: list[Chunk] = []
    pos = 0
    pieces: list[tuple[int, int]] = []
    for m in _SPLIT_RE.finditer(text):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(text)))
    for a, b in pieces:
        sub = text[a:b]
        # 、 splits only between whole conditions (在…注册登记、在县内依法纳税), not inside one (生产安全、生态环境)
        starts = [0] + [m.end() for m in re.finditer("、", sub) if sub[m.end():].startswith(g.condition_leads)]
        ends = [x - 1 for x in starts[1:]] + [len(sub)]
        for x, y in zip(starts, ends, strict=True):
            _add_chunk(out, sub[x:y], offset + a + x, g)
    return out


def _add_chunk(out: list[Chunk], piece: str, start: int, g) -> None:
    lead = len(piece) - len(piece.lstrip(" 、"))
    piece = piece.strip(" 、")
    start += lead
    if len(piece) < 2:
        return
    # 规模以上企业已竣工: the enterprise's kind, then the item's state
    m = re.match(r"^(.+?(?:" + "|".join(map(re.escape, g.enterprise_heads)) + r"))((?:已|未|在|通过|经|获).+)$", piece)
    if m:
        out.append(Chunk(m.group(1), start, start + len(m.group(1)), enterprise=True))
        out.append(Chunk(m.group(2), start + len(m.group(1)), start + len(piece)))
        return
    enterprise = is_enterprise_head(piece) or bool(re.match(r"^(在.*注册|具有|具备|纳入|信用)", piece))
    out.append(Chunk(piece, start, start + len(piece), enterprise=enterprise))


def read_subject(text: str) -> Subject | None:
    """The 对…的X of a segment, if it has one."""
    m = re.search(r"(?:^|[，。])对(?:于)?(?!此|其)", text)
    if not m:
        return None
    start = m.end()
    end = _subject_end(text, start)
    if end - start < 2:
        return None
    body = text[start:end]
    choice = ""
    cm = _CHOICE_LEAD_RE.match(text[end + 1:]) if end < len(text) and text[end] == "，" else None
    if cm:
        choice = cm.group(1)
    parts: list[tuple[int, int]] = []
    pos = 0
    for pm in re.finditer("，", body):
        parts.append((pos, pm.start()))
        pos = pm.end()
    parts.append((pos, len(body)))
    head_part = next((p for p in reversed(parts) if not body[p[0]:p[1]].endswith("的")), None)
    chunks: list[Chunk] = []
    head, modifiers = "", ""
    for a, b in parts:
        piece = body[a:b]
        if (a, b) == head_part:
            i = piece.rfind("的")
            if i >= 0:
                head, modifiers = piece[i + 1:], piece[:i]
                for c in split_chunks(modifiers, start + a):
                    c.modifier = True
                    chunks.append(c)
            else:
                head = piece
        else:
            chunks += split_chunks(piece[:-1] if piece.endswith("的") else piece, start + a)
    return Subject(start, end, head.strip(), item_word(head.strip()), chunks, modifiers, choice)


def lead_subject(text: str) -> Subject | None:
    """首次入选国家级…企业的，一次性奖励100万元: a conditional lead without 对, when it carries no figure."""
    m = re.match(r"^([^，。；：对]{2,40}?)的，", text)
    if not m or re.search(r"\d", m.group(1)) or not re.match(r"^(?:按|给予|一次性|奖励|补助|补贴|予以|分别)", text[m.end():]):
        return None
    return Subject(0, m.end(1), "", "", split_chunks(m.group(1), 0), "", "")


def choice_label(text: str) -> str:
    """评定等级为A级的，给予… → A级 (the level a segment's amount belongs to)."""
    m = _CHOICE_LEAD_RE.match(text)
    if m:
        return m.group(1)
    sub = read_subject(text)
    return sub.choice if sub is not None else ""


def choice_name(text: str) -> str:
    """评定等级为AA级的 → 评定等级 (what the levels are levels of)."""
    m = re.match(r"^[，]?([^，。；]{0,12}?)为[^，。；]{1,12}?的，", text)
    return m.group(1) if m else ""


def negative_condition(text: str) -> str:
    """…第三方投资建设的项目，不享受本项补助 → 以出租屋顶等方式由第三方投资建设 (a fact that must be false)."""
    g = grammar()
    m = re.match(r"^(.{2,60}?)的([\u4e00-\u9fa5]{0,6})，(?:也)?(" + "|".join(map(re.escape, g.negations)) + ")", text)
    if m:
        return m.group(1)
    return ""


def place_condition(text: str, place: dict | None) -> bool:
    """在X注册 / 在X县境内注册登记: the enterprise's registered place, when it names the document's own."""
    m = _PLACE_REG_RE.search(text)
    if not m or place is None:
        return False
    named = m.group(1)
    names = [place.get("name", ""), *(place.get("aliases") or [])]
    return any(n and (n in named or named in n) for n in names) or bool(
        re.search(r"(?:本|我)(?:县|区|市|省)", named))


def article_targets(text: str, doc: Document) -> list[str]:
    """申报第二条、第四条支持的… → the clause ids of those articles (rules there get the condition)."""
    ids = []
    for m in _ARTICLE_REF_RE.finditer(text):
        label = f"第{m.group(1)}条"
        # 第五条 may sit in a chapter (第二章第五条): the document's own label ends with it
        hit = next((c.id for c in doc if c.label == label), None) or next(
            (c.id for c in doc if c.label.endswith(label) and "条" not in c.label[: -len(label)]), None)
        if hit and hit not in ids:
            ids.append(hit)
    return ids


@dataclass
class DateCondition:
    op: str  # date_ge | date_le
    day: date | None  # None: the document's expiry, once known
    event: str  # the verb (开工建设)
    text: str  # verbatim


def date_conditions(text: str) -> list[DateCondition]:
    """于2023年1月1日（含）以后开工建设 / 须在本措施有效期届满前开工 → date conditions on an event."""
    out = []
    for m in _DATE_COND_RE.finditer(text):
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        op = "date_ge" if m.group(4) in ("以后", "之后", "后") else "date_le"
        out.append(DateCondition(op, day, m.group(5), m.group(0)))
    for m in _WITHIN_VALIDITY_RE.finditer(text):
        if m.group(1) == "届满前" and m.group(2):
            out.append(DateCondition("date_le", None, m.group(2), m.group(0)))
    return out


__all__ = ["Chunk", "DateCondition", "Subject", "article_targets", "choice_label", "choice_name", "date_conditions",
           "is_enterprise_head", "item_word", "lead_subject", "negative_condition", "place_condition", "read_subject",
           "split_chunks"]
