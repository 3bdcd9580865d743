"""Answers the calculator computes: the award for the profile (per rule, caps, the document-wide cap), what can be
claimed, the classification tier; every figure from the award object, every rule from the pack."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from assistant.answer import Answer
from assistant.compose.common import add_followup, finish, followup_for, place_line, rule_rows, status_line, yours
from assistant.compose.text import FIGURE_Q, add_citation, best_quote, citation, sentences, units_text
from assistant.session import Session
from assistant.understand.focus import BASIS_Q, Q_MARK
from assistant.understand.lexicon import Lex
from assistant.understand.topics import topics_in_order, topics_of
from assistant.understand.turn import Turn
from assistant.understand.zh import SUM_RE
from tools.amounts import format_yuan


def cap_sentence(lex: Lex) -> tuple[str, dict | None]:
    """The document-wide cap as one sentence, and its citation (None when the document has none)."""
    dc = lex.pack.rules.document_cap if lex.pack.rules else None
    if dc is None:
        return "", None
    clause = lex.doc.clause(dc.clause)
    return (f"另按{clause.label}，各项奖励补助合计以{dc.full}为限。",
            citation(lex.doc, dc.clause, quote=sentences(clause.text)[0]))


def library_answer(lex: Lex, library: dict, question: str) -> Answer:
    """A classification (纳入市级/省级技改项目库): not money, no award."""
    doc = lex.doc
    cid = library["clause"]
    clause = doc.clause(cid)
    quote = best_quote(clause, question)
    lines = [f"{clause.label}（{clause.heading}）规定：“{quote}”", "按您提供的项目投资："]
    lines += [f"· {x}。" for x in library.get("steps") or []]
    lines.append(f"结论：{library.get('tier_text', '')}。")
    units = units_text(doc, cid)
    if units:
        lines.append(f"责任单位：{units}。")
    return finish(doc, "\n".join(lines), citations=[citation(doc, cid, quote=quote)], flags=["library"],
                  sources=list(library.get("steps") or []))


def _claim_status(r: dict) -> str:
    """One rule of the claimable list for a profile: 可享 / 不符合 with the failed condition / 待确认 with what is open."""
    failed_ids = [c["id"] for c in r["conditions"] if c.get("state") == "not_met"]
    if r["status"] == "ineligible" and failed_ids and all(i.endswith("_title") for i in failed_ids):
        return f"未提到相应称号；如获得，{r['rule_text']}"  # the enterprise did not mention one: no refusal
    if r["status"] == "ineligible":
        failed = "、".join(f"“{c['text']}”" for c in r["conditions"] if c.get("state") == "not_met")
        return f"{r['status_text']}（条件{failed}不满足），不予奖补" if failed else f"{r['status_text']}，不予奖补"
    amount = r["amount_text"] if r["amount"] is not None else r["rule_text"]
    if r["status"] != "unknown":
        return f"{r['status_text']}，{amount}"
    open_ = "；".join(c["text"] for c in r["conditions"] if c.get("state") != "met")
    return f"{r['status_text']}，{amount}" + (f"；待确认条件：{open_}" if open_ else "")


def claimable_answer(lex: Lex, profile: dict, question: str, as_of: date | None = None) -> Answer:
    """Every award rule of the document, with its status for the profile stated so far."""
    from tools.calculator import calculate, claimable

    doc = lex.doc
    rows = claimable(profile, doc_id=lex.id, as_of=as_of)
    section = doc.find(lex.words.award_section) if lex.words.award_section else None
    where = f"按文件{section.label}" if section is not None else f"按{doc.doc_number or doc.id}"
    lines = []
    st = status_line(lex, as_of)
    if st:
        lines.append(f"{st}，按本文件不予奖补；以下为文件原有规定，仅供查阅。")
    lines.append(f"{where}，企业可申请的奖补如下：" if not profile else f"按您提供的情况，{place_line(lex)}，各项奖补情况如下：")
    cites: list[dict] = []
    followups: list[str] = []
    asks: list[dict] = []
    for r in rows:
        add_citation(cites, citation(doc, r["clause"], question))
        lines.append(f"· {r['label']} {r['title']}：{r['rule_text'] if not profile else _claim_status(r)}。")
    cap_text, cap_cite = cap_sentence(lex)
    if cap_text:
        lines.append(cap_text.replace("另按", "以上各项合计按"))
        add_citation(cites, cap_cite)
    units = units_text(doc, rows[0]["clause"]) if rows else ""
    if units:
        lines.append(f"责任单位：{units}。")
    award = None
    if profile:
        result = calculate(profile, doc_id=lex.id, as_of=as_of)
        if result.items:
            award = result.to_dict()
            if any(r["status"] != "ineligible" and r["amount"] is not None for r in rows):
                lines.append(f"目前可测算的合计：{format_yuan(result.total)}。")
            else:
                lines.append("目前尚无可计算金额的奖补；请补充上述待确认的情况后再测算。")
            for u in result.unknown:
                q, ask = followup_for(lex, u["id"], u["text"])
                add_followup(followups, asks, q, ask)
    flags = ["claimable"]
    for r in (lex.pack.rules.rules if lex.pack.rules else ()):
        if r.kind == "titles" and r.stacking and r.stacking.flag and r.stacking.note:
            if r.stacking.flag not in (award or {}).get("flags", []):
                lines.append(f"注：{r.stacking.note}。")
            flags.append(r.stacking.flag)
            break
    return finish(doc, "\n".join(lines), citations=cites, award=award, flags=list(dict.fromkeys(flags)),
                  followups=followups, asks=asks)


def _total_lines(lex: Lex, award: dict, items: list[dict]) -> list[str]:
    """The total with the document-wide cap said once: capped, checked against its base, or the condition stated."""
    if not items:
        return []
    pending = [i for i in items if i["status"] != "ineligible" and i.get("amount") is None]
    known = [i for i in items if i["status"] != "ineligible" and i.get("amount") is not None]
    if pending and not known:
        names = "、".join(f"{i['label']}" for i in pending)
        return [f"{names}的金额需补充资料后才能计算，目前没有可计入合计的金额。"]
    lines = _known_total_lines(lex, award, items)
    if pending:
        names = "、".join(f"{i['label']}（{i.get('title', '')}）" for i in pending)
        lines.append(f"{names}的金额待补充，未计入以上合计。")
    return lines


def _known_total_lines(lex: Lex, award: dict, items: list[dict]) -> list[str]:
    total, uncapped, cap = award["total"], award.get("uncapped_total", award["total"]), award.get("tax_cap")
    maximum = any(i.get("maximum") for i in items if i["status"] != "ineligible")
    dc = lex.pack.rules.document_cap if lex.pack.rules else None
    if dc is None:
        lines = [f"合计：{'最高' if maximum else ''}{format_yuan(total)}。"]
    else:
        label = lex.doc.clause(dc.clause).label
        over = dc.texts.get("over", "超出部分不予兑现")
        if award.get("capped_by_tax"):
            lines = [f"合计：{format_yuan(total)}（各项合计{format_yuan(uncapped)}，超过{dc.label}{format_yuan(cap)}，"
                     f"按{label}以{format_yuan(cap)}为限，{over}）。"]
        elif cap is not None:
            lines = [f"合计：{'最高' if maximum else ''}{format_yuan(total)}（未超过{dc.label}{format_yuan(cap)}，{label}上限未触及）。"]
        else:
            lines = [f"合计：{'最高' if maximum else ''}{format_yuan(total)}。"]
            if uncapped > 0:
                lines.append(f"按{label}，奖补合计以{yours(dc.full)}为限；未提供该数额，以上为未封顶金额。")
    if any(i["status"] == "unknown" for i in items):
        lines.append("以上合计以待确认条件全部满足为前提；任一条件不满足，该项不予奖补。")
    return lines




def compose_award(lex: Lex, award: dict, focus: list[str], question: str, money_asked: bool = True
                  ) -> tuple[str, list[dict], list[str], list[str], list[dict]]:
    """(text, citations, flags, followups, asks) for a calculator result; `focus` clause ids go first."""
    doc = lex.doc
    cites: list[dict] = []
    library_clause = lex.classification_clause
    if focus and focus[0] == library_clause and award.get("library"):
        add_citation(cites, citation(doc, library_clause, question))
    items = sorted(award["items"], key=lambda i: (0 if i["clause"] in focus else 1,
                                                  focus.index(i["clause"]) if i["clause"] in focus else 0))
    title_rules = {r.id for r in (lex.pack.rules.rules if lex.pack.rules else ()) if r.kind == "titles"}
    lines: list[str] = []
    followups: list[str] = []
    asks: list[dict] = []
    rows = rule_rows(lex)
    for it in items:
        add_citation(cites, citation(doc, it["clause"], question))
        for c in it.get("conditions") or []:
            # a condition its steps weigh (就高、不重复 against another policy's figure) is cited where it is written
            if c.get("clause") and c["state"] != "unknown" and doc.find(c["clause"]) \
                    and any(f"“{c['text']}”" in s for s in it.get("steps") or []):
                add_citation(cites, citation(doc, c["clause"], question))
        if it["status"] == "ineligible":
            head = f"【{it['label']} {it.get('title', '')}】不符合条件，该项为0元。"
        elif it.get("amount") is None:
            rule = rows.get(it["clause"], {}).get("rule_text")
            how = f"（{rule}）" if rule else ""
            head = f"【{it['label']} {it.get('title', '')}】{it['status_text']}，金额暂无法计算{how}。"
        else:
            prefix = "最高可获" if it.get("maximum") else ("可获" if it["status"] == "eligible" else "如条件满足可获")
            head = f"【{it['label']} {it.get('title', '')}】{it['status_text']}，{prefix}{format_yuan(it['amount'])}。"
        lines.append(head)
        if it["rule"] in title_rules or award.get("doc_status") not in (None, "in_force") or BASIS_Q.search(question):
            # the title amounts are the clause's own list: quote it, so the level read can be checked; a document
            # not in force pays nothing, so what it said is quoted for reference; asked what the amount is computed
            # on (按哪个数算), the clause says it
            lines.append(f"  原文：“{best_quote(doc.clause(it['clause']), question)}”")
        for s in it.get("steps") or []:
            lines.append(f"  · {s}")
        for c in [c for c in it.get("conditions") or [] if c["state"] == "not_met"][:1] if it["status"] == "ineligible" else []:
            # the failing condition as the document writes it (同一笔贷款已享受其他财政贴息的，不重复贴息)
            cl = c.get("clause") if c.get("clause") and doc.find(c["clause"]) else it["clause"]
            sent = best_quote(doc.clause(cl), c["text"]).rstrip("；;")
            if sent and not any(sent in x for x in lines):
                lines.append(f"  {doc.clause(cl).label}：“{sent}”")
        if it["status"] == "unknown":
            open_ = [c["text"] for c in it.get("conditions") or [] if c["state"] == "unknown"]
            if open_:
                lines.append("  尚待确认：" + "、".join(open_))
        for n in it.get("notes") or []:
            lines.append(f"  注：{n}")
    lines.extend(_total_lines(lex, award, items))
    for u in award.get("unknown") or []:
        q, ask = followup_for(lex, u["id"], u["text"])
        add_followup(followups, asks, q, ask)
    rules = {r.id: r for r in (lex.pack.rules.rules if lex.pack.rules else ())}
    for it in items:
        if it.get("amount") is None and it["status"] != "ineligible":
            r = rules.get(it["rule"])
            missing = (r.base or r.count or r.outside) if r is not None else ""
            if missing and lex.inputs.get(missing) is not None and lex.inputs[missing].type == "group":
                q, ask = followup_for(lex, f"{r.id}_paid", "")
                add_followup(followups, asks, q, ask)
            elif missing:
                q, ask = followup_for(lex, lex.fact_of(missing), "")
                add_followup(followups, asks, q, ask)
    dc = lex.pack.rules.document_cap if lex.pack.rules else None
    if dc is not None and dc.clause in award.get("clauses", []):
        add_citation(cites, citation(doc, dc.clause, quote=sentences(doc.clause(dc.clause).text)[0]))
    if award.get("library"):
        lib = award["library"]
        lines.append(f"【{lib.get('label', '')} 项目库】{lib.get('tier_text', '')}。")
        lines.extend(f"  · {x}" for x in lib.get("steps") or [])
        add_citation(cites, citation(doc, lib["clause"], question))
    # nothing is paid because of a condition written in another clause (支持对象, 开工日期): that clause comes first
    if items and all(i["status"] == "ineligible" for i in items):
        # (asked how much under an expired document, 有效期内并网 is said first anyway: the rule leads, then that
        # clause; asked whether it still applies, the validity clause does)
        validity = lex.pack.rules.validity_clause if lex.pack.rules else None
        failed = [c["clause"] for i in items for c in i.get("conditions") or []
                  if c["state"] == "not_met" and c.get("clause") and c["id"] != "in_force" and doc.find(c["clause"])
                  and (c["clause"] != validity or not money_asked or award.get("doc_status") in (None, "in_force"))]
        for cid in reversed(list(dict.fromkeys(failed))):
            cites[:] = [x for x in cites if x["clause"] != cid]
            cites.insert(0, citation(doc, cid, question))
    flags = list(award.get("flags") or [])
    return "\n".join(lines), cites, flags, followups, asks


def award_answer(lex: Lex, session: Session, turn: Turn, question: str, *, changed: bool = True,
                 as_of: date | None = None, named_place: bool = False) -> Answer | None:
    from tools.calculator import calculate
    from tools.errors import CalcError

    doc = lex.doc
    try:
        result = calculate(session.profile, doc_id=lex.id, as_of=as_of)
    except CalcError as e:
        return finish(doc, f"无法计算：{e}", flags=["error:profile"])
    if not result.items:
        lib_clause = lex.classification_clause
        if result.library is not None and (lib_clause in turn.topics or session.last_topic == lib_clause):
            return library_answer(lex, result.library, question)
        return None
    award = result.to_dict()
    # the awards the turn gives figures for, in the order it names them (上云付了10万 二级节点投资60万: 四（三）5, then
    # 四（三）6); then the other topics, most relevant first (智改项目贷款…贴息多少: the loan's rule, not the project's)
    fed = {c for k, v in turn.facts if isinstance(v, Decimal) for c in lex.clauses_reading(lex.path(".".join(k)))}
    fed |= {r.clause for oid, held in turn.titles if held for r in (lex.pack.rules.rules if lex.pack.rules else ())
            if oid in r.options}
    named = [c for c in (topics_in_order(turn.text, lex) if turn.text else []) if c in fed and c in (turn.topics or [])]
    topics = named + [c for c in (turn.topics or []) if c not in named]
    focus = [c for c in topics if c in lex.award_clauses or c in (lex.classification_clause, lex.cap_clause)]
    if session.last_topic in lex.award_clauses and (
            session.last_intent == "award" and not Q_MARK.search(turn.text)
            or session.last_intent in ("award", "lookup") and SUM_RE.search(turn.text)):
        # 还有两项 上云实付3万… / 另外…两项一共多少 / 服务型制造分几档 → 我们是国家级的 另外…合计多少: the rule talked
        # about leads the sum, then the ones now named
        focus = list(dict.fromkeys([session.last_topic, *focus]))
    elif not focus and session.last_topic in lex.award_clauses:
        focus = [session.last_topic]
    # how much is asked (补多少), not whether (能拿补贴吗 / 还能申报吗): an expired document's rule leads
    how_much = turn.asks_money and bool(FIGURE_Q.search(turn.focus or question))
    text, cites, flags, followups, asks = compose_award(lex, award, focus, question, money_asked=how_much)
    aside = _asked_rule_aside(lex, award, turn)
    if aside:
        # 买断了一套MES软件80万 能按订阅费30%补吗: the rule asked about is not where the figure goes; it says why
        rule, line = aside
        cites.insert(0, citation(doc, rule.clause, question))
        text = line + "\n" + text
    head = ("按目前掌握的情况测算如下：" if not changed else
            "按调整后的情况重新测算如下：" if turn.whatif else "按您提供的情况测算如下：")
    head = f"{place_line(lex)}。" + head if not named_place or result.status_text else head
    if result.status_text:
        vc = lex.pack.rules.validity_clause
        head = f"{result.status_text}，按本文件不予奖补（金额为0元）。" + (f"见{doc.clause(vc).label}。" if vc and doc.find(vc) else "") + \
            "\n" + head
        if vc and doc.find(vc) is not None:
            add_citation(cites, citation(doc, vc, question))
        flags.append(f"status:{result.doc_status}")
    if turn.separate:
        text += _separate_rules(lex, award, turn, cites, followups, asks)
    quoted = []  # the user's own figure, echoed only when it agrees: the guard lets it through
    if turn.claimed:
        quoted.append(_claim_check(turn, award))
        text += "\n" + quoted[-1]
    if turn.unlisted_titles:
        named = "、".join(f"“{x}”" for x in dict.fromkeys(turn.unlisted_titles))
        text += (f"\n注：{named}不在文件所列的称号之内，按该条不予奖励；是否另有支持，请向{lex.consult}咨询。")
    rules = lex.pack.rules
    if turn.cap_left_out and rules is not None and rules.document_cap is not None:
        # 个人所得税地方留成3万: a figure the document-wide cap does not count, said so
        dc = rules.document_cap
        left = "、".join(f"{w}{format_yuan(a)}" for w, a in turn.cap_left_out)
        label = doc.clause(dc.clause).label if doc.find(dc.clause) else dc.clause
        text += f"\n注：{left}不计入{label}的限额基数（{label}以{dc.full}为限）。"
    for b in (rules.budgets if rules is not None else ()):
        p = rules.parameters[b.parameter]
        if not b.rule and p.value in turn.figures and doc.find(p.clause) is not None:
            # 3000万不够分 会不会被打折: the budget the user names, as the document has it
            text += f"\n注：{b.note or '“' + p.quote + '”是资金总额，不是单个企业的上限'}。"
            add_citation(cites, citation(doc, p.clause, quote=p.quote))
    return finish(doc, head + "\n" + text, citations=cites, award=award, flags=flags, followups=followups, asks=asks,
                  sources=quoted)


def _asked_rule_aside(lex: Lex, award: dict, turn: Turn):
    """The rule the turn asks about, when a figure stated under it was named as something it does not pay for and
    its notes say so: (rule, the line saying so), else None."""
    rules = {r.clause: r for r in (lex.pack.rules.rules if lex.pack.rules else ())}
    asked = turn.topics[0] if turn.topics else None
    paid = {i["clause"] for i in award["items"]}
    if asked not in rules or asked in paid or asked not in turn.kept_from_topic or not rules[asked].notes:
        return None
    r = rules[asked]
    label = lex.doc.clause(r.clause).label
    return r, f"【{label} {r.title}】所述金额不属于本条：{'；'.join(r.notes)}。"


def _claim_check(turn: Turn, award: dict) -> str:
    """能补60万吗: the figure the user quoted against what the calculator gives."""
    got = award["total"]
    want = turn.claimed[0]
    if got == want:
        return f"您说的{format_yuan(want)}与按文件测算的结果一致。"
    # the wrong figure is not repeated: every number shown comes from the calculator or the clause
    return f"您说的金额与按文件测算的结果（{format_yuan(got)}）不一致，以测算结果为准。"


def _separate_rules(lex: Lex, award: dict, turn: Turn, cites: list[dict], followups: list[str], asks: list[dict]) -> str:
    """设备奖补另算吗: a rule asked about that the facts so far do not reach is its own award, with its own facts;
    all of them together stay under the document-wide cap."""
    doc = lex.doc
    computed = {i["clause"] for i in award["items"]}
    rows = rule_rows(lex)
    asked = [c for c in topics_of(turn.focus, lex) if c in rows and c not in computed]
    lines = []
    rules = {r.clause: r for r in (lex.pack.rules.rules if lex.pack.rules else ())}
    for cid in asked:
        r = rows[cid]
        lines.append(f"【{r['label']} {r['title']}】是单独的一项奖补，需按其自身条件另行计算：{r['rule_text']}；"
                     f"条件：{'；'.join(c['text'] for c in r['conditions'])}。")
        add_citation(cites, citation(doc, cid))
        rule = rules.get(cid)
        base = (rule.base or rule.count or rule.outside) if rule is not None else ""
        if base:
            q, ask = followup_for(lex, f"{rule.id}_paid" if lex.kind(base) == "group" else lex.fact_of(base), "")
            add_followup(followups, asks, q, ask)
    if not lines:
        return ""
    cap_text, cap_cite = cap_sentence(lex)
    lines.append("各项奖补分别计算后相加" + ("，" + cap_text.removeprefix("另按").rstrip("。") + "。" if cap_text else "。"))
    if cap_cite:
        add_citation(cites, cap_cite)
    return "\n" + "\n".join(lines)


__all__ = ["award_answer", "cap_sentence", "claimable_answer", "compose_award", "library_answer"]
