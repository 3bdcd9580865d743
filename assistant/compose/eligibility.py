"""Eligibility answers: whether a rule requires the conditions asked about, from the rule's own conditions."""

from __future__ import annotations

from assistant.answer import Answer
from assistant.compose.common import finish, rule_rows
from assistant.compose.text import add_citation, best_quote, citation, units_text
from assistant.session import Session
from assistant.understand.lexicon import Lex
from assistant.understand.turn import Turn


def eligibility_answer(lex: Lex, session: Session, turn: Turn, question: str) -> Answer:
    """Whether a rule requires the conditions asked about (上云补贴要求是规上企业吗), from the rule's own conditions."""
    doc = lex.doc
    rows = rule_rows(lex)
    cid = next(c for c in turn.topics if c in rows)
    row = rows[cid]
    clause = doc.clause(cid)
    needed = {c["id"]: c["text"] for c in row["conditions"]}
    names = {c["id"]: c["text"] for r in rows.values() for c in r["conditions"]}
    lines = []
    stated = {".".join(s): v for s, v in turn.facts if isinstance(v, bool)}
    for cond in turn.asked_conditions:
        text = names.get(cond)
        if text is None:
            continue
        holders = [rows[c]["label"] for c in rows if any(x["id"] == cond for x in rows[c]["conditions"])]
        held = stated.get(lex.fact_of(cond)) if lex.fact_of(cond) in stated else stated.get(cond.replace(".", "_"))
        if cond in needed:
            line = f"{clause.label}要求{text}。"
            if held is False:
                line += f"按您所说，贵企业不满足“{text}”，不符合该项奖补条件。"
        else:
            line = f"{clause.label}不要求{text}"
            line += f"；文件中只有{'、'.join(holders)}要求{text}。" if holders else "。"
            if held is False:
                line += "这一点不影响贵企业申请该项奖补。"
        lines.append(line)
    quote = best_quote(clause, question)
    lines.append(f"{clause.label}（{row['title']}）的条件是：{'；'.join(needed.values())}。")
    lines.append(f"原文：“{quote}”")
    units = units_text(doc, cid)
    if units:
        lines.append(f"责任单位：{units}。")
    cites = [citation(doc, cid, quote=quote)]
    for c in row["conditions"]:
        # a listed condition written in another clause (在本办法有效期内并网: 九（二）) is cited there
        if c.get("clause") and c["clause"] != cid and doc.find(c["clause"]) is not None:
            add_citation(cites, citation(doc, c["clause"], quote=best_quote(doc.clause(c["clause"]), c["text"])))
    for cond in turn.asked_conditions:
        for other, r in rows.items():
            if other != cid and any(x["id"] == cond for x in r["conditions"]):
                add_citation(cites, citation(doc, other, question))
    return finish(doc, "\n".join(lines), citations=cites, flags=["eligibility"])


def requirement_answer(lex: Lex, words: list[str], question: str) -> Answer:
    """A condition asked about that this document does not set (安远 asked 必须是规上企业吗): say so, quoting who the
    document does support (its eligibility clause)."""
    from assistant.compose.common import status_line
    from assistant.compose.text import doc_name, sentences

    doc = lex.doc
    clauses = list(dict.fromkeys(c.clause for c in lex.pack.rules.eligibility if c.clause and doc.find(c.clause)))
    first = doc.clause(clauses[0])
    quote = next(iter(sentences(first.text)), first.text)
    asked = "、".join(f"“{w}”" for w in words)
    lines = []
    st = status_line(lex)
    if st:
        lines.append(f"（{st}，以下为原文规定，仅供查阅。）")
    lines.append(f"{doc_name(doc)}的支持对象条件中没有{asked}的要求。{first.label}规定：“{quote}”")
    others = [c.text for c in lex.pack.rules.eligibility if c.clause != clauses[0] and c.text]
    if others:
        lines.append("另须同时满足：" + "；".join(dict.fromkeys(others)) + "。")
    cites = [citation(doc, cid, quote=sentences(doc.clause(cid).text)[0] if sentences(doc.clause(cid).text) else "")
             for cid in clauses]
    cites[0]["quote"] = quote
    return finish(doc, "\n".join(lines), citations=cites, flags=["eligibility", "requirement:absent"],
                  sources=[st] if st else [])


__all__ = ["eligibility_answer", "requirement_answer"]
