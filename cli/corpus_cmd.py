"""`clause`, `outline` and `corpus add|list`: reading the clause tree from the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.tree import Tree

from cli.common import console, fail, load_corpus_for_cli, print_json

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
    file: Path = typer.Argument(..., help="政策文件（.txt/.md/.docx/.pdf）"),
    doc_id: str = typer.Option(..., "--id", help="文件编号，如 ganzhou-2023-12"),
    title: str = typer.Option(None, "--title", help="标题（缺省取文中标题）"),
    doc_number: str = typer.Option(None, "--doc-number", help="文号（缺省从文中识别）"),
    issued: str = typer.Option(None, "--issued", help="印发日期 YYYY-MM-DD"),
) -> None:
    """导入一份政策文件，解析为条款树。"""
    from assistant.settings import load_settings
    from corpus import CorpusError, add_document

    meta = {k: v for k, v in {"title": title, "doc_number": doc_number, "issued": issued}.items() if v}
    try:
        doc = add_document(file, doc_id, load_settings().corpus_dir, meta)
    except CorpusError as e:
        fail(str(e))
    console.print(f"已导入 {doc.id}：{doc.title}，共 {len(doc)} 条。", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("clause")(clause)
    app.command("outline")(outline)
    app.add_typer(corpus_app, name="corpus")
