"""A whole document read into a draft pack: every clause's award sentences turned into rules, the support conditions,
the budgets, the document-wide cap and the classifications, and every sentence it could not use listed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus import parse_text
from corpus.model import Clause, Document
from tools.drafting.conditions import article_targets, date_conditions, place_condition, read_subject, split_chunks
from tools.drafting.kinds import build_rule
from tools.drafting.lexicon import grammar
from tools.drafting.meta import MetaDraft, draft_meta
from tools.drafting.model import ClauseContext, Param, Question, RuleDraft
from tools.drafting.rules import RuleBuilder
from tools.drafting.sentences import LIMIT_RE, Segment, clause_sentences
from tools.drafting.words import context_base, exclusions_in, level_slug, quote_of

_CLASSIFY_RE = re.compile(r"(?:纳入|列入|进入)(?P<t>[^，。；：]*?(?:库|名录|名单))")
_OVER_RE = re.compile(r"(?:超出|超过|不足)部分[^，。；]*")
_WINDOW_EVENTS_RE = re.compile(r"(?:前|以)([^，。；]{2,40}?)的(?:事项|时间)")
_MUST_LEAD_RE = re.compile(r"^(?:其)?(?:项目)?(?:应当|须|必须|应)?")


@dataclass
class Draft:
    """Everything drafted from one document, before review."""

    doc_id: str
    document: Document
    meta: MetaDraft
    rules: list[RuleDraft]
    eligibility: list[dict]
    inputs: dict[str, dict]  # inputs shared by rules (registered_place, stacking, eligibility facts, the cap base)
    parameters: dict[str, Param]  # parameters of no single rule (a document budget, classification thresholds)
    document_cap: dict | None
    budgets: list[dict]
    classifications: list[dict]
    questions: list[Question]
    unparsed: list[dict]  # {clause, label, text}
    sentences: list[dict]  # every award sentence: {clause, text, status}

    @property
    def all_questions(self) -> list[Question]:
        return [*self.meta_questions, *self.questions, *(q for r in self.rules for q in r.questions)]

    @property
    def meta_questions(self) -> list[Question]:
        return [Question("", q, "", "meta") for q in self.meta.questions]


class Drafter:
    def __init__(self, doc: Document, meta: MetaDraft):
        self.doc = doc
        self.meta = meta
        self.place = meta.place
        self.consult_unit = meta.consult_unit
        self.builders: list[RuleBuilder] = []
        self.eligibility: list[dict] = []
        self.targeted: list[tuple[list[str], list[dict], list, str]] = []
        self.shared_inputs: dict[str, dict] = {}
        self.shared_params: dict[str, Param] = {}
        self.rule_params: dict[str, dict[str, Param]] = {}
        self.rule_budgets: dict[str, list[dict]] = {}
        self.document_cap: dict | None = None
        self.budgets: list[dict] = []
        self.classifications: list[dict] = []
        self.questions: list[Question] = []
        self.doc_notes: list[tuple[str, str, bool]] = []  # (clause, text, per project)
        self.consumed: set[str] = set()
        self.eligibility_clauses: set[str] = set()
        self.segments: list[Segment] = []
        self._ids: set[str] = set()

    # helpers used by rule builders
    def label(self, cid: str) -> str:
        c = self.doc.find(cid)
        return c.label if c is not None else cid

    def need_place_input(self) -> None:
        self.shared_inputs.setdefault("registered_place", {"type": "place", "label": "注册地", "ask": "贵企业在哪里注册登记？"})

    def need_stacking_input(self) -> None:
        self.shared_inputs.setdefault("stacking", {"type": "choice", "label": "不同级别称号的计算方式", "options": {
            "cumulative": {"label": "累加", "aliases": ["叠加"]}, "highest": {"label": "就高"}}})

    def _rule_id(self, clause: str) -> str:
        base = "r" + clause.replace(".", "_")
        rid, n = base, 2
        while rid in self._ids:
            rid, n = f"{base}_{n}", n + 1
        self._ids.add(rid)
        return rid

    # --- reading -----------------------------------------------------------------------------------

    def run(self) -> None:
        for clause in self.doc:
            if clause.id == "notice" or clause.id in self.consumed:
                continue
            self.read_clause(clause)

    def read_clause(self, clause: Clause) -> None:
        ctx = ClauseContext()
        current: RuleBuilder | None = None
        for sent in clause_sentences(clause):
            for seg in sent.segments:
                self.segments.append(seg)
                current = self.read_segment(clause, seg, ctx, current)

    def read_segment(self, clause: Clause, seg: Segment, ctx: ClauseContext, current: RuleBuilder | None):
        g = grammar()
        t = seg.text
        if g.has(t, g.eligibility) and not seg.awards and self.read_eligibility(clause, seg):
            return current
        m = LIMIT_RE.search(t)
        if m and not any(m.start() <= f.start < m.end() for f in seg.figures) and re.search(r"各项|总额|合计", t[:m.start()]):
            self.read_document_cap(clause, seg, m)
            return current
        if (not seg.awards and any(f.kind == "money" and f.role == "lower" for f in seg.figures)
                and _CLASSIFY_RE.search(t)):
            self.read_classification(clause, seg)
            return current
        reimburse = g.has(t, g.reimburse) and seg.money_word
        only_max = (not seg.awards and seg.money_word and (read_subject(t) is not None)
                    and any(not ({"enterprise", "project", "product", "year"} & f.scope) for f in seg.roles("cap")))
        if seg.awards or reimburse or (only_max and (current is None or current.has_award)):
            if current is not None and current.accepts(seg):
                current.add(seg)
            else:
                current = RuleBuilder(self, self._rule_id(clause.id), clause, seg, ctx)
                self.builders.append(current)
            self._budgets(clause, seg, current)
            if current.expect_children:
                self.pull_children(clause, current)
            return current
        if seg.roles("budget"):
            self._budgets(clause, seg, current)
            if not seg.roles("cap", "lower", "upper", "max_years", "term"):
                return current
        if seg.roles("lower", "upper") and seg.money_word and t.rstrip().endswith(("：", ":")) and clause.children:
            current = RuleBuilder(self, self._rule_id(clause.id), clause, seg, ctx)
            self.builders.append(current)
            if current.expect_children:
                self.pull_children(clause, current)
            return current
        if seg.roles("cap", "max_years", "term", "lower", "upper"):
            if current is not None:
                current.add(seg)
            return current
        # no figure of its own: it shapes the rule around it (or the clause's next rule)
        if not seg.figures:
            self.read_words(clause, seg, ctx, current)
        return current

    def read_words(self, clause: Clause, seg: Segment, ctx: ClauseContext, current: RuleBuilder | None) -> None:
        g = grammar()
        t = seg.text
        targets = article_targets(t, self.doc) if re.search(r"须|应当|必须", t) else []
        if targets and current is None:
            self._targeted(targets, t, clause.id, seg)
            return
        must = re.search(r"(?:须|应当|必须)", t)
        if must and current is None and clause.id in self.eligibility_clauses:
            # 享受本措施的企业须依法诚信经营，近三年内无重大…事故: more conditions of the support object
            for piece in re.split(r"，|；", t[must.end():]):
                self._eligible(re.sub(r"^(?:并|且|同时)", "", piece.strip()), clause.id)
            seg.used = "eligibility"
            return
        if "核减" in t and any(b.get("clause") == clause.id for b in self.budgets):
            for b in self.budgets:
                if b.get("clause") == clause.id:
                    b["note"] = f"{b['note']}；{t}"
            seg.used = "budget"
            return
        if current is not None:
            current.absorb_words(seg)
            return
        if (g.has(t, g.stacking["highest"]) or "不重复" in t) and g.has(t, g.award_words):
            self.doc_notes.append((clause.id, t, "同一项目" in t))
            self.questions.append(Question(clause.id, f"{self.label(clause.id)}：“{t}”。草案把它作为说明和标记"
                                           "（other-policy:highest）加在有关规则上，不计算其他政策的金额；请确认适用哪些规则。",
                                           "", "other_policy"))
            seg.used = "note"
            return
        sub = read_subject(t)
        if sub is not None:
            ctx.subject, ctx.subject_text = sub, t
        ctx.base = context_base(t) or ctx.base
        ctx.exclusions += [x for x in exclusions_in(t) if x not in ctx.exclusions]

    def pull_children(self, clause: Clause, rb: RuleBuilder) -> None:
        """按下列标准…：the bands (or levels) are the items below; they belong to this rule."""
        rb.expect_children = False
        for cid in clause.children:
            child = self.doc.clauses[cid]
            self.consumed.add(cid)
            for sent in clause_sentences(child):
                for seg in sent.segments:
                    self.segments.append(seg)
                    if seg.figures:
                        rb.add(seg)
                    else:
                        rb.absorb_words(seg)

    def _budgets(self, clause: Clause, seg: Segment, current: RuleBuilder | None) -> None:
        for f in seg.roles("budget"):
            rid = current.id if current is not None and current.clause == clause.id else ""
            name = f"{rid}_budget" if rid else "budget"
            n = 2
            while name in self.shared_params or name in self.rule_params.get(rid, {}):
                name, n = f"{rid or 'budget'}_budget{n}" if rid else f"budget{n}", n + 1
            param = Param(name, f.value, "元", seg.clause, f.source(seg.text), quote_of(seg, f),
                          "奖补资金总额（资金总盘子，不是单个企业的上限）", "budget")
            if rid:
                self.rule_params.setdefault(rid, {})[name] = param
            else:
                self.shared_params[name] = param
            note = f"“{quote_of(seg, f)}”是资金总额，不是单个企业的上限"
            self.budgets.append({"parameter": name, **({"rule": rid} if rid else {}), "note": note,
                                 "clause": clause.id})
            self.questions.append(Question(seg.clause, f"{self.label(seg.clause)}：“{quote_of(seg, f)}”按资金总额（预算总盘子）处理，"
                                           "不作为单个企业的上限；请确认。", rid, "budget"))
            if not seg.used:
                seg.used = "budget"

    def read_eligibility(self, clause: Clause, seg: Segment) -> bool:
        """支持对象 / 基本条件: conditions every rule needs, or only the articles an item names (申报第二条…的)."""
        t = seg.text
        found = False
        m = re.search(r"(?:适用于|支持对象为|支持对象是)(.+)$", t)
        if m:
            phrase = m.group(1)
            i = phrase.rfind("的")
            body, head = (phrase[:i], phrase[i + 1:]) if i >= 0 else ("", phrase)
            for c in split_chunks(body, 0):
                self._eligible(c.text, clause.id)
                found = True
            head = head.strip()
            if head and head not in grammar().enterprise_heads:
                self._eligible(head, clause.id)  # 规模以上工业企业: the kind of enterprise is a condition too
            self.eligibility_clauses.add(clause.id)
        if re.search(r"下列|以下|如下", t) and clause.children:
            for cid in clause.children:
                child = self.doc.clauses[cid]
                self.consumed.add(cid)
                text = child.text.rstrip("；;。. ")
                targets = article_targets(text.split("，", 1)[0], self.doc) if text.startswith(("申报", "享受")) else []
                if targets:
                    self._targeted(targets, text.split("，", 1)[1] if "，" in text else text, cid, None)
                else:
                    for c in split_chunks(text, 0):
                        self._eligible(c.text, cid)
                for sent in clause_sentences(child):
                    for s in sent.segments:
                        s.used = "eligibility"
                        self.segments.append(s)
            found = True
        if found:
            seg.used = "eligibility"
        return found

    def _eligible(self, text: str, clause: str) -> None:
        text = text.strip()
        if len(text) < 2:
            return
        if place_condition(text, self.place):
            self.need_place_input()
            if not any(c["fact"] == "registered_place" for c in self.eligibility):
                self.eligibility.append({"id": "registered_place", "fact": "registered_place", "op": "in_place",
                                         "text": text, "clause": clause})
            return
        n = len([c for c in self.eligibility if c["id"].startswith("e")]) + 1
        key = f"e{n}"
        self.shared_inputs[key] = {"type": "bool", "label": text}
        self.eligibility.append({"id": key, "fact": key, "text": text, "clause": clause})

    def _targeted(self, targets: list[str], text: str, clause: str, seg: Segment | None) -> None:
        conds, dates = [], []
        for piece in re.split(r"，|；", text):
            piece = re.sub(r"^(?:并|且|并且)", "", piece.strip())
            piece = _MUST_LEAD_RE.sub("", piece, count=1).strip()
            if len(piece) < 2:
                continue
            dc = date_conditions(piece)
            if dc:
                dates += [(d.op, d.event, d.day, d.text, clause) for d in dc]
            elif not re.search(r"第[一二三四五六七八九十百\d]+条", piece):
                conds.append({"text": piece, "op": "true", "clause": clause})
        self.targeted.append((targets, conds, dates, clause))
        if seg is not None:
            seg.used = "eligibility"

    def read_document_cap(self, clause: Clause, seg: Segment, m: re.Match) -> None:
        full = (m.group("x") or m.group("y")).strip()
        label = re.sub(r"^(?:该企业|本企业|企业|其)", "", full).strip()
        over = _OVER_RE.search(seg.text[m.end():])
        self.document_cap = {"id": "document_cap", "clause": clause.id, "input": "document_cap_base", "label": label,
                             "full": full, **({"texts": {"over": over.group(0)}} if over else {})}
        self.shared_inputs["document_cap_base"] = {"type": "amount", "label": label}
        seg.used = "document_cap"

    def read_classification(self, clause: Clause, seg: Segment) -> None:
        cid = "k" + clause.id.replace(".", "_")
        items, field_name = f"{cid}_items", "investment"
        tiers, label = [], ""
        for f in seg.figures:
            if f.kind != "money" or f.role != "lower":
                continue
            tm = _CLASSIFY_RE.search(seg.text, f.end)
            if not tm:
                continue
            target = tm.group("t")
            slug = level_slug(target) or f"tier{len(tiers) + 1}"
            name = f"{cid}_{slug}"
            self.shared_params[name] = Param(name, f.value, "元", seg.clause, f.source(seg.text), quote_of(seg, f),
                                             f"纳入{target}的门槛（含本数）", "classification")
            tiers.append({"tier": slug, "parameter": name, "label": target,
                          "text": "{prefix}" + f"{label or '投资'} " + "{value}，达到{source}，纳入" + target, "_v": f.value})
            label = label or re.sub(r"^(?:对|其)", "", seg.text[max(seg.text.rfind("，", 0, f.start), seg.text.rfind("：", 0, f.start)) + 1:f.start]).strip() or "投资额"
        if not tiers:
            return
        tiers.sort(key=lambda x: x.pop("_v"), reverse=True)
        self.shared_inputs[items] = {"type": "list", "label": "项目", "item": "项目",
                                     "fields": {field_name: {"type": "amount", "label": label or "投资额"}}}
        self.classifications.append({
            "id": cid, "clause": clause.id, "for_each": items, "input": field_name, "tiers": tiers,
            "none_text": "{prefix}" + f"{label or '投资'} " + "{value}，未达 {minimum}，不纳入" + tiers[-1]["label"],
            "none_label": "不纳入" + tiers[-1]["label"]})
        seg.used = "classification"

    # --- the result --------------------------------------------------------------------------------

    def finish(self) -> Draft:
        for targets, conds, dates, clause in self.targeted:
            hit = False
            for rb in self.builders:
                if rb.clause in targets or any(rb.clause.startswith(t + ".") for t in targets):
                    rb.extra += [dict(c) for c in conds]
                    rb.dates += dates
                    hit = True
            if not hit:
                self.questions.append(Question(clause, f"{self.label(clause)}的条件指向{'、'.join(self.label(t) for t in targets)}，"
                                               "但那里没有起草出规则，请确认。", "", "conditions"))
        window = self.meta.event_window
        events = ""
        if window and self.meta.validity_clause:
            vc = self.doc.find(self.meta.validity_clause)
            em = _WINDOW_EVENTS_RE.search(vc.text) if vc is not None else None
            events = em.group(1) if em else ""
        rules: list[RuleDraft] = []
        for rb in self.builders:
            if window and not rb.dates and rb.kind() != "titles":
                text = f"在{_zh(window[0])}至{_zh(window[1])}期间"
                rb.dates += [("date_ge", events, window[0], text + "（起）", self.meta.validity_clause),
                             ("date_le", events, window[1], text + "（止）", self.meta.validity_clause)]
            for _clause, text, per_project in self.doc_notes:
                if not per_project or (rb.subject is not None and rb.subject.item == "项目"):
                    rb.notes.append(text)
            r = build_rule(rb)
            if r is None:
                for s in rb.segs:
                    if s.used == f"rule:{rb.id}":
                        s.used = ""
                continue
            if self.doc_notes and any(not p or r.spec.get("for_each") for _, _, p in self.doc_notes):
                r.spec.setdefault("flags", []).append("other-policy:highest")
            for name, p in self.rule_params.get(r.id, {}).items():
                r.params[name] = p
            rules.append(r)
        by_clause: dict[str, list[RuleDraft]] = {}
        for r in rules:
            if r.kind == "fixed" and any(c.get("op") in ("ge", "gt") for c in r.spec.get("conditions", [])):
                by_clause.setdefault(r.clause, []).append(r)
        for clause, group in by_clause.items():
            if len(group) >= 2:
                group[0].questions.append(Question(clause, f"{self.label(clause)}：各档奖励按达到的门槛分别起草为{len(group)}条规则，"
                                                   "文件未写明达到较高一档时是只按最高一档奖励还是各档累加；草案各自计算，请确认。",
                                                   group[0].id, "tiers"))
        unparsed = []
        sentences = []
        seen = set()
        for s in self.segments:
            read = s.used and any(f.kind != "date" for f in s.figures)  # a classification: figures, no money word
            if not (s.candidate or read) or (s.clause, s.start) in seen:
                continue
            seen.add((s.clause, s.start))
            status = s.used or "unparsed"
            sentences.append({"clause": s.clause, "label": self.label(s.clause), "text": s.text, "status": status})
            if status == "unparsed":
                unparsed.append({"clause": s.clause, "label": self.label(s.clause), "text": s.text})
        for u in unparsed:
            self.questions.append(Question(u["clause"], f"{u['label']}：“{u['text']}”含奖补用语和数字，但未能起草为规则，请人工判断。",
                                           "", "unparsed"))
        return Draft(self.meta.id, self.doc, self.meta, rules, self.eligibility, self.shared_inputs, self.shared_params,
                     self.document_cap, [{k: v for k, v in b.items() if k != "clause"} for b in self.budgets],
                     self.classifications, self.questions, unparsed, sentences)


def _zh(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def draft_text(text: str, doc_id: str) -> Draft:
    """Draft a pack from a document's text (the CLI reads PDF/.docx through corpus.loaders first)."""
    doc = parse_text(text, doc_id)
    meta = draft_meta(doc, doc_id)
    d = Drafter(doc, meta)
    d.run()
    return d.finish()


__all__ = ["Draft", "Drafter", "draft_text"]
