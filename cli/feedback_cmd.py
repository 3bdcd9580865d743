"""`policy-assistant feedback`: the answers users rated 👎 in the web UI, exported as draft eval cases."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import console, err_console, fail

feedback_app = typer.Typer(help="问答反馈（👍/👎）：导出 👎 的回答为评测用例草稿。", no_args_is_help=True)


def _store():
    from assistant.settings import load_settings
    from webapp.feedback import FeedbackStore, feedback_path

    return FeedbackStore(feedback_path(load_settings().data_dir))


@feedback_app.command("export")
def export_cmd(
    out: Path = typer.Option(None, "--output", "-o", help="写入的 YAML 文件，如 drafts.yaml（省略则打印）"),
) -> None:
    """把 👎 的回答导出为评测用例草稿（已填提问，期望留待政策办补全）。"""
    import sqlite3

    from webapp.feedback import drafts_yaml

    try:
        records = _store().records(rating=-1)
    except (OSError, sqlite3.Error) as e:
        fail(f"无法读取反馈记录：{e}")
    text = drafts_yaml(records)
    if out is None:
        console.print(text, end="", highlight=False, markup=False)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        fail(f"无法写入 {out}：{e.strerror or e}")
    err_console.print(f"已导出 {len(records)} 条 👎 反馈为评测用例草稿：{out}", highlight=False)


@feedback_app.command("list")
def list_cmd() -> None:
    """列出全部反馈（时间、评价、提问、说明）。"""
    import sqlite3

    try:
        records = _store().records()
    except (OSError, sqlite3.Error) as e:
        fail(f"无法读取反馈记录：{e}")
    if not records:
        console.print("还没有反馈记录。", highlight=False)
        return
    for r in records:
        mark = "👍" if r["rating"] > 0 else "👎"
        comment = f"（{r['comment']}）" if r["comment"] else ""
        console.print(f"{r['id']:>4} {r['created'].replace('T', ' ')} {mark} {r['turns'][-1]}{comment}",
                      highlight=False, markup=False)


def register(app) -> None:
    app.add_typer(feedback_app, name="feedback")
