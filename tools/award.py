"""What the engine returns: three-valued conditions, one AwardItem per rule, and the AwardResult (DESIGN §4 `award`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tools.amounts import format_yuan, quantize

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
ELIGIBLE, INELIGIBLE, UNDETERMINED = "eligible", "ineligible", "unknown"
STATUS_TEXT = {ELIGIBLE: "可享", INELIGIBLE: "不符合", UNDETERMINED: "待确认"}
ZERO = Decimal("0.00")


def state(value: bool | None) -> str:
    return UNKNOWN if value is None else (MET if value else NOT_MET)


def pct(rate: Decimal) -> str:
    """0.06 → 6%, 0.40 → 40%, 0.0355 → 3.55%: the way documents write rates."""
    return f"{format((rate * 100).normalize(), 'f')}%"


@dataclass
class Condition:
    id: str
    text: str
    state: str
    clause: str = ""
    assumed: bool = False  # met only because its fact is unstated and the pack reads unstated as holding

    def to_dict(self) -> dict:
        out = {"id": self.id, "text": self.text, "state": self.state}
        if self.clause:
            out["clause"] = self.clause
        if self.assumed:
            out["assumed"] = True
        return out


@dataclass
class AwardItem:
    rule: str
    clause: str
    label: str
    title: str
    amount: Decimal | None  # None: the amount cannot be known from the profile (never invented)
    status: str
    conditions: list[Condition] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    trace: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    has_input: bool = False
    maximum: bool = False  # rates that are maxima (不超过): the amount is 最高可获
    hint: str = ""  # the rule in one phrase, for when the amount is not known
    open_conditions: list[Condition] = field(default_factory=list)  # unknown conditions that still matter
    units: tuple[str, ...] = ()

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def paid(self) -> Decimal:
        """What this item adds to the total: 0 when ineligible or unknown in amount."""
        return ZERO if self.status == INELIGIBLE or self.amount is None else quantize(self.amount)

    @property
    def amount_text(self) -> str:
        if self.status == INELIGIBLE:
            return "0元"
        if self.amount is None:
            return self.hint
        return ("最高可获 " if self.maximum else "") + format_yuan(self.amount)

    def step(self, text: str, inputs: dict | None = None, result=None) -> None:
        self.steps.append(text)
        if inputs is not None:
            self.trace.append({"rule": self.rule, "clause": self.clause, "inputs": inputs, "result": result,
                               "text": text})

    def to_dict(self) -> dict:
        return {
            "rule": self.rule, "clause": self.clause, "label": self.label, "title": self.title,
            # None only when the amount cannot be known (no outside figure, no investment given): never invented
            "amount": None if self.amount is None and self.status != INELIGIBLE else self.paid,
            "amount_known": self.amount is not None or self.status == INELIGIBLE, "maximum": self.maximum,
            "status": self.status, "status_text": self.status_text,
            "conditions": [c.to_dict() for c in self.conditions],
            "steps": list(self.steps), "trace": list(self.trace), "notes": list(self.notes),
        }


@dataclass
class AwardResult:
    total: Decimal
    items: list[AwardItem]
    capped_by_tax: bool  # capped by the document-wide cap (四（三）7's retained tax; 四（一）'s county contribution)
    uncapped_total: Decimal
    tax_cap: Decimal | None  # the document-wide cap's base, when given
    unknown: list[dict]  # [{"rule", "clause", "id", "text"}]: what is still to be asked
    flags: list[str]
    library: dict | None
    clauses: list[str]
    steps: list[str] = field(default_factory=list)  # the document-wide cap step and the classification steps
    trace: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    doc_id: str = ""
    doc_number: str = ""
    doc_title: str = ""
    effective: str = ""
    as_of: str = ""
    doc_status: str = "in_force"  # in_force / expired / not_yet
    status_text: str = ""  # 本文件已于2023年12月31日失效 when not in force
    place: str = ""
    document_cap: dict | None = None

    @property
    def unknown_conditions(self) -> list[str]:
        return [u["text"] for u in self.unknown]

    @property
    def in_force(self) -> bool:
        return self.doc_status == "in_force"

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
            "doc_title": self.doc_title,
            "effective": self.effective,
            "as_of": self.as_of,
            "doc_status": self.doc_status,
            "status_text": self.status_text,
            "place": self.place,
            "document_cap": self.document_cap,
        }


__all__ = ["ELIGIBLE", "INELIGIBLE", "MET", "NOT_MET", "STATUS_TEXT", "UNDETERMINED", "UNKNOWN", "ZERO",
           "AwardItem", "AwardResult", "Condition", "pct", "state"]
