"""Answer text pieces every answer shares: the document stamp, verbatim quotes and citations, adopted readings."""

from __future__ import annotations

import re
import unicodedata

from assistant.understand.scope import SILENCE_WHAT
from corpus import Clause, Document, interpretations
from corpus.parser import UNITS_RE
from tools.facts import ProfileError, parse_date

# What the generic abstention categories leave open, as an answer names it (corpus/genre.yaml; a pack adds its own).
ABSTAIN_WHAT = SILENCE_WHAT


def abstain_what(kind: str, lex=None) -> str:
    if lex is not None:
        for a in lex.words.abstain:
            if a.kind == kind:
                return a.what
    return ABSTAIN_WHAT.get(kind, "这一事项")


def stamp(doc: Document) -> str:
    """（文号，印发日期）: the document an answer rests on; an added document without a 文号 is named by its id."""
    number = doc.doc_number or doc.id
    day = doc.meta.get("issued_text") or date_text(doc.meta.get("issued"))
    return f"（{number}，{day}）" if day else f"（{number}）"


def doc_name(doc: Document) -> str:
    """The document as an answer names it: its place, 文号 and title (南康区 康府办字〔2023〕15号《…》)."""
    from corpus.packs import pack_for

    place = pack_for(doc).place
    where = f"{place.name}" if place else ""
    return f"{where}{doc.doc_number or doc.id}《{doc.title}》"


def date_text(value) -> str:
    """A meta date (2023-03-20, or a date object) as written in Chinese documents: 2023年3月20日."""
    try:
        span = parse_date(value)
    except ProfileError:
        return str(value or "")
    day = span.start
    return f"{day.year}年{day.month}月{day.day}日" if span.start == span.end else str(value or "")


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
    s = "".join(ch for ch in s if not ch.isspace() and ch not in "，。、；：“”（）()")
    return {s[i:i + 2] for i in range(len(s) - 1)}


_bigrams = bigrams


def ranked_sentences(clause: Clause, question: str = "") -> list[str]:
    """The clause's sentences, most about the question first (the bare heading sentence last)."""
    sents = sentences(clause.text)
    q = _bigrams(question)
    heading = (clause.heading + "。") if clause.heading else None
    # 绿色工厂目标几个: of two sentences naming 绿色工厂, the one with the figure answers it
    figure = bool(FIGURE_Q.search(question))
    order = sorted(range(len(sents)), key=lambda i: (sents[i] == heading, -len(q & _bigrams(sents[i])),
                                                     not (figure and any(c.isdigit() for c in sents[i])), i))
    return [sents[i] for i in order]


# A question asking for a clause as written, every sentence of it (念下原文 / 全文)
# A question asking for a figure or a target (几个 / 多少项 / 目标 / 上限)
FIGURE_Q = re.compile(r"几|多少|目标|比例|上限|封顶|最高|最多|总额|标准|增长")


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
    m = UNITS_RE.search(clause.text)
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
    return "".join(unicodedata.normalize("NFKC", s).split()).lower()


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




def consult_unit(doc: Document) -> str:
    """Whom to ask: the pack's consult unit, else the first responsible unit the document names, else 发文单位."""
    named = str(doc.meta.get("consult_unit") or "")
    if named:
        return named
    for c in doc:
        units = doc.responsible_units(c.id)
        if units:
            return units[0]
    return "发文单位"


__all__ = [
    "ABSTAIN_WHAT", "abstain_what", "add_citation", "best_quote", "bigrams", "citation", "consult_unit", "date_text",
    "doc_name", "interpretation", "interpretations", "matching_interpretation", "ranked_sentences", "sentences", "stamp",
    "unit_quote", "units_text",
]
