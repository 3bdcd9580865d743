"""The 规则草案 panel (in the policy office's 一致性评测 tab): draft a pack from an uploaded document, review it rule by rule beside the clause text (each
parameter's source words highlighted), accept / edit / reject each rule, and install the reviewed draft."""

from __future__ import annotations

import html
from decimal import Decimal
from pathlib import Path

import gradio as gr

from webapp.render import highlight
from webapp.services import Services, UserError, friendly

_e = html.escape
STATUS_CLASS = {"待审核": "pending", "采纳": "accepted", "修改": "edited", "不采纳": "rejected"}


def drafts_root(services: Services) -> Path:
    return services.settings.data_dir / "drafts"


def list_drafts(services: Services) -> list[str]:
    """Ids of the drafts waiting under the data directory (newest first)."""
    from corpus.store import is_draft

    root = drafts_root(services)
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and is_draft(p)]
    return [p.name for p in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)]


def draft_file(services: Services, path: str | None, doc_id: str | None) -> str:
    """Draft the uploaded file into <data>/drafts/<id>/ and return the id."""
    from corpus.loaders import read_text
    from tools.drafting import check_id, draft_text, prepare_output, suggest_id, write_draft

    if not path:
        raise UserError("请先上传政策文件（.txt、.md、.docx 或 .pdf）。")
    text = read_text(path)
    doc_id = (doc_id or "").strip()
    if doc_id:
        check_id(doc_id)
    first = draft_text(text, doc_id or "draft")
    doc_id = doc_id or suggest_id(Path(path).stem, first.meta.doc_number)
    result = first if first.doc_id == doc_id else draft_text(text, doc_id)
    write_draft(result, prepare_output(drafts_root(services) / doc_id))
    return doc_id


def _folder(services: Services, doc_id: str) -> Path:
    if not doc_id or "/" in doc_id or "\\" in doc_id or doc_id.startswith("."):
        raise UserError("请选择一份草案。")
    folder = drafts_root(services) / doc_id
    if not folder.is_dir():
        raise UserError(f"草案 {doc_id} 不存在。")
    return folder


def _value_text(p: dict) -> str:
    from tools.amounts import format_yuan
    from tools.award import pct

    v = Decimal(str(p.get("value")))
    if p.get("unit") == "元":
        return format_yuan(v)
    if p.get("unit") == "比例":
        return pct(v)
    return f"{v.normalize():f}{p.get('unit', '')}"


def _status(rule: dict) -> str:
    from tools.drafting.review import STATUS_TEXT, status_of

    return STATUS_TEXT[status_of(rule)]


def rule_choices(services: Services, doc_id: str) -> list[tuple[str, str]]:
    from tools.drafting import read_draft

    d = read_draft(_folder(services, doc_id))
    doc = _document(d)
    out = []
    for r in d.rules.get("rules") or []:
        c = doc.find(str(r.get("clause")))
        out.append((f"{c.label if c else r.get('clause')} {r.get('title', '')}（{_status(r)}）", str(r.get("id"))))
    return out


def _document(d):
    from corpus import parse_text

    return parse_text((d.folder / "source.txt").read_text(encoding="utf-8"), d.doc_id)


def overview_html(services: Services, doc_id: str) -> str:
    """Every rule of the draft with its status and confidence, then the open questions and unparsed sentences."""
    from tools.drafting import read_draft

    d = read_draft(_folder(services, doc_id))
    doc = _document(d)
    meta = d.meta
    rows = []
    for r in d.rules.get("rules") or []:
        review = r.get("review") or {}
        status = _status(r)
        c = doc.find(str(r.get("clause")))
        rows.append(f"<tr class='pa-draft-row pa-draft-{STATUS_CLASS.get(status, 'pending')}' data-rule='{_e(str(r.get('id')))}'>"
                    f"<td>{_e(c.label if c else str(r.get('clause')))}</td><td>{_e(str(r.get('title', '')))}</td>"
                    f"<td>{_e(str(r.get('kind', '')))}</td><td>{_e(str(review.get('confidence', '')))}</td>"
                    f"<td class='pa-draft-status'>{_e(status)}</td></tr>")
    doc_review = d.rules.get("review") or {}
    questions = [q for q in doc_review.get("questions") or []]
    questions += [q for r in d.rules.get("rules") or [] for q in (r.get("review") or {}).get("questions") or []]
    unparsed = doc_review.get("unparsed") or []
    place = (meta.get("place") or {}).get("name", "")
    head = (f"<div class='pa-draft-meta'><b>{_e(str(meta.get('doc_number') or d.doc_id))}</b> {_e(str(meta.get('title', '')))}"
            f"<br>发文单位：{_e('、'.join(meta.get('issuers') or []) or '未识别')}；适用地区：{_e(place or '未识别')}；"
            f"印发：{_e(str(meta.get('issued') or '未识别'))}；施行：{_e(str(meta.get('effective') or '未写明'))}；"
            f"有效期至：{_e(str(meta.get('expires') or '未规定'))}</div>")
    table = ("<table class='pa-claim pa-draft-rules'><thead><tr><th>条款</th><th>规则</th><th>类型</th><th>置信度</th>"
             f"<th>审核</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    qs = "".join(f"<li>{_e(str(q))}</li>" for q in questions)
    un = "".join(f"<li>{_e(str(u))}</li>" for u in unparsed)
    return (head + table + (f"<h4>需要政策办确认的问题（{len(questions)}）</h4><ul class='pa-draft-questions'>{qs}</ul>"
                            if questions else "")
            + (f"<h4>未能起草的句子（{len(unparsed)}）</h4><ul class='pa-draft-unparsed'>{un}</ul>" if unparsed else ""))


def rule_view(services: Services, doc_id: str, rule_id: str) -> tuple[str, str, str]:
    """(the clause text with each parameter's source marked, the rule read back, the rule's YAML to edit)."""
    from tools.drafting import read_draft
    from tools.drafting.writer import dump_yaml

    d = read_draft(_folder(services, doc_id))
    rule = next((r for r in d.rules.get("rules") or [] if str(r.get("id")) == rule_id), None)
    if rule is None:
        raise UserError(f"草案中没有规则 {rule_id}。")
    doc = _document(d)
    params = d.rules.get("parameters") or {}
    used = [name for name in params if _mentions(rule, name)]
    clauses: dict[str, list[str]] = {str(rule.get("clause")): []}
    for name in used:
        clauses.setdefault(str(params[name].get("clause")), []).append(str(params[name].get("source", "")))
    parts = []
    for cid, needles in clauses.items():
        c = doc.find(cid)
        if c is None:
            continue
        parts.append(f"<div class='pa-cite' data-clause='{_e(cid)}'><div class='pa-cite-head'><b class='pa-label'>"
                     f"{_e(c.label)}</b> <span class='pa-id'>{_e(d.doc_id)}#{_e(cid)}</span></div>"
                     f"<div class='pa-text'>{highlight(c.full_text, needles)}</div></div>")
    review = rule.get("review") or {}
    prow = "".join(f"<tr data-param='{_e(n)}'><td>{_e(str(params[n].get('label') or n))}</td><td>{_e(_value_text(params[n]))}</td>"
                   f"<td><mark>{_e(str(params[n].get('source', '')))}</mark></td><td>{_e(str(params[n].get('clause')))}</td></tr>"
                   for n in used)
    conds = "".join(f"<li>{_e(str(c.get('text') or c.get('fact')))}</li>" for c in rule.get("conditions") or [])
    from tools.engine import CAP_TEXT

    caps = "".join(f"<li>{_e(CAP_TEXT.get(str(c.get('scope')), str(c.get('scope'))).format(cap=_value_text(params[c['parameter']]) if c.get('parameter') in params else ''))}</li>"
                   for c in rule.get("caps") or [])
    qs = "".join(f"<li>{_e(str(q))}</li>" for q in review.get("questions") or [])
    view = (f"<div class='pa-draft-rule' data-rule='{_e(rule_id)}'><b>{_e(str(rule.get('title', '')))}</b>"
            f"（{_e(str(rule.get('kind')))}，置信度 {_e(str(review.get('confidence', '—')))}，"
            f"<span class='pa-draft-status'>{_e(_status(rule))}</span>）"
            f"<table class='pa-claim'><thead><tr><th>参数</th><th>数值</th><th>原文</th><th>条款</th></tr></thead>"
            f"<tbody>{prow}</tbody></table>"
            + (f"<div>条件：<ul>{conds}</ul></div>" if conds else "")
            + (f"<div>上限：<ul>{caps}</ul></div>" if caps else "")
            + (f"<div class='pa-draft-rule-questions'>待确认：<ul>{qs}</ul></div>" if qs else "") + "</div>")
    return "".join(parts), view, dump_yaml({k: v for k, v in rule.items()})


def _mentions(obj, name: str) -> bool:
    if isinstance(obj, dict):
        return any(_mentions(v, name) for k, v in obj.items() if k != "review")
    if isinstance(obj, (list, tuple)):
        return any(_mentions(v, name) for v in obj)
    return obj == name


def decide(services: Services, doc_id: str, rule_id: str, status: str, rule_yaml: str | None = None) -> str:
    """Record the office's decision on one rule (with its edited YAML for 修改); the new status."""
    from tools.drafting import set_rule_status

    rule = set_rule_status(_folder(services, doc_id), rule_id, status, rule_yaml)
    return str((rule.get("review") or {}).get("status"))


def install(services: Services, doc_id: str, replace: bool = False) -> str:
    from tools.drafting import accept_draft

    r = accept_draft(_folder(services, doc_id), services.settings.corpus_dir, replace=replace)
    text = f"已安装 {r.doc_id}：{len(r.rules)} 条规则"
    if r.rejected:
        text += f"（不采纳 {len(r.rejected)} 条）"
    if r.pending:
        text += f"；{'、'.join(r.pending)} 未逐条标记，按草案采纳"
    return text + "。重新启动服务后在问答和测算中生效。"


def _error(exc: BaseException) -> str:
    from corpus import CorpusError

    msg = str(exc) if isinstance(exc, CorpusError) else friendly(exc)[1]
    return f"<div class='pa-error' style='white-space:pre-wrap'>⚠ {_e(msg)}</div>"


def build(services: Services) -> None:
    """The panel's components, inside the caller's gr.Blocks (a gr.Tab or gr.Accordion)."""
    gr.Markdown("上传一份新的政策文件，系统从原文起草奖补规则（**待审核**，审核前不会用于任何回答）。"
                "逐条核对原文中标出的数字，采纳、修改或不采纳，然后安装。")
    with gr.Row():
        upload = gr.File(label="政策文件（.txt/.md/.docx/.pdf）", type="filepath", elem_id="draft-file",
                         file_types=[".txt", ".md", ".docx", ".pdf"])
        with gr.Column():
            doc_id = gr.Textbox(label="文件编号（可选，如 ganzhou-2023-12）", elem_id="draft-id")
            make = gr.Button("起草规则", variant="primary", elem_id="draft-make")
    with gr.Row():
        pick = gr.Dropdown(choices=list_drafts(services), label="草案", elem_id="draft-pick", interactive=True)
        refresh = gr.Button("刷新草案列表", size="sm", elem_id="draft-refresh")
    overview = gr.HTML("", elem_id="draft-overview")
    rule = gr.Dropdown(choices=[], label="规则（逐条审核）", elem_id="draft-rule", interactive=True)
    with gr.Row():
        with gr.Column(scale=3):
            clause = gr.HTML("", elem_id="draft-clause")
        with gr.Column(scale=3):
            view = gr.HTML("", elem_id="draft-view")
            editor = gr.Textbox(label="规则 YAML（修改后点“保存修改”）", lines=14, max_lines=40, elem_id="draft-editor")
    with gr.Row():
        accept_b = gr.Button("采纳", elem_id="draft-accept")
        edit_b = gr.Button("保存修改", elem_id="draft-edit")
        reject_b = gr.Button("不采纳", elem_id="draft-reject")
    message = gr.HTML("", elem_id="draft-message")
    with gr.Row():
        replace = gr.Checkbox(label="数据目录中已有同一编号时替换", value=False, elem_id="draft-replace")
        install_b = gr.Button("审核完成，安装", variant="primary", elem_id="draft-install")

    def show(doc, rid=None):
        if not doc:
            return "", gr.update(choices=[], value=None), "", "", ""
        choices = rule_choices(services, doc)
        rid = rid if rid in [v for _, v in choices] else (choices[0][1] if choices else None)
        c, v, y = rule_view(services, doc, rid) if rid else ("", "", "")
        return overview_html(services, doc), gr.update(choices=choices, value=rid), c, v, y

    outputs = [overview, rule, clause, view, editor]

    def on_make(path, did):
        try:
            new = draft_file(services, path, did)
            return [gr.update(choices=list_drafts(services), value=new), *show(new), ""]
        except Exception as e:  # noqa: BLE001 - every failure is a Chinese message in the tab
            return [gr.update(), *[gr.update()] * 5, _error(e)]

    make.click(on_make, [upload, doc_id], [pick, *outputs, message])

    def on_pick(doc):
        try:
            return [*show(doc), ""]
        except Exception as e:  # noqa: BLE001
            return [*[gr.update()] * 5, _error(e)]

    pick.change(on_pick, [pick], [*outputs, message])
    refresh.click(lambda: gr.update(choices=list_drafts(services)), None, [pick])

    def on_rule(doc, rid):
        if not doc or not rid:
            return gr.update(), gr.update(), gr.update(), ""
        try:
            return [*rule_view(services, doc, rid), ""]
        except Exception as e:  # noqa: BLE001
            return [gr.update(), gr.update(), gr.update(), _error(e)]

    rule.change(on_rule, [pick, rule], [clause, view, editor, message])

    def on_decide(status, with_yaml):
        def handler(doc, rid, text):
            try:
                if not doc or not rid:
                    raise UserError("请先选择草案和规则。")
                got = decide(services, doc, rid, status, text if with_yaml else None)
                return [*show(doc, rid), f"<div class='pa-ok'>规则 {_e(rid)}：{_e(got)}</div>"]
            except Exception as e:  # noqa: BLE001 - a bad edit is a Chinese message, the draft is unchanged
                return [*[gr.update()] * 5, _error(e)]
        return handler

    accept_b.click(on_decide("采纳", False), [pick, rule, editor], [*outputs, message])
    edit_b.click(on_decide("修改", True), [pick, rule, editor], [*outputs, message])
    reject_b.click(on_decide("不采纳", False), [pick, rule, editor], [*outputs, message])

    def on_install(doc, rep):
        try:
            if not doc:
                raise UserError("请先选择草案。")
            return f"<div class='pa-ok pa-installed'>{_e(install(services, doc, bool(rep)))}</div>"
        except Exception as e:  # noqa: BLE001 - nothing is installed; the reason is shown
            return _error(e)

    install_b.click(on_install, [pick, replace], [message])


__all__ = ["build", "decide", "draft_file", "install", "list_drafts", "overview_html", "rule_choices", "rule_view"]
