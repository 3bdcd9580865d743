"""Money amounts: reading Chinese-written yuan (1200万, 一千二百万元, 1.2亿) and writing them as an official would."""

from __future__ import annotations

import re
import unicodedata
import warnings
from decimal import ROUND_HALF_UP, Decimal

from tools.errors import AmountError

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 12  # above 1万亿元 an input is a typo, not an enterprise's figure
WAN = Decimal(10) ** 4
YI = Decimal(10) ** 8

_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "w": 10**4}
_CN_DIGIT_CHARS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_CHARS = _CN_DIGIT_CHARS + "十拾百佰千仟万亿点"
_CURRENCY_SUFFIXES = ("块钱", "元整", "元", "块", "圆")
_CURRENCY_PREFIXES = ("人民币", "rmb", "¥", "￥")
_FOREIGN = ("美元", "美金", "港元", "港币", "欧元", "日元", "英镑", "韩元", "卢布", "澳元", "加元", "台币", "$", "usd", "eur")

_ARABIC_RE = re.compile(r"^\d+(?:\.\d+)?$")
_ARABIC_UNIT_RE = re.compile(r"^(\d+(?:\.\d+)?)([十百千万亿w]+)$")
_CN_RE = re.compile(rf"^[{_CN_CHARS}\d.]+$")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")

_HELP = "请写成 1200万、1,200万元、一千二百万元 或 12000000 这样的形式"


def quantize(value: Decimal) -> Decimal:
    """Round half-up to the fen: the only rounding the calculator ever does."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _halfwidth(text: str) -> str:
    """Full-width digits and punctuation to ASCII, one character for one so spans stay valid."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


def _cn2an(numeral: str, shown: str) -> Decimal:
    import cn2an  # deferred: 0.4 s to import, and arabic input never needs it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if "点" in numeral:
                # cn2an reads 一点二 but not 一点二亿: split the trailing unit off first
                m = re.match(r"^(.*?)([十百千万亿]*)$", numeral)
                head, unit = m.group(1), m.group(2)
                if not head or "点" not in head:
                    raise ValueError(numeral)
                val = Decimal(str(cn2an.cn2an(head, "normal")))
                return val * _unit_multiplier(unit)
            return Decimal(str(cn2an.cn2an(numeral, "smart")))
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise AmountError(f"无法识别金额“{shown}”，{_HELP}。") from e


def _unit_multiplier(unit: str) -> Decimal:
    mult = Decimal(1)
    for ch in unit:
        mult *= _UNIT_VALUES[ch]
    return mult


def _check(value: Decimal, shown: str, allow_zero: bool) -> Decimal:
    if not value.is_finite():
        raise AmountError(f"无法识别金额“{shown}”，{_HELP}。")
    if value < 0:
        raise AmountError(f"金额不能为负数：“{shown}”。")
    if value > MAX_AMOUNT:
        raise AmountError(f"金额“{shown}”超过1万亿元，请检查单位是否写错。")
    value = quantize(value)
    if value == 0 and not allow_zero:
        raise AmountError(f"金额“{shown}”为零，这里需要一个大于零的金额。")
    return value


def parse_amount(value: str | int | Decimal | float, *, allow_zero: bool = True) -> Decimal:
    """Yuan as an exact Decimal rounded half-up to the fen, from a number or a Chinese-written amount.

    Raises AmountError (Chinese message) for negative, unreadable, foreign-currency or absurd amounts,
    and for zero when `allow_zero` is false."""
    if isinstance(value, bool) or value is None:
        raise AmountError(f"无法识别金额“{value}”，{_HELP}。")
    if isinstance(value, int):
        return _check(Decimal(value), str(value), allow_zero)
    if isinstance(value, float):
        # YAML gives floats for 1.2e7 or 12000000.5; the shortest repr is the number the user wrote
        return _check(Decimal(repr(value)), repr(value), allow_zero)
    if isinstance(value, Decimal):
        return _check(value, str(value), allow_zero)
    if not isinstance(value, str):
        raise AmountError(f"无法识别金额“{value}”，{_HELP}。")
    shown = value.strip()
    s = _halfwidth(shown).lower().replace(" ", "").replace("\u3000", "")
    s = s.replace("，", ",")
    if not s:
        raise AmountError(f"金额为空，{_HELP}。")
    if any(f in s for f in _FOREIGN):
        raise AmountError(f"暂只支持人民币金额，“{shown}”的币种无法换算，请换算为人民币元后再输入。")
    negative = s.startswith(("-", "负", "−"))
    if negative:
        s = s.lstrip("-负−")
    for p in _CURRENCY_PREFIXES:
        if s.startswith(p):
            s = s[len(p):]
    for suf in _CURRENCY_SUFFIXES:
        if s.endswith(suf):
            s = s[: -len(suf)]
            break
    if s.endswith("元"):  # 万元 after 块 was stripped, or 元 left over
        s = s[:-1]
    s = _THOUSANDS_RE.sub("", s)
    if not s:
        raise AmountError(f"无法识别金额“{shown}”，{_HELP}。")
    if _ARABIC_RE.match(s):
        amount = Decimal(s)
    elif m := _ARABIC_UNIT_RE.match(s):
        amount = Decimal(m.group(1)) * _unit_multiplier(m.group(2))
    elif _CN_RE.match(s) and any(c in _CN_CHARS for c in s):
        amount = _cn2an(s, shown)
    else:
        tail = re.sub(rf"^[\d.,{_CN_CHARS}]+", "", s)
        if tail and tail != s:
            raise AmountError(f"无法识别金额单位“{tail}”（“{shown}”），金额请用元、万元或亿元表示。")
        raise AmountError(f"无法识别金额“{shown}”，{_HELP}。")
    if negative and amount != 0:
        raise AmountError(f"金额不能为负数：“{shown}”。")
    return _check(amount, shown, allow_zero)


# An amount in free text must carry a money unit (元/块/万/亿/w) or a ¥ sign, so 2025年, 6%, 110家 are not money.
# a single space may sit between digits and unit, as the policy text itself writes "20 万元";
# mixed numerals (1千2百万) keep their inner digits so they are read whole
_NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?(?:[十拾百佰千仟]\d(?=[十拾百佰千仟万亿]))*(?: ?[{_CN_CHARS}]+)?|[{_CN_DIGIT_CHARS}十拾][{_CN_CHARS}\d]*)"
_FIND_RE = re.compile(
    rf"(?P<pre>人民币 ?|[¥￥])?(?P<num>{_NUM})(?P<w> ?[wW](?![a-zA-Z]))?(?P<cur> ?(?:块钱|元|块|圆))?"
)
_FOREIGN_AFTER = re.compile(r"^(?:美元|美金|港元|港币|欧元|日元|英镑|韩元|卢布|澳元|加元|台币)")


# What may stand just before a number and make it no amount: the mantissa of scientific notation (1e30元), the
# first number of a range (300—500万), a minus, 负, or a dash (— – ‒ ―) that may be meant as one (—500万).
_DASHES = "-−—–‒―"
_BEFORE_TOKEN = re.compile(rf"(?P<sci>\d+(?:\.\d+)?e[+-]?$)|(?P<range>\d+(?:\.\d+)?[万亿]?(?:元|块)? ?[{_DASHES}~～]+ ?$)"
                           rf"|(?P<dash>(?:[{_DASHES}]|负)+ ?$)")
# letters or symbols inside what is otherwise an amount (abc万, 12x万元)
_LETTERED = re.compile(r"(?<![a-z0-9])([a-z#@*]+[0-9a-z]*|[0-9]+[a-z#@*]+[0-9a-z]*)(万元|万|亿元|亿|元)")


_GE_UNIT = re.compile(r"([\d一二两三四五六七八九十几半])个(亿|万)")


def _money_tokens(norm: str):
    """(start, end, text, amount or AmountError, what comes just before) for each money-looking token of `norm`
    (half-width text): a number with a money unit (元/块/万/亿/w) or a ¥ sign."""
    tokens = []
    norm = _GE_UNIT.sub(r"\1 \2", norm)  # 1个亿 / 两个亿: the measure word read as a space, spans unchanged
    for m in _FIND_RE.finditer(norm):
        num, cur, pre, w = m.group("num"), m.group("cur"), m.group("pre"), m.group("w")
        # trailing 点 or a bare unit run (…千万 in 千万不要) is not part of a number
        num_stripped = num.rstrip("点. ")
        # 六百万一个花了…: the 一 of 一个 after a unit belongs to the next phrase, not to the amount (六百万一 = 601万)
        if (not cur and not w and re.search(rf"[万亿][{_CN_DIGIT_CHARS}]$", num_stripped)
                and re.match(r"[个项家次台套位条笔批]", norm[m.start("num") + len(num_stripped):])):
            num_stripped = num_stripped[:-1]
        has_unit = bool(cur or pre or w or re.search(r"[万亿]", num_stripped))
        if not has_unit:
            continue
        # 两块都能补吗 / 这一块: 块 after a small numeral in characters counts pieces; money says 块钱 or 50块
        if cur and cur.strip() == "块" and not pre and re.fullmatch(r"[一二两三四五六七八九十几]+", num_stripped):
            continue
        if _FOREIGN_AFTER.match(norm[m.end():]):
            continue
        start = m.start()
        end = m.start("num") + len(num_stripped) if not (cur or w) else m.end()
        if start > 0 and (norm[start - 1].isdigit() or norm[start - 1] == "."):
            continue
        raw = (pre or "") + num_stripped + (w or "") + (cur or "")
        try:
            amount: Decimal | AmountError = parse_amount(raw)
        except AmountError as e:
            amount = e
        tokens.append((start, end, raw, amount, _BEFORE_TOKEN.search(norm[max(0, start - 24):start].lower())))
    for i, (start, end, raw, amount, before) in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and nxt[4] is not None and nxt[4].group("range") and nxt[0] - len(nxt[4].group(0)) < end:
            amount = AmountError("")  # the first amount of a range (300万—500万): the second one explains
        yield start, end, raw, amount, before


def find_amounts(text: str) -> list[tuple[Decimal, tuple[int, int]]]:
    """Every RMB amount written in a sentence, with its (start, end) span in `text`, in order.

    "买设备花了1200万，项目总投资两千万元" → [(12000000, (5, 10)), (20000000, (16, 21))].
    Part of a token that is not an amount (the 30元 of 1e30元, the 500万 of —500万) is not one either:
    `find_amount_problems` explains those."""
    if not text:
        return []
    return [(amount, (start, end)) for start, end, _, amount, before in _money_tokens(_halfwidth(text))
            if isinstance(amount, Decimal) and before is None]


def find_amount_problems(text: str) -> list[str]:
    """A Chinese explanation for each money-looking token of `text` that is not a readable amount: one the parser
    refuses (九千九百九十九亿亿元, 3万亿亿元), scientific notation (1e30元), a sign or dash before it (—500万, -5万),
    a range (300—500万), letters inside it (abc万). Empty when every amount reads cleanly."""
    if not text:
        return []
    norm = _halfwidth(text)
    problems: list[str] = []
    covered: list[tuple[int, int]] = []
    for start, end, _, amount, before in _money_tokens(norm):
        lead = len(before.group(0)) if before else 0
        covered.append((start - lead, end))
        shown, whole = text[start:end], text[start - lead:end]
        if before is not None and before.group("sci"):
            problems.append(f"没能读懂金额“{whole}”：不支持科学计数法，{_HELP}。")
        elif before is not None and before.group("range"):
            problems.append(f"“{whole}”是一个金额范围，无法据此测算，请给出确切金额（例如 500万）。")
        elif before is not None:
            sign = text[start - lead:start].strip()
            if set(_halfwidth(sign)) <= set("-−负"):
                problems.append(f"金额不能为负数：“{sign}{shown}”。")
            else:
                problems.append(f"金额“{sign}{shown}”前有“{sign}”，无法确定是否为负数；金额不能为负，"
                                f"如为正数请去掉“{sign}”后重新输入。")
        elif isinstance(amount, AmountError) and str(amount):
            problems.append(str(amount))
    lowered = norm.lower()
    for m in _LETTERED.finditer(lowered):
        if not any(s <= m.start() < e for s, e in covered):
            problems.append(f"没能读懂金额“{text[m.start():m.end()]}”，请写成 1200万、1,200万元 或 12000000元 这样的形式。")
    return list(dict.fromkeys(problems))


def _group(d: Decimal) -> str:
    """Thousands separators, fen kept only when not whole."""
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{quantize(d):,.2f}"


def format_yuan(amount: Decimal | int | str) -> str:
    """An amount as a Chinese official writes it: 72万元, 4.5万元, 1.2亿元, 1,999,999.98元, 1,234元, 0元."""
    d = amount if isinstance(amount, Decimal) else parse_amount(amount)
    if d < 0:
        return "-" + format_yuan(-d)
    d = quantize(d)
    if d == 0:
        return "0元"
    if d >= YI and (d / YI * 100) == (d / YI * 100).to_integral_value():
        return f"{_plain_number(d / YI)}亿元"
    if d >= WAN and d % 100 == 0:  # 4.5万元 / 12.5万元 / 1,200万元: to two places of 万, as officials write it
        whole, frac = divmod(d, WAN)
        return f"{_group(whole)}{_plain_number(frac / WAN)[1:] if frac else ''}万元"
    return f"{_group(d)}元"


def _plain_number(d: Decimal) -> str:
    """1.20 → 1.2, 2.00 → 2, never exponent notation."""
    s = format(d.normalize(), "f")
    return s


__all__ = ["FEN", "MAX_AMOUNT", "AmountError", "find_amount_problems", "find_amounts", "format_yuan", "parse_amount",
           "quantize"]
