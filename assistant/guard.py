"""The number and citation guard: every number in an answer must come from the calculator trace or a cited clause."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_ALL = _CN_DIGITS + "十百千"
_SCALE = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "": Decimal(1)}

# A citation label (四（三）1, 三（二）) and a clause id (4.3.1) name a clause; they are checked as citations, not numbers.
_LABEL_RE = re.compile(r"[一二三四五六七八九十]+[(（][一二三四五六七八九十]+[)）]\d*")
_CLAUSE_ID_RE = re.compile(r"(?<![\d.,])\d\.\d(?:\.\d)?(?![\d.%万亿元])")
_ARABIC_RE = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(%|％|亿|万)?")
# Chinese numerals only count as numbers next to money or percent (二级节点, 两化融合 are names, not numbers).
_CN_NUMBER_RE = re.compile(rf"百分之([{_CN_ALL}]+)|([{_CN_ALL}]+)(亿|万)(元)?|([{_CN_ALL}]+)元")


def _norm(text: str) -> str:
    out = []
    for ch in text or "":
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


def _cn_value(s: str) -> Decimal | None:
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits.update({"〇": 0, "两": 2})
    total, num = 0, 0
    for ch in s:
        if ch in digits:
            num = digits[ch]
        elif ch in "十百千":
            total += (num or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            num = 0
        else:
            return None
    return Decimal(total + num)


def _dec(s: str) -> Decimal | None:
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class NumberToken:
    text: str
    value: Decimal  # scaled to yuan/units: 72万 → 720000
    raw: Decimal  # as written: 72
    percent: bool


def find_numbers(text: str) -> list[NumberToken]:
    """Every number an answer states, with its value scaled by 万/亿; labels and clause ids are skipped."""
    t = _norm(text)
    t = _LABEL_RE.sub(lambda m: " " * len(m.group(0)), t)
    t = _CLAUSE_ID_RE.sub(lambda m: " " * len(m.group(0)), t)
    out: list[NumberToken] = []
    for m in _ARABIC_RE.finditer(t):
        raw = _dec(m.group(1))
        if raw is None:
            continue
        unit = m.group(2) or ""
        percent = unit in ("%", "％")
        value = raw if percent else raw * _SCALE.get(unit, Decimal(1))
        out.append(NumberToken(m.group(0).strip(), value, raw, percent))
    for m in _CN_NUMBER_RE.finditer(t):
        if m.group(1):
            v = _cn_value(m.group(1))
            if v is not None:
                out.append(NumberToken(m.group(0), v, v, True))
        elif m.group(2):
            v = _cn_value(m.group(2))
            if v is not None:
                out.append(NumberToken(m.group(0), v * _SCALE[m.group(3)], v, False))
        elif m.group(5):
            v = _cn_value(m.group(5))
            if v is not None:
                out.append(NumberToken(m.group(0), v, v, False))
    return out


@dataclass
class Allowed:
    """The numbers an answer may state: values (yuan, counts, years) and percents."""

    values: set[Decimal] = field(default_factory=set)
    percents: set[Decimal] = field(default_factory=set)

    def add_text(self, text: str) -> None:
        for tok in find_numbers(text):
            if tok.percent:
                self.percents.add(tok.raw.normalize())
            else:
                self.values.add(tok.value.normalize())
                self.values.add(tok.raw.normalize())

    def add_value(self, v: Decimal | int | float) -> None:
        d = Decimal(str(v))
        self.values.add(d.normalize())
        if 0 < d < 1:  # a rate in the trace (0.06) allows 6%
            self.percents.add((d * 100).normalize())

    def add_obj(self, obj) -> None:
        """Walk a calculator result (dict/list/Decimal/str) and allow everything it states."""
        if isinstance(obj, bool) or obj is None:
            return
        if isinstance(obj, (Decimal, int, float)):
            self.add_value(obj)
        elif isinstance(obj, str):
            self.add_text(obj)
        elif isinstance(obj, dict):
            for v in obj.values():
                self.add_obj(v)
        elif isinstance(obj, (list, tuple, set)):
            for v in obj:
                self.add_obj(v)
        elif hasattr(obj, "to_dict"):
            self.add_obj(obj.to_dict())

    def permits(self, tok: NumberToken) -> bool:
        if tok.percent:
            return tok.raw.normalize() in self.percents
        return tok.value.normalize() in self.values or (tok.value == tok.raw and tok.raw.normalize() in self.values)


@dataclass
class GuardResult:
    ok: bool
    bad_numbers: list[str] = field(default_factory=list)
    bad_citations: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f"数字“{n}”不在计算结果或所引条款中" for n in self.bad_numbers] + list(self.bad_citations)


def allowed_from(award=None, clause_texts: list[str] | tuple[str, ...] = (), extra_texts: list[str] | tuple[str, ...] = ()) -> Allowed:
    allowed = Allowed()
    if award is not None:
        allowed.add_obj(award)
    for text in list(clause_texts) + list(extra_texts):
        allowed.add_text(text)
    return allowed


def check_numbers(text: str, allowed: Allowed) -> list[str]:
    """The numbers in `text` that no source states."""
    return [tok.text for tok in find_numbers(text) if not allowed.permits(tok)]


def check_citations(citations: list[dict], corpus, allowed_clauses: set[str] | None = None, text: str = "") -> list[str]:
    """Each citation must name an existing clause and quote it verbatim; labels in `text` must be cited or allowed."""
    problems: list[str] = []
    cited: set[str] = set()
    for c in citations:
        ref = f"{c.get('doc')}#{c.get('clause')}" if c.get("doc") else str(c.get("clause"))
        try:
            clause = corpus.clause(ref)
        except Exception:  # noqa: BLE001 - any lookup failure means the citation is invalid
            problems.append(f"引用的条款 {c.get('clause')} 不存在")
            continue
        cited.add(clause.id)
        quote = c.get("quote") or ""
        if quote and quote not in clause.text and quote not in clause.full_text:
            problems.append(f"对 {clause.label} 的引文不是原文")
        if allowed_clauses is not None and clause.id not in allowed_clauses:
            problems.append(f"条款 {clause.label} 不是工具检索或计算给出的")
    if text:
        from corpus import normalise_reference

        for m in _LABEL_RE.finditer(_norm(text)):
            cid = normalise_reference(m.group(0))
            known = cited | (allowed_clauses or set())
            # naming a parent (四（三）) of a cited clause (4.3.7) is fine
            if not any(k == cid or k.startswith(cid + ".") for k in known):
                problems.append(f"正文提到的条款 {m.group(0)} 未被引用")
    return problems


def guard(text: str, *, award=None, citations: list[dict] | None = None, corpus=None, extra_texts=(),
          allowed_clauses: set[str] | None = None) -> GuardResult:
    """Check an answer: its numbers against the trace and cited clause texts, its citations against the corpus."""
    citations = citations or []
    clause_texts: list[str] = []
    if corpus is None:
        from corpus import default_corpus

        corpus = default_corpus()
    for c in citations:
        ref = f"{c.get('doc')}#{c.get('clause')}" if c.get("doc") else str(c.get("clause"))
        try:
            cl = corpus.clause(ref)
            clause_texts.append(cl.full_text)
            clause_texts.append(cl.label)
            # a clause cited whole includes its items (第二条's bands sit in 第二条（一）（二）)
            doc = corpus.document(c.get("doc")) if c.get("doc") else None
            for child in cl.children:
                sub = doc.find(child) if doc is not None else None
                if sub is not None:
                    clause_texts.append(sub.full_text)
        except Exception:  # noqa: BLE001,S112 - reported by check_citations
            continue
    allowed = allowed_from(award, clause_texts, extra_texts)
    bad_numbers = check_numbers(text, allowed)
    bad_citations = check_citations(citations, corpus, allowed_clauses, text)
    return GuardResult(ok=not bad_numbers and not bad_citations, bad_numbers=bad_numbers, bad_citations=bad_citations)


__all__ = ["Allowed", "GuardResult", "NumberToken", "allowed_from", "check_citations", "check_numbers", "find_numbers", "guard"]
