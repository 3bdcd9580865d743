"""Reviewing and accepting a draft: drafts are never loaded, `rules draft` / `rules accept` from the command line, and a
bad draft refused in Chinese naming the file and line, with nothing installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from corpus import BUNDLED_DIR, load_corpus
from tools.drafting import DraftError, accept_draft, draft_text, read_draft, set_rule_status, write_draft
from tools.drafting.review import status_of

ROOT = Path(__file__).resolve().parents[1]
ANYUAN = BUNDLED_DIR / "anyuan-2021-9" / "source.txt"
XINFENG = ROOT / "benchmarks" / "drafting_docs" / "xinfeng-2022-12.txt"


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, POLICY_ASSISTANT_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, timeout=180,
                          cwd=ROOT, encoding="utf-8")


def flat(text: str) -> str:
    """Terminal output without the line wrapping rich adds."""
    return "".join(text.split())


def make_draft(tmp_path: Path, doc_id: str = "anyuan-draft", source: Path = ANYUAN) -> Path:
    folder = tmp_path / "drafts" / doc_id
    write_draft(draft_text(source.read_text(encoding="utf-8"), doc_id), folder)
    return folder


def edit_rules(folder: Path, change) -> None:
    data = yaml.safe_load((folder / "rules.yaml").read_text(encoding="utf-8"))
    change(data)
    (folder / "rules.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- drafts are never used for answers -------------------------------------------------------------

def test_a_folder_whose_meta_says_draft_is_not_loaded_by_the_library(tmp_path):
    root = tmp_path / "corpus"
    make_draft(root.parent, "anyuan-draft")
    (root).mkdir()
    (tmp_path / "drafts" / "anyuan-draft").rename(root / "anyuan-draft")
    corpus = load_corpus([root], bundled=False)
    assert "anyuan-draft" not in corpus.documents and len(corpus) == 0
    meta = yaml.safe_load((root / "anyuan-draft" / "meta.yaml").read_text(encoding="utf-8"))
    meta["status"] = "自印发之日起施行"
    (root / "anyuan-draft" / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    assert "anyuan-draft" in load_corpus([root], bundled=False).documents


def test_a_draft_validates_as_a_pack_with_its_review_sections(tmp_path):
    from tools.drafting import validate_draft

    pack = validate_draft(make_draft(tmp_path))
    assert [r.id for r in pack.rules.rules] == ["r3_1_1", "r3_1_2", "r3_2", "r3_3", "r3_4"]
    assert all(r.review["status"] == "待审核" for r in pack.rules.rules)
    assert pack.rules.document_cap.clause == "4.1"


# --- the command line -------------------------------------------------------------------------------

def test_rules_draft_json_prints_rules_parameters_unparsed_and_questions_and_writes_the_draft(tmp_path):
    r = run_cli("rules", "draft", str(ANYUAN), "--id", "anyuan-draft", "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["doc"] == "anyuan-draft" and out["unparsed"] == []
    energy = next(x for x in out["rules"] if x["clause"] == "3.2")
    assert energy["kind"] == "rate" and 0 < energy["confidence"] <= 1
    values = {p["name"]: (p["value"], p["unit"], p["source"]) for p in energy["parameters"]}
    assert values["r3_2_rate"] == (0.08, "比例", "8%")
    assert values["r3_2_cap"] == (800000, "元", "最高不超过80万元")
    assert values["r3_2_min"] == (500, "吨标准煤", "500吨标准煤（含）以上")
    assert any(c["text"] == "经第三方节能量审核机构审核" for c in energy["conditions"])
    assert any("叠加" in q for q in out["questions"])
    assert (tmp_path / "drafts" / "anyuan-draft" / "rules.yaml").is_file()


def test_rules_draft_then_accept_installs_the_pack_where_corpus_add_puts_documents(tmp_path):
    r = run_cli("rules", "draft", str(XINFENG), data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "xinfeng-2022-12" in r.stdout and "rules accept" in r.stdout
    draft = tmp_path / "drafts" / "xinfeng-2022-12"
    r = run_cli("rules", "accept", str(draft), data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "已安装" in r.stdout
    installed = tmp_path / "corpus" / "xinfeng-2022-12"
    assert {p.name for p in installed.iterdir()} == {"source.txt", "meta.yaml", "rules.yaml", "review.yaml"}
    r = run_cli("corpus", "list", "--json", data_dir=tmp_path)
    assert "xinfeng-2022-12" in [d["id"] for d in json.loads(r.stdout)]
    assert _award(installed, {"r3_count": 10, "r6_titles": ["national"]}) == 350000  # 10 × 5000元 + 30万元
    r = run_cli("rules", "accept", str(draft), data_dir=tmp_path)
    assert r.returncode == 1 and "已有文件xinfeng-2022-12" in flat(r.stderr) and "--replace" in r.stderr
    r = run_cli("rules", "accept", str(draft), "--replace", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr


def _award(folder: Path, profile: dict, day: date = date(2024, 6, 30)):
    from corpus import load_document
    from corpus.packs import load_pack
    from tools.calculator import evaluate_pack
    from tools.params import parse_parameters

    pack = load_pack(folder, load_document(folder))
    params = parse_parameters(yaml.safe_load((folder / "rules.yaml").read_text(encoding="utf-8")), pack.id)
    return evaluate_pack(pack, params, profile, day).total


def test_rules_draft_refuses_an_unsupported_file_in_chinese(tmp_path):
    bad = tmp_path / "policy.xls"
    bad.write_bytes(b"not a policy")
    r = run_cli("rules", "draft", str(bad), data_dir=tmp_path)
    assert r.returncode == 1 and "不支持" in flat(r.stderr) and "Traceback" not in r.stderr


def test_rules_draft_never_overwrites_an_installed_pack_folder(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "meta.yaml").write_text("id: mine\nstatus: 有效\n", encoding="utf-8")
    (target / "source.txt").write_text("原文", encoding="utf-8")
    r = run_cli("rules", "draft", str(ANYUAN), "-o", str(target), data_dir=tmp_path)
    assert r.returncode == 1 and "不会覆盖" in flat(r.stderr)
    assert (target / "source.txt").read_text(encoding="utf-8") == "原文"


# --- acceptance ------------------------------------------------------------------------------------

def test_accept_refuses_the_id_of_a_bundled_document(tmp_path):
    folder = make_draft(tmp_path, "anyuan-2021-9")
    with pytest.raises(DraftError, match="已被内置文件使用"):
        accept_draft(folder, tmp_path / "corpus")
    assert not (tmp_path / "corpus" / "anyuan-2021-9").exists()


def test_a_source_not_in_its_clause_is_refused_naming_the_file_and_line_and_nothing_is_installed(tmp_path):
    folder = make_draft(tmp_path)
    text = (folder / "rules.yaml").read_text(encoding="utf-8")
    (folder / "rules.yaml").write_text(text.replace("source: 最高不超过80万元", "source: 最高不超过90万元"), encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "source: 最高不超过80万元" in ln)
    with pytest.raises(DraftError) as e:
        accept_draft(folder, tmp_path / "corpus")
    assert "rules.yaml" in str(e.value) and f"第{line}行" in str(e.value) and "最高不超过90万元" in str(e.value)
    assert not (tmp_path / "corpus").exists() or not any((tmp_path / "corpus").iterdir())
    assert not list(tmp_path.glob(".accept-*"))


def test_a_bad_rule_kind_is_refused_with_its_field_and_line(tmp_path):
    folder = make_draft(tmp_path)
    text = (folder / "rules.yaml").read_text(encoding="utf-8")
    (folder / "rules.yaml").write_text(text.replace("kind: unit", "kind: per_unit", 1), encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "kind: unit" in ln)
    with pytest.raises(DraftError, match=rf"rules.yaml 第{line}行，字段 rules\.1\.kind：取值不在允许范围内"):
        accept_draft(folder, tmp_path / "corpus")


def test_broken_yaml_in_a_draft_is_refused_with_its_line(tmp_path):
    folder = make_draft(tmp_path)
    with open(folder / "rules.yaml", "a", encoding="utf-8") as f:
        f.write("oops: [unclosed\n")
    with pytest.raises(DraftError, match=r"rules.yaml 第\d+行不是有效的 YAML"):
        accept_draft(folder, tmp_path / "corpus")


def test_rejected_rules_are_not_installed_and_what_only_they_used_is_dropped(tmp_path):
    folder = make_draft(tmp_path)
    set_rule_status(folder, "r3_3", "不采纳")
    set_rule_status(folder, "r3_2", "采纳")
    assert read_draft(folder).rule_status() == {"r3_1_1": "pending", "r3_1_2": "pending", "r3_2": "accepted",
                                                "r3_3": "rejected", "r3_4": "pending"}
    result = accept_draft(folder, tmp_path / "corpus")
    assert result.rejected == ["r3_3"] and result.pending == ["r3_1_1", "r3_1_2", "r3_4"]
    rules = yaml.safe_load((result.folder / "rules.yaml").read_text(encoding="utf-8"))
    assert [r["id"] for r in rules["rules"]] == ["r3_1_1", "r3_1_2", "r3_2", "r3_4"]
    assert not any(k.startswith("r3_3") for k in [*rules["parameters"], *rules["inputs"]])
    assert "review" not in rules and all("review" not in r for r in rules["rules"])
    record = yaml.safe_load((result.folder / "review.yaml").read_text(encoding="utf-8"))
    assert record["rejected"] == ["r3_3"] and any("叠加" in q for q in record["questions"])
    meta = yaml.safe_load((result.folder / "meta.yaml").read_text(encoding="utf-8"))
    assert meta["status"] == "本办法自印发之日起施行，有效期至2023年12月31日。" and meta["reviewed"] == date.today()


def test_an_edit_that_breaks_the_pack_is_refused_and_the_draft_is_unchanged(tmp_path):
    folder = make_draft(tmp_path)
    before = (folder / "rules.yaml").read_text(encoding="utf-8")
    broken = "id: r3_4\nclause: '3.4'\ntitle: 清洁生产\nkind: rate\nbase: r3_4_base\nrate: no_such_parameter\n"
    with pytest.raises(DraftError, match="引用了不存在的参数“no_such_parameter”"):
        set_rule_status(folder, "r3_4", "修改", broken)
    assert (folder / "rules.yaml").read_text(encoding="utf-8") == before
    with pytest.raises(DraftError, match="无法识别"):
        set_rule_status(folder, "r3_4", "maybe")


def test_an_edit_is_saved_with_its_review_marked_edited(tmp_path):
    folder = make_draft(tmp_path)
    rule = next(r for r in read_draft(folder).rules["rules"] if r["id"] == "r3_4")
    rule = {k: v for k, v in rule.items() if k != "conditions"}
    saved = set_rule_status(folder, "r3_4", "修改", yaml.safe_dump(rule, allow_unicode=True))
    assert status_of(saved) == "edited" and "conditions" not in saved
    assert saved["review"]["confidence"] == rule["review"]["confidence"]


def test_the_drafts_own_tests_run_on_acceptance_and_a_failing_one_refuses_it(tmp_path):
    folder = make_draft(tmp_path)
    (folder / "tests").mkdir()
    case = {"rule": "r3_4", "clause": "3.4", "as_of": "2023-06-30",
            "cases": [{"name": "审核咨询费七万六千元补助三万八千元", "profile": {"r3_4_base": "7.6万"},
                       "expect": {"total": 38000}}]}
    (folder / "tests" / "r3_4.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    assert accept_draft(folder, tmp_path / "corpus").tests == 1
    case["cases"][0]["expect"]["total"] = 40000
    (folder / "tests" / "r3_4.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    installed = (tmp_path / "corpus" / "anyuan-draft" / "rules.yaml").read_text(encoding="utf-8")
    with pytest.raises(DraftError, match="包内测试未通过.*total 为 38000.00，期望 40000"):
        accept_draft(folder, tmp_path / "corpus", replace=True)
    assert (tmp_path / "corpus" / "anyuan-draft" / "rules.yaml").read_text(encoding="utf-8") == installed


def test_a_docx_of_the_same_document_drafts_the_same_parameters(tmp_path):
    import docx

    from corpus.loaders import read_text
    from tools.drafting import draft_json

    d = docx.Document()
    for line in XINFENG.read_text(encoding="utf-8").split("\n"):
        d.add_paragraph(line)
    path = tmp_path / "xinfeng.docx"
    d.save(str(path))

    def params(text):
        return sorted((p["clause"], p["value"], p["unit"], p["source"])
                      for r in draft_json(draft_text(text, "xf"))["rules"] for p in r["parameters"])

    assert params(read_text(path)) == params(XINFENG.read_text(encoding="utf-8"))


def test_a_document_without_award_sentences_drafts_no_rules_and_still_installs(tmp_path):
    from tools.drafting import draft_json

    text = ("关于加强安全生产工作的通知\n\n一、总体要求\n各单位要落实安全生产责任制，定期开展隐患排查。\n\n"
            "二、工作措施\n（一）每季度开展一次检查。\n（二）发现问题及时整改。\n")
    out = draft_json(draft_text(text, "safety-notice"))
    assert [r for r in out["rules"] if r["kind"] not in ("budget", "classification", "document_cap")] == []
    assert out["unparsed"] == [] and out["sentences"] == []
    assert any("印发日期" in q for q in out["questions"]) and any("适用地区" in q for q in out["questions"])
    folder = tmp_path / "drafts" / "safety-notice"
    write_draft(draft_text(text, "safety-notice"), folder)
    assert accept_draft(folder, tmp_path / "corpus").rules == []


def test_an_id_is_suggested_from_the_file_name_or_the_document_number():
    from tools.drafting import suggest_id

    assert suggest_id("Anyuan-2021-9") == "anyuan-2021-9"
    assert suggest_id("安远县政策", "安府发〔2021〕9号") == "draft-2021-9"
