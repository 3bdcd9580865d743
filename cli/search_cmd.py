"""`policy-assistant search` (hybrid clause retrieval) and `policy-assistant index build` (the index lifecycle)."""

from __future__ import annotations

import typer

from cli.common import console, err_console, fail, print_json


def _progress_bar(console_):
    """A rich progress bar fed by the index's progress(stage, done, total) callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    stages = {"embed": "向量化条款", "vectors": "写入向量镜像", "bm25": "建立 BM25 关键词索引"}
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=console_, transient=False)
    tasks: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stages.get(stage, stage), total=max(total, 1))
        bar.update(tasks[stage], completed=done if total else 1, total=max(total, 1))

    return bar, progress


def _settings_and_corpus():
    from assistant.settings import load_settings
    from cli.common import load_corpus_for_cli

    return load_settings(), load_corpus_for_cli()


def register(app) -> None:
    @app.command("search")
    def search_cmd(
        question: str = typer.Argument(..., help="检索问题，例如：企业上云补贴比例"),
        k: int = typer.Option(5, "-k", "--top-k", min=1, max=50, help="返回条款数"),
        doc: str = typer.Option(None, "--doc", help="只在这份文件中检索（文件编号）"),
        as_json: bool = typer.Option(False, "--json", help='输出 [{"doc","clause","label","score","text"}]'),
    ) -> None:
        """检索与问题最相关的条款（向量 + BM25 混合检索；写明条款号时直接命中）。"""
        from assistant.index import get_index

        question = question.strip()
        if not question:
            fail("检索问题不能为空。")
        settings, corpus = _settings_and_corpus()
        if len(question) > settings.max_question_chars:
            fail(f"问题过长（{len(question)} 字），请控制在 {settings.max_question_chars} 字以内。")
        if doc and doc not in corpus.documents:
            fail(f"未找到文件 {doc}。已加载：{'、'.join(corpus.documents)}")
        try:
            hits = get_index(settings, corpus).search(question, k=k, doc=doc)
        except Exception as e:  # noqa: BLE001 - a user sees a Chinese message, never a traceback
            fail(f"检索失败：{e}")
        if as_json:
            keys = ("doc", "clause", "label", "score", "text")  # the documented output, nothing more
            print_json([{k: h.to_dict()[k] for k in keys} for h in hits])
            return
        if not hits:
            console.print("未检索到相关条款。")
            return
        for n, h in enumerate(hits, 1):
            console.print(f"[bold]{n}. {h.label}[/]（{h.doc}#{h.clause}，得分 {h.score:.4f}）", highlight=False)
            console.print(h.text, highlight=False)

    index_app = typer.Typer(help="检索索引：建立、更新。", no_args_is_help=True)
    app.add_typer(index_app, name="index")

    @index_app.command("build")
    def build_cmd(
        force: bool = typer.Option(False, "--force", help="全部重新向量化（默认只处理有变化的文件）"),
    ) -> None:
        """建立或更新检索索引（只重建内容有变化的文件）。"""
        from assistant.index.lifecycle import build_and_open

        settings, corpus = _settings_and_corpus()
        bar, progress = _progress_bar(err_console)
        try:
            with bar:
                report, _ = build_and_open(settings, corpus, progress=progress, force=force)
        except Exception as e:  # noqa: BLE001
            fail(f"建立索引失败：{e}")
        if report.get("fresh"):
            console.print(f"索引已是最新（{report['chunks']} 个条款），无需重建。")
        else:
            docs = report.get("embedded_docs") or []
            changed = "、".join(docs[:5]) + (f" 等 {len(docs)} 份" if len(docs) > 5 else "") if docs else "无"
            console.print(
                f"索引已更新：{report['chunks']} 个条款，本次向量化 {report['embedded_chunks']} 个"
                f"（文件：{changed}），用时 {report['seconds']} 秒。",
                highlight=False,
            )
