"""The eval report for people: one self-contained HTML file (summary on top, then every failing case)."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from pathlib import Path

from evals.match import canonical_amount
from evals.metrics import METRIC_LABELS, THRESHOLDS, fmt_rate, runs_by_mode

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}
th{background:#f3f3f3}.bad{color:#b00020;font-weight:bold}.ok{color:#1b7a1b}
.case{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;margin:1em 0}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}.side>div{background:#fafafa;padding:.5em;border-radius:4px}
pre{white-space:pre-wrap;word-break:break-all;margin:.2em 0;font-family:inherit}
.muted{color:#777;font-size:.9em}
"""

_RATES = ("case_pass_rate", "first_citation_hit", "citation_recall", "award_exactness", "abstention_accuracy",
          "text_pass_rate", "group_consistency", "flip_rate")
_CHECK_LABELS = {"first_citation": "首条引用", "cites": "应引条款", "cites_any": "任一条款", "award": "奖补金额",
                 "includes": "应含文字", "excludes": "不应含文字", "abstain": "是否拒答"}


def _e(x) -> str:
    return escape(str(x), quote=True)


def _show(v) -> str:
    """An expectation as people read it: lists joined with 、, amounts in yuan, null as 无."""
    if isinstance(v, (list, tuple)):
        return "、".join(map(str, v))
    if isinstance(v, Decimal):
        return f"{canonical_amount(v)}元"
    return "无" if v is None else str(v)


def _metric_cell(name: str, value) -> str:
    if name.startswith("latency"):
        return "—" if value is None else f"{value:.1f}"
    if name == "cases":
        return str(value)
    bound = next(((op, b) for n, op, b in THRESHOLDS if n == name), None)
    text = fmt_rate(value)
    if bound and value is not None:
        ok = value >= bound[1] if bound[0] == ">=" else value <= bound[1]
        return f'<span class="{"ok" if ok else "bad"}">{text}</span>'
    return text


def _summary(runs: dict[str, dict]) -> str:
    names = list(runs)
    rows = ["<table><tr><th>指标</th>" + "".join(f"<th>{_e(n)}</th>" for n in names) + "<th>要求</th></tr>"]
    for name in ("cases",) + _RATES + ("latency_p50_ms", "latency_p95_ms"):
        req = next((f"{op} {fmt_rate(b)}" for n, op, b in THRESHOLDS if n == name), "")
        cells = "".join(f"<td>{_metric_cell(name, runs[n]['metrics'].get(name))}</td>" for n in names)
        rows.append(f"<tr><td>{_e(METRIC_LABELS[name])}</td>{cells}<td>{_e(req)}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _by_tag(run: dict) -> str:
    cols = ("cases", "case_pass_rate", "first_citation_hit", "award_exactness", "abstention_accuracy", "text_pass_rate")
    out = ["<table><tr><th>标签</th>" + "".join(f"<th>{_e(METRIC_LABELS[c])}</th>" for c in cols) + "</tr>"]
    for tag, m in run["metrics"]["by_tag"].items():
        out.append(f"<tr><td>{_e(tag)}</td>" + "".join(f"<td>{_metric_cell(c, m.get(c))}</td>" for c in cols) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _clause_text(corpus, ref: str) -> str:
    if corpus is None:
        return ""
    try:
        c = corpus.clause(ref)
    except Exception:
        return "（条款不存在）"
    return f"{c.label} {c.full_text}"


def _failing_case(c: dict, corpus) -> str:
    got = c.get("got") or {}
    exp = c["expect"]
    failed = [k for k, v in c["checks"].items() if v is False]
    turns = "".join(f"<li><pre>{_e(t)}</pre></li>" for t in c["turns"])
    expected_lines = []
    for k, v in exp.items():
        expected_lines.append(f"<div><b>{_e(k)}</b>：{_e(_show(v))}</div>")
    problems = []
    if c.get("error"):
        problems.append(f"运行出错：{c['error']}")
    if c["missing_cites"]:
        problems.append("未引用：" + "、".join(c["missing_cites"]))
    if c["missing_includes"]:
        problems.append("缺少文字：" + "、".join(c["missing_includes"]))
    if c["present_excludes"]:
        problems.append("出现了不应有的文字：" + "、".join(c["present_excludes"]))
    if c["checks"].get("award") is False:
        problems.append(f"金额：期望 {_show(exp.get('award_total'))}，实际 {_show(got.get('award_total'))}")
    if c["checks"].get("abstain") is False:
        problems.append(f"拒答：期望 {exp.get('abstain')}，实际 {got.get('abstained')}")
    if c["checks"].get("first_citation") is False:
        first = (got.get("citations") or ["（无）"])[0]
        problems.append(f"首条引用为 {first}")
    expected_refs = list(exp.get("cites", [])) + list(exp.get("cites_any", []))
    exp_text = "".join(f"<div><b>{_e(r)}</b><pre>{_e(_clause_text(corpus, r))}</pre></div>" for r in expected_refs)
    quotes = got.get("quotes") or {}
    got_text = "".join(
        f"<div><b>{_e(r)}</b><pre>{_e(quotes.get(r) or _clause_text(corpus, r))}</pre></div>" for r in got.get("citations", [])
    )
    return f"""<div class="case" id="case-{_e(c['id'])}">
<h3>{_e(c['id'])} <span class="muted">{_e(Path(c['file']).name)} · {_e('、'.join(c['tags']))}</span></h3>
<div>提问：</div><ol>{turns}</ol>
<div class="bad">未通过：{_e('、'.join(_CHECK_LABELS.get(k, k) for k in failed) or '运行出错')}</div>
<ul>{''.join(f'<li>{_e(p)}</li>' for p in problems)}</ul>
<div class="side"><div><b>期望</b>{''.join(expected_lines)}</div>
<div><b>实际回答</b><pre>{_e(got.get('answer', ''))}</pre>
<div class="muted">金额：{_e(got.get('award_total'))} · 拒答：{_e(got.get('abstained'))} · 标记：{_e('、'.join(got.get('flags', [])))}</div></div></div>
<div class="side"><div><b>期望引用的条款原文</b>{exp_text or '<div class="muted">（未指定）</div>'}</div>
<div><b>实际引用的条款原文</b>{got_text or '<div class="muted">（无引用）</div>'}</div></div>
</div>"""


def _groups(run: dict) -> str:
    bad = [g for g in run["groups"] if not g["consistent"]]
    if not bad:
        return f'<p class="ok">全部 {len(run["groups"])} 个问法分组一致。</p>'
    out = []
    for g in bad:
        rows = "".join(
            f"<tr><td><pre>{_e(q['question'])}</pre></td><td>{_e(q['first_citation'])}</td><td>{_e(q['award_total'])}</td>"
            f"<td><pre>{_e(q['error'] or q['answer'])}</pre></td></tr>" for q in g["questions"])
        out.append(f'<h3>{_e(g["id"])}</h3><table><tr><th>问法</th><th>首条引用</th><th>金额</th><th>回答</th></tr>{rows}</table>')
    return "\n".join(out)


def _changes(changes: list[dict]) -> str:
    if not changes:
        return "<p>与上次运行相比没有变化。</p>"
    rows = []
    for ch in changes:
        b, a = ch.get("before") or {}, ch.get("after") or {}
        rows.append(f"<tr><td>{_e(ch['id'])}</td><td>{_e('、'.join(ch['what']))}</td>"
                    f"<td><pre>{_e(_change_side(b))}</pre></td><td><pre>{_e(_change_side(a))}</pre></td></tr>")
    return "<table><tr><th>编号</th><th>变化</th><th>之前</th><th>之后</th></tr>" + "".join(rows) + "</table>"


def _change_side(d: dict) -> str:
    if not d:
        return "（无）"
    if "consistent" in d and len(d) == 1:
        return "一致" if d["consistent"] else "不一致"
    status = "通过" if d.get("passed") else "未通过"
    return f"{status}；金额 {d.get('award_total')}；引用 {'、'.join(d.get('citations') or [])}\n{d.get('answer', '')}"


def render_html(data: dict, corpus=None, changes: list[dict] | None = None) -> str:
    """The whole report as one HTML string (inline CSS, no scripts, no external files)."""
    runs = runs_by_mode(data)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8"/><title>政策问答评测报告</title>',
        f"<style>{_CSS}</style></head><body>",
        "<h1>政策问答评测报告</h1>",
    ]
    first = next(iter(runs.values()))
    parts.append(f'<p class="muted">用例文件：{_e("、".join(Path(f).name for f in first.get("files", [])))} · 每题重复 {first.get("repeat", 1)} 次 · '
                 f'{_e(first.get("started", ""))}</p>')
    parts.append("<h2>总览</h2>")
    parts.append(_summary(runs))
    if changes is not None:
        parts.append("<h2>与上次运行相比的变化</h2>")
        parts.append(_changes(changes))
    for mode, run in runs.items():
        suffix = f"（{_e(mode)}）" if len(runs) > 1 else ""
        parts.append(f"<h2>按标签{suffix}</h2>")
        parts.append(_by_tag(run))
        parts.append(f"<h2>问法一致性{suffix}</h2>")
        parts.append(_groups(run))
        failing = [c for c in run["cases"] if not c["passed"]]
        parts.append(f"<h2>未通过的用例{suffix}：{len(failing)} 个</h2>")
        if not failing:
            parts.append('<p class="ok">全部通过。</p>')
        parts.extend(_failing_case(c, corpus) for c in failing)
        flipped = [c["id"] for c in run["cases"] if c["flipped"]]
        if flipped:
            parts.append(f'<p class="bad">重复运行时回答发生变化：{_e("、".join(flipped))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(path: str | Path, data: dict, corpus=None, changes: list[dict] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(data, corpus, changes), encoding="utf-8")
    return path
