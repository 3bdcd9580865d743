"""No generic module names one document's knowledge (DESIGN §9): its clause ids, places, titles, slot words, units,
parameter and input names, units of government or 文号 live in its pack, once; code reads them from there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from corpus import default_corpus
from corpus.packs import input_paths, pack_for

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("tools", "webapp", "cli", "evals", "assistant")
# names every pack shares on purpose: cross-document concepts the engine and the dialogue know by name
SHARED = {"registered_place", "stacking"}


def _knowledge() -> dict[str, set[str]]:
    """Each bundled pack's terms, by kind."""
    out: dict[str, set[str]] = {"clause ids": set(), "places": set(), "titles": set(), "slot words": set(),
                                "units": set(), "identifiers": set(), "documents": set(), "consult units": set()}
    for doc in default_corpus():
        pack = pack_for(doc)
        out["documents"] |= {doc.id, doc.doc_number}
        prefix = re.match(r"[\u4e00-\u9fa5]+", doc.doc_number or "")
        if prefix:
            out["documents"].add(prefix.group(0))
        if pack.place:
            out["places"] |= {pack.place.name, *pack.place.aliases}
        if pack.meta.consult_unit:
            out["consult units"].add(pack.meta.consult_unit)
        for c in doc:
            out["consult units"] |= set(c.units)
        if pack.rules is None:
            continue
        for r in pack.rules.rules:
            if "." in r.clause:
                out["clause ids"].add(r.clause)
        if pack.rules.document_cap and "." in pack.rules.document_cap.clause:
            out["clause ids"].add(pack.rules.document_cap.clause)
        out["identifiers"] |= set(pack.rules.parameters) | {r.id for r in pack.rules.rules}
        for path, spec in input_paths(pack.rules).items():
            if path in SHARED:
                continue
            out["identifiers"].add(path)
            if len(spec.label) >= 3:
                out["slot words"].add(spec.label)
            if spec.unit and len(spec.unit) >= 2:
                out["units"].add(spec.unit)
            for oid, opt in spec.options.items():
                if spec.type == "titles":
                    out["titles"].add(opt.label)
                    out["identifiers"].add(oid)
    out["identifiers"] = {i for i in out["identifiers"] if "_" in i or "." in i} - SHARED
    return out


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module except docstrings (comments are not code either)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstrings.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


KNOWLEDGE = _knowledge()
FILES = sorted(p for pkg in SCANNED for p in (ROOT / pkg).rglob("*.py"))


def test_the_packs_give_the_scan_something_to_look_for():
    assert {"4.3.1", "3.1.1"} <= KNOWLEDGE["clause ids"]
    assert {"龙南市", "南康区", "安远县"} <= KNOWLEDGE["places"]
    assert "省级智能工厂" in KNOWLEDGE["titles"] and "equipment_rate" in KNOWLEDGE["identifiers"]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_generic_code_names_no_documents_knowledge(path):
    hits = []
    for line, s in _strings(path):
        for kind, terms in KNOWLEDGE.items():
            for term in terms:
                if not term:
                    continue
                if kind in ("clause ids", "identifiers"):
                    found = re.search(rf"(?<![\w.]){re.escape(term)}(?![\w.])", s)
                else:
                    found = term in s
                if found:
                    hits.append(f"第{line}行 {kind}：{term}（“{s[:40]}”）")
    assert not hits, f"{path.relative_to(ROOT)} 含有文件知识：" + "；".join(sorted(set(hits))[:12])
