"""Answers about the document itself and refusals: help, abstentions, document facts, structure, bad clause numbers, over-long input."""

from __future__ import annotations

from assistant.answer import Answer
from assistant.answer_parts import _finish
from assistant.compose import (
    ABSTAIN_WHAT,
    EXAMPLES,
    citation,
    sentences,
    units_text,
)
from corpus import Document


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
    if kind == "interpretation_body":
        text = (f"{doc.doc_number}未规定由哪个单位负责解释，文件没有写明解释权归属；各项工作的责任单位见各条〔责任单位〕。"
                f"如需权威解释，请向{consult}咨询。")
        return _finish(doc, text, abstained=True, flags=["abstain:interpretation_body"])
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
        "effective": (f"{doc.doc_number}未单独规定施行日期，文件于{day}印发；工作目标期限至2025年。"
                      f"执行起始时间请向{m.get('consult_unit') or '市工信局'}咨询。"),
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
    # no separate effective date is a question the document does not answer (DESIGN §5 validity)
    return _finish(doc, text, citations=cites, flags=["docfacts"] + (["abstain:effective"] if kind == "effective" else []),
                   abstained=kind == "effective")


def _structure(doc: Document) -> Answer:
    """The document's top-level parts (一、总体要求 … 四、保障措施), each cited by its heading."""
    top = [c for c in doc if not c.parent and c.heading and c.id not in ("0", "notice")]
    cites = [{"doc": doc.id, "clause": c.id, "label": c.label, "quote": c.heading} for c in top]
    parts = "；".join(f"{c.label}、{c.heading}" for c in top)
    text = (f"{doc.doc_number}《{doc.title}》由印发通知和实施意见组成。实施意见在开头一段说明制定目的后，正文分为：{parts}。"
            "\n（如需某一部分的内容，请说明是哪一部分。）")
    return _finish(doc, text, citations=cites, flags=["docfacts", "structure"])


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


def _too_long(doc: Document, n: int, limit: int) -> Answer:
    text = f"问题过长（{n}字），超过{limit}字的上限，未作处理。请精简后重新提问，例如只写明企业情况和想问的奖补。"
    # the lengths are facts about the input, not policy figures
    return _finish(doc, text, abstained=True, flags=["input:too_long"], sources=[text])
