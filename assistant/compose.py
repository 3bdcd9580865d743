"""Answer text from the calculator result and the clause text: per-rule status, arithmetic, caps, quotes, the stamp."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from corpus import Clause, Document, interpretations

ABSTAIN_WHAT = {
    "deadline": "申报时间和截止日期",
    "disbursement": "奖补资金的拨付（到账）时间",
    "materials": "需要提交的申报材料",
    "where": "到哪里申报以及申报流程",
    "definition_above_scale": "规模以上企业的认定标准",
    "tax_rate": "增值税、企业所得税的税率或地方分成比例",
    "contact": "咨询电话、联系人等联系方式",
    "not_covered": "这项政策（本文件只规定了四（三）所列奖补）",
    "equipment_scope": "哪些支出计入“购买设备投资额”（如二手、租赁、进口设备、软件，或按含税价还是不含税价）",
    "other_funds": "本文件奖补能否与国家、省、赣州市等其他政策资金同时享受",
    "award_tax": "奖补资金本身的税务处理",
    "fund_use": "奖补资金的用途和使用管理要求",
}

EXAMPLES = [
    "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万，能拿多少？",
    "上云补贴比例是多少？",
    "服务型制造归哪个部门？",
    "我们还能申请哪些奖励？",
    "文号是多少？",
]

# An unknown condition becomes a question to the enterprise (docassemble style: ask only what is missing).
_FOLLOWUP = {
    "above_scale": "贵企业是否为规模以上企业？",
    "completed": "贵企业的技改项目是否已竣工？",
    "in_national_stats": "贵企业的技改项目是否已列入国家统计库？",
    "complies_industrial_policy": "贵企业的技改项目是否符合国家产业政策？",
    "equipment_threshold": "技改项目购买设备投资额是多少？",
    "equipment": "技改项目购买设备投资额是多少？",
    "smart_recognised": "贵企业是否获得赣州市认定的智能制造示范企业或智能制造标杆企业？",
    "ganzhou_smart_award": "赣州市给予贵企业的智能制造奖补金额是多少？",
    "node.connected": "贵企业是否已接入工业互联网标识解析二级节点？",
    "node.passed_acceptance": "贵企业的二级节点项目是否已通过验收？",
    "node.registered_in_longnan": "贵企业是否在龙南注册？",
    "node.investment": "贵企业二级节点建设的实际投资额是多少？",
    "cloud_paid": "贵企业各上云阶段（信息基础设施、平台系统、业务应用、设备资源、制造能力）实际支付了多少？",
    "local_tax_retained": "贵企业当年所缴增值税、企业所得税的地方财政实得部分是多少？",
    "lianghua_title": "贵企业获得的是哪一级两化融合称号（国家贯标、省级示范、市级示范）？",
    "service_title": "贵企业获得的是哪一级服务型制造示范称号（国家、省、市）？",
}


def followup_for(cond_id: str, text: str) -> str:
    base = cond_id.split(".", 1)[1] if re.match(r"^p\d+\.", cond_id) else cond_id
    if base in _FOLLOWUP:
        q = _FOLLOWUP[base]
        m = re.match(r"^项目(\d+)：", text)
        if m and "技改项目" in q:
            q = q.replace("技改项目", f"第{m.group(1)}个技改项目")
        return q
    return f"请确认：{text}？"


def stamp(doc: Document) -> str:
    """（文号，印发日期）: the document an answer rests on; an added document without a 文号 is named by its id."""
    number = doc.doc_number or doc.id
    day = doc.meta.get("issued_text") or date_text(doc.meta.get("issued"))
    return f"（{number}，{day}）" if day else f"（{number}）"


def date_text(value) -> str:
    """A meta date (2023-03-20, or a date object) as written in Chinese documents: 2023年3月20日."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(value or "").strip())
    return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日" if m else str(value or "")


def units_text(doc: Document, cid: str) -> str:
    units = doc.responsible_units(cid)
    return "、".join(units)


# --- quoting --------------------------------------------------------------------------------

_SENT_RE = re.compile(r"[^。；]*[。；]|[^。；]+$")


def sentences(text: str) -> list[str]:
    """Verbatim sentences of a clause text (each a substring), without the 〔责任单位〕 tail."""
    body = text.split("〔责任单位", 1)[0]
    return [s for s in (m.group(0).strip("\n") for m in _SENT_RE.finditer(body)) if s.strip()]


def bigrams(s: str) -> set[str]:
    """Character bigrams without spaces and punctuation: the overlap measure for quotes and readings."""
    s = re.sub(r"[\s，。、；：“”（）()]", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)}


_bigrams = bigrams


def ranked_sentences(clause: Clause, question: str = "") -> list[str]:
    """The clause's sentences, most about the question first (the bare heading sentence last)."""
    sents = sentences(clause.text)
    q = _bigrams(question)
    heading = (clause.heading + "。") if clause.heading else None
    # 绿色工厂目标几个: of two sentences naming 绿色工厂, the one with the figure answers it
    figure = bool(_FIGURE_Q.search(question))
    order = sorted(range(len(sents)), key=lambda i: (sents[i] == heading, -len(q & _bigrams(sents[i])),
                                                     not (figure and re.search(r"\d", sents[i])), i))
    return [sents[i] for i in order]


# A question asking for a figure or a target (几个 / 多少项 / 目标 / 上限)
_FIGURE_Q = re.compile(r"几|多少|目标|比例|上限|封顶|最高|最多|总额|标准|增长")


def best_quote(clause: Clause, question: str = "", max_sentences: int = 2) -> str:
    """The sentence of the clause most about the question; a short clause is quoted whole."""
    sents = sentences(clause.text)
    if not sents:
        return clause.text.strip()
    body = clause.text.split("〔责任单位", 1)[0].strip()
    if len(body) <= 160 and body in clause.text:
        return body
    return ranked_sentences(clause, question)[0]


def unit_quote(clause: Clause) -> str | None:
    m = re.search(r"〔责任单位[：:][^〕]*〕", clause.text)
    return m.group(0) if m else None


def citation(doc: Document, cid: str, question: str = "", quote: str | None = None) -> dict:
    c = doc.clause(cid)
    q = quote if quote is not None else best_quote(c, question)
    return {"doc": doc.id, "clause": c.id, "label": c.label, "quote": q}


def add_citation(cites: list[dict], cite: dict) -> None:
    if all(c["clause"] != cite["clause"] or c["doc"] != cite["doc"] for c in cites):
        cites.append(cite)


# --- interpretations ------------------------------------------------------------------------


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).lower()


def matching_interpretation(doc: Document, cid: str, question: str, *, interpretive: bool = False) -> dict | None:
    """The adopted reading closest to this question, for this clause (None if nothing is close).

    Closeness: the best bigram overlap with the reading's question or any of its `probes` (other phrasings), plus
    its concept `terms` found in the question. An interpretive question (含不含 / 还是 / 是什么意思) needs less."""
    q = _bigrams(_norm(question))
    qn = _norm(question)
    best, best_score = None, 0.0
    for it in interpretations(doc):
        clauses = [str(it.get("clause"))] + [str(x) for x in it.get("also") or []]
        if cid not in clauses:
            continue
        score = 0.0
        for phr in [it.get("question", ""), *(it.get("probes") or [])]:
            iq = _bigrams(_norm(str(phr)))
            if iq:
                score = max(score, len(q & iq) / max(1, min(len(q), len(iq))))
        score += 0.25 * sum(1 for term in it.get("terms") or [] if _norm(str(term)) in qn)
        if score > best_score:
            best, best_score = it, score
    return best if best_score >= (0.25 if interpretive else 0.34) else None


def interpretation(doc: Document, iid: str) -> dict | None:
    for it in interpretations(doc):
        if it.get("id") == iid:
            return it
    return None


# --- award composition ----------------------------------------------------------------------


def format_yuan(amount) -> str:
    from tools.amounts import format_yuan

    return format_yuan(amount)


_STATE_TEXT = {"met": "已满足", "not_met": "不满足", "unknown": "待确认"}


@lru_cache(maxsize=1)
def rule_rows() -> dict[str, dict]:
    """Each award rule of 四（三）1–6 with no enterprise facts, by clause id: its one-phrase rule and its conditions."""
    from tools.calculator import claimable

    return {r["clause"]: r for r in claimable({})}


def _total_lines(doc: Document, award: dict, items: list[dict]) -> list[str]:
    """The total with the 四（三）7 cap said once: capped, checked against the tax share, or the condition stated.
    (The 四（一） library steps are reported with the library, not here.)"""
    if not items:
        return []
    pending = [i for i in items if i["status"] != "ineligible" and i.get("amount") is None]
    known = [i for i in items if i["status"] != "ineligible" and i.get("amount") is not None]
    if pending and not known:
        # no amount known yet: a 0 total would mislead; say what is missing instead
        names = "、".join(f"{i['label']}" for i in pending)
        return [f"{names}的金额需补充资料后才能计算，目前没有可计入合计的金额。"]
    lines = _known_total_lines(doc, award, items)
    if pending:
        names = "、".join(f"{i['label']}（{i.get('title', '')}）" for i in pending)
        lines.append(f"{names}的金额待补充，未计入以上合计。")
    return lines


def _known_total_lines(doc: Document, award: dict, items: list[dict]) -> list[str]:
    total, uncapped, tax = award["total"], award.get("uncapped_total", award["total"]), award.get("tax_cap")
    maximum = any(i.get("maximum") for i in items if i["status"] != "ineligible")
    rule = doc.find("4.3.7")
    tax_label = rule.label if rule is not None else "四（三）7"
    if award.get("capped_by_tax"):
        lines = [f"合计：{format_yuan(total)}（各项合计{format_yuan(uncapped)}，超过当年地方财政实得税收{format_yuan(tax)}，"
                 f"按{tax_label}以{format_yuan(tax)}为限，超出部分不予奖励）。"]
    elif tax is not None:
        lines = [f"合计：{'最高' if maximum else ''}{format_yuan(total)}（未超过当年地方财政实得税收{format_yuan(tax)}，{tax_label}上限未触及）。"]
    else:
        lines = [f"合计：{'最高' if maximum else ''}{format_yuan(total)}。"]
        if uncapped > 0:
            lines.append(f"按{tax_label}，奖补合计以贵企业当年所缴税收地方财政实得部分（增值税、企业所得税）为限；"
                         "未提供该数额，以上为未封顶金额。")
    if any(i["status"] == "unknown" for i in items):
        lines.append("以上合计以待确认条件全部满足为前提；任一条件不满足，该项不予奖补。")
    return lines


def compose_award(doc: Document, award: dict, focus: list[str], question: str) -> tuple[str, list[dict], list[str], list[str]]:
    """(text, citations, flags, followups) for a calculator result; `focus` clause ids go first."""
    cites: list[dict] = []
    if focus and focus[0] == "4.1" and award.get("library"):
        add_citation(cites, citation(doc, "4.1", question))
    items = sorted(award["items"], key=lambda i: (0 if i["clause"] in focus else 1, focus.index(i["clause"]) if i["clause"] in focus else 0))
    lines: list[str] = []
    followups: list[str] = []
    for it in items:
        add_citation(cites, citation(doc, it["clause"], question))
        if it["status"] == "ineligible":
            head = f"【{it['label']} {it.get('title', '')}】不符合条件，该项为0元。"
        elif it.get("amount") is None:
            rule = rule_rows().get(it["clause"], {}).get("rule_text")
            how = f"（{rule}）" if rule else ""
            head = f"【{it['label']} {it.get('title', '')}】{it['status_text']}，金额暂无法计算{how}。"
        else:
            prefix = "最高可获" if it.get("maximum") else ("可获" if it["status"] == "eligible" else "如条件满足可获")
            head = f"【{it['label']} {it.get('title', '')}】{it['status_text']}，{prefix}{format_yuan(it['amount'])}。"
        lines.append(head)
        if it["rule"] in ("lianghua", "service"):
            # the title amounts are the clause's own list: quote it, so the level read can be checked
            lines.append(f"  原文：“{best_quote(doc.clause(it['clause']), question)}”")
        for s in it.get("steps") or []:
            lines.append(f"  · {s}")
        if it["status"] == "unknown":
            # only what is still open: the conditions already met need no repeating
            open_ = [c["text"] for c in it.get("conditions") or [] if c["state"] == "unknown"]
            if open_:
                lines.append("  尚待确认：" + "、".join(open_))
        for n in it.get("notes") or []:
            lines.append(f"  注：{n}")
    lines.extend(_total_lines(doc, award, items))
    for u in award.get("unknown") or []:
        q = followup_for(u["id"], u["text"])
        if q not in followups:
            followups.append(q)
    for it in items:
        if it.get("amount") is None and it["status"] != "ineligible":
            key = {"smart_matching": "ganzhou_smart_award", "equipment": "equipment", "node": "node.investment",
                   "cloud": "cloud_paid"}.get(it["rule"])
            if key and _FOLLOWUP.get(key) and _FOLLOWUP[key] not in followups:
                followups.append(_FOLLOWUP[key])
    if "4.3.7" in award.get("clauses", []):
        add_citation(cites, citation(doc, "4.3.7", quote=sentences(doc.clause("4.3.7").text)[0]))
    if award.get("library"):
        lib = award["library"]
        lines.append(f"【{lib.get('label', '四（一）')} 项目库】{lib.get('tier_text', '')}。")
        lines.extend(f"  · {x}" for x in lib.get("steps") or [])
        add_citation(cites, citation(doc, "4.1", question))
    flags = list(award.get("flags") or [])
    return "\n".join(lines), cites, flags, followups


__all__ = [
    "ABSTAIN_WHAT", "EXAMPLES", "add_citation", "best_quote", "citation", "compose_award", "date_text", "followup_for",
    "interpretation", "interpretations", "matching_interpretation", "rule_rows", "bigrams", "ranked_sentences", "sentences", "stamp", "unit_quote", "units_text",
]

