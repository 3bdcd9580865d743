"""A policy page saved from a government website imports its article, not the site's navigation."""

from __future__ import annotations

import pytest
from import_fixtures import DOC_IDS, make_html, policy_text

from corpus import CorpusError, parse_text, prepare_import
from corpus.importers import extract


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_a_saved_web_page_parses_into_the_same_clauses_as_the_clean_text(tmp_path, doc_id):
    path = make_html(policy_text(doc_id), tmp_path / f"{doc_id}.html")
    text = extract(path).text
    got, ref = parse_text(text, doc_id), parse_text(policy_text(doc_id), doc_id)
    assert [(c.id, c.label, c.text) for c in got] == [(c.id, c.label, c.text) for c in ref]
    for furniture in ("首页", "分享到", "版权所有", "索引号"):
        assert furniture not in text


def test_the_web_page_import_finds_the_documents_number_and_title(tmp_path):
    path = make_html(policy_text("anyuan-2021-9"), tmp_path / "page.htm")
    report = prepare_import(path, "anyuan-web").report
    assert report.accepted and report.format == "html"
    assert report.found.doc_number == "安府发〔2021〕9号"
    assert report.found.title == "安远县支持工业绿色低碳发展的实施办法"


def test_a_page_with_no_policy_on_it_is_refused_in_chinese(tmp_path):
    path = tmp_path / "news.html"
    path.write_text("<html><head><title>首页</title></head><body><div class=nav>首页</div>"
                    "<div class=article><p>今天上午，县领导调研了工业园区的企业生产情况。</p></div></body></html>",
                    encoding="utf-8")
    report = prepare_import(path, "news").report
    assert not report.accepted and "文号" in report.refused_reason


def test_a_page_with_no_text_at_all_is_refused_in_chinese(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><head></head><body><script>var a=1;</script></body></html>", encoding="utf-8")
    with pytest.raises(CorpusError, match="没有找到正文"):
        extract(path)


def test_the_number_is_taken_from_the_index_table_when_the_article_omits_it(tmp_path):
    text = policy_text("nankang-2023-15")
    path = make_html(text, tmp_path / "page.html")
    page = path.read_text(encoding="utf-8").replace("<p>康府办字〔2023〕15号</p>", "")
    path.write_text(page, encoding="utf-8")
    assert "康府办字" not in extract(path).text
    report = prepare_import(path, "nk-web").report
    assert report.accepted and report.found.doc_number == "康府办字〔2023〕15号"
    assert any("索引信息栏" in n for n in report.notes)
