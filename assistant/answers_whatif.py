"""What-if answers asked backwards, from the award to the input: thresholds, cap-binding amounts, the tax-cap distance."""

from __future__ import annotations

from decimal import Decimal

from assistant.answer import Answer
from assistant.answer_parts import _cloud_stages, _finish
from assistant.compose import (
    add_citation,
    best_quote,
    citation,
    followup_for,
    sentences,
    units_text,
)
from assistant.session import Session
from assistant.understand import Turn
from corpus import Document
from tools.amounts import format_yuan


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _whatif(doc: Document, session: Session, turn: Turn, question: str) -> Answer:
    """设备投资多少起补 / 买多少设备才能拿满200万 / 二级节点投资多少封顶 / 离封顶还差多少: from the what-if helpers and
    the parameters. The figures computed here are registered as sources, as a calculator trace is, for the guard."""
    from tools.amounts import quantize
    from tools.params import load_parameters
    from tools.whatif import cap_binding_amount, cap_binding_equipment, min_qualifying_equipment

    kind = turn.reverse
    if kind == "tax_distance":
        return _tax_distance(doc, session, question)
    P = load_parameters(doc.id)
    cid = {"node_cap": "4.3.6", "cloud_cap": "4.3.5"}.get(kind or "", "4.3.1")
    clause = doc.clause(cid)
    label = clause.label
    figures: list[Decimal] = []
    followups: list[str] = []
    lines: list[str] = []
    if kind == "min_equipment":
        low, rate = min_qualifying_equipment(doc.id), P.value("equipment_rate")
        figures += [low, quantize(low * rate)]
        lines.append(f"按{label}，单个技改项目购买设备投资额达{format_yuan(low)}（含本数）即可享受设备投资奖补，"
                     f"低于{format_yuan(low)}不享受该项奖补。")
        lines.append(f"恰好{format_yuan(low)}时：{format_yuan(low)} × {_pct(rate)} = {format_yuan(figures[1])}。")
        lines.append("门槛按单个项目判断，不同项目的设备投资额不能合并凑数；另须同时满足：规模以上企业、项目已竣工、"
                     "符合国家产业政策、列入国家统计库。")
    elif kind == "equipment_cap":
        rate, cap = P.value("equipment_rate"), P.value("equipment_cap")
        at = cap_binding_equipment(doc.id)
        below = at - 1
        figures += [at, below, quantize(at * rate), quantize(below * rate)]
        lines.append(f"按{label}，奖补为购买设备投资额的{_pct(rate)}，单个企业补助总额不超过{format_yuan(cap)}。"
                     f"设备投资额达{format_yuan(at)}起封顶：")
        lines.append(f"  · {format_yuan(at)} × {_pct(rate)} = {format_yuan(figures[2])}，超过{format_yuan(cap)}，按{format_yuan(cap)}奖补；")
        lines.append(f"  · {format_yuan(below)} × {_pct(rate)} = {format_yuan(figures[3])}，尚未封顶。")
        lines.append(f"{format_yuan(cap)}上限按单个企业计算：企业几个技改项目的设备奖补合计不超过{format_yuan(cap)}。")
    elif kind == "node_cap":
        rate, cap = P.value("node_rate"), P.value("node_cap")
        at = cap_binding_amount(rate, cap)
        figures += [at, quantize(at * rate)]
        lines.append(f"按{label}，二级节点建设补助为实际投资额的{_pct(rate)}，单个企业最高不超过{format_yuan(cap)}。"
                     f"实际投资额达{format_yuan(at)}时：{format_yuan(at)} × {_pct(rate)} = {format_yuan(figures[1])}，即达到上限；"
                     f"投资再多，补助仍为{format_yuan(cap)}。")
        lines.append("另须已接入工业互联网标识解析二级节点、通过验收并在龙南注册。")
    else:
        cap = P.value("cloud_cap")
        stages = [s_ for s_ in _cloud_stages(turn.text) if f"cloud_rate_{s_}" in P]
        if len(stages) == 1:
            rate = P.value(f"cloud_rate_{stages[0]}")
            at = cap_binding_amount(rate, cap)
            figures += [at, quantize(at * rate)]
            lines.append(f"按{label}，{P.label('cloud_' + stages[0])}按不超过实际支付金额的{_pct(rate)}补贴，"
                         f"单个企业（各阶段合计）最高不超过{format_yuan(cap)}。")
            lines.append(f"按最高比例{_pct(rate)}计，实际支付达{format_yuan(at)}时：{format_yuan(at)} × {_pct(rate)} = "
                         f"{format_yuan(figures[1])}，即达到上限。比例是上限（不超过），实际核定比例更低时，封顶所需的支付额相应更高。")
        else:
            rates = "、".join(f"{P.label('cloud_' + s_)}{_pct(P.value('cloud_rate_' + s_))}"
                             for s_ in ("infrastructure", "platform", "application", "equipment", "manufacturing"))
            lines.append(f"按{label}，上云补贴比例因阶段而异（均为最高比例）：{rates}；单个企业各阶段合计最高不超过{format_yuan(cap)}。"
                         "所以实际支付多少封顶取决于上云阶段，请说明是哪个阶段，我按该阶段的最高比例测算。")
            followups.append("您问的是哪个上云阶段（信息基础设施、平台系统、业务应用、设备资源、制造能力）？")
    units = units_text(doc, cid)
    if units:
        lines.append(f"责任单位：{units}。")
    tax = doc.find("4.3.7")
    cites = [citation(doc, cid, quote=best_quote(clause, question))]
    if tax is not None:
        lines.append(f"另按{tax.label}，各项奖励补助以企业当年所缴税收地方财政实得部分（增值税、企业所得税）为限。")
        add_citation(cites, citation(doc, "4.3.7", quote=sentences(tax.text)[0]))
    return _finish(doc, "\n".join(lines), citations=cites, flags=[f"whatif:{kind}"], followups=followups,
                   sources=[str(v) for v in figures])


def _tax_distance(doc: Document, session: Session, question: str) -> Answer:
    """离封顶还差多少: the 四（三） awards so far against the 四（三）7 cap (the local tax share), or what is missing."""
    from tools.calculator import calculate
    from tools.errors import CalcError
    from tools.whatif import distance_to_tax_cap

    tax_clause = doc.clause("4.3.7")
    label = tax_clause.label
    cites = [citation(doc, "4.3.7", quote=sentences(tax_clause.text)[0])]
    rule = f"按{label}，各项奖励补助合计以企业当年所缴税收地方财政实得部分（增值税、企业所得税）为限，超出部分不予奖励。"
    ask_tax = followup_for("local_tax_retained", "")
    try:
        result = calculate(session.profile)
    except CalcError as e:
        return _finish(doc, f"无法计算：{e}", flags=["error:profile"])
    if not result.items:
        text = rule + "要算离上限还差多少，需要先知道贵企业可获的各项奖补（如设备投资额、上云支付、二级节点投资）和当年地方财政实得部分的金额。"
        return _finish(doc, text, citations=cites, flags=["whatif:tax_distance"],
                       followups=["贵企业有哪些奖补可以申请（设备投资额、上云支付、二级节点投资、称号等）？", ask_tax])
    award = result.to_dict()
    lines = []
    for it in award["items"]:
        add_citation(cites, citation(doc, it["clause"], question))
        if it["status"] == "ineligible":
            lines.append(f"  · {it['label']} {it.get('title', '')}：不符合条件，0元")
        elif it.get("amount") is not None:
            lines.append(f"  · {it['label']} {it.get('title', '')}：{'最高' if it.get('maximum') else ''}{format_yuan(it['amount'])}")
        else:
            lines.append(f"  · {it['label']} {it.get('title', '')}：金额待补充资料，未计入")
    uncapped, tax = result.uncapped_total, result.tax_cap
    figures: list[Decimal] = []
    followups: list[str] = []
    if tax is None:
        head = (f"目前可测算的各项奖补合计{format_yuan(uncapped)}：")
        tail = [rule + "未提供该数额，无法计算离上限还差多少；请告知贵企业当年地方财政实得部分的金额。"]
        followups.append(ask_tax)
    else:
        d = distance_to_tax_cap(uncapped, tax)
        figures += [d, -d]
        head = f"各项奖补合计{format_yuan(uncapped)}，当年地方财政实得税收{format_yuan(tax)}："
        if d > 0:
            tail = [f"{rule}离上限还差{format_yuan(d)}：奖补合计再增加{format_yuan(d)}以内仍可全额获得，超过的部分不予奖励。"]
        elif d == 0:
            tail = [f"{rule}奖补合计正好等于上限，再增加的奖补不予奖励。"]
        else:
            tail = [f"{rule}奖补合计已超过上限{format_yuan(-d)}，实际以{format_yuan(tax)}为限；超出的{format_yuan(-d)}不予奖励，"
                    "也不结转到以后年度。"]
    if result.unknown and any(u["rule"] != "tax_cap" for u in result.unknown):
        tail.append("以上合计以待确认条件全部满足为前提；任一条件不满足，该项不予奖补。")
        for u in result.unknown:
            q = followup_for(u["id"], u["text"])
            if q not in followups:
                followups.append(q)
    text = "\n".join([head, *lines, *tail])
    return _finish(doc, text, citations=cites, award=award, flags=["whatif:tax_distance", *award.get("flags", [])],
                   followups=followups, sources=[str(v) for v in figures])
