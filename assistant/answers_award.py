"""Answers the calculator computes: the award for the profile, what can be claimed, the project-library tier."""

from __future__ import annotations

from assistant.answer import Answer
from assistant.answer_parts import AWARD_CLAUSES, _finish, _topics_of
from assistant.compose import (
    add_citation,
    best_quote,
    citation,
    compose_award,
    followup_for,
    rule_rows,
    sentences,
    units_text,
)
from assistant.session import Session
from assistant.understand import Turn
from corpus import Document
from tools.amounts import format_yuan


def _library(doc: Document, library: dict, question: str) -> Answer:
    """四（一）: the project library tier for the investment given (not money: no award)."""
    clause = doc.clause("4.1")
    quote = best_quote(clause, question)
    lines = [f"{clause.label}（{clause.heading}）规定：“{quote}”", "按您提供的项目投资："]
    lines += [f"· {x}。" for x in library.get("steps") or []]
    lines.append(f"结论：{library.get('tier_text', '')}。")
    units = units_text(doc, "4.1")
    if units:
        lines.append(f"责任单位：{units}。")
    # the steps are the calculator's trace: the guard reads them as the source of the amounts
    return _finish(doc, "\n".join(lines), citations=[citation(doc, "4.1", quote=quote)], flags=["library"],
                   sources=list(library.get("steps") or []))


def _claimable(doc: Document, profile: dict, question: str) -> Answer:
    from tools.calculator import calculate, claimable

    rows = claimable(profile)
    lines = ["按文件四（三），企业可申请的奖补如下：" if not profile else "按您提供的情况，各项奖补情况如下："]
    cites: list[dict] = []
    followups: list[str] = []
    for r in rows:
        add_citation(cites, citation(doc, r["clause"], question))
        if not profile:
            lines.append(f"· {r['label']} {r['title']}：{r['rule_text']}。")
        else:
            lines.append(f"· {r['label']} {r['title']}：{_claim_status(r)}。")
    tax = doc.clause("4.3.7")
    lines.append(f"以上各项合计以企业当年所缴税收地方财政实得部分（增值税、企业所得税）为限（{tax.label}）。")
    lines.append(f"责任单位：{units_text(doc, '4.3.1')}。")
    add_citation(cites, citation(doc, "4.3.7", quote=sentences(tax.text)[0]))
    award = None
    if profile:
        result = calculate(profile)
        if result.items:
            award = result.to_dict()
            # only rules not known to fail with a known amount make a total; a bare 0元 would read as "nothing"
            if any(r["status"] != "ineligible" and r["amount"] is not None for r in rows):
                lines.append(f"目前可测算的合计：{format_yuan(result.total)}。")
            else:
                lines.append("目前尚无可计算金额的奖补；请补充上述待确认的情况后再测算。")
            from assistant.compose import followup_for

            for u in result.unknown:
                q = followup_for(u["id"], u["text"])
                if q not in followups:
                    followups.append(q)
    if "ambiguity:stacking" not in (award or {}).get("flags", []) and any(r["rule"] in ("lianghua", "service") for r in rows):
        lines.append("注：文件未明确不同级别称号能否叠加，以市工信局解释为准。")
    flags = ["claimable", "ambiguity:stacking"]
    return _finish(doc, "\n".join(lines), citations=cites, award=award, flags=flags, followups=followups)


def _claim_status(r: dict) -> str:
    """One rule of the claimable list for a profile: 可享 / 不符合 with the failed condition / 待确认 with what is open."""
    failed_ids = [c["id"] for c in r["conditions"] if c.get("state") == "not_met"]
    if r["status"] == "ineligible" and failed_ids and all(i.endswith("_title") for i in failed_ids):
        # a titles list without this family's title: the enterprise did not mention one, which is no refusal
        return f"未提到相应称号；如获得，{r['rule_text']}"
    if r["status"] == "ineligible":
        failed = "、".join(f"“{c['text']}”" for c in r["conditions"] if c.get("state") == "not_met")
        return f"{r['status_text']}（条件{failed}不满足），不予奖补" if failed else f"{r['status_text']}，不予奖补"
    amount = r["amount_text"] if r["amount"] is not None else r["rule_text"]
    if r["status"] != "unknown":
        return f"{r['status_text']}，{amount}"
    open_ = "；".join(c["text"] for c in r["conditions"] if c.get("state") != "met")
    return f"{r['status_text']}，{amount}" + (f"；待确认条件：{open_}" if open_ else "")


def _award(doc: Document, session: Session, turn: Turn, question: str, *, changed: bool = True) -> Answer | None:
    from tools.calculator import calculate
    from tools.errors import CalcError

    try:
        result = calculate(session.profile)
    except CalcError as e:
        return _finish(doc, f"无法计算：{e}", flags=["error:profile"])
    if not result.items:
        if result.library is not None and ("4.1" in turn.topics or session.last_topic == "4.1"):
            return _library(doc, result.library, question)
        return None
    award = result.to_dict()
    focus = [c for c in (turn.topics or []) if c in AWARD_CLAUSES or c in ("4.1", "4.3.7")]
    if not focus and session.last_topic in AWARD_CLAUSES:
        focus = [session.last_topic]
    text, cites, flags, followups = compose_award(doc, award, focus, question)
    # 那总共能拿多少 with no new fact is the same profile again, not a recomputation
    head = ("按目前掌握的情况测算如下：" if not changed else
            "按调整后的情况重新测算如下：" if turn.whatif else "按您提供的情况测算如下：")
    if turn.separate:
        text += _separate_rules(doc, award, turn, cites, followups)
    return _finish(doc, head + "\n" + text, citations=cites, award=award, flags=flags, followups=followups)


def _separate_rules(doc: Document, award: dict, turn: Turn, cites: list[dict], followups: list[str]) -> str:
    """设备奖补另算吗: a rule asked about that the facts so far do not reach is its own award, with its own facts;
    all of them together stay under 四（三）7."""
    computed = {i["clause"] for i in award["items"]}
    rows = rule_rows()
    in_focus = _topics_of(turn.focus)
    asked = [c for c in in_focus if c in rows and c not in computed]
    lines = []
    for cid in asked:
        r = rows[cid]
        lines.append(f"【{r['label']} {r['title']}】是单独的一项奖补，需按其自身条件另行计算：{r['rule_text']}；"
                     f"条件：{'；'.join(c['text'] for c in r['conditions'])}。")
        add_citation(cites, citation(doc, cid))
        ask_for = {"4.3.1": "equipment", "4.3.2": "ganzhou_smart_award", "4.3.5": "cloud_paid", "4.3.6": "node.investment"}.get(cid)
        if ask_for:
            q = followup_for(ask_for, "")
            if q not in followups:
                followups.append(q)
    if not lines:
        return ""
    tax = doc.find("4.3.7")
    label = tax.label if tax is not None else "四（三）7"
    lines.append(f"各项奖补分别计算后相加，合计以企业当年所缴税收地方财政实得部分为限（{label}）。")
    if tax is not None:
        add_citation(cites, citation(doc, "4.3.7", quote=sentences(tax.text)[0]))
    return "\n" + "\n".join(lines)
