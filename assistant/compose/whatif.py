"""What-if answers asked backwards, from the award to the input: a rule's threshold, where its cap binds, how far the
awards are from the document-wide cap. Every figure computed here comes from tools.whatif and the parameters."""

from __future__ import annotations

from decimal import Decimal

from assistant.answer import Answer
from assistant.compose.common import add_followup, finish, followup_for, yours
from assistant.compose.text import add_citation, best_quote, citation, sentences, units_text
from assistant.session import Session
from assistant.understand.facts import concepts
from assistant.understand.lexicon import Lex
from assistant.understand.turn import Turn
from tools.amounts import format_yuan, quantize
from tools.award import pct


def _conditions_text(lex: Lex, rule) -> str:
    conds = [c.text for c in (*(lex.pack.rules.eligibility if rule.eligibility else ()), *rule.conditions) if c.text]
    return "、".join(conds)


def whatif_answer(lex: Lex, session: Session, turn: Turn, question: str) -> Answer:
    """多少起补 / 多少才能拿满 / 离封顶还差多少, for the rule the question is about."""
    from tools.params import load_parameters
    from tools.whatif import cap_binding_amount, cap_binding_base, min_qualifying_base

    if turn.reverse == "doc_cap_distance":
        return cap_distance_answer(lex, session, question)
    doc = lex.doc
    P = load_parameters(lex.id)
    rule = lex.pack.rule(turn.reverse_rule)
    clause = doc.clause(rule.clause)
    label = clause.label
    base_label = lex.inputs[rule.base].label if rule.base in lex.inputs else ""
    figures: list[Decimal] = []
    followups: list[str] = []
    asks: list[dict] = []
    lines: list[str] = []
    conds = _conditions_text(lex, rule)
    if turn.reverse == "min_base":
        low = min_qualifying_base(lex.id, rule.id)
        lines.append(f"按{label}，{base_label}达{format_yuan(low)}（{'含本数' if rule.threshold_inclusive else '不含本数'}）"
                     f"即可享受{rule.title}，低于{format_yuan(low)}不享受该项奖补。")
        if rule.kind == "rate":
            rate = P.value(rule.rate)
            figures += [low, quantize(low * rate)]
            lines.append(f"恰好{format_yuan(low)}时：{format_yuan(low)} × {pct(rate)} = {format_yuan(figures[-1])}。")
        else:
            figures.append(low)
        if rule.for_each:
            item = lex.inputs[rule.for_each].item or "项目"
            lines.append(f"门槛按单个{item}判断，不同{item}的金额不能合并凑数" + (f"；另须同时满足：{conds}。" if conds else "。"))
    else:
        cap = rule.caps[0]
        value = P.value(cap.parameter)
        if rule.kind == "per_kind":
            named = [c[2] for c in concepts(turn.text, 0, len(turn.text), lex) if lex.path(c[2]).startswith(rule.base + ".")]
            kinds = [lex.path(k).split(".", 1)[1] for k in dict.fromkeys(named)]
            if len(kinds) == 1 and kinds[0] in rule.rates:
                rate = P.value(rule.rates[kinds[0]])
                at = cap_binding_amount(rate, value)
                figures += [at, quantize(at * rate)]
                kind_label = lex.inputs[f"{rule.base}.{kinds[0]}"].label
                lines.append(f"按{label}，{kind_label}按{'不超过' if rule.maximum else ''}实际支付金额的{pct(rate)}补贴，"
                             f"{(cap.text or '最高 {cap}').format(cap=format_yuan(value))}。")
                lines.append(f"按{'最高比例' if rule.maximum else '比例'}{pct(rate)}计，实际支付达{format_yuan(at)}时：{format_yuan(at)} × "
                             f"{pct(rate)} = {format_yuan(figures[1])}，即达到上限。"
                             + ("比例是上限（不超过），实际核定比例更低时，封顶所需的支付额相应更高。" if rule.maximum else ""))
            else:
                rates = "、".join(f"{lex.inputs[f'{rule.base}.{k}'].label}{pct(P.value(p))}" for k, p in rule.rates.items())
                kw = rule.texts.get("kind_word", "类别")
                lines.append(f"按{label}，补贴比例因{kw}而异{'（均为最高比例）' if rule.maximum else ''}：{rates}；"
                             f"{(cap.text or '最高 {cap}').format(cap=format_yuan(value))}。所以实际支付多少封顶取决于{kw}，"
                             f"请说明是哪个{kw}，我按该{kw}的比例测算。")
                kinds_text = "、".join(lex.inputs[f"{rule.base}.{k}"].label for k in rule.rates)
                add_followup(followups, asks, f"您问的是哪个{kw}（{kinds_text}）？")
        else:
            at = cap_binding_base(lex.id, rule.id)
            rate = P.value(rule.rate) if rule.rate else None
            if rate is not None:
                below = at - 1
                figures += [at, below, quantize(at * rate), quantize(below * rate)]
                lines.append(f"按{label}，奖补为{base_label}的{pct(rate)}，{(cap.text or '最高 {cap}').format(cap=format_yuan(value))}。"
                             f"{base_label}达{format_yuan(at)}起封顶：")
                lines.append(f"  · {format_yuan(at)} × {pct(rate)} = {format_yuan(figures[2])}，达到{format_yuan(value)}，"
                             f"按{format_yuan(value)}奖补；")
                lines.append(f"  · {format_yuan(below)} × {pct(rate)} = {format_yuan(figures[3])}，尚未封顶。")
            else:
                figures.append(at)
                lines.append(f"按{label}，{base_label}达{format_yuan(at)}时即达到上限{format_yuan(value)}。")
            if cap.scope in ("per_enterprise", "per_enterprise_year") and rule.for_each:
                item = lex.inputs[rule.for_each].item or "项目"
                lines.append(f"{format_yuan(value)}上限按单个企业计算：企业几个{item}的该项奖补合计不超过{format_yuan(value)}。")
            if conds:
                lines.append(f"另须同时满足：{conds}。")
    units = units_text(doc, rule.clause)
    if units:
        lines.append(f"责任单位：{units}。")
    cites = [citation(doc, rule.clause, quote=best_quote(clause, question))]
    dc = lex.pack.rules.document_cap
    if dc is not None:
        cap_clause = doc.clause(dc.clause)
        lines.append(f"另按{cap_clause.label}，各项奖励补助以{dc.full}为限。")
        add_citation(cites, citation(doc, dc.clause, quote=sentences(cap_clause.text)[0]))
    return finish(doc, "\n".join(lines), citations=cites, flags=[f"whatif:{turn.reverse}"], followups=followups,
                  asks=asks, sources=[str(v) for v in figures])


def cap_distance_answer(lex: Lex, session: Session, question: str) -> Answer:
    """离封顶还差多少: the awards so far against the document-wide cap, or what is missing."""
    from tools.calculator import calculate
    from tools.errors import CalcError
    from tools.whatif import distance_to_tax_cap

    doc = lex.doc
    dc = lex.pack.rules.document_cap
    cap_clause = doc.clause(dc.clause)
    cites = [citation(doc, dc.clause, quote=sentences(cap_clause.text)[0])]
    over = dc.texts.get("over", "超出部分不予兑现")
    rule = f"按{cap_clause.label}，各项奖励补助合计以{dc.full}为限，{over}。"
    ask_q, ask = followup_for(lex, lex.fact_of(dc.input), "")
    try:
        result = calculate(session.profile, doc_id=lex.id)
    except CalcError as e:
        return finish(doc, f"无法计算：{e}", flags=["error:profile"])
    if not result.items:
        text = rule + f"要算离上限还差多少，需要先知道贵企业可获的各项奖补和{dc.label}的金额。"
        return finish(doc, text, citations=cites, flags=["whatif:tax_distance"],
                      followups=["贵企业有哪些奖补可以申请？", ask_q], asks=[ask])
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
    uncapped, cap = result.uncapped_total, result.tax_cap
    figures: list[Decimal] = []
    followups: list[str] = []
    asks: list[dict] = []
    if cap is None:
        head = f"目前可测算的各项奖补合计{format_yuan(uncapped)}："
        tail = [rule + f"未提供该数额，无法计算离上限还差多少；请告知{yours(dc.label)}的金额。"]
        add_followup(followups, asks, ask_q, ask)
    else:
        d = distance_to_tax_cap(uncapped, cap)
        figures += [d, -d]
        head = f"各项奖补合计{format_yuan(uncapped)}，{dc.label}{format_yuan(cap)}："
        if d > 0:
            tail = [f"{rule}离上限还差{format_yuan(d)}：奖补合计再增加{format_yuan(d)}以内仍可全额获得，超过的部分不予奖励。"]
        elif d == 0:
            tail = [f"{rule}奖补合计正好等于上限，再增加的奖补不予奖励。"]
        else:
            tail = [f"{rule}奖补合计已超过上限{format_yuan(-d)}，实际以{format_yuan(cap)}为限；超出的{format_yuan(-d)}不予奖励，"
                    "也不结转到以后年度。"]
    if result.unknown and any(u["rule"] != dc.id for u in result.unknown):
        tail.append("以上合计以待确认条件全部满足为前提；任一条件不满足，该项不予奖补。")
        for u in result.unknown:
            q, a = followup_for(lex, u["id"], u["text"])
            add_followup(followups, asks, q, a)
    text = "\n".join([head, *lines, *tail])
    return finish(doc, text, citations=cites, award=award, flags=["whatif:tax_distance", *award.get("flags", [])],
                  followups=followups, asks=asks, sources=[str(v) for v in figures])


__all__ = ["cap_distance_answer", "whatif_answer"]
