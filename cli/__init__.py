"""The `policy-assistant` command line: a thin layer over corpus, tools, assistant and evals.

Each command group lives in its own module and imports its heavy dependencies inside the
command, so `policy-assistant ask` never pays for gradio or torch."""

from __future__ import annotations

import sys

import typer

from cli.zh import install as _install_chinese

_install_chinese()  # usage errors and help of the framework itself in Chinese, like every message of ours

app = typer.Typer(
    name="policy-assistant",
    help="产业扶持政策问答助手：按已载入的政策文件回答、引用条款并测算奖补。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

from cli import (  # noqa: E402  (register after app exists)
    ask_cmd,
    calc_cmd,
    corpus_cmd,
    eval_cmd,
    feedback_cmd,
    rules_cmd,
    search_cmd,
    serve_cmd,
)

for _mod in (corpus_cmd, calc_cmd, rules_cmd, search_cmd, ask_cmd, eval_cmd, feedback_cmd, serve_cmd):
    _mod.register(app)


def main() -> None:
    # Windows consoles and some pipes default to a non-UTF-8 encoding; Chinese output must survive
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    app()
