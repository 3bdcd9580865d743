"""A clause's sentences and their segments (split at ；), each with its figures read, and which of them award money."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.model import Clause
from tools.drafting.lexicon import grammar
from tools.drafting.phrases import Figure, find_figures, read_roles

_SENTENCE_END = "。！？!?\n"
_UNITS_RE = re.compile(r"〔[^〕]*〕")
AWARD_ROLES = ("award", "rate", "unit_amount", "ratio")
# a limit on awards written without a figure: 以…为限 / 不得超过其当年缴纳税收的县级留成部分
LIMIT_RE = re.compile(r"以(?P<x>[^，。；]{2,60}?)为限|(?:不得|不|均不)(?:超过|高于)其(?P<y>[^，。；]{2,60})")


@dataclass
class Segment:
    """A piece of a sentence between ； marks: the unit the drafter reads."""

    clause: str  # clause id
    text: str  # verbatim, without the closing punctuation
    start: int  # offset in the clause text
    sentence: int  # index of its sentence in the clause
    figures: list[Figure] = field(default_factory=list)
    used: str = ""  # what the drafter made of it: rule:<id>, budget, document_cap, eligibility, note, …
    continued: bool = False  # in a sentence that speaks of money: an amount here is an award even without the word

    @property
    def money_word(self) -> bool:
        return grammar().has(self.text, grammar().money_words)

    @property
    def candidate(self) -> bool:
        """It speaks of money and carries a figure (or a limit such as 以…为限 / 全额承担): an award sentence."""
        g = grammar()
        if self.continued and any(f.kind == "money" for f in self.figures):
            return True
        if not self.money_word:
            return False
        if any(f.kind != "date" for f in self.figures):
            return True
        return bool(LIMIT_RE.search(self.text)) or g.has(self.text, g.reimburse)

    def roles(self, *roles: str) -> list[Figure]:
        return [f for f in self.figures if f.role in roles]

    @property
    def awards(self) -> list[Figure]:
        return self.roles(*AWARD_ROLES)


@dataclass
class Sentence:
    clause: str
    text: str  # verbatim, with its closing punctuation
    segments: list[Segment]


def clause_sentences(clause: Clause) -> list[Sentence]:
    """The clause's sentences in order, split at 。！？ and line breaks, each cut into ；-segments with figures read.
    〔责任单位：…〕 notes are not sentences."""
    text = clause.text
    out: list[Sentence] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and text[j] not in _SENTENCE_END:
            j += 1
        raw = text[i:j + 1] if j < n else text[i:j]
        body_end = j
        if raw.strip() and _UNITS_RE.sub("", raw).strip(" \n。"):
            segs: list[Segment] = []
            k = i
            for piece in re.split(r"(；|;)", text[i:body_end]):
                if piece not in ("；", ";"):
                    # a 〔责任单位：…〕 note closes what it follows; it is not part of the segment
                    body = piece.split("〔", 1)[0]
                    lead = len(body) - len(body.lstrip())
                    seg_text = body.strip()
                    if seg_text:
                        figs = read_roles(seg_text, find_figures(seg_text))
                        segs.append(Segment(clause.id, seg_text, k + lead, len(out), figs))
                k += len(piece)
            if segs:
                # 给予每人10万元安家补贴；硕士研究生每人3万元: an amount after a money sentence continues it
                if any(s.candidate for s in segs):
                    for s in segs:
                        s.continued = True
                out.append(Sentence(clause.id, _UNITS_RE.sub("", raw).strip(), segs))
        i = j + 1
    return out


__all__ = ["AWARD_ROLES", "LIMIT_RE", "Segment", "Sentence", "clause_sentences"]
