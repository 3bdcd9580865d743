"""`rules check|inputs`: the policy office's view of a pack — validation, tests, boundary table, declared inputs."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import console, fail, load_corpus_for_cli, print_json

rules_app = typer.Typer(help="政策包（奖补规则）的检查与说明。", no_args_is_help=True)


def _document(doc: str | None):
    from corpus import CorpusError

    corpus = load_corpus_for_cli()
    try:
        return corpus.document(doc)
    except CorpusError as e:
        fail(str(e))


@rules_app.command("check")
def check(
    doc: str = typer.Argument(None, help="文件编号（缺省为默认文件）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出检查报告"),
) -> None:
    """校验政策包、核对每个参数的原文用词、运行包内测试，并列出每个门槛、分档点和上限两侧的计算结果。"""
    from tools.rulecheck import check_pack

    d = _document(doc)
    report = check_pack(Path(d.meta["folder"]), d)
    if as_json:
        print_json(report)
    else:
        _print_report(report, d)
    if not report["ok"]:
        raise SystemExit(1)


def _print_report(report: dict, d) -> None:
    from rich.table import Table

    console.print(f"[bold]{d.doc_number or d.id}[/] {d.title}", highlight=False)
    for p in report["problems"]:
        console.print(f"[red]✗[/] {p}", highlight=False)
    if report["parameters"]:
        t = Table(title="参数与原文", show_lines=False)
        for col in ("参数", "条款", "数值", "原文用词", "核对"):
            t.add_column(col)
        for p in report["parameters"]:
            t.add_row(p["label"] or p["name"], p["clause_label"], p["value_text"], p["source"],
                      "✓" if p["found"] else "[red]✗ 原文中没有[/]")
        console.print(t)
    tests = report.get("tests") or {}
    if tests:
        console.print(f"包内测试：{tests['passed']}/{tests['total']} 通过", highlight=False)
        for f in tests["failures"]:
            console.print(f"[red]✗[/] {f['file']}：{f['name']}：{'；'.join(f['problems'])}", highlight=False)
    if report["boundaries"]:
        t = Table(title="边界表（刚低于 / 正好 / 刚高于）", show_lines=True)
        for col in ("条款", "规则", "边界", "原文", "低于", "正好", "高于"):
            t.add_column(col)
        for b in report["boundaries"]:
            cells = [f"{c['input_text']}\n→ {c['total_text']}" for c in b["cases"]] or ["—"] * 3
            t.add_row(b["label"], b["title"], b["edge"] + (f"\n{b['note']}" if b["note"] else ""), b["source"], *cells)
        console.print(t)
    console.print("[green]检查通过[/]" if report["ok"] else "[red]检查未通过[/]", highlight=False)


@rules_app.command("inputs")
def inputs(
    doc: str = typer.Argument(None, help="文件编号（缺省为默认文件）"),
    as_json: bool = typer.Option(False, "--json", help="输出企业情况的 JSON Schema"),
) -> None:
    """列出文件的企业情况字段（可写在 --profile 文件中）及 calc 命令可用的选项。"""
    from corpus.packs import input_paths, pack_for
    from tools.profile import profile_schema

    d = _document(doc)
    pack = pack_for(d)
    if pack.rules is None:
        fail(f"文件 {d.id} 没有载入奖补规则。")
    if as_json:
        print_json(profile_schema(d.id))
        return
    from rich.table import Table

    t = Table(title=f"{d.doc_number or d.id} 的企业情况字段", show_lines=False)
    for col in ("字段", "含义", "类型", "calc 选项"):
        t.add_column(col)
    names = {"bool": "是/否", "amount": "金额", "number": "数字", "quantity": "数量", "rate": "利率", "date": "日期",
             "place": "地名", "text": "文字", "choice": "选项", "titles": "称号列表", "list": "列表", "group": "分组"}
    for path, spec in input_paths(pack.rules).items():
        kind = names.get(spec.type, spec.type) + (f"（{spec.unit}）" if spec.unit else "")
        if spec.options:
            kind += "：" + "、".join(f"{k}={o.label}" for k, o in spec.options.items())
        flag = f"--{spec.flag}" + (f" / --not-{spec.flag}" if spec.type == "bool" else "") if spec.flag else ""
        t.add_row(path, spec.label, kind, flag)
    console.print(t)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
