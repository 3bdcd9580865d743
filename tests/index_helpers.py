"""Shared by the index tests: tiny documents, the two new policy documents imported into a data directory,
and the ways an index file is damaged."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEW_DOCS = ("nankang-2023-15", "anyuan-2021-9")


def tiny_doc(doc_id: str, goal: str = "10"):
    from corpus import parse_text

    text = (f"关于{doc_id}上云的实施意见\n\n为测试制定本实施意见。\n\n一、总体要求\n\n鼓励企业上云，按实际支付金额补贴。\n\n"
            f"二、工作目标\n\n到2025年推动{goal}家企业上云。\n")
    return parse_text(text, doc_id, {"title": f"关于{doc_id}上云的实施意见"})


def corpus_of(*docs):
    from corpus import Corpus

    return Corpus(list(docs))


def three_document_settings(data_dir: Path):
    """Settings for DATA_DIR with nankang-2023-15 and anyuan-2021-9 imported beside the bundled document
    (the benchmark's own import: benchmarks/extra_documents.yaml), unless corpus/ already bundles them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("retrieval_benchmark", ROOT / "benchmarks" / "retrieval.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.three_document_settings(data_dir)[0]


def damage(path: Path, how: str) -> bool:
    """Garble the middle, truncate to half, or delete PATH; False when the damage cannot change it (an empty
    file truncated stays the same file)."""
    if how == "delete":
        path.unlink()
        return True
    data = path.read_bytes()
    if how == "truncate":
        if not data:
            return False
        os.truncate(path, len(data) // 2)
        return True
    if how == "garble":
        if not data:
            path.write_bytes(b"\x00garbage")
            return True
        mid = len(data) // 2
        n = min(16, len(data) - mid)
        path.write_bytes(data[:mid] + bytes(b ^ 0xFF for b in data[mid : mid + n]) + data[mid + n :])
        return True
    raise ValueError(how)


def child_env(data_dir: Path | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    if data_dir is not None:
        env["POLICY_ASSISTANT_DATA_DIR"] = str(data_dir)
    return env


PYTHON = sys.executable
