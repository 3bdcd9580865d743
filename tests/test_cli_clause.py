"""`policy-assistant clause | outline | corpus` as a hotline worker and a maintainer use them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from corpus import default_corpus


def run_cli(*args: str, data_dir=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if data_dir is not None:
        env["POLICY_ASSISTANT_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, timeout=120)


def test_clause_json_returns_the_cloud_clause_verbatim():
    r = run_cli("clause", "4.3.5", "--json")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["clause"] == "4.3.5" and rec["label"] == "四（三）5"
    assert rec["text"] == default_corpus().clause("4.3.5").text
    assert "40%、50%、60%、70%、80%" in rec["text"]
    assert rec["heading_path"] == ["四、保障措施", "（三）着力扩大政策效应", "5."]
    assert rec["units"] == ["市工信局", "市财政局"]


def test_clause_accepts_the_documents_own_labels():
    for ref in ("四（三）1", "四(三)1"):
        r = run_cli("clause", ref, "--json")
        assert json.loads(r.stdout)["clause"] == "4.3.1"


def test_clause_prints_label_path_text_and_units_for_people():
    r = run_cli("clause", "3.3")
    assert r.returncode == 0
    assert "三（三）" in r.stdout and "绿色化改造工程" in r.stdout
    assert "责任单位：市工信局、区招商与企业服务局" in r.stdout.replace("\n", "")


def test_an_unknown_clause_exits_non_zero_with_a_chinese_suggestion():
    r = run_cli("clause", "4.3.9")
    assert r.returncode != 0
    assert "未找到条款" in r.stderr and "4.3.7" in r.stderr
    assert "Traceback" not in r.stderr


def test_outline_prints_every_clause_of_the_tree():
    r = run_cli("outline", "--json")
    ids = [row["clause"] for row in json.loads(r.stdout)]
    assert ids[:3] == ["notice", "0", "1"] and "4.3.7" in ids and len(ids) == 23


def test_corpus_add_then_list_shows_two_documents(tmp_path):
    src = tmp_path / "p.txt"
    src.write_text("某县技改办法\n\n一、奖励\n1. 奖励 5 万元。\n", encoding="utf-8")
    r = run_cli("corpus", "add", str(src), "--id", "county-1", "--doc-number", "某县发〔2023〕1号", data_dir=tmp_path / "data")
    assert r.returncode == 0, r.stderr
    listed = json.loads(run_cli("corpus", "list", "--json", data_dir=tmp_path / "data").stdout)
    bundled = json.loads(run_cli("corpus", "list", "--json", data_dir=tmp_path / "empty").stdout)
    assert sorted(d["id"] for d in listed) == sorted(["county-1", *(d["id"] for d in bundled)])
    r = run_cli("clause", "county-1#1.1", "--json", data_dir=tmp_path / "data")
    assert json.loads(r.stdout)["text"] == "奖励 5 万元。"


def test_corpus_add_of_an_empty_file_fails_cleanly(tmp_path):
    src = tmp_path / "empty.txt"
    src.write_text("", encoding="utf-8")
    r = run_cli("corpus", "add", str(src), "--id", "empty", data_dir=tmp_path / "data")
    assert r.returncode != 0 and "空文件" in r.stderr and "Traceback" not in r.stderr


def test_corpus_add_with_rules_installs_a_pack_that_computes_and_refuses_rules_of_another_text(tmp_path):
    from corpus import BUNDLED_DIR

    src = BUNDLED_DIR / "anyuan-2021-9"
    data = tmp_path / "data"
    r = run_cli("corpus", "add", str(src / "source.txt"), "--id", "ay-copy", "--rules", str(src / "rules.yaml"),
                data_dir=data)
    assert r.returncode == 0, r.stderr
    assert "已装入奖补规则" in r.stdout
    r = run_cli("calc", "--doc", "ay-copy", "--set", "绿色工厂=省级", "--as-of", "2022-06-01", "--json", data_dir=data)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["total"] == 200000

    other = BUNDLED_DIR / "nankang-2023-15" / "rules.yaml"
    r = run_cli("corpus", "add", str(src / "source.txt"), "--id", "ay-bad", "--rules", str(other), data_dir=data)
    assert r.returncode != 0
    assert "不在条款" in r.stderr and "Traceback" not in r.stderr
    assert sorted(p.name for p in (data / "corpus").iterdir() if not p.name.startswith(".")) == ["ay-copy"]
