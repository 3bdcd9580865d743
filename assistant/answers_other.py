"""Answers from a document other than the primary one: its own clauses quoted, no readings and no calculator."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.answer import Answer
from assistant.answer_parts import _finish
from assistant.answers_lookup import _lookup, _unit
from assistant.compose import (
    ABSTAIN_WHAT,
    best_quote,
    citation,
    date_text,
    sentences,
    stamp,
    units_text,
)
from assistant.retrieval import _search
from assistant.understand import Turn
from corpus import Corpus, Document

_FOLLOWUP_ONLY = ("award", "claimable", "eligibility")
# 比例是多少 / 标准是什么 asks what the clause says, not for an amount computed for the enterprise
_RULE_Q = re.compile(r"比例|比率|标准|上限|最高|条件|规定|怎么(算|规定)")


def _finish_other(doc: Document, text: str, **kw) -> Answer:
    """_finish for a document other than the primary one: its stamp and title are sources for the guard."""
    ans = _finish(doc, text, **kw)
    ans.sources += [stamp(doc), doc.title, doc.doc_number or doc.id]
    return ans


def _consult(doc: Document, cid: str | None = None) -> str:
    """Whom to ask about DOC: its consult unit, else the clause's (or the document's) responsible units."""
    if doc.meta.get("consult_unit"):
        return str(doc.meta["consult_unit"])
    if cid and doc.find(cid) is not None and units_text(doc, cid):
        return units_text(doc, cid)
    counts: dict[str, int] = {}
    for c in doc:
        for u in c.units:
            counts[u] = counts.get(u, 0) + 1
    top = sorted(counts, key=lambda u: -counts[u])[:2]
    return "、".join(top) or "发文单位"


_OTHER_ABSTAIN_WHAT = ("deadline", "disbursement", "materials", "where", "contact", "tax_rate", "definition_above_scale",
                       "award_tax", "fund_use", "other_funds")


def _other_docfacts(doc: Document, kind: str) -> Answer:
    m = doc.meta
    day = str(m.get("issued_text") or "").removesuffix("印发") or date_text(m.get("issued"))
    issuers = "、".join(m.get("issuers") or [])
    name = f"《{doc.title}》"
    number = f"文号为{doc.doc_number}" if doc.doc_number else f"文件信息中没有文号（编号 {doc.id}）"
    if kind == "date":
        text = f"{name}于{day}印发。" if day else f"{name}的文件信息中没有印发日期，请查阅原文件。"
    elif kind == "issuers" and issuers:
        text = f"{name}由{issuers}印发。"
    else:
        text = f"文件标题为{name}，{number}。" + (f"印发日期：{day}。" if day else "")
    notice = doc.find("notice")
    said = sentences(notice.text) if notice is not None else []
    cites = [citation(doc, "notice", quote=said[-1])] if said else []  # the covering notice issues the document
    return _finish_other(doc, text, citations=cites, flags=["docfacts"])


def _other_document(doc: Document, q: str, turn: Turn, ref: str | None, corpus: Corpus) -> Answer:
    """A question placed in a document other than the primary one: quote its own clauses; no calculator."""
    if turn.intent == "docfacts" or (turn.intent == "help" and not ref):
        return _other_docfacts(doc, turn.docfact or "title")
    # a headline-only clause found by search is no quote; named by the question it is shown as an outline
    cids = [ref] if ref else [c for c in _search(q, corpus, doc) if doc.clause(c).text.strip()]
    cid = cids[0] if cids else None
    kind = turn.abstain_kind if turn.intent == "abstain" and not ref else None
    if cid is None or kind in ("unrelated", "other_city", "not_covered"):
        consult = _consult(doc, cid)
        text = (f"在{doc.doc_number or doc.id}《{doc.title}》中没有找到与这个问题相关的内容，无法回答。"
                f"请向{consult}咨询。")
        return _finish_other(doc, text, abstained=True, flags=[f"abstain:{kind or 'unrelated'}"])
    if kind is not None:
        # the document may not settle it: say so, name whom to ask, and quote what it does say nearest to it
        clause = doc.clause(cid)
        quote = best_quote(clause, q) if clause.text.strip() else clause.heading
        what = ABSTAIN_WHAT[kind] if kind in _OTHER_ABSTAIN_WHAT else "这一事项"
        text = (f"《{doc.title}》未专门规定{what}。文件中与此最相关的是{clause.label}：“{quote}”"
                f"\n具体以{_consult(doc, cid)}解释为准，请向其咨询。")
        return _finish_other(doc, text, citations=[citation(doc, cid, quote=quote)], abstained=True,
                             flags=[f"abstain:{kind}"])
    if turn.intent == "unit":
        ans = _unit(doc, cids, q, None)
        ans.sources += [stamp(doc), doc.title]
        return ans
    ans = _lookup(doc, cids, q, None, generic=True)
    ans.sources += [stamp(doc), doc.title, doc.doc_number or doc.id]
    amounts = any(isinstance(v, Decimal) for _, v in turn.facts) or turn.unresolved_amounts
    if (turn.intent in _FOLLOWUP_ONLY or turn.asks_money) and (amounts or not _RULE_Q.search(turn.focus or q)):
        # award rules exist only for documents with parameters: quote the clause, compute nothing
        head = (f"计算器没有{doc.doc_number or doc.id}《{doc.title}》的奖补测算规则，无法按贵企业的情况测算金额；"
                f"以下是该文件中相关条款的原文，具体金额以条款规定和{_consult(doc, cid)}核定为准。")
        ans.answer = head + "\n" + ans.answer
        ans.flags.append("no_rules")
    return ans
