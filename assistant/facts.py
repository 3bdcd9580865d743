"""Profile facts a turn states: conditions (negation-aware), amounts and their slots, deltas, titles and levels."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.focus import (
    _INTERROGATIVE,
    _Q_MARK,
    CONDITION_WORDS,
    INTERPRETIVE_Q,
)
from assistant.scope import (
    _REGISTERED_ELSEWHERE,
)
from assistant.textnorm import _segment_of, segments
from assistant.turn import Turn
from tools.amounts import find_amount_problems, find_amounts, format_yuan, parse_amount
from tools.errors import AmountError

# --- profile fact lexicon -----------------------------------------------------------------

# Negators that flip a fact when they precede it within the same segment (还没竣工, 不是规上, 未入统, 没有通过验收).
_NEG_RE = re.compile(r"(不(?!过|但|仅|久|少|断|错|论|管|同|只)|没(?!多久|几天)|未(?!来)|非(?!常)|无(?!论)|尚未|并未|还没|还未|"
                     r"没有|不是|不属于|未能|没能|不再)")
# A fact planned or expected (预计明年竣工, 准备验收) does not hold yet.
_FUTURE_RE = re.compile(r"预计|计划|即将|准备|打算|争取|有望|明年|下个?月|下半年|(?<!已)将(?!近)|还要|等到")
# A negation after the fact word, ending its segment: 产业政策不符 / 验收还没通过 / 统计库还没进.
_POST_NEG_RE = re.compile(r"(了)?(的)?(还|也|都|仍|尚|却|目前)?(不符(合)?|不满足|不达标|不对|不够|不行|"
                          r"没(有)?(通过|完成|办|做|弄|下来|进|入|批|达到|到位)?|未(通过|完成|办理)?)(了)?(的)?")
# A segment that asks about a requirement states no fact (需要竣工吗 / 是否要列入统计库).
_ASKING_RE = re.compile(r"上限|多少|最高|比例|需要|要求|必须|是否|条件|标准|认定|要不要|需不需要|算不算|什么是|是指|定义|怎么认定|哪些")

_SELF_RE = re.compile(r"我们|我司|本企业|我公司|本公司|我单位|我厂|我家")
# Acceptance of a technical-upgrade project (no 二级节点 named): 竣工验收, i.e. 已竣工; not accepted yet leaves 竣工 open.
_NODE_CONTEXT = re.compile(r"二级节点|节点|标识解析")
_PROJECT_CONTEXT = re.compile(r"项目|设备|技改|技术改造|投产|生产线|厂")


_FACT_FLAGS: list[tuple[str, re.Pattern, bool]] = [
    # (fact, pattern, value when not negated)
    ("above_scale", re.compile(r"规上|规模以上|规模企业|规上企业"), True),
    ("above_scale", re.compile(r"规下|规模以下|小微企业(?!.*规上)"), False),
    ("completed", re.compile(r"竣工|完工|建成(投产)?|验收完成|投产"), True),
    ("completed", re.compile(r"在建|建设中|正在建|施工中"), False),
    ("in_national_stats", re.compile(r"入统|列入(了)?(国家)?统计库|纳入(了)?(国家)?统计(库)?|进(入)?(了)?(国家)?统计库|统计库|入库|纳统|列统"), True),
    # reported to the statistics bureau (统计局那边也报了 / 已经报统计了 / 入库统计): the project is in the statistics
    ("in_national_stats", re.compile(r"统计局[^,，。;；不没未]{0,6}(上)?报(送|备)?(了|过)|(上)?报(了)?(国家)?统计(局|库)?|入库统计"), True),
    ("in_national_stats", re.compile(r"统计局[^,，。;；]{0,5}(没有|没|未)(上)?报"), False),
    ("complies_industrial_policy", re.compile(r"符合(国家)?(的)?(产业)?政策|产业政策(鼓励|支持|范围内)"), True),
    ("complies_industrial_policy", re.compile(r"(淘汰|限制)类|产业政策(上|方面)?(不符|不对|不满足|不支持|不允许)"), False),
    # outside a 二级节点 context an accepted project (项目验收完了 / 已经验收) is a completed one: see _ACCEPTED_PROJECT
    ("node_passed_acceptance", re.compile(r"通过(了)?验收|验收(通过|合格|完成|完毕|完)|已(经)?验收|验收(过)?了"), True),
    ("node_passed_acceptance", re.compile(r"验收(还|也|都|仍|尚|目前)?(没|未)(有|能)?(通过|完成|合格)"), False),
    ("node_registered_in_longnan", re.compile(r"(在)?龙南(市)?(注册|登记)|注册(地)?(在|于)龙南|龙南(本地|的)?企业"), True),
    ("node_connected", re.compile(r"接入(了)?(二级)?节点|接入(了)?标识解析"), True),
]


# The enterprise's local-finance share of VAT and CIT (四（三）7), however people name it.
_LOCAL_SHARE = (r"(税收)?地方(财政)?(税收)?(收入)?(贡献|留成|留存|实得|分成|所得)(部分|税收|的部分)?|地方财政实得(部分|税收)?|"
                r"实得部分|地方财政")

# Amount slots: the nearest keyword before an amount (else after it, in the same segment) says what it is.
_SLOT_WORDS: list[tuple[tuple, re.Pattern]] = [
    (("cloud", "infrastructure"), re.compile(r"信息基础设施(上云)?|基础设施(上云)?")),
    (("cloud", "platform"), re.compile(r"平台系统(上云)?|平台上云|系统上云")),
    (("cloud", "application"), re.compile(r"业务应用(上云)?|应用上云")),
    (("cloud", "equipment"), re.compile(r"设备资源(上云)?|设备上云")),
    (("cloud", "manufacturing"), re.compile(r"制造能力(\(资源\)|（资源）)?(上云)?|制造资源(上云)?")),
    (("cloud", None), re.compile(r"上云")),
    (("node", "investment"), re.compile(r"二级节点|标识解析|节点")),
    (("local_tax_retained",), re.compile(_LOCAL_SHARE)),
    (("tax_paid",), re.compile(r"缴(了)?税|纳(了)?税|交(了)?税|税收|增值税|所得税")),
    (("ganzhou_smart_award",), re.compile(r"赣州(市)?|智能制造(示范|标杆)?|标杆")),
    (("equipment",), re.compile(r"(购买|购置|采购|买)(了)?(的)?设备|设备(投资|购置|采购|投入)?")),
    (("total_investment",), re.compile(r"(项目)?总投资|投资总额|项目投资|技改投资")),
    (("investment",), re.compile(r"投资额|投资|投入|花了|花费|支付")),
    # the enterprise's other figures (revenue, capital, output, loans): never an award input
    (("other",), re.compile(r"(年)?(营收|营业收入|营业额|主营(业务)?收入|销售(额|收入)|收入|产值|总产值|注册资本|注册资金|实收资本|"
                            r"资产|总资产|净资产|利润|净利润?|工资|薪酬|产量|贷款|融资|授信|租金|市值|估值|出口额|进口额|订单|合同额)")),
]

_TITLE_WORDS = [
    ("lianghua", re.compile(r"两化(深度)?融合(管理体系)?(贯标|示范|试点)?(企业)?|贯标(企业)?")),
    ("service", re.compile(r"服务型制造(示范)?(企业|项目|平台)?(?!工程|(示范)?(企业|项目|平台)?工程)")),
]
_LEVELS = [
    ("national", re.compile(r"国家(级)?(?!产业|统计|政策)|国字号")),
    ("provincial", re.compile(r"(?<![节反])省(级)?(?![钱去掉])")),
    ("city", re.compile(r"(?<![赣州龙南城都超门])市(级)?(?![场财政工信委直民区])")),
]
_SMART_TITLE = re.compile(r"智能制造(示范|标杆)(企业)?|标杆企业")

_NOT_THIS_AMOUNT = re.compile(r"(不是|并非|而不是|而非|不是说)$")
# 再多买300万 / 追加投资200万: an increase of the amount talked about, not its new value
_DELTA_BEFORE = re.compile(r"(再|又|多|追加|增加|新增|另加|加|(?P<less>少|减少|减|扣除|去掉))(多|少)?(买|购买|购置|采购|投|投资|投入|花)?(了)?(设备)?$")


def _negated(t: str, seg: tuple[int, int], start: int) -> bool:
    """A negator in the few characters before `start` (same segment) flips the fact."""
    window = t[max(seg[0], start - 4):start]
    return bool(_NEG_RE.search(window))


_SENT_RE = re.compile(r"[。；;！!？?\n]")


def _sentence_start(t: str, pos: int) -> int:
    last = 0
    for m in _SENT_RE.finditer(t, 0, pos):
        last = m.end()
    return last


def _concepts(t: str, lo: int, hi: int) -> list[tuple[int, int, tuple]]:
    """Amount-concept words in t[lo:hi]; one inside a longer one (税收 in 地方税收留成, 设备 in 设备资源上云) is dropped."""
    found = [(m.start(), m.end(), slot) for slot, rx in _SLOT_WORDS for m in rx.finditer(t, lo, hi) if m.end() > m.start()]
    return [f for f in found if not any(o is not f and o[0] <= f[0] and f[1] <= o[1] and o[1] - o[0] > f[1] - f[0]
                                        for o in found)]


def _slot_for(t: str, seg: tuple[int, int], span: tuple[int, int]) -> tuple | None:
    """The concept a money amount belongs to: the nearest concept word before it in its segment, else after it,
    else the nearest one earlier in the same sentence (做了平台系统上云，付了8万 / 一个设备800万，另一个2500万).

    A weak word (投资 / 花了) only counts when no concept word is found (买设备花了1200万 is equipment)."""
    cands = []  # (weak, after, distance, -length, slot)
    for start, end, slot in _concepts(t, seg[0], seg[1]):
        if end <= span[0]:
            cands.append((slot == ("investment",), 0, span[0] - end, -(end - start), slot))
        elif start >= span[1]:
            cands.append((slot == ("investment",), 1, start - span[1], -(end - start), slot))
    best = min(cands, key=lambda c: c[:4]) if cands else None
    if best is not None and not best[0]:
        return best[-1]
    earlier = [c for c in _concepts(t, _sentence_start(t, seg[0]), seg[0]) if c[2] != ("investment",)]
    if earlier:
        return max(earlier, key=lambda c: (c[1], c[1] - c[0]))[2]
    return best[-1] if best else None


_BARE_NUMBER = re.compile(r"(?<![\d.,])(\d{5,}(?:\.\d+)?)(?![\d.%年家个项号])")


_ZERO_AMOUNT = re.compile(r"(?:是|为|有|只有|仅|:)(0|零)(?:元|块)?(?![\d.%万亿])")
_FOREIGN_AMOUNT = re.compile(
    r"(?:\d[\d.,]*|[零一二两三四五六七八九十百千]+)(?:[十百千万亿]+)?(?:美元|美金|港元|港币|欧元|日元|英镑|韩元|卢布|澳元|加元|台币)"
    r"|\$\d[\d.,]*|usd\d[\d.,]*|\d[\d.,]*usd|\d[\d.,]*[万千]?(美)?刀(?!具)"
)
# No tax paid this year: the local share is zero (四（三）7 then caps every award at 0).
_NO_TAX = re.compile(r"(没|未|没有)(交|缴|纳)(过)?(任何)?税|零纳税|(税|税收)(是|为)?(0|零)(?![\d.])")
# A total of the amounts just listed (加起来800万) is not another item.
_SUM_WORD = re.compile(r"(加起来|加在一起|合计|一共|总共|共计|总计|累计)(是|为|有|投了|花了)?$")
_PROJECT_COUNT = re.compile(r"(两|俩|二|2|三|3|四|4|五|5)个(技改|技术改造)?项目|(两|俩)项目")
_EACH = re.compile(r"每个|每一个|每项|各(个)?项目|各(自)?(都)?(买|投|花|采购|购置|是)|均|各$")
# a fact supposed in a question: 如果入统了能拿多少 / 那入统之后呢
_HYPOTHETICAL_BEFORE = re.compile(r"(如果|假如|要是|假设|若|等|那)[^,，]{0,4}$")
_HYPOTHETICAL_AFTER = re.compile(r"(了)?(之后|以后|后)")
_REQUIREMENT_Q = re.compile(r"需要|要求|必须|是否|要不要|需不需要|条件|才(能|可以)")


# A yes/no question on the condition itself (符合产业政策吗 / 是否已竣工 / 算不算规上 / 符不符合 / 入统了没有): asked, not stated.
_FACT_Q_BEFORE = re.compile(r"(是否|是不是|算不算|有没有|能否|可否|属不属于|符不|够不够|达没达到|有无)(已经|已|都|也)?$")
_FACT_Q_AFTER = re.compile(r"(了)?(的)?(企业|项目)?(了)?(吗|么|与否)")


def _asked_fact(t: str, seg: tuple[int, int], m: re.Match) -> bool:
    after = t[m.end():seg[1]]
    return bool(_FACT_Q_BEFORE.search(t[seg[0]:m.start()]) or _FACT_Q_AFTER.match(after)
                or re.fullmatch(r"(了)?(没|没有)", after)
                or (t[seg[1]:seg[1] + 1] == "?" and re.fullmatch(r"(了)?(的)?(企业|项目)?(了)?", after)))


def _supposed(t: str, seg: tuple[int, int], m: re.Match) -> bool:
    return bool(_HYPOTHETICAL_BEFORE.search(t[seg[0]:m.start()]) or _HYPOTHETICAL_AFTER.match(t, m.end()))
_COUNT = {"两": 2, "俩": 2, "二": 2, "2": 2, "三": 3, "3": 3, "四": 4, "4": 4, "五": 5, "5": 5}


# Digits that identify rather than count: phone numbers, post codes, codes and ids.
_ID_BEFORE = re.compile(r"(电话|手机|座机|热线|邮编|代码|编号|编码|号码|账号|帐号|qq|微信|tel|传真|身份证|工号|订单号|合同号)[^\d]{0,3}$")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# 1200多万 / 1200余万: the 多 read as a space keeps spans valid and lets the parser read 1200 万
_APPROX_INNER = re.compile(r"(?<=\d)[多余来](?=[十百千万亿])")
_APPROX_BEFORE = re.compile(r"(约|大约|大概|大致|差不多|将近|接近|估计|预计|近|约合)[^\d,，。;；]{0,4}$")
_APPROX_AFTER = re.compile(r"^(左右|上下|出头|多)")


def _amounts(t: str) -> tuple[list[tuple[Decimal, tuple[int, int]]], list[str], set[tuple[int, int]], list[str]]:
    """(amounts with spans, problems, spans of unit-less numbers, approximate amounts as written)."""
    found = list(find_amounts(_APPROX_INNER.sub(" ", t)))
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
    # money-looking tokens that are no amount (负100万, 3万亿亿, 1e30元, —500万, abc万): the parser's explanation
    problems.extend(find_amount_problems(t))
    # 地方财政实得部分是0: a stated zero needs no unit
    for m in _ZERO_AMOUNT.finditer(t):
        if not any(s <= m.start() < e for s, e in covered):
            found.append((Decimal("0.00"), m.span(1)))
    for m in _FOREIGN_AMOUNT.finditer(t):
        problems.append(f"“{m.group(0)}”不是人民币金额，无法使用：本助手只能按人民币（元、万元、亿元）计算，请换算为人民币后再输入。")
    # 负100万: the parser already explained why; the bare 100万 after 负 is not a fact
    found = [(a, sp) for a, sp in found if not (sp[0] > 0 and t[sp[0] - 1] in "负-")]
    found.sort(key=lambda x: x[1][0])
    return found, problems, bare, approx


# 税收如果是100万呢 / 实得改成100万: a what-if on the tax figure talked about
_TAX_WHATIF = re.compile(r"(税收|税|实得|留成|地方财政)[^,，。\d]{0,4}(如果|假如|要是|假设|换成|改成|改为|变成|若)(是|为|成)?$")


def tax_paid_problem(amount: Decimal) -> str:
    return (f"四（三）7以企业当年所缴增值税、企业所得税的地方财政实得部分为限；{format_yuan(amount)}如是缴税总额，"
            "请再提供其中地方财政实得部分的金额。")


def _extract_facts(turn: Turn, t: str) -> None:
    segs = segments(t)
    # flags (规上 / 已竣工 / 入统 / 符合产业政策 / 验收 / 注册地), negation-aware, statements only
    for fact, rx, value in _FACT_FLAGS:
        for m in rx.finditer(t):
            seg = _segment_of(segs, m.start())
            seg_text = t[seg[0]:seg[1]]
            if _ASKING_RE.search(seg_text) and not re.search(r"(我们|我司|本企业|我公司|本公司|我单位)", seg_text) \
                    and not (_supposed(t, seg, m) and not _REQUIREMENT_Q.search(seg_text)):
                continue  # 需要竣工吗 asks; 那入统之后能拿多少 supposes the fact
            if _asked_fact(t, seg, m):
                continue  # 符合产业政策吗？我们是做光伏组件的: the enterprise asks whether it meets it
            if fact == "in_national_stats" and m.group(0) == "入库" and (
                    re.search(r"项目库|技改库|(市|省)级", seg_text) or _INTERROGATIVE.search(t[seg[0]:seg[1] + 1])
                    or not re.search(r"竣工|规上|规模以上|设备|产业政策", t)):
                continue  # 入库 of the project library (四（一）: 能入库吗) is not the statistics library
            negated = _negated(t, seg, m.start()) or bool(_POST_NEG_RE.fullmatch(t[m.end():seg[1]]))
            if value and _FUTURE_RE.search(t[max(seg[0], m.start() - 8):m.start()]):
                negated = True  # 预计明年竣工: not yet
            v = value if not negated else not value
            if fact == "node_passed_acceptance" and not _NODE_CONTEXT.search(t) and _PROJECT_CONTEXT.search(t):
                if v:
                    turn.facts.append((("completed",), True))
                continue
            turn.facts.append(((fact,), v))
    if _REGISTERED_ELSEWHERE.search(t):
        turn.facts.append((("node_registered_in_longnan",), False))
    _titles(turn, t, segs)
    # amounts
    found, problems, bare, turn.approx = _amounts(t)
    turn.problems.extend(problems)
    count = _PROJECT_COUNT.search(t)
    unresolved: list[Decimal] = []
    for amount, span in found:
        seg = _segment_of(segs, span[0])
        seg_text = t[seg[0]:seg[1]]
        if (re.search(r"门槛|含不含|包不包括|及以上|以上的|才(能|可以)|是否|算不算|(含|包括|包含)[^,，。]{0,8}(吗|\?)", seg_text + t[seg[1]:seg[1] + 1]) or INTERPRETIVE_Q.search(seg_text) and _Q_MARK.search(t[seg[0]:seg[1] + 1])
                and not re.search(r"能拿|拿多少|补多少|能补|多少钱", seg_text)) and not _SELF_RE.search(seg_text):
            turn.figures.append(amount)
            continue  # 达500万元及以上才能拿吗 / 500万补助总额是什么意思: a figure asked about, not the enterprise's own
        if _NOT_THIS_AMOUNT.search(t[max(seg[0], span[0] - 4):span[0]]):
            continue  # 设备是800万不是1200万: the amount denied is not a fact
        if span in bare and not _concepts(t, seg[0], seg[1]):
            continue  # a unit-less number with no money word beside it ({"award": 9999999}) is not an amount
        slot = _slot_for(t, seg, span)
        if slot != ("local_tax_retained",) and _TAX_WHATIF.search(t[seg[0]:span[0]]):
            turn.tax_whatif.append(amount)  # 税收如果是100万呢: the session replaces a local share it holds
            continue
        if slot == ("other",):
            continue  # 年产值6000万 / 注册资本5000万: the enterprise's figures, not award inputs
        dm = _DELTA_BEFORE.search(t[seg[0]:span[0]])
        delta = dm is not None
        if dm is not None and dm.group("less"):
            amount = -amount  # 少买200万: a decrease
        if slot is None:
            if delta:
                turn.deltas.append((None, amount))
            elif count and _EACH.search(t[seg[0]:span[0]]):
                unresolved.extend([amount] * _COUNT.get((count.group(1) or count.group(3) or "")[:1], 1))
            else:
                unresolved.append(amount)
            continue
        if slot == ("investment",):
            # a bare 投资/花了 belongs to the topic of the question: 二级节点投资80万 / 技改项目投资2000万
            top = turn.topics[0] if turn.topics else None
            slot = {"4.3.6": ("node", "investment"), "4.3.1": ("total_investment",), "4.1": ("total_investment",),
                    "4.3.5": ("cloud", None), "4.3.7": ("local_tax_retained",)}.get(top)
            if slot is None:
                unresolved.append(amount)
                continue
        if delta and slot not in (("cloud", None), ("tax_paid",)):
            turn.deltas.append((slot, amount))
            continue
        amount = abs(amount)
        if slot == ("cloud", None):
            # 上云花了5万，业务应用上云: the stage may be named after the amount, later in the same sentence
            end = next((m.start() for m in _SENT_RE.finditer(t, span[1])), len(t))
            stage = _last_stage_before(t, span[0]) or next(
                (c[2] for c in _concepts(t, span[1], end) if c[2][0] == "cloud" and c[2][1]), None)
            if stage:
                turn.facts.append((stage, amount))
                continue
            turn.problems.append(f"{format_yuan(amount)}是哪个上云阶段支付的？请说明信息基础设施、平台系统、业务应用、设备资源或制造能力上云。")
            continue
        if slot == ("tax_paid",):
            turn.problems.append(tax_paid_problem(amount))
            continue
        if _SUM_WORD.search(t[seg[0]:span[0]]) and sum(1 for s_, _ in turn.facts if s_ == slot) >= 2:
            continue  # 分别400万和400万，加起来800万: the sum of the listed projects
        copies = 1
        if slot == ("equipment",) and count and _EACH.search(t[seg[0]:span[0]] + t[count.end():span[0]]):
            copies = _COUNT.get((count.group(1) or count.group(3) or "")[:1], 1)  # 两个项目每个都买了2000万
        turn.facts.extend([(slot, amount)] * copies)
    # an amount with no keyword is a what-if on the last amount (那如果是5000万呢), unless the turn places amounts of
    # its own: then it is another figure of the enterprise (营收1.5亿) and is not taken for any of them
    if not any(isinstance(v, Decimal) for _, v in turn.facts) and not turn.deltas:
        turn.unresolved_amounts.extend(unresolved)
    if _NO_TAX.search(t) and not any(s_ == ("local_tax_retained",) for s_, _ in turn.facts):
        turn.facts.append((("local_tax_retained",), Decimal("0.00")))
    _all_conditions(turn, t, segs)
    # 是分别奖励还是就高？ asks which; 如果不能叠加，只按最高的算呢 states a what-if
    question_like = re.search(r"还是|吗|是否|能否|能不能|可不可以", t)
    if re.search(r"就高|取最高|按最高|只(能)?拿(一个|最高)|不(能|可以)?叠加", t) and not question_like:
        turn.stacking = "highest"
    elif re.search(r"累加|叠加计算|都拿|全部拿|可以叠加", t) and not question_like:
        turn.stacking = "cumulative"
    sm = _SMART_TITLE.search(t)
    if sm:
        seg = _segment_of(segs, sm.start())
        seg_text = t[seg[0]:seg[1]]
        # 智能制造示范企业的配套是怎么算的: a bare 是 in a question states nothing
        stated = (re.search(r"获得|获评|评为|认定|被评", seg_text)
                  or ("是" in seg_text and (_SELF_RE.search(t) or not _Q_MARK.search(t[seg[0]:seg[1] + 1])))) \
            and (not _ASKING_RE.search(seg_text) or _SELF_RE.search(t))
        if stated:
            turn.facts.append((("smart_recognised",), not _NEG_RE.search(t[max(seg[0], sm.start() - 6):sm.start()])))


# "All the conditions hold" (条件都满足 / 都符合条件 / 四个条件都具备), with its negation scope: 条件都不满足 → all
# false; 不是所有条件都满足 / 条件不全满足 → says nothing about any single one.
_ALL_COND = re.compile(
    r"(?P<pre>不是|并非|并不是|没有|未必)?(所有|全部|各项|各个|四个|4个|这些|其他|其余|其它|别的|以上)?(的)?条件"
    r"(?P<adv>都|全|均|全部|也都|都已经|都已|已经|已)?(?P<neg>不|没|未|没有)?(?P<adv2>全|都)?(满足|符合|具备|达到|齐全|达标|没问题)(了)?"
    r"|(?P<pre2>不是|并非|没有)?(都|全部|全|均)(?P<neg2>不|没)?(满足|符合|具备)(了)?(所有|全部|各项|四个|这些)?(的)?条件"
)
_ASKED_COND = re.compile(r"吗|\?|是否|哪些|什么|需要|要求|有没有|能不能满足|需不需要|要满足")


# 都符合 / 全部满足 / 都具备 with no 条件: agreement, in a turn that states award facts (or alone, as a reply)
_BARE_ALL = re.compile(r"(都|全都|全部|全|均|也都)(已经|已)?(符合|满足|具备|没问题)(了)?$")


def _bare_all(t: str, seg: tuple[int, int]) -> bool:
    m = _BARE_ALL.search(t, seg[0], seg[1])
    return bool(m and m.end() == seg[1] and not re.search(r"不|没|未|非|吗|\?|条件|必须|需要|要求|还是|是否", t[seg[0]:seg[1] + 1])
                and not any(rx.search(t, seg[0], seg[1]) for _, rx in CONDITION_WORDS))


def _all_conditions(turn: Turn, t: str, segs: list[tuple[int, int]]) -> None:
    if turn.facts or any(c in ("4.3.1", "4.3.6") for c in turn.topics):
        for seg in segs:
            if _bare_all(t, seg) and not _ALL_COND.search(t, seg[0], seg[1]):
                turn.facts.append((("all_conditions",), True))
    for m in _ALL_COND.finditer(t):
        seg = _segment_of(segs, m.start())
        if _ASKED_COND.search(t[seg[0]:seg[1]]):
            continue
        if m.group("pre") or m.group("pre2") or (m.group("neg") and m.group("adv2") == "全"):
            continue  # partial: nothing is known about any one condition
        negative = bool(m.group("neg") or m.group("neg2"))
        turn.facts.append((("all_conditions",), not negative))


# A title restated with its figure (figures are blanked to _ by the caller), then said to be held by a later clause.
_FIGURE_AFTER = re.compile(r"(奖励|奖补|补助|补贴|奖|补)(是|为)?_+")
_LEVEL_FIGURE = re.compile(r"(国家级?|省级?|市级?)(的)?(奖励|奖|补)?(是|为)?_+(元)?")
_HELD_BACK = re.compile(r"(我们|我司|本企业|我公司|本公司|我单位)(这)?(两个|三个|两项|三项|几个)?(都|也|均|全)?(已经|已)?"
                        r"(有|拿到|拿了|获得|评上|是|具备)(了)?")
_TITLE_STATED = re.compile(r"是|获得|获评|评为|评上|通过|列为|拿到|拿了|有|被认定|认定|当选|入选")
_LEVEL_Q_MONEY = re.compile(r"奖多少|奖励多少|多少钱|能拿|拿多少|奖励是多少|补多少|有(奖励|奖金|钱)吗|给多少")


def _titles(turn: Turn, t: str, segs: list[tuple[int, int]]) -> None:
    """Titles with their levels. Levels before or after the family name, coordinated with 和/及/、/以及/还有/都,
    all count (国家级两化融合贯标和省级示范都拿了 → both); in a segment naming both families each level goes to the
    family it precedes. A question about one level (市级服务型制造示范企业奖多少) is computed as if held."""
    mentions = [(m.start(), m.end(), kind, m.group(0)) for kind, rx in _TITLE_WORDS for m in rx.finditer(t)]
    if not mentions:
        found = sorted((m.start(), m.end(), lv) for lv, lrx in _LEVELS for m in lrx.finditer(t))
        prev_end = 0
        for start, end, lv in found:
            seg = _segment_of(segs, start)
            lo = max(seg[0], prev_end)
            turn.bare_levels.append((lv, not _negated_title(t, (lo, seg[1]), lo, start)))
            prev_end = end
        return
    prev_kinds: list[str] = []  # the families of the previous segment in the same sentence
    missing: set[str] = set()  # families stated without a level
    named: list[str] = []  # titles named with their award figure, not (yet) said to be held
    for seg in segs:
        fam = [x for x in mentions if seg[0] <= x[0] < seg[1]]
        seg_text = t[seg[0]:seg[1]]
        if not fam and named and _HELD_BACK.fullmatch(seg_text):
            turn.titles.extend((x, True) for x in dict.fromkeys(named))  # …奖3万，市级2万，我们两个都有
            named = []
            continue
        if not fam and len(prev_kinds) == 1 and _LEVEL_FIGURE.fullmatch(seg_text):
            named.append(f"{prev_kinds[0]}_{next(lv for lv, lrx in _LEVELS if lrx.match(seg_text))}")  # ，市级2万
            continue
        if not fam:
            # 在省里拿了两化融合示范，市里也评了: a level in the next clause continues the same family
            if len(prev_kinds) == 1 and _sentence_start(t, seg[0]) < seg[0] \
                    and re.search(r"也|还|同时|另外|都|评|拿|获|只是|就是|(?<!还)是(?!否)", seg_text) and not _ASKING_RE.search(seg_text):
                for lv, lrx in _LEVELS:
                    if lrx.search(seg_text):
                        turn.titles.append((f"{prev_kinds[0]}_{lv}", not _negated_title(t, seg, seg[0], seg[1])))
                        missing.discard(prev_kinds[0])
            prev_kinds = prev_kinds if _sentence_start(t, seg[1]) <= seg[0] else []
            continue
        prev_kinds = list(dict.fromkeys(f[2] for f in fam))
        levels: dict[int, list[str]] = {i: [] for i in range(len(fam))}
        for lv, lrx in _LEVELS:
            for m in lrx.finditer(t, seg[0], seg[1]):
                if any(f[0] <= m.start() < f[1] for f in fam):
                    continue
                following = [i for i, f in enumerate(fam) if f[0] >= m.end()]
                target = following[0] if following else max(range(len(fam)), key=lambda i: fam[i][1])
                if lv not in levels[target]:
                    levels[target].append(lv)
        stated = bool(_SELF_RE.search(seg_text) or (_TITLE_STATED.search(seg_text) and not _ASKING_RE.search(seg_text)))
        for kind in dict.fromkeys(f[2] for f in fam):
            idx = [i for i, f in enumerate(fam) if f[2] == kind]
            lv = list(dict.fromkeys(x for i in idx for x in levels[i]))
            words = "".join(fam[i][3] for i in idx)
            if not lv and kind == "lianghua" and "贯标" in words:
                lv = ["national"]
            if not lv and kind == "lianghua" and "深度" in words:
                lv = ["provincial"]
            if not stated:
                if _FIGURE_AFTER.search(seg_text):
                    named.extend(f"{kind}_{x}" for x in lv)  # 省级两化融合示范企业奖3万: named with its figure
                # a question about one level is a what-if for that title; several levels asked 分别 is the rule itself
                if len(lv) == 1 and _LEVEL_Q_MONEY.search(t) and not re.search(r"分别|各级|各自|每级", t):
                    turn.titles.append((f"{kind}_{lv[0]}", True))
                continue
            if not lv:
                # only a clause stating the title (我们是服务型制造示范企业) lacks its level; a question does not
                if _TITLE_STATED.search(seg_text) and (_SELF_RE.search(seg_text) or not _Q_MARK.search(t[seg[0]:seg[1] + 1])):
                    missing.add(kind)  # unless a later clause names the level (…示范企业，市里评的)
                continue
            held = not _negated_title(t, seg, seg[0], fam[idx[0]][0])
            for x in lv:
                turn.titles.append((f"{kind}_{x}", held))
    for kind in sorted(missing):
        turn.problems.append(f"没能判断{'两化融合' if kind == 'lianghua' else '服务型制造'}称号的级别，请说明是国家级、省级还是市级。")


def _last_stage_before(t: str, pos: int) -> tuple | None:
    """The cloud stage named last before `pos` anywhere in the question (做了信息基础设施上云，实际支付了10万元)."""
    best = None
    for slot, rx in _SLOT_WORDS:
        if slot[0] != "cloud" or slot[1] is None:
            continue
        for m in rx.finditer(t, 0, pos):
            if best is None or m.end() > best[0]:
                best = (m.end(), slot)
    return best[1] if best else None


def _negated_title(t: str, seg: tuple[int, int], lo: int, start: int) -> bool:
    """没有获得/未评为/不是 … 称号: look from the segment start (the level words sit in between)."""
    window = t[seg[0]:start]
    return bool(re.search(r"(没有|没|未|不是|尚未|还没|并非|不属于)(获得|获评|评为|评上|通过|列为|拿到|被评|被认定|认定|是)?", window)) and not re.search(
        r"(已|已经|获得了|通过了|评上了)", window[-8:]
    )


def cloud_stages(t: str) -> list[str]:
    """The cloud stages a (normalised) text names, in text order, without repeats: ["infrastructure", ...]."""
    found = sorted((start, slot[1]) for start, _, slot in _concepts(t, 0, len(t)) if slot[0] == "cloud" and slot[1])
    return list(dict.fromkeys(stage for _, stage in found))




# A bare reply to the last question or correction of the last condition (是的 / 还没有 / 不是 / 现在通过了 / 已经列入了):
# only these words, no question word; what it answers is the session's to judge.
_REPLY_WORDS = re.compile(r"(嗯|恩|哦|噢|是的|是|的|对|没错|没问题|啊|呀|吧|有|没有|没|还|不|未|已经|已|现在|目前|刚刚|刚|都|全都|全部|也|"
                          r"了|通过|完成|列入|入统|竣工|完工|验收|完|办好|弄好|可以|符合|满足|具备|确定|过|条件|齐全|"
                          r"[,，。.!！~])+")
_REPLY_HINTS = [("node_passed_acceptance", re.compile(r"通过|验收")), ("in_national_stats", re.compile(r"列入|入统")),
                ("completed", re.compile(r"竣工|完工"))]


def bare_reply(turn: Turn, t: str) -> None:
    """Mark a turn that is only a yes / no / 'now it is' reply (called when it states nothing else)."""
    if turn.facts or turn.topics or turn.titles or turn.clause_ref or turn.unresolved_amounts or turn.deltas \
            or len(t) > 12 or not _REPLY_WORDS.fullmatch(t) or re.search(r"(.)不\1|吗|\?|是否", t):
        return
    core = re.sub(r"没错|没问题", "对", t)
    turn.reply = not _NEG_RE.search(core)
    turn.reply_hint = next((k for k, rx in _REPLY_HINTS if rx.search(t)), None)
    turn.reply_all = turn.reply and bool(_BARE_ALL.search(t.rstrip("。.!！~")) or re.search(r"条件(都|全)?齐全", t))
