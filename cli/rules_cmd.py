"""`rules check|inputs|draft|accept`: the policy office's view of a pack — validation, tests, boundary table, declared
inputs — and drafting a pack from a new document, then accepting the reviewed draft into the data directory."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import console, fail, load_corpus_for_cli, print_json

rules_app = typer.Typer(help="政策包（奖补规则）的检查、说明、起草与审核。", no_args_is_help=True)


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


@rules_app.command("draft")
def draft(
    file: Path = typer.Argument(..., help="新的政策文件（.txt/.md/.docx/.pdf）"),
    doc_id: str = typer.Option(None, "--id", help="文件编号，如 ganzhou-2023-12（缺省取文件名）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出草案（规则、参数、条件、置信度、未解析的句子、问题）"),
    out: Path = typer.Option(None, "-o", "--out", help="草案目录（缺省为数据目录下 drafts/<文件编号>/）"),
) -> None:
    """从新文件起草政策包：找出每一句奖补规定，写成规则草案（待审核），并列出需要政策办确认的问题。"""
    from assistant.settings import load_settings
    from corpus import CorpusError
    from corpus.loaders import read_text
    from tools.drafting import (
        DraftError,
        check_id,
        draft_json,
        draft_text,
        prepare_output,
        suggest_id,
        write_draft,
    )

    try:
        text = read_text(file)
        if doc_id:
            check_id(doc_id)
        provisional = draft_text(text, doc_id or "draft")
        doc_id = doc_id or suggest_id(Path(file).stem, provisional.meta.doc_number)
        result = provisional if provisional.doc_id == doc_id else draft_text(text, doc_id)
        folder = prepare_output(out or load_settings().data_dir / "drafts" / doc_id)
        write_draft(result, folder)
    except (DraftError, CorpusError) as e:
        fail(str(e))
    except OSError as e:
        fail(f"无法写入草案目录：{e}")
    if as_json:
        print_json(draft_json(result))
        return
    _print_draft(result, folder)


def _print_draft(result, folder: Path) -> None:
    from rich.table import Table

    from tools.drafting import draft_json

    summary = draft_json(result)
    meta = summary["meta"]
    console.print(f"[bold]{meta.get('doc_number') or result.doc_id}[/] {meta.get('title', '')}（待审核草案）", highlight=False)
    t = Table(title="起草的规则", show_lines=False)
    for col in ("条款", "规则", "类型", "参数（原文）", "置信度"):
        t.add_column(col)
    for r in summary["rules"]:
        params = "；".join(f"{p['source']}" for p in r["parameters"])
        t.add_row(r["label"], r["title"], r["kind"], params, f"{r['confidence']:.2f}")
    console.print(t)
    for q in summary["questions"]:
        console.print(f"[yellow]？[/] {q}", highlight=False)
    for u in summary["unparsed_detail"]:
        console.print(f"[red]未解析[/] {u['label']}：{u['text']}", highlight=False)
    console.print(f"草案 {result.doc_id} 已写入：{folder}", highlight=False, soft_wrap=True)
    console.print("审核（逐条把 review.status 改为 采纳 / 修改 / 不采纳）后运行：", highlight=False)
    console.print(f"policy-assistant rules accept {folder}", highlight=False, soft_wrap=True)


@rules_app.command("accept")
def accept(
    folder: Path = typer.Argument(..., help="审核过的草案目录（rules draft 的输出）"),
    replace: bool = typer.Option(False, "--replace", help="数据目录中已有同一文件编号时替换它"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出安装结果"),
) -> None:
    """校验审核过的草案（包的校验、原文用词、包内测试、边界表），通过后安装到数据目录，供问答和测算使用。"""
    from assistant.settings import load_settings
    from tools.drafting import DraftError, accept_draft

    try:
        result = accept_draft(folder, load_settings().corpus_dir, replace=replace)
    except DraftError as e:
        fail(str(e))
    except OSError as e:
        fail(f"安装失败，未作任何改动：{e}")
    if as_json:
        print_json({"doc": result.doc_id, "folder": str(result.folder), "rules": result.rules,
                    "rejected": result.rejected, "accepted_as_drafted": result.pending,
                    "open_questions": result.questions, "tests": result.tests, "replaced": result.replaced})
        return
    console.print(f"[green]已安装[/] {result.doc_id} → {result.folder}：{len(result.rules)} 条规则", highlight=False,
                  soft_wrap=True)
    console.print(f"规则：{'、'.join(result.rules)}"
                  + (f"（不采纳 {len(result.rejected)} 条：{'、'.join(result.rejected)}）" if result.rejected else "")
                  + (f"，包内测试 {result.tests} 条通过" if result.tests else ""), highlight=False)
    if result.pending:
        console.print(f"[yellow]注意[/]：{'、'.join(result.pending)} 未逐条标记，按草案原样采纳。", highlight=False)
    if result.questions:
        console.print(f"草案中有 {result.questions} 个问题已记入 review.yaml，请在口径（interpretations.yaml）中记录政策办的解释。",
                      highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
