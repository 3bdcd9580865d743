"""The import report says what was found in a policy, what was repaired and what a person should check;
an import writes a whole pack folder or nothing."""

from __future__ import annotations

import json

import pytest
import yaml
from import_fixtures import POLICY_DIR, policy_text

from corpus import CorpusError, ImportRefused, add_document, inspect_import, load_corpus, prepare_import

EXPECTED = {
    "longnan-2022-40": {"doc_number": "龙办发〔2022〕40号", "issuers": ["中共龙南市委办公室", "龙南市人民政府办公室"],
                        "place": "龙南市", "issued": "2022-08-15", "effective": None, "expires": None},
    "nankang-2023-15": {"doc_number": "康府办字〔2023〕15号", "issuers": ["赣州市南康区人民政府办公室"], "place": "南康区",
                        "issued": "2023-06-28", "effective": "2023-07-01", "expires": "2028-06-30"},
    "anyuan-2021-9": {"doc_number": "安府发〔2021〕9号", "issuers": ["安远县人民政府"], "place": "安远县",
                      "issued": "2021-04-12", "effective": "2021-04-12", "expires": "2023-12-31"},
}


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_the_report_finds_number_issuers_place_and_dates(doc_id):
    found = inspect_import(POLICY_DIR / f"{doc_id}.txt", doc_id).found
    assert {k: getattr(found, k) for k in EXPECTED[doc_id]} == EXPECTED[doc_id]


def test_the_report_gives_the_outline_status_and_interpreting_unit():
    report = inspect_import(POLICY_DIR / "nankang-2023-15.txt", "nk")
    f = report.found
    assert f.clause_count == 27 and [o.id for o in f.outline][:4] == ["notice", "0", "1", "1.1"]
    assert f.outline[2].label == "第一条" and f.outline[2].heading == "支持对象"
    assert f.status == "自2023年7月1日起施行，有效期5年（至2028年6月30日）"
    assert f.consult_unit == "区工业和信息化局"
    assert f.title == "南康区推进工业企业数字化智能化改造的若干政策措施"
    assert report.needs_review.missing == []


def test_a_paragraph_that_fits_no_clause_is_listed_for_a_person():
    report = inspect_import(POLICY_DIR / "anyuan-2021-9.txt", "ay")
    assert report.needs_review.unplaced_paragraphs == ["（此件公开发布）"]
    assert "未归入任何条款的段落" in report.to_text()


def test_the_report_is_plain_json_and_readable_chinese():
    report = inspect_import(POLICY_DIR / "longnan-2022-40.txt", "ln")
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["found"]["doc_number"] == "龙办发〔2022〕40号" and data["accepted"] is True
    assert data["needs_review"]["missing"] == ["施行日期", "有效期"]
    text = report.to_text()
    assert "文号：龙办发〔2022〕40号" in text and "适用地区（据发文机关推断）：龙南市" in text
    assert "4.3.7  四（三）7" in text


def test_an_import_writes_source_and_meta_as_a_pack_folder(tmp_path):
    root = tmp_path / "corpus"
    doc = add_document(POLICY_DIR / "nankang-2023-15.txt", "nk-2023-15", root)
    assert sorted(p.name for p in (root / "nk-2023-15").iterdir()) == ["meta.yaml", "source.txt"]
    meta = yaml.safe_load((root / "nk-2023-15" / "meta.yaml").read_text(encoding="utf-8"))
    assert list(meta)[:3] == ["id", "doc_number", "title"]
    assert meta["place"] == "南康区" and str(meta["expires"]) == "2028-06-30"
    assert meta["source_file"] == "nankang-2023-15.txt" and meta["issuers"] == ["赣州市南康区人民政府办公室"]
    assert doc.report.accepted and doc.report.found.clause_count == len(doc) == 27
    assert load_corpus([root], bundled=False).clause("nk-2023-15#6").text == doc.clause("6").text


def test_the_documents_own_meta_wins_over_what_is_found(tmp_path):
    doc = add_document(POLICY_DIR / "anyuan-2021-9.txt", "ay", tmp_path, {"title": "安远绿色低碳办法", "issued": "2021-04-13"})
    assert doc.title == "安远绿色低碳办法" and str(doc.meta["issued"]) == "2021-04-13"


@pytest.mark.parametrize("text,reason", [
    ("县领导调研工业园区\n\n今天上午，县领导一行深入工业园区调研企业生产经营情况。\n", "文号"),
    ("某县文件\n\n某府发〔2023〕1号\n\n关于做好节日值班的通知\n\n各单位：请做好节日期间值班工作。\n", "条款结构"),
])
def test_a_file_that_is_not_a_policy_is_refused_and_nothing_is_written(tmp_path, text, reason):
    src = tmp_path / "x.txt"
    src.write_text(text, encoding="utf-8")
    root = tmp_path / "corpus"
    with pytest.raises(ImportRefused) as e:
        add_document(src, "not-policy", root)
    assert reason in str(e.value) and not e.value.report.accepted
    assert not root.exists() or list(root.iterdir()) == []


def test_a_policy_without_a_number_imports_when_the_number_is_given(tmp_path):
    src = tmp_path / "p.txt"
    src.write_text(policy_text("anyuan-2021-9").replace("安府发〔2021〕9号", ""), encoding="utf-8")
    assert not prepare_import(src, "a").report.accepted
    doc = add_document(src, "a", tmp_path / "c", {"doc_number": "安府发〔2021〕9号"})
    assert doc.doc_number == "安府发〔2021〕9号"


def test_an_existing_id_is_refused_unless_replace_is_asked(tmp_path):
    root = tmp_path / "corpus"
    add_document(POLICY_DIR / "anyuan-2021-9.txt", "policy", root)
    before = (root / "policy" / "source.txt").read_text(encoding="utf-8")
    with pytest.raises(CorpusError, match="已存在.*--replace"):
        add_document(POLICY_DIR / "nankang-2023-15.txt", "policy", root)
    assert (root / "policy" / "source.txt").read_text(encoding="utf-8") == before
    doc = add_document(POLICY_DIR / "nankang-2023-15.txt", "policy", root, replace=True)
    assert doc.doc_number == "康府办字〔2023〕15号"
    assert sorted(p.name for p in root.iterdir()) == ["policy"]  # no temporary or replaced folder left


def test_a_leftover_temporary_folder_is_never_loaded_as_a_document(tmp_path):
    root = tmp_path / "corpus"
    add_document(POLICY_DIR / "anyuan-2021-9.txt", "ay", root)
    stale = root / ".import-other-abc"
    stale.mkdir()
    for name in ("meta.yaml", "source.txt"):
        (stale / name).write_bytes((root / "ay" / name).read_bytes())
    assert [d.id for d in load_corpus([root], bundled=False)] == ["ay"]


def test_a_marker_out_of_sequence_is_listed_as_a_numbering_gap(tmp_path):
    src = tmp_path / "gap.txt"
    src.write_text("某县人民政府文件\n某府发〔2023〕3号\n某县工业奖补办法\n一、总则\n本办法适用于全县。\n"
                   "三、奖励\n对规上企业奖励5万元。\n", encoding="utf-8")
    report = inspect_import(src, "gap")
    assert report.needs_review.numbering_gaps == ["三、奖励"]
    assert "编号不连续" in report.to_text()
