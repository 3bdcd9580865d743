"""Recovery across processes: three processes opening a damaged index at once all succeed (one repairs under the
build lock, the others wait and reuse), a build killed with SIGKILL leaves nothing that passes for an index,
and working copies of killed processes are cleared."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from index_helpers import PYTHON, ROOT, child_env, corpus_of, damage, tiny_doc

# A child process: build or open the index of tiny documents, search, print the report as JSON.
CHILD = """
import json, sys, time
from index_helpers import corpus_of, tiny_doc
from assistant.settings import load_settings
from assistant.index.lifecycle import build_and_open
data, goal, start_at, slow = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4] == "slow"

def progress(stage, done, total):
    if slow and stage == "embed" and done:
        print("EMBEDDED", flush=True)  # the vectors are in chroma; chunks, BM25 and manifest are not written yet
        time.sleep(120)

while time.time() < start_at:  # start together: imports done, then all open at the same moment
    time.sleep(0.002)
report, idx = build_and_open(load_settings(data_dir=data), corpus_of(tiny_doc("tiny-a", goal)), progress=progress)
hit = idx.search("到2025年推动多少家企业上云", k=1)[0]
print(json.dumps({"report": report, "clause": hit.clause, "text": hit.text}, ensure_ascii=False), flush=True)
"""


def child(data: Path, goal: str = "10", start_at: float = 0.0, slow: bool = False) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, "-c", CHILD, str(data), goal, str(start_at), "slow" if slow else "-"],
                            env=child_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def build(data: Path, goal: str = "10"):
    from assistant.index.lifecycle import build_and_open
    from assistant.settings import load_settings

    return build_and_open(load_settings(data_dir=data), corpus_of(tiny_doc("tiny-a", goal)))


def kill_while_embedding(data: Path, goal: str) -> None:
    p = child(data, goal, slow=True)
    try:
        line = p.stdout.readline()
        assert line.strip() == "EMBEDDED", (line, p.stderr.read() if p.poll() is not None else "")
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == -signal.SIGKILL


@pytest.mark.parametrize("pattern", ["chroma/chroma.sqlite3", "bm25/data.npy", "manifest.json"])
def test_three_processes_opening_a_damaged_index_at_once_all_succeed(tmp_path, pattern):
    data = tmp_path / "data"
    build(data)
    damage(sorted((data / "index").glob(pattern))[0], "garble")
    start_at = time.time() + 8  # after the three have imported everything
    procs = [child(data, start_at=start_at) for _ in range(3)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e for _, e in outs]
    results = [json.loads(o.strip().splitlines()[-1]) for o, _ in outs]
    assert all(r["clause"] == "2" and "推动10家" in r["text"] for r in results)
    repaired = [r["report"] for r in results if r["report"].get("repaired")]
    assert len(repaired) == 1  # one process repaired it, the others waited and reused its work
    assert sum(r["report"]["fresh"] is False for r in results) == 1
    assert len(list(data.glob("index.corrupt-*"))) == 1
    assert not list(data.glob("index.tmp-*")) and not list(data.glob("index.old-*"))


def test_a_first_build_killed_mid_way_leaves_no_index_and_the_next_open_builds_one(tmp_path):
    data = tmp_path / "data"
    kill_while_embedding(data, "10")
    assert not (data / "index").exists()
    left = list(data.glob("index.tmp-*"))
    assert left and (left[0] / "chroma" / "chroma.sqlite3").exists()  # the killed build's half-written store
    report, idx = build(data)
    assert report["fresh"] is False and report["embedded_chunks"] == 3
    assert idx.search("到2025年推动多少家企业上云", k=1)[0].clause == "2"
    assert not list(data.glob("index.tmp-*"))
    assert build(data)[0]["fresh"] is True


def test_a_rebuild_killed_mid_way_keeps_the_previous_index_intact_and_the_next_open_redoes_it(tmp_path):
    data = tmp_path / "data"
    build(data, "10")
    kill_while_embedding(data, "99")  # the corpus changed; its build dies with the new vectors half stored
    # the index in place is still the whole previous one: it checks out, and serves the old corpus
    report, idx = build(data, "10")
    assert report["fresh"] is True and "推动10家" in idx.search("推动多少家企业上云", k=1)[0].text
    # the changed corpus is detected as not indexed and built
    report, idx = build(data, "99")
    assert report["fresh"] is False and "推动99家" in idx.search("推动多少家企业上云", k=1)[0].text
    assert not list(data.glob("index.tmp-*")) and not list(data.glob("index.corrupt-*"))


def test_the_working_copy_of_a_killed_process_is_removed_by_the_next_open(tmp_path):
    data = tmp_path / "data"
    build(data)
    code = ("import sys,time;from index_helpers import corpus_of,tiny_doc;from assistant.settings import load_settings;"
            "from assistant.index.lifecycle import build_and_open;"
            f"r,idx=build_and_open(load_settings(data_dir={str(data)!r}),corpus_of(tiny_doc('tiny-a')));"
            "print(idx.dense.copy.path,flush=True);time.sleep(120)")
    p = subprocess.Popen([PYTHON, "-c", code], env=child_env(), cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        copy = Path(p.stdout.readline().strip())
        assert copy.is_dir()
        _, idx = build(data)  # while it lives, its copy is left alone
        assert copy.is_dir() and idx.dense.copy.path != copy
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert copy.is_dir()  # nothing ran at its exit
    build(data)
    assert not copy.exists()
