"""Several documents loaded: which document a question is placed in, or which one to ask the user about."""

from __future__ import annotations

import re
import unicodedata

from assistant.answer import Answer
from assistant.compose import (
    best_quote,
    stamp,
)
from assistant.retrieval import _index
from assistant.session import Session
from assistant.understand import Turn, understand
from corpus import Corpus, Document

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
