"""A pack the policy office installs (rules draft → rules accept) is answered like a bundled one: by `calc`, by
`ask`, with a lexicon derived from its rules where it has none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
XINFENG = ROOT / "benchmarks" / "drafting_docs" / "xinfeng-2022-12.txt"
DOC = "xinfeng-2022-12"


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, POLICY_ASSISTANT_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, timeout=180,
                          cwd=ROOT, encoding="utf-8")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("installed")
    r = run_cli("rules", "draft", str(XINFENG), data_dir=root)
    assert r.returncode == 0, r.stderr
    r = run_cli("rules", "accept", str(root / "drafts" / DOC), data_dir=root)
    assert r.returncode == 0, r.stderr
    return root


@pytest.fixture()
def library(data_dir, monkeypatch):
    from assistant.pipeline import loaded_corpus
    from corpus import use_library

    monkeypatch.setenv("POLICY_ASSISTANT_DATA_DIR", str(data_dir))
    corpus = loaded_corpus()
    yield corpus
    use_library(None)


def test_calc_computes_an_installed_pack_named_with_doc(data_dir):
    r = run_cli("calc", "--doc", DOC, "--as-of", "2024-06-30", "--json", "--set", "r3_count=10",
                "--set", "r6_titles=[national]", data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["doc"] == DOC
    assert Decimal(out["total"]) == Decimal("350000")  # 10 vehicles × 5000元 + a national green factory 30万元


def test_calc_all_lists_the_installed_pack_beside_the_bundled_ones(data_dir):
    r = run_cli("calc", "--all", "--as-of", "2024-06-30", "--json", "--set", "registered_place=信丰县",
                data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    assert DOC in r.stdout


def test_ask_routes_by_the_installed_documents_place_and_computes_with_its_rules(library):
    from assistant.pipeline import ask
    from assistant.session import Session

    ans = ask("信丰县的政策，我们买了10辆新能源货车做城市配送，能补多少？", Session(), as_of=date(2024, 6, 30))
    assert ans.citations and ans.citations[0]["doc"] == DOC, ans.answer
    assert ans.award is not None and Decimal(ans.award["total"]) == Decimal("50000"), ans.answer


def test_a_rule_title_is_a_topic_of_an_installed_pack_without_a_lexicon(library):
    from assistant.pipeline import ask
    from assistant.session import Session

    ans = ask("信丰的储能项目补贴怎么算？", Session(), as_of=date(2024, 6, 30))
    assert ans.citations and (ans.citations[0]["doc"], ans.citations[0]["clause"]) == (DOC, "7"), ans.answer
    assert "15%" in ans.answer and "50万元" in ans.answer


def test_a_what_if_amount_after_a_count_changes_the_installed_rules_base_not_the_count(library):
    from assistant.pipeline import ask
    from assistant.session import Session

    s = Session()
    first = ask("信丰县的储能项目，储能设施实际投资了200万，能补多少？", s, as_of=date(2024, 6, 30))
    assert first.award and Decimal(first.award["total"]) == Decimal("300000"), first.answer  # 200万 × 15%
    second = ask("那如果投资是500万呢", s, as_of=date(2024, 6, 30))
    assert second.award and Decimal(second.award["total"]) == Decimal("500000"), second.answer  # capped at 50万


def test_a_money_what_if_after_a_quantity_goes_to_the_amount_of_the_bundled_rule():
    from assistant.pipeline import ask
    from assistant.session import Session

    s = Session()
    ask("安远县节能技术改造项目，节能设备投资了300万，年节能量600吨标准煤，补多少？", s, as_of=date(2022, 6, 1))
    ans = ask("如果投资是2000万呢", s, as_of=date(2022, 6, 1))
    items = s.profile["energy_projects"]
    assert items[0]["saving"] == Decimal("600") and items[0]["equipment"] == Decimal("20000000.00"), items
    assert ans.award and Decimal(ans.award["total"]) > Decimal("240000")
