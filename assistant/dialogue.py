"""The dialogue: Session (facts across turns) and ask() — understand → update state → tools → compose → guard.

The public entry point; each kind of answer is composed in its own module (answers_*), the corpus and the primary
document come from `assistant.documents`, several-document placement from `assistant.placement`."""

from __future__ import annotations

import copy

from assistant.answer import Answer
from assistant.answer_parts import AWARD_CLAUSES  # noqa: F401 - re-exported
from assistant.answers_award import _award, _claimable
from assistant.answers_document import _abstain, _docfacts, _help, _no_clause, _too_long
from assistant.answers_eligibility import _eligibility
from assistant.answers_lookup import _lookup, _targets, _unit, _unit_clauses
from assistant.answers_other import _other_document
from assistant.answers_whatif import _whatif
from assistant.compose import stamp
from assistant.documents import _CORPUS_CACHE, _corpus, _settings, primary_document  # noqa: F401 - re-exported
from assistant.focus import _REQUIRE_Q
from assistant.placement import _mentions_ref, _place
from assistant.retrieval import _FOREIGN, _dense_clause, _search
from assistant.session import Session
from assistant.understand import understand
from corpus import Corpus, CorpusError


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
    if turn.reply is not None and not turn.facts and intent in ("abstain", "search", "lookup", "award"):
        key = session.reply_condition(turn)  # 是的 / 还没有 / 现在通过了: the condition last asked or stated
        if key is not None:
            turn.facts.append(((key,), turn.reply))
            intent = turn.intent = "award"
    # 符合产业政策吗 with a profile: whether the enterprise meets it, which the document cannot settle
    own_condition = bool(intent in ("lookup", "search") and turn.asked_conditions and not turn.facts and session.profile
                         and not turn.clause_ref and not _REQUIRE_Q.search(turn.focus))
    if own_condition:
        intent = "award"
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
    if own_condition and ans.award is not None:
        _insert_before_stamp(ans, _condition_note(doc, turn.asked_conditions))
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


# What the document leaves open about meeting a condition (DESIGN §5 not-specified).
_OPEN_POINT = {"complies_industrial_policy": "哪些行业、产品符合国家产业政策",
               "above_scale": "规模以上企业的认定标准"}


def _condition_note(doc, conds: list[str]) -> str:
    from assistant.compose import rule_rows

    names = {c["id"]: c["text"] for r in rule_rows().values() for c in r["conditions"]}
    what = "、".join(_OPEN_POINT.get(c, f"如何认定“{names.get(c, c)}”") for c in conds)
    unit = doc.meta.get("consult_unit") or "责任单位"
    return f"注：文件未列明{what}；贵企业是否满足，需按实际情况确认，请向{unit}咨询。确认前该条件按“待确认”处理。"


def _insert_before_stamp(ans: Answer, line: str) -> None:
    body, sep, last = ans.answer.rstrip().rpartition("\n")
    ans.answer = f"{body}\n{line}\n{last}" if sep else f"{line}\n{last}"


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
