"""Answer feedback: ratings kept in SQLite in the data directory, the 👎 ones exported as draft eval cases."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from evals.schema import EvalCaseError, load_suite
from webapp.feedback import FeedbackStore, drafts_yaml, feedback_path

ROOT = Path(__file__).resolve().parents[1]
ANSWER = {"answer": "企业上云按阶段给予 40%、50%、60%、70%、80% 的补贴。",
          "citations": [{"doc": "longnan-2022-40", "clause": "4.3.5", "label": "四（三）5"}],
          "award": None, "abstained": False}


def test_ratings_survive_reopening_the_store_and_a_comment_is_added_later(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    fid = store.add(-1, ["上云补贴比例是多少？"], ANSWER, now=dt.datetime(2025, 3, 1, 9, 30))
    store.add(1, ["文号是多少？"], {"answer": "龙办发〔2022〕40号", "citations": []})
    assert store.update(fid, comment="应说明是最高比例")
    store.close()
    again = FeedbackStore(tmp_path / "fb.sqlite3")
    down = again.records(rating=-1)
    assert len(down) == 1 and again.count() == 2
    assert down[0]["comment"] == "应说明是最高比例" and down[0]["citations"][0]["label"] == "四（三）5"
    assert down[0]["created"] == "2025-03-01T09:30:00"


def test_a_rating_must_be_up_or_down_and_name_its_question(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(ValueError):
        store.add(0, ["问题"], ANSWER)
    with pytest.raises(ValueError):
        store.add(-1, ["  "], ANSWER)


def test_drafts_are_a_case_file_with_the_question_filled_and_expectations_left_open(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.add(-1, ["上云补贴比例是多少？"], ANSWER, comment="少了上限")
    store.add(-1, ["我们是规上企业，买设备花了1200万", "能拿多少？"],
              {"answer": "可获 72万元", "citations": [], "award": {"total": 720000}})
    text = drafts_yaml(store.records(rating=-1), today=dt.date(2025, 3, 2))
    data = yaml.safe_load(text)
    first, second = data["cases"]
    assert first["question"] == "上云补贴比例是多少？" and first["expect"] is None
    assert second["turns"] == ["我们是规上企业，买设备花了1200万", "能拿多少？"]
    assert "少了上限" in text and "72万元" in text and "2025-03-02" in text
    drafts = tmp_path / "drafts.yaml"
    drafts.write_text(text, encoding="utf-8")
    with pytest.raises(EvalCaseError) as err:  # as exported, the office still has to write what is expected
        load_suite([drafts])
    assert "expect" in str(err.value)
    # uncommenting the suggested line is enough to make it a runnable case
    filled = text.replace('      # cites: ["longnan-2022-40#4.3.5"]', '      cites: ["longnan-2022-40#4.3.5"]')
    filled = filled.replace("      # cites: []", '      cites: ["4.3.1"]')
    drafts.write_text(filled, encoding="utf-8")
    suite = load_suite([drafts])
    assert [c.id for c in suite.cases] == [c["id"] for c in data["cases"]]


def test_no_feedback_exports_an_empty_but_valid_file():
    assert yaml.safe_load(drafts_yaml([])) == {"cases": []}


def test_the_feedback_export_command_writes_the_drafts_from_the_data_directory(tmp_path):
    data_dir = tmp_path / "data"
    FeedbackStore(feedback_path(data_dir)).add(-1, ["上云补贴比例是多少？"], ANSWER, comment="请核对")
    out = tmp_path / "drafts.yaml"
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data_dir)}
    result = subprocess.run([sys.executable, "-m", "cli", "feedback", "export", "-o", str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "已导出 1 条" in result.stderr
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["cases"][0]["question"] == "上云补贴比例是多少？"
