"""Answers quoting the document: clause lookups and outlines, combinations of rules, responsible units, targets."""

from __future__ import annotations

import re

from assistant.answer import Answer
from assistant.compose.award import cap_sentence
from assistant.compose.common import finish, rule_rows, status_line
from assistant.compose.text import (
    add_citation,
    best_quote,
    bigrams,
    citation,
    consult_unit,
    matching_interpretation,
    ranked_sentences,
    sentences,
    unit_quote,
    units_text,
)
from assistant.understand.clause_search import content_bigrams, text_leader
from assistant.understand.focus import Q_MARK, WHOLE_Q
from assistant.understand.lexicon import Lex, lexicon_for, unit_names
from assistant.understand.text import normalise, segments
from assistant.understand.topics import topics_in_order
from assistant.understand.turn import Turn
from assistant.understand.zh import ORGAN, SUM_RE
from corpus import Document


def outline_answer(doc: Document, clause, question: str) -> Answer:
    """A headline-only clause (三、主要任务): its parts, each cited by its first sentence."""
    cites: list[dict] = []
    parts = []
    for kid in clause.children:
        k = doc.clause(kid)
        first = sentences(k.text)[0] if sentences(k.text) else k.text
        parts.append(f"{k.label}{k.heading}" if k.heading else f"{k.label}：{first.rstrip('。；;')}")
        add_citation(cites, citation(doc, kid, quote=sentences(k.text)[0] if sentences(k.text) else k.text))
    sep = "" if clause.label.endswith("）") else "、"
    text = f"{clause.label}{sep}{clause.heading}包括：" + "；".join(parts) + "。"
    text += "\n（如需某一项的原文，请说明是哪一项。）"
    head = sentences(clause.text)[0] if clause.text.strip() and sentences(clause.text) else clause.heading
    return finish(doc, text, citations=[{"doc": doc.id, "clause": clause.id, "label": clause.label, "quote": head}]
                  + cites, flags=["outline"])


# Asking for a clause's text as written (念下原文 / 全文 / 原话), not the sentence most about the question.
# Asking for the items of a parent clause (四（三）有哪几条 / 列出所有 / 分别是什么), not for its own words.
_ITEMS_Q = re.compile(r"所有|哪几|哪些|列出|列举|分别|包括|包含|有几(条|项|个|款)|都有(什么|啥)|几条|几项")


def lookup_answer(lex: Lex, cids: list[str], question: str, turn: Turn | None = None) -> Answer:
    """Quote the clause asked about, with the adopted reading that fits the question and what to ask next."""
    doc = lex.doc
    if turn is not None and turn.separate:
        rules = [c for c in topics_in_order(turn.focus or question, lex) if c in lex.award_clauses and doc.find(c)]
        if len(rules) > 1:
            return combination_answer(lex, rules, question)  # 设备奖补和上云补贴能同时享受吗
    cid = cids[0]
    clause = doc.clause(cid)
    # a parent named by its number and asked for its items (四（三）有哪几条) lists them; a topic found by its words
    # (每年要培育哪些示范项目) is quoted
    # (第二条 家具企业推广哪些智能装备: words of the clause's own text, so its text is quoted)
    if clause.children and (not clause.text.strip() or turn is not None and turn.clause_ref == cid
                            and _ITEMS_Q.search(turn.focus or question)
                            and len(bigrams(turn.focus or question) & bigrams(clause.text)) < 4):
        return outline_answer(doc, clause, question)
    cites: list[dict] = []
    body = clause.text.split("〔责任单位", 1)[0].strip()
    # 念下原文 / 全文: the clause as written, every sentence of it
    quote = body if body and WHOLE_Q.search(question) else best_quote(clause, question)
    add_citation(cites, citation(doc, cid, quote=quote))
    lines = [f"{clause.label}{('（' + clause.heading + '）') if clause.heading else ''}规定：“{quote}”"]
    if quote != clause.text.split("〔责任单位", 1)[0].strip():
        # one more sentence, and the best one for each further thing asked (节能量以谁的数据为准 设备投资额按什么核定)
        more = [x for x in ranked_sentences(clause, question)[1:2] if x != quote]
        t = normalise(question)
        for a, b in segments(t):
            if Q_MARK.search(t, a, b + 1):
                best = ranked_sentences(clause, t[a:b])[0]
                if best != quote and best not in more and len(more) < 3:
                    more.append(best)
        for x in more:
            lines.append(f"该条还写道：“{x}”")
    if clause.children and any("：" in x for x in (quote, *lines[1:])):
        # 按下列标准分段累计计算补助：the standards are the items the sentence introduces, quoted with it
        for kid in clause.children:
            k = doc.clause(kid)
            body = k.text.split("〔责任单位", 1)[0].strip()
            lines.append(f"{k.label}：“{body}”")
            add_citation(cites, citation(doc, kid, quote=body))
    flags: list[str] = []
    followups: list[str] = []
    extra_texts: list[str] = []
    if turn is not None and turn.figures:
        lines += _figure_lines(doc, clause, turn)
    elif turn is not None and cid in lex.award_clauses:
        lines += _annual_lines(doc, clause, turn.focus or question, "\n".join(lines))  # 上云补贴是按年度计算吗
    it = matching_interpretation(doc, cid, turn.focus if turn is not None and turn.focus else question,
                                 interpretive=bool(turn is not None and turn.interpretive))
    if it is not None:
        reading = "".join(x for x in sentences(str(it["reading"])) if not x.startswith(("回答", "并提示")))
        # said as a hotline worker would pass it on: what the text settles, or what it leaves to the bureau
        lines.append(f"说明（文件明确规定）：{reading}" if it.get("basis") == "explicit"
                     else f"说明（文件未明确，以{consult_unit(doc)}解释为准）：{reading}")
        extra_texts.append(str(it["reading"]))
        if it.get("basis") == "assumption":
            flags.append(f"assumption:{it['id']}")
    rule = next((r for r in (lex.pack.rules.rules if lex.pack.rules else ()) if r.clause == cid), None)
    if rule is not None and rule.kind == "titles" and rule.stacking and rule.stacking.note:
        lines.append(f"注意：{rule.stacking.note}。")
        if rule.stacking.flag:
            flags.append(rule.stacking.flag)
    units = units_text(doc, cid)
    if units:
        lines.append(f"责任单位：{units}。")
    for other in cids[1:2]:
        if other != cid and doc.find(other) is not None:
            add_citation(cites, citation(doc, other, question))
            theirs = units_text(doc, other)
            if turn is not None and turn.asks_unit and theirs and theirs != units:
                # 评定奖励归哪个单位负责 诊断服务那项呢: each thing asked about, its own units
                lines.append(f"{doc.clause(other).label}的责任单位：{theirs}。")
    if rule is not None:
        ask_for = lex.words.rule_questions.get(rule.id)
        if ask_for:
            followups.append(ask_for)
        cap_text, cap_cite = cap_sentence(lex)
        if cap_text:
            lines.append(cap_text)
            add_citation(cites, cap_cite)
    st = status_line(lex)
    if st:
        lines.insert(0, f"（{st}，以下为原文规定，仅供查阅。）")
        extra_texts.append(st)
        flags.append(f"status:{lex.pack.status_on(_today())}")
    return finish(doc, "\n".join(lines), citations=cites, flags=flags, followups=followups, sources=extra_texts)


def _today():
    from datetime import date

    return date.today()


def combination_answer(lex: Lex, rules: list[str], question: str) -> Answer:
    """Whether two (or more) of the document's award rules combine: each is its own rule with its own conditions, the
    document neither forbids nor expressly allows taking them together, and all stay under the document-wide cap."""
    doc = lex.doc
    rows = rule_rows(lex)
    cites: list[dict] = []
    lines = []
    for cid in rules:
        r = rows[cid]
        conds = "；".join(c["text"] for c in r["conditions"])
        lines.append(f"【{r['label']} {r['title']}】{r['rule_text']}；条件：{conds}。")
        add_citation(cites, citation(doc, cid, question))
    labels = "和".join(rows[c]["label"] for c in rules)
    lines.append(f"{labels}是文件分别规定的奖补，各按自身条件分别计算，符合条件的各项相加。"
                 f"文件没有禁止同时享受，但也没有明确写明可以同时享受，以{consult_unit(doc)}解释为准。")
    cap_text, cap_cite = cap_sentence(lex)
    if cap_text:
        lines.append(cap_text.replace("另按", "各项合计按"))
        add_citation(cites, cap_cite)
    units = units_text(doc, rules[0])
    if units:
        lines.append(f"责任单位：{units}。")
    return finish(doc, "\n".join(lines), citations=cites, flags=["combination"],
                  followups=["如需测算，请告诉我贵企业在上述各项的具体情况。"])


_PER_YEAR_Q = re.compile(r"每年|每一年|年年|按年|逐年|一年一次|每个年度|每年度|年度(计算|申报|发放|享受)|一年(能|可以)?(申请|申报|拿)几次")


def _figure_lines(doc: Document, clause, turn: Turn) -> list[str]:
    """A figure asked about (两化融合贯标奖励20万是国家级的吗 / 6%是一次性的吗): which of the clause's parameters it is,
    and whether the clause makes it one-off or yearly (it says 一次性 or nothing)."""
    from tools.amounts import format_yuan
    from tools.params import load_parameters

    try:
        params = [p for p in load_parameters(doc.id) if p.clause == clause.id and p.value in turn.figures]
    except Exception:  # noqa: BLE001 - a document without parameters has no figures to name
        return []
    if not params:
        return []
    lines = [f"文件中{format_yuan(p.value) if p.unit == '元' else f'{(p.value * 100).normalize():f}%'}是指：{p.label}。"
             for p in params]
    return lines + _annual_lines(doc, clause, turn.focus or turn.text)


def _annual_lines(doc: Document, clause, focus: str, quoted: str = "") -> list[str]:
    """Whether the award is one-off or yearly, as the clause writes it: 一次性 where it says so, else not stated."""
    if not (_PER_YEAR_Q.search(focus) or "一次性" in focus):
        return []
    yearly = next((x for x in sentences(clause.text) if "每年" in x), None)
    if yearly is not None and _PER_YEAR_Q.search(focus):
        # 单个企业每年享受本条补助累计不超过300万元: said where the quote above does not already say it
        return [] if yearly in quoted else [f"该条按年度写明：“{yearly}”"]
    if "一次性" in "".join(clause.text.split()):
        return ["该条写明为一次性奖补" + ("，文件未规定按年度重复享受。" if _PER_YEAR_Q.search(focus) else "。")]
    return [f"文件未写明是否每年可享受，也未写明是否为一次性奖补；请以{consult_unit(doc)}解释为准。"]


_BODY = re.compile(rf"[市区县乡镇][\u4e00-\u9fa5]{{1,8}}?{ORGAN}")  # a government body named (区工业和信息化局)


def unit_answer(doc: Document, topics: list[str], question: str, last_topic: str | None) -> Answer:
    # the first topic whose clause (or a clause above it) names its units: 贷款贴息归哪几个单位 is the loan clause's
    with_units = [c for c in topics if doc.find(c) is not None
                  and (doc.clause(c).units or any(a.units for a in doc.ancestors(c)))]
    cid = with_units[0] if with_units else (topics[0] if topics else last_topic)
    holders = {next((a.id for a in reversed(doc.ancestors(c)) if a.units), None) for c in with_units[:2]}
    if len(with_units) > 1 and len(holders) == 1 and None not in holders \
            and not any(doc.clause(c).units for c in with_units[:2]):
        cid = holders.pop()  # 绿色工厂和绿色设计产品归哪几个单位: two items of one clause, whose units they share
    told = text_leader(normalise(question), doc) if not topics else None
    sent = ranked_sentences(doc.clause(told), question)[0].split("\n")[-1] if told is not None else ""
    if told is not None and not doc.clause(told).units and _BODY.search(sent):
        # 执行中遇到重大问题向哪个单位反映: the sentence that says so, where no 〔责任单位〕 line does
        label = "印发通知" if told == "notice" else doc.clause(told).label
        return finish(doc, f"{label}写明：“{sent}”", citations=[citation(doc, told, quote=sent)], flags=["unit"])
    duty = _duty_sentence(doc, question) if cid is None or doc.find(cid) is None or not (
        doc.clause(cid).units or any(a.units for a in doc.ancestors(cid))) else None
    if duty is not None:
        # 审核结果由哪个部门确认: where no 〔责任单位〕 line answers, the sentence giving that duty to a unit does
        did, sent = duty
        label = doc.clause(did).label
        text = f"{label}写明：“{sent}”"
        st = status_line(lexicon_for(doc))
        if st:
            text = f"（{st}，以下为原文规定，仅供查阅。）\n" + text
        return finish(doc, text, citations=[citation(doc, did, quote=sent)], flags=["unit"], sources=[st] if st else [])
    if cid is None or doc.find(cid) is None:
        text = f"请说明是哪一项工作或奖补。文件中多数事项的牵头单位是{consult_unit(doc)}。"
        return finish(doc, text, followups=["您想问哪一项工作或奖补的责任单位？"], flags=["unit:unclear"])
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
    quote = best_quote(clause, question)
    name = clause.heading or next((quote[a:b] for a, b in segments(quote)), "")[:30]
    if units:
        text = f"{clause.label}（{name}）的责任单位是：{units}。"
        if holder is not None and holder.id != cid:
            text += f"（该条未单列责任单位，按所属{holder.label}“{holder.heading}”的责任单位。）"
    else:
        text = f"{clause.label}没有写明责任单位，可咨询{consult_unit(doc)}。"
    st = status_line(lexicon_for(doc))
    if st:
        text = f"（{st}，以下为原文规定，仅供查阅。）\n" + text  # as every lookup of a document not in force says
    return finish(doc, text, citations=cites, flags=["unit"], sources=[st] if st else [])


_DUTY_AFTER = re.compile(r"^(等单位)?(负责|牵头|承担|配合|统筹|做好)")


def _duty_sentence(doc: Document, question: str) -> tuple[str, str] | None:
    """The document's sentence giving a unit the duty the question asks about (县发改委负责…审核结果的确认), when it
    shares at least three content bigrams with the question and more than any other duty does."""
    asked = content_bigrams(normalise(question))
    best, score = None, 2
    units = unit_names(lexicon_for(doc))
    for c in doc:
        for sent in sentences(c.text):
            for part in sent.replace(";", "；").split("；"):
                at = next((m.end() for u in units for m in re.finditer(re.escape(u), part)
                           if _DUTY_AFTER.match(part[m.end():])), None)
                if at is None:
                    continue
                n = len(asked & content_bigrams(part[at:]))
                if n > score:
                    best, score = (c.id, sent), n
    return best


def unit_clauses_answer(doc: Document, units: list[str]) -> Answer:
    """What each unit does: the document's sentences saying so (区金融办负责组织银企对接…), quoted in their clause,
    then the clauses whose 〔责任单位〕 names it, in document order."""
    lines: list[str] = []
    cites: list[dict] = []
    for c in doc:
        duties = [s for s in sentences(c.text) for u in units
                  if any(_DUTY_AFTER.match(s[m.end():]) for m in re.finditer(re.escape(u), s))]
        if len(duties) > 1:
            quote = c.text.strip()  # several units' duties in one clause (工作专班): the clause as written
        else:
            quote = duties[0] if duties else ""
        if quote:
            lines.append(f"{c.label}{c.heading}规定：“{quote}”")
            add_citation(cites, citation(doc, c.id, quote=quote))
    for unit in units:
        own = [c for c in doc if unit in c.units]
        if not own:
            if not lines:
                lines.append(f"文件没有列明{unit}负责的条款。")
            continue
        lines.append(f"{unit}列为以下{'各' if len(own) > 1 else ''}条的责任单位：")
        for c in own:
            others = [u for u in c.units if u != unit]
            shared = f"（与{'、'.join(others)}共同负责）" if others else ""
            scope = "，其下各项奖补同此" if c.children and not any(doc.clause(k).units for k in c.children) else ""
            lines.append(f"· {c.label}{c.heading}{shared}{scope}。")
            add_citation(cites, citation(doc, c.id, quote=unit_quote(c) or c.heading))
    if not cites:
        return finish(doc, "\n".join(lines), abstained=True, flags=["unit_clauses"])
    return finish(doc, "\n".join(lines), citations=cites, flags=["unit_clauses"])


def targets_answer(lex: Lex, question: str, year: int | None = None) -> Answer:
    """The document's targets (工作目标), and one year's target where the document sets them year by year."""
    doc = lex.doc
    tg = lex.words.targets
    c = doc.clause(tg.clause)
    it = next((i for i in _readings(doc) if str(i.get("clause")) == tg.clause), None)
    flags = ["targets"] if it else []
    m = re.search(tg.yearly, c.text) if tg.yearly else None
    if year is not None and m:
        counts = re.findall(rf"(\d+)\s*{tg.count_unit}", m.group(2)) if tg.count_unit else []
        sent = next((x for x in sentences(c.text) if m.group(0) in x), m.group(0))
        i = year - int(m.group(1))
        if 0 <= i < len(counts):
            what = tg.what.format(count=counts[i]) if tg.what else counts[i]
            text = f"按{c.label}、{c.heading}，{year}年计划{what}。原文：“{sent}”"
            if SUM_RE.search(question) and sent != c.text.strip():
                text += f"\n总的目标见{c.label}全文：“{c.text.strip()}”"  # …总共多少家: the year's figure and the total
            return finish(doc, text, citations=[citation(doc, tg.clause, quote=sent)], flags=flags, sources=[f"{year}年"])
        text = (f"{c.label}、{c.heading}只规定了{m.group(1)}年起逐年的目标（“{sent}”），没有{year}年的目标数。"
                f"请向{consult_unit(doc)}咨询。")
        return finish(doc, text, citations=[citation(doc, tg.clause, quote=sent)], abstained=True,
                      flags=[*flags, "abstain:year"], sources=[f"{year}年"])
    name = f"{c.label}、{c.heading}" if c.heading else c.label
    text = f"{name}：“{c.text.strip()}”"
    st = status_line(lex)
    if st:
        text = f"（{st}，以下为原文规定，仅供查阅。）\n" + text  # as every lookup of a document not in force says
    return finish(doc, text, citations=[citation(doc, tg.clause, quote=c.text.strip())], flags=flags,
                  sources=[st] if st else [])


def _readings(doc: Document):
    from corpus import interpretations

    return interpretations(doc)


__all__ = ["combination_answer", "lookup_answer", "outline_answer", "targets_answer", "unit_answer",
           "unit_clauses_answer"]
