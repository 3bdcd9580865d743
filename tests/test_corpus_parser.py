"""The seed policy parses into the fixed clause tree of DESIGN §3, verbatim."""

from __future__ import annotations

import re

import pytest

from corpus import ClauseNotFound, Corpus, CorpusError, default_corpus, interpretations, parse_text

EXPECTED_IDS = ["notice", "0", "1", "2", "3", "3.1", "3.2", "3.3", "3.4", "3.5", "4", "4.1", "4.2", "4.3",
                "4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5", "4.3.6", "4.3.7", "4.4", "4.5"]


@pytest.fixture(scope="module")
def doc():
    return default_corpus().document("longnan-2022-40")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_seed_parses_into_exactly_the_design_ids(doc):
    assert list(doc.clauses) == EXPECTED_IDS


def test_page_breaks_inside_words_are_joined(doc):
    assert "科技成果信息共享平台" in doc.clause("3.1").text
    assert "公共服务示范平台" in doc.clause("3.4").text
    assert "出台工业企业技改扶持政策，每年培育" in doc.clause("4.3").text
    assert "推动工业园区改造" in doc.clause("3.3").text


def test_responsible_units_on_their_own_line_belong_to_the_clause_before(doc):
    assert doc.clause("3.3").units == ("市工信局", "区招商与企业服务局", "区经发局", "市发改委", "市科创中心")


def test_every_clause_text_appears_verbatim_in_the_source(doc):
    source = _squash(doc.source)
    for c in doc:
        assert _squash(c.text) in source, c.id
        assert _squash(c.heading) in source, c.id


def test_no_source_paragraph_is_dropped(doc):
    covered = _squash("".join(c.full_text for c in doc))
    body_start = doc.source.index("各乡镇党委")
    body_end = doc.source.index("抄送")
    for para in doc.source[body_start:body_end].split("\n"):
        para = re.sub(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)", "", _squash(para))
        if para and para != "关于鼓励支持工业企业技改升级的实施意见":
            assert para in covered, para


def test_labels_follow_the_document_numbering(doc):
    assert doc.clause("4.3.1").label == "四（三）1"
    assert doc.clause("3.2").label == "三（二）"
    assert doc.clause("2").label == "二"
    assert doc.clause("4.3.7").label == "四（三）7"


def test_headings_are_the_short_titles(doc):
    assert doc.clause("3.1").heading == "创新成果转化工程"
    assert doc.clause("4.3").heading == "着力扩大政策效应"
    assert doc.clause("4").heading == "保障措施"
    assert doc.heading_path("4.3.5") == ["四、保障措施", "（三）着力扩大政策效应", "5."]


def test_parent_and_children_are_linked(doc):
    assert doc.clause("4.3").children == tuple(f"4.3.{i}" for i in range(1, 8))
    assert doc.clause("4.3.5").parent == "4.3"
    assert doc.clause("4").parent is None


def test_leaf_awards_inherit_the_units_of_their_parent(doc):
    assert doc.responsible_units("4.3.5") == ("市工信局", "市财政局")


def test_notice_and_opening_are_separate_clauses(doc):
    assert doc.clause("notice").text.startswith("各乡镇党委")
    assert doc.clause("notice").text.endswith("请认真抓好贯彻落实。")
    assert doc.clause("0").text.startswith("为推动我市") and doc.clause("0").text.endswith("制定本实施意见。")


def test_trailer_is_metadata_not_a_clause(doc):
    assert "抄送" not in doc.clause("4.5").text
    assert doc.meta["doc_number"] == "龙办发〔2022〕40号"
    assert str(doc.meta["issued"]) == "2022-08-15"


@pytest.mark.parametrize("ref", ["4.3.1", "四（三）1", "四(三)1", "longnan-2022-40#4.3.1", "第四部分第（三）项第1条", "４．３．１"])
def test_every_way_of_naming_a_clause_resolves(ref):
    assert default_corpus().clause(ref).id == "4.3.1"


def test_an_unknown_clause_suggests_the_nearest_ids():
    with pytest.raises(ClauseNotFound) as e:
        default_corpus().clause("4.3.9")
    assert "4.3.7" in str(e.value) and "未找到条款" in str(e.value)


def test_interpretations_are_data_with_a_basis(doc):
    items = interpretations(doc)
    ids = {i["id"] for i in items}
    assert {"equipment-threshold", "stacking", "tax-cap", "not-specified", "validity"} <= ids
    for i in items:
        assert i["basis"] in ("explicit", "assumption")
        assert i["clause"] is None or i["clause"] in doc.clauses


SYNTHETIC = """某市促进数字经济发展办法

第一条 为促进数字经济发展，制定本办法。

第二条 支持方向如下：
（1）数字化改造项目；
（2）工业互联网平台
建设项目。

第三条 本办法由市工信局负责解释。
"""


def test_a_synthetic_policy_with_articles_and_arabic_parentheses_parses():
    d = parse_text(SYNTHETIC, "synthetic")
    assert list(d.clauses) == ["1", "2", "2.1", "2.2", "3"]
    assert d.clause("2").label == "第二条"
    assert d.clause("2.2").label == "第二条（2）"
    assert d.clause("2.2").text == "工业互联网平台建设项目。"
    assert d.meta["title"] == "某市促进数字经济发展办法"


def test_a_document_with_no_headings_becomes_a_single_clause():
    d = parse_text("这是一段没有任何条款编号的通知正文。\n请各单位遵照执行。", "plain")
    assert list(d.clauses) == ["0"]
    assert "遵照执行" in d.clause("0").text


@pytest.mark.parametrize("bad", ["", "   \n\n ", "abc\x00def"])
def test_empty_or_binary_text_gives_a_chinese_error(bad):
    with pytest.raises(CorpusError) as e:
        parse_text(bad, "bad")
    assert re.search(r"[\u4e00-\u9fff]", str(e.value))


def test_two_documents_load_side_by_side():
    c = Corpus([parse_text(SYNTHETIC, "synthetic"), default_corpus().document()])
    assert c.clause("synthetic#2.1").text.startswith("数字化改造")
    assert c.clause("longnan-2022-40#4.3.5").label == "四（三）5"
    assert c.clause("4.3.5").doc_id == "longnan-2022-40"  # only one document has it
    with pytest.raises(CorpusError):
        c.clause("1")  # ambiguous without a document id
