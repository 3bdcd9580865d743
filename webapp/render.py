"""Turning answers, awards, clauses and search hits into the HTML and Markdown people read."""

from __future__ import annotations

import html
import re

from webapp.services import Services

_esc = html.escape


def highlight(text: str, needles: list[str]) -> str:
    """Escaped `text` with every occurrence of each needle wrapped in <mark>; touching matches share one mark."""
    needles = sorted({n for n in needles if n and n.strip()}, key=len, reverse=True)
    if not needles:
        return _esc(text)
    spans: list[list[int]] = []
    for m in re.finditer("|".join(re.escape(n) for n in needles), text):
        if spans and m.start() <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], m.end())
        else:
            spans.append([m.start(), m.end()])
    out, pos = [], 0
    for start, end in spans:
        out.append(_esc(text[pos:start]))
        out.append(f"<mark>{_esc(text[start:end])}</mark>")
        pos = end
    out.append(_esc(text[pos:]))
    return "".join(out)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def plain_message(text: str) -> str:
    """Text for a chat bubble shown exactly as typed: HTML escaped (no tag renders, no remote image loads) and
    Markdown punctuation backslash-escaped (no ![](…) image, no link, no heading)."""
    escaped = html.escape(str(text or ""), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def ref_label(services: Services, ref: str) -> str:
    """A clause reference as people read it (四（三）5); with several documents loaded, prefixed by the 文号."""
    try:
        clause = services.corpus.clause(ref)
    except Exception:  # noqa: BLE001 - an unknown reference is shown as written
        return ref.split("#", 1)[-1]
    if len(services.corpus) > 1:
        return f"{services.corpus.document(clause.doc_id).doc_number or clause.doc_id} {clause.label}"
    return clause.label


def open_link(ref: str, text: str, quote: str = "") -> str:
    """A control that opens the clause in the clause tab (the page script reads data-ref / data-quote)."""
    return (f"<button type='button' class='pa-open' data-ref='{_esc(ref)}' data-quote='{_esc(quote)}'>"
            f"{_esc(text)}</button>")


def quote_needles(quote: str, text: str) -> list[str]:
    """The parts of a citation's quote to mark in the clause: the quote itself when it is verbatim,
    else each of its sentences that is (a quote may join sentences with an ellipsis)."""
    quote = (quote or "").strip()
    if not quote:
        return []
    if quote in text:
        return [quote]
    parts = [p.strip() for p in re.split(r"[。；;！？…\n]+", quote)]
    return [p for p in parts if len(p) >= 4 and p in text]


def query_terms(query: str) -> list[str]:
    """Words of a search query worth highlighting in hits, tokenised the way the index tokenises."""
    try:
        from assistant.index import tokenize

        tokens = tokenize(query)
    except Exception:  # noqa: BLE001 - highlighting is cosmetic: fall back to plain jieba
        import jieba

        tokens = list(jieba.cut_for_search(query))
    terms = {t.strip() for t in tokens}
    # single characters would mark half the page; numbers and rates are worth marking
    return [t for t in terms if t and t in query and (len(t) >= 2 or re.fullmatch(r"[\d.%]+", t))]


def citation_text(services: Services, record: dict) -> str:
    """A citation to paste into a letter: 《title》（龙办发〔2022〕40号）四（三）5."""
    doc = services.corpus.document(record["doc"])
    number = f"（{doc.doc_number}）" if doc.doc_number else ""
    return f"《{doc.title}》{number}{record['label']}"


def citations_html(services: Services, citations: list[dict]) -> str:
    """Each cited clause beside the answer: label, heading path, verbatim text with the quote marked."""
    if not citations:
        return "<div class='pa-cites pa-empty'>本回答没有引用条款。</div>"
    from tools.lookup import lookup_clause

    cards = []
    for c in citations:
        try:
            rec = lookup_clause(services.corpus, f"{c['doc']}#{c['clause']}")
        except Exception:  # noqa: BLE001 - a bad citation is shown as such, never breaks the page
            cards.append(f"<div class='pa-cite'><b>{_esc(str(c.get('label') or c.get('clause')))}</b>"
                         f"<div class='pa-warn'>未能在文件中找到该条款。</div></div>")
            continue
        body = highlight(rec["text"], quote_needles(c.get("quote", ""), rec["text"]))
        units = "、".join(rec["units"])
        cards.append(
            f"<div class='pa-cite' data-clause='{_esc(rec['clause'])}'>"
            f"<div class='pa-cite-head'><b class='pa-label'>{_esc(ref_label(services, rec['citation']))}</b> "
            + open_link(rec["citation"], "在条款查阅中打开", str(c.get("quote") or "")) + "</div>"
            f"<div class='pa-path'>{_esc(' › '.join(rec['heading_path']))}</div>"
            f"<div class='pa-text'>{body}</div>"
            + (f"<div class='pa-units'>责任单位：{_esc(units)}</div>" if units else "")
            + "</div>")
    return "<div class='pa-cites'>" + "".join(cards) + "</div>"


def award_html(award: dict | None) -> str:
    """The award beside a chat answer: the headline (with its assumption), each item and the document-wide cap."""
    from tools import sheet

    if not award:
        return ""
    rows = []
    for it in award.get("items") or []:
        steps = "<br>".join(_esc(str(s)) for s in it.get("steps") or [])
        rows.append(
            f"<tr class='pa-status-{_esc(str(it.get('status_text') or ''))}'>"
            f"<td>{_esc(str(it.get('label') or it.get('clause') or ''))}</td>"
            f"<td><span class='pa-badge'>{_esc(str(it.get('status_text') or it.get('status') or ''))}</span></td>"
            f"<td class='pa-amt'>{_esc(sheet.amount_cell(it))}</td>"
            f"<td class='pa-steps'>{steps}</td></tr>")
    caps = "".join(f"<li>{_esc(line)}</li>" for line in sheet.cap_lines(award)[:1])
    unknown = award.get("unknown_conditions") or []
    return ("<div class='pa-award'>" + headline_html(award)
            + (f"<div class='pa-table-wrap'><table><thead><tr><th>条款</th><th>状态</th><th>金额</th><th>计算过程</th>"
               f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>" if rows else "")
            + (f"<ul class='pa-caps'>{caps}</ul>" if caps else "")
            + (f"<div class='pa-note'>待确认：{_esc('、'.join(map(str, unknown)))}</div>" if unknown else "")
            + "</div>")


def headline_html(award: dict) -> str:
    """The headline sentence, the amount in its own element; an empty profile gets a request for facts instead."""
    from tools import sheet

    status = sheet.doc_status(award)
    lead = f"<div class='pa-doc-status'>{_esc(status)}</div>" if status else ""
    if not sheet.has_input(award):
        return lead + f"<div class='pa-ask'>{_esc(sheet.headline(award))}</div>"
    text = sheet.headline(award)
    amount = sheet.total_text(award)
    before = text[: text.rfind(amount)] if amount in text else text + " "
    return (lead + f"<div class='pa-headline'>{_esc(before)}<b class='pa-total-amount'>{_esc(amount)}</b></div>")


def answer_markdown(answer: dict) -> str:
    """The answer as chat text for front ends that show only text: the answer, then the clauses it rests on."""
    text = str(answer.get("answer") or "").strip()
    cites = answer.get("citations") or []
    if cites:
        text += "\n\n依据：" + "；".join(str(c.get("label") or c.get("clause")) for c in cites)
    return text


_STATUS_ORDER = {"eligible": 0, "unknown": 1, "ineligible": 2}


def _status(r: dict) -> str:
    return str(r.get("status_text") or r.get("status") or "")


def _units(r: dict) -> str:
    units = r.get("units") or r.get("unit") or ""
    return "、".join(units) if isinstance(units, (list, tuple)) else str(units)


def clause_link(services: Services | None, doc: str | None, clause: str, label: str) -> str:
    """The clause's label, unfolding to its verbatim text, with a control opening it in the clause tab."""
    head = f"<span class='pa-label'>{_esc(label or clause)}</span>"
    if services is None or not clause:
        return head
    try:
        from tools.lookup import lookup_clause

        rec = lookup_clause(services.corpus, f"{doc}#{clause}" if doc else clause)
    except Exception:  # noqa: BLE001 - the label alone still says which clause
        return head
    return (f"<details class='pa-clause-link'><summary>{head}</summary>"
            f"<div class='pa-text'>{_esc(rec['text'])}</div>{open_link(rec['citation'], '打开条款')}</details>")


def claimable_html(rows: list[dict], services: Services | None = None, doc: str | None = None) -> str:
    """The enterprise's one result table: every rule with status, amount, conditions, arithmetic and units."""
    from tools import sheet

    if not rows:
        return "<div class='pa-empty'>没有可测算的奖补项目。</div>"
    body = []
    for r in sorted(rows, key=lambda r: _STATUS_ORDER.get(str(r.get("status")), 3)):
        status = _status(r)
        cond_html = "<br>".join(_esc(sheet.condition_text(c)) for c in r.get("conditions") or [])
        steps = "<br>".join(_esc(str(s)) for s in r.get("steps") or [])
        notes = "".join(f"<div class='pa-note'>注：{_esc(str(n))}</div>" for n in r.get("notes") or [])
        body.append(
            f"<tr class='pa-status-{_esc(status)}' data-rule='{_esc(str(r.get('rule') or ''))}'>"
            f"<td data-th='状态'><span class='pa-badge'>{_esc(status)}</span></td>"
            f"<td data-th='项目'>{_esc(str(r.get('title') or r.get('name') or ''))}</td>"
            f"<td data-th='条款'>{clause_link(services, doc, str(r.get('clause') or ''), str(r.get('label') or ''))}</td>"
            f"<td data-th='金额' class='pa-amt'>{_esc(sheet.amount_cell(r))}</td>"
            f"<td data-th='条件'>{cond_html}</td><td data-th='计算过程' class='pa-steps'>{steps}{notes}</td>"
            f"<td data-th='责任单位'>{_esc(_units(r))}</td></tr>")
    return ("<div class='pa-table-wrap'><table class='pa-claim'><thead><tr><th>状态</th><th>项目</th><th>条款</th>"
            "<th>金额</th><th>条件</th><th>计算过程</th><th>责任单位</th></tr></thead><tbody>" + "".join(body)
            + "</tbody></table></div>")


def asked_html(ask: dict | None) -> str:
    """The fact the answer still needs, as one line above the reply buttons (empty when nothing is asked)."""
    if not ask or not ask.get("question"):
        return ""
    how = "可点下方按钮回答，或直接输入" if ask.get("kind") == "bool" else "请在输入框中直接回答，如“50万”"
    return (f"<div class='pa-asked'>还需确认：{html.escape(str(ask['question']))}"
            f"<span class='pa-asked-how'>（{how}）</span></div>")

