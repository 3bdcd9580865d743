"""Money in a question: every amount with its span, what cannot be read (and why), approximations, and the role an
amount plays — the enterprise's own figure, or a threshold, a sum, a claim or a budget it only mentions."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.understand.zh import AWARD, CAP, SPENT_ON, SUM, YESNO
from tools.amounts import find_amount_problems, find_amounts, parse_amount
from tools.errors import AmountError

_BARE_NUMBER = re.compile(r"(?<![\d.,])(\d{5,}(?:\.\d+)?)(?![\d.%年家个项号])")
# a percentage as written (3.55% / 2个百分点), its number in group 1
PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(%|个百分点)")
_ZERO_AMOUNT = re.compile(r"(?:是|为|有|只有|仅|:)(0|零)(?:元|块)?(?![\d.%万亿])")
FOREIGN_AMOUNT = re.compile(
    r"(?:\d[\d.,]*|[零一二两三四五六七八九十百千]+)(?:[十百千万亿]+)?(?:美元|美金|港元|港币|欧元|日元|英镑|韩元|卢布|澳元|加元|台币)"
    r"|\$\d[\d.,]*|usd\d[\d.,]*|\d[\d.,]*usd|\d[\d.,]*[万千]?(美)?刀(?!具)"
)
# Digits that identify rather than count: phone numbers, post codes, codes and ids.
_ID_BEFORE = re.compile(r"(电话|手机|座机|热线|邮编|代码|编号|编码|号码|账号|帐号|qq|微信|tel|传真|身份证|工号|订单号|合同号)[^\d]{0,3}$")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# 1200多万 / 1200余万: the 多 read as a space keeps spans valid and lets the parser read 1200 万
_APPROX_INNER = re.compile(r"(?<=[\d一二两三四五六七八九十百千])[多余来](?=[十百千万亿])")  # 1200多万 / 四百多万
_APPROX_BEFORE = re.compile(r"(约|大约|大概|大致|差不多|将近|接近|估计|预计|近|约合)[^\d,，。;；]{0,4}$")
_APPROX_AFTER = re.compile(r"^(左右|上下|出头|多)")

# --- the role an amount plays in its segment -------------------------------------------------------
# a threshold or edge the user mentions (就差一点到500万 / 达到500万才能拿吗 / 500万门槛): not their figure
# (差100块到100万: both the gap and the edge; 文件里写的最高奖80万: a cap cited)
ROLE_THRESHOLD = re.compile(r"(差[^,，。;；]{0,8}?(就)?(到|够|达到)|差(了)?|不到|没到|没有到|达不到|够不到|不足|不满|"
                            r"(最高|最多|上限|封顶|不超过)(是|为)?(奖|补|给|奖励|补助)?)$")
ROLE_THRESHOLD_AFTER = re.compile(rf"^(的)?(门槛|标准|线|起点|以上|及以上|才(能|可以)|{CAP})")
_ROLE_EDGE = re.compile(r"(超过|超出|超|高于|低于|达到|满|到|够|过)(了)?$")
_ROLE_ASKING = re.compile(rf"{YESNO}|吧|\?|才")
# a sum the user computes (合起来570万 / 一共800万 / 总共): the listed items' total, not another item
ROLE_SUM = re.compile(rf"(?:{SUM}|总的)(是|为|有|投了|花了|算|按)?$")
# a figure the user quotes for the award to be checked, not an input: said after a verb of getting (能补60万 /
# 听说能拿50万), by what should be paid (按10%应该给15万), of the award itself (奖励已上调为30万); or checked right after (…122.8万 对吗)
ROLE_CLAIM_BEFORE = re.compile(
    rf"(?P<modal>应该|应当|本该|本来)?(能|可以|可|会)?(补|拿|领|奖|给|得|获得|享受|{AWARD}|批)(到)?(个|那|这)?$"
    rf"|(?P<hearsay>听说|据说|有人说|别人说|是不是|是否)[^,，。]{{0,8}}$"
    rf"|(?P<figure>(?:{AWARD}|奖金)(标准|金额)?[^,，。\d]{{0,5}}(是|为|到|成))$"
    # a clause saying only what the result should be (你按15%重新算，应该是6.75万)
    rf"|^(?P<result>(那|就|所以|结果)?(应该|应当|本该)(是|为))$")
ROLE_CLAIM_AFTER = re.compile(
    rf"^(元)?[\s,，]*(?:(?P<check>对吗|对不对|对吧|是吧|没错吧|有没有错|是这样吗|是不是这样|是真的吗)(?=[\s,，。？?!！]|$)|(的)?{AWARD}?(吗|么|嘛|吧|\?))")
# a figure the user derives (按60%是3.6万 / ×6%=72万): a result of their own arithmetic, not an input
# (按分段算是202万吧: a result by a method the user names)
ROLE_DERIVED = re.compile(r"((\d+(\.\d+)?%|[×x*]|乘(以)?)[^,，。;；\d]{0,3}|按[^,，。;；\d]{0,6}算(下来|出来)?)(是|=|得|就是|等于|算下来|算出来|应该是)(了)?$")
# a base the user proposes to compute on (能不能按1960万算 / 按500万计): the figure asked about, not another item
ROLE_BASIS_BEFORE = ("按", "按照", "以")
ROLE_BASIS_AFTER = re.compile(r"^(来|的标准)?(算|计算|计|核定|核算)")
# a budget cited (补助资金总额500万 / 预算3000万 / 总盘子): the programme's money, not the enterprise's
ROLE_BUDGET = re.compile(r"(资金总额|补助总额|奖补资金总额|总盘子|预算(总额)?|资金池|总额度)(就|只有|才)?(是|为|有|不超过)?$")


def amount_role(t: str, seg: tuple[int, int], span: tuple[int, int], edges: frozenset = frozenset(),
                amount: Decimal | None = None) -> str:
    """own (the enterprise's figure), threshold, sum, derived, claim or budget, from the words around the amount.
    `edges`: the document's own thresholds and caps; one named after 超过 / 达到 is the edge, not a figure."""
    before, after = t[seg[0]:span[0]], t[span[1]:seg[1] + 1]
    if amount is not None and amount in edges and _ROLE_EDGE.search(before):
        return "threshold"  # 加起来270万超过200万了吧: 200万 is the document's threshold
    if ROLE_BUDGET.search(before):
        return "budget"
    if ROLE_DERIVED.search(before):
        return "derived"
    if ROLE_SUM.search(before):
        return "sum"
    if ROLE_THRESHOLD.search(before) or ROLE_THRESHOLD_AFTER.match(after):
        return "threshold"
    if _ROLE_EDGE.search(before) and _ROLE_ASKING.search(t[seg[0]:seg[1] + 1]):
        return "threshold"  # 达到500万才能拿吗: the edge asked about; 达到了800万 is the enterprise's own
    # the check may stand across a space or comma from the amount (…122.8万 对吗)
    claim, check = ROLE_CLAIM_BEFORE.search(before), ROLE_CLAIM_AFTER.match(t[span[1]:span[1] + 10])
    if check and check.group("check") or claim and (claim.group("modal") or claim.group("figure") or claim.group("result")
                                                    or check or claim.group("hearsay") and not after.strip(",，。.!！ ")):
        return "claim"
    if before.endswith(ROLE_BASIS_BEFORE) and ROLE_BASIS_AFTER.match(after) and _ROLE_ASKING.search(t[seg[0]:seg[1] + 1]):
        return "derived"
    return "own"


def find_money(t: str) -> tuple[list[tuple[Decimal, tuple[int, int]]], list[str], set[tuple[int, int]], list[str]]:
    """(amounts with spans, problems, spans of unit-less numbers, approximate amounts as written)."""
    # the 多 of 1200多万 / 四百多万 left out for the parser, the spans mapped back onto the text as written
    keep = [i for i in range(len(t)) if not _APPROX_INNER.match(t, i)]
    at = keep + [len(t)]
    found = [(a, (at[s], at[e - 1] + 1)) for a, (s, e) in find_amounts("".join(t[i] for i in keep))]
    problems: list[str] = []
    covered = [span for _, span in found]
    bare: set[tuple[int, int]] = set()
    for m in _BARE_NUMBER.finditer(t):
        if any(s <= m.start() < e for s, e in covered):
            continue
        if _MOBILE.fullmatch(m.group(1)) or _ID_BEFORE.search(t[max(0, m.start() - 8):m.start()]):
            continue  # 电话13807970000 / 邮编341700 identify, they do not count money
        try:
            found.append((parse_amount(m.group(1)), m.span(1)))
            bare.add(m.span(1))
        except AmountError as e:
            problems.append(str(e))
    approx = []
    for _, (a, b) in found:
        before = _APPROX_BEFORE.search(t[max(0, a - 7):a])
        after = _APPROX_AFTER.match(t[b:b + 2])
        if before or after or _APPROX_INNER.search(t[a:b]):
            approx.append(t[a:b + (len(after.group(0)) if after else 0)] if after or not before else
                          before.group(1) + t[a:b])
    # money-looking tokens that are no amount (负100万, 3万亿亿, 1e30元, —500万, 300—500万, abc万): find_amounts
    # skips them and the parser says why
    problems.extend(find_amount_problems(t))
    for m in _ZERO_AMOUNT.finditer(t):
        if not any(s <= m.start() < e for s, e in covered):
            found.append((Decimal("0.00"), m.span(1)))
    for m in FOREIGN_AMOUNT.finditer(t):
        problems.append(f"“{m.group(0)}”不是人民币金额，无法使用：本助手只能按人民币（元、万元、亿元）计算，请换算为人民币后再输入。")
    found = [(a, sp) for a, sp in found if not (sp[0] > 0 and t[sp[0] - 1] in "负-—–－−")]
    found.sort(key=lambda x: x[1][0])
    return found, list(dict.fromkeys(problems)), bare, approx


def find_quantities(t: str, units: dict[str, Decimal]) -> list[tuple[Decimal, str, tuple[int, int]]]:
    """Numbers followed by one of `units` (unit word → multiplier into the document's unit): (value, unit, span).
    Small numbers in Chinese numerals count where a unit follows them (三年 / 四个产品)."""
    from corpus.model import cn_to_int

    out = []
    words = sorted(units, key=len, reverse=True)
    for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?|[一二两三四五六七八九十]{1,3})\s*", t):
        rest = t[m.end():]
        unit = next((u for u in words if rest.lower().startswith(u.lower())), None)
        chinese = not m.group(1)[0].isdigit()
        if unit is None or chinese and not unit:
            continue
        if m.start() > 0 and (t[m.start() - 1].isdigit() or t[m.start() - 1] == "."):
            continue
        try:
            raw = Decimal(cn_to_int(m.group(1))) if chinese else Decimal(m.group(1).replace(",", ""))
        except (ValueError, ArithmeticError):
            continue
        if unit.startswith("年") and 1900 <= raw <= 2100:
            continue  # 2024年 is a date, not a number of years
        if unit == "月" and (t[:m.start()].endswith("年") or raw <= 12 and not rest[1:].startswith("期")):
            continue  # 2024年7月 / 7月放款 name a month; a duration says 7个月
        try:
            value = raw * units[unit]
        except ArithmeticError:
            continue
        out.append((value, unit, (m.start(), m.end() + len(unit))))
    return out


__all__ = ["FOREIGN_AMOUNT", "PERCENT_RE", "REST_OF", "amount_role", "find_money", "find_quantities"]


# a share of a total said as a fraction (其中三分之一是平台系统上云 / 一半是 / 30%是), and the rest (剩下的都是…)
_TOTAL_BEFORE = re.compile(rf"(?:{SUM}|总的)[^,，。\d]{{0,4}}$")
_NUM = r"[一二两三四五六七八九十\d]+"
_SHARE = re.compile(rf"^(其中|另外)?(?:(?P<den>{_NUM})分之(?P<num>{_NUM})|(?P<half>一半)|百分之(?P<pct>\d+(\.\d+)?)"
                    rf"|(?P<pct2>\d+(\.\d+)?)%)(?=(的)?(是|为|用于|用在|花在|付给))")
# the rest of a total, then what it is (剩下的都是… / 其余是封边机和MES)
REST_OF = re.compile(rf"(其余|其他|其它|剩下|剩余|余下)(的)?(部分)?(都|全|全部)?(?={SPENT_ON})")


def shares_as_amounts(t: str) -> str:
    """The text with a total's shares written as amounts (一共实付6万，其中三分之一是A，剩下的都是B →
    …其中20000.00元是A，另外40000.00元是B), so each part is read as the figure of what it is said to be."""
    from assistant.understand.text import segments
    from corpus.model import cn_to_int

    if "分之" not in t and "一半" not in t and "%" not in t and "百分之" not in t:
        return t
    found = find_money(t)[0]
    out, at = [], 0
    segs = segments(t)
    for i, (a, b) in enumerate(segs):
        total = next((v for v, (x, _) in found if a <= x < b and _TOTAL_BEFORE.search(t, a, x)), None)
        if total is None:
            continue
        parts, edits = Decimal(0), []
        for c, d in segs[i + 1:]:
            seg = t[c:d]
            if (m := _SHARE.match(seg)) is not None and not find_money(seg)[0]:
                if m.group("den"):
                    share = Decimal(cn_to_int(m.group("num"))) / Decimal(cn_to_int(m.group("den")))
                elif m.group("half"):
                    share = Decimal("0.5")
                else:
                    share = Decimal(m.group("pct") or m.group("pct2")) / 100  # 百分之三十 arrives as 30% (normalise)
                part = (total * share).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
                parts += part
                edits.append((c + (m.end(1) if m.group(1) else 0), c + m.end(), f"{part}元"))
            elif (m := REST_OF.match(seg)) is not None and edits and not find_money(seg)[0]:
                edits.append((c, c + m.end(), f"另外{total - parts}元"))
                break
            else:
                break
        if not edits or parts > total:
            continue
        for x, y, text in edits:
            out.append(t[at:x])
            out.append(text)
            at = y
    return "".join(out) + t[at:] if out else t
