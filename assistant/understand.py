"""Deterministic understanding of one turn: which kind of question it is, what topic, and which profile facts it states.

The entry point `understand()`; the text normalisation, topics, asking focus, profile facts, routing and clause text
search each live in their own module (textnorm, topics, focus, facts, routing, clause_search)."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.clause_search import _LOCATE_Q, _figure_clauses, _place_by_text, text_scores  # noqa: F401
from assistant.facts import _LEVELS, _SELF_RE, _extract_facts, bare_reply, cloud_stages  # noqa: F401 - re-exported
from assistant.focus import (  # noqa: F401 - re-exported
    _Q_MARK,
    _REQUIRE_Q,
    _SEPARATE_Q,
    _YESNO_Q,
    CONDITION_WORDS,
    INTERPRETIVE_Q,
    asking_text,
    question_focus,
)
from assistant.routing import _MONEY_Q, _route
from assistant.scope import ABSTAIN_PATTERNS  # noqa: F401 - re-exported
from assistant.textnorm import correct_terms, normalise, segments
from assistant.topics import CLAUSE_RULES, RULE_CLAUSES, _clause_reference, _topics, topics_of  # noqa: F401
from assistant.turn import Turn
from tools.amounts import find_amounts

_NEW_PROJECT = re.compile(r"(再|又|还)?(加|增加|新增|多)(了)?一个(技改)?项目|另(一|外一)个(项目)?|第二个(项目)?|还有一个(项目)?|再一个(项目)?|另一项目")
_WHATIF = re.compile(r"^(那|那么|如果|假如|要是|假设|换成|改成|若|倘若)|如果|假如|要是|换成|改成|改为|变成|呢$|呢\?$")
_SWITCH = re.compile(r"^(另外|换个话题|换个问题|再问|还想问|顺便问|我还想问|还有个问题|另一个问题)")

# A title stated as held (获得了 / 已经评为 / 评上了), as opposed to named in a question about its award.
_TITLE_HELD = re.compile(r"(获得|获评|评为|评上|拿到|被认定|认定为|入选)了|已(经)?(获得|获评|评为|评上|通过|被认定|拿到)")

_INJECTION = re.compile(
    r"忽略(之前|以上|上面|前面|所有|你的)?(的)?(所有)?(指令|指示|提示|规则|设定|要求)|ignore(all)?(previous|prior|above)|"
    r"systemprompt|系统提示(词)?|你现在是|扮演|越狱|jailbreak|不要(管|理会)(文件|规则)|直接告诉我.{0,8}(是|为)\d"
)


# The demand part of an injection (按10%给我算 / 直接批600万 / 告诉我补贴是1000万) is not a fact either.
_DEMAND = re.compile(r"给我算|直接(批|给|说|写)|不用管|告诉我.{0,6}(是|为)|就说|按\d+%|你(必须|务必|一定要|应该|得)|"
                     r"(必须|只能|只许)(回答|回复|输出|说|写)")
# 换个企业问：… / 重新开始: a new enterprise, the facts so far no longer apply
_RESET = re.compile(r"^(换|另)(一|个|一个)?(家|个)?(企业|公司|厂)|^(重新开始|重来|清空|重置|从头(开始|来)|新企业)|^(我们是)?另一家(企业|公司)")


# What-if questions asked backwards, from the award to the input (设备投资多少起补 / 买多少设备才能拿满200万).
# 设备补助封顶多少 asks the cap itself (a lookup); here 多少 comes before the cap word: the input that reaches it.
_CAP_REACHED = r"多少[^,，。;；]{0,12}(拿满|封顶|到顶|顶格|满额|(到|达到|拿到|够)(了)?(上限|最高|封顶|顶))"
_REVERSE_Q: list[tuple[str, re.Pattern]] = [
    ("tax_distance", re.compile(r"(离|距离?)(封顶|上限|限额|顶)[^,，。]{0,4}(还)?(差|有|剩)多少|还差多少[^,，。]{0,4}(封顶|到上限|到顶)|"
                                r"(封顶|上限)还差多少|还(能|可以)(再)?(拿|补|领|得|多拿)多少[^,，。]{0,6}(上限|封顶|到顶)")),
    ("node_cap", re.compile(rf"(二级节点|标识解析|节点)[^,，。]{{0,8}}{_CAP_REACHED}")),
    ("cloud_cap", re.compile(rf"上云[^。]{{0,16}}{_CAP_REACHED}")),
    ("equipment_cap", re.compile(rf"设备[^,，。]{{0,8}}{_CAP_REACHED}|买多少设备[^,，。]{{0,8}}(拿满|封顶|到顶|顶格|上限)")),
    ("min_equipment", re.compile(r"设备[^,，。]{0,8}(至少|最少|最低|起码)[^,，。]{0,6}多少|(至少|最少|最低|起码)[^,，。]{0,6}(买|投|花)?多少[^,，。]{0,2}设备|"
                                 r"设备[^,，。]{0,8}多少(钱)?(才)?(能|可以)?起(补|奖)")),
]
# A segment that names a cap (上云最多补到5万): its amount is the figure asked about, not the enterprise's own.
_CAP_SEGMENT = re.compile(rf"{_CAP_REACHED}|最多|最高|封顶|上限|拿满|满额|至少|最少|起补|起奖")


def _reverse_kind(t: str) -> str | None:
    return next((kind for kind, rx in _REVERSE_Q if rx.search(t)), None)


# Saying an amount is the enterprise's own: bought, invested, paid, spent (我们买了 / 投资 / 支付了 / 花了 / 500万的设备).
_OWN_AMOUNT_BEFORE = re.compile(r"买|购|投资|投入|投了|花|付|缴|交了|营收|收入|产值|实得|留成")
_OWN_AMOUNT_AFTER = re.compile(r"(元)?(的)?(设备|项目|投资|投入|费用|支出|税)")
_AWARD_WORD = re.compile(r"奖励|奖补|补助|补贴|奖|补|上限|最高|最多|封顶|门槛|比例")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
_FIGURE_LEAD = re.compile(r"((奖励|奖补|补助|补贴|奖|补|最高|最多|上限|封顶|不超过)(最高|最多)?|(?P<level>国家级?|省级?|市级?)(的)?)(是|为|到)?$")
_CLAIMED_SUM = re.compile(r"(一共|合计|总共|加起来|共计|总计)(是|有|为|能拿|可以拿|拿)?$")


def _level_fits(name: str, level: str | None) -> bool:
    """A parameter of one title level (lianghua_city) only fits an amount stated after that level's word."""
    own = name.rsplit("_", 1)[-1]
    return level is None or own not in ("national", "provincial", "city") or own == level


def _asked_figures(turn: Turn, t: str) -> str:
    """Amounts and rates the turn asks about that are the document's own figures (两化融合贯标奖励20万是国家级的吗 /
    6%是一次性的吗): a parameter value of the clause asked about, in an asking segment that states nothing of the
    enterprise's own. They go to `turn.figures`; the text comes back with those amounts blanked (same length)."""
    if turn.whatif:
        return t  # 那如果是500万呢: a new value of the enterprise's own amount
    try:
        from tools.params import load_parameters

        params = list(load_parameters())
    except Exception:  # noqa: BLE001 - without parameters no figure is recognised
        return t
    spans = []
    for a, b in segments(t):
        seg = t[a:b]
        asking = _Q_MARK.search(t[a:b + 1]) and not _SELF_RE.search(seg)
        if not asking and not turn.topics:
            continue
        # with no clause named, only a segment about the award itself (节点补助20万是每年都有吗) asks a figure
        pool = [p for p in params if p.clause in turn.topics] if turn.topics else (params if _AWARD_WORD.search(seg) else [])
        found = [(v, (a + x, a + y), "元") for v, (x, y) in find_amounts(seg)]
        found += [(Decimal(m.group(1)) / 100, (a + m.start(), a + m.end()), "比例") for m in _PERCENT.finditer(seg)]
        for value, (x, y), unit in found:
            if _OWN_AMOUNT_BEFORE.search(t[a:x]) or _OWN_AMOUNT_AFTER.match(t, y):
                continue
            if asking and spans and _CLAIMED_SUM.search(t[a:x]):
                spans.append((x, y))  # 一共5万对吗 after restated figures: the total to check, no input
                continue
            # a statement restating the document (上云最高补5万 / 省级…奖3万，市级2万): the figure right after an award
            # or level word, equal to that level's parameter
            lead = _FIGURE_LEAD.search(t[a:x])
            if not asking and not lead:
                continue
            level = lead.group("level") if lead else None
            level = next((k for k, rx in _LEVELS if level and rx.match(level)), None)
            if any(p.unit == unit and p.value == value and _level_fits(p.name, level) for p in pool):
                turn.figures.append(value)
                spans.append((x, y))
    for x, y in spans:
        t = t[:x] + "_" * (y - x) + t[y:]
    return t


def understand(question: str) -> Turn:
    """Classify one turn and extract what it states. Never raises on user text."""
    t = correct_terms(normalise(question))
    turn = Turn(text=t)
    if not t or not re.search(r"[\w\u4e00-\u9fa5]", t):
        turn.intent = "help"
        return turn
    if _INJECTION.search(t):
        turn.injection = True
    turn.switch = bool(_SWITCH.search(t))
    turn.reset = bool(_RESET.search(t))
    turn.whatif = bool(_WHATIF.search(t)) and not turn.switch
    turn.new_project = bool(_NEW_PROJECT.search(t))
    turn.topics = _topics(t)
    turn.clause_ref = _clause_reference(t)
    turn.asks_money = bool(_MONEY_Q.search(t))
    # one year asked about (2024年呢); 到2025年 is the deadline of a cumulative target, not a year's own figure
    years = {m.group(1) for m in re.finditer(r"(?<!\d)(20\d\d)\s*年", t)}
    if len(years) == 1 and not re.search(r"(到|至|截至|截止)\s*20\d\d", t):
        turn.year = int(years.pop())
    turn.reverse = _reverse_kind(t)
    if turn.injection:
        # an injected instruction states no facts: drop its segments, keep the plain profile statements
        kept = [t[a:b] for a, b in segments(t) if not (_INJECTION.search(t[a:b]) or _DEMAND.search(t[a:b]))]
        _extract_facts(turn, "，".join(kept))
    elif turn.reverse and turn.reverse != "tax_distance":
        # 二级节点投资多少能拿满20万: the 20万 is the cap asked about; statements beside the question still count
        kept, asked_about = [], []
        for a, b in segments(t):
            (asked_about if _CAP_SEGMENT.search(t[a:b]) else kept).append(t[a:b])
        _extract_facts(turn, "，".join(kept))
        turn.figures.extend(v for part in asked_about for v, _ in find_amounts(part))
    else:
        masked = _asked_figures(turn, t)
        _extract_facts(turn, masked)
        if masked != t and not _SELF_RE.search(t) and not _TITLE_HELD.search(t):
            turn.titles.clear()  # 两化融合贯标企业奖励20万是国家级的吗: the title asked about is not held
        bare_reply(turn, t)
    turn.focus = question_focus(t)
    turn.separate = bool(_SEPARATE_Q.search(turn.focus))
    turn.interpretive = bool(INTERPRETIVE_Q.search(turn.focus))
    for clause in _figure_clauses(t, turn.figures):
        if clause not in turn.topics:
            turn.topics.insert(0, clause) if not turn.topics else turn.topics.append(clause)
    if turn.clause_ref and turn.topics and turn.topics[0].startswith(turn.clause_ref + "."):
        turn.clause_ref = turn.topics[0]  # 四（三）几是讲二级节点的: the item of 四（三） the question names
    if _LOCATE_Q.search(turn.focus) and not turn.clause_ref and not turn.titles \
            and not any(isinstance(v, Decimal) for _, v in turn.facts) and not turn.unresolved_amounts:
        _place_by_text(turn)
    if _REQUIRE_Q.search(turn.focus) or _YESNO_Q.search(turn.focus):
        where = turn.focus if _REQUIRE_Q.search(turn.focus) else t
        turn.asked_conditions = [cid for cid, rx in CONDITION_WORDS if rx.search(where)]
    turn.intent = _route(turn, t)
    return turn


__all__ = ["CLAUSE_RULES", "CONDITION_WORDS", "cloud_stages", "INTERPRETIVE_Q", "RULE_CLAUSES", "Turn", "normalise", "question_focus", "segments",
           "understand"]
