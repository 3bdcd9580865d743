"""Imports flow one way: corpus ← tools ← assistant ← cli/app/webapp/evals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "corpus": {"tools", "assistant", "evals", "cli", "webapp", "app", "langchain", "langchain_core", "chromadb", "gradio"},
    "tools": {"assistant", "evals", "cli", "webapp", "app", "langchain", "langchain_core", "langchain_openai",
              "chromadb", "gradio", "torch", "sentence_transformers"},
    "assistant": {"evals", "cli", "webapp", "app", "gradio"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_nothing_from_a_higher_layer(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no modules"
    offenders = {str(f.relative_to(ROOT)): sorted(imported_roots(f) & FORBIDDEN[package]) for f in files}
    assert {f: bad for f, bad in offenders.items() if bad} == {}


def test_only_the_settings_module_reads_the_environment():
    readers = []
    for package in ("corpus", "tools", "assistant", "evals", "cli", "webapp"):
        for f in (ROOT / package).rglob("*.py"):
            text = f.read_text(encoding="utf-8")
            if "os.environ" in text or "os.getenv" in text:
                readers.append(str(f.relative_to(ROOT)))
    assert readers == ["assistant/settings.py"]
