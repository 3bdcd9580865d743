"""Answers about a document itself and refusals: help, abstentions, document facts, validity, structure, bad
clause numbers, over-long input, places no loaded document covers."""

from __future__ import annotations

from datetime import date

from assistant.answer import Answer
from assistant.compose.common import finish, status_line
from assistant.compose.text import (
    abstain_what,
    best_quote,
    citation,
    consult_unit,
    date_text,
    doc_name,
    sentences,
    units_text,
)
from assistant.understand.focus import WHOLE_Q
from assistant.understand.lexicon import Lex
from assistant.understand.scope import PROCEDURE, UNPROCEDURAL
from corpus import Corpus, Document


def help_answer(lex: Lex) -> Answer:
    doc = lex.doc
    examples = list(lex.words.examples)
    ex = "\n".join(f"· {q}" for q in examples)
    text = (f"您好！我可以回答关于{doc.doc_number}《{doc.title}》的问题：奖补能拿多少、条件是否满足、"
            f"条款原文、责任单位、工作目标和文件信息。" + (f"例如：\n{ex}" if examples else ""))
    return finish(doc, text, followups=examples[:3], flags=["help"], sources=examples)


def procedure_sentence(doc: Document) -> tuple[str, str] | None:
    """The clause and sentence where the document says application details are set elsewhere (按相关规定执行 / 另行发布)."""
    deferred, section = PROCEDURE.get("deferred"), PROCEDURE.get("section")
    for c in doc:
        for s in sentences(c.text):
            if deferred and deferred.search(s):
                return c.id, s
    # else the first sentence of the document's application section (三、申报程序 → 三（一）)
    for c in doc:
        if section and section.search(c.heading or "") and not c.text.strip():
            for child in c.children:
                sub = doc.find(child)
                if sub is not None and sentences(sub.text):
                    return sub.id, sentences(sub.text)[0]
    return None


def _quoted_abstention(doc: Document, clause: str, question: str, kind: str, lead: str, tail: str) -> Answer:
    """An abstention that quotes the clause nearest the question: what the document says, and that it says no more."""
    c = doc.clause(clause)
    quote = best_quote(c, question)
    text = f"{lead}{c.label}只写明“{quote.rstrip('。')}”。{tail}"
    return finish(doc, text, citations=[citation(doc, clause, quote=quote)], abstained=True, flags=[f"abstain:{kind}"])


def abstain_answer(lex: Lex, kind: str, question: str, corpus: Corpus | None = None, clause: str | None = None,
                   things: tuple[str, ...] = (), elsewhere: tuple[str, ...] = (), about: str | None = None) -> Answer:
    doc = lex.doc
    consult = consult_unit(doc)
    quoted = clause is not None and doc.find(clause) is not None
    if kind == "unnamed" and quoted:
        # 进口设备的关税和海运费能不能算进设备投资额: the rule is quoted; what is asked about it, it never names
        return _quoted_abstention(doc, clause, question, kind,
                                  f"{doc.doc_number}没有提到{'、'.join(things)}，也就没有规定其能否计入或作为计算依据。",
                                  f"文件对此未作规定，请以{consult}的解释为准。")
    if kind == "input_value" and quoted:
        # 那个一年期LPR现在是多少: the rule reads a value the enterprise gives; the document states none
        units = "、".join(doc.responsible_units(clause)) or consult
        return _quoted_abstention(doc, clause, question, kind, f"{doc.doc_number}没有规定{'、'.join(things)}的具体数值。",
                                  f"该数值按实际情况由企业提供，测算时请告知；如有疑问，请向{units}咨询。")
    if kind == "no_counterpart":
        # 那南康有没有类似的, after 安远's 清洁生产审核: this document has no such rule
        place = lex.pack.place
        text = (f"{place.name + '的' if place else ''}{doc.doc_number}没有与{'、'.join(things)}相应的奖补规定，"
                f"无法按该文件测算。如需了解，请向{consult}咨询。")
        return finish(doc, text, abstained=True, flags=["abstain:no_counterpart"])
    if kind == "uncovered" and elsewhere and corpus is not None:
        # 龙南有没有光伏补贴: this document says nothing of it, another loaded one does
        place = lex.pack.place
        others = loaded_places(corpus, only=elsewhere)
        text = (f"{place.name + '的' if place else ''}{doc.doc_number}没有涉及这一事项的规定，无法按该文件回答。"
                f"已载入的文件中，{others}有相关条款，如适用可按该文件询问。如需了解，请向{consult}咨询。")
        return finish(doc, text, abstained=True, flags=["abstain:uncovered"], sources=[others])
    if kind == "uncovered":
        # below the relevance floor: say so, rather than quote the nearest clause as if it answered
        loaded = loaded_places(corpus) if corpus is not None else f"{doc.doc_number}《{doc.title}》"
        text = (f"已载入的政策文件（{loaded}）没有涉及这个问题的内容，无法据此回答。"
                f"如需了解，请向{consult}咨询。")
        return finish(doc, text, abstained=True, flags=["abstain:uncovered"], sources=[loaded])
    if kind == "no_award" and quoted:
        # 龙南这边绿色工厂奖多少: the document speaks of it (a task, a target) but awards nothing for it
        place = lex.pack.place
        return _quoted_abstention(doc, clause, question, kind,
                                  f"{place.name + '的' if place else ''}{doc.doc_number}没有对这一事项给予奖补的规定；",
                                  f"如需了解，请向{consult}咨询。")
    if kind == "validity":
        v = lex.words.validity
        if v is not None:
            target = doc.find(v.clause) if v.clause else None
            cites = [citation(doc, v.clause, quote=sentences(target.text)[0])] if target else []
            text = v.answer.format(doc_number=doc.doc_number, label=target.label if target else "", consult=consult)
            return finish(doc, text, citations=cites, abstained=True, flags=["abstain:validity"])
        text = f"{doc.doc_number}未规定有效期或失效日期。是否仍在执行，请向{consult}咨询。"
        return finish(doc, text, abstained=True, flags=["abstain:validity"])
    if kind == "interpretation_body":
        text = (f"{doc.doc_number}未规定由哪个单位负责解释，文件没有写明解释权归属；各项工作的责任单位见各条〔责任单位〕。"
                f"如需权威解释，请向{consult}咨询。")
        return finish(doc, text, abstained=True, flags=["abstain:interpretation_body"])
    if kind == "other_city":
        return finish(doc, f"本助手收录的{doc_name(doc)}不涉及其他城市或地区的政策，无法回答。"
                      f"其他地区的政策请咨询当地主管部门。", abstained=True, flags=["abstain:other_city"])
    if kind == "unrelated":
        scope = lex.words.scope_text or "奖补、条款原文、责任单位等"
        example = lex.words.examples[1] if len(lex.words.examples) > 1 else ""
        text = (f"这个问题与{doc.doc_number}《{doc.title}》无关，文件没有相关内容，无法回答。"
                f"我可以回答{scope}问题" + (f"，例如：{example}" if example else "。"))
        return finish(doc, text, abstained=True, flags=["abstain:unrelated"])
    spec = next((a for a in lex.words.abstain if a.kind == kind), None)
    what = abstain_what(kind, lex)
    if kind == "not_covered":
        place = lex.pack.place
        text = f"{place.name + '的' if place else ''}{doc.doc_number}未涉及{what}。请向{consult}或相关主管部门咨询。"
        if spec is not None and spec.note:
            text += spec.note
        section = doc.find(lex.words.award_section) if lex.words.award_section else None
        cites = [citation(doc, section.id, quote=sentences(section.text)[0] if sentences(section.text) else section.heading)] \
            if section is not None and section.label in text else []
        return finish(doc, text, citations=cites, abstained=True, flags=[f"abstain:{kind}"])
    proc = procedure_sentence(doc) if kind not in UNPROCEDURAL else None
    cites, said = [], ""
    if proc is not None:
        cid, quote = proc
        cites = [citation(doc, cid, quote=quote)]
        said = f"{doc.clause(cid).label}只写明“{quote.rstrip('。')}”。"
    units = units_text(doc, proc[0]) if proc else ""
    text = f"文件未规定{what}。{said}请向{consult}咨询" + (f"（相关事项的责任单位为{units}）。" if units and units != consult else "。")
    topic_units = units_text(doc, about) if about and doc.find(about) is not None else ""
    if topic_units and topic_units != consult and topic_units != units:
        # 贷款贴息…按季度拨吗: the units the asked rule names (区金融办) are whom to ask too
        text += f"{doc.clause(about).label}的责任单位为{topic_units}。"
        cites.append(citation(doc, about, question))
    if spec is not None and spec.note:
        text += spec.note
    return finish(doc, text, citations=cites, abstained=True, flags=[f"abstain:{kind}"])


def validity_answer(lex: Lex, as_of: date | None = None, question: str = "") -> Answer:
    """A document that states its validity: the dates, from its own clause, and whether it is in force today.
    Asked for the clause as written (原文怎么写的), the whole clause is quoted."""
    doc = lex.doc
    m = lex.pack.meta
    vc = lex.pack.rules.validity_clause if lex.pack.rules else ""
    clause = doc.find(vc) if vc else None
    quote = next((s for s in sentences(clause.text) if "有效期" in s or "施行" in s), None) if clause else None
    if quote and WHOLE_Q.search(question):
        quote = clause.text.split("〔责任单位", 1)[0].strip()
    day = as_of or date.today()
    st = status_line(lex, day)
    start = m.effective or m.issued
    span = f"自{date_text(start.isoformat())}起施行" if start else ""
    end = f"有效期至{date_text(m.expires.isoformat())}" if m.expires else "未规定失效日期"
    head = st + "。" if st else f"截至{date_text(day.isoformat())}，本文件仍在有效期内。"
    text = f"{head}{doc_name(doc)}{span}，{end}。"
    if clause is not None and quote:
        text += f"\n{clause.label}规定：“{quote}”"
    if st:
        text += f"\n语料中没有后续政策，请向{consult_unit(doc)}咨询。"
    cites = [citation(doc, vc, quote=quote)] if clause is not None and quote else []
    return finish(doc, text, citations=cites, flags=["validity", *([f"status:{lex.pack.status_on(day)}"] if st else [])],
                  sources=[head, span, end])


def docfacts_answer(lex: Lex, kinds: list[str]) -> Answer:
    """The document facts asked (文号, 日期, 发文单位, 标题, 抄送 together; 主送, 结构 or 施行 alone)."""
    doc = lex.doc
    kind = kinds[0]
    m = doc.meta
    issuers = "、".join(m.get("issuers") or [])
    day = str(m.get("issued_text", "")).removesuffix("印发") or date_text(m.get("issued"))
    notice = doc.find("notice")
    if kind == "recipients" and notice is not None:
        addressee = notice.text.split("\n", 1)[0].rstrip("：:")
        text = f"{doc.doc_number}的印发通知主送：{addressee}；抄送：{m.get('cc', '')}。"
        return finish(doc, text, citations=[citation(doc, "notice", quote=addressee)], flags=["docfacts"])
    if kind == "structure":
        return structure_answer(doc)
    if kind == "effective" and (lex.pack.meta.effective or lex.pack.meta.expires):
        return validity_answer(lex)
    v = lex.words.validity
    parts = {
        "number": f"文件文号为{doc.doc_number}，标题为《{doc.title}》。",
        "date": f"{doc.doc_number}于{day}印发。",
        "effective": (v.effective_answer.format(doc_number=doc.doc_number, day=day, consult=consult_unit(doc))
                      if v is not None and v.effective_answer else
                      f"{doc.doc_number}未单独规定施行日期，文件于{day}印发。执行起始时间请向{consult_unit(doc)}咨询。"),
        "issuers": f"{doc.doc_number}由{issuers}{'联合' if len(m.get('issuers') or []) > 1 else ''}印发。",
        "title": f"文件标题为《{doc.title}》，文号{doc.doc_number}，由{issuers}印发。",
        "cc": f"{doc.doc_number}抄送：{m.get('cc', '')}。",
    }
    asked = [k for k in dict.fromkeys(kinds) if k in parts and not (k in ("issuers", "number") and "title" in kinds)]
    text = "".join(parts[k] for k in asked) or parts["number"]
    if not {"date", "effective"} & set(asked):
        text += f"印发日期：{day}。"
    cites = [citation(doc, "notice", quote=sentences(notice.text)[-1] if notice else "")] if notice else []
    if kind == "effective" and v is not None and v.clause and doc.find(v.clause) is not None:
        cites.append(citation(doc, v.clause, quote=sentences(doc.clause(v.clause).text)[0]))
    return finish(doc, text, citations=cites, flags=["docfacts"] + (["abstain:effective"] if kind == "effective" else []),
                  abstained=kind == "effective")


def structure_answer(doc: Document) -> Answer:
    """The document's top-level parts, each cited by its heading."""
    top = [c for c in doc if not c.parent and c.heading and c.id not in ("0", "notice")]
    cites = [{"doc": doc.id, "clause": c.id, "label": c.label, "quote": c.heading} for c in top]
    parts = "；".join(f"{c.label}、{c.heading}" if not c.label.endswith("条") else f"{c.label}{c.heading}" for c in top)
    text = (f"{doc.doc_number}《{doc.title}》由印发通知和正文组成。正文在开头一段说明制定目的后，分为：{parts}。"
            "\n（如需某一部分的内容，请说明是哪一部分。）")
    return finish(doc, text, citations=cites, flags=["docfacts", "structure"])


def no_clause_answer(doc: Document, ref: str) -> Answer:
    """A clause number the document does not have: say so, name the range that exists, offer the outline."""
    parts = ref.split(".")
    parent = next((doc.find(".".join(parts[:i])) for i in range(len(parts) - 1, 0, -1)
                   if doc.find(".".join(parts[:i])) is not None), None)
    if parent is not None and parent.children:
        n = len(parent.children)
        text = (f"未找到该条款：文件中没有您所说的这一条。{parent.label}（{parent.heading}）下共有{n}项，请核对条款编号，"
                f"或直接说明想问的内容。")
        cites = [citation(doc, parent.id, quote=sentences(parent.text)[0] if sentences(parent.text) else parent.heading)]
        return finish(doc, text, citations=cites, abstained=True, flags=["abstain:no_clause"], sources=[str(n)])
    top = [c for c in doc if not c.parent and c.id not in ("notice", "0")]
    outline = "、".join(c.label for c in top)
    text = (f"未找到该条款：文件中没有您所说的这一条，请核对条款编号，或直接说明想问的内容。"
            f"本文件正文共{len(top)}部分：{outline}。")
    return finish(doc, text, abstained=True, flags=["abstain:no_clause"], sources=[outline, str(len(top))])


def too_long_answer(doc: Document, n: int, limit: int) -> Answer:
    text = f"问题过长（{n}字），超过{limit}字的上限，未作处理。请精简后重新提问，例如只写明企业情况和想问的奖补。"
    return finish(doc, text, abstained=True, flags=["input:too_long"], sources=[text])


def loaded_places(corpus: Corpus, but: str | None = None, placed: bool = False,
                  only: tuple[str, ...] | None = None) -> str:
    """The loaded documents as 龙南市（龙办发〔2022〕40号）、南康区（…）, leaving out BUT; PLACED: only those with a place;
    ONLY: just these documents."""
    from corpus.packs import pack_for

    out = []
    for d in corpus:
        pl = pack_for(d).place
        if d.id != but and (pl is not None or not placed) and (only is None or d.id in only):
            out.append(f"{pl.name}（{d.doc_number or d.id}）" if pl is not None else d.doc_number or d.id)
    return "、".join(out)


def uncovered_place_answer(doc: Document, place: str, corpus: Corpus) -> Answer:
    """A place no loaded document covers: abstain, naming what is loaded."""
    text = (f"已载入的政策文件不涉及{place}的政策，无法回答。目前载入的是：{loaded_places(corpus)}。"
            f"{place}的政策请咨询当地主管部门。")
    return finish(doc, text, abstained=True, flags=["abstain:other_city", "abstain:place"], sources=[text])


def elsewhere_note(doc: Document, corpus: Corpus, registered: str = "") -> str:
    """What an answer adds when the enterprise is not in the document's place: it pays its own place only."""
    from corpus.packs import pack_for

    pl = pack_for(doc).place
    if pl is None:
        return ""
    others = loaded_places(corpus, doc.id, placed=True)
    where = f"注册在{registered}，" if registered and registered != "外地" else ""
    return (f"注：{doc.doc_number or doc.title}只适用于在{pl.name}注册的企业；贵企业{where}不在{pl.name}，按本文件不享受。"
            + (f"已载入的其他文件适用于：{others}" + ("。" if where else "，请告知贵企业的注册地。") if others else ""))


def ask_place_answer(doc: Document, corpus: Corpus, note: str = "") -> Answer:
    """Several documents fit and the place is not known: ask where the enterprise is registered."""
    text = (note + "请问贵企业在哪里注册？不同地区的政策只适用于本地区注册的企业。已载入的文件适用于："
            + loaded_places(corpus, placed=True) + "。")
    asks = [{"question": "贵企业在哪里注册？", "fact": "registered_place", "kind": "place"}]
    return Answer(answer=text, flags=["clarify:place"], followups=["贵企业在哪里注册？"], asks=asks,
                  sources=[text])


__all__ = ["abstain_answer", "ask_place_answer", "docfacts_answer", "elsewhere_note", "help_answer", "loaded_places",
           "no_clause_answer", "procedure_sentence",
           "structure_answer", "too_long_answer", "uncovered_place_answer", "validity_answer"]
