"""The dialogue: Session (facts across turns) and ask() — understand → update state → tools → compose → guard."""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from assistant.answer import Answer
from assistant.compose import (
    ABSTAIN_WHAT,
    EXAMPLES,
    add_citation,
    best_quote,
    citation,
    compose_award,
    date_text,
    followup_for,
    interpretation,
    matching_interpretation,
    ranked_sentences,
    rule_rows,
    sentences,
    stamp,
    unit_quote,
    units_text,
)
from assistant.understand import CLAUSE_RULES, Turn, understand
from corpus import Corpus, CorpusError, Document

AWARD_CLAUSES = ("4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5", "4.3.6")
_PROJECT_FLAGS = ("completed", "in_national_stats", "complies_industrial_policy")
_NODE_FLAGS = {"node_passed_acceptance": "passed_acceptance", "node_registered_in_longnan": "registered_in_longnan",
               "node_connected": "connected"}


@dataclass
class Session:
    """One conversation: the enterprise profile built up so far (DESIGN §4a) and what was last talked about."""

    profile: dict = field(default_factory=dict)
    last_topic: str | None = None  # clause id
    last_intent: str | None = None
    last_slot: tuple | None = None  # where the last amount went, for 那如果是5000万呢
    last_answer: Answer | None = None
    history: list[tuple[str, str]] = field(default_factory=list)
    last_doc: str | None = None  # the document last answered from (several loaded): follow-ups stay on it
    pending_ref: str | None = None  # a clause number several documents have, until the user says which document

    def reset(self) -> None:
        self.profile = {}
        self.last_topic = self.last_intent = self.last_slot = self.last_answer = None
        self.last_doc = self.pending_ref = None
        self.history = []

    # --- facts ------------------------------------------------------------------------------

    def _projects(self) -> list[dict]:
        return self.profile.setdefault("projects", [])

    def _set_amount(self, slot: tuple, amount: Decimal, *, new_project: bool = False, index: int | None = None) -> None:
        p = self.profile
        key = slot[0]
        if key in ("equipment", "total_investment"):
            projects = self._projects()
            if index is None:
                if new_project and projects and projects[-1].get(key) is not None:
                    base = {k: v for k, v in projects[-1].items() if k in _PROJECT_FLAGS}
                    projects.append(base)
                if not projects:
                    projects.append({})
                index = len(projects) - 1
            while len(projects) <= index:
                projects.append({k: v for k, v in (projects[-1] if projects else {}).items() if k in _PROJECT_FLAGS})
            projects[index][key] = amount
            self.last_slot = (key, index)
        elif key == "cloud":
            p.setdefault("cloud", {})[slot[1]] = amount
            self.last_slot = slot
        elif key == "node":
            p.setdefault("node", {})["investment"] = amount
            self.last_slot = slot
        elif key in ("local_tax_retained", "ganzhou_smart_award"):
            p[key] = amount
            if key == "ganzhou_smart_award":
                p["smart_recognised"] = True
            self.last_slot = (key,)

    def _amount_at(self, slot: tuple) -> Decimal | None:
        """The amount currently held at a slot (as `last_slot` names it), or None."""
        p = self.profile
        if slot[0] in ("equipment", "total_investment"):
            projects = self._projects()
            i = slot[1] if len(slot) > 1 and slot[1] is not None else len(projects) - 1
            return projects[i].get(slot[0]) if 0 <= i < len(projects) else None
        if slot[0] == "cloud":
            return (p.get("cloud") or {}).get(slot[1])
        if slot[0] == "node":
            return (p.get("node") or {}).get("investment")
        return p.get(slot[0])

    def apply(self, turn: Turn) -> list[str]:
        """Merge what the turn states into the profile; returns what could not be placed."""
        problems: list[str] = []
        p = self.profile
        amounts = [(s, v) for s, v in turn.facts if isinstance(v, Decimal)]
        flags = [(s, v) for s, v in turn.facts if not isinstance(v, Decimal)]
        stated = {s[0] for s, _ in flags}
        for slot, value in flags:
            key = slot[0]
            if key == "all_conditions":
                # 条件都满足: every condition of the rule talked about, except those the turn states itself
                if self._condition_family(turn) == "node":
                    for k, field_ in _NODE_FLAGS.items():
                        if k not in stated:
                            p.setdefault("node", {})[field_] = value
                    continue
                if "above_scale" not in stated:
                    p["above_scale"] = value
                projects = self._projects()
                if not projects:
                    projects.append({})
                for proj in (projects[-1:] if turn.new_project and len(projects) > 1 else projects):
                    for k in _PROJECT_FLAGS:
                        if k not in stated:
                            proj[k] = value
            elif key == "above_scale":
                p["above_scale"] = value
            elif key in _PROJECT_FLAGS:
                projects = self._projects()
                if not projects:
                    projects.append({})
                targets = projects[-1:] if turn.new_project and len(projects) > 1 else projects
                for proj in targets:
                    proj[key] = value
            elif key in _NODE_FLAGS:
                p.setdefault("node", {})[_NODE_FLAGS[key]] = value
            elif key == "smart_recognised":
                p["smart_recognised"] = value
        equipment = [v for s, v in amounts if s == ("equipment",)]
        if len(equipment) > 1:
            # several equipment amounts in one turn: one project each, sharing the stated conditions
            old = self._projects()
            base = {k: v for k, v in (old[0] if old else {}).items() if k in _PROJECT_FLAGS}
            p["projects"] = [dict(base, equipment=v) for v in equipment]
            self.last_slot = ("equipment", len(equipment) - 1)
            amounts = [(s, v) for s, v in amounts if s != ("equipment",)]
        for slot, value in amounts:
            self._set_amount(slot, value, new_project=turn.new_project)
        for title, held in turn.titles:
            titles = p.setdefault("titles", [])
            if held and title not in titles:
                titles.append(title)
            elif not held and title in titles:
                titles.remove(title)
        if turn.bare_levels and not turn.titles:
            # 我们是省级的 / 那国家级呢: the level of the title family last talked about
            family = next((f for c, f in (("4.3.3", "lianghua"), ("4.3.4", "service"))
                           if c in turn.topics or (not turn.topics and self.last_topic == c)), None)
            if family is not None:
                titles = p.setdefault("titles", [])
                if turn.whatif:
                    titles[:] = [t for t in titles if not t.startswith(family + "_")]
                for level, held in turn.bare_levels:
                    tid = f"{family}_{level}"
                    if held and tid not in titles:
                        titles.append(tid)
                    elif not held and tid in titles:
                        titles.remove(tid)
        if turn.stacking:
            p["stacking"] = turn.stacking
        # 再多买300万: added to the amount talked about (the slot named, else the last one)
        for slot, amount in turn.deltas:
            where = self.last_slot if slot is None or (self.last_slot and self.last_slot[0] == slot[0]) else slot
            where = where or _slot_from_topic(turn.topics or ([self.last_topic] if self.last_topic else []))
            if where is None:
                problems.append(f"没能判断增加的{_fmt(amount)}是哪一项金额，请说明。")
                continue
            current = self._amount_at(where)
            total = max(amount + (current or Decimal("0")), Decimal("0"))
            if where[0] in ("equipment", "total_investment"):
                self._set_amount((where[0],), total, index=where[1] if len(where) > 1 else None)
            else:
                self._set_amount(where, total)
        # an amount with no keyword: a what-if on the last amount (那如果是5000万呢); 两个项目各600万呢 → one project each
        slot = self.last_slot or _slot_from_topic(turn.topics or ([self.last_topic] if self.last_topic else []))
        if len(turn.unresolved_amounts) > 1 and slot is not None and slot[0] == "equipment":
            old = self._projects()
            base = {k: v for k, v in (old[0] if old else {}).items() if k in _PROJECT_FLAGS}
            p["projects"] = [dict(base, equipment=v) for v in turn.unresolved_amounts]
            self.last_slot = ("equipment", len(turn.unresolved_amounts) - 1)
            return problems
        for amount in turn.unresolved_amounts:
            slot = self.last_slot or _slot_from_topic(turn.topics or ([self.last_topic] if self.last_topic else []))
            if slot is None:
                problems.append(f"没能判断{_fmt(amount)}指的是哪一项金额（设备投资、上云支付、二级节点投资还是地方财政实得税收），请说明。")
                continue
            if slot[0] in ("equipment", "total_investment"):
                self._set_amount((slot[0],), amount, index=slot[1] if len(slot) > 1 else None)
            else:
                self._set_amount(slot, amount)
        return problems


    def _condition_family(self, turn: Turn) -> str:
        topics = turn.topics or ([self.last_topic] if self.last_topic else [])
        if "4.3.6" in topics and "4.3.1" not in topics:
            return "node"
        return "equipment"


def _slot_from_topic(topics: list[str]) -> tuple | None:
    top = topics[0] if topics else None
    return {"4.3.1": ("equipment",), "4.3.6": ("node", "investment"), "4.3.7": ("local_tax_retained",),
            "4.3.2": ("ganzhou_smart_award",), "4.1": ("total_investment",)}.get(top)


# --- shared read-only resources ---------------------------------------------------------------


# The corpus parsed once per state of the corpus folder: adding a document (policy-assistant corpus add) changes
# the key, so the next question sees it without a restart. Read-only data, shared by all sessions.
_CORPUS_CACHE: dict[tuple, Corpus] = {}


def _corpus_key(folder: Path) -> tuple:
    from corpus.store import document_dirs

    files = []
    for d in document_dirs(folder):
        for f in sorted(d.iterdir()):
            if f.is_file():
                st = f.stat()
                files.append((d.name, f.name, st.st_mtime_ns, st.st_size))
    return str(folder), tuple(files)


def _corpus() -> Corpus:
    """The bundled documents plus those added under the data directory (`settings.corpus_dir`)."""
    from corpus import default_corpus, load_corpus

    folder = Path(_settings().corpus_dir)
    key = _corpus_key(folder)
    if not key[1]:
        return default_corpus()
    corpus = _CORPUS_CACHE.get(key)
    if corpus is None:
        corpus = load_corpus([folder])
        _CORPUS_CACHE.clear()  # only the current state of the folder is worth keeping
        _CORPUS_CACHE[key] = corpus
    return corpus


def _has_rules(doc: Document) -> bool:
    """Whether the calculator has award rules for this document (its folder holds parameters.yaml)."""
    folder = doc.meta.get("folder")
    return bool(folder) and (Path(folder) / "parameters.yaml").is_file()


def primary_document(corpus: Corpus, cid: str | None = None) -> Document:
    """The primary document: the one the keyword understanding and the calculator are written for (the first with
    award rules); with one document loaded, that document."""
    docs = list(corpus)
    if len(docs) == 1:
        return docs[0]
    return next((d for d in docs if _has_rules(d)), docs[0])


def _settings():
    from assistant.settings import load_settings

    return load_settings()


# --- composing each kind of answer ----------------------------------------------------------------


def _finish(doc: Document, text: str, **kw) -> Answer:
    return Answer(answer=text.rstrip() + "\n" + stamp(doc), **kw)


def _help(doc: Document) -> Answer:
    ex = "\n".join(f"· {q}" for q in EXAMPLES)
    text = (f"您好！我可以回答关于{doc.doc_number}《{doc.title}》的问题：奖补能拿多少、条件是否满足、"
            f"条款原文、责任单位、工作目标和文件信息。例如：\n{ex}")
    return _finish(doc, text, followups=list(EXAMPLES[:3]), flags=["help"], sources=list(EXAMPLES))


def _abstain(doc: Document, kind: str, question: str) -> Answer:
    consult = doc.meta.get("consult_unit") or "市工信局"
    if kind == "validity":
        target = doc.find("2")
        cites = [citation(doc, "2", quote=sentences(target.text)[0])] if target else []
        text = (f"{doc.doc_number}未规定有效期或失效日期；文件的工作目标期限至2025年"
                f"（{target.label if target else '二'}、工作目标）。是否仍在执行，请向{consult}咨询。")
        return _finish(doc, text, citations=cites, abstained=True, flags=["abstain:validity"])
    if kind in ABSTAIN_WHAT:
        rule = doc.find("4.3.7")
        quote = "具体申报要求和申报程序按相关规定执行。"
        cites = [citation(doc, "4.3.7", quote=quote)] if rule and quote in rule.text else []
        text = (f"文件未规定{ABSTAIN_WHAT[kind]}。{rule.label if rule else '四（三）7'}只写明“{quote.rstrip('。')}”。"
                f"请向{consult}咨询（四（三）各项奖补的责任单位为{units_text(doc, '4.3.7') or consult}）。")
        if kind == "not_covered":
            text = (f"{doc.doc_number}未涉及这项政策，文件只规定了四（三）所列的技改奖补。"
                    f"请向{consult}或相关主管部门咨询。")
        if kind == "definition_above_scale":
            text += "文件对规模以上企业没有另作定义，一般按统计部门的口径认定（文件外信息，仅供参考）。"
        return _finish(doc, text, citations=cites, abstained=True, flags=[f"abstain:{kind}"])
    if kind == "other_city":
        text = (f"本助手只收录龙南市的{doc.doc_number}《{doc.title}》，文件不涉及其他城市或地区的政策，无法回答。"
                f"其他地区的政策请咨询当地主管部门；本文件的问题可咨询{consult}。")
        return _finish(doc, text, abstained=True, flags=["abstain:other_city"])
    text = (f"这个问题与{doc.doc_number}《{doc.title}》无关，文件没有相关内容，无法回答。"
            f"我可以回答技改奖补、条款原文、责任单位等问题，例如：{EXAMPLES[1]}")
    return _finish(doc, text, abstained=True, flags=["abstain:unrelated"])


def _docfacts(doc: Document, kind: str) -> Answer:
    m = doc.meta
    issuers = "、".join(m.get("issuers") or [])
    issued = str(m.get("issued_text", ""))
    day = issued.removesuffix("印发")  # "2022年8月15日印发" names the act; the date alone is the part before
    notice = doc.find("notice")
    if kind == "recipients" and notice is not None:
        addressee = notice.text.split("\n", 1)[0].rstrip("：:")
        text = f"{doc.doc_number}的印发通知主送：{addressee}；抄送：{m.get('cc', '')}。"
        return _finish(doc, text, citations=[citation(doc, "notice", quote=addressee)], flags=["docfacts"])
    if kind == "structure":
        return _structure(doc)
    parts = {
        "number": f"文件文号为{doc.doc_number}，标题为《{doc.title}》。",
        "date": f"{doc.doc_number}于{day}印发。",
        "effective": f"{doc.doc_number}未单独规定施行日期，文件于{day}印发；工作目标期限至2025年。",
        "issuers": f"{doc.doc_number}由{issuers}联合印发。",
        "title": f"文件标题为《{doc.title}》，文号{doc.doc_number}，由{issuers}印发。",
        "cc": f"{doc.doc_number}抄送：{m.get('cc', '')}。",
    }
    text = parts.get(kind, parts["number"])
    if kind not in ("date", "effective"):
        text += f"印发日期：{day}。"
    cites = [citation(doc, "notice", quote=sentences(notice.text)[-1] if notice else "")] if notice else []
    goals = doc.find("2")
    if kind == "effective" and goals is not None:
        cites.append(citation(doc, "2", quote=sentences(goals.text)[0]))  # the 2025 target horizon
    return _finish(doc, text, citations=cites, flags=["docfacts"])


def _structure(doc: Document) -> Answer:
    """The document's top-level parts (一、总体要求 … 四、保障措施), each cited by its heading."""
    top = [c for c in doc if not c.parent and c.heading and c.id not in ("0", "notice")]
    cites = [{"doc": doc.id, "clause": c.id, "label": c.label, "quote": c.heading} for c in top]
    parts = "；".join(f"{c.label}、{c.heading}" for c in top)
    text = (f"{doc.doc_number}《{doc.title}》由印发通知和实施意见组成。实施意见在开头一段说明制定目的后，正文分为：{parts}。"
            "\n（如需某一部分的内容，请说明是哪一部分。）")
    return _finish(doc, text, citations=cites, flags=["docfacts", "structure"])


def _eligibility(doc: Document, session: Session, turn: Turn, question: str) -> Answer:
    """Whether a rule requires the conditions asked about (上云补贴要求是规上企业吗), from the rule's own conditions."""
    rows = rule_rows()
    cid = next(c for c in turn.topics if c in rows)
    row = rows[cid]
    clause = doc.clause(cid)
    needed = {c["id"]: c["text"] for c in row["conditions"]}
    names = {c["id"]: c["text"] for r in rows.values() for c in r["conditions"]}
    lines = []
    stated = {s[0]: v for s, v in turn.facts if not isinstance(v, Decimal)}
    for cond in turn.asked_conditions:
        text = names.get(cond)
        if text is None:
            continue
        holders = [rows[c]["label"] for c in rows if any(x["id"] == cond for x in rows[c]["conditions"])]
        held = stated.get(cond.replace("node.", "node_"))
        if cond in needed:
            line = f"{clause.label}要求{text}。"
            if held is False:
                line += f"按您所说，贵企业不满足“{text}”，不符合该项奖补条件。"
        else:
            line = f"{clause.label}不要求{text}"
            line += f"；文件中只有{'、'.join(holders)}要求{text}。" if holders else "。"
            if held is False:
                line += "这一点不影响贵企业申请该项奖补。"
        lines.append(line)
    quote = best_quote(clause, question)
    lines.append(f"{clause.label}（{row['title']}）的条件是：{'；'.join(needed.values())}。")
    lines.append(f"原文：“{quote}”")
    units = units_text(doc, cid)
    if units:
        lines.append(f"责任单位：{units}。")
    cites = [citation(doc, cid, quote=quote)]
    for cond in turn.asked_conditions:
        for other, r in rows.items():
            if other != cid and any(x["id"] == cond for x in r["conditions"]):
                add_citation(cites, citation(doc, other, question))  # the rule said to require it is cited too
    return _finish(doc, "\n".join(lines), citations=cites, flags=["eligibility"])


def _outline(doc: Document, clause, question: str) -> Answer:
    """A headline-only clause (三、主要任务): its parts, each cited by its first sentence."""
    cites: list[dict] = []
    parts = []
    for kid in clause.children:
        k = doc.clause(kid)
        parts.append(f"{k.label}{k.heading}")
        add_citation(cites, citation(doc, kid, quote=sentences(k.text)[0] if sentences(k.text) else k.text))
    text = f"{clause.label}、{clause.heading}包括：" + "；".join(parts) + "。"
    text += "\n（如需某一项的原文，请说明是哪一项。）"
    return _finish(doc, text, citations=[{"doc": doc.id, "clause": clause.id, "label": clause.label, "quote": clause.heading}]
                   + cites, flags=["outline"])


def _lookup(doc: Document, cids: list[str], question: str, turn: Turn | None = None, *, generic: bool = False) -> Answer:
    """Quote the clause asked about. `generic`: a document other than the primary one, so none of the primary
    document's own readings (interpretations, stacking, award follow-ups) apply."""
    cid = cids[0]
    clause = doc.clause(cid)
    if not clause.text.strip() and clause.children:
        return _outline(doc, clause, question)
    cites: list[dict] = []
    quote = best_quote(clause, question)
    add_citation(cites, citation(doc, cid, quote=quote))
    lines = [f"{clause.label}{('（' + clause.heading + '）') if clause.heading else ''}规定：“{quote}”"]
    if quote != clause.text.split("〔责任单位", 1)[0].strip():
        more = [x for x in ranked_sentences(clause, question)[1:2] if x != quote]
        if more:
            lines.append(f"该条还写道：“{more[0]}”")
    flags: list[str] = []
    followups: list[str] = []
    extra_texts: list[str] = []
    it = matching_interpretation(doc, cid, turn.focus if turn is not None and turn.focus else question,
                                 interpretive=bool(turn is not None and turn.interpretive))
    if it is not None:
        reading = "".join(x for x in sentences(str(it["reading"])) if not x.startswith(("回答", "并提示")))
        basis = ("文件明确规定" if it.get("basis") == "explicit"
                 else f"文件未明确，此为政策办采纳的理解，以{doc.meta.get('consult_unit') or '市工信局'}解释为准")
        lines.append(f"按政策办采纳的理解（{basis}）：{reading}")
        extra_texts.append(str(it["reading"]))
        if it.get("basis") == "assumption":
            flags.append(f"assumption:{it['id']}")
    if cid in ("4.3.3", "4.3.4") and not generic:
        st = interpretation(doc, "stacking")
        note = "文件未明确不同级别称号能否叠加，以市工信局解释为准"
        lines.append(f"注意：{note}。")
        flags.append("ambiguity:stacking")
        if st is not None and not it:
            extra_texts.append(str(st.get("reading", "")))
    rules_asked = [c for c in _topics_of(turn.focus) if c in AWARD_CLAUSES] if turn is not None and turn.separate else []
    if len(rules_asked) > 1:
        # 上云补贴和二级节点补助能同时申请吗: two of the document's own rules
        labels = "、".join(doc.clause(c).label for c in rules_asked)
        lines.append(f"{labels}是文件分别规定的奖补，文件未限制同时申请；各项按各自条件分别计算，"
                     f"合计以企业当年所缴税收地方财政实得部分为限（四（三）7）。")
        for c in rules_asked[1:]:
            add_citation(cites, citation(doc, c, question))
        add_citation(cites, citation(doc, "4.3.7", quote=sentences(doc.clause("4.3.7").text)[0]))
    units = units_text(doc, cid)
    if units:
        lines.append(f"责任单位：{units}。")
    for other in cids[1:2]:
        if other != cid and doc.find(other) is not None:
            add_citation(cites, citation(doc, other, question))
    rule = None if generic else CLAUSE_RULES.get(cid)
    if rule and rule != "tax_cap":
        ask_for = {
            "equipment": "贵企业是否为规上企业，技改项目是否已竣工、列入国家统计库、符合产业政策，购买设备投资额是多少？",
            "smart_matching": "赣州市给予贵企业的智能制造奖补金额是多少？",
            "lianghua": "贵企业获得的是哪一级两化融合称号（国家贯标、省级示范、市级示范）？",
            "service": "贵企业获得的是哪一级服务型制造示范称号（国家、省、市）？",
            "cloud": "贵企业各上云阶段的实际支付金额是多少？",
            "node": "贵企业二级节点的实际投资额是多少，是否已通过验收、在龙南注册？",
        }.get(rule)
        if ask_for:
            followups.append(ask_for)
        if cid in AWARD_CLAUSES and cid != "4.3.7":
            tax = doc.find("4.3.7")
            if tax is not None:
                lines.append(f"另按{tax.label}，各项奖励补助以企业当年所缴税收地方财政实得部分（增值税、企业所得税）为限。")
                add_citation(cites, citation(doc, "4.3.7", quote=sentences(tax.text)[0]))
    return _finish(doc, "\n".join(lines), citations=cites, flags=flags, followups=followups, sources=extra_texts)


def _unit(doc: Document, topics: list[str], question: str, last_topic: str | None) -> Answer:
    cid = topics[0] if topics else last_topic
    if cid is None or doc.find(cid) is None:
        consult = doc.meta.get("consult_unit") or "市工信局"
        text = f"请说明是哪一项工作或奖补（例如上云补贴、服务型制造、项目库）。文件中多数事项的牵头单位是{consult}。"
        return _finish(doc, text, followups=["您想问哪一项工作或奖补的责任单位？"], flags=["unit:unclear"])
    clause = doc.clause(cid)
    units = units_text(doc, cid)
    cites = [citation(doc, cid, question)]
    own = unit_quote(clause)
    holder = next((c for c in reversed(doc.ancestors(cid)) if c.units), None)
    if own:
        cites[0]["quote"] = own
    elif holder is not None and holder.id != cid:
        q = unit_quote(holder)
        if q:
            add_citation(cites, citation(doc, holder.id, quote=q))
    # a leaf rule has no heading: name it by its first phrase, never cut mid-phrase
    name = clause.heading or re.split(r"[，。；]", best_quote(clause, question))[0][:30]
    if units:
        text = f"{clause.label}（{name}）的责任单位是：{units}。"
        if holder is not None and holder.id != cid:
            text += f"（该条未单列责任单位，按所属{holder.label}“{holder.heading}”的责任单位。）"
    else:
        text = f"{clause.label}没有写明责任单位，可咨询{doc.meta.get('consult_unit') or '市工信局'}。"
    return _finish(doc, text, citations=cites, flags=["unit"])


def _unit_clauses(doc: Document, unit: str) -> Answer:
    """The clauses whose 〔责任单位〕 names `unit`, in document order, each cited by its unit line."""
    own = [c for c in doc if unit in c.units]
    if not own:
        return _finish(doc, f"文件没有列明{unit}负责的条款。", abstained=True, flags=["unit_clauses"])
    lines = [f"{unit}列为以下{'各' if len(own) > 1 else ''}条的责任单位："]
    cites: list[dict] = []
    for c in own:
        others = [u for u in c.units if u != unit]
        shared = f"（与{'、'.join(others)}共同负责）" if others else ""
        scope = "，其下各项奖补同此" if c.children and not any(doc.clause(k).units for k in c.children) else ""
        lines.append(f"· {c.label}{c.heading}{shared}{scope}。")
        add_citation(cites, citation(doc, c.id, quote=unit_quote(c) or c.heading))
    return _finish(doc, "\n".join(lines), citations=cites, flags=["unit_clauses"])


def _no_clause(doc: Document, ref: str) -> Answer:
    """A clause number the document does not have (四（三）8): say so and name the range that exists."""
    parts = ref.split(".")
    parent = next((doc.find(".".join(parts[:i])) for i in range(len(parts) - 1, 0, -1)
                   if doc.find(".".join(parts[:i])) is not None), None)
    if parent is not None and parent.children:
        n = len(parent.children)
        text = (f"文件中没有您所说的这一条。{parent.label}（{parent.heading}）下共有{n}项，请核对条款编号，"
                f"或直接说明想问的内容（例如上云补贴、二级节点）。")
        cites = [citation(doc, parent.id, quote=sentences(parent.text)[0] if sentences(parent.text) else parent.heading)]
        return _finish(doc, text, citations=cites, abstained=True, flags=["abstain:no_clause"], sources=[str(n)])
    text = "文件中没有您所说的这一条，请核对条款编号，或直接说明想问的内容（例如上云补贴、二级节点）。"
    return _finish(doc, text, abstained=True, flags=["abstain:no_clause"])


_YEARLY = re.compile(r"(\d{4})\s*年起每年分别推动\s*(.+?)工业企业")


def _targets(doc: Document, question: str, year: int | None = None) -> Answer:
    c = doc.clause("2")
    it = interpretation(doc, "targets")
    flags = ["targets"] if it else []
    m = _YEARLY.search(c.text)
    if year is not None and m:
        counts = re.findall(r"(\d+)\s*家", m.group(2))
        sent = next((x for x in sentences(c.text) if m.group(0) in x), m.group(0))
        i = year - int(m.group(1))
        if 0 <= i < len(counts):
            text = (f"按{c.label}、{c.heading}，{year}年计划推动{counts[i]}家工业企业实施技术改造。"
                    f"原文：“{sent}”")
            return _finish(doc, text, citations=[citation(doc, "2", quote=sent)], flags=flags, sources=[f"{year}年"])
        text = (f"{c.label}、{c.heading}只规定了{m.group(1)}年起逐年的目标（“{sent}”），没有{year}年的目标数。"
                f"请向{doc.meta.get('consult_unit') or '市工信局'}咨询。")
        return _finish(doc, text, citations=[citation(doc, "2", quote=sent)], abstained=True,
                       flags=[*flags, "abstain:year"], sources=[f"{year}年"])
    text = f"{c.label}、{c.heading}：“{c.text.strip()}”"
    return _finish(doc, text, citations=[citation(doc, "2", quote=c.text.strip())], flags=flags)


def _library(doc: Document, library: dict, question: str) -> Answer:
    """四（一）: the project library tier for the investment given (not money: no award)."""
    clause = doc.clause("4.1")
    quote = best_quote(clause, question)
    lines = [f"{clause.label}（{clause.heading}）规定：“{quote}”", "按您提供的项目投资："]
    lines += [f"· {x}。" for x in library.get("steps") or []]
    lines.append(f"结论：{library.get('tier_text', '')}。")
    units = units_text(doc, "4.1")
    if units:
        lines.append(f"责任单位：{units}。")
    # the steps are the calculator's trace: the guard reads them as the source of the amounts
    return _finish(doc, "\n".join(lines), citations=[citation(doc, "4.1", quote=quote)], flags=["library"],
                   sources=list(library.get("steps") or []))


def _claimable(doc: Document, profile: dict, question: str) -> Answer:
    from tools.calculator import calculate, claimable

    rows = claimable(profile)
    lines = ["按文件四（三），企业可申请的奖补如下：" if not profile else "按您提供的情况，各项奖补情况如下："]
    cites: list[dict] = []
    followups: list[str] = []
    for r in rows:
        add_citation(cites, citation(doc, r["clause"], question))
        if not profile or (r["status"] == "unknown" and r["amount"] is None):
            lines.append(f"· {r['label']} {r['title']}：{r['rule_text']}。")
        else:
            lines.append(f"· {r['label']} {r['title']}：{r['status_text']}，{r['amount_text']}。")
    tax = doc.clause("4.3.7")
    lines.append(f"以上各项合计以企业当年所缴税收地方财政实得部分（增值税、企业所得税）为限（{tax.label}）。")
    lines.append(f"责任单位：{units_text(doc, '4.3.1')}。")
    add_citation(cites, citation(doc, "4.3.7", quote=sentences(tax.text)[0]))
    award = None
    if profile:
        result = calculate(profile)
        if result.items:
            award = result.to_dict()
            lines.append(f"目前可测算的合计：{_fmt(result.total)}。")
            from assistant.compose import followup_for

            for u in result.unknown:
                q = followup_for(u["id"], u["text"])
                if q not in followups:
                    followups.append(q)
    if "ambiguity:stacking" not in (award or {}).get("flags", []) and any(r["rule"] in ("lianghua", "service") for r in rows):
        lines.append("注：文件未明确不同级别称号能否叠加，以市工信局解释为准。")
    flags = ["claimable", "ambiguity:stacking"]
    return _finish(doc, "\n".join(lines), citations=cites, award=award, flags=flags, followups=followups)


def _fmt(amount) -> str:
    from tools.amounts import format_yuan

    return format_yuan(amount)


def _award(doc: Document, session: Session, turn: Turn, question: str, *, changed: bool = True) -> Answer | None:
    from tools.calculator import calculate
    from tools.errors import CalcError

    try:
        result = calculate(session.profile)
    except CalcError as e:
        return _finish(doc, f"无法计算：{e}", flags=["error:profile"])
    if not result.items:
        if result.library is not None and ("4.1" in turn.topics or session.last_topic == "4.1"):
            return _library(doc, result.library, question)
        return None
    award = result.to_dict()
    focus = [c for c in (turn.topics or []) if c in AWARD_CLAUSES or c in ("4.1", "4.3.7")]
    if not focus and session.last_topic in AWARD_CLAUSES:
        focus = [session.last_topic]
    text, cites, flags, followups = compose_award(doc, award, focus, question)
    # 那总共能拿多少 with no new fact is the same profile again, not a recomputation
    head = ("按目前掌握的情况测算如下：" if not changed else
            "按调整后的情况重新测算如下：" if turn.whatif else "按您提供的情况测算如下：")
    if turn.separate:
        text += _separate_rules(doc, award, turn, cites, followups)
    return _finish(doc, head + "\n" + text, citations=cites, award=award, flags=flags, followups=followups)


# --- what-ifs asked backwards: from the award to the input (tools.whatif) -------------------------------------

def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _whatif(doc: Document, session: Session, turn: Turn, question: str) -> Answer:
    """设备投资多少起补 / 买多少设备才能拿满200万 / 二级节点投资多少封顶 / 离封顶还差多少: from the what-if helpers and
    the parameters. The figures computed here are registered as sources, as a calculator trace is, for the guard."""
    from tools.amounts import quantize
    from tools.params import load_parameters
    from tools.whatif import cap_binding_amount, cap_binding_equipment, min_qualifying_equipment

    kind = turn.reverse
    if kind == "tax_distance":
        return _tax_distance(doc, session, question)
    P = load_parameters(doc.id)
    cid = {"node_cap": "4.3.6", "cloud_cap": "4.3.5"}.get(kind or "", "4.3.1")
    clause = doc.clause(cid)
    label = clause.label
    figures: list[Decimal] = []
    followups: list[str] = []
    lines: list[str] = []
    if kind == "min_equipment":
        low, rate = min_qualifying_equipment(doc.id), P.value("equipment_rate")
        figures += [low, quantize(low * rate)]
        lines.append(f"按{label}，单个技改项目购买设备投资额达{_fmt(low)}（含本数）即可享受设备投资奖补，"
                     f"低于{_fmt(low)}不享受该项奖补。")
        lines.append(f"恰好{_fmt(low)}时：{_fmt(low)} × {_pct(rate)} = {_fmt(figures[1])}。")
        lines.append("门槛按单个项目判断，不同项目的设备投资额不能合并凑数；另须同时满足：规模以上企业、项目已竣工、"
                     "符合国家产业政策、列入国家统计库。")
    elif kind == "equipment_cap":
        rate, cap = P.value("equipment_rate"), P.value("equipment_cap")
        at = cap_binding_equipment(doc.id)
        below = at - 1
        figures += [at, below, quantize(at * rate), quantize(below * rate)]
        lines.append(f"按{label}，奖补为购买设备投资额的{_pct(rate)}，单个企业补助总额不超过{_fmt(cap)}。"
                     f"设备投资额达{_fmt(at)}起封顶：")
        lines.append(f"  · {_fmt(at)} × {_pct(rate)} = {_fmt(figures[2])}，超过{_fmt(cap)}，按{_fmt(cap)}奖补；")
        lines.append(f"  · {_fmt(below)} × {_pct(rate)} = {_fmt(figures[3])}，尚未封顶。")
        lines.append(f"{_fmt(cap)}上限按单个企业计算：企业几个技改项目的设备奖补合计不超过{_fmt(cap)}。")
    elif kind == "node_cap":
        rate, cap = P.value("node_rate"), P.value("node_cap")
        at = cap_binding_amount(rate, cap)
        figures += [at, quantize(at * rate)]
        lines.append(f"按{label}，二级节点建设补助为实际投资额的{_pct(rate)}，单个企业最高不超过{_fmt(cap)}。"
                     f"实际投资额达{_fmt(at)}时：{_fmt(at)} × {_pct(rate)} = {_fmt(figures[1])}，即达到上限；"
                     f"投资再多，补助仍为{_fmt(cap)}。")
        lines.append("另须已接入工业互联网标识解析二级节点、通过验收并在龙南注册。")
    else:
        cap = P.value("cloud_cap")
        stages = [s_ for s_ in _cloud_stages(turn.text) if f"cloud_rate_{s_}" in P]
        if len(stages) == 1:
            rate = P.value(f"cloud_rate_{stages[0]}")
            at = cap_binding_amount(rate, cap)
            figures += [at, quantize(at * rate)]
            lines.append(f"按{label}，{P.label('cloud_' + stages[0])}按不超过实际支付金额的{_pct(rate)}补贴，"
                         f"单个企业（各阶段合计）最高不超过{_fmt(cap)}。")
            lines.append(f"按最高比例{_pct(rate)}计，实际支付达{_fmt(at)}时：{_fmt(at)} × {_pct(rate)} = "
                         f"{_fmt(figures[1])}，即达到上限。比例是上限（不超过），实际核定比例更低时，封顶所需的支付额相应更高。")
        else:
            rates = "、".join(f"{P.label('cloud_' + s_)}{_pct(P.value('cloud_rate_' + s_))}"
                             for s_ in ("infrastructure", "platform", "application", "equipment", "manufacturing"))
            lines.append(f"按{label}，上云补贴比例因阶段而异（均为最高比例）：{rates}；单个企业各阶段合计最高不超过{_fmt(cap)}。"
                         "所以实际支付多少封顶取决于上云阶段，请说明是哪个阶段，我按该阶段的最高比例测算。")
            followups.append("您问的是哪个上云阶段（信息基础设施、平台系统、业务应用、设备资源、制造能力）？")
    units = units_text(doc, cid)
    if units:
        lines.append(f"责任单位：{units}。")
    tax = doc.find("4.3.7")
    cites = [citation(doc, cid, quote=best_quote(clause, question))]
    if tax is not None:
        lines.append(f"另按{tax.label}，各项奖励补助以企业当年所缴税收地方财政实得部分（增值税、企业所得税）为限。")
        add_citation(cites, citation(doc, "4.3.7", quote=sentences(tax.text)[0]))
    return _finish(doc, "\n".join(lines), citations=cites, flags=[f"whatif:{kind}"], followups=followups,
                   sources=[str(v) for v in figures])


def _cloud_stages(text: str) -> list[str]:
    from assistant.understand import cloud_stages

    return cloud_stages(text)


def _tax_distance(doc: Document, session: Session, question: str) -> Answer:
    """离封顶还差多少: the 四（三） awards so far against the 四（三）7 cap (the local tax share), or what is missing."""
    from tools.calculator import calculate
    from tools.errors import CalcError
    from tools.whatif import distance_to_tax_cap

    tax_clause = doc.clause("4.3.7")
    label = tax_clause.label
    cites = [citation(doc, "4.3.7", quote=sentences(tax_clause.text)[0])]
    rule = f"按{label}，各项奖励补助合计以企业当年所缴税收地方财政实得部分（增值税、企业所得税）为限，超出部分不予奖励。"
    ask_tax = followup_for("local_tax_retained", "")
    try:
        result = calculate(session.profile)
    except CalcError as e:
        return _finish(doc, f"无法计算：{e}", flags=["error:profile"])
    if not result.items:
        text = rule + "要算离上限还差多少，需要先知道贵企业可获的各项奖补（如设备投资额、上云支付、二级节点投资）和当年地方财政实得部分的金额。"
        return _finish(doc, text, citations=cites, flags=["whatif:tax_distance"],
                       followups=["贵企业有哪些奖补可以申请（设备投资额、上云支付、二级节点投资、称号等）？", ask_tax])
    award = result.to_dict()
    lines = []
    for it in award["items"]:
        add_citation(cites, citation(doc, it["clause"], question))
        if it["status"] == "ineligible":
            lines.append(f"  · {it['label']} {it.get('title', '')}：不符合条件，0元")
        elif it.get("amount") is not None:
            lines.append(f"  · {it['label']} {it.get('title', '')}：{'最高' if it.get('maximum') else ''}{_fmt(it['amount'])}")
        else:
            lines.append(f"  · {it['label']} {it.get('title', '')}：金额待补充资料，未计入")
    uncapped, tax = result.uncapped_total, result.tax_cap
    figures: list[Decimal] = []
    followups: list[str] = []
    if tax is None:
        head = (f"目前可测算的各项奖补合计{_fmt(uncapped)}：")
        tail = [rule + "未提供该数额，无法计算离上限还差多少；请告知贵企业当年地方财政实得部分的金额。"]
        followups.append(ask_tax)
    else:
        d = distance_to_tax_cap(uncapped, tax)
        figures += [d, -d]
        head = f"各项奖补合计{_fmt(uncapped)}，当年地方财政实得税收{_fmt(tax)}："
        if d > 0:
            tail = [f"{rule}离上限还差{_fmt(d)}：奖补合计再增加{_fmt(d)}以内仍可全额获得，超过的部分不予奖励。"]
        elif d == 0:
            tail = [f"{rule}奖补合计正好等于上限，再增加的奖补不予奖励。"]
        else:
            tail = [f"{rule}奖补合计已超过上限{_fmt(-d)}，实际以{_fmt(tax)}为限；超出的{_fmt(-d)}不予奖励，"
                    "也不结转到以后年度。"]
    if result.unknown and any(u["rule"] != "tax_cap" for u in result.unknown):
        tail.append("以上合计以待确认条件全部满足为前提；任一条件不满足，该项不予奖补。")
        for u in result.unknown:
            q = followup_for(u["id"], u["text"])
            if q not in followups:
                followups.append(q)
    text = "\n".join([head, *lines, *tail])
    return _finish(doc, text, citations=cites, award=award, flags=["whatif:tax_distance", *award.get("flags", [])],
                   followups=followups, sources=[str(v) for v in figures])


def _separate_rules(doc: Document, award: dict, turn: Turn, cites: list[dict], followups: list[str]) -> str:
    """设备奖补另算吗: a rule asked about that the facts so far do not reach is its own award, with its own facts;
    all of them together stay under 四（三）7."""
    computed = {i["clause"] for i in award["items"]}
    rows = rule_rows()
    in_focus = _topics_of(turn.focus)
    asked = [c for c in in_focus if c in rows and c not in computed]
    lines = []
    for cid in asked:
        r = rows[cid]
        lines.append(f"【{r['label']} {r['title']}】是单独的一项奖补，需按其自身条件另行计算：{r['rule_text']}；"
                     f"条件：{'；'.join(c['text'] for c in r['conditions'])}。")
        add_citation(cites, citation(doc, cid))
        ask_for = {"4.3.1": "equipment", "4.3.2": "ganzhou_smart_award", "4.3.5": "cloud_paid", "4.3.6": "node.investment"}.get(cid)
        if ask_for:
            q = followup_for(ask_for, "")
            if q not in followups:
                followups.append(q)
    if not lines:
        return ""
    tax = doc.find("4.3.7")
    label = tax.label if tax is not None else "四（三）7"
    lines.append(f"各项奖补分别计算后相加，合计以企业当年所缴税收地方财政实得部分为限（{label}）。")
    if tax is not None:
        add_citation(cites, citation(doc, "4.3.7", quote=sentences(tax.text)[0]))
    return "\n" + "\n".join(lines)


def _topics_of(text: str) -> list[str]:
    from assistant.understand import topics_of

    return topics_of(text)


# --- the entry point ----------------------------------------------------------------------------


def _too_long(doc: Document, n: int, limit: int) -> Answer:
    text = f"问题过长（{n}字），超过{limit}字的上限，未作处理。请精简后重新提问，例如只写明企业情况和想问的奖补。"
    # the lengths are facts about the input, not policy figures
    return _finish(doc, text, abstained=True, flags=["input:too_long"], sources=[text])


# --- several documents loaded ---------------------------------------------------------------------
# The keyword understanding, the interpretations and the calculator are written for the primary document
# (the one with award rules). With more documents loaded, each question is first placed in a document: one it
# names (id, 文号, title), the one holding the clause number it names, the one the conversation is about for a
# bare follow-up, else the one retrieval ranks first. Questions placed in another document are answered from
# that document's own clauses, without the primary document's readings.

# A question moves to another document only if its best hit there shares words with the question (BM25 > 0) and
# the current document's best hit scores below this share of it (fused scores, the best hit scoring 1.0).
_STAY_RATIO = 0.8
# The keyword understanding is written for the primary document: a topic it found there keeps the question there
# when retrieval also ranks that clause among its best five at half the top score or more.
_TOPIC_RATIO = 0.5
_FOLLOWUP_ONLY = ("award", "claimable", "eligibility")
# 比例是多少 / 标准是什么 asks what the clause says, not for an amount computed for the enterprise
_RULE_Q = re.compile(r"比例|比率|标准|上限|最高|条件|规定|怎么(算|规定)")


def _nfkc(s: str) -> str:
    """Full-width to half-width one character for one, as understand() reads text (spaces and case kept)."""
    return "".join(n if len(n := unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in s or "")


def _named_docs(corpus: Corpus, q: str) -> tuple[list[Document], str]:
    """The documents a question names (by id, 文号 or title) and the question with the names taken out."""
    named: list[Document] = []
    rest = _nfkc(q)
    for d in corpus:
        hit = False
        pat = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(d.id)}(?![A-Za-z0-9_-])\s*#?", re.I)
        if pat.search(rest):
            rest, hit = pat.sub(" ", rest), True
        for name in (d.doc_number, d.title):
            n = _nfkc(name).strip()
            if n and n != d.id and n in rest:
                rest, hit = rest.replace(f"《{n}》", "该文件").replace(n, "该文件"), True
        if hit:
            named.append(d)
    return named, rest.strip()


_ARTICLE_NO = re.compile(r"第([一二三四五六七八九十百\d]+)条")


def _ref_in(doc: Document, primary: Document, text: str, turn: Turn) -> str | None:
    """The clause the question names, read in DOC's own numbering; None if DOC has no such clause."""
    from corpus import named_clause_ids, normalise_reference

    ids = named_clause_ids(text)
    if ids:
        ref = ids[0]
    elif doc is primary:
        ref = turn.clause_ref
    else:
        m = _ARTICLE_NO.search(text)  # 第5条 is the primary document's 四（三）5, another's own 第五条
        ref = normalise_reference(m.group(0)) if m else None
    return ref if ref and doc.find(ref) is not None else None


def _mentions_ref(text: str, turn: Turn) -> bool:
    from corpus import named_clause_ids

    return bool(named_clause_ids(text) or turn.clause_ref)


def _ranked_doc(corpus: Corpus, primary: Document, home: Document, text: str, turn: Turn) -> Document:
    """The document retrieval ranks first for a question, unless the document the conversation is on (else the
    primary one) ranks nearly as high: a question moves to another document only when that one clearly fits better."""
    try:
        hits = _index(corpus).search(text, k=5)
    except Exception:  # noqa: BLE001 - without the index, questions stay where they are
        return home
    if not hits or hits[0].doc == home.id:
        return home
    top = hits[0]
    if not top.sparse_score:
        return home  # no word in common: the dense ranking alone does not move a question to another document
    if any(h.doc == home.id and h.score >= _STAY_RATIO * top.score for h in hits):
        return home
    if turn.topics and any(h.doc == primary.id and h.clause in turn.topics[:2]
                           and h.score >= _TOPIC_RATIO * top.score for h in hits):
        return primary  # the keywords placed it in the primary document and retrieval nearly agrees
    return corpus.document(top.doc)


def _place(q: str, session: Session, corpus: Corpus, primary: Document) -> tuple[Document | Answer, str, str | None, Turn]:
    """(document or clarifying answer, question without the document's name, clause id in that document, turn)."""
    named, rest = _named_docs(corpus, q)
    turn = understand(rest)
    if named:
        doc = primary if primary in named else named[0]
        ref = _ref_in(doc, primary, rest, turn)
        if ref is None and session.pending_ref and not _mentions_ref(rest, turn) and doc.find(session.pending_ref):
            ref = session.pending_ref  # the answer to 哪一份文件？
        return doc, rest, ref, turn
    if _mentions_ref(rest, turn):
        holders = [(d, r) for d in corpus if (r := _ref_in(d, primary, rest, turn)) is not None]
        if len(holders) == 1:
            return holders[0][0], rest, holders[0][1], turn
        if len(holders) > 1:
            return _which_document(holders, session), rest, None, turn
        return primary, rest, None, turn  # no document has it: the primary document says so
    if turn.intent == "help":
        return primary, rest, None, turn
    last = corpus.documents.get(session.last_doc or "")
    # 那如果是5000万呢 / 赣州给了80万: facts or a what-if with no topic of their own continue the conversation
    bare_followup = not turn.topics and bool(turn.whatif or turn.unresolved_amounts or turn.deltas or turn.bare_levels
                                             or turn.facts or turn.titles)
    if last is not None and (turn.intent == "docfacts" or bare_followup):
        return last, rest, None, turn
    if turn.intent == "docfacts":
        return primary, rest, None, turn
    return _ranked_doc(corpus, primary, last or primary, rest, turn), rest, None, turn


def _which_document(holders: list[tuple[Document, str]], session: Session) -> Answer:
    """A bare clause number several documents have: list them and ask which one, guessing none."""
    ref = holders[0][1]
    lines = [f"已加载的多份文件都有编号为{ref}的条款，请说明是哪一份文件："]
    cites: list[dict] = []
    sources: list[str] = [ref]
    for d, cid in holders:
        c = d.clause(cid)
        name = f"《{d.title}》（{d.doc_number or d.id}）"
        lines.append(f"· {name}{c.label}{('（' + c.heading + '）') if c.heading else ''}，可写作 {d.id}#{c.id}")
        cites.append({"doc": d.id, "clause": c.id, "label": c.label,
                      "quote": best_quote(c) if c.text.strip() else c.heading})
        sources += [d.title, d.doc_number, d.id, stamp(d)]
    session.pending_ref = ref
    text = "\n".join(lines) + "\n" + "".join(stamp(d) for d, _ in holders)
    return Answer(answer=text, citations=cites, flags=["clarify:document"],
                  followups=[f"{d.id}#{cid}" for d, cid in holders], sources=sources)


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


_OTHER_ABSTAIN_WHAT = ("deadline", "materials", "where", "contact", "tax_rate", "definition_above_scale",
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


def deterministic_answer(question: str, session: Session, corpus: Corpus | None = None, max_chars: int = 2000) -> Answer:
    """The rule-based answer: no model involved. Updates `session`."""
    corpus = corpus or _corpus()
    doc = primary_document(corpus)
    q = question if isinstance(question, str) else ""
    if len(q) > max_chars:
        return _too_long(doc, len(q), max_chars)
    if len(corpus) > 1:
        placed, rest, ref, turn = _place(q, session, corpus, doc)
        if isinstance(placed, Answer):
            return placed
        if placed is not doc:
            session.pending_ref = None
            session.last_doc = placed.id
            return _other_document(placed, rest, turn, ref, corpus)
        if ref is not None and not _mentions_ref(rest, turn):
            rest = f"{placed.clause(ref).label} {rest}"  # 哪一份文件？ answered: the clause asked before
        q = rest
        session.pending_ref = None
        session.last_doc = doc.id
    turn = understand(q)
    problems = list(turn.problems)
    intent = turn.intent
    if turn.reset:
        session.reset()
    before = copy.deepcopy(session.profile)
    if intent in ("award", "claimable", "lookup", "unit", "search", "targets", "eligibility"):
        problems += session.apply(turn)
    changed = session.profile != before
    if turn.year is not None and session.last_intent == "targets" and not turn.facts and (
            intent in ("search", "lookup") and not turn.topics or turn.abstain_kind == "unrelated"):
        intent = "targets"  # 2024年呢？ after a targets question
    if intent == "abstain" and turn.abstain_kind == "unrelated" and _FOREIGN.fullmatch(q.strip()):
        cid = _dense_clause(q, corpus, doc)  # What is the subsidy for cloud adoption?: the multilingual embeddings place it
        if cid is not None:
            intent, turn.topics = "lookup", [cid]
    if intent == "help":
        ans = _help(doc)
    elif intent == "abstain":
        ans = _abstain(doc, turn.abstain_kind or "unrelated", q)
    elif intent == "docfacts":
        ans = _docfacts(doc, turn.docfact or "number")
    elif turn.clause_ref and doc.find(turn.clause_ref) is None and intent in ("lookup", "search", "unit") \
            and not turn.topics:
        ans = _no_clause(doc, turn.clause_ref)
    elif intent == "unit":
        ans = _unit(doc, turn.topics, q, session.last_topic)
    elif intent == "unit_clauses":
        ans = _unit_clauses(doc, turn.unit_name or "")
    elif intent == "targets":
        ans = _targets(doc, q, turn.year)
    elif intent == "claimable":
        ans = _claimable(doc, session.profile, q)
    elif intent == "eligibility":
        ans = _eligibility(doc, session, turn, q)
    elif turn.reverse and intent not in ("unit", "unit_clauses"):
        ans = _whatif(doc, session, turn, q)
    else:
        ans = None
        if intent == "award" or (turn.whatif and session.profile):
            ans = _award(doc, session, turn, q, changed=changed)
        if ans is None:
            cids = [turn.clause_ref] if turn.clause_ref and doc.find(turn.clause_ref) else []
            cids += [c for c in turn.topics if c not in cids]
            if not cids and intent == "award" and session.last_topic:
                cids = [session.last_topic]
            if not cids and intent != "award" and not turn.injection:
                cids = _search(q, corpus, doc)
            if cids:
                ans = _lookup(doc, cids, q, turn)
            elif intent == "award" or turn.injection:
                ans = _claimable(doc, session.profile, q)
            else:
                ans = _abstain(doc, "unrelated", q)
    if problems:
        note = "没能完全理解：" + "".join(p if p.endswith("。") else p + "。" for p in dict.fromkeys(problems))
        ans.answer = note + "\n" + ans.answer
        ans.flags.append("input:not_understood")
        ans.sources.extend(problems)
    if turn.clause_ref and doc.find(turn.clause_ref) is None and "abstain:no_clause" not in ans.flags:
        ans.answer = "文件中没有您所说的条款编号，以下按问题内容回答：\n" + ans.answer
        ans.flags.append("input:no_such_clause")
    if turn.approx and ans.award is not None:
        note = ("注：" + "、".join(f"“{a}”" for a in dict.fromkeys(turn.approx))
                + "是约数，以上按所写金额测算；实际以核定的金额为准，如有准确数字请告知。")
        _insert_before_stamp(ans, note)
        ans.sources.append(note)
    if turn.injection:
        ans.answer = "（问题中要求改变回答规则的内容已忽略：金额只由计算器按文件条款计算。）\n" + ans.answer
        ans.flags.append("input:injection")
    # remember the topic for follow-ups
    if ans.citations and not ans.abstained:
        first = ans.citations[0]["clause"]
        session.last_topic = first if first != "4.3.7" or not session.last_topic else session.last_topic
    session.last_intent = intent
    return ans


def _insert_before_stamp(ans: Answer, line: str) -> None:
    body, sep, last = ans.answer.rstrip().rpartition("\n")
    ans.answer = f"{body}\n{line}\n{last}" if sep else f"{line}\n{last}"


# A question written without Chinese (English and the like): keywords cannot place it, dense retrieval may.
_FOREIGN = re.compile(r"[^\u4e00-\u9fff]*[A-Za-z]{3,}[^\u4e00-\u9fff]*")
# e5 cosines sit in a narrow band: a clause counts as hit only well above the rest (measured: on-topic English
# questions score ≥ 0.765 with a lead ≥ 0.01; weather, jokes and trivia lead by ≤ 0.003).
_DENSE_MIN, _DENSE_LEAD = 0.765, 0.01


def _index(corpus: Corpus | None = None):
    """The search index over the loaded corpus (None: the index's own default, bundled plus added documents)."""
    from assistant.index import get_index

    return get_index(corpus=corpus) if corpus is not None and len(corpus) > 1 else get_index()


def _only(corpus: Corpus | None, doc: Document | None) -> str | None:
    """Restrict a search to DOC only when several documents are loaded (one document: search as before)."""
    return doc.id if doc is not None and corpus is not None and len(corpus) > 1 else None


def _dense_clause(question: str, corpus: Corpus | None = None, doc: Document | None = None) -> str | None:
    try:
        hits = _index(corpus).dense_search(question, k=2, doc=_only(corpus, doc))
    except Exception:  # noqa: BLE001 - without the index a foreign-language question is abstained
        return None
    if not hits or hits[0].dense_score is None or hits[0].dense_score < _DENSE_MIN:
        return None
    if len(hits) > 1 and hits[1].dense_score is not None and hits[0].dense_score - hits[1].dense_score < _DENSE_LEAD:
        return None
    return hits[0].clause


def _search(question: str, corpus: Corpus | None = None, doc: Document | None = None) -> list[str]:
    """Retrieval as the fallback router: the best clause ids for a question no keyword placed."""
    try:
        hits = _index(corpus).search(question, k=3, doc=_only(corpus, doc))
    except Exception:  # noqa: BLE001 - the index is optional for the deterministic path
        return []
    return [h.clause for h in hits if getattr(h, "clause", None)][:2]


def ask(question: str, session: Session | None = None, *, corpus: Corpus | None = None, llm=None) -> Answer:
    """Answer one question (DESIGN §4). With a session, facts and topic carry over between turns.

    `llm`: a langchain chat model, or None to use `settings.llm` (empty → deterministic only); pass
    `llm=False` to force the deterministic path."""
    session = session if session is not None else Session()
    settings = _settings()
    try:
        corpus = corpus or _corpus()
    except CorpusError as e:  # pragma: no cover - the bundled corpus is always present
        return Answer(answer=f"无法加载政策文件：{e}", abstained=True, flags=["error:corpus"])
    before = copy.deepcopy(session.profile)
    ans = deterministic_answer(question, session, corpus, settings.max_question_chars)
    if llm is not False and (llm is not None or settings.llm) and not ans.abstained and "input:too_long" not in ans.flags:
        from assistant.llm import llm_answer

        ans = llm_answer(question, ans, session=session, corpus=corpus, model=llm or None, settings=settings,
                         profile_before=before)
    session.last_answer = ans
    session.history.append((question if isinstance(question, str) else "", ans.answer))
    return ans


def check_answer(ans: Answer, corpus: Corpus | None = None):
    """Run the number and citation guard on an answer (deterministic or model-phrased)."""
    from assistant.guard import guard

    corpus = corpus or _corpus()
    doc = corpus.document(ans.citations[0]["doc"]) if ans.citations else primary_document(corpus)
    extra = [stamp(doc), *ans.sources]
    return guard(ans.answer, award=ans.award, citations=ans.citations, corpus=corpus, extra_texts=extra)


__all__ = ["Answer", "Session", "ask", "check_answer", "deterministic_answer"]
