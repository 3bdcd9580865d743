"""The drafter's records: a question for the office, a drafted parameter, a drafted rule and its review section."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tools.drafting.conditions import Subject
from tools.drafting.phrases import Figure
from tools.drafting.sentences import Segment

PENDING = "待审核"


@dataclass
class Question:
    """Something the text leaves to the policy office: asked explicitly, with what the draft assumed meanwhile."""

    clause: str
    text: str
    rule: str = ""
    topic: str = ""

    def to_dict(self) -> dict:
        return {"clause": self.clause, "rule": self.rule, "topic": self.topic, "question": self.text}


@dataclass
class Param:
    name: str
    value: Decimal
    unit: str
    clause: str
    source: str
    quote: str
    label: str
    role: str

    def to_yaml(self) -> dict:
        v = self.value
        if self.unit == "比例":
            value = plain(v)  # a quoted decimal: the pack refuses floats
        elif v == v.to_integral_value():
            value = int(v)
        else:
            value = plain(v)
        return {"label": self.label, "value": value, "unit": self.unit, "clause": self.clause, "source": self.source,
                "quote": self.quote}

    def to_json(self) -> dict:
        return {"name": self.name, "value": self.value, "unit": self.unit, "source": self.source,
                "clause": self.clause, "quote": self.quote, "label": self.label, "role": self.role}


def plain(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s if "." in s or d != d.to_integral_value() else s


@dataclass
class RateUse:
    rate: Figure
    seg: Segment
    lower: Figure | None = None
    upper: Figure | None = None


@dataclass
class RuleDraft:
    """The drafted rule in pack vocabulary (`spec`), what it declares, and its review section."""

    id: str
    clause: str
    title: str
    kind: str
    spec: dict
    params: dict[str, Param]
    inputs: dict[str, dict]
    questions: list[Question] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    confidence: float = 0.0

    def review(self) -> dict:
        return {"status": PENDING, "confidence": self.confidence, "questions": [q.text for q in self.questions],
                "reasons": list(self.reasons), "sentences": list(self.sentences)}


@dataclass
class ClauseContext:
    """What a clause says before its award sentence: who is paid (对…的…) and on what base (按…计算)."""

    subject: Subject | None = None
    subject_text: str = ""
    base: str = ""
    exclusions: list[str] = field(default_factory=list)



__all__ = ["PENDING", "ClauseContext", "Param", "Question", "RateUse", "RuleDraft", "plain"]
