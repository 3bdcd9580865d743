"""Pieces every composed answer shares: the stamped finish, follow-up questions that know the fact they ask, the
rules of a document without enterprise facts, and the document's status line."""

from __future__ import annotations

import re
from datetime import date

from assistant.answer import Answer
from assistant.compose.text import stamp
from assistant.understand.lexicon import Lex
from corpus import Document

# a condition of one listed item (projects[1].completed): the list, the index, the item's own condition
ITEM_CONDITION = re.compile(r"^(\w+)\[(\d+)\]\.(.+)$")


def finish(document: Document, text: str, **kw) -> Answer:
    """The answer with the document's stamp as its last line, resting on that document."""
    ans = Answer(answer=text.rstrip() + "\n" + stamp(document), **kw)
    ans.sources += [stamp(document), document.title, document.doc_number or document.id]
    ans.doc = document.id
    return ans


def _input_of_condition(lex: Lex, cond_id: str) -> str | None:
    """The input a rule condition reads (node.registered_in_longnan → node.registered_in_longnan; completed →
    projects.completed), from the pack's rules."""
    m = ITEM_CONDITION.match(cond_id)
    base = m.group(3) if m else cond_id
    for r in (lex.pack.rules.rules if lex.pack.rules else ()):
        for c in (*lex.pack.rules.eligibility, *r.conditions):
            if (c.id or c.fact) == base:
                return c.fact or (c.first_known[0].fact if c.first_known else None)
        if r.threshold and base == r.threshold:
            return r.base
    return lex.path(base) if lex.path(base) in lex.inputs else None


def followup_for(lex: Lex, cond_id: str, text: str = "") -> tuple[str, dict]:
    """The question to ask for an unknown condition or fact, and what it asks ({"fact", "kind", "family"})."""
    m = ITEM_CONDITION.match(cond_id)
    base = m.group(3) if m else cond_id
    words = lex.words
    path = _input_of_condition(lex, cond_id)
    spec = lex.inputs.get(path) if path else None
    q = words.followups.get(base) or words.followups.get(cond_id)
    if q is None and spec is not None and spec.ask:
        q = spec.ask
    if q is None:
        q = f"请确认：{text}？" if text else f"请说明{spec.label if spec else base}。"
    item = re.match(r"^(\S+?)(\d+)：", text)
    if item and m and spec is not None:
        head = lex.inputs.get(path.split(".")[0])
        word = head.item if head is not None and head.item else ""
        if word and word in q:
            q = q.replace(word, f"第{item.group(2)}个{word}", 1)
    fam = next((f for f in words.titles if base == f"{_rule_of_family(lex, f)}_title"), None)
    asks = {"fact": lex.fact_of(path) if path else base, "kind": spec.type if spec is not None else
            ("titles" if fam is not None else ""), "question": q}
    if fam is not None:
        asks["family"] = fam.family
    return q, asks


def _rule_of_family(lex: Lex, fam) -> str:
    rules = lex.pack.rules.rules if lex.pack.rules else ()
    r = next((r for r in rules if r.clause == fam.clause), None)
    return r.id if r is not None else fam.family


def add_followup(followups: list[str], asks: list[dict], q: str, ask: dict | None = None) -> None:
    if q not in followups:
        followups.append(q)
        if ask is not None:
            asks.append(ask)


_ROWS: dict[int, tuple] = {}


def rule_rows(lex: Lex) -> dict[str, dict]:
    """Each award rule of the document with no enterprise facts, by clause id: its one-phrase rule and conditions."""
    from tools.calculator import claimable

    hit = _ROWS.get(id(lex.pack))
    if hit is not None and hit[0] is lex.pack:
        return hit[1]
    rows = {r["clause"]: r for r in claimable({}, doc_id=lex.id, as_of=_in_force_day(lex))} if lex.has_rules else {}
    _ROWS[id(lex.pack)] = (lex.pack, rows)
    return rows


def _in_force_day(lex: Lex) -> date:
    """A day the document is in force (today if it is), so rule rows show the rules rather than the expiry."""
    today = date.today()
    m = lex.pack.meta
    if m.expires is not None and today > m.expires:
        return m.expires
    start = m.effective or m.issued
    if start is not None and today < start:
        return start
    return today


def status_line(lex: Lex, as_of: date | None = None) -> str:
    """本文件已于2023年12月31日失效 / 本文件自…起施行，尚未施行 / '' when in force."""
    from tools.engine import status_text

    day = as_of or date.today()
    return status_text(lex.pack, lex.pack.status_on(day))


def place_line(lex: Lex) -> str:
    """按龙南市政策测算: which jurisdiction's rules a money answer uses."""
    place = lex.pack.place
    return f"按{place.name}政策（{lex.doc.doc_number or lex.id}）测算" if place else f"按{lex.doc.doc_number or lex.id}测算"


def yours(label: str) -> str:
    """A pack's label about the enterprise, said to it: 该企业上一年度…的贡献额 → 贵企业上一年度…的贡献额."""
    return "贵企业" + re.sub(r"^(该|本)?企业(的)?", "", label)


__all__ = ["ITEM_CONDITION", "add_followup", "finish", "followup_for", "place_line", "rule_rows", "status_line", "yours"]
