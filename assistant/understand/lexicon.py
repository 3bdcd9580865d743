"""A pack's lexicon compiled for reading questions: its words as regexes, its facts mapped to profile inputs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.understand.zh import AWARD, ORGAN
from corpus import Document
from corpus.packs import AmountWords, Lexicon, Pack, TitleFamily, TopicWords, input_paths, pack_for


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
    pools: frozenset = frozenset()  # the document-wide budgets in yuan (每年奖补资金总额3000万), no other figure's value
    inputs: dict = field(default_factory=dict)  # input path → spec
    lexicon: Lexicon | None = None
    memo: dict = field(default_factory=dict, repr=False)  # derived tables, computed once per compiled lexicon

    @property
    def doc(self) -> Document:
        return self.pack.document

    @property
    def id(self) -> str:
        return self.pack.id

    @property
    def words(self) -> Lexicon:
        """The pack's lexicon with what it leaves out derived from its rules (`derived_lexicon`)."""
        return self.lexicon if self.lexicon is not None else self.pack.lexicon

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

    def clauses_reading(self, path: str) -> set[str]:
        """The clauses of the rules that read an input (its list or group head counts: projects.x → projects)."""
        key = ("reading", path)
        if key not in self.memo:
            head = path.split(".")[0]
            out = set()
            for r in (self.pack.rules.rules if self.pack.rules else ()):
                used = {r.for_each, r.base, r.count, r.input, r.outside, *(c.fact for c in r.conditions)}
                if any(u and (u == path or u.split(".")[0] == head) for u in used):
                    out.add(r.clause)
            self.memo[key] = frozenset(out)
        return self.memo[key]

    def excluded_words(self, path: str | None) -> re.Pattern | None:
        """What the rules on an input (None: on any input) say it does not include (不含土建工程、厂房建设 →
        土建|厂房), as one regex of the words' cores (a user writes 厂房改造土建, not the text's 土建工程)."""
        key = ("excluded", path)
        if key not in self.memo:
            cores = []
            for r in (self.pack.rules.rules if self.pack.rules else ()):
                if path is None or r.base == path:
                    cores += [re.sub(r"(工程|建设|设施|投入|费用|支出)$", "", e) or e for e in r.exclusions]
            dc = self.pack.rules.document_cap if self.pack.rules else None
            if dc is not None and (path is None or dc.input == path):
                cores += list(dc.exclusions)
            cores = sorted({c for c in cores if len(c) >= 2}, key=len, reverse=True)
            self.memo[key] = re.compile("|".join(map(re.escape, cores))) if cores else None
        return self.memo[key]

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


def unit_names(lex: Lex) -> tuple[str, ...]:
    """The bodies a document names: those of its 〔责任单位〕 lines, and those its text gives duties to with the same
    prefixes (区发改委负责项目备案…), longest first."""
    if "units" not in lex.memo:
        tagged = {u for c in lex.doc for u in c.units}
        prefixes = "".join(sorted({u[0] for u in tagged if u[:1] in "市区县"}))
        named = set(tagged)
        if prefixes:
            rx = re.compile(rf"(?<![\u4e00-\u9fa5])[{prefixes}](?!级)[\u4e00-\u9fa5]{{1,6}}?{ORGAN}")
            named |= {m.group(0) for c in lex.doc for m in rx.finditer(c.text)}
        lex.memo["units"] = tuple(sorted(named, key=len, reverse=True))
    return lex.memo["units"]


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


# --- what a pack's lexicon leaves out, derived from its rules (a drafted pack has no lexicon.yaml) -------------

_LEAD = re.compile(r"^(支持|鼓励|推进|推动|加快|加大|实施|开展|对|给予)+")
_TAIL = re.compile(rf"(的)?({AWARD}|扶持|支持|资金|金额|数额|额)+$")
_LEVEL_PREFIX = re.compile(r"^(?:(?P<national>国家)|(?P<provincial>省)|(?P<city>市)|(?P<county>县|区))(?:级)?")


def _phrases(label: str) -> list[str]:
    """A label and its core (支持节能技术改造 → 节能技术改造; 项目节能设备投资额 → 节能设备投资), as regex parts."""
    core = _TAIL.sub("", _LEAD.sub("", label.strip()))
    short = re.sub(r"^(项目|企业|单个|每个|申报)", "", core)
    # a core of two characters (投资额 → 投资) is every document's word: only the label itself then
    return [re.escape(x) for x in dict.fromkeys((label.strip(), core, short)) if len(x) >= 3 or x == label.strip()]


def derived_lexicon(pack: Pack) -> Lexicon:
    """The pack's lexicon, with what it does not say filled in from the rules: each rule's title as its topic,
    each titles input's option labels as a title family with levels, each amount or quantity input's label as
    the words for that fact. What the lexicon writes always wins."""
    w = pack.lexicon
    if pack.rules is None:
        return w
    topics = list(w.topics)
    have_topics = {t.clause for t in w.topics}
    for r in pack.rules.rules:
        if r.clause not in have_topics and _phrases(r.title):
            topics.append(TopicWords(clause=r.clause, words="|".join(_phrases(r.title))))
            have_topics.add(r.clause)
    paths = input_paths(pack.rules)
    titles = list(w.titles)
    have_titles = {f.clause for f in w.titles}
    for r in pack.rules.rules:
        spec = paths.get(r.input) if r.kind == "titles" else None
        if spec is None or r.clause in have_titles or spec.type != "titles":
            continue
        levels: dict[str, str] = {}
        names: list[str] = []
        for oid, opt in spec.options.items():
            m = _LEVEL_PREFIX.match(opt.label)
            if m and m.lastgroup not in levels:
                levels[m.lastgroup] = oid
                names.append(opt.label[m.end():])
        name = next((n for n in names if len(n) >= 2), "")
        if levels and name and all(n == name for n in names):
            titles.append(TitleFamily(family=r.input, words=re.escape(name), name=name, levels=levels,
                                      clause=r.clause))
            have_titles.add(r.clause)
    known = {a.fact for a in (*w.amounts, *w.quantities)} | {w.facts.get(a.fact, a.fact)
                                                             for a in (*w.amounts, *w.quantities)}
    amounts, quantities = list(w.amounts), list(w.quantities)
    units = [spec.unit for spec in paths.values() if spec.type in ("quantity", "number") and spec.unit]
    for path, spec in paths.items():
        if path in known or spec.type not in ("amount", "quantity", "number"):
            continue
        phrases = _phrases(spec.label)
        if spec.type != "amount" and spec.unit and units.count(spec.unit) == 1:
            phrases.append(re.escape(spec.unit))  # 10辆: the only input counted in 辆
        if phrases:
            words = AmountWords(fact=path, words="|".join(phrases))
            (amounts if spec.type == "amount" else quantities).append(words)
    # 那如果是2000万呢 / a bare 投了300万 under a rule: the amount the rule's rate applies to
    follow = dict(w.followup_amounts)
    topic_amounts = dict(w.topic_amounts)
    for r in pack.rules.rules:
        if r.base in paths and paths[r.base].type == "amount":
            follow.setdefault(r.clause, r.base)
            topic_amounts.setdefault(r.clause, r.base)
    return w.model_copy(update={"topics": tuple(topics), "titles": tuple(titles), "amounts": tuple(amounts),
                                "quantities": tuple(quantities), "followup_amounts": follow,
                                "topic_amounts": topic_amounts})


def compile_lexicon(pack: Pack) -> Lex:
    w = derived_lexicon(pack)
    lex = Lex(pack, lexicon=w)
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
    # a place inside a pack's own words is no place the enterprise is in: 赣州市认定 (place_mentions), and a title
    # named with its level's place (赣州市级数字化车间)
    not_places = [x for x in (w.place_mentions, *w.options.values()) if x]
    lex.place_ok = _rx("|".join(f"(?:{x})" for x in not_places)) if not_places else None
    lex.targets_re = _rx(w.targets.words) if w.targets is not None else None
    if pack.rules is not None:
        lex.edges = frozenset(p.value for p in pack.rules.parameters.values() if p.unit == "元")
        wide = {b.parameter for b in pack.rules.budgets if not b.rule}
        lex.pools = frozenset(pack.rules.parameters[b].value for b in wide) - frozenset(
            p.value for k, p in pack.rules.parameters.items() if k not in wide)
    # every input is a fact under its own path too (nankang's smart_projects.software_hardware)
    for path in lex.inputs:
        lex.facts.setdefault(path, path)
    return lex


__all__ = ["Lex", "compile_lexicon", "derived_lexicon", "lexicon_for"]
