"""Which clauses a question is about: the concept keywords of each clause, the award rules' clauses, clause numbers."""

from __future__ import annotations

import re

from corpus import named_clause_ids
from corpus.model import cn_to_int

def _calc_rule_clauses() -> dict[str, str]:
    """The default document's award rules and their clauses, from its pack."""
    from corpus import default_corpus
    from corpus.packs import pack_for

    pack = pack_for(default_corpus().default_document)
    return {r.id: r.clause for r in (pack.rules.rules if pack.rules else ())}


_CALC_RULE_CLAUSES = _calc_rule_clauses()

# --- topics ---------------------------------------------------------------------------------

# Award rules and the clause each rests on: the calculator's own table, plus the 四（三）7 cap.
RULE_CLAUSES = {**_CALC_RULE_CLAUSES, "tax_cap": "4.3.7"}
CLAUSE_RULES = {v: k for k, v in RULE_CLAUSES.items()}

# Concept → clause. Patterns are over normalised text; the first topic list wins ties, longer matches count more.
TOPICS: list[tuple[str, str]] = [
    ("4.3.5", r"上云|云服务|云平台"),
    ("4.3.6", r"二级节点|标识解析|工业互联网|节点建设|接入节点|节点(补助|补贴|奖补|奖励)"),
    ("4.3.3", r"两化(深度)?融合(管理体系)?(贯标|示范)?|贯标"),
    ("4.3.4", r"服务型制造示范|服务型制造(企业)?(奖|称号)|(国家|省|市)(级)?服务型制造|服务型制造(企业)?(国家|省|市)级"),
    ("3.4", r"服务型制造(工程)?"),
    ("4.3.2", r"智能制造(示范|标杆|配套|奖补|奖励)|标杆企业|赣州(市)?认定|1:1|配套(支持|比例|奖励)|数字化转型|智能化升级"),
    ("4.3.7", r"(合计|总额|加起来|总的|各项(奖励|奖补|补助|补贴)?)(有没有|有|的|是否有)?(上限|封顶|限额)|纳税|缴税|交的税|交税|税收|结转|补发|地方留成|地方(财政)?(实得|分成|所得)|实得部分|不足部分|合计(上限|最多|不超过)|总额上限|申报(要求|程序)"),
    ("4.3.1", r"(购买|购置|采购|买)(了)?(的)?设备|设备(投资|购置|采购|投入|奖补|补贴|奖励|更新)|技改(项目)?(设备)?(奖补|补贴|奖励)|技术改造项目|设备|统计库|入统|竣工|产业政策|6%"),
    ("4.1", r"(技术改造|技改)?项目库|技改库|入库|(纳入|进|入|放进)(哪个|哪一?级|什么)(项目)?库|纳入(市级|省级)|(市级|省级)(技改|技术改造)?(项目)?库|进(入)?(市级|省级)?库"),
    ("4.2", r"专项资金|产业基金|财政支持"),
    ("4.4", r"金融|银企|信贷|融资|贷款|银行"),
    ("4.5", r"监测|调度分析"),
    ("3.1", r"创新成果转化|技术中心|技术创新中心|工程研究中心|创新中心|新产品|科技成果"),
    ("3.2", r"智能化改造(工程)?|智能工厂|数字化车间|机器换人|首台|工业机器人"),
    ("3.3", r"绿色(化)?(改造|工厂|园区|产品|制造)?|节能|环保"),
    ("3.5", r"工业强基|基础零部件|元器件|新材料|稀土"),
    ("2", r"工作目标|目标|110家|多少家|每年(要)?推动"),
    ("0", r"(?<!项)目的|为什么(要)?(出台|制定)|制定(本|这个)?(实施)?意见|开头|出台(的)?(背景|原因)"),
    ("notice", r"发给(哪些|哪个|谁)|印发给|通知(里|中|要求|怎么说|说了什么|内容|原文|全文)|贯彻落实|各乡镇|主送|研究同意"),
    ("3", r"主要任务|几项工程|哪(几|些)(项)?工程"),
    ("4", r"保障措施"),
    ("1", r"总体要求|五大工程|指导思想"),
    ("4.3", r"扶持政策|(着力)?扩大政策效应|政策效应"),
    # a bare cap word modifies the rule it is said of (设备补助封顶多少); only with no rule named is it 四（三）7
    ("4.3.7", r"封顶"),
]
_TOPIC_RES = [(cid, re.compile(p)) for cid, p in TOPICS]


# 第5条 with no section: the document's numbered articles are the award rules of 四（三）
_ARTICLE_RE = re.compile(r"第(\d+|[一二三四五六七])条")


_RANGE_WORD = re.compile(r"到|至|~|-|—|～")


def _clause_reference(t: str) -> str | None:
    ids = named_clause_ids(t)
    if len(ids) >= 2 and ids[0].rpartition(".")[0] and ids[0].rpartition(".")[0] == ids[1].rpartition(".")[0] \
            and _RANGE_WORD.search(t):
        return ids[0].rpartition(".")[0]  # 三（一）到三（五）: the range of a parent's items is the parent
    if ids:
        return ids[0]
    m = _ARTICLE_RE.search(t)
    return f"4.3.{cn_to_int(m.group(1))}" if m else None


def topics_of(t: str) -> list[str]:
    """The clause topics a (normalised) text names, most relevant first."""
    return _topics(t)


def topics_in_order(t: str) -> list[str]:
    """The clause topics a (normalised) text names, in the order it first names them (设备奖补和上云补贴: 4.3.1, 4.3.5)."""
    found = _topics(t)

    def first(cid: str) -> int:
        return min((m.start() for c, rx in _TOPIC_RES if c == cid for m in rx.finditer(t)), default=len(t))
    return sorted(found, key=first)


def _topics(t: str) -> list[str]:
    matches = []  # (start, end, cid, rank)
    for rank, (cid, rx) in enumerate(_TOPIC_RES):
        for m in rx.finditer(t):
            if m.end() > m.start():
                matches.append((m.start(), m.end(), cid, rank))
    # a term inside a longer term of another topic does not count (技术改造项目 in 技术改造项目库)
    matches = [m for m in matches if not any(o[2] != m[2] and o[0] <= m[0] and m[1] <= o[1] and (o[1] - o[0]) > (m[1] - m[0])
                                             for o in matches)]
    scores: dict[str, float] = {}
    order: dict[str, int] = {}
    for start, end, cid, rank in matches:
        scores[cid] = scores.get(cid, 0) + 1 + (end - start) / 10
        order.setdefault(cid, rank)
    # cloud stages mention 设备资源 and 平台: the 4.3.1 word 设备 inside 设备资源上云 is not about equipment
    if "4.3.5" in scores and "4.3.1" in scores and not re.search(r"(购买|购置|采购|买)(了)?(的)?设备|设备(投资|购置|采购|投入|奖补|补贴|补助|奖励)|竣工|统计库|入统", t):
        del scores["4.3.1"]
    if "4.3.4" in scores:
        scores.pop("3.4", None)
    return sorted(scores, key=lambda c: (-scores[c], order[c]))
