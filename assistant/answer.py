"""The answer object of DESIGN §4: text, citations, award, abstained, flags, followups."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Answer:
    answer: str
    citations: list[dict] = field(default_factory=list)  # {doc, clause, label, quote}; quote is verbatim
    award: dict | None = None  # the calculator's award object (Decimals kept) or None when not about money
    abstained: bool = False
    flags: list[str] = field(default_factory=list)
    followups: list[str] = field(default_factory=list)
    # what each follow-up asks, so a bare reply (50万 / 是的 / 省级) fills that fact: {"question", "fact", "kind"}
    asks: list[dict] = field(default_factory=list)
    doc: str = ""  # the document the answer rests on
    # corpus texts beyond the cited clauses that the answer states numbers from (an adopted interpretation,
    # the input's own length); read by the guard, never serialised
    sources: list[str] = field(default_factory=list, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "answer": self.answer,
            "citations": [dict(c) for c in self.citations],
            "award": self.award,
            "abstained": self.abstained,
            "flags": list(self.flags),
            "followups": list(self.followups),
        }

    def to_json(self) -> str:
        from tools.jsonutil import dumps

        return dumps(self.to_dict())

    @property
    def cited_clauses(self) -> list[str]:
        return [c["clause"] for c in self.citations]


__all__ = ["Answer"]
