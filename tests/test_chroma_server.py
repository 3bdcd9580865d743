"""The same retrieval code against a real `chroma run` server (HttpClient) instead of the local PersistentClient."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    exe = Path(sys.executable).with_name("chroma")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("chroma server did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def remote_index(chroma_url, tmp_path_factory, seed_corpus):
    from assistant.index.lifecycle import build_and_open
    from assistant.settings import load_settings

    settings = load_settings(data_dir=tmp_path_factory.mktemp("remote-data"), chroma_url=chroma_url)
    report, idx = build_and_open(settings, seed_corpus)
    assert report["embedded_chunks"] == len(idx)
    return settings, idx


def test_server_mode_queries_the_server_and_keeps_no_local_store(remote_index):
    from assistant.index.lifecycle import index_folder

    settings, idx = remote_index
    assert idx.dense.kind == "http" and idx.dense.count() == len(idx)
    assert not (settings.index_dir / "chroma").exists() and not (index_folder(settings) / "chroma").exists()
    assert not any(p.startswith("chroma/") for p in idx.manifest["files"])  # BM25 and chunks are checked locally


def test_the_server_applies_the_document_and_date_filters(remote_index):
    _, idx = remote_index
    assert idx.search("上云补贴", k=5, docs=["longnan-2022-40"])[0].clause == "4.3.5"
    assert idx.search("上云补贴", k=5, docs=["no-such-doc"]) == []
    assert idx.dense_search("上云补贴", k=5, as_of="2020-01-01") == []  # issued 2022-08-15
    assert idx.dense_search("上云补贴", k=5, as_of="2024-01-01")


@pytest.mark.parametrize(("q", "want"), [
    ("企业上云补贴比例", "4.3.5"), ("两化融合贯标通过了奖多少", "4.3.3"), ("服务型制造示范企业奖励多少", "4.3.4"),
    ("设备资源上云补贴比例是多少", "4.3.5"), ("二级节点补助上限", "4.3.6"), ("四（三）1", "4.3.1"),
])
def test_retrieval_through_the_server_finds_the_right_clause(remote_index, q, want):
    _, idx = remote_index
    assert idx.search(q, k=3)[0].clause == want


def test_dense_search_through_the_server_matches_the_local_store(remote_index, seed_corpus, tmp_path):
    from assistant.index.lifecycle import build_and_open
    from assistant.settings import load_settings

    _, remote = remote_index
    _, local = build_and_open(load_settings(data_dir=tmp_path / "local"), seed_corpus)
    for q in ("上云补贴", "技改项目库门槛", "文件谁发的"):
        assert [h.clause for h in remote.dense_search(q, 3)] == [h.clause for h in local.dense_search(q, 3)]


def test_reopening_against_the_server_reuses_its_collection(remote_index, seed_corpus):
    from assistant.index.lifecycle import build_and_open

    settings, _ = remote_index
    report, _ = build_and_open(settings, seed_corpus)
    assert report["fresh"] is True


def test_a_server_build_that_died_before_its_manifest_is_redone_in_full(remote_index, seed_corpus):
    from assistant.index.lifecycle import build_and_open, index_folder

    settings, idx = remote_index
    folder = index_folder(settings)
    folder.with_name(folder.name + ".dirty").touch()  # what a build leaves while it changes the collection
    report, again = build_and_open(settings, seed_corpus)
    assert report["fresh"] is False and report["embedded_chunks"] == len(idx)
    assert not folder.with_name(folder.name + ".dirty").exists()
    assert build_and_open(settings, seed_corpus)[0]["fresh"] is True
