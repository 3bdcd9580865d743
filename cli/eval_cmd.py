"""`policy-assistant eval`: run eval case files through the assistant, report, diff against an earlier run."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli.common import console, err_console, fail, load_corpus_for_cli


def _tags(values: list[str] | None) -> list[str]:
    return [t.strip() for v in values or [] for t in v.replace("，", ",").split(",") if t.strip()]


def _load_old(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"找不到用于对比的结果文件：{path}")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        fail(f"{path} 不是有效的评测结果 JSON：{e}")
    if not isinstance(data, dict) or not ("cases" in data or "modes" in data):
        fail(f"{path} 不是 policy-assistant eval --json 写出的结果文件。")
    return data


def _backends(mode: str):
    from evals.runner import BackendUnavailable, assistant_backend

    try:
        if mode == "both":
            out = [assistant_backend("deterministic")]
            try:
                out.append(assistant_backend("llm"))
            except BackendUnavailable as e:
                err_console.print(f"[yellow]提示：[/]{e} 仅运行确定性模式。", highlight=False)
            return out
        return [assistant_backend(mode)]
    except BackendUnavailable as e:
        fail(str(e))
    except ImportError as e:
        fail(f"问答助手尚不可用，无法评测：{e}")


def _print_summary(runs: dict[str, dict]) -> None:
    from rich.table import Table

    from evals.metrics import METRIC_LABELS, THRESHOLDS, fmt_rate

    table = Table(title="评测结果", show_lines=False)
    table.add_column("指标")
    for name in runs:
        table.add_column(name, justify="right")
    table.add_column("要求", justify="right")
    names = ("cases", "case_pass_rate", "first_citation_hit", "citation_recall", "award_exactness",
             "abstention_accuracy", "text_pass_rate", "group_consistency", "flip_rate", "latency_p50_ms", "latency_p95_ms")
    for n in names:
        req = next((f"{op} {fmt_rate(b)}" for m, op, b in THRESHOLDS if m == n), "")
        cells = []
        for run in runs.values():
            v = run["metrics"].get(n)
            cells.append(str(v) if n == "cases" else ("—" if v is None else f"{v:.1f}") if n.startswith("latency") else fmt_rate(v))
        table.add_row(METRIC_LABELS[n], *cells, req)
    console.print(table)


def _yuan(value) -> str:
    # amounts the way every other screen writes them (72万元); none is 无
    from webapp.services import amount_text

    return "无" if value is None else amount_text(value)


def _print_failures(run: dict, limit: int = 40) -> None:
    from evals.runner import failed_checks

    failing = [c for c in run["cases"] if not c["passed"]]
    if failing:
        console.print(f"[bold red]未通过的用例（{run['mode']}）：{len(failing)} 个[/]", highlight=False)
        for c in failing[:limit]:
            got = c.get("got") or {}
            why = "、".join(failed_checks(c["checks"])) or (c.get("error") or "")
            first = (got.get("citations") or ["无"])[0]
            console.print(f"  {c['id']}：{why}（首条引用 {first}，金额 {_yuan(got.get('award_total'))}）", highlight=False)
        if len(failing) > limit:
            console.print(f"  ……另有 {len(failing) - limit} 个，详见 --html 报告。", highlight=False)
    bad_groups = run["metrics"]["inconsistent_groups"]
    if bad_groups:
        console.print(f"[bold red]问法不一致的分组：[/]{'、'.join(bad_groups)}", highlight=False)
    flipped = [c["id"] for c in run["cases"] if c["flipped"]]
    if flipped:
        console.print(f"[bold red]重复运行时发生变化：[/]{'、'.join(flipped)}", highlight=False)


def _print_changes(changes: list[dict]) -> None:
    if not changes:
        console.print("与上次运行相比：没有用例发生变化。")
        return
    console.print(f"[bold]与上次运行相比有 {len(changes)} 处变化：[/]", highlight=False)
    for ch in changes:
        b, a = ch.get("before") or {}, ch.get("after") or {}
        if ch["kind"] == "group":
            console.print(f"  分组 {ch['id']}：一致性 {b.get('consistent')} → {a.get('consistent')}", highlight=False)
            continue
        status = lambda d: "—" if not d else ("通过" if d.get("passed") else "未通过")  # noqa: E731
        console.print(f"  {ch['id']}（{'、'.join(ch['what'])}）：{status(b)} → {status(a)}；"
                      f"金额 {_yuan(b.get('award_total'))} → {_yuan(a.get('award_total'))}", highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(
        paths: list[Path] | None = typer.Argument(None, help="用例文件或目录（默认：内置用例 evals/cases）"),
        tags: list[str] | None = typer.Option(None, "--tags", help="只运行带这些标签的用例，逗号分隔"),
        repeat: int = typer.Option(1, "--repeat", min=1, max=20, help="每个用例运行次数，统计翻转"),
        json_out: Path | None = typer.Option(None, "--json", help="把结果写成 JSON 文件"),
        html_out: Path | None = typer.Option(None, "--html", help="把报告写成 HTML 文件"),
        compare: Path | None = typer.Option(None, "--compare", help="与之前 --json 写出的结果对比"),
        strict: bool = typer.Option(False, "--strict", help="任一指标低于要求时以非零状态退出"),
        mode: str = typer.Option("deterministic", "--mode", help="deterministic | llm | both"),
    ) -> None:
        """运行评测用例，给出命中率、金额精确率、拒答准确率、一致性、翻转率和延迟。"""
        from evals.metrics import compare_runs, runs_by_mode, threshold_failures
        from evals.report import write_html
        from evals.runner import run_suite
        from evals.schema import EvalCaseError, load_suite
        from tools.jsonutil import dumps

        if mode not in ("deterministic", "llm", "both"):
            fail(f"未知的评测模式：{mode}（可选 deterministic、llm、both）")
        old = _load_old(compare) if compare else None
        corpus = load_corpus_for_cli()
        try:
            suite = load_suite(paths or None, corpus).filter_tags(_tags(tags))
        except EvalCaseError as e:
            for line in e.problems:
                err_console.print(f"[bold red]用例文件有误：[/]{line}", highlight=False, soft_wrap=True)
            raise SystemExit(2) from None
        if not suite.cases and not suite.groups:
            fail(f"没有带标签 {'、'.join(_tags(tags))} 的用例。")

        runs: dict[str, dict] = {}
        for backend in _backends(mode):
            with console.status(f"正在评测（{backend.name}）……"):
                runs[backend.name] = run_suite(suite, backend, repeat=repeat)
        data = next(iter(runs.values())) if len(runs) == 1 else {"version": 1, "modes": runs}

        changes = None
        if old is not None:
            old_runs = runs_by_mode(old)
            first_mode, first_run = next(iter(runs.items()))
            base = old_runs.get(first_mode) or next(iter(old_runs.values()))
            changes = compare_runs(base, first_run)
            data["changes"] = changes

        _print_summary(runs)
        for run in runs.values():
            _print_failures(run)
        if changes is not None:
            _print_changes(changes)
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(dumps(data) + "\n", encoding="utf-8")
            console.print(f"结果已写入 {json_out}", highlight=False)
        if html_out:
            write_html(html_out, data, corpus, changes)
            console.print(f"报告已写入 {html_out}", highlight=False)
        misses = {name: threshold_failures(run["metrics"]) for name, run in runs.items()}
        for name, lines in misses.items():
            for line in lines:
                err_console.print(f"[yellow]低于要求（{name}）：[/]{line}", highlight=False)
        if strict and any(misses.values()):
            raise SystemExit(1)
