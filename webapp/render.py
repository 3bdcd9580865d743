"""Turning answers, awards, clauses and search hits into the HTML and Markdown people read."""

from __future__ import annotations

import html
import re
from typing import Any

from webapp.services import Services, amount_text

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
    """A citation to paste into a letter: 龙办发〔2022〕40号 四（三）5（longnan-2022-40#4.3.5）."""
    doc = services.corpus.document(record["doc"])
    return f"{doc.doc_number} {record['label']}（{record['doc']}#{record['clause']}）"


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
            f"<div class='pa-cite-head'><b class='pa-label'>{_esc(rec['label'])}</b> "
            f"<span class='pa-id'>{_esc(rec['citation'])}</span></div>"
            f"<div class='pa-path'>{_esc(' › '.join(rec['heading_path']))}</div>"
            f"<div class='pa-text'>{body}</div>"
            + (f"<div class='pa-units'>责任单位：{_esc(units)}</div>" if units else "")
            + "</div>")
    return "<div class='pa-cites'>" + "".join(cards) + "</div>"


def award_html(award: dict | None) -> str:
    if not award:
        return ""
    rows = []
    for it in award.get("items") or []:
        steps = "<br>".join(_esc(str(s)) for s in it.get("steps") or [])
        rows.append(
            "<tr>"
            f"<td>{_esc(str(it.get('label') or it.get('clause') or ''))}</td>"
            f"<td>{_esc(str(it.get('status_text') or it.get('status') or ''))}</td>"
            f"<td class='pa-amt'>{_esc(amount_text(it.get('amount')))}</td>"
            f"<td class='pa-steps'>{steps}</td></tr>")
    extra = []
    if award.get("capped_by_tax"):
        extra.append("已按四（三）7 以企业当年地方财政实得税收为限。")
    unknown = award.get("unknown_conditions") or []
    if unknown:
        extra.append("待确认条件：" + "、".join(map(str, unknown)) + "（合计按这些条件均满足计算）。")
    return ("<div class='pa-award'><table><thead><tr><th>条款</th><th>状态</th><th>金额</th><th>计算过程</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody><tfoot><tr><td colspan='2'><b>合计</b></td>"
            f"<td class='pa-amt pa-total'><b>{_esc(amount_text(award.get('total')))}</b></td><td></td></tr></tfoot>"
            "</table>" + "".join(f"<p class='pa-note'>{_esc(e)}</p>" for e in extra) + "</div>")


def answer_markdown(answer: dict) -> str:
    """The answer as chat text for front ends that show only text: the answer, then the clauses it rests on."""
    text = str(answer.get("answer") or "").strip()
    cites = answer.get("citations") or []
    if cites:
        text += "\n\n依据：" + "；".join(f"{c.get('label')}（{c.get('doc')}#{c.get('clause')}）" for c in cites)
    return text


_STATUS_ORDER = {"可享": 0, "待确认": 1, "不符合": 2}
_STATE_TEXT = {"met": "✔ 满足", "not_met": "✘ 不满足", "unknown": "？ 待确认"}


def _status(r: dict) -> str:
    return str(r.get("status_text") or r.get("status") or "")


def _row_amount(r: dict) -> str:
    return str(r.get("amount_text") or amount_text(r.get("amount")))


def _units(r: dict) -> str:
    units = r.get("units") or r.get("unit") or ""
    return "、".join(units) if isinstance(units, (list, tuple)) else str(units)


def clause_link(services: Services | None, doc: str | None, clause: str, label: str) -> str:
    """The clause's label, unfolding to its verbatim text (a link that needs no script and no navigation)."""
    head = f"<span class='pa-label'>{_esc(label)}</span> <span class='pa-id'>{_esc(clause)}</span>"
    if services is None or not clause:
        return head
    try:
        from tools.lookup import lookup_clause

        rec = lookup_clause(services.corpus, f"{doc}#{clause}" if doc else clause)
    except Exception:  # noqa: BLE001 - the label alone still says which clause
        return head
    return (f"<details class='pa-clause-link'><summary>{head}</summary>"
            f"<div class='pa-text'>{_esc(rec['text'])}</div></details>")


def claimable_html(rows: list[dict], services: Services | None = None, doc: str | None = None) -> str:
    """The enterprise's list of awards: 可享 / 待确认 / 不符合, with amounts, conditions and clauses."""
    if not rows:
        return "<div class='pa-empty'>没有可测算的奖补项目。</div>"
    body = []
    for r in sorted(rows, key=lambda r: _STATUS_ORDER.get(_status(r), 3)):
        status = _status(r)
        cond_html = "<br>".join(_esc(_condition_text(c)) for c in r.get("conditions") or [])
        steps = "<br>".join(_esc(str(s)) for s in r.get("steps") or [])
        body.append(
            f"<tr class='pa-status-{_esc(status)}' data-rule='{_esc(str(r.get('rule') or ''))}'>"
            f"<td><span class='pa-badge'>{_esc(status)}</span></td>"
            f"<td>{_esc(str(r.get('title') or r.get('name') or r.get('rule') or ''))}</td>"
            f"<td>{clause_link(services, doc, str(r.get('clause') or ''), str(r.get('label') or ''))}</td>"
            f"<td class='pa-amt'>{_esc(_row_amount(r))}</td>"
            f"<td>{cond_html}</td><td class='pa-steps'>{steps}</td><td>{_esc(_units(r))}</td></tr>")
    return ("<table class='pa-claim'><thead><tr><th>状态</th><th>项目</th><th>条款</th><th>金额</th><th>条件</th>"
            "<th>计算过程</th><th>责任单位</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>")


def _condition_text(c: Any) -> str:
    if isinstance(c, dict):
        name = str(c.get("text") or c.get("id") or "")
        mark = _STATE_TEXT.get(str(c.get("state")), str(c.get("state") or ""))
        return f"{name}：{mark}" if name else mark
    return str(c)


def claimable_markdown(services: Services, award: dict, rows: list[dict], today=None) -> str:
    """The downloadable report: stamped with the document and the date, every line traceable to a clause."""
    doc_ids = sorted({str(award["doc"])} if award.get("doc") else set())
    lines = ["# 奖补测算结果", "", services.stamp(doc_ids or None, today), "",
             f"**合计：{amount_text(award.get('total'))}**", ""]
    if award.get("capped_by_tax"):
        lines += ["已按四（三）7 以企业当年地方财政实得税收为限。", ""]
    unknown = award.get("unknown_conditions") or []
    if unknown:
        lines += ["待确认条件：" + "、".join(map(str, unknown)) + "。合计按这些条件均满足计算。", ""]
    lines += ["| 状态 | 项目 | 条款 | 金额 | 条件 | 责任单位 |", "|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: _STATUS_ORDER.get(_status(r), 3)):
        conds = "；".join(_condition_text(c) for c in r.get("conditions") or [])
        name = r.get("title") or r.get("name") or r.get("rule") or ""
        lines.append(f"| {_status(r)} | {name} | {r.get('label') or ''}（{r.get('clause') or ''}） | "
                     f"{_row_amount(r)} | {conds} | {_units(r)} |")
    steps = [(i.get("label") or i.get("clause"), s) for i in award.get("items") or [] for s in i.get("steps") or []]
    steps += [("合计", s) for s in award.get("steps") or []]
    if steps:
        lines += ["", "## 计算过程", ""] + [f"- {lab}：{s}" for lab, s in steps]
    lines += ["", "本结果由确定性计算器依据文件条款得出，仅供参考；具体以主管部门审核为准。"
              "具体申报要求和申报程序按相关规定执行。", ""]
    return "\n".join(lines)
