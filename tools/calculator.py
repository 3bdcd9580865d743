"""The award calculator: a profile in, the DESIGN §4 `award` object out (items, 四（三）7 tax cap, 四（一） library tier)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tools.amounts import format_yuan
from tools.params import DEFAULT_DOC, Parameters, load_parameters
from tools.profile import Profile
from tools.rules import (
    INELIGIBLE,
    RULE_CLAUSES,
    RULE_TITLES,
    RULES,
    STATUS_TEXT,
    UNDETERMINED,
    AwardItem,
    evaluate,
)

TAX_CLAUSE = "4.3.7"
LIBRARY_CLAUSE = "4.1"
ZERO = Decimal("0.00")


@dataclass
class AwardResult:
    total: Decimal
    items: list[AwardItem]
    capped_by_tax: bool
    uncapped_total: Decimal
    tax_cap: Decimal | None
    unknown: list[dict]  # [{"rule", "clause", "id", "text"}]: what is still to be asked
    flags: list[str]
    library: dict | None
    clauses: list[str]
    steps: list[str] = field(default_factory=list)  # the 四（三）7 step and the library steps
    trace: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    doc_id: str = DEFAULT_DOC
    doc_number: str = ""
    effective: str = ""

    @property
    def unknown_conditions(self) -> list[str]:
        return [u["text"] for u in self.unknown]

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "total_text": format_yuan(self.total),
            "items": [i.to_dict() for i in self.items],
            "capped_by_tax": self.capped_by_tax,
            "uncapped_total": self.uncapped_total,
            "tax_cap": self.tax_cap,
            "unknown_conditions": self.unknown_conditions,
            "unknown": [dict(u) for u in self.unknown],
            "flags": list(self.flags),
            "library": self.library,
            "clauses": list(self.clauses),
            "steps": list(self.steps),
            "trace": list(self.trace),
            "notes": list(self.notes),
            "doc": self.doc_id,
            "doc_number": self.doc_number,
            "effective": self.effective,
        }


def _document(doc_id: str):
    from corpus import default_corpus

    return default_corpus().document(doc_id)


def _label(doc, cid: str) -> str:
    c = doc.find(cid) if doc is not None else None
    return c.label if c is not None else cid


def _items(p: Profile, P: Parameters, doc) -> list[AwardItem]:
    return [evaluate(rule, p, P, _label(doc, RULE_CLAUSES[rule])) for rule in RULES]


def _library(p: Profile, P: Parameters, doc) -> tuple[dict | None, list[str], list[dict]]:
    """四（一）: the project library tier for each project whose total investment is known."""
    city, prov = P.value("library_city_threshold"), P.value("library_provincial_threshold")
    rows, steps, trace = [], [], []
    rank = {None: 0, "city": 1, "provincial": 2}
    best = None
    multi = len(p.projects) > 1
    for i, proj in enumerate(p.projects, 1):
        if proj.total_investment is None:
            continue
        inv = proj.total_investment
        prefix = f"项目{i}：" if multi else ""
        if inv >= prov:
            tier, text = "provincial", f"{prefix}项目投资 {format_yuan(inv)}，达到{P['library_provincial_threshold'].source}，作为重点技术改造项目纳入省级技术改造项目库"
        elif inv >= city:
            tier, text = "city", f"{prefix}项目投资 {format_yuan(inv)}，达到{P['library_city_threshold'].source}，纳入市级技术改造项目库"
        else:
            tier, text = None, f"{prefix}项目投资 {format_yuan(inv)}，未达 {format_yuan(city)}，不纳入技术改造项目库"
        steps.append(text)
        trace.append({"rule": "library", "clause": LIBRARY_CLAUSE, "inputs": {
            "total_investment": inv, "library_city_threshold": city, "library_provincial_threshold": prov},
            "result": tier, "text": text})
        rows.append({"project": i, "total_investment": inv, "tier": tier})
        if rank[tier] > rank[best]:
            best = tier
    if not rows:
        return None, [], []
    tier_text = {"provincial": "省级技术改造项目库（重点技术改造项目）", "city": "市级技术改造项目库", None: "不纳入技术改造项目库"}
    return ({"clause": LIBRARY_CLAUSE, "label": _label(doc, LIBRARY_CLAUSE), "tier": best,
             "tier_text": tier_text[best], "projects": rows, "steps": steps}, steps, trace)


def calculate(profile: Profile | dict | None, *, doc_id: str = DEFAULT_DOC) -> AwardResult:
    """Every 四（三） award the profile gives input for, the total under the 四（三）7 cap, and the 四（一） tier.

    `total` assumes every unknown condition holds; a rule whose condition is known to fail adds 0."""
    p = Profile.from_dict(profile) if not isinstance(profile, Profile) else profile
    P = load_parameters(doc_id)
    doc = _document(doc_id)
    items = [i for i in _items(p, P, doc) if i.has_input]
    unknown = [{"rule": i.rule, "clause": i.clause, "id": c.id, "text": c.text}
               for i in items if i.status != INELIGIBLE for c in i.open_conditions]
    flags: list[str] = []
    for i in items:
        flags.extend(f for f in i.flags if f not in flags)
    uncapped = sum((i.paid for i in items), ZERO)
    steps: list[str] = []
    trace: list[dict] = []
    notes: list[str] = []
    clauses = [i.clause for i in items]
    capped, total, tax_label = False, uncapped, _label(doc, TAX_CLAUSE)
    if items:
        clauses.append(TAX_CLAUSE)
        tax = p.local_tax_retained
        if tax is not None:
            capped = uncapped > tax
            total = min(uncapped, tax)
            if capped:
                text = (f"各项合计 {format_yuan(uncapped)}，超过当年地方财政实得税收 {format_yuan(tax)}，"
                        f"按{tax_label}以 {format_yuan(tax)}为限，超出部分不予奖励")
            else:
                text = f"各项合计 {format_yuan(uncapped)}，未超过当年地方财政实得税收 {format_yuan(tax)}，{tax_label}上限未触及"
            trace.append({"rule": "tax_cap", "clause": TAX_CLAUSE, "inputs": {"uncapped_total": uncapped,
                          "local_tax_retained": tax}, "result": total, "text": text})
        else:
            text = (f"各项合计 {format_yuan(uncapped)}；按{tax_label}，各项奖励补助以企业当年所缴税收地方财政实得部分"
                    f"（增值税、企业所得税）为限，未提供该数额，以上为未封顶金额")
            if uncapped > 0:
                unknown.append({"rule": "tax_cap", "clause": TAX_CLAUSE, "id": "local_tax_retained",
                                "text": f"企业当年所缴税收地方财政实得部分（增值税、企业所得税）不低于{format_yuan(uncapped)}"})
                flags.append("condition:tax_cap")
        steps.append(text)
        if any(i.status != INELIGIBLE and i.amount is None for i in items):
            notes.append("部分奖补金额需补充资料后才能计算，未计入合计")
    library, lib_steps, lib_trace = _library(p, P, doc)
    if library is not None:
        clauses.append(LIBRARY_CLAUSE)
        steps.extend(lib_steps)
        trace.extend(lib_trace)
    if any(i.status == UNDETERMINED for i in items):
        notes.append("合计金额以待确认条件全部满足为前提")
    return AwardResult(
        total=total, items=items, capped_by_tax=capped, uncapped_total=uncapped,
        tax_cap=p.local_tax_retained if items else None, unknown=unknown, flags=flags, library=library,
        clauses=clauses, steps=steps, trace=trace, notes=notes, doc_id=doc_id,
        doc_number=str(doc.meta.get("doc_number") or "") if doc is not None else "",
        effective=P.effective.isoformat(),
    )


def claimable(profile: Profile | dict | None, *, doc_id: str = DEFAULT_DOC) -> list[dict]:
    """Every award rule of 四（三）1–6 for a 政策计算器 view: status, amount if known, conditions, responsible unit."""
    p = Profile.from_dict(profile) if not isinstance(profile, Profile) else profile
    P = load_parameters(doc_id)
    doc = _document(doc_id)
    rows = []
    for item in _items(p, P, doc):
        if item.status == INELIGIBLE:
            amount, amount_text = ZERO, "0元"
        elif item.amount is not None:
            amount = item.amount
            amount_text = ("最高可获 " if item.maximum else "") + format_yuan(item.amount)
        else:
            amount, amount_text = None, item.hint
        rows.append({
            "rule": item.rule, "clause": item.clause, "label": item.label, "title": RULE_TITLES[item.rule],
            "status": item.status, "status_text": STATUS_TEXT[item.status], "amount": amount,
            "amount_text": amount_text, "rule_text": item.hint, "maximum": item.maximum,
            "conditions": [c.to_dict() for c in item.conditions],
            "unknown_conditions": [c.text for c in item.open_conditions] if item.status != INELIGIBLE else [],
            "units": list(doc.responsible_units(item.clause)) if doc is not None else [],
            "steps": list(item.steps), "notes": list(item.notes),
        })
    return rows


__all__ = ["AwardResult", "calculate", "claimable"]
