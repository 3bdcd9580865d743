"""`clause`, `outline` and `corpus add|list`: reading the clause tree from the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.tree import Tree

from cli.common import console, err_console, fail, load_corpus_for_cli, print_json

corpus_app = typer.Typer(help="管理已加载的政策文件。", no_args_is_help=True)


def clause(
    ref: str = typer.Argument(..., help="条款编号，如 1.2.1、一（二）1，或 文件编号#1.2.1"),
    doc: str = typer.Option(None, "--doc", help="文件编号（缺省为默认文件）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """查看一条条款的原文、层级与责任单位。"""
    from corpus import CorpusError
    from tools.lookup import lookup_clause

    corpus = load_corpus_for_cli()
    try:
        rec = lookup_clause(corpus, ref if doc is None or "#" in ref else f"{doc}#{ref}")
    except CorpusError as e:
        fail(str(e))
    if as_json:
        print_json(rec)
        return
    console.print(f"[bold]{rec['label']}[/]  ({rec['citation']})", highlight=False)
    console.print(" > ".join(rec["heading_path"]), style="dim", highlight=False)
    console.print(rec["text"], highlight=False)
    if rec["units"]:
        console.print(f"责任单位：{'、'.join(rec['units'])}", highlight=False)


def outline(
    doc: str = typer.Option(None, "--doc", help="文件编号（缺省为默认文件）"),
    every: bool = typer.Option(False, "--all", help="列出全部已加载文件"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """打印文件的条款目录树（缺省为默认文件；--all 为全部文件）。"""
    from corpus import CorpusError
    from tools.lookup import outline as outline_rows

    corpus = load_corpus_for_cli()
    try:
        docs = list(corpus) if every else [corpus.document(doc)]
    except CorpusError as e:
        fail(str(e))
    if as_json:
        print_json(outline_rows(corpus, [d.id for d in docs]))
        return
    for doc in docs:
        tree = Tree(f"[bold]{doc.doc_number or doc.id}[/] {doc.title}  ({doc.id})")
        nodes = {}
        for c in doc:
            title = c.heading or (c.text[:28] + ("…" if len(c.text) > 28 else ""))
            parent = nodes.get(c.parent, tree)
            nodes[c.id] = parent.add(f"[cyan]{c.id}[/]  {c.label}  {title}", highlight=False)
        console.print(tree)


@corpus_app.command("list")
def corpus_list(as_json: bool = typer.Option(False, "--json", help="以 JSON 输出")) -> None:
    """列出已加载的政策文件。"""
    corpus = load_corpus_for_cli()
    rows = [{"id": d.id, "doc_number": d.doc_number, "title": d.title, "issued": str(d.meta.get("issued", "")),
             "clauses": len(d)} for d in corpus]
    if as_json:
        print_json(rows)
        return
    t = Table("编号", "文号", "标题", "印发日期", "条款数")
    for r in rows:
        t.add_row(r["id"], r["doc_number"], r["title"], r["issued"], str(r["clauses"]))
    console.print(t)


@corpus_app.command("add")
def corpus_add(
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="政策文件（.txt/.md/.docx/.pdf/.html），或按页序排列的多张扫描图片（.png/.jpg）"),
    doc_id: str = typer.Option(..., "--id", help="文件编号，如 ganzhou-2023-12"),
    title: str = typer.Option(None, "--title", help="标题（缺省取文中标题）"),
    doc_number: str = typer.Option(None, "--doc-number", help="文号（缺省从文中识别）"),
    issued: str = typer.Option(None, "--issued", help="印发日期 YYYY-MM-DD"),
    replace: bool = typer.Option(False, "--replace", help="编号已存在时用新文件替换"),
    max_pages: int = typer.Option(None, "--max-pages", help="PDF/图片页数上限（缺省取设置）"),
    no_ocr: bool = typer.Option(False, "--no-ocr", help="不做文字识别（扫描件将被拒绝）"),
    rules: Path = typer.Option(None, "--rules", help="该文件的奖补规则 rules.yaml（写法见 docs/packs.md；导入前校验）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出导入报告"),
) -> None:
    """导入一份政策文件，解析为条款树，并给出导入报告；带 --rules 时同时装入奖补规则。"""
    from assistant.settings import load_settings
    from corpus import CorpusError, ImportRefused, add_document

    settings = load_settings()
    limits = _import_limits(settings, max_pages=max_pages, ocr=False if no_ocr else None)
    meta = {k: v for k, v in {"title": title, "doc_number": doc_number, "issued": issued}.items() if v}
    try:
        with _page_progress() as progress:
            doc = add_document(files if len(files) > 1 else files[0], doc_id, settings.corpus_dir, meta,
                               replace=replace, limits=limits, progress=progress, rules=rules)
    except ImportRefused as e:
        if as_json:
            print_json(e.report.to_dict())
        else:
            console.print(e.report.to_text(), highlight=False, markup=False)
        fail(str(e))
    except CorpusError as e:
        fail(str(e))
    if as_json:
        print_json(doc.report.to_dict())
        return
    console.print(doc.report.to_text(), highlight=False, markup=False)
    console.print(f"已导入 {doc.id}：{doc.title}，共 {len(doc)} 条" + ("，已装入奖补规则" if rules else "")
                  + "。", highlight=False)


def _import_limits(settings, **overrides):
    """Import limits from the settings that define them (import_max_pages …), then the command's options."""
    from dataclasses import fields, replace

    from corpus import ImportLimits

    values = {f.name: getattr(settings, "import_" + f.name) for f in fields(ImportLimits)
              if getattr(settings, "import_" + f.name, None) is not None}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(ImportLimits(), **values)


class _page_progress:
    """A rich progress bar on stderr, one task per stage (读取 PDF 页面, 文字识别), advanced per page."""

    def __enter__(self):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=err_console, transient=True)
        self.tasks: dict[str, int] = {}
        self.bar.start()
        return self.update

    def update(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc):
        self.bar.stop()
        return False


def register(app: typer.Typer) -> None:
    app.command("clause")(clause)
    app.command("outline")(outline)
    app.add_typer(corpus_app, name="corpus")
