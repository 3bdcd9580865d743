"""Answers quoting the document: clause lookups and outlines, responsible units, the work targets."""

from __future__ import annotations

import re

from assistant.answer import Answer
from assistant.answer_parts import AWARD_CLAUSES, _finish
from assistant.compose import (
    add_citation,
    best_quote,
    citation,
    interpretation,
    matching_interpretation,
    ranked_sentences,
    sentences,
    unit_quote,
    units_text,
)
from assistant.topics import topics_in_order
from assistant.understand import CLAUSE_RULES, Turn
from corpus import Document


def _outline(doc: Document, clause, question: str) -> Answer:
    """A headline-only clause (三、主要任务): its parts, each cited by its first sentence."""
    cites: list[dict] = []
    parts = []
    for kid in clause.children:
        k = doc.clause(kid)
        first = sentences(k.text)[0] if sentences(k.text) else k.text
        parts.append(f"{k.label}{k.heading}" if k.heading else f"{k.label}：{first.rstrip('。')}")
        add_citation(cites, citation(doc, kid, quote=sentences(k.text)[0] if sentences(k.text) else k.text))
    sep = "" if clause.label.endswith("）") else "、"
    text = f"{clause.label}{sep}{clause.heading}包括：" + "；".join(parts) + "。"
    text += "\n（如需某一项的原文，请说明是哪一项。）"
    head = sentences(clause.text)[0] if clause.text.strip() and sentences(clause.text) else clause.heading
    return _finish(doc, text, citations=[{"doc": doc.id, "clause": clause.id, "label": clause.label, "quote": head}]
                   + cites, flags=["outline"])


# Asking for the items of a parent clause (四（三）有哪几条 / 列出所有 / 分别是什么), not for its own words.
_ITEMS_Q = re.compile(r"所有|哪几|哪些|列出|列举|分别|包括|包含|有几(条|项|个|款)|都有(什么|啥)|几条|几项")


def _lookup(doc: Document, cids: list[str], question: str, turn: Turn | None = None, *, generic: bool = False) -> Answer:
    """Quote the clause asked about. `generic`: a document other than the primary one, so none of the primary
    document's own readings (interpretations, stacking, award follow-ups) apply."""
    if turn is not None and not generic and turn.separate:
        rules = [c for c in topics_in_order(turn.focus or question) if c in AWARD_CLAUSES and doc.find(c) is not None]
        if len(rules) > 1:
            return _combination(doc, rules, question)  # 设备奖补和上云补贴能同时享受吗
    cid = cids[0]
    clause = doc.clause(cid)
    # a parent named by its number and asked for its items (四（三）有哪几条) lists them; a topic found by its words
    # (每年要培育哪些示范项目) is quoted
    if clause.children and (not clause.text.strip() or turn is not None and turn.clause_ref == cid
                            and _ITEMS_Q.search(turn.focus or question)):
        return _outline(doc, clause, question)
    cites: list[dict] = []
    quote = best_quote(clause, question)
    add_citation(cites, citation(doc, cid, quote=quote))
    lines = [f"{clause.label}{('（' + clause.heading + '）') if clause.heading else ''}规定：“{quote}”"]
    if quote != clause.text.split("〔责任单位", 1)[0].strip():
        more = [x for x in ranked_sentences(clause, question)[1:2] if x != quote]
        if more:
            lines.append(f"该条还写道：“{more[0]}”")
    flags: list[str] = []
    followups: list[str] = []
    extra_texts: list[str] = []
    if turn is not None and turn.figures and not generic:
        lines += _figure_lines(doc, clause, turn)
    elif turn is not None and not generic and cid in AWARD_CLAUSES and cid != "4.3.7":
        lines += _annual_lines(doc, clause, turn.focus or question)  # 上云补贴是按年度计算吗
    it = matching_interpretation(doc, cid, turn.focus if turn is not None and turn.focus else question,
                                 interpretive=bool(turn is not None and turn.interpretive))
    if it is not None:
        reading = "".join(x for x in sentences(str(it["reading"])) if not x.startswith(("回答", "并提示")))
        basis = ("文件明确规定" if it.get("basis") == "explicit"
                 else f"文件未明确，此为政策办采纳的理解，以{doc.meta.get('consult_unit') or '市工信局'}解释为准")
        lines.append(f"按政策办采纳的理解（{basis}）：{reading}")
        extra_texts.append(str(it["reading"]))
        if it.get("basis") == "assumption":
            flags.append(f"assumption:{it['id']}")
    if cid in ("4.3.3", "4.3.4") and not generic:
        st = interpretation(doc, "stacking")
        note = "文件未明确不同级别称号能否叠加，以市工信局解释为准"
        lines.append(f"注意：{note}。")
        flags.append("ambiguity:stacking")
        if st is not None and not it:
            extra_texts.append(str(st.get("reading", "")))
    units = units_text(doc, cid)
    if units:
        lines.append(f"责任单位：{units}。")
    for other in cids[1:2]:
        if other != cid and doc.find(other) is not None:
            add_citation(cites, citation(doc, other, question))
    rule = None if generic else CLAUSE_RULES.get(cid)
    if rule and rule != "tax_cap":
        ask_for = {
            "equipment": "贵企业是否为规上企业，技改项目是否已竣工、列入国家统计库、符合产业政策，购买设备投资额是多少？",
            "smart_matching": "赣州市给予贵企业的智能制造奖补金额是多少？",
            "lianghua": "贵企业获得的是哪一级两化融合称号（国家贯标、省级示范、市级示范）？",
            "service": "贵企业获得的是哪一级服务型制造示范称号（国家、省、市）？",
            "cloud": "贵企业各上云阶段的实际支付金额是多少？",
            "node": "贵企业二级节点的实际投资额是多少，是否已通过验收、在龙南注册？",
        }.get(rule)
        if ask_for:
            followups.append(ask_for)
        if cid in AWARD_CLAUSES and cid != "4.3.7":
            tax = doc.find("4.3.7")
            if tax is not None:
                lines.append(f"另按{tax.label}，各项奖励补助以企业当年所缴税收地方财政实得部分（增值税、企业所得税）为限。")
                add_citation(cites, citation(doc, "4.3.7", quote=sentences(tax.text)[0]))
    return _finish(doc, "\n".join(lines), citations=cites, flags=flags, followups=followups, sources=extra_texts)


def _combination(doc: Document, rules: list[str], question: str) -> Answer:
    """Whether two (or more) of the document's award rules combine: each is its own rule with its own conditions, the
    document neither forbids nor expressly allows taking them together, and all of them stay under 四（三）7."""
    from assistant.compose import rule_rows

    rows = rule_rows()
    cites: list[dict] = []
    lines = []
    for cid in rules:
        r = rows[cid]
        conds = "；".join(c["text"] for c in r["conditions"])
        lines.append(f"【{r['label']} {r['title']}】{r['rule_text']}；条件：{conds}。")
        add_citation(cites, citation(doc, cid, question))
    consult = doc.meta.get("consult_unit") or "市工信局"
    labels = "和".join(rows[c]["label"] for c in rules)
    lines.append(f"{labels}是文件分别规定的奖补，各按自身条件分别计算，符合条件的各项相加。"
                 f"文件没有禁止同时享受，但也没有明确写明可以同时享受，以{consult}解释为准。")
    tax = doc.find("4.3.7")
    if tax is not None:
        lines.append(f"各项合计以企业当年所缴税收地方财政实得部分（增值税、企业所得税）为限（{tax.label}）。")
        add_citation(cites, citation(doc, "4.3.7", quote=sentences(tax.text)[0]))
    units = units_text(doc, rules[0])
    if units:
        lines.append(f"责任单位：{units}。")
    return _finish(doc, "\n".join(lines), citations=cites, flags=["combination"],
                   followups=["如需测算，请告诉我贵企业在上述各项的具体情况。"])


_PER_YEAR_Q = re.compile(r"每年|每一年|年年|按年|逐年|一年一次|每个年度|每年度|年度(计算|申报|发放|享受)|一年(能|可以)?(申请|申报|拿)几次")
_ONCE = re.compile(r"一次性(资金)?(奖补|补助|奖励|补贴)?")


def _figure_lines(doc: Document, clause, turn: Turn) -> list[str]:
    """A figure asked about (两化融合贯标奖励20万是国家级的吗 / 6%是一次性的吗): which of the clause's parameters it is,
    and whether the clause makes it one-off or yearly (it says 一次性 or nothing)."""
    from tools.amounts import format_yuan
    from tools.params import load_parameters

    try:
        params = [p for p in load_parameters(doc.id) if p.clause == clause.id and p.value in turn.figures]
    except Exception:  # noqa: BLE001 - a document without parameters has no figures to name
        return []
    if not params:
        return []
    lines = [f"文件中{format_yuan(p.value) if p.unit == '元' else f'{(p.value * 100).normalize():f}%'}是指：{p.label}。"
             for p in params]
    return lines + _annual_lines(doc, clause, turn.focus or turn.text)


def _annual_lines(doc: Document, clause, focus: str) -> list[str]:
    """Whether the award is one-off or yearly, as the clause writes it: 一次性 where it says so, else not stated."""
    if not (_PER_YEAR_Q.search(focus) or "一次性" in focus):
        return []
    once = _ONCE.search(normalise_space(clause.text))
    if once:
        return [f"该条写明为{once.group(0)}" + ("，文件未规定按年度重复享受。" if _PER_YEAR_Q.search(focus) else "。")]
    consult = doc.meta.get("consult_unit") or "市工信局"
    return [f"文件未写明是否每年可享受，也未写明是否为一次性奖补；请以{consult}解释为准。"]


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _unit(doc: Document, topics: list[str], question: str, last_topic: str | None) -> Answer:
    cid = topics[0] if topics else last_topic
    if cid is None or doc.find(cid) is None:
        consult = doc.meta.get("consult_unit") or "市工信局"
        text = f"请说明是哪一项工作或奖补（例如上云补贴、服务型制造、项目库）。文件中多数事项的牵头单位是{consult}。"
        return _finish(doc, text, followups=["您想问哪一项工作或奖补的责任单位？"], flags=["unit:unclear"])
    clause = doc.clause(cid)
    units = units_text(doc, cid)
    cites = [citation(doc, cid, question)]
    own = unit_quote(clause)
    holder = next((c for c in reversed(doc.ancestors(cid)) if c.units), None)
    if own:
        cites[0]["quote"] = own
    elif holder is not None and holder.id != cid:
        q = unit_quote(holder)
        if q:
            add_citation(cites, citation(doc, holder.id, quote=q))
    # a leaf rule has no heading: name it by its first phrase, never cut mid-phrase
    name = clause.heading or re.split(r"[，。；]", best_quote(clause, question))[0][:30]
    if units:
        text = f"{clause.label}（{name}）的责任单位是：{units}。"
        if holder is not None and holder.id != cid:
            text += f"（该条未单列责任单位，按所属{holder.label}“{holder.heading}”的责任单位。）"
    else:
        text = f"{clause.label}没有写明责任单位，可咨询{doc.meta.get('consult_unit') or '市工信局'}。"
    return _finish(doc, text, citations=cites, flags=["unit"])


def _unit_clauses(doc: Document, unit: str) -> Answer:
    """The clauses whose 〔责任单位〕 names `unit`, in document order, each cited by its unit line."""
    own = [c for c in doc if unit in c.units]
    if not own:
        return _finish(doc, f"文件没有列明{unit}负责的条款。", abstained=True, flags=["unit_clauses"])
    lines = [f"{unit}列为以下{'各' if len(own) > 1 else ''}条的责任单位："]
    cites: list[dict] = []
    for c in own:
        others = [u for u in c.units if u != unit]
        shared = f"（与{'、'.join(others)}共同负责）" if others else ""
        scope = "，其下各项奖补同此" if c.children and not any(doc.clause(k).units for k in c.children) else ""
        lines.append(f"· {c.label}{c.heading}{shared}{scope}。")
        add_citation(cites, citation(doc, c.id, quote=unit_quote(c) or c.heading))
    return _finish(doc, "\n".join(lines), citations=cites, flags=["unit_clauses"])


_YEARLY = re.compile(r"(\d{4})\s*年起每年分别推动\s*(.+?)工业企业")


def _targets(doc: Document, question: str, year: int | None = None) -> Answer:
    c = doc.clause("2")
    it = interpretation(doc, "targets")
    flags = ["targets"] if it else []
    m = _YEARLY.search(c.text)
    if year is not None and m:
        counts = re.findall(r"(\d+)\s*家", m.group(2))
        sent = next((x for x in sentences(c.text) if m.group(0) in x), m.group(0))
        i = year - int(m.group(1))
        if 0 <= i < len(counts):
            text = (f"按{c.label}、{c.heading}，{year}年计划推动{counts[i]}家工业企业实施技术改造。"
                    f"原文：“{sent}”")
            return _finish(doc, text, citations=[citation(doc, "2", quote=sent)], flags=flags, sources=[f"{year}年"])
        text = (f"{c.label}、{c.heading}只规定了{m.group(1)}年起逐年的目标（“{sent}”），没有{year}年的目标数。"
                f"请向{doc.meta.get('consult_unit') or '市工信局'}咨询。")
        return _finish(doc, text, citations=[citation(doc, "2", quote=sent)], abstained=True,
                       flags=[*flags, "abstain:year"], sources=[f"{year}年"])
    text = f"{c.label}、{c.heading}：“{c.text.strip()}”"
    return _finish(doc, text, citations=[citation(doc, "2", quote=c.text.strip())], flags=flags)
