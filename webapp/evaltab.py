"""The 一致性评测 tab: run the bundled or an uploaded case file, show metrics and failures, download and compare."""

from __future__ import annotations

import html
import json
import tempfile
import time
from pathlib import Path

import gradio as gr

from webapp.services import Services, friendly

_e = html.escape
_SHOWN = ("cases", "case_pass_rate", "first_citation_hit", "citation_recall", "award_exactness",
          "abstention_accuracy", "text_pass_rate", "group_consistency", "flip_rate", "latency_p50_ms", "latency_p95_ms")


def run_eval(services: Services, case_file: str | None = None, previous: str | None = None,
             repeat: int = 1, progress=None) -> tuple[dict, list[dict] | None]:
    """Run the suite (bundled when `case_file` is None); with `previous` (a saved JSON report) also the diff."""
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
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"上次运行的结果文件无法读取（应为评测导出的 JSON）：{e}") from None
        runs = runs_by_mode(old) if isinstance(old, dict) else {}
        old_run = runs.get(report["mode"]) or next(iter(runs.values()), None)
        if not old_run or "cases" not in old_run:
            raise ValueError("上次运行的结果文件格式不对：缺少 cases。请上传“下载 JSON 报告”得到的文件。")
        changes = compare_runs(old_run, report)
    return report, changes


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
        rows.append(f"<tr><td>{_e(METRIC_LABELS.get(name, name))}</td><td class='pa-metric' data-metric='{name}'>"
                    f"{_e(text)}</td></tr>")
    failing = threshold_failures(m)
    verdict = ("<p class='pa-error'>未达标：" + "；".join(map(_e, failing)) + "</p>") if failing else \
        "<p class='pa-ok'>各项指标均达标。</p>"
    return (f"<h4>评测指标（{_e(report.get('mode', ''))}，用时 {report.get('elapsed_s', 0)} 秒）</h4>"
            f"<table class='pa-metrics'><tbody>{''.join(rows)}</tbody></table>{verdict}")


def failures_html(report: dict, changes: list[dict] | None) -> str:
    from evals.runner import failed_checks

    parts = []
    failing = [c for c in report["cases"] if not c["passed"]]
    parts.append(f"<h4>未通过的用例：{len(failing)} 个</h4>")
    for c in failing:
        got = c.get("got") or {}
        parts.append(
            f"<div class='pa-hit'><b>{_e(c['id'])}</b> 未通过：{_e('、'.join(failed_checks(c['checks'])) or '出错')}"
            f"<div>问题：{_e(' / '.join(c['turns']))}</div>"
            f"<div>期望：{_e(json.dumps(c['expect'], ensure_ascii=False))}</div>"
            f"<div>实际：引用 {_e('、'.join(got.get('citations', [])) or '无')}；金额 {_e(str(got.get('award_total')))}；"
            f"拒答 {_e(str(got.get('abstained')))}</div>"
            + (f"<div class='pa-error'>错误：{_e(c['error'])}</div>" if c.get("error") else "")
            + f"<div class='pa-text'>{_e(got.get('answer', ''))}</div></div>")
    bad_groups = [g for g in report["groups"] if not g["consistent"]]
    if bad_groups:
        parts.append(f"<h4>问法不一致的分组：{len(bad_groups)} 个</h4>")
        for g in bad_groups:
            qs = "".join(f"<li>{_e(q['question'])} → {_e(str(q['first_citation']))}，{_e(str(q['award_total']))}</li>"
                         for q in g["questions"])
            parts.append(f"<div class='pa-hit'><b>{_e(g['id'])}</b><ul>{qs}</ul></div>")
    if changes is not None:
        parts.append(f"<h4>与上次运行相比有变化：{len(changes)} 项</h4>")
        for ch in changes:
            parts.append(f"<div class='pa-hit'><b>{_e(ch['id'])}</b>：{_e('、'.join(ch['what']))}</div>")
    return "".join(parts)


def build(services: Services) -> None:
    gr.Markdown("运行内置评测用例，或上传按 DESIGN §6 格式编写的 YAML 用例文件；可上传上次导出的 JSON 报告进行对比。")
    with gr.Row():
        case_file = gr.File(label="用例文件（YAML，可选；不传则运行内置用例）", file_types=[".yaml", ".yml"],
                            type="filepath", elem_id="eval-cases")
        previous = gr.File(label="上次运行的 JSON 报告（可选，用于对比）", file_types=[".json"], type="filepath",
                           elem_id="eval-previous")
    repeat = gr.Slider(1, 3, value=1, step=1, label="每题重复次数（检查回答是否稳定）")
    go = gr.Button("运行评测", variant="primary", elem_id="eval-run")
    metrics = gr.HTML("", elem_id="eval-metrics")
    with gr.Row():
        json_dl = gr.DownloadButton("下载 JSON 报告", visible=False, elem_id="eval-json")
        html_dl = gr.DownloadButton("下载 HTML 报告", visible=False, elem_id="eval-html")
    failures = gr.HTML("", elem_id="eval-failures")

    def on_run(case_path, prev_path, rep, progress=gr.Progress()):
        from evals.report import render_html

        try:
            report, changes = run_eval(services, case_path, prev_path, int(rep or 1), progress)
            out = Path(tempfile.mkdtemp(prefix="pa-eval-"))
            stamp = time.strftime("%Y%m%d-%H%M%S")
            jpath = out / f"eval-{stamp}.json"
            jpath.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
            hpath = out / f"eval-{stamp}.html"
            hpath.write_text(render_html(report, services.corpus, changes), encoding="utf-8")
        except Exception as e:  # noqa: BLE001 - a bad case file is a message, not a crash
            from evals.runner import BackendUnavailable
            from evals.schema import EvalCaseError

            msg = str(e) if isinstance(e, (EvalCaseError, BackendUnavailable, ValueError)) else friendly(e)[1]
            return (f"<div class='pa-error' style='white-space:pre-wrap'>⚠ {_e(msg)}</div>", "", gr.update(visible=False), gr.update(visible=False))
        return (metrics_html(report), failures_html(report, changes),
                gr.update(value=str(jpath), visible=True), gr.update(value=str(hpath), visible=True))

    go.click(on_run, [case_file, previous, repeat], [metrics, failures, json_dl, html_dl])
