"""Facts a turn states about the enterprise, read with one document's lexicon: conditions (negation scoped per
item), amounts placed on the fact they belong to, their roles, quantities and dates, titles and levels."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from assistant.understand.amounts import PERCENT_RE, REST_OF, ROLE_SUM, amount_role, find_money, find_quantities
from assistant.understand.focus import INTERPRETIVE_Q, Q_MARK
from assistant.understand.lexicon import Lex
from assistant.understand.scope import STACKING
from assistant.understand.text import SENTENCE_END, is_han, normalise, segment_of, segments
from assistant.understand.turn import Turn
from assistant.understand.zh import (
    A_NOT_A,
    A_NOT_A_ANY,
    AWARD,
    CHANGE_TO,
    EACH,
    IF,
    MODAL_Q,
    NEG,
    ORGAN,
    POLICY,
    PUBLISH,
    PUNCT,
    SELF,
    SPENT_ON,
    SUM_RE,
    TITLE_WON,
    WH,
    YESNO,
)
from tools.amounts import format_yuan
from tools.facts import parse_date

# --- generic Chinese machinery ----------------------------------------------------------------------

# Negators that flip a fact when they precede it within the same segment (还没竣工, 不是规上, 未入统, 没有通过验收).
NEG_RE = re.compile(NEG)
# a title stated as held (获得了 / 已经评为 / 评上了), as opposed to named in a question about its award
TITLE_HELD = re.compile(rf"{TITLE_WON}了|(已(经)?|刚(刚)?)(?:{TITLE_WON}|通过)|获评|评为|评上|入选|通过了")
# A fact planned or expected (预计明年竣工, 准备验收) does not hold yet.
_FUTURE_RE = re.compile(r"预计|计划|即将|准备|打算|争取|有望|明年|下个?月|下半年|(?<!已)将(?!近)|还要|等到")
# A negation after the fact word, ending its segment: 产业政策不符 / 验收还没做 / 统计库还没进.
_POST_NEG_RE = re.compile(r"(了)?(的)?(到现在|至今|现在|目前|暂时)?(还|也|都|仍|尚|却|目前)?(不符(合)?|不满足|不达标|不对|不够|不行|不好|不良|"
                          r"没(有)?(通过|过|完成|办|做|弄|下来|进|入|批|达到|到位|列)?(进去|进|入)?|"
                          # 验收还没组织: after 还/也/尚, any verb not yet done (竣工了没入统: 没 starts the next fact)
                          r"(?<=[还也都仍尚])没(有)?(?!问题|错|毛病|事)[\u4e00-\u9fa5]{1,2}|"
                          r"未(通过|完成|办理|做|列入)?)(了)?(的)?")
# A segment that asks about a requirement states no fact (需要竣工吗 / 是否要列入统计库).
_ASKING_RE = re.compile(rf"上限|多少|最高|比例|需要|要求|必须|{MODAL_Q}|{A_NOT_A}|条件|标准|认定|什么是|是指|定义|哪些|什么|啥")
SELF_RE = re.compile(SELF)
_NOT_THIS_AMOUNT = re.compile(r"(不是|并非|而不是|而非|不是说)$")
_RETRACTED = re.compile(r"^(元)?[,，。]?(不对|错了|说错了|写错了|搞错了|更正一下|更正)")
# 再多买300万 / 追加投资200万: an increase of the amount talked about, not its new value
_DELTA_BEFORE = re.compile(r"(再|又|多|追加|增加|新增|另加|加|(?P<less>少|减少|减|扣除|去掉))(多|少)?(买|购买|购置|采购|投|投资|投入|花)?(了)?(设备)?$")
# a weak money word names no fact of its own (投资 / 花了): the question's topic decides
_WEAK_WORDS = re.compile(r"投资额|投资|投入|花了|花费|支付|付了|实付|费用|买了|购买了?|购置了?|采购了?")
# the enterprise's other figures (revenue, capital, output, loans): never an award input unless a pack names them
_OTHER_FIGURES = re.compile(r"(年)?(营收|营业收入|营业额|主营(业务)?收入|销售(额|收入)|收入|产值|总产值|注册资本|注册资金|实收资本|"
                            r"资产|总资产|净资产|利润|净利润?|工资|薪酬|产量|融资|授信|租金|市值|估值|出口额|进口额|订单|合同额|"
                            r"其他|其它|其余|剩下|剩余|余下|税收|纳税额|缴税|税款)")  # 其中厂房1200万 设备1200万 其他600万: the remainder of a breakdown
_COUNT_WORD = {"两": 2, "俩": 2, "二": 2, "2": 2, "三": 3, "3": 3, "四": 4, "4": 4, "五": 5, "5": 5, "六": 6, "6": 6,
               "七": 7, "7": 7, "八": 8, "8": 8, "九": 9, "9": 9, "十": 10, "10": 10}
_ITEM_COUNT = re.compile(r"(两|俩|二|三|四|五|六|七|八|九|十|[2-9]|10)(个|项|笔|家|期)(?P<what>[\u4e00-\u9fa5]{0,8}?)(项目|阶段|贷款|车间|产品|工程)?")
_EACH = re.compile(r"每个|每一个|每项|每笔|各(个)?(项目|阶段)?|各(自)?(都)?(买|投|花|采购|购置|是|付|支付|交)|均|分别$")
_HYPOTHETICAL_BEFORE = re.compile(rf"(?:{IF}|若|等|那)[^,，]{{0,4}}$")
_HYPOTHETICAL_AFTER = re.compile(r"(了)?(之后|以后|后)")
_REQUIREMENT_Q = re.compile(rf"需要|要求|必须|是否|{A_NOT_A}|条件|才(能|可以)")
# (除了符合国家产业政策 还得符合啥: a requirement named beside the one asked, not a fact stated)
_FACT_Q_BEFORE = re.compile(rf"(?:{MODAL_Q}|{A_NOT_A}|有无|除了)(已经|已|都|也)?$")
# what follows a fact that asks it: a yes-no word (竣工了吗 / 入统的企业吗), or a wh-word right after (建成啥 / 竣工什么时候算)
_FACT_Q_AFTER = re.compile(rf"(了)?(的)?(?P<whose>企业|项目)?(了)?(?:(?P<yesno>吗|么|与否)|(?P<wh>{WH}))?")
# list items: 一个…，另一个… / 第一个…第二个… / 项目一…项目二…
_ITEM_MARK = re.compile(r"(?:(?P<other>另(外)?(一|1)[个笔]|另一(个|项|笔)?|还有一[个笔])|第(?P<n>[一二三四五六七八九十\d]+)[个笔]|"
                        r"(?<![第另每同])一[个笔]|其中一[个笔]|"
                        # A项目…B项目… / 甲项目 / 项目二 / 2号线: items named by a label
                        r"(?<![a-z\d])(?P<label>[a-h甲乙丙丁戊])(?=项目|工程|生产线|车间)|项目(?P<n2>[一二三四五六七八九十])(?![万千亿元])|"
                        r"(?P<n3>[一二三四五六七八九十\d])号(?=项目|线|生产线|车间))"
                        r"(?![个项笔]?(扶持|支持)?(企业|公司|厂|单位|问题|政策|办法|文件))")
# a level word, its level the group's name (not 省下来的能耗 / 省了钱 / 市场)
_LEVEL = re.compile(r"(?P<national>国家(级)?(?!产业|统计|政策)|国字号)|(?P<provincial>(?<![节反])省(级)?(?![钱去掉下了]))"
                    r"|(?P<city>(?<![城都超门])市(级)?(?![场财政工信委直民区]))")
# a title already rewarded earlier (2023年获评市级数字化车间，已获20万元 / 之前拿过市级的奖励)
# an amount said to be inside another one (这1,200万里有150万 / 其中有): a part of that figure
_PART_OF = re.compile(r"(\d[\d,.]*|[零一二两三四五六七八九十百千]+)(万|亿)?(元)?(里|中|里面|当中|之中)(有|包括|含)?$")
# the year an amount is said for: this year's (今年) or another's (去年 / 前年 / 上一年度)
_YEAR_WORD = re.compile(r"今年|当年|本年|去年|前年|上(一)?年(度)?")
_RECEIVED = re.compile(r"(已经|已|当时|之前|那时|曾)?(拿了|拿到了?|领了|领到了?|获得了|得了|奖了|获奖|奖励了|给了|补了)$|已(经)?获(得)?$")
_UPGRADE = re.compile(rf"又(被)?(评|获|认定|拿)|再次(评|获|认定)|升(级)?(为|成|到)|升级(?:{TITLE_WON})|晋升|升格")
_WON_BEFORE = r"(评|获)(上|得|评)?过"  # 评上过 / 获得过: a title held earlier
_PRIOR = re.compile(r"(已(经)?(获|拿|领)(到|了|过)?|(拿|领|获得)(了|到了?))(奖励|奖金|补助|\d)|之前|此前|以前|早先|先前|去年|前年|曾(经)?|"
                    + _WON_BEFORE)
# a title-like name (a level and a kind of recognition) for documents that list their titles by name
_TITLE_LIKE = re.compile(r"(国家级?|省级?|([\u4e00-\u9fa5]{2,3}?)?市级?|国字号)[\u4e00-\u9fa5]{0,8}?(示范工厂|智能工厂|数字化车间|示范企业|标杆企业|"
                         r"示范车间|灯塔工厂|绿色工厂|车间|工厂)")
# titles held, said after them (…示范企业 我们都评上了 / 都拿到了)
_SOME = r"(?:这|[两三四五六七八九十几\d]+[个项])"  # 这 / 三个 / 六项: the titles just named, counted
_TITLE_HELD_AFTER = re.compile(rf"(?:{SELF})?{_SOME}?(?:(都|也|均)?(已经|已)?(?:{TITLE_WON})|(都|也|均|全)(有|是|具备))")
_TITLE_STATED = re.compile(rf"{TITLE_WON}|是|评了|评定为|通过|列为|拿了|有|当选|升(级)?(为|成|到)|晋升")
_LEVEL_Q_MONEY = re.compile(r"(奖|补|给|拿|奖励(是)?)多少|多少钱|能拿|能补|有(奖励|奖金|钱)吗|能得|能获得|可以拿")
_HELD_BACK = re.compile(rf"{SELF}(这)?{_SOME}?(都|也|均|全)?(已经|已)?"
                        r"(有|拿到|拿了|获得|评上|是|具备)(了)?")
# a figure named after an award word or a level (…奖20万 / ，市级2万), the figure blanked: the document's own
_FIGURE_AFTER = re.compile(rf"(?:(?P<level>国家级?|省级?|市级?)(的)?)?(?:{AWARD}|奖励|奖|补)?(是|为)?_+(元)?")
# 22年12月 / 25年开工: a two-digit year is this century's; 10年以上 / 3年内 count years, they date nothing
DATE_IN_TEXT = re.compile(r"(?<![\d.])(20\d\d|[12]\d(?=\s*年(?![以之内来多后前间了半度])))\s*年"
                           r"(?:\s*(\d{1,2})\s*月(?:份)?(?:\s*(\d{1,2})\s*[日号])?)?")


def negated(t: str, seg: tuple[int, int], start: int) -> bool:
    """A negator in the few characters before `start` (same segment) flips the fact."""
    window = t[max(seg[0], start - 4):start]
    return bool(NEG_RE.search(window))


def _sentence_start(t: str, pos: int) -> int:
    last = 0
    for m in SENTENCE_END.finditer(t, 0, pos):
        last = m.end()
    return last


def _asked_fact(t: str, seg: tuple[int, int], m: re.Match) -> bool:
    after, before = t[m.end():seg[1]], t[seg[0]:m.start()]
    # an A-not-A split around the fact's start (入没入库 / 入没入国家统计库 / 符不符合 / 达没达到) asks it
    split_a_not_a = bool(A_NOT_A_ANY.search(t[max(seg[0], m.start() - 6):m.start() + 2]))
    q = _FACT_Q_AFTER.match(after)  # every part optional: it always matches
    return bool(split_a_not_a or _FACT_Q_BEFORE.search(before) or q.group("yesno")
                or after in ("没", "没有", "了没", "了没有")
                or A_NOT_A_ANY.match(after.removeprefix("的")) and len(after) <= 5  # 合同能源管理支不支持 / …的算不算
                or (t[seg[1]:seg[1] + 1] == "?" and q.end() == len(after) and not q.group("wh")))


def _supposed(t: str, seg: tuple[int, int], m: re.Match) -> bool:
    return bool(_HYPOTHETICAL_BEFORE.search(t[seg[0]:m.start()]) or _HYPOTHETICAL_AFTER.match(t, m.end()))


def key(fact: str) -> tuple:
    """A fact id as the Turn keys it: ("equipment",), ("cloud", "platform")."""
    return tuple(fact.split("."))


# --- list items ------------------------------------------------------------------------------------

# an item named by its amount: a reference back (900万那个没列进统计库 / 1700万那个还在调试), or named while stated
# (2,500万的是2023年2月开工), group "named"
_AMOUNT_REF = re.compile(r"(?P<named>的(是|项目))|(的)?那(个|笔|项)")  # matched at the amount's end


@lru_cache(maxsize=64)
def _money_spans(t: str) -> tuple:
    """The text's amounts with their spans, found once per text: item_index asks for every fact it places."""
    return tuple(find_money(t)[0])


def _ref_index(t: str, pos: int, found) -> int | None:
    """The item a reference before `pos` in its segment names: the item of the same amount's first mention."""
    seg = segment_of(segments(t), pos)
    for amount, (a, b) in found:
        if seg[0] <= a < pos and (m := _AMOUNT_REF.match(t, b)) and not m.group("named"):
            first = next((x for v, (x, _) in found if v == amount and x < a), None)
            return item_index(t, first) if first is not None else None
    return None


def item_index(t: str, pos: int) -> int | None:
    """Which listed item a position is about (一个已竣工，另一个还没竣工 → 0 / 1), or None when no item is marked. An
    item named by its amount (900万那个没列进) is the one that amount was stated for."""
    money = _money_spans(t) if "那" in t or "的" in t else ()
    if money and (ref := _ref_index(t, pos, money)) is not None:
        return ref
    if money and not _ITEM_MARK.search(t):
        # 2,500万的是2023年2月开工 1,100万的是2022年10月开工: each item named by its amount, which marks it as
        # 一个… / 另一个… do, its facts after it
        named = [a for v, (a, b) in money if (m := _AMOUNT_REF.match(t, b))
                 and (m.group("named") or t[b] == "的" or not any(w == v and x < a for w, (x, _) in money))]
        if len(named) > 1 and pos >= named[0]:
            return max(i for i, a in enumerate(named) if a <= pos)
    idx, found = None, False
    count = 0
    for m in _ITEM_MARK.finditer(t, 0, pos + 1):
        if m.start() > pos:
            break
        found = True
        if m.group("label"):
            idx = "abcdefgh甲乙丙丁戊".index(m.group("label")) % 8
        elif n := m.group("n") or m.group("n2") or m.group("n3"):
            from corpus.model import cn_to_int

            try:
                idx = cn_to_int(n) - 1
            except ValueError:
                idx = count
        elif m.group("other"):
            idx = (idx or 0) + 1
        else:
            idx = 0 if idx is None else idx + 1  # 一个2500万 一个900万: each 一个 opens the next item
        count += 1
    return idx if found else None


# --- conditions ------------------------------------------------------------------------------------

def _reduced_part(t: str, pos: int, lex: Lex) -> tuple[str, tuple[int, int]] | None:
    """A part of a figure said to be counted elsewhere (其中有40万…已经算进智改项目里了): the amount fact it leaves
    and the part's span, when the sentence around `pos` has 其中, an amount after it and a statement that reduces."""
    lo = _sentence_start(t, pos)
    end = SENTENCE_END.search(t, pos)
    hi = end.start() if end else len(t)
    part = t.find("其中", lo, hi)
    if part < 0:
        return None
    money = [sp for _, sp in _money_spans(t) if part < sp[0] < hi]
    said = next((spec.reduces for _, rx, value, spec in lex.statements if spec.reduces and value and rx.search(t, part, hi)), None)
    return (said, money[0]) if said and money else None


def _statements(turn: Turn, t: str, segs, lex: Lex) -> None:
    for fact, rx, value, spec in lex.statements:
        for m in rx.finditer(t):
            if spec.reduces and _reduced_part(t, m.start(), lex):
                continue  # said of a part: the part leaves the figure (below), the rest is not counted elsewhere
            seg = segment_of(segs, m.start())
            seg_text = t[seg[0]:seg[1]]
            # 发改认定不符合产业政策: a finding word right before the fact states the fact found
            found = re.sub(r"(认定|核定|确认)(为|了)?(?=(不|未|没有)?$)", "", t[seg[0]:m.start()]) + t[m.start():seg[1]]
            if _ASKING_RE.search(_FINDING.sub("", found)) and not SELF_RE.search(seg_text) \
                    and not (_supposed(t, seg, m) and not _REQUIREMENT_Q.search(seg_text)):
                continue  # 需要竣工吗 asks; 那入统之后能拿多少 supposes the fact
            if _asked_fact(t, seg, m) or (w := _FACT_Q_AFTER.match(t, m.end())).group("wh") and not w.group("whose"):
                continue  # 符合产业政策吗？我们是做光伏组件的 / 最后要建成啥: it asks, it does not state
            amb = spec.ambiguous
            if amb is not None and m.group(0) == amb.word and (
                    (amb.unless and re.search(amb.unless, seg_text))
                    or (amb.unless_question and Q_MARK.search(t[seg[0]:seg[1] + 1]))
                    or (amb.requires and not re.search(amb.requires, t))):
                continue  # 入库 of the project library (能入库吗) is not the statistics library
            neg = negated(t, seg, m.start()) or bool(_POST_NEG_RE.fullmatch(t[m.end():seg[1]]))
            if value and _FUTURE_RE.search(t[max(seg[0], m.start() - 8):m.start()]):
                neg = True  # 预计明年竣工: not yet
            v = value if not neg else not value
            ctx = spec.context
            if ctx is not None and not re.search(ctx.needs, t) and not ctx.otherwise:
                continue  # 第一次获评数字化车间: the fact needs its context, which the question lacks
            if ctx is not None and not re.search(ctx.needs, t) and ctx.otherwise and ctx.otherwise_when \
                    and re.search(ctx.otherwise_when, t):
                if v:  # 项目验收完了: the project is completed; not accepted yet leaves it open
                    turn.facts.append((key(ctx.otherwise), True))
                continue
            turn.facts.append((key(fact), v))
            idx = item_index(t, m.start())
            if idx is not None:
                turn.item_facts.append((idx, key(fact), v))


# 其余是封边机和MES / 剩下的都是智能装备: the rest of a total, named and not counted
def _remainder_named(t: str, pos: int) -> bool:
    """A rest of the total after `pos` said by what it is, with no figure of its own in its clause."""
    for m in REST_OF.finditer(t, pos):
        clause = t[m.end():]
        clause = clause[:next((i for i, ch in enumerate(clause) if ch in ",，。;；"), len(clause))]
        if not any(ch.isdigit() for ch in clause):
            return True
    return False
# 发改局认定这个项目不符合…: a body's finding about the enterprise, stated, not a question about 认定
_FINDING = re.compile(rf"{ORGAN}(已经|已)?(认定|核定|确认)")
_RULE_AFTER = re.compile(rf"[^,，。;；]{{0,8}}?(?:{POLICY}|{PUBLISH})")
_DONE_AFTER = ("了", "过了", "完了", "好了")


def _condition_words(turn: Turn, t: str, segs, lex: Lex) -> None:
    """A condition named by its own word with an aspect, in any order (二级节点已经接入了 / 还没验收), when no
    statement of the pack says it: 已… / …了 holds, a negator before it does not. The word's sense is read from
    the condition's label, which must contain it: 未发生重大事故 turns 没出过事故 into the condition met."""
    stated = {k for k, _ in turn.facts}
    for cid, rx in lex.conditions:
        fact = key(lex.fact_of(cid))
        if fact in stated or any(key(f) == fact and spec.context is not None and not re.search(spec.context.needs, t)
                                 for f, _, _, spec in lex.statements):
            continue  # stated already, or a word whose meaning needs a context the turn lacks (项目验收完了)
        spec = lex.inputs.get(lex.path(lex.fact_of(cid)))
        label = normalise(spec.label if spec is not None else "")
        for m in rx.finditer(t):
            seg = segment_of(segs, m.start())
            at = label.find(m.group(0))
            if at < 0 or Q_MARK.search(t[seg[0]:seg[1] + 1]) or any(not v and srx.search(m.group(0)) for _, srx, v, _ in lex.statements):
                continue  # a question, or the word of a negative statement (规下)
            rest = t[m.end():seg[1]]
            said = label[at + len(m.group(0)):]
            k = next((i for i, (a, b) in enumerate(zip(rest, said, strict=False)) if a != b), min(len(rest), len(said)))
            if negated(t, seg, m.start()) or _POST_NEG_RE.fullmatch(rest) or _POST_NEG_RE.fullmatch(rest[k:]):
                # 信用记录不好 against 信用记录良好: the label's own words, then the negation
                value = False
            elif t[max(seg[0], m.start() - 2):m.start()].endswith(("已", "已经")) or t.startswith(_DONE_AFTER, m.end()) \
                    or "过" in t[max(seg[0], m.start() - 10):m.start()]:  # 出过一起重大事故: it happened
                # (没享受过其他财政贴息: the negator before the verb of 过 governs it)
                value = not NEG_RE.search(t[max(seg[0], m.start() - 10):m.start()])
            else:
                continue
            value ^= bool(NEG_RE.search(label[:at]))
            turn.facts.append((fact, value))
            idx = item_index(t, m.start())
            if idx is not None:
                turn.item_facts.append((idx, fact, value))
            break


def _recognitions(turn: Turn, t: str, segs, lex: Lex) -> None:
    for fact, rx in lex.recognitions:
        sm = rx.search(t)
        if not sm:
            continue
        seg = segment_of(segs, sm.start())
        seg_text = t[seg[0]:seg[1]]
        # 智能制造示范企业的配套是怎么算的: a bare 是 in a question states nothing
        stated = (re.search(TITLE_WON, seg_text)
                  or ("是" in seg_text and (SELF_RE.search(t) or not Q_MARK.search(t[seg[0]:seg[1] + 1])))) \
            and (not _ASKING_RE.search(seg_text) or SELF_RE.search(t))
        if stated:
            turn.facts.append((key(fact), not NEG_RE.search(t[max(seg[0], sm.start() - 6):sm.start()])))


# --- amounts ---------------------------------------------------------------------------------------

def concepts(t: str, lo: int, hi: int, lex: Lex) -> list[tuple[int, int, str]]:
    """Money-concept words in t[lo:hi] as (start, end, fact); one inside a longer one is dropped. Weak words are
    fact "~weak", the enterprise's other figures "~other"."""
    found = [(m.start(), m.end(), fact) for fact, rx, _ in lex.amounts for m in rx.finditer(t, lo, hi) if m.end() > m.start()]
    found += [(m.start(), m.end(), "~weak") for m in _WEAK_WORDS.finditer(t, lo, hi)]
    found += [(m.start(), m.end(), "~other") for m in _OTHER_FIGURES.finditer(t, lo, hi)]
    return [f for f in found if not any(o is not f and o[0] <= f[0] and f[1] <= o[1] and o[1] - o[0] > f[1] - f[0]
                                        for o in found)]


def _cautions(lex: Lex, fact: str) -> bool:
    """A fact the pack names only to warn that the figure is probably another one (缴税总额 for 实得部分)."""
    spec = _spec_of(lex, fact)
    return bool(spec is not None and spec.problem and not spec.never_input)


def _heads_parts(t: str, c: tuple[int, int, str], lex: Lex) -> bool:
    """Whether concept `c` is a heading over the parts named after it: no figure of its own in its clause, or its
    figure named by a caution word right after the heading (地方财政实得增值税17.3万)."""
    end = segment_of(segments(t), c[0])[1]
    money = find_money(t[c[1]:end])[0]
    if not money:
        return True
    first = c[1] + money[0][1][0]
    return any(_cautions(lex, f) for _, _, f in concepts(t, c[1], first, lex))


# work done on the premises (改造 / 装修 / 施工), said of an amount in a clause naming no input of its own
_WORK_DONE = re.compile(r"改造|装修|装饰|施工|修缮|翻新|土建|基建|厂房|钢结构|加层|扩建|新建")


def _slot_for(t: str, seg: tuple[int, int], span: tuple[int, int], lex: Lex) -> str | None:
    """The fact a money amount belongs to: the nearest concept word before it in its segment, else after it,
    else the nearest one earlier in the same sentence. A weak word counts only when no concept word is found."""
    cands = []  # (weak, after, distance, -length, fact)
    for start, end, fact in concepts(t, seg[0], seg[1], lex):
        weak = fact == "~weak"
        if end <= span[0]:
            cands.append((weak, 0, span[0] - end, -(end - start), fact))
        elif start >= span[1]:
            cands.append((weak, 1, start - span[1], -(end - start), fact))
    best = min(cands, key=lambda c: c[:4]) if cands else None
    if best is not None and not best[0] and best[1] == 0 and _cautions(lex, best[-1]):
        # 地方财政实得税收增值税加所得税60万: a caution word (缴税总额?) qualified by an earlier word naming the fact
        firm = [c for c in cands if c[1] == 0 and not c[0] and not c[-1].startswith("~") and not _cautions(lex, c[-1])]
        if not firm:
            # 地方财政实得部分 增值税52万 企业所得税31万: a heading with no figure of its own names the parts after it
            # (地方财政实得增值税17.3万 企业所得税9.2万: a heading whose own figure is a part so named heads the next)
            heads = [c for c in concepts(t, _sentence_start(t, seg[0]), seg[0], lex)
                     if not c[2].startswith("~") and not _cautions(lex, c[2])
                     and _heads_parts(t, c, lex)]
            firm = [(False, 0, span[0] - c[1], 0, c[2]) for c in sorted(heads, key=lambda c: c[1])[-1:]]
        best = min(firm, key=lambda c: c[2]) if firm else best
    named_after = [c for c in cands if c[1] == 1 and not c[0] and c[-1] != "~other"
                   and re.match(SPENT_ON, t[span[1]:span[1] + 3])]
    described_before = best is not None and best[1] == 0 and bool(find_money(t[span[0] - best[2]:span[0]])[0])
    if best is not None and named_after and (best[-1] == "~other" or described_before):
        # 剩下1350万是设备 / 其中40万是订阅的云服务 另外15万是买断的CAD软件: what the amount is said to be, not the
        # word describing the figure before it
        return min(named_after, key=lambda c: c[2])[-1]
    if best is not None and not best[0]:
        if best[1] == 0 and "其中" in t[span[0] - best[2]:span[0]]:
            return "~other"  # 总投资3000万 其中厂房1200万: a part of the total named before 其中, not another total
        return best[-1]
    earlier = [c for c in concepts(t, _sentence_start(t, seg[0]), seg[0], lex) if c[2] not in ("~weak",)]
    if earlier and _WORK_DONE.search(t, seg[0], span[0]):
        return "~other"  # 设备买了500万 另外车间地坪改造花了60万: work paid for in its own clause, not another purchase
    if earlier:
        last = max(earlier, key=lambda c: (c[1], c[1] - c[0]))
        firm = [c for c in earlier if not c[2].startswith("~") and not _cautions(lex, c[2])]
        if _cautions(lex, last[2]) and firm and ROLE_SUM.fullmatch(t[seg[0]:span[0]]):
            last = max(firm, key=lambda c: (c[1], c[1] - c[0]))  # 地方财政实得增值税加企业所得税 一共110万
        return "~other" if "其中" in t[last[1]:span[0]] else last[2]
    return best[-1] if best else None


_LIST_SEP = re.compile(r"^[、,，和及与跟]|^以及$")


def _listed_before(t: str, span: tuple[int, int], lex: Lex) -> list[str]:
    """Facts enumerated just before an amount said to be each's (A、B、C…各付了1万)."""
    start = _sentence_start(t, span[0])
    found = sorted(c for c in concepts(t, start, span[0], lex) if not c[2].startswith("~"))
    if len(found) < 2:
        return []
    run = [found[-1]]
    for prev in reversed(found[:-1]):
        gap = t[prev[1]:run[0][0]]
        if len(gap) <= 2 and (not gap or _LIST_SEP.match(gap)):
            run.insert(0, prev)
        else:
            break
    tail = t[run[-1][1]:span[0]]
    if len(run) < 2 or not re.search(EACH, tail) or len(tail) > 12:
        return []
    facts = list(dict.fromkeys(c[2] for c in run))
    heads = {lex.path(f).split(".")[0] for f in facts}
    return facts if len(facts) >= 2 and len(heads) == 1 else []


def _spec_of(lex: Lex, fact: str):
    return next((s for f, _, s in lex.amounts if f == fact), None)


def _kinds_named(turn: Turn, t: str, segs, lex: Lex) -> None:
    """A group's kinds the turn names with no amount of their own (设备资源上云那一档按多少补 / 是平台系统上云 不是业务应用)."""
    kinds = {k for _, _, spec in lex.amounts for k in spec.kinds}
    given = {s[0] if len(s) == 1 else ".".join(s) for s, _ in turn.facts}
    for fact, rx, _ in lex.amounts:
        if fact not in kinds or fact in given:
            continue
        for m in rx.finditer(t):
            turn.kinds_named.append((fact, negated(t, segment_of(segs, m.start()), m.start())))
            break


def _kind_of(t: str, span: tuple[int, int], spec, lex: Lex) -> str | None:
    """A group amount (上云花了5万) belongs to the kind named last before it, else later in the sentence."""
    kinds = set(spec.kinds)
    best = None
    for fact, rx, _ in lex.amounts:
        if fact not in kinds:
            continue
        for m in rx.finditer(t, 0, span[0]):
            if best is None or m.end() > best[0]:
                best = (m.end(), fact)
    if best:
        return best[1]
    end = next((m.start() for m in SENTENCE_END.finditer(t, span[1])), len(t))
    return next((c[2] for c in concepts(t, span[1], end, lex) if c[2] in kinds), None)


def _list_count(t: str) -> tuple[int, str] | None:
    m = _ITEM_COUNT.search(t)
    if not m:
        return None
    return _COUNT_WORD.get(m.group(1), 1), m.group(0)


def _counted_fact(t: str, lex: Lex) -> tuple[str, str] | None:
    """The counter and the money fact of the items a count names (两笔技改贷款 → 笔, the loan's amount)."""
    m = _ITEM_COUNT.search(t)
    if m is None:
        return None
    end = segment_of(segments(t), m.start())[1]  # the counted noun follows the count in its clause
    facts = [f for _, _, f in concepts(t, m.start(), end, lex) if not f.startswith("~") and any(f == a for a, _, _ in lex.amounts)]
    return (m.group(2), facts[0]) if facts else None


# a figure agreed (合同一年36万 / 报价) beside what was actually paid (今年实际只付了26.4万)
_AGREED_OR_PAID = re.compile(r"(?P<agreed>合同|协议|报价|签了|签的|总价|预算)|(?P<paid>实际|实付|真正|只付|付了)")


def _agreed_beside_paid(turn: Turn, own_said: list) -> None:
    """合同一年36万 今年实际只付了26.4万: for one fact, the figure agreed is not counted beside the one paid."""
    for slot in {s_ for s_, _, _ in own_said}:
        said = [(a, w) for s_, a, w in own_said if s_ == slot]
        how = [(a, {m.lastgroup for m in _AGREED_OR_PAID.finditer(w)}) for a, w in said]
        paid = [a for a, k in how if k == {"paid"}]
        agreed = [a for a, k in how if k == {"agreed"}]
        if not paid or not agreed:
            continue
        for a in agreed:
            turn.facts.remove((slot, a))
            turn.figures.append(a)


def _thing_named(clause: str) -> str | None:
    """A thing bought, named alone before its amount (数控加工中心 / agv小车), or None."""
    return clause if 2 <= len(clause) <= 10 and all(is_han(c) or c.isascii() and c.isalpha() for c in clause) \
        and any(map(is_han, clause)) and not (Q_MARK.search(clause) or A_NOT_A_ANY.search(clause)
                                              or NEG_RE.search(clause) or _WEAK_WORDS.search(clause)) else None


def _things_in_the_list(turn: Turn, things: list, words: dict, unresolved: list) -> None:
    """五轴加工中心340万 agv小车110万 买断的仓储软件45万 系统集成服务30万: things no word places, listed beside
    parts of one field's figure, are parts of it too (each a noun: 等下 560万里 names nothing)."""
    if not things or len(words) != 1 or len(things) != len(unresolved):
        return
    from assistant.understand.clause_search import is_noun

    if not all(is_noun(thing) for _, thing in things):
        return
    slot, named = next(iter(words.items()))
    if not named or None in named or any(isinstance(v, Decimal) and s_ != slot for s_, v in turn.facts):
        return
    for amount, thing in things:
        turn.facts.append((slot, amount))
        named.append(thing)
    unresolved.clear()


def _parts_of_one_item(turn: Turn, t: str, words: dict, count) -> None:
    """Amounts of one item field, each named by a different word (智能装备860万 软件140万), with nothing saying there
    are several items, are the parts of one item's figure: their sum (several items say 两个 / 一个…另一个)."""
    for slot, named in words.items():
        amounts = [v for s_, v in turn.facts if s_ == slot]
        if (len(amounts) < 2 or len(named) != len(amounts) or None in named or len(set(named)) < len(named)
                or (count and count[0] > 1) or turn.new_project or any(s_ == slot for _, s_, _ in turn.item_facts)):
            continue
        turn.facts = [(s_, v) for s_, v in turn.facts if s_ != slot] + [(slot, sum(amounts))]


def _specific(slot: str, t: str, own_words: tuple[int, int], lex: Lex) -> bool:
    """The amount's own words name its fact by a phrase of four characters or more (买断了一套设计软件), not by a
    word every rule's figures share (总投资)."""
    return any(f == slot and (m := rx.search(t, *own_words)) and len(m.group(0)) >= 4 for f, rx, _ in lex.amounts)


def _products(found: list[tuple[Decimal, tuple[int, int]]], t: str, restated: list[Decimal]) -> list[tuple[Decimal, int]]:
    """Each amount times each rate the text states (to the fen), with where the amount stands; `restated` holds the
    document's own rates the question repeats (按15%算), already taken out of the text."""
    rates = [Decimal(m.group(1)) / 100 for m in PERCENT_RE.finditer(t) if m.group(2) == "%"]
    rates += [r for r in restated if 0 < r < 1]
    return [((a * r).quantize(Decimal("0.01")), span[0]) for a, span in found for r in rates]


def _amount_facts(turn: Turn, t: str, segs, lex: Lex) -> None:
    found, problems, bare, turn.approx = find_money(t)
    turn.problems.extend(problems)
    count = _list_count(t)
    counted = _counted_fact(t, lex)
    unresolved: list[Decimal] = []
    years: list[tuple[Decimal, bool | None]] = []  # unresolved amounts and whether a year word makes them this year's
    words: dict[tuple, list[str | None]] = {}  # list field → the word each of its amounts was named by
    things: list[tuple[Decimal, str]] = []  # amounts no word places, each said after a thing bought (五轴加工中心)
    own_said: list[tuple[tuple, Decimal, str]] = []  # each placed amount with its own words
    excluded_any = lex.excluded_words(None)  # what any rule's base excludes (土建、厂房)
    prev_end = 0
    products = _products(found, t, turn.figures)
    for amount, span in found:
        if (m := _AMOUNT_REF.match(t, span[1])) and not m.group("named"):
            if any(v == amount and x < span[0] for v, (x, _) in found):
                continue  # 900万那个没列进: an item this turn already stated
            # 1700万那个还在调试: an item of an earlier turn, or one named so for the first time (1900万那个已竣工)
            turn.item_refs.append(amount)
        seg = segment_of(segs, span[0])
        # what this amount's own words are: since the last one; past the words said of the last one after 是
        # (40万是按年订阅的云服务，另外15万是买断的CAD软件)
        described = t[prev_end:prev_end + 1] in ("是", "为")
        own_words, prev_end = (max(prev_end, seg[0]) if described else prev_end, span[0]), span[1]
        seg_text = t[seg[0]:seg[1]]
        role = amount_role(t, seg, span, lex.edges, amount)
        if role == "own" and amount in lex.pools and not _ITEM_MARK.search(t, *own_words) \
                and not any(not f.startswith("~") for _, _, f in concepts(t, *own_words, lex)):
            role = "budget"  # 3000万不够分: the document's own budget, by its figure, with no input word or item of its own
        if role == "own" and any(p == amount and at < span[0] for p, at in products):
            role = "derived"  # 软硬件640万 … 全部按8%算 51.2万: the user's own arithmetic on a figure stated before
        if role in ("threshold", "budget", "derived") and not (role == "threshold" and SELF_RE.search(seg_text)
                                                    and not Q_MARK.search(t[seg[0]:seg[1] + 1])):
            turn.figures.append(amount)
            continue  # 就差一点到500万 / 补助资金总额500万: a figure the user mentions, not the enterprise's own
        if role == "claim":
            turn.claimed.append(amount)
            turn.figures.append(amount)
            continue  # 能补60万吗: the award asked about
        if (re.search(r"门槛|含不含|包不包括|及以上|以上的|才(能|可以)|是否|算不算|(含|包括|包含)[^,，。]{0,8}(吗|\?)",
                      seg_text + t[seg[1]:seg[1] + 1])
                or INTERPRETIVE_Q.search(seg_text) and Q_MARK.search(t[seg[0]:seg[1] + 1])
                and not _LEVEL_Q_MONEY.search(seg_text)) and not SELF_RE.search(seg_text):
            turn.figures.append(amount)
            continue  # 达500万元及以上才能拿吗 / 500万补助总额是什么意思: a figure asked about
        if _NOT_THIS_AMOUNT.search(t[max(seg[0], span[0] - 4):span[0]]):
            continue  # 设备是800万不是1200万: the amount denied is not a fact
        if _RETRACTED.match(t[span[1]:span[1] + 8]):
            continue  # 买设备花了1500万 不对，是800万: the amount taken back is not a fact
        if span in bare and not concepts(t, seg[0], seg[1], lex):
            continue  # a unit-less number with no money word beside it is not an amount
        listed = _listed_before(t, span, lex)
        if listed:
            turn.facts.extend((key(f), amount) for f in listed)  # 五个阶段各付了1万: one amount for each listed
            continue
        if any(a.whatif and re.search(rf"({a.whatif})[^,，。\d]{{0,4}}(?:{IF}|{CHANGE_TO}|若)(是|为|成)?$",
                                      t[seg[0]:span[0]]) for _, _, a in lex.amounts):
            turn.tax_whatif.append(amount)  # 税收如果是100万呢: the session replaces the figure it holds
            continue
        outside = lex.excluded_words(None)
        if _PART_OF.search(t, seg[0], span[0]) and (outside is not None and outside.search(t, span[1], seg[1])
                                                   or NEG_RE.search(t[span[1]:seg[1]] + t[seg[1]:seg[1] + 6])):
            turn.deltas.append((None, -amount))
            turn.figures.append(amount)
            continue  # 这1,200万里有150万是厂房建设: a part the base excludes, taken out of the figure said
        reduced = _reduced_part(t, span[0], lex)
        if reduced is not None and reduced[1] == span:
            turn.deltas.append((key(lex.fact_of(reduced[0])), -amount))
            turn.figures.append(amount)
            continue  # 其中40万已算进智改: a part the figure it belongs to is reduced by
        slot = _slot_for(t, seg, span, lex)
        lead = t[seg[0]:span[0]]
        counter = lead[:-len(counted[0])][-1:] if counted is not None and lead.endswith(counted[0]) else ""
        if counter.isdigit() or counter in tuple("一二两三四五六七八九十"):
            slot = counted[1]  # 两笔技改贷款 … 一笔1,500万用在网络化改造项目: the counted item's own figure
        if lex.words.remainders and excluded_any is not None and excluded_any.search(t, *own_words) \
                and _remainder_named(t, span[1]):
            turn.excluded_parts.append(amount)  # 土建380万 … 其余是设备: a part the total is reduced by
            turn.figures.append(amount)
            continue
        if (slot and excluded_any is not None and excluded_any.search(t, *own_words)
                and not any(f == slot for _, _, f in concepts(t, *own_words, lex))):
            turn.figures.append(amount)
            _left_out_of_cap(turn, t, own_words, amount, lex)
            continue  # 总投资1800万，厂房土建600万: what the document's bases exclude, not borrowed from the total
        if slot and not slot.startswith("~") and turn.topics:
            # 网络化改造总投资200万: 总投资 also names a field of another rule's items; the topic's own amount wins
            # (一次性买断的设计软件30万 under 第五条 stays 第二条's: the topic's amount is not named there)
            own = lex.words.topic_amounts.get(turn.topics[0])
            reading = lex.clauses_reading(lex.path(slot))
            named_own = any(f == own and rx.search(t, *own_words) for f, rx, _ in lex.amounts)
            if own and own != slot and reading and not reading & set(turn.topics):
                # (15万是一次性买断的CAD软件: the words said of it after 是 are its own too)
                said = (own_words[0], seg[1]) if t[span[1]:span[1] + 1] in ("是", "为") else own_words
                if named_own or not _specific(slot, t, said, lex):
                    slot = own
                else:
                    turn.kept_from_topic.append(turn.topics[0])
        spec = _spec_of(lex, slot) if slot else None
        if slot == "~other":
            continue  # 年产值6000万 / 注册资本5000万: the enterprise's figures, not award inputs
        if role == "sum" and turn.facts and sum(1 for f, v in turn.facts if isinstance(v, Decimal)) >= 2:
            continue  # 分别400万和400万，合起来800万: the sum of the items already listed
        if SUM_RE.search(t, seg[0], span[0]) and t[seg[1]:seg[1] + 3].lstrip("，,").startswith("其中") \
                and not (lex.words.remainders and _remainder_named(t, span[1])):
            turn.figures.append(amount)
            continue  # 软件方面一共付了55万，其中40万是订阅…另外15万是买断…: the parts named after 其中 are the figures
        dm = _DELTA_BEFORE.search(t[seg[0]:span[0]])
        delta = dm is not None
        if dm is not None and dm.group("less"):
            amount = -amount  # 少买200万: a decrease
        if slot in (None, "~weak"):
            if _RECEIVED.search(t[seg[0]:span[0]]):
                turn.figures.append(amount)
                continue  # 评了市级数字化车间 拿了20万 / 去年报过拿了3.6万: an award already received, not an input
            year = [m.group(0) for m in _YEAR_WORD.finditer(t, seg[0], span[0])][-1:]
            years.append((amount, year[0] in ("今年", "当年", "本年") if year else None))
        if slot is None:
            if delta:
                turn.deltas.append((None, amount))
            elif count and _EACH.search(t[seg[0]:span[0]]):
                unresolved.extend([amount] * count[0])
            else:
                unresolved.append(amount)
                if (thing := _thing_named(t[max(own_words[0], seg[0]):span[0]].strip())) is not None:
                    things.append((amount, thing))
            continue
        if slot == "~weak":
            # a bare 投资/花了 belongs to the topic of the question: 二级节点投资80万 / 技改项目投资2000万
            top = turn.topics[0] if turn.topics else None
            slot = lex.words.topic_amounts.get(top or "")
            spec = _spec_of(lex, slot) if slot else None
            if slot is None:
                unresolved.append(amount)
                continue
        if delta and not (spec is not None and (spec.kinds or spec.problem)):
            turn.deltas.append((key(slot), amount))
            continue
        amount = abs(amount)
        if spec is not None and spec.kinds:
            kind = _kind_of(t, span, spec, lex)
            each = count is not None and _EACH.search(t[seg[0]:span[1] + 2])
            if kind:
                turn.facts.append((key(kind), amount))
                continue
            if each and count[0] == len(spec.kinds):
                # 五个阶段各付了1万: one amount for every kind listed
                turn.facts.extend((key(k), amount) for k in spec.kinds)
                continue
            ask = (spec.ask_kind.format(amount=format_yuan(amount)) if spec.ask_kind
                   else f"{format_yuan(amount)}是哪一项支付的？请说明。")
            turn.problems.append(ask)
            turn.unkinded.append((spec.fact, amount, ask))  # the kind may have been named before, or come next
            continue
        if spec is not None and spec.problem:
            turn.problems.append(spec.problem.format(amount=format_yuan(amount)))
            continue
        if ROLE_SUM.search(t[seg[0]:span[0]]) and sum(1 for s_, _ in turn.facts if s_ == key(slot)) >= 2:
            continue  # 分别400万和400万，加起来800万: the sum of the listed projects
        copies = 1
        path = lex.path(slot)
        excluded = lex.excluded_words(path)
        if excluded is not None and excluded.search(t, *own_words):
            turn.figures.append(amount)
            _left_out_of_cap(turn, t, own_words, amount, lex)
            continue  # 厂房改造土建350万: the rule's base does not include it (the answer says what it excludes)
        in_list = "." in path and lex.kind(path.split(".")[0]) == "list"
        if in_list:
            # (买了开料机和封边机共310万: a weak word names its part too)
            named = [(a, t[a:b]) for a, b, f in concepts(t, *own_words, lex) if f in (slot, "~weak")]
            # (数控加工中心320万 工业机器人260万: a thing bought, named alone before the amount in its clause, names its
            # part too; a name said in the amount's own clause goes before one said earlier)
            clause = t[max(own_words[0], seg[0]):span[0]].strip()
            inside = [w for a, w in named if a >= seg[0]]
            thing = _thing_named(clause)
            words.setdefault(key(slot), []).append(inside[-1] if inside else thing or (named[-1][1] if named else None))
        if in_list and count and _EACH.search(t[seg[0]:span[0]] + t[span[1]:span[1] + 2]):
            copies = count[0]  # 两个项目每个都买了2000万 / 三个项目各600万
        if lex.words.remainders and SUM_RE.search(t, seg[0], span[0]) and _remainder_named(t, span[1]):
            # 总共花了1,460万 其中厂房290万 土建130万 剩下全是设备: the whole the remainder is taken from
            whole = lex.words.remainders.get(lex.path(slot))
            slot = lex.fact_of(whole) if whole else slot
        turn.facts.extend([(key(slot), amount)] * copies)
        own_said.append((key(slot), amount, t[max(own_words[0], seg[0]):span[0]]))
        idx = item_index(t, span[0])
        if idx is not None and copies == 1:
            turn.item_facts.append((idx, key(slot), amount))
    _agreed_beside_paid(turn, own_said)
    _things_in_the_list(turn, things, words, unresolved)
    _parts_of_one_item(turn, t, words, count)
    # an amount with no keyword is a what-if on the last amount (那如果是5000万呢), unless the turn places amounts of
    # its own: then it is another figure of the enterprise and is not taken for any of them
    if any(this for _, this in years):
        # 今年实付30万 去年付的12万: beside this year's figure, another year's is a figure, not the input
        for amount, this in years:
            if this is False and amount in unresolved:
                unresolved.remove(amount)
                turn.figures.append(amount)
    if not any(isinstance(v, Decimal) for _, v in turn.facts) and not turn.deltas:
        turn.unresolved_amounts.extend(unresolved)
    for fact, rx in lex.zero:
        if rx.search(t) and not any(s_ == key(fact) for s_, _ in turn.facts):
            turn.facts.append((key(fact), Decimal("0.00")))


def _left_out_of_cap(turn: Turn, t: str, own_words: tuple[int, int], amount: Decimal, lex: Lex) -> None:
    """个人所得税地方留成3万: a figure the document-wide cap does not count, kept for the answer to say so."""
    cap = lex.pack.rules.document_cap if lex.pack.rules else None
    words = lex.excluded_words(cap.input) if cap is not None and cap.exclusions else None
    said = [m.group(0) for m in words.finditer(t, *own_words)] if words is not None else []
    if said and any(w in cap.exclusions for w in said):
        turn.cap_left_out.append(("、".join(dict.fromkeys(said)), amount))


def _quantities(turn: Turn, t: str, segs, lex: Lex) -> None:
    """Counted facts in the document's units (年节能500吨标准煤 / 装机1.8兆瓦 / 4个产品)."""
    for fact, rx, _spec in lex.quantities:
        spec = lex.inputs.get(lex.path(fact))
        if spec is None:
            continue
        units = {spec.unit: Decimal(1), **dict(spec.conversions)}
        # the number nearest to any of the fact's words (贷款…期限3年: 期限's 3年, not a 贷款 further away)
        near = sorted((abs(a + seg[0] - m.end()), value, seg, (seg[0] + a, seg[0] + b))
                      for m in rx.finditer(t) for seg in [segment_of(segs, m.start())]
                      for value, _, (a, b) in find_quantities(t[seg[0]:seg[1]], units))
        for _, value, seg, span in near:
            if amount_role(t, seg, span) in ("threshold", "claim", "budget"):
                turn.figures.append(value)
                continue
            named = t[span[1]:span[1] + 1] == "期" or t[span[0]:span[1]].endswith("期")
            if named and any(rrx.match(t, span[1] + (t[span[1]:span[1] + 1] == "期")) for _, rrx, _ in lex.rates):
                continue  # 一年期LPR: the duration names the rate, it is no term of the enterprise's
            turn.facts.append((key(fact), value))
            _item_of(turn, t, seg, span[0], fact, value, lex)
            break


def _item_of(turn: Turn, t: str, seg: tuple[int, int], pos: int, fact: str, value, lex: Lex) -> int | None:
    """Which listed item a stated value belongs to: every item when the pack declares the field shared or the value
    is said of them all (期限都是三年); else the item marked before it (一笔3000万 执行利率3.0%). Returns that item's
    index, or None when the value is not one item's."""
    path = lex.path(fact)
    head, _, field = path.partition(".")
    if not field or lex.kind(head) != "list":
        return None
    spec = lex.inputs[head].fields.get(field)
    if spec is not None and spec.shared or _EACH.search(t[seg[0]:pos]) or "都" in t[max(seg[0], pos - 3):pos]:
        turn.shared_facts.append(key(fact))
        return None
    idx = item_index(t, pos)
    if idx is not None:
        turn.item_facts.append((idx, key(fact), value))
    return idx


def _rates(turn: Turn, t: str, segs, lex: Lex) -> None:
    """Rates the enterprise states (LPR 3.55% / 合同利率4.2%): the percentage nearest after the fact's word."""
    taken: set[int] = set()
    for fact, rx, _spec in lex.rates:
        for m in rx.finditer(t):
            seg = segment_of(segs, m.start())
            relative = _relative_rate(turn, t, m.end(), seg, lex, fact)
            if relative is not None:
                turn.facts.append((key(fact), relative))
                break
            cands = [r for r in PERCENT_RE.finditer(t, m.end(), seg[1]) if r.start() not in taken]
            if not cands:
                continue
            r = cands[0]
            taken.add(r.start())
            value = Decimal(r.group(1)) / 100
            turn.facts.append((key(fact), value))
            _item_of(turn, t, seg, r.start(), fact, value, lex)
            if "." not in lex.path(fact):
                break  # a plain rate is stated once; a list's may be stated per item (一笔…利率3.4% 一笔…利率3.0%)


# a rate said against another (LPR减20个基点 / 比LPR高30bp): that rate moved by basis points
_BASIS_POINTS = re.compile(r"(?P<sign>加|减|上浮|下浮|上调|下调|高|低)(了)?(?P<n>\d+(\.\d+)?)(个)?(基点|bp)", re.I)


def _relative_rate(turn: Turn, t: str, at: int, seg, lex: Lex, fact: str) -> Decimal | None:
    """The rate named at `at` when it is said as another stated rate plus or minus basis points, else None."""
    lead = re.compile(r"(是|为|按|比)?").match(t, at).end()
    for other, rx, _ in lex.rates:
        m = rx.match(t, lead) if other != fact else None
        bp = _BASIS_POINTS.match(t, m.end()) if m and m.end() <= seg[1] else None
        base = next((v for k, v in turn.facts if k == key(other) and isinstance(v, Decimal)), None)
        if bp and base is not None:
            step = Decimal(bp.group("n")) / 10000
            return base - step if bp.group("sign") in ("减", "下浮", "下调", "低") else base + step
    return None


def _dates(turn: Turn, t: str, segs, lex: Lex) -> None:
    """Dated facts (2023年3月开工 / 2024年5月并网): the date nearest the fact's word in its segment."""
    for fact, rx, _spec in lex.dates:
        taken: set[int] = set()
        for m in rx.finditer(t):
            seg = segment_of(segs, m.start())
            cands = [d for d in DATE_IN_TEXT.finditer(t, seg[0], seg[1]) if d.start() not in taken]
            if not cands:
                continue
            # the gap between the date and the word (22年12月开工 24年投用: 开工 is 22年12月's, 投用 24年's)
            d = min(cands, key=lambda x: m.start() - x.end() if x.end() <= m.start() else abs(x.start() - m.end()))
            year = d.group(1) if len(d.group(1)) == 4 else "20" + d.group(1)
            text = year + (f"-{int(d.group(2)):02d}" if d.group(2) else "") + (
                f"-{int(d.group(3)):02d}" if d.group(3) else "")
            try:
                value = parse_date(text)
            except ValueError:
                continue
            taken.add(d.start())
            turn.facts.append((key(fact), value))
            if _item_of(turn, t, seg, d.start(), fact, value, lex) is None:
                break  # a list's dates may be stated per item (1,100万的是2022年10月开工 800万的是2024年开工)


# --- titles and levels -----------------------------------------------------------------------------

def _negated_title(t: str, seg: tuple[int, int], lo: int, start: int) -> bool:
    """没有获得/未评为/不是 … 称号: look from the segment start (the level words sit in between)."""
    window = t[seg[0]:start]
    pending = re.search(r"(还|正)在(申报|申请|评审|创建)|申报中", t[seg[0]:seg[1]])  # 国家级的还在申报: not held yet
    return bool(pending or NEG_RE.search(window)) and not re.search(r"已|获得了|通过了|评上了", window[-8:])


def _gaps(seg: tuple[int, int], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of a segment no span covers."""
    out, at = [], seg[0]
    for a, b in sorted(spans):
        if a > at:
            out.append((at, a))
        at = max(at, b)
    return out + ([(at, seg[1])] if at < seg[1] else [])


def _levels_only(t: str, seg: tuple[int, int], places: list[tuple[int, int]]) -> bool:
    """A clause naming nothing but levels (国家级 / 省级和市级), after at most a two-character lead (还有国家 省 市三级…)."""
    rest, at = [], seg[0]
    for _, m in sorted(level_spans(t, seg[0], seg[1], places), key=lambda x: x[1].start()):
        rest.append(t[at:m.start()])
        at = max(at, m.end())
    return at > seg[0] and len(rest[0].strip()) <= 2 and not "".join(rest[1:] + [t[at:seg[1]]]).strip("级的和及与、 ")


def _leads_family(t: str, segs, seg: tuple[int, int], mentions, places) -> bool:
    """Whether a clause of levels only opens a list of levels that ends in a title family's name."""
    while _levels_only(t, seg, places):
        seg = next((s for s in segs if s[0] >= seg[1]), None)
        if seg is None:
            return False
        if any(seg[0] <= x[0] < seg[1] for x in mentions):
            return True
    return False


def level_spans(t: str, lo: int, hi: int, places: list[tuple[int, int]]):
    """Level words (国家级 / 省级 / 市级) in t[lo:hi], leaving out those inside a place name (龙南市, 赣州市)."""
    order = list(_LEVEL.groupindex)
    for m in sorted(_LEVEL.finditer(t, lo, hi), key=lambda m: order.index(m.lastgroup)):  # national first
        if any(a <= m.start() < b for a, b in places) and not (m.group(0).endswith("级") and any(
                b == m.start() + 1 for a, b in places)):
            continue  # (赣州市级数字化车间: the place's 市 followed by 级 is the level too)
        yield m.lastgroup, m


def _titles(turn: Turn, t: str, segs, lex: Lex, places: list[tuple[int, int]]) -> None:
    """Titles with their levels. Levels before or after the family name, coordinated with 和/及/、/都, all count; in a
    segment naming several families each level goes to the family it precedes. A question about one level
    (市级服务型制造示范企业奖多少) is computed as if held. Titles named by their own words (省级智能工厂) too."""
    seen_at: dict[str, int] = {}
    for oid, rx in lex.option_words:
        for m in rx.finditer(t):
            seg = segment_of(segs, m.start())
            seg_text = t[seg[0]:seg[1]]
            before = t[max(seg[0], m.start() - 2):m.start()]
            if re.search(r"(比|不如|高于|低于|和|跟|与)$", before) and (
                    before[-1] not in "和跟与" or re.search(r"比|一样|区别|哪个", t[m.end():seg[1]])):
                continue  # 是不是比AA级奖得更多: a comparison, not a title held
            if before.endswith("按") and "还是" in t[m.end():seg[1]]:
                continue  # 评了AAA级 按AA的10万还是更多: the basis asked about, not a title held
            stated = bool(SELF_RE.search(seg_text) or _TITLE_STATED.search(seg_text) and not _ASKING_RE.search(seg_text)
                          or _LEVEL_Q_MONEY.search(t)
                          or m.start() == seg[0] and not t[m.end():seg[1]].strip("的了吧啊呀"))  # AA级: a bare reply
            if stated:
                held = not _negated_title(t, seg, seg[0], m.start())
                turn.titles.append((oid, held))
                seen_at.setdefault(oid, m.start())
                nxt = t[seg[1]:seg[1] + 14]
                said = nxt.lstrip(",，;； ")
                # …数字化车间，已获20万元 / 拿了20万; not 以前没拿过奖
                follow = nxt if _PRIOR.match(said) and not NEG_RE.search(re.split(PUNCT, said)[0]) else ""
                # (补充一下 我们2023年10月就评上过赣州市级数字化车间: said alone in a later turn, 过 marks it earlier)
                if held and _PRIOR.search(seg_text + follow) and (sum(
                        1 for _, r in lex.option_words if r.search(t)) > 1 or re.search(_WON_BEFORE, seg_text)):
                    turn.prior_titles.append(oid)  # the earlier, lower title of an upgrade
    turn.titles.sort(key=lambda x: seen_at.get(x[0], 0))  # in the order said: the last of a choice is the one held
    up = _UPGRADE.search(t)
    if any(held for _, held in turn.titles) and up:
        turn.upgrade = True
        # 2024年评了市级的，今年升级成省级的: the titles named before the upgrade were the earlier, rewarded ones
        later = [o for o, at in seen_at.items() if at >= up.start()]
        if later:
            turn.prior_titles += [o for o, at in seen_at.items() if at < up.start() and o not in turn.prior_titles]
    if lex.option_words and not any(oid for oid, _ in turn.titles):
        for m in _TITLE_LIKE.finditer(t):
            seg = segment_of(segs, m.start())
            if SELF_RE.search(t[seg[0]:seg[1]]) or _TITLE_STATED.search(t[seg[0]:m.start()]) or _LEVEL_Q_MONEY.search(t):
                turn.unlisted_titles.append(m.group(0))  # a title the document does not list: it pays nothing for it
    mentions = [(m.start(), m.end(), fam.family, m.group(0), fam) for fam, rx in lex.titles for m in rx.finditer(t)]
    if not mentions:
        if lex.titles or lex.option_words:
            # 省里市里的规定 / 国家省市出了新规定: the levels of rule-making, not of a title
            found = sorted((m.start(), m.end(), lv) for lv, m in level_spans(t, 0, len(t), places)
                           if not _RULE_AFTER.match(t, m.end()))
            prev_end = 0
            for start, end, lv in found:
                seg = segment_of(segs, start)
                lo = max(seg[0], prev_end)
                turn.bare_levels.append((lv, not _negated_title(t, (lo, seg[1]), lo, start)))
                prev_end = end
        return
    fams = {fam.family: fam for fam, _ in lex.titles}
    prev_kinds: list[str] = []
    missing: set[str] = set()
    named: list[str] = []
    for seg in segs:
        fam = [x for x in mentions if seg[0] <= x[0] < seg[1]]
        seg_text = t[seg[0]:seg[1]]
        if not fam and named and _HELD_BACK.fullmatch(seg_text):
            turn.titles.extend((x, True) for x in dict.fromkeys(named))  # …奖3万，市级2万，我们两个都有
            named = []
            continue
        if not fam and len(prev_kinds) == 1 and (f := _FIGURE_AFTER.fullmatch(seg_text)) and f.group("level"):
            lv = m_.lastgroup if (m_ := _LEVEL.match(seg_text)) else None
            if lv and lv in fams[prev_kinds[0]].levels:
                named.append(fams[prev_kinds[0]].levels[lv])  # ，市级2万
            continue
        if not fam:
            # 在省里拿了两化融合示范，市里也评了: a level in the next clause continues the same family
            # (not levels leading the next family's name: …市级两化融合示范企业 还有国家 省 市三级服务型制造示范企业)
            if len(prev_kinds) == 1 and not _leads_family(t, segs, seg, mentions, places) and _sentence_start(t, seg[0]) < seg[0] \
                    and re.search(r"也|还|同时|另外|都|评|拿|获|只是|就是|(?<!还)是(?!否)", seg_text) and not _ASKING_RE.search(seg_text):
                for lv, _m in level_spans(t, seg[0], seg[1], places):
                    oid = fams[prev_kinds[0]].levels.get(lv)
                    if oid:
                        turn.titles.append((oid, not _negated_title(t, seg, seg[0], seg[1])))
                        missing.discard(prev_kinds[0])
            elif not prev_kinds and SELF_RE.search(seg_text) and not _ASKING_RE.search(seg_text):
                # 我们是国家级的，另外还被评为市级两化融合示范企业: the level of the title talked about before
                turn.topic_levels += [(lv, not _negated_title(t, seg, seg[0], seg[1]))
                                      for lv, _m in level_spans(t, seg[0], seg[1], places)]
            prev_kinds = prev_kinds if _sentence_start(t, seg[1]) <= seg[0] else []
            continue
        prev_kinds = list(dict.fromkeys(f[2] for f in fam))
        levels: dict[int, list[str]] = {i: [] for i in range(len(fam))}
        # 国家级 省级 市级服务型制造示范企业: levels listed in the clauses just before the family's name are its own
        lo = seg[0]
        while (before := next((s for s in segs if s[1] + 1 == lo or s[1] == lo), None)) and _levels_only(t, before, places):
            lo = before[0]
        for lv, m in level_spans(t, lo, seg[1], places):
            if any(f[0] <= m.start() < f[1] for f in fam):
                continue
            following = [i for i, f in enumerate(fam) if f[0] >= m.end()]
            target = following[0] if following else max(range(len(fam)), key=lambda i: fam[i][1])
            if lv not in levels[target]:
                levels[target].append(lv)
        # 还有国家 省两级服务型制造示范企业: the levels' lead clause may say they are held
        led = t[lo:seg[1]]
        stated = bool(SELF_RE.search(led) or (_TITLE_STATED.search(led) and not _ASKING_RE.search(led)))
        # 规上 设备1,560万；市级两化融合示范企业；上云实付2.4万: a clause of a title alone, among the enterprise's facts
        rest = "".join(t[a:b] for a, b in _gaps(seg, [(f[0], f[1]) for f in fam] + [m.span() for _, m in level_spans(t, seg[0], seg[1], places)]))
        stated = stated or bool(turn.facts and not rest.strip("的和及与、级 "))
        nxt = next((s for s in segs if s[0] >= seg[1]), None)
        if not stated and nxt and not any(nxt[0] <= x[0] < nxt[1] for x in mentions):
            # 国家级，省级服务型制造示范企业 我们评上了: the clause after the titles says they are held
            nxt_text = t[nxt[0]:nxt[1]]
            stated = bool(_TITLE_HELD_AFTER.search(nxt_text) and not _ASKING_RE.search(nxt_text))
        for kind in dict.fromkeys(f[2] for f in fam):
            spec = fams[kind]
            idx = [i for i, f in enumerate(fam) if f[2] == kind]
            lv = list(dict.fromkeys(x for i in idx for x in levels[i]))
            words = "".join(fam[i][3] for i in idx)
            if not lv:
                lv = [im.level for im in spec.implied if re.search(im.words, words)][:1]
            if not stated:
                if any(f.group(0).strip("_元是为的") for f in _FIGURE_AFTER.finditer(seg_text)):
                    named.extend(spec.levels[x] for x in lv if x in spec.levels)
                # a question about one level is a what-if for that title; several levels asked 分别 is the rule itself
                if len(lv) == 1 and lv[0] in spec.levels and _LEVEL_Q_MONEY.search(t) and not re.search(EACH, t):
                    turn.titles.append((spec.levels[lv[0]], True))
                continue
            if not lv:
                if _TITLE_STATED.search(seg_text) and (SELF_RE.search(seg_text) or not Q_MARK.search(t[seg[0]:seg[1] + 1])):
                    missing.add(kind)
                continue
            held = not _negated_title(t, seg, seg[0], fam[idx[0]][0])
            for x in lv:
                if x in spec.levels:
                    turn.titles.append((spec.levels[x], held))
    for kind in sorted(missing):
        turn.problems.append(f"没能判断{fams[kind].name}称号的级别，请说明是国家级、省级还是市级。")


# --- "all conditions hold" and bare replies ------------------------------------------------------------

_ALL_COND = re.compile(
    r"(?P<pre>不是|并非|并不是|没有|未必)?(所有|全部|各项|各个|四个|4个|三个|3个|这些|其他|其余|其它|别的|以上)?(的)?条件"
    r"(?P<adv>都|全|均|全部|也都|都已经|都已|已经|已)?(?P<neg>不|没|未|没有)?(?P<adv2>全|都)?(满足|符合|具备|达到|齐全|达标|没问题)(了)?"
    r"|(?P<pre2>不是|并非|没有)?(都|全部|全|均)(?P<neg2>不|没)?(满足|符合|具备)(了)?(所有|全部|各项|四个|这些)?(的)?条件"
)
_ASKED_COND = re.compile(rf"{YESNO}|\?|哪些|什么|需要|要求|要满足")
_BARE_ALL = re.compile(r"(都|全都|全部|全|均|也都)(已经|已)?(符合|满足|具备|没问题)(了)?$")


def _bare_all(t: str, seg, lex: Lex) -> bool:
    m = _BARE_ALL.search(t, seg[0], seg[1])
    return bool(m and m.end() == seg[1] and not (NEG_RE.search(said := t[seg[0]:seg[1] + 1]) or _ASKED_COND.search(said) or "条件" in said)
                and not any(rx.search(t, seg[0], seg[1]) for _, rx in lex.conditions))


def _all_conditions(turn: Turn, t: str, segs, lex: Lex) -> None:
    if turn.facts or any(c in lex.condition_rule_clauses for c in turn.topics):
        for seg in segs:
            if _bare_all(t, seg, lex) and not _ALL_COND.search(t, seg[0], seg[1]):
                turn.facts.append((("all_conditions",), True))
    for m in _ALL_COND.finditer(t):
        seg = segment_of(segs, m.start())
        if _ASKED_COND.search(t[seg[0]:seg[1]]):
            continue
        if m.group("pre") or m.group("pre2") or (m.group("neg") and m.group("adv2") == "全"):
            continue  # partial: nothing is known about any one condition
        neg = bool(m.group("neg") or m.group("neg2"))
        turn.facts.append((("all_conditions",), not neg))


def _rehome(turn: Turn, lex: Lex) -> None:
    """Item facts worded like another rule's items go to the items of the rule the turn is about (网络化改造 25年开工
    已投用: the network project's start and completion, not an intelligent-upgrade project's)."""
    rules = lex.pack.rules.rules if lex.pack.rules else ()
    # the item lists of the rules talked about, most relevant first (贷款…网络化改造项目25年开工: the loan has no
    # start date, the network project does)
    ranked = [(i, r.for_each) for i, c in enumerate(turn.topics) for r in rules if r.clause == c and r.for_each]
    if not ranked:
        return

    def move(k: tuple) -> tuple:
        path = lex.path(".".join(k))
        if "." not in path:
            return k
        head, field_ = path.split(".", 1)
        reading = lex.clauses_reading(path)
        own = min((i for i, c in enumerate(turn.topics) if c in reading), default=len(turn.topics))
        target = next((f"{h}.{field_}" for i, h in ranked if i < own and f"{h}.{field_}" in lex.inputs), None)
        if not reading or target is None or target == path or head == ranked[0][1]:
            return k
        return key(lex.fact_of(target))

    turn.facts = [(move(k), v) for k, v in turn.facts]
    turn.item_facts = [(i, move(k), v) for i, k, v in turn.item_facts]


# what was left out before (漏了 还有… / 忘了说 还有…): added to what was said
_MORE_OF = re.compile(r"(漏了|忘了(说)?|还漏了|补充(一下)?)[,，]?(还有|另外)?|还有|另外还有")
# one item said to be the same (同一个项目 / 同一笔贷款): its several figures are parts of it
_SAME_ITEM = re.compile(r"同一(个|笔|项|期)")
# not knowing a fact (不太清楚 / 不确定 / 说不准)
_UNSURE = re.compile(r"不(太|很)?(清楚|确定|知道|了解)|没(搞|弄)?清楚|说不准|拿不准|(还在|正在|尚在|待)(定性|认定|调查|核实|核定|审核|评审)")


def _spans_of(t: str, segs) -> list[tuple[int, int]]:
    """The segments and the text between them, in order, covering all of t."""
    out, at = [], 0
    for a, b in segs:
        if a > at:
            out.append((at, a))
        out.append((a, b))
        at = b
    return out + ([(at, len(t))] if at < len(t) else [])


def _stated_keys(t: str, span: tuple[int, int], segs, lex: Lex) -> set:
    """The facts one stretch of the text states alone."""
    a, b = span
    scratch = Turn(text=t)
    alone = "_" * a + t[a:b] + "_" * (len(t) - b)
    _statements(scratch, alone, segs, lex)
    _condition_words(scratch, alone, segs, lex)
    return {k for k, _ in scratch.facts}


def _without_unsure(t: str, segs, lex: Lex) -> str:
    """The text with what the user is unsure of blanked: the clause saying so (统计库那块我不太清楚), and the
    statement just before it that it doubts (出过一起安全事故 还在定性 不知道算不算重大)."""
    spans = _spans_of(t, segs)
    blank = [False] * len(spans)
    for j, (a, b) in enumerate(spans):
        if not _UNSURE.search(t, a, b) or find_money(t[a:b])[0]:
            continue
        blank[j] = True
        own = _stated_keys(t, (a, b), segs, lex)
        for i in range(j - 1, -1, -1):
            pa, pb = spans[i]
            if not t[pa:pb].strip("，,。 "):
                continue  # the comma between them
            if blank[i]:
                continue
            before = _stated_keys(t, (pa, pb), segs, lex)
            if before and not find_money(t[pa:pb])[0] and (not own or own & before):
                blank[i] = True
            break
    return "".join("_" * (b - a) if blank[i] else t[a:b] for i, (a, b) in enumerate(spans))


def extract_facts(turn: Turn, t: str, lex: Lex, places: list[tuple[int, int]]) -> None:
    """Every fact the (normalised) text states, read with `lex`; `places` are spans of place names to skip."""
    segs = segments(t)
    # 统计库和产业政策那块我不太清楚: facts the user is unsure of are not stated either way (their segment is blanked)
    said = _without_unsure(t, segs, lex)
    _statements(turn, said, segs, lex)
    _condition_words(turn, said, segs, lex)
    _titles(turn, t, segs, lex, places)
    _amount_facts(turn, t, segs, lex)
    _quantities(turn, t, segs, lex)
    _dates(turn, t, segs, lex)
    _rates(turn, t, segs, lex)
    _kinds_named(turn, t, segs, lex)
    turn.same_item = bool(_SAME_ITEM.search(t))
    turn.more_of = bool(_MORE_OF.match(t))
    _rehome(turn, lex)
    _all_conditions(turn, t, segs, lex)
    question_like = re.search(rf"还是|{YESNO}", t)
    if not question_like:
        turn.stacking = next((mode for mode, rx in STACKING if rx.search(t)), turn.stacking)
    _recognitions(turn, t, segs, lex)


# a bare reply's own words: assent, negation, aspect (the conditions it names come from the pack)
_REPLY_WORDS = re.compile(r"(嗯|恩|哦|噢|是的|是|的|对|没错|没问题|啊|呀|吧|有|没有|没|还|不|未|已经|已|现在|目前|刚刚|刚|都|全都|全部|也|"
                          r"了|通过|完成|完|办好|弄好|可以|符合|满足|具备|确定|过|条件|齐全|大概|大约|约|左右|差不多|[,，。.!！~])+")


def said_alone(t: str, spans: list[tuple[int, int]]) -> bool:
    """Whether the text says nothing but what the spans hold, beside a bare reply's own words (大概50万吧 / 省级的);
    said with a negation (不对 是200万) it corrects what was said before."""
    rest = "".join(ch for i, ch in enumerate(t) if not any(a <= i < b for a, b in spans))
    return bool(spans) and not NEG_RE.search(rest) and len(_REPLY_WORDS.sub("", rest)) <= 2


def _without_conditions(t: str, lex: Lex) -> str:
    """The text without the words the pack names its conditions by (验收 / 入统 / 投用)."""
    for _, rx in [*lex.reply_hints, *lex.conditions]:
        t = rx.sub("", t)
    return t or "的"


def bare_reply(turn: Turn, t: str, lex: Lex) -> None:
    """Mark a turn that is only a yes / no / 'now it is' reply (called when it states nothing else)."""
    if turn.facts or turn.topics or turn.titles or turn.clause_ref or turn.unresolved_amounts or turn.deltas \
            or len(t) > 12 or not _REPLY_WORDS.fullmatch(_without_conditions(t, lex)) or A_NOT_A_ANY.search(t):
        return
    turn.reply = not NEG_RE.search(t)
    turn.reply_hint = next((k for k, rx in lex.reply_hints if rx.search(t)), None)
    turn.reply_all = turn.reply and bool(_BARE_ALL.search(t.rstrip("。.!！~")) or _ALL_COND.search(t))


__all__ = ["DATE_IN_TEXT", "NEG_RE", "SELF_RE", "TITLE_HELD", "said_alone", "bare_reply", "concepts", "extract_facts", "item_index", "key", "level_spans",
           "negated"]
