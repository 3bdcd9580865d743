"""The gradio Blocks UI: 政策问答, 奖补测算, 条款查阅 and 一致性评测 tabs over the shared services."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import gradio as gr

from webapp import render
from webapp.feedback import FeedbackStore, feedback_path
from webapp.services import Services, friendly
from webapp.tempfiles import TempArea

log = logging.getLogger("policy_assistant.webapp")

APP_TITLE = "产业政策问答助手"
STATIC = Path(__file__).resolve().parent / "static"  # icons drawn as SVG: no emoji font needed on the user's machine
MAX_FOLLOWUPS = 3
NEW_CHAT_NOTICE = "已开始新对话：之前提供的企业情况已全部清除。"

# A calm, official look: slate and a muted blue, local CJK fonts (no web font is fetched: the tool runs offline).
FONTS = ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC",
         "system-ui", "sans-serif")
THEME = gr.themes.Soft(primary_hue=gr.themes.colors.blue, secondary_hue=gr.themes.colors.slate,
                       neutral_hue=gr.themes.colors.slate, radius_size=gr.themes.sizes.radius_sm,
                       font=FONTS, font_mono=("Menlo", "Consolas", "monospace")).set(
    button_primary_background_fill="#1e3a5f", button_primary_background_fill_hover="#274b78",
    button_primary_text_color="#ffffff", body_background_fill="#f5f7fa", block_title_text_weight="600",
)

CSS = """
.gradio-container{max-width:1200px !important}
footer{display:none !important}
.pa-header{border-bottom:2px solid #1e3a5f;padding:4px 0 10px;margin-bottom:4px}
.pa-header .pa-title{font-size:1.45em;font-weight:700;color:#1e3a5f}
.pa-header .pa-sub{color:#475569;font-size:.92em;margin-top:2px}
.pa-stamp{display:inline-block;margin-top:6px;padding:2px 8px;border:1px solid #94a3b8;border-radius:4px;color:#334155;
  font-size:.88em;background:#fff}
.pa-cite{border:1px solid var(--border-color-primary);border-radius:6px;padding:8px 10px;margin-bottom:8px;background:#fff}
.pa-cite-head .pa-label{font-size:1.05em;color:#1e3a5f}
.pa-path{color:var(--body-text-color-subdued);font-size:.85em;margin:2px 0 6px}
.pa-text{white-space:pre-wrap;line-height:1.65}
.pa-text mark,.pa-hit mark{background:#fde68a;color:inherit;padding:0 1px}
.pa-units{font-size:.85em;margin-top:6px;color:#475569}
.pa-open{border:1px solid #94a3b8;border-radius:4px;background:#f8fafc;color:#1e3a5f;font-size:.82em;padding:1px 8px;
  margin-left:8px;cursor:pointer}
.pa-open:hover{background:#e2e8f0}
.pa-asked{color:#1e3a5f;font-size:.92em;margin:4px 0}
.pa-asked-how{color:#64748b;font-size:.9em;margin-left:4px}
.pa-table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
.pa-award table,.pa-claim{width:100%;border-collapse:collapse;margin-top:6px;background:#fff}
.pa-claim{min-width:820px;table-layout:fixed}
.pa-claim th:nth-child(1){width:5em}.pa-claim th:nth-child(2){width:8em}.pa-claim th:nth-child(3){width:7em}
.pa-claim th:nth-child(4){width:10em}.pa-claim th:nth-child(5){width:15em}.pa-claim th:nth-child(6){width:17em}
.pa-claim th:nth-child(7){width:6.5em}
.pa-claim .pa-amt{white-space:normal}
.pa-claim summary{white-space:nowrap}
.pa-award td,.pa-award th,.pa-claim td,.pa-claim th{border:1px solid var(--border-color-primary);padding:5px 7px;
  vertical-align:top;text-align:left;word-break:break-word}
.pa-award th,.pa-claim th{background:#e8eef5;color:#1e293b;white-space:nowrap}
.pa-amt{white-space:nowrap}
.pa-steps{font-size:.86em}
.pa-note{font-size:.86em;color:#475569}
.pa-badge{font-weight:700;white-space:nowrap}
.pa-status-可享 .pa-badge{color:#15803d}.pa-status-待确认 .pa-badge{color:#b45309}.pa-status-不符合 .pa-badge{color:#b91c1c}
.pa-error{color:#b91c1c;font-weight:bold}
.pa-ok{color:#15803d;font-weight:bold}
.pa-headline{font-size:1.2em;color:#1e3a5f;margin:4px 0}
.pa-headline .pa-total-amount{font-size:1.25em}
.pa-ask{font-size:1.05em;color:#1e3a5f;background:#eef2f7;border-left:4px solid #1e3a5f;padding:8px 12px}
.pa-doc-status{color:#b91c1c;font-weight:700}
.pa-unknown{margin:4px 0 8px 1.2em;color:#92400e}
.pa-caps{margin:4px 0 4px 1.2em}
.pa-section{font-weight:700;color:#1e3a5f;margin-top:10px}
.pa-hit{border-bottom:1px dashed var(--border-color-primary);padding:6px 0}
.pa-outline{padding-left:0}
.pa-outline li{list-style:none;padding:2px 0}
.pa-outline li[data-ref]{cursor:pointer}
.pa-outline li[data-ref]:hover{background:#eef2f7}
.pa-clause-link summary{cursor:pointer}.pa-clause-link .pa-text{font-size:.85em;max-width:28em}
.pa-metrics td,.pa-metrics th,.pa-fails td,.pa-fails th{border:1px solid var(--border-color-primary);padding:3px 8px;
  vertical-align:top;text-align:left}
.pa-fails{border-collapse:collapse;width:100%;min-width:640px}
.pa-status-line{color:#15803d;font-size:.9em;min-height:1.2em}
.pa-empty{color:#64748b}
@media (max-width: 640px){
  .tab-wrapper button, [role=tab]{padding:6px 8px !important;font-size:.92em !important}
  .pa-header .pa-title{font-size:1.2em}
  /* on a phone each rule becomes a card: every column stays readable, none is clipped */
  .pa-claim{min-width:0;table-layout:auto}
  .pa-claim thead{display:none}
  .pa-claim,.pa-claim tbody,.pa-claim tr,.pa-claim td{display:block;width:auto !important}
  .pa-claim tr{border:1px solid var(--border-color-primary);border-radius:6px;margin-bottom:10px;background:#fff}
  .pa-claim td{border:none;border-bottom:1px dashed #e2e8f0;padding:5px 8px}
  .pa-claim td:last-child{border-bottom:none}
  .pa-claim td::before{content:attr(data-th);display:inline-block;min-width:4.5em;color:#64748b;font-size:.85em;
    margin-right:6px}
}
"""

# Clicks inside these HTML panels (a citation's open button, an outline entry, a search hit) become one event
# carrying the clause reference; the server answers by opening the clause tab.
OPEN_JS = """
element.addEventListener('click', (e) => {
  const el = e.target.closest('[data-ref]');
  if (!el || el.tagName === 'SUMMARY') return;
  e.preventDefault();
  trigger('click', {ref: el.dataset.ref, quote: el.dataset.quote || ''});
});
"""

# The clause picker filters on key presses; Chinese typed through an input method (or pasted) arrives as an input
# event with no key, so nothing was filtered. Re-announce such input as a key press so the list narrows as one types.
PAGE_JS = """
() => {
  const nudge = (e) => {
    const t = e.target;
    if (!(t instanceof HTMLInputElement) || !t.closest('#clause-pick') || e.isComposing) return;
    t.dispatchEvent(new KeyboardEvent('keydown', {key: 'Unidentified', bubbles: true}));
  };
  document.addEventListener('input', nudge, true);
  document.addEventListener('compositionend', nudge, true);
}
"""
def mount_options(services: Services) -> dict:
    """What the server passes when mounting this UI: theme, styles, no framework footer, the temp area's folder."""
    return {"theme": THEME, "css": CSS, "js": PAGE_JS, "footer_links": [],
            "allowed_paths": [str(temp_root(services))]}


def temp_root(services: Services) -> Path:
    return Path(services.settings.data_dir) / "tmp"


def error_html(exc: BaseException) -> str:
    _, msg = friendly(exc)
    return f"<div class='pa-error'>⚠ {html.escape(msg)}</div>"


def header_html(services: Services) -> str:
    """Title, one line on what it does, and the stamp of every loaded document (文号, title, issue date)."""
    stamps = []
    try:
        from assistant.compose import date_text

        for d in services.corpus:
            issued = d.meta.get("issued_text") or date_text(d.meta.get("issued")) or ""
            stamps.append(f"<span class='pa-stamp'>现行文件：{html.escape(d.doc_number or d.id)}"
                          f"《{html.escape(d.title)}》{html.escape(f'（{issued}）' if issued else '')}</span>")
    except Exception:  # noqa: BLE001 - the header must render even with a broken corpus
        stamps = []
    return (f"<div class='pa-header'><div class='pa-title'>{APP_TITLE}</div>"
            "<div class='pa-sub'>条款逐字引用；奖补金额由确定性计算器按条款算出，附计算过程。</div>"
            + " ".join(stamps) + "</div>")


def build_ui(services: Services) -> gr.Blocks:
    area = TempArea(temp_root(services))
    feedback = FeedbackStore(feedback_path(services.settings.data_dir))
    # no telemetry or version check: the tool runs offline and must not phone home
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as demo:
        gr.HTML(header_html(services), elem_id="pa-header", js_on_load=None)
        with gr.Tabs(elem_id="pa-tabs") as tabs:
            with gr.Tab("政策问答", id="chat"):
                chat = _chat_tab(services, feedback)
            with gr.Tab("奖补测算", id="calc"):
                _calc_tab(services, area, demo)
            with gr.Tab("条款查阅", id="clauses"):
                clauses = _clause_tab(services)
            with gr.Tab("一致性评测", id="evals"):
                from webapp import evaltab

                evaltab.build(services, area, feedback)
                from webapp import drafttab

                with gr.Accordion("规则草案：从新文件起草奖补规则并逐条审核", open=False, elem_id="draft-panel"):
                    drafttab.build(services)

        def open_from_chat(evt: gr.EventData):
            data = getattr(evt, "_data", None) or {}
            page, cite, outline_open = open_clause(services, str(data.get("ref") or ""), str(data.get("quote") or ""))
            return gr.Tabs(selected="clauses"), page, cite, "", outline_open

        chat["cites"].click(open_from_chat, None, [tabs, clauses["view"], clauses["citation"], clauses["hits"],
                                                   clauses["outline_box"]])
    # the framework's copies of downloads and of uploads count against the same bound as our own files
    for paths in demo.temp_file_sets:
        area.track(paths)
    return demo


# ---------------------------------------------------------------- 政策问答
def _chat_tab(services: Services, feedback: FeedbackStore) -> dict:
    sid = gr.State(None, time_to_live=services.settings.session_ttl_seconds, delete_callback=services.reset)
    turns = gr.State([])  # this conversation's questions, for a rated answer's context
    last = gr.State(None)  # the latest answer: what 👍/👎 applies to
    try:
        examples = chat_examples(services)
    except Exception:  # noqa: BLE001 - the chat works without examples
        examples = []
    sample = examples[1] if len(examples) > 1 else (examples[0] if examples else "")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            chatbot = gr.Chatbot(label="对话", height=440, elem_id="pa-chatbot", buttons=["copy"],
                                 placeholder="您好！请提出关于产业扶持政策的问题"
                                             + (f"，例如“{sample}”" if sample else "")
                                             + "。回答逐字引用条款，金额由计算器按条款算出。")
            with gr.Row():
                question = gr.Textbox(label="您的问题", placeholder=f"例如：{examples[0]}" if examples else "请输入问题",
                                      scale=5, elem_id="pa-question", max_lines=4, min_width=200)
                send = gr.Button("提问", variant="primary", scale=1, elem_id="pa-send", min_width=80)
            # the fact the answer still needs: its question, and for yes/no facts 是 / 否 buttons that answer it
            # (the reply fills that fact; the assistant's question is never sent back as the user's)
            asked_line = gr.HTML("", elem_id="pa-asked", js_on_load=None)
            with gr.Row():
                followups = [gr.Button(visible=False, size="sm", elem_classes="pa-followup")
                             for _ in range(MAX_FOLLOWUPS)]
            with gr.Row(elem_id="pa-feedback"):
                up = gr.Button("回答有帮助", icon=str(STATIC / "thumb-up.svg"), size="sm", elem_id="pa-up",
                               interactive=False)
                down = gr.Button("回答有问题", icon=str(STATIC / "thumb-down.svg"), size="sm", elem_id="pa-down",
                                 interactive=False)
                reset = gr.Button("新对话（清除已提供的企业情况）", size="sm", elem_id="pa-reset")
            with gr.Row(visible=False, elem_id="pa-comment-row") as comment_row:
                comment = gr.Textbox(label="哪里有问题？（可选，便于政策办核对）", elem_id="pa-comment", scale=5,
                                     max_lines=3, min_width=200)
                comment_send = gr.Button("提交说明", size="sm", scale=1, elem_id="pa-comment-send", min_width=80)
            status = gr.HTML("", elem_id="pa-status", js_on_load=None)
            if examples:
                gr.Examples(examples, inputs=[question], label="示例问题（点击填入）")
        with gr.Column(scale=2, min_width=280):
            gr.HTML("<div class='pa-section'>引用条款</div>", js_on_load=None)
            cites = gr.HTML("<div class='pa-empty'>提问后，这里显示回答所依据的条款原文，所引句子以黄色标出。</div>",
                            elem_id="pa-citations", js_on_load=OPEN_JS)
            award = gr.HTML("", elem_id="pa-award", js_on_load=None)

    def on_ask(q, history, session_id, asked):
        history = list(history or [])
        q = (q or "").strip()
        hidden = [gr.update(visible=False)] * MAX_FOLLOWUPS
        try:
            session_id, ans = services.ask(q, session_id, with_asks=True)
        except Exception as e:  # noqa: BLE001 - every failure becomes a Chinese message in the chat
            _, msg = friendly(e)
            history += [{"role": "user", "content": render.plain_message(q or "（空）")},
                        {"role": "assistant", "content": render.plain_message(f"⚠ {msg}")}]
            return [history, q, session_id, gr.update(), gr.update(), asked, None, "", *_rating(False), ""] + hidden
        asked = [*asked, q]
        text = str(ans.get("answer") or "")
        history += [{"role": "user", "content": render.plain_message(q)},
                    {"role": "assistant", "content": render.plain_message(text)}]
        asks = list(ans.get("asks") or [])
        first = asks[0] if asks else None
        replies = quick_replies(first)[:MAX_FOLLOWUPS]
        buttons = [gr.update(value=r, visible=True) for r in replies] + hidden[len(replies):]
        line = render.asked_html(first)
        try:
            cite_html = render.citations_html(services, ans.get("citations") or [])
            award_html = render.award_html(ans.get("award"))
        except Exception as e:  # noqa: BLE001
            cite_html, award_html = error_html(e), ""
        rated = {"turns": asked, "answer": ans, "id": None}
        return [history, "", session_id, cite_html, award_html, asked, rated, "", *_rating(True), line] + buttons

    outputs = [chatbot, question, sid, cites, award, turns, last, status, up, down, comment_row, asked_line] + followups
    send.click(on_ask, [question, chatbot, sid, turns], outputs)
    question.submit(on_ask, [question, chatbot, sid, turns], outputs)
    for b in followups:
        b.click(on_ask, [b, chatbot, sid, turns], outputs)

    def on_reset(session_id):
        # the server forgets the facts as well as the screen: one action, said on screen
        services.reset(session_id)
        notice = f"<div class='pa-status-line'>{NEW_CHAT_NOTICE}</div>"
        return [[], "", session_id, "<div class='pa-empty'>已开始新对话。</div>", "", [], None, notice,
                *_rating(False), ""] + [gr.update(visible=False)] * MAX_FOLLOWUPS

    reset.click(on_reset, [sid], outputs)
    chatbot.clear(on_reset, [sid], outputs)

    def on_rate(rating: int, rated, note: str):
        if not rated:
            return rated, "<div class='pa-empty'>请先提问，再评价回答。</div>", gr.update()
        try:
            if rated.get("id") is None:
                rated = {**rated, "id": feedback.add(rating, rated["turns"], rated["answer"], note or "")}
            else:
                feedback.update(rated["id"], rating=rating, comment=note if note else None)
        except Exception as e:  # noqa: BLE001
            return rated, error_html(e), gr.update()
        if rating > 0:
            return rated, "<div class='pa-status-line'>已记录：回答有帮助。谢谢！</div>", gr.update(visible=False)
        return (rated, "<div class='pa-status-line'>已记录：回答有问题。可在下方补充说明，政策办会据此核对。</div>",
                gr.update(visible=True))

    up.click(lambda r: on_rate(1, r, ""), [last], [last, status, comment_row])
    down.click(lambda r, c: on_rate(-1, r, c), [last, comment], [last, status, comment_row])

    def on_comment(rated, note):
        note = (note or "").strip()
        if not rated or rated.get("id") is None:
            return rated, "<div class='pa-empty'>请先点“回答有问题”，再补充说明。</div>", gr.update()
        feedback.update(rated["id"], comment=note)
        return rated, "<div class='pa-status-line'>说明已保存，谢谢！</div>", ""

    comment_send.click(on_comment, [last, comment], [last, status, comment])
    comment.submit(on_comment, [last, comment], [last, status, comment])
    return {"cites": cites}


def quick_replies(ask: dict | None) -> list[str]:
    """The replies offered for the fact the answer asks for: 是 / 否 for a yes/no fact; the options of a choice when the
    answer lists them; none for a figure or a place (typed in the box, whose hint says what is asked)."""
    if not ask:
        return []
    if ask.get("kind") == "bool":
        return ["是", "否"]
    return [str(o) for o in ask.get("options") or []]


def _rating(enabled: bool) -> list:
    return [gr.update(interactive=enabled), gr.update(interactive=enabled), gr.update(visible=False)]


# ---------------------------------------------------------------- 奖补测算
def default_doc_id(services: Services) -> str | None:
    from corpus import default_document_id

    return default_document_id(services.corpus, services.settings.default_doc) if len(services.corpus) else None


def ordered_documents(services: Services) -> list:
    """Every loaded document, the default one first, the rest in the library's order."""
    first = default_doc_id(services)
    docs = list(services.corpus)
    return sorted(docs, key=lambda d: d.id != first)


def document_choices(services: Services) -> list[tuple[str, str]]:
    """The calculator's document picker: (文号《title》, id) for every loaded document, the default first."""
    return [(f"{d.doc_number or d.id}《{d.title}》" if d.title else (d.doc_number or d.id), d.id)
            for d in ordered_documents(services)]


def chat_examples(services: Services, per_doc: int = 3) -> list[str]:
    """Example questions for the chat: the first few of each loaded pack's lexicon `examples`, default first."""
    from corpus.packs import pack_for

    out: list[str] = []
    for d in ordered_documents(services):
        try:
            examples = list(pack_for(d).lexicon.examples)
        except Exception:  # noqa: BLE001 - a pack that cannot be read offers no examples
            continue
        out += [q for q in examples[:per_doc] if q not in out]
    return out


def calc_sections(services: Services, doc_id: str | None) -> list:
    """The calculator form of a document: its pack's declared inputs, laid out (webapp.calcform)."""
    from corpus import reading
    from tools.sheet import input_specs
    from webapp.calcform import form_sections

    with reading(services.corpus):
        return form_sections(input_specs(doc_id))


def doc_info_html(services: Services, doc_id: str | None) -> str:
    """What the picked document is: where it applies, its validity, and first of all whether it is in force."""
    import datetime as _dt

    from corpus.packs import pack_for
    from tools.engine import status_text

    if not doc_id:
        return "<div class='pa-error'>⚠ 没有载入任何政策文件。</div>"
    try:
        doc = services.corpus.document(doc_id)
        pack = pack_for(doc)
    except Exception as e:  # noqa: BLE001
        return error_html(e)
    status = status_text(pack, pack.status_on(_dt.date.today()))
    parts = [f"适用地区：{pack.place.name}" if pack.place else "", pack.meta.status,
             f"咨询单位：{pack.meta.consult_unit}" if pack.meta.consult_unit else ""]
    line = "；".join(x for x in parts if x)
    return (f"<div class='pa-doc-info' data-doc='{html.escape(doc_id)}'>"
            + (f"<div class='pa-doc-status'>{html.escape(status)}，按本文件测算不予支付。</div>" if status else "")
            + (f"<div class='pa-note'>{html.escape(line)}</div>" if line else "") + "</div>")


def _widget(f):
    """The gradio input for one form field (webapp.calcform.FormField)."""
    # made inside gr.render: interactive must be said (it is not inferred from the events there)
    common = {"label": f.label, "info": f.spec.help or None, "elem_id": f.elem_id, "interactive": True}
    if f.widget in ("tri", "choice"):
        return gr.Radio(f.choices, value=f.blank, min_width=200, **common)
    if f.widget == "options":
        return gr.CheckboxGroup(f.choices, value=[], min_width=200, **common)
    return gr.Textbox(placeholder=f.placeholder, max_lines=1, min_width=180, **common)


def calc_result(services: Services, area: TempArea, doc_id: str | None, profile: dict) -> tuple:
    """(headline, result table, caps and notes, download update, written sheet path) of a profile for a document."""
    from tools import sheet

    try:
        award = services.calc(profile, doc_id)
        rows = services.claimable(profile, doc_id)
    except Exception as e:  # noqa: BLE001
        return error_html(e), "", "", gr.update(visible=False), None
    head = render.headline_html(award)
    if not sheet.has_input(award):
        return head, "", "", gr.update(visible=False), None
    unknown = award.get("unknown_conditions") or []
    if unknown:
        head += ("<div class='pa-section'>尚待确认的条件</div><ul class='pa-unknown'>"
                 + "".join(f"<li>{html.escape(str(u))}</li>" for u in unknown) + "</ul>")
    caps_html = "<div class='pa-section'>上限与合计</div><ul class='pa-caps'>" + "".join(
        f"<li>{html.escape(line)}</li>" for line in sheet.cap_lines(award)) + "</ul>"
    if sheet.library_line(award):
        caps_html += f"<div class='pa-section'>项目库</div><div>{html.escape(sheet.library_line(award))}</div>"
    notes = award.get("notes") or []
    if notes:
        caps_html += "".join(f"<div class='pa-note'>注：{html.escape(str(x))}</div>" for x in notes)
    caps_html += f"<div class='pa-note'>{html.escape(services.stamp([award['doc']] if award.get('doc') else None))}。" \
                 f"{sheet.DISCLAIMER}</div>"
    path = None
    try:
        path = write_sheet(services, area, profile, award, rows)
        dl = gr.update(value=str(path), visible=True)
    except Exception as e:  # noqa: BLE001 - the screen result stands even if the PDF cannot be made
        caps_html += error_html(e)
        dl = gr.update(visible=False)
    return head, render.claimable_html(rows, services, award.get("doc")), caps_html, dl, \
        None if path is None else str(path)


def _calc_tab(services: Services, area: TempArea, demo: gr.Blocks) -> None:
    from webapp.calcform import form_fields, form_profile

    choices = document_choices(services)
    first = choices[0][1] if choices else None
    gr.Markdown("先选择按哪份文件测算，再填写企业情况。不清楚的可留空（系统标为“待确认”，不会当作“否”）。"
                "金额单位为元，也可写“1200万”“1.2亿”。")
    picker = gr.Dropdown(choices, value=first, label="按哪份政策文件测算", elem_id="calc-doc", filterable=False)
    # filled by the form once it is rendered: its data-doc says which document the fields below belong to
    info = gr.HTML("", elem_id="calc-doc-info", js_on_load=None)
    outputs: list = []  # laid out below the form; each document's form writes into them

    @gr.render(inputs=[picker], triggers=[demo.load, picker.change])
    def form(doc_id):
        try:
            sections = calc_sections(services, doc_id)
        except Exception as e:  # noqa: BLE001
            sections, problem = [], error_html(e)
        else:
            problem = "" if sections else "<div class='pa-empty'>本文件没有可按企业情况测算的奖补规则。</div>"
        fields = form_fields(sections)
        widgets = []
        for sec in sections:
            box = gr.Accordion(sec.title, open=sec.open) if sec.title else gr.Column()
            with box, gr.Row(equal_height=False):
                widgets += [_widget(f) for f in sec.fields]
        # the browser reuses the previous form's inputs where the new one has the same kind of input in the same
        # place, keeping what was typed there: a load event of this render blanks every field once it is shown
        demo.load(lambda: [f.blank for f in fields] + [doc_info_html(services, doc_id) + problem], None,
                  [*widgets, info])
        if not fields:
            return
        with gr.Row():
            go = gr.Button("测算", variant="primary", elem_id="calc-go", scale=3)
            clear = gr.Button("清空重填", elem_id="calc-reset", scale=1)

        def on_calc(*vals):
            try:
                profile = form_profile(fields, list(vals))
            except Exception as e:  # noqa: BLE001 - an unreadable value is the user's, said in Chinese
                return error_html(e), "", "", gr.update(visible=False), None
            return calc_result(services, area, doc_id, profile)

        go.click(on_calc, widgets, outputs)
        clear.click(lambda: [f.blank for f in fields] + ["", "", "", gr.update(visible=False), None], None,
                    [*widgets, *outputs])

    total_out = gr.HTML("", elem_id="calc-total", js_on_load=None)
    table = gr.HTML("", elem_id="calc-result", js_on_load=None)
    caps = gr.HTML("", elem_id="calc-caps", js_on_load=None)
    download = gr.DownloadButton("下载测算单（PDF，可打印）", visible=False, elem_id="calc-download", variant="primary")
    written = gr.State(None)  # our own copy of the sheet: dropped once downloaded (the framework serves its copy)
    outputs += [total_out, table, caps, download, written]

    # another document: its own form (rendered above); what was computed for the last one goes
    picker.change(lambda: ("", "", "", gr.update(visible=False), None), None, outputs)
    download.click(lambda p: area.remove(p) if p else None, [written], None)


def write_sheet(services: Services, area: TempArea, profile: dict, award: dict, rows: list[dict]) -> Path:
    """The 测算单 PDF of this calculation, in a fresh folder of the bounded temp area."""
    from tools import sheet
    from tools.profile import Profile

    try:
        title = services.corpus.document(award.get("doc")).title
    except Exception:  # noqa: BLE001 - the sheet still carries the 文号
        title = ""
    facts = sheet.pack_facts(Profile.from_dict(profile, award.get("doc")).to_dict(), award.get("doc"))
    data = sheet.build_pdf(award, rows, facts, doc_title=str(award.get("doc_title") or title))
    return area.write("奖补测算单.pdf", data, prefix="pa-report-")


# ---------------------------------------------------------------- 条款查阅
def _clause_choices(services: Services) -> list[tuple[str, str]]:
    out = []
    several = len(services.corpus) > 1  # with two documents 三（一） appears twice: name the document too
    for row in services.outline():
        prefix = f"[{services.corpus.document(row['doc']).doc_number or row['doc']}] " if several else ""
        out.append((f"{prefix}{row['label']} {row['heading']}", f"{row['doc']}#{row['clause']}"))
    return out


def outline_html(services: Services) -> str:
    """Every document's outline; each entry opens its clause when clicked."""
    parts = []
    for doc in services.corpus:
        parts.append(f"<h4>{html.escape(doc.doc_number)}《{html.escape(doc.title)}》</h4><ul class='pa-outline'>")
        for row in (r for r in services.outline() if r["doc"] == doc.id):
            parts.append(f"<li data-ref='{html.escape(doc.id)}#{html.escape(row['clause'])}' "
                         f"style='margin-left:{row['depth'] * 1.2}em'><b>{html.escape(row['label'])}</b> "
                         f"{html.escape(row['heading'])}</li>")
        parts.append("</ul>")
    return "".join(parts)


def clause_view(services: Services, ref: str, marks: list[str] | None = None) -> tuple[str, str]:
    """(HTML of the clause with its path and responsible units, the citation text to copy)."""
    from tools.lookup import lookup_clause

    rec = lookup_clause(services.corpus, ref)
    units = "、".join(rec["units"]) or "文件未列明"
    body = render.highlight(rec["text"], marks or [])
    page = (f"<div class='pa-cite' data-clause='{html.escape(rec['clause'])}'><div class='pa-cite-head'>"
            f"<b class='pa-label'>{html.escape(render.ref_label(services, rec['citation']))}</b></div>"
            f"<div class='pa-path'>{html.escape(' › '.join(rec['heading_path']))}</div>"
            f"<div class='pa-text'>{body}</div><div class='pa-units'>责任单位：{html.escape(units)}</div></div>")
    return page, render.citation_text(services, rec)


def open_clause(services: Services, ref: str, quote: str = "") -> tuple[str, str, Any]:
    """The clause `ref` with `quote` marked, for the clause tab: (view, citation, outline accordion update)."""
    try:
        rec_text = services.clause(ref)["text"]
        page, cite = clause_view(services, ref, render.quote_needles(quote, rec_text))
        return page, cite, gr.update()
    except Exception as e:  # noqa: BLE001
        return not_found_html(services, ref, e), "", gr.update(open=True)


def looks_like_reference(query: str) -> bool:
    """A clause number (4.3.5, 四（三）5, 第四部分第（三）项) rather than words to search for."""
    import re

    from corpus import normalise_reference

    ref = normalise_reference(query.split("#", 1)[-1])
    return bool(re.fullmatch(r"\d+(\.\d+)*", ref)) or ref in ("notice", "0")


def not_found_html(services: Services, query: str, exc: BaseException | None = None) -> str:
    """未找到该条款, the nearest existing clauses as links, and a pointer to the (now opened) outline."""
    suggestions = list(getattr(exc, "suggestions", None) or [])
    links = ""
    if suggestions:
        refs = []
        for s in suggestions[:5]:
            try:
                c = services.corpus.clause(s)
            except Exception:  # noqa: BLE001
                continue
            refs.append(render.open_link(c.citation, f"{c.label} {c.heading}".strip()))
        if refs:
            links = "<div>相近的条款：" + " ".join(refs) + "</div>"
    return (f"<div class='pa-not-found'><div class='pa-error'>未找到该条款：“{html.escape(query)}”。</div>"
            f"{links}<div class='pa-note'>本文件的全部条款见左侧“全文目录”（已展开），点击条目即可查看原文。</div></div>")


def relevant_hits(query: str, hits: list[dict]) -> list[dict]:
    """The search hits that are about the query, not merely nearest to it.

    Until retrieval has its calibrated relevance floor this is a conservative lexical check: a hit must contain at
    least half of the query's content words (by characters). The one place to point at the floor later."""
    import jieba

    stop = {"多少", "哪些", "什么", "怎么", "怎样", "如何", "是否", "可以", "能否", "哪个", "哪里", "规定", "有没有",
            "我们", "企业", "请问", "一下", "相关", "关于"}
    words = [w for w in jieba.lcut(query) if len(w.strip()) >= 2 and w not in stop]
    if not words:
        return []
    need = sum(len(w) for w in words) / 2
    out = []
    for h in hits:
        text = f"{h.get('text', '')}{' '.join(h.get('heading_path') or [])}{' '.join(h.get('units') or [])}"
        if sum(len(w) for w in words if w in text) >= need:
            out.append(h)
    return out


def _clause_placeholder(services: Services) -> str:
    """如 4.1.1 或 四（一）1，或关键词: a real reference of the default document, never one written in code."""
    try:
        ref = services.corpus.document(default_doc_id(services)).example_reference()
    except Exception:  # noqa: BLE001
        ref = ""
    return f"如 {ref}，或关键词" if ref else "条款编号或关键词"


def _clause_tab(services: Services) -> dict:
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=260):
            try:
                choices = _clause_choices(services)
                outline = outline_html(services)
            except Exception as e:  # noqa: BLE001
                choices, outline = [], error_html(e)
            pick = gr.Dropdown(choices, label="按目录选择条款（可输入文字筛选）", elem_id="clause-pick", filterable=True,
                               value=None)
            with gr.Accordion("全文目录（点击条目查看原文）", open=False) as outline_box:
                outline_panel = gr.HTML(outline, elem_id="clause-outline", js_on_load=OPEN_JS)
        with gr.Column(scale=3, min_width=300):
            with gr.Row():
                query = gr.Textbox(label="条款编号或关键词", placeholder=_clause_placeholder(services), scale=4,
                                   elem_id="clause-query", min_width=180)
                find = gr.Button("查找", variant="primary", scale=1, elem_id="clause-find", min_width=80)
            clause_html = gr.HTML("<div class='pa-empty'>输入条款编号或关键词，或在左侧目录中选择条款。</div>",
                                  elem_id="clause-view", js_on_load=OPEN_JS)
            citation = gr.Textbox(label="引用（可直接复制到公文中）", buttons=["copy"], interactive=False,
                                  elem_id="clause-citation")
            hits_html = gr.HTML("", elem_id="clause-hits", js_on_load=OPEN_JS)

    def on_pick(ref):
        if not ref:
            return gr.update(), gr.update(), gr.update()
        page, cite, _ = open_clause(services, ref)
        return page, cite, ""

    pick.change(on_pick, [pick], [clause_html, citation, hits_html])

    def on_open(evt: gr.EventData):
        data = getattr(evt, "_data", None) or {}
        page, cite, box = open_clause(services, str(data.get("ref") or ""), str(data.get("quote") or ""))
        return page, cite, box

    for panel in (outline_panel, clause_html, hits_html):
        panel.click(on_open, None, [clause_html, citation, outline_box])

    def on_find(q):
        from corpus import ClauseNotFound

        q = (q or "").strip()
        if not q:
            return "<div class='pa-error'>⚠ 请输入条款编号或关键词。</div>", "", "", gr.update()
        if looks_like_reference(q):
            try:
                page, cite = clause_view(services, q)
                return page, cite, "", gr.update()
            except ClauseNotFound as e:
                return not_found_html(services, q, e), "", "", gr.update(open=True)
            except Exception as e:  # noqa: BLE001 - e.g. a document id that is not loaded
                return not_found_html(services, q, e) + error_html(e), "", "", gr.update(open=True)
        try:
            hits = relevant_hits(q, services.search(q, 5))
            terms = render.query_terms(q)
        except Exception as e:  # noqa: BLE001
            return "", "", error_html(e), gr.update()
        if not hits:
            return (f"<div class='pa-not-found'><div class='pa-error'>没有找到与“{html.escape(q)}”相关的条款。</div>"
                    "<div class='pa-note'>文件可能未涉及该事项。可换一种说法，或在左侧“全文目录”（已展开）中查看。</div></div>",
                    "", "", gr.update(open=True))
        rows = [f"<div class='pa-hit'><b class='pa-label'>{html.escape(render.ref_label(services, h['doc'] + '#' + h['clause']))}</b>"
                + render.open_link(f"{h['doc']}#{h['clause']}", "打开")
                + f"<div class='pa-path'>{html.escape(' › '.join(h['heading_path']))}</div>"
                f"<div class='pa-text'>{render.highlight(h['text'], terms)}</div></div>" for h in hits]
        try:
            page, cite = clause_view(services, f"{hits[0]['doc']}#{hits[0]['clause']}", terms)
        except Exception as e:  # noqa: BLE001
            page, cite = error_html(e), ""
        return page, cite, "<div class='pa-section'>检索结果</div>" + "".join(rows), gr.update()

    find.click(on_find, [query], [clause_html, citation, hits_html, outline_box])
    query.submit(on_find, [query], [clause_html, citation, hits_html, outline_box])
    return {"view": clause_html, "citation": citation, "hits": hits_html, "outline_box": outline_box}
