"""A pack's lexicon compiled for reading questions: its words as regexes, its facts mapped to profile inputs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus import Document
from corpus.packs import Pack, input_paths, pack_for


@dataclass
class Lex:
    """What the understanding layer knows of one document: every table comes from its pack."""

    pack: Pack
    topics: list[tuple[str, re.Pattern]] = field(default_factory=list)
    yields: dict[str, tuple[str, re.Pattern | None]] = field(default_factory=dict)  # clause → (other, keep_if)
    statements: list = field(default_factory=list)  # (fact, regex, value, spec)
    recognitions: list[tuple[str, re.Pattern]] = field(default_factory=list)
    amounts: list = field(default_factory=list)  # (fact, regex, spec)
    quantities: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    rates: list = field(default_factory=list)
    zero: list[tuple[str, re.Pattern]] = field(default_factory=list)
    titles: list = field(default_factory=list)  # (family spec, regex)
    option_words: list[tuple[str, re.Pattern]] = field(default_factory=list)
    conditions: list[tuple[str, re.Pattern]] = field(default_factory=list)
    reply_hints: list[tuple[str, re.Pattern]] = field(default_factory=list)
    abstain: list = field(default_factory=list)  # (kind, regex, spec)
    place_ok: re.Pattern | None = None
    targets_re: re.Pattern | None = None
    facts: dict[str, str] = field(default_factory=dict)  # fact id → input path
    edges: frozenset = frozenset()  # the document's thresholds, band edges and caps in yuan
    inputs: dict = field(default_factory=dict)  # input path → spec

    @property
    def doc(self) -> Document:
        return self.pack.document

    @property
    def id(self) -> str:
        return self.pack.id

    @property
    def words(self):
        return self.pack.lexicon

    @property
    def has_rules(self) -> bool:
        return self.pack.rules is not None

    def path(self, fact: str) -> str:
        """The profile input a fact id names (equipment → projects.equipment); the id itself when it is a path."""
        return self.facts.get(fact, fact)

    def fact_of(self, path: str) -> str:
        """The fact id the dialogue uses for an input path (the reverse of `path`)."""
        for f, p in self.facts.items():
            if p == path:
                return f
        return path

    def kind(self, fact: str) -> str:
        spec = self.inputs.get(self.path(fact))
        return spec.type if spec is not None else ""

    @property
    def rule_clauses(self) -> dict[str, str]:
        """Each award rule id → its clause."""
        return {r.id: r.clause for r in (self.pack.rules.rules if self.pack.rules else ())}

    @property
    def award_clauses(self) -> tuple[str, ...]:
        return tuple(self.rule_clauses.values())

    @property
    def cap_clause(self) -> str | None:
        dc = self.pack.rules.document_cap if self.pack.rules else None
        return dc.clause if dc is not None else None

    @property
    def classification_clause(self) -> str | None:
        cls = self.pack.rules.classifications if self.pack.rules else ()
        return cls[0].clause if cls else None

    @property
    def condition_rule_clauses(self) -> tuple[str, ...]:
        """Clauses of the rules with yes/no conditions of their own (条件都满足 speaks of them)."""
        out = []
        for r in (self.pack.rules.rules if self.pack.rules else ()):
            for c in r.conditions:
                spec = self.inputs.get(c.fact or (c.first_known[0].fact if c.first_known else ""))
                if spec is not None and spec.type == "bool" and r.clause not in out:
                    out.append(r.clause)
        return tuple(out)

    @property
    def consult(self) -> str:
        return self.pack.meta.consult_unit or "发文单位"


def _rx(words: str) -> re.Pattern:
    return re.compile(words)


_CACHE: dict[int, tuple[Pack, Lex]] = {}


def lexicon_for(doc: Document) -> Lex:
    """The compiled lexicon of a loaded document (compiled once per state of its pack)."""
    pack = pack_for(doc)
    hit = _CACHE.get(id(pack))
    if hit is not None and hit[0] is pack:
        return hit[1]
    lex = compile_lexicon(pack)
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[id(pack)] = (pack, lex)
    return lex


def compile_lexicon(pack: Pack) -> Lex:
    w = pack.lexicon
    lex = Lex(pack)
    lex.inputs = input_paths(pack.rules) if pack.rules else {}
    lex.facts = dict(w.facts)
    for t in w.topics:
        lex.topics.append((t.clause, _rx(t.words)))
        if t.yields_to:
            lex.yields[t.clause] = (t.yields_to, _rx(t.keep_if) if t.keep_if else None)
    lex.statements = [(s.fact, _rx(s.words), s.value, s) for s in w.statements]
    lex.recognitions = [(r.fact, _rx(r.words)) for r in w.recognitions]
    lex.amounts = [(a.fact, _rx(a.words), a) for a in w.amounts]
    lex.quantities = [(a.fact, _rx(a.words), a) for a in w.quantities]
    lex.dates = [(a.fact, _rx(a.words), a) for a in w.dates]
    lex.rates = [(a.fact, _rx(a.words), a) for a in w.rates]
    lex.zero = [(z.fact, _rx(z.words)) for z in w.zero_amounts]
    lex.titles = [(f, _rx(f.words)) for f in w.titles]
    lex.option_words = [(oid, _rx(words)) for oid, words in w.options.items()]
    lex.conditions = [(cid, _rx(words)) for cid, words in w.conditions.items()]
    lex.reply_hints = [(f, _rx(words)) for f, words in w.reply_hints.items()]
    lex.abstain = [(a.kind, _rx(a.words), a) for a in w.abstain]
    lex.place_ok = _rx(w.place_mentions) if w.place_mentions else None
    lex.targets_re = _rx(w.targets.words) if w.targets is not None else None
    if pack.rules is not None:
        lex.edges = frozenset(p.value for p in pack.rules.parameters.values() if p.unit == "元")
    # every input is a fact under its own path too (nankang's smart_projects.software_hardware)
    for path in lex.inputs:
        lex.facts.setdefault(path, path)
    return lex


__all__ = ["Lex", "compile_lexicon", "lexicon_for"]
