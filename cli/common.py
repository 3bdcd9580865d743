"""Shared CLI plumbing: settings, the loaded corpus, JSON output and Chinese error exits."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]错误：[/]{message}", highlight=False)
    raise SystemExit(code)


def print_json(obj) -> None:
    from tools.jsonutil import dumps

    sys.stdout.write(dumps(obj) + "\n")


def load_corpus_for_cli():
    """Bundled documents plus those the user added under the data directory."""
    from assistant.pipeline import loaded_corpus
    from corpus import CorpusError

    try:
        return loaded_corpus()
    except CorpusError as e:
        fail(str(e))


__all__ = ["console", "err_console", "fail", "json", "load_corpus_for_cli", "print_json"]
