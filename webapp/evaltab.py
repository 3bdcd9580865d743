"""The 一致性评测 tab: run the bundled or an uploaded case file, show metrics and failures, download and compare;
the case-format guide and template; the 👎 feedback exported as draft cases."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from typing import Any

import gradio as gr

from webapp.feedback import FeedbackStore, drafts_yaml
from webapp.services import Services, amount_text, friendly
from webapp.tempfiles import TempArea

_e = html.escape
_SHOWN = ("cases", "case_pass_rate", "first_citation_hit", "citation_recall", "award_exactness",
          "abstention_accuracy", "text_pass_rate", "group_consistency", "flip_rate", "latency_p50_ms", "latency_p95_ms")
_LABEL_OVERRIDES = {"latency_p50_ms": "响应时间中位数（毫秒）", "latency_p95_ms": "响应时间 95% 分位（毫秒）"}
DOCS = Path(__file__).resolve().parents[1] / "docs"
GUIDE = DOCS / "eval-cases.md"
TEMPLATE = DOCS / "eval-cases-template.yaml"


def run_eval(services: Services, case_file: str | None = None, previous: str | None = None,
             repeat: int = 1, progress=None) -> tuple[dict, list[dict] | None]:
    """Run the suite (bundled when `case_file` is None); with `previous` (a saved JSON report) also the diff."""
    import json

    from evals.metrics import compare_runs, runs_by_mode
    from evals.runner import assistant_backend, run_suite

    suite = services.eval_suite(case_file)
    total = len(suite.cases) + len(suite.groups)
    done = [0]

    def tick(_id: str) -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0] / max(1, total), desc=f"已完成 {done[0]}/{total}")

    backend = assistant_backend("deterministic")
    report = run_suite(suite, backend, repeat=repeat, progress=tick)
    changes = None
    if previous:
        try:
            old = json.loads(Path(previous).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError("上次运行的结果文件无法读取：应为本页“下载 JSON 报告”得到的文件。") from None
        runs = runs_by_mode(old) if isinstance(old, dict) else {}
        old_run = runs.get(report["mode"]) or next(iter(runs.values()), None)
        if not old_run or "cases" not in old_run:
            raise ValueError("上次运行的结果文件格式不对：缺少用例结果。请上传“下载 JSON 报告”得到的文件。")
        changes = compare_runs(old_run, report)
    return report, changes


def mode_text(mode: str) -> str:
    if mode == "deterministic":
        return "确定性规则"
    return "大模型" if str(mode).startswith("llm") else str(mode)


def metrics_html(report: dict) -> str:
    from evals.metrics import METRIC_LABELS, fmt_rate, threshold_failures

    m = report["metrics"]
    rows = []
    for name in _SHOWN:
        v = m.get(name)
        if name == "cases":
            text = str(v)
        elif name.startswith("latency"):
            text = "—" if v is None else f"{v:.0f}"
        else:
            text = fmt_rate(v)
        label = _LABEL_OVERRIDES.get(name) or METRIC_LABELS.get(name, name)
        rows.append(f"<tr><td>{_e(label)}</td><td class='pa-metric' data-metric='{name}'>{_e(text)}</td></tr>")
    failing = threshold_failures(m)
    verdict = ("<p class='pa-error'>未达标：" + "；".join(map(_e, failing)) + "</p>") if failing else \
        "<p class='pa-ok'>各项指标均达标。</p>"
    return (f"<div class='pa-section'>评测指标（{_e(mode_text(report.get('mode', '')))}，"
            f"用时 {_e(str(report.get('elapsed_s', 0)))} 秒）</div>"
            f"<table class='pa-metrics'><tbody>{''.join(rows)}</tbody></table>{verdict}")


def _label(services: Services, ref: Any) -> str:
    from webapp.render import ref_label

    return ref_label(services, str(ref)) if ref else "无"


def _yuan(value: Any) -> str:
    """An expected or actual award total as people write it; none is 无金额."""
    return "无金额" if value is None else amount_text(value)


def _error_text(error: str) -> str:
    # "TypeError: …" → the message only; an English-only message becomes a plain Chinese sentence
    msg = re.sub(r"^[A-Za-z_.]+(Error|Exception|Unavailable)?:\s*", "", str(error or "")).strip()
    return msg if re.search(r"[\u4e00-\u9fff]", msg) else "回答时程序出错（详见服务日志）"


def reasons(services: Services, case: dict) -> list[str]:
    """Why a case failed, one Chinese sentence each (首条引用不符：期望 …，实际 …)."""
    checks, exp, got = case.get("checks") or {}, case.get("expect") or {}, case.get("got") or {}
    out = []
    if case.get("error"):
        out.append(f"运行出错：{_error_text(case['error'])}")
    cited = got.get("citations") or []
    if checks.get("first_citation") is False:
        want = (exp.get("cites") or [])[:1] or exp.get("cites_any") or []
        out.append(f"首条引用不符：期望 {'或'.join(_label(services, r) for r in want)}，"
                   f"实际 {_label(services, cited[0]) if cited else '无引用'}")
    if checks.get("cites") is False:
        out.append("缺少应引条款：" + "、".join(_label(services, r) for r in case.get("missing_cites") or []))
    if checks.get("cites_any") is False:
        out.append("未引用所列条款中的任何一条：" + "、".join(_label(services, r) for r in exp.get("cites_any") or []))
    if checks.get("award") is False:
        out.append(f"金额不符：期望 {_yuan(exp.get('award_total'))}，实际 {_yuan(got.get('award_total'))}")
    if checks.get("includes") is False:
        out.append("回答缺少文字：" + "、".join(f"“{s}”" for s in case.get("missing_includes") or []))
    if checks.get("excludes") is False:
        out.append("回答出现了不应有的文字：" + "、".join(f"“{s}”" for s in case.get("present_excludes") or []))
    if checks.get("abstain") is False:
        want, have = exp.get("abstain"), got.get("abstained")
        out.append(f"拒答判断不符：期望{'拒答（文件未涉及）' if want else '正常作答'}，实际{'拒答' if have else '作答'}")
    return out or ["未通过"]


def failures_html(services: Services, report: dict, changes: list[dict] | None) -> str:
    parts = []
    failing = [c for c in report["cases"] if not c["passed"]]
    parts.append(f"<div class='pa-section'>未通过的用例：{len(failing)} 个</div>")
    if failing:
        rows = []
        for c in failing:
            got = c.get("got") or {}
            rows.append(
                f"<tr class='pa-fail' data-case='{_e(c['id'])}'><td><b>{_e(c['id'])}</b></td>"
                f"<td>{_e(' / '.join(c['turns']))}</td>"
                f"<td><ul class='pa-reasons'>{''.join(f'<li>{_e(r)}</li>' for r in reasons(services, c))}</ul></td>"
                f"<td class='pa-text'>{_e(got.get('answer', '') or '（无回答）')}</td></tr>")
        parts.append("<div class='pa-table-wrap'><table class='pa-fails'><thead><tr><th>用例</th><th>提问</th>"
                     "<th>未通过的原因</th><th>实际回答</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")
    bad_groups = [g for g in report["groups"] if not g["consistent"]]
    if bad_groups:
        parts.append(f"<div class='pa-section'>问法不一致的分组：{len(bad_groups)} 个</div>")
        for g in bad_groups:
            qs = "".join(f"<tr><td>{_e(q['question'])}</td><td>{_e(_label(services, q['first_citation']))}</td>"
                         f"<td>{_e(_yuan(q['award_total']))}</td>"
                         f"<td>{_e(_error_text(q['error'])) if q.get('error') else ''}</td></tr>" for q in g["questions"])
            parts.append(f"<div class='pa-hit'><b>{_e(g['id'])}</b><div class='pa-table-wrap'><table class='pa-fails'>"
                         "<thead><tr><th>问法</th><th>首条引用</th><th>金额</th><th>出错</th></tr></thead>"
                         f"<tbody>{qs}</tbody></table></div></div>")
    if changes is not None:
        parts.append(f"<div class='pa-section'>与上次运行相比有变化：{len(changes)} 项</div>")
        for ch in changes:
            parts.append(f"<div class='pa-hit'><b>{_e(ch['id'])}</b>：{_e('、'.join(ch['what']))}</div>")
    return "".join(parts)


def case_error_text(exc: BaseException, upload: str | None) -> str:
    """A case-file problem for the policy office: Chinese only, naming the file by its name, never its server path."""
    msg = str(exc)
    if upload:
        msg = msg.replace(str(upload), Path(upload).name).replace(str(Path(upload).parent) + "/", "")
    return re.sub(r"（[\x00-\x7f]+）", "", msg)  # the English glosses kept for developers


def build(services: Services, area: TempArea, feedback: FeedbackStore) -> None:
    gr.Markdown("运行内置评测用例，或上传本办按“用例格式说明”编写的 YAML 用例文件；"
                "可同时上传上次下载的 JSON 报告，列出回答有变化的用例。")
    with gr.Accordion("用例格式说明（含示例）", open=False, elem_id="eval-guide"):
        gr.Markdown(GUIDE.read_text(encoding="utf-8") if GUIDE.is_file() else "（说明文件未随程序安装。）")
    with gr.Row():
        gr.DownloadButton("下载用例格式说明", value=str(GUIDE) if GUIDE.is_file() else None, elem_id="eval-guide-dl",
                          visible=GUIDE.is_file(), size="sm")
        gr.DownloadButton("下载用例模板（YAML）", value=str(TEMPLATE) if TEMPLATE.is_file() else None,
                          elem_id="eval-template-dl", visible=TEMPLATE.is_file(), size="sm")
    with gr.Row():
        case_file = gr.File(label="用例文件（YAML，可选；不传则运行内置用例）", file_types=[".yaml", ".yml"],
                            type="filepath", elem_id="eval-cases")
        previous = gr.File(label="上次运行的 JSON 报告（可选，用于对比）", file_types=[".json"], type="filepath",
                           elem_id="eval-previous")
    repeat = gr.Slider(1, 3, value=1, step=1, label="每题重复次数（检查回答是否稳定）")
    go = gr.Button("运行评测", variant="primary", elem_id="eval-run")
    metrics = gr.HTML("", elem_id="eval-metrics", js_on_load=None)
    with gr.Row():
        json_dl = gr.DownloadButton("下载 JSON 报告", visible=False, elem_id="eval-json")
        html_dl = gr.DownloadButton("下载 HTML 报告", visible=False, elem_id="eval-html")
    failures = gr.HTML("", elem_id="eval-failures", js_on_load=None)

    def on_run(case_path, prev_path, rep, progress=gr.Progress()):
        from evals.report import render_html
        from evals.runner import BackendUnavailable
        from evals.schema import EvalCaseError
        from tools.jsonutil import dumps

        hidden = gr.update(visible=False)
        try:
            report, changes = run_eval(services, case_path, prev_path, int(rep or 1), progress)
            shown = metrics_html(report), failures_html(services, report, changes)
            out = area.folder("pa-eval-")
            stamp = time.strftime("%Y%m%d-%H%M%S")
            jpath = out / f"eval-{stamp}.json"
            jpath.write_text(dumps(report) + "\n", encoding="utf-8")
            hpath = out / f"eval-{stamp}.html"
            hpath.write_text(render_html(report, services.corpus, changes), encoding="utf-8")
        except (EvalCaseError, BackendUnavailable, ValueError) as e:
            msg = case_error_text(e, case_path)
            return f"<div class='pa-error' style='white-space:pre-wrap'>⚠ {_e(msg)}</div>", "", hidden, hidden
        except Exception as e:  # noqa: BLE001 - a bad case file is a message, not a crash
            return f"<div class='pa-error'>⚠ {_e(friendly(e)[1])}</div>", "", hidden, hidden
        return (*shown, gr.update(value=str(jpath), visible=True), gr.update(value=str(hpath), visible=True))

    go.click(on_run, [case_file, previous, repeat], [metrics, failures, json_dl, html_dl])

    gr.HTML("<div class='pa-section'>问答反馈</div>", js_on_load=None)
    gr.Markdown("用户在“政策问答”中标为“回答有问题”的回答，可导出为评测用例草稿：提问已填好，期望由本办按口径补全后加入用例文件。")
    with gr.Row():
        export = gr.Button("导出“有问题”的反馈为用例草稿", elem_id="fb-export")
        export_dl = gr.DownloadButton("下载用例草稿（YAML）", visible=False, elem_id="fb-download", variant="primary")
    export_info = gr.HTML("", elem_id="fb-info", js_on_load=None)

    def on_export():
        try:
            records = feedback.records(rating=-1)
            path = area.write(f"feedback-drafts-{time.strftime('%Y%m%d-%H%M%S')}.yaml", drafts_yaml(records),
                              prefix="pa-feedback-")
        except Exception as e:  # noqa: BLE001
            return gr.update(visible=False), f"<div class='pa-error'>⚠ {_e(friendly(e)[1])}</div>"
        if not records:
            return gr.update(visible=False), "<div class='pa-empty'>还没有标为“有问题”的反馈。</div>"
        return (gr.update(value=str(path), visible=True),
                f"<div class='pa-status-line'>共 {len(records)} 条“有问题”的反馈已生成草稿，请下载后补全期望。</div>")

    export.click(on_export, None, [export_dl, export_info])
