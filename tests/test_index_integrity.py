"""Damaged index files are found at open by their recorded checksums, moved aside and rebuilt: every file, garbled
in the middle, truncated or deleted. `index build` never calls a damaged index up to date."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from index_helpers import PYTHON, child_env, corpus_of, damage, tiny_doc

# Every kind of file an index holds; test_every_index_file_is_covered keeps this list complete.
FILES = [
    "manifest.json", "chunks.json", "vocab.json",
    "bm25/bm25.json", "bm25/data.npy", "bm25/indices.npy", "bm25/indptr.npy",
    "chroma/chroma.sqlite3", "chroma/*/data_level0.bin", "chroma/*/header.bin", "chroma/*/length.bin",
    "chroma/*/link_lists.bin",
]
HOW = ["garble", "truncate", "delete"]
DOC = "tiny-a"


def corpus():
    return corpus_of(tiny_doc(DOC))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A built index, copied for each test (the copy is what gets damaged)."""
    from assistant.index.lifecycle import build_and_open
    from assistant.settings import load_settings

    data = tmp_path_factory.mktemp("pristine") / "data"
    build_and_open(load_settings(data_dir=data), corpus())
    return data


@pytest.fixture
def data_dir(pristine, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(pristine, target, ignore=shutil.ignore_patterns("index.run", "index.lock"))
    return target


def settings_for(data_dir: Path):
    from assistant.settings import load_settings

    return load_settings(data_dir=data_dir)


def one(index_dir: Path, pattern: str) -> Path:
    found = sorted(index_dir.glob(pattern))
    assert len(found) == 1, (pattern, found)
    return found[0]


def test_every_index_file_is_covered(pristine):
    index = pristine / "index"
    listed = set(json.loads((index / "manifest.json").read_text(encoding="utf-8"))["files"]) | {"manifest.json"}
    covered = {one(index, p).relative_to(index).as_posix() for p in FILES}
    assert covered == listed


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("pattern", FILES)
def test_a_damaged_index_file_is_found_moved_aside_and_rebuilt(data_dir, pattern, how, caplog):
    from assistant.index.lifecycle import build_and_open

    victim = one(data_dir / "index", pattern)
    rel = victim.relative_to(data_dir / "index")
    changed = damage(victim, how)
    damaged = victim.read_bytes() if victim.exists() else None
    with caplog.at_level(logging.WARNING, logger="assistant.index"):
        report, idx = build_and_open(settings_for(data_dir), corpus())
    assert idx.search("鼓励企业上云", k=1)[0].clause == "1"
    assert idx.search("到2025年推动多少家企业上云", k=1)[0].clause == "2"
    aside = list(data_dir.glob("index.corrupt-*"))
    if not changed:  # an empty file truncated is the same file: nothing is damaged, nothing is rebuilt
        assert report["fresh"] is True and not aside
        return
    assert report["fresh"] is False and report["embedded_chunks"] == 3 and report["repaired"]
    assert len(aside) == 1
    assert not (aside[0] / rel).exists() if how == "delete" else (aside[0] / rel).read_bytes() == damaged
    assert any("已损坏" in r.getMessage() and "index.corrupt-" in r.getMessage() for r in caplog.records)
    again, _ = build_and_open(settings_for(data_dir), corpus())
    assert again["fresh"] is True  # the rebuilt index checks out


@pytest.mark.parametrize("pattern", ["chroma/chroma.sqlite3", "chroma/*/data_level0.bin"])
def test_index_build_never_says_up_to_date_over_a_damaged_index(data_dir, pattern):
    exe = str(Path(PYTHON).with_name("policy-assistant"))
    env = child_env(data_dir)
    # the CLI indexes the bundled corpus: build it first, then damage it
    first = subprocess.run([exe, "index", "build"], env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    fresh = subprocess.run([exe, "index", "build"], env=env, capture_output=True, text=True, timeout=300)
    assert "索引已是最新" in fresh.stdout
    damage(one(data_dir / "index", pattern), "garble")
    out = subprocess.run([exe, "index", "build"], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "已是最新" not in out.stdout and "索引已更新" in out.stdout
    assert list(data_dir.glob("index.corrupt-*"))


def test_only_the_last_damaged_index_is_kept_aside(data_dir):
    from assistant.index.lifecycle import build_and_open

    for old in ("index.corrupt-20200101-000000", "index.corrupt-20210101-000000"):
        (data_dir / old).mkdir()
        (data_dir / old / "chunks.json").write_text("[]", encoding="utf-8")
    damage(data_dir / "index" / "chunks.json", "garble")
    report, _ = build_and_open(settings_for(data_dir), corpus())
    aside = sorted(p.name for p in data_dir.glob("index.corrupt-*"))
    assert report["repaired"] and len(aside) == 1 and aside[0] not in ("index.corrupt-20200101-000000",
                                                                       "index.corrupt-20210101-000000")
    assert (data_dir / aside[0] / "chunks.json").read_bytes() != (data_dir / "index" / "chunks.json").read_bytes()


def test_a_manifest_edited_by_hand_is_caught_by_its_own_digest(data_dir):
    from assistant.index.lifecycle import build_and_open

    m = data_dir / "index" / "manifest.json"
    d = json.loads(m.read_text(encoding="utf-8"))
    first = next(iter(d["files"]))
    d["files"][first]["sha256"] = "0" * 64  # still valid JSON, still complete
    m.write_text(json.dumps(d), encoding="utf-8")
    report, _ = build_and_open(settings_for(data_dir), corpus())
    assert report["fresh"] is False and "校验和" in report["repaired"]
