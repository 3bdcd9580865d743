"""The gradio Blocks UI: 政策问答, 奖补测算, 条款查阅 and 一致性评测 tabs over the shared services."""

from __future__ import annotations

import html
import logging
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from webapp import render
from webapp.services import Services, amount_text, friendly

log = logging.getLogger("policy_assistant.webapp")

EXAMPLES = [
    "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万，能拿多少？",
    "上云补贴比例是多少？",
    "服务型制造示范企业有什么奖励？",
    "这个文件的文号是多少？",
    "我们还能申请哪些奖励？",
]
MAX_FOLLOWUPS = 3

CSS = """
.pa-cite{border:1px solid var(--border-color-primary);border-radius:8px;padding:8px 10px;margin-bottom:8px}
.pa-cite-head .pa-label{font-size:1.05em}
.pa-id{color:var(--body-text-color-subdued);font-size:.85em;margin-left:6px}
.pa-path{color:var(--body-text-color-subdued);font-size:.85em;margin:2px 0 6px}
.pa-text{white-space:pre-wrap;line-height:1.6}
.pa-text mark,.pa-hit mark{background:#fde68a;color:inherit;padding:0 1px}
.pa-units{font-size:.85em;margin-top:6px}
.pa-award table,.pa-claim{width:100%;border-collapse:collapse;margin-top:6px}
.pa-award td,.pa-award th,.pa-claim td,.pa-claim th{border:1px solid var(--border-color-primary);padding:4px 6px;
  vertical-align:top;text-align:left}
.pa-amt{white-space:nowrap}
.pa-steps{font-size:.85em}
.pa-badge{font-weight:bold}
.pa-status-可享 .pa-badge{color:#15803d}.pa-status-待确认 .pa-badge{color:#b45309}.pa-status-不符合 .pa-badge{color:#b91c1c}
.pa-error{color:#b91c1c;font-weight:bold}
.pa-hit{border-bottom:1px dashed var(--border-color-primary);padding:6px 0}
.pa-outline li{list-style:none}
.pa-clause-link summary{cursor:pointer}.pa-clause-link .pa-text{font-size:.85em;max-width:28em}
.pa-metrics td,.pa-metrics th{border:1px solid var(--border-color-primary);padding:3px 8px}
"""

TRI = ["未填写", "是", "否"]  # a missing fact is unknown, not false (DESIGN §4a)
TITLE_CHOICES = [
    ("国家两化融合管理体系贯标企业", "lianghua_national"),
    ("省级两化深度融合示范企业", "lianghua_provincial"),
    ("市级两化融合示范企业", "lianghua_city"),
    ("国家级服务型制造示范企业", "service_national"),
    ("省级服务型制造示范企业", "service_provincial"),
    ("市级服务型制造示范企业", "service_city"),
]
CLOUD_FIELDS = [
    ("infrastructure", "信息基础设施上云"),
    ("platform", "平台系统上云"),
    ("application", "业务应用上云"),
    ("equipment", "设备资源上云"),
    ("manufacturing", "制造能力（资源）上云"),
]


def error_html(exc: BaseException) -> str:
    _, msg = friendly(exc)
    return f"<div class='pa-error'>⚠ {html.escape(msg)}</div>"


def _tri(value: str) -> bool | None:
    return {"是": True, "否": False}.get(value)


def _amount_field(value: Any) -> str | None:
    text = str(value or "").strip()
    return text or None


def build_profile(above_scale, p1, p2, titles, smart, cloud, node, tax, stacking) -> dict:
    """Form values → DESIGN §4a profile dict; blank fields are left out (unknown)."""
    prof: dict[str, Any] = {}
    if _tri(above_scale) is not None:
        prof["above_scale"] = _tri(above_scale)
    projects = []
    for equipment, total, completed, stats, policy in (p1, p2):
        proj: dict[str, Any] = {}
        for key, val in (("equipment", equipment), ("total_investment", total)):
            if _amount_field(val):
                proj[key] = _amount_field(val)
        for key, val in (("completed", completed), ("in_national_stats", stats),
                         ("complies_industrial_policy", policy)):
            if _tri(val) is not None:
                proj[key] = _tri(val)
        if proj:
            projects.append(proj)
    if projects:
        prof["projects"] = projects
    if titles:
        prof["titles"] = list(titles)
    if _amount_field(smart):
        prof["ganzhou_smart_award"] = _amount_field(smart)
    cloud_d = {k: _amount_field(v) for (k, _), v in zip(CLOUD_FIELDS, cloud, strict=True) if _amount_field(v)}
    if cloud_d:
        prof["cloud"] = cloud_d
    investment, registered, accepted = node
    node_d: dict[str, Any] = {}
    if _amount_field(investment):
        node_d["investment"] = _amount_field(investment)
    if _tri(registered) is not None:
        node_d["registered_in_longnan"] = _tri(registered)
    if _tri(accepted) is not None:
        node_d["passed_acceptance"] = _tri(accepted)
    if node_d:
        prof["node"] = node_d
    if _amount_field(tax):
        prof["local_tax_retained"] = _amount_field(tax)
    prof["stacking"] = "highest" if stacking == "就高（只取最高一项）" else "cumulative"
    return prof


def _write_temp(name: str, text: str) -> str:
    # gradio serves files from the system temp dir; a fresh dir per file keeps users' reports apart
    path = Path(tempfile.mkdtemp(prefix="pa-report-")) / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def build_ui(services: Services) -> gr.Blocks:
    # no telemetry or version check: the tool runs offline and must not phone home
    with gr.Blocks(title="产业政策问答助手", analytics_enabled=False) as demo:
        gr.Markdown("## 产业政策问答助手\n条款精确引用；奖补金额由确定性计算器给出。" + _doc_line(services))
        with gr.Tabs():
            with gr.Tab("政策问答", id="chat"):
                _chat_tab(services)
            with gr.Tab("奖补测算", id="calc"):
                _calc_tab(services)
            with gr.Tab("条款查阅", id="clauses"):
                _clause_tab(services)
            with gr.Tab("一致性评测", id="evals"):
                _eval_tab(services)
    return demo


def _doc_line(services: Services) -> str:
    try:
        return "".join(f"\n\n当前文件：{d.doc_number}《{d.title}》" for d in services.corpus)
    except Exception:  # noqa: BLE001 - the header must render even with a broken corpus
        return ""


# ---------------------------------------------------------------- 政策问答
def _chat_tab(services: Services) -> None:
    # this browser tab's conversation id in the shared, bounded store; dropped when the tab goes away
    sid = gr.State(None, time_to_live=services.settings.session_ttl_seconds, delete_callback=services.reset)
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="对话", height=460, elem_id="pa-chatbot")
            with gr.Row():
                question = gr.Textbox(label="您的问题", placeholder="例如：我们是规上企业，买设备花了1200万，能拿多少？",
                                      scale=5, elem_id="pa-question", max_lines=4)
                send = gr.Button("提问", variant="primary", scale=1, elem_id="pa-send")
            with gr.Row():
                followups = [gr.Button(visible=False, size="sm", elem_classes="pa-followup")
                             for _ in range(MAX_FOLLOWUPS)]
            reset = gr.Button("新对话", size="sm", elem_id="pa-reset")
            gr.Examples(EXAMPLES, inputs=[question], label="示例问题（点击填入）")
        with gr.Column(scale=2):
            gr.Markdown("### 引用条款")
            cites = gr.HTML("<div class='pa-empty'>提问后，这里显示回答所依据的条款原文。</div>", elem_id="pa-citations")
            award = gr.HTML("", elem_id="pa-award")

    def on_ask(q, history, session_id):
        history = list(history or [])
        q = (q or "").strip()
        try:
            session_id, ans = services.ask(q, session_id)
        except Exception as e:  # noqa: BLE001 - every failure becomes a Chinese message in the chat
            _, msg = friendly(e)
            history += [{"role": "user", "content": q or "（空）"}, {"role": "assistant", "content": f"⚠ {msg}"}]
            return [history, q, session_id, gr.update(), gr.update()] + [gr.update(visible=False)] * MAX_FOLLOWUPS
        text = str(ans.get("answer") or "")
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": text}]
        fups = list(ans.get("followups") or [])[:MAX_FOLLOWUPS]
        buttons = [gr.update(value=f, visible=True) for f in fups]
        buttons += [gr.update(visible=False)] * (MAX_FOLLOWUPS - len(fups))
        try:
            cite_html = render.citations_html(services, ans.get("citations") or [])
            award_html = render.award_html(ans.get("award"))
        except Exception as e:  # noqa: BLE001
            cite_html, award_html = error_html(e), ""
        return [history, "", session_id, cite_html, award_html] + buttons

    outputs = [chatbot, question, sid, cites, award] + followups
    send.click(on_ask, [question, chatbot, sid], outputs)
    question.submit(on_ask, [question, chatbot, sid], outputs)
    for b in followups:
        b.click(on_ask, [b, chatbot, sid], outputs)

    def on_reset(session_id):
        services.reset(session_id)
        return [[], "", None, "<div class='pa-empty'>已开始新对话。</div>", ""] + [gr.update(visible=False)] * MAX_FOLLOWUPS

    reset.click(on_reset, [sid], outputs)


# ---------------------------------------------------------------- 奖补测算
def _calc_tab(services: Services) -> None:
    gr.Markdown("填写企业情况（不清楚的可留空，系统会标为“待确认”）。金额单位为元，也可写“1200万”“1.2亿”。")
    above = gr.Radio(TRI, value="未填写", label="是否规模以上企业（规上企业）", elem_id="calc-above-scale")
    projects = []
    for i in (1, 2):
        with gr.Accordion(f"技术改造项目{i}（四（三）1、四（一））", open=(i == 1)):
            with gr.Row():
                equipment = gr.Textbox(label="购买设备投资额（元）", placeholder="如 1200万", elem_id=f"calc-p{i}-equipment")
                total = gr.Textbox(label="项目总投资额（元）", placeholder="如 2000万", elem_id=f"calc-p{i}-total")
            with gr.Row():
                completed = gr.Radio(TRI, value="未填写", label="项目是否已竣工", elem_id=f"calc-p{i}-completed")
                stats = gr.Radio(TRI, value="未填写", label="是否列入国家统计库", elem_id=f"calc-p{i}-stats")
                policy = gr.Radio(TRI, value="未填写", label="是否符合国家产业政策", elem_id=f"calc-p{i}-policy")
            projects.append((equipment, total, completed, stats, policy))
    with gr.Accordion("称号与认定（四（三）2—4）", open=False):
        titles = gr.CheckboxGroup(TITLE_CHOICES, label="已获得的称号", elem_id="calc-titles")
        smart = gr.Textbox(label="赣州市智能制造示范/标杆企业所获赣州奖补（元）", elem_id="calc-smart")
        stacking = gr.Radio(["累计（各级称号分别奖励）", "就高（只取最高一项）"], value="累计（各级称号分别奖励）",
                            label="不同级别称号的计算方式（文件未明确，以市工信局解释为准）")
    with gr.Accordion("企业上云实际支付金额（四（三）5）", open=False):
        cloud = [gr.Textbox(label=f"{name}（元）", elem_id=f"calc-cloud-{key}") for key, name in CLOUD_FIELDS]
    with gr.Accordion("工业互联网标识解析二级节点（四（三）6）", open=False):
        node_inv = gr.Textbox(label="接入二级节点实际投资额（元）", elem_id="calc-node-investment")
        node_reg = gr.Radio(TRI, value="未填写", label="是否在龙南注册")
        node_acc = gr.Radio(TRI, value="未填写", label="是否通过验收")
    tax = gr.Textbox(label="当年所缴增值税、企业所得税的地方财政实得部分（元，四（三）7 上限）", elem_id="calc-tax")
    go = gr.Button("测算", variant="primary", elem_id="calc-go")
    total_out = gr.HTML("", elem_id="calc-total")
    table = gr.HTML("", elem_id="calc-result")
    download = gr.DownloadButton("下载测算报告（Markdown）", visible=False, elem_id="calc-download")

    inputs = [above, *[c for p in projects for c in p], titles, smart, *cloud, node_inv, node_reg, node_acc, tax, stacking]

    def on_calc(*vals):
        vals = list(vals)
        above_v = vals.pop(0)
        p = [tuple(vals[i * 5:(i + 1) * 5]) for i in range(2)]
        vals = vals[10:]
        titles_v, smart_v = vals[0], vals[1]
        cloud_v = vals[2:2 + len(CLOUD_FIELDS)]
        node_v = tuple(vals[2 + len(CLOUD_FIELDS):5 + len(CLOUD_FIELDS)])
        tax_v, stacking_v = vals[5 + len(CLOUD_FIELDS)], vals[6 + len(CLOUD_FIELDS)]
        try:
            prof = build_profile(above_v, p[0], p[1], titles_v, smart_v, cloud_v, node_v, tax_v, stacking_v)
            award = services.calc(prof)
            rows = services.claimable(prof)
            report = render.claimable_markdown(services, award, rows)
            path = _write_temp("奖补测算报告.md", report)
        except Exception as e:  # noqa: BLE001
            return error_html(e), "", gr.update(visible=False)
        head = f"<div class='pa-total-line'>合计可获：<b class='pa-total-amount'>{html.escape(amount_text(award.get('total')))}</b></div>"
        unknown = award.get("unknown_conditions") or []
        if unknown:
            head += f"<div class='pa-note'>待确认条件：{html.escape('、'.join(map(str, unknown)))}（合计按均满足计算）</div>"
        if award.get("capped_by_tax"):
            head += "<div class='pa-note'>已按四（三）7 以地方财政实得税收为限。</div>"
        return head, render.claimable_html(rows, services, award.get("doc")) + render.award_html(award), gr.update(value=path, visible=True)

    go.click(on_calc, inputs, [total_out, table, download])


# ---------------------------------------------------------------- 条款查阅
def _clause_choices(services: Services) -> list[tuple[str, str]]:
    out = []
    several = len(services.corpus) > 1  # with two documents 三（一） appears twice: name the document too
    for row in services.outline():
        indent = "　" * row["depth"]
        prefix = f"[{services.corpus.document(row['doc']).doc_number or row['doc']}] " if several else ""
        out.append((f"{prefix}{indent}{row['label']} {row['heading']}", f"{row['doc']}#{row['clause']}"))
    return out


def _outline_html(services: Services) -> str:
    parts = []
    for doc in services.corpus:
        parts.append(f"<h4>{html.escape(doc.doc_number)}《{html.escape(doc.title)}》</h4><ul class='pa-outline'>")
        for row in (r for r in services.outline() if r["doc"] == doc.id):
            parts.append(f"<li style='margin-left:{row['depth'] * 1.2}em'><b>{html.escape(row['label'])}</b> "
                         f"{html.escape(row['heading'])} <span class='pa-id'>{html.escape(row['clause'])}</span></li>")
        parts.append("</ul>")
    return "".join(parts)


def clause_view(services: Services, ref: str, marks: list[str] | None = None) -> tuple[str, str]:
    """(HTML of the clause with its path and responsible units, the citation text to copy)."""
    from tools.lookup import lookup_clause

    rec = lookup_clause(services.corpus, ref)
    units = "、".join(rec["units"]) or "文件未列明"
    body = render.highlight(rec["text"], marks or [])
    page = (f"<div class='pa-cite' data-clause='{html.escape(rec['clause'])}'><div class='pa-cite-head'>"
            f"<b class='pa-label'>{html.escape(rec['label'])}</b> <span class='pa-id'>{html.escape(rec['citation'])}</span>"
            f"</div><div class='pa-path'>{html.escape(' › '.join(rec['heading_path']))}</div>"
            f"<div class='pa-text'>{body}</div><div class='pa-units'>责任单位：{html.escape(units)}</div></div>")
    return page, render.citation_text(services, rec)


def _clause_tab(services: Services) -> None:
    with gr.Row():
        with gr.Column(scale=2):
            try:
                choices = _clause_choices(services)
                outline_html = _outline_html(services)
            except Exception as e:  # noqa: BLE001
                choices, outline_html = [], error_html(e)
            pick = gr.Dropdown(choices, label="文件目录（选择条款）", elem_id="clause-pick", filterable=True)
            with gr.Accordion("全文目录", open=False):
                gr.HTML(outline_html, elem_id="clause-outline")
        with gr.Column(scale=3):
            with gr.Row():
                query = gr.Textbox(label="条款编号或关键词", placeholder="如 4.3.5、四（三）5、上云补贴", scale=4,
                                   elem_id="clause-query")
                find = gr.Button("查找", variant="primary", scale=1, elem_id="clause-find")
            clause_html = gr.HTML("", elem_id="clause-view")
            citation = gr.Textbox(label="引用（点击右侧按钮复制）", buttons=["copy"], interactive=False,
                                  elem_id="clause-citation")
            hits_html = gr.HTML("", elem_id="clause-hits")

    def on_pick(ref):
        if not ref:
            return gr.update(), gr.update()
        try:
            return clause_view(services, ref)
        except Exception as e:  # noqa: BLE001
            return error_html(e), ""

    pick.change(on_pick, [pick], [clause_html, citation])

    def on_find(q):
        from corpus import ClauseNotFound

        q = (q or "").strip()
        if not q:
            return "<div class='pa-error'>⚠ 请输入条款编号或关键词。</div>", "", ""
        page, cite = "", ""
        try:
            page, cite = clause_view(services, q)  # a reference such as 4.3.5 opens the clause directly
            return page, cite, ""
        except ClauseNotFound:
            pass
        except Exception as e:  # noqa: BLE001 - not a reference: fall through to search
            log.debug("not a clause reference: %s", e)
        try:
            hits = services.search(q, 5)
            terms = render.query_terms(q)
        except Exception as e:  # noqa: BLE001
            return "", "", error_html(e)
        if not hits:
            return "", "", "<div class='pa-empty'>没有找到相关条款。</div>"
        rows = [f"<div class='pa-hit'><b class='pa-label'>{html.escape(h['label'])}</b> "
                f"<span class='pa-id'>{html.escape(h['doc'])}#{html.escape(h['clause'])}</span>"
                f"<div class='pa-path'>{html.escape(' › '.join(h['heading_path']))}</div>"
                f"<div class='pa-text'>{render.highlight(h['text'], terms)}</div></div>" for h in hits]
        try:
            page, cite = clause_view(services, f"{hits[0]['doc']}#{hits[0]['clause']}", terms)
        except Exception as e:  # noqa: BLE001
            page = error_html(e)
        return page, cite, "<h4>检索结果</h4>" + "".join(rows)

    find.click(on_find, [query], [clause_html, citation, hits_html])
    query.submit(on_find, [query], [clause_html, citation, hits_html])


# ---------------------------------------------------------------- 一致性评测
def _eval_tab(services: Services) -> None:
    from webapp import evaltab

    evaltab.build(services)
