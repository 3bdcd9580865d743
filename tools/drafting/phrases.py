"""The grammar of figures in a policy sentence: amounts, rates, ratios, quantities and dates, and the role each plays
(an award, a cap, a threshold, a band edge, a budget), read from the words around it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from corpus.model import cn_to_int
from tools.amounts import parse_amount
from tools.drafting.lexicon import grammar
from tools.errors import AmountError

_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MULT = {"千": Decimal(1000), "万": Decimal(10) ** 4, "百万": Decimal(10) ** 6, "千万": Decimal(10) ** 7,
         "亿": Decimal(10) ** 8, "万亿": Decimal(10) ** 12}

_DATE_RE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?")
_YEAR_RE = re.compile(r"\d{4}\s*年(?!\s*\d{1,2}\s*月)")
_MONEY_RE = re.compile(
    rf"(?P<num>{_NUM})\s*(?P<mult>万亿|千万|百万|亿|万|千)?\s*元"
    rf"|(?P<cn>[{_CN_DIGITS}]+(?:万亿|亿|万)?)元"
    rf"|(?<![\d{_CN_DIGITS}万.])(?P<bare>亿)元")
_PER_AFTER_RE = re.compile(r"^\s*/\s*(?P<u>[\u4e00-\u9fa5A-Za-z]{1,4})")
_PERCENT_RE = re.compile(rf"(?P<num>{_NUM})\s*[%％]|百分之(?P<cn>[{_CN_DIGITS}]+)")
_RATIO_RE = re.compile(rf"(?P<a>{_NUM})\s*[:：∶比]\s*(?P<b>{_NUM})(?!\s*[:：∶]\d)")
_CN_QTY_LEAD = ("最长不超过", "最长", "不超过", "最多", "期限", "有效期")

# inclusive and exclusive edges, read the way Chinese legal texts read them (以上、以下、以内 include the number;
# 不足、超过、低于 do not)
_LOWER_AFTER = (("（含）以上", True), ("(含)以上", True), ("及以上", True), ("以上", True), ("（不含）以上", False),
                ("(不含)以上", False), ("（不含）至", False), ("(不含)至", False))
_UPPER_AFTER = (("（含）以内", True), ("(含)以内", True), ("（含）以下", True), ("(含)以下", True), ("以内", True),
                ("以下", True))
_LOWER_BEFORE = (("达到", True), ("达", True), ("满", True), ("不低于", True), ("不少于", True), ("在", True),
                 ("超过", False), ("高于", False), ("大于", False))
_UPPER_BEFORE = (("不足", False), ("低于", False), ("不满", False), ("未达到", False), ("少于", False), ("小于", False),
                 ("至", True), ("到", True), ("～", True), ("~", True), ("—", True), ("-", True))
_FLOOR_WORDS = ("不低于", "不少于")
_MAX_BEFORE = ("不超过", "最高", "不高于", "最多")
_PART_BREAK = "，,；;：:。"
_ARRANGE_RE = re.compile(r"(?:安排|设立|统筹|预算)[\u4e00-\u9fa5]{0,20}?(?:资金|基金)")
_YEAR_MONEY_RE = re.compile(r"(?<![0-9一二三四五六七八九十])年(?:贴息|补助|奖励|补贴|奖补)")


@dataclass(frozen=True)
class Figure:
    """One figure in a segment, its value in the pack's units, and (once read) its role."""

    kind: str  # money | percent | ratio | quantity | date
    value: Decimal  # yuan; a fraction (0.06); a ratio (1); a number of units
    unit: str  # 元 | 比例 | a quantity unit (吨标准煤, 千瓦, 年)
    start: int
    end: int
    text: str  # verbatim
    day: date | None = None  # dates
    role: str = ""  # award | rate | cap | budget | lower | upper | unit_amount | ratio | max_years | term | other
    inclusive: bool = True  # lower/upper edges
    maximum: bool = False  # a rate written as a maximum (不超过实际支付金额的40%)
    per: str = ""  # unit_amount: the unit counted (千瓦, 个)
    per_noun: str = ""  # unit_amount: what is counted (产品)
    source_start: int = -1  # the source words (最高不超过80万元) start here; the figure's own span otherwise
    source_end: int = -1
    scope: frozenset[str] = field(default_factory=frozenset)  # cap: scope kinds found before it

    def source(self, text: str) -> str:
        a = self.start if self.source_start < 0 else self.source_start
        b = self.end if self.source_end < 0 else self.source_end
        return text[a:b]


def _dec(s: str) -> Decimal:
    return Decimal(unicodedata.normalize("NFKC", s).replace(",", ""))


def _cn_number(s: str) -> Decimal | None:
    try:
        return Decimal(cn_to_int(s))
    except ValueError:
        return None


def _money(m: re.Match) -> Decimal | None:
    if m.group("bare"):
        return _MULT["亿"]
    if m.group("num"):
        return _dec(m.group("num")) * _MULT.get(m.group("mult") or "", Decimal(1))
    try:
        return parse_amount(m.group("cn") + "元")
    except AmountError:
        return None


def _quantity_re() -> re.Pattern:
    units = "|".join(re.escape(u) for u in grammar().quantity_units)
    # 1年期 (a loan product's name), 5个工作日 and 2025年 are not quantities the rules count
    return re.compile(rf"(?P<num>{_NUM}|[{_CN_DIGITS}]+)\s*(?P<u>{units})(?!期|工作日|百分点)")


_QTY: re.Pattern | None = None


def find_figures(text: str) -> list[Figure]:
    """Every figure in `text`, in order, overlaps resolved (a date's 年 is not a quantity, 万元 is not 万)."""
    global _QTY
    if _QTY is None:
        _QTY = _quantity_re()
    found: list[Figure] = []
    for m in _DATE_RE.finditer(text):
        try:
            day = date(int(m.group("y")), int(m.group("m")), int(m.group("d") or 1))
        except ValueError:
            continue
        found.append(Figure("date", Decimal(0), "日期", m.start(), m.end(), m.group(0), day=day))
    for m in _YEAR_RE.finditer(text):
        found.append(Figure("date", Decimal(0), "年份", m.start(), m.end(), m.group(0)))
    for m in _MONEY_RE.finditer(text):
        v = _money(m)
        if v is None:
            continue
        per = _PER_AFTER_RE.match(text[m.end():])
        if per and per.group("u") in grammar().per_units + tuple(grammar().quantity_units):
            found.append(Figure("money", v, "元", m.start(), m.end() + per.end(), text[m.start():m.end() + per.end()],
                                per=per.group("u")))
        else:
            found.append(Figure("money", v, "元", m.start(), m.end(), m.group(0)))
    for m in _PERCENT_RE.finditer(text):
        v = _dec(m.group("num")) if m.group("num") else _cn_number(m.group("cn"))
        if v is not None:
            found.append(Figure("percent", v / 100, "比例", m.start(), m.end(), m.group(0)))
    for m in _RATIO_RE.finditer(text):
        a, b = _dec(m.group("a")), _dec(m.group("b"))
        if a > 0:
            found.append(Figure("ratio", b / a, "比例", m.start(), m.end(), m.group(0)))
    for m in _QTY.finditer(text):
        num = m.group("num")
        if re.fullmatch(r"[\d,.]+", num):
            v = _dec(num)
        else:
            # a Chinese numeral counts only after a limit word (最长不超过三年), never in 两年内 or 一次性
            if not text[:m.start()].rstrip().endswith(_CN_QTY_LEAD):
                continue
            v = _cn_number(num)
            if v is None:
                continue
        found.append(Figure("quantity", v, m.group("u"), m.start(), m.end(), m.group(0)))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Figure] = []
    for f in found:
        if out and f.start < out[-1].end:
            continue  # the earlier, longer reading wins (a date over its year, money over a bare number)
        out.append(f)
    return out


# --- roles ---------------------------------------------------------------------------------------

def part_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The comma-delimited part of `text` around [start, end)."""
    a = max((text.rfind(ch, 0, start) for ch in _PART_BREAK), default=-1) + 1
    bs = [i for i in (text.find(ch, end) for ch in _PART_BREAK) if i >= 0]
    return a, (min(bs) if bs else len(text))


def _ends_with(s: str, words) -> str:
    s = s.rstrip()
    return next((w for w in sorted(words, key=len, reverse=True) if s.endswith(w)), "")


def scope_kinds(text: str) -> frozenset[str]:
    g = grammar()
    found = set()
    rest = text
    for kind in ("product", "project", "enterprise", "year", "cumulative"):
        for w in g.scope_words.get(kind, ()):
            if w in rest:
                found.add(kind)
                rest = rest.replace(w, "　")  # 每个产品 is not also 每个 (a project)
                break
    if _YEAR_MONEY_RE.search(rest):
        found.add("year")  # 单户企业年贴息额: per enterprise per year
    return frozenset(found)


def _is_budget(before: str) -> bool:
    g = grammar()
    sc = scope_kinds(before)
    return g.has(before, g.budget_words) and not ({"enterprise", "project", "product"} & sc)


def read_roles(text: str, figures: list[Figure]) -> list[Figure]:
    """Each figure with the role the words around it give it, and the source words that show the role."""
    g = grammar()
    out: list[Figure] = []
    for f in figures:
        a, b = part_bounds(text, f.start, f.end)
        before, after = text[a:f.start], text[f.end:b]
        out.append(_role(text, f, a, before, after, g))
    return out


def _role(text: str, f: Figure, part_start: int, before: str, after: str, g) -> Figure:
    b = before.rstrip()
    if f.kind == "date":
        return replace(f, role="date")
    if f.kind == "money":
        limit = next((w for w in ("为限", "为上限", "封顶") if after.startswith(w)), "")
        if limit and (b.endswith("以") or limit == "封顶"):
            return replace(f, role="budget" if _is_budget(before) else "cap",
                           source_start=f.start - 1 if b.endswith("以") else -1, source_end=f.end + len(limit),
                           scope=scope_kinds(before))
        cap = _ends_with(b, g.cap_words)
        m = re.search(r"(?:最高|最多)[\u4e00-\u9fa5]{0,3}$", b)
        if not cap and m and not re.search(r"[的为]$", b):
            cap = m.group(0)  # 最高可达 / 最高给予 / 最多补助
        if cap:
            role = "budget" if _is_budget(before) else "cap"
            return replace(f, role=role, source_start=part_start + len(b) - len(cap), scope=scope_kinds(before))
        edge = _edge(text, f, part_start, before, after)
        if edge is not None:
            return edge
        if (_ARRANGE_RE.search(before) or (g.has(before, g.budget_words) and _is_budget(before))) \
                and not g.has(before, ("给予", "奖励", "补助", "补贴")):
            return replace(f, role="budget", scope=scope_kinds(before))  # 每年安排专项资金3000万元: a programme budget
        per = _per_unit(before, g)
        if f.per or per:
            unit, noun = (f.per, "") if f.per else per
            if unit in ("家", "户") and noun in ("", "企业"):
                return replace(f, role="award")  # 奖励标准为每家10万元: per enterprise is a fixed amount
            return replace(f, role="unit_amount", per=unit, per_noun=noun)
        if g.has(before, g.award_words) or re.match(r"^\s*的?(?:一次性)?(?:奖励|补助|补贴|奖补|资金|扶持)", after):
            return replace(f, role="award")
        return replace(f, role="other")
    if f.kind == "percent":
        edge = _edge(text, f, part_start, before, after)
        since_an = before[before.rfind("按"):] if "按" in before else ""
        if any(w in since_an for w in _FLOOR_WORDS):
            return replace(f, role="other")  # a floor (不低于20%的比例抽查) is never an award rate
        if edge is not None and not ("按" in before and g.has(text, g.award_words)):
            return edge
        if "按" in before or "比例" in before or g.has(before + after, g.award_words):
            return replace(f, role="rate", maximum=any(w in before for w in _MAX_BEFORE))
        return replace(f, role="other")
    if f.kind == "ratio":
        if "配套" in before + after or "比例" in before + after:
            return replace(f, role="ratio")
        return replace(f, role="other")
    # quantities
    if f.unit in ("年", "个月"):
        lim = _ends_with(b, ("最长不超过", "最长", "不超过", "最多"))
        if lim:
            return replace(f, role="max_years", source_start=part_start + len(b) - len(lim))
        edge = _edge(text, f, part_start, before, after)
        if edge is not None and edge.role == "lower":
            return replace(edge, role="term")
        return replace(f, role="other")
    edge = _edge(text, f, part_start, before, after)
    return edge if edge is not None else replace(f, role="other")


def _edge(text: str, f: Figure, part_start: int, before: str, after: str) -> Figure | None:
    """A lower (threshold) or upper (band) edge from 以上/以内 after the figure or 达/不足 before it."""
    for word, inclusive in _LOWER_AFTER:
        if after.startswith(word):
            return replace(f, role="lower", inclusive=inclusive, source_end=f.end + len(word))
    for word, inclusive in _UPPER_AFTER:
        if after.startswith(word):
            return replace(f, role="upper", inclusive=inclusive, source_end=f.end + len(word))
    b = before.rstrip()
    # the longest edge word wins: 达到 is a lower edge, not the 到 of a range
    words = [(w, inc, "upper") for w, inc in _UPPER_BEFORE] + [(w, inc, "lower") for w, inc in _LOWER_BEFORE]
    for word, inclusive, role in sorted(words, key=lambda x: len(x[0]), reverse=True):
        if not b.endswith(word):
            continue
        if word == "在" and not re.match(r"^\s*(?:（含）|\(含\))?(?:以上|及以上)", after):
            continue
        if role == "upper":
            return replace(f, role="upper", inclusive=inclusive, source_start=part_start + len(b) - len(word))
        # 超过200万元: the word is what makes the edge exclusive, so it belongs to the source
        start = part_start + len(b) - len(word) if not inclusive else -1
        return replace(f, role="lower", inclusive=inclusive, source_start=start)
    return None


def _per_unit(before: str, g) -> tuple[str, str] | None:
    """每千瓦给予 / 每个产品奖励 / 给予每人: the unit and the counted noun of a unit amount, from the words before it."""
    i = before.rfind("每")
    if i < 0:
        return None
    rest = before[i + 1:]
    unit = next((u for u in g.per_units if rest.startswith(u)), "")
    if not unit or re.search(r"\d", rest):
        return None
    tail = rest[len(unit):]
    if not tail.strip():
        return unit, ""  # 每人3万元 / 给予每台5万元: the amount follows the unit directly
    verb = next((w for w in g.award_words if w in tail), "")
    if not verb:
        return None
    noun = tail[:tail.find(verb)]
    return unit, noun.strip()


def safe_decimal(s: str) -> Decimal | None:
    try:
        return _dec(s)
    except (InvalidOperation, ValueError):
        return None


__all__ = ["Figure", "find_figures", "part_bounds", "read_roles", "safe_decimal", "scope_kinds"]
