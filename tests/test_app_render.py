"""What the web UI renders: highlighted clause text, citation cards, the profile from the form, the stamped report."""

from __future__ import annotations

import pytest

from webapp import render
from webapp.services import Services, UserError


@pytest.fixture(scope="module")
def services():
    return Services()


def test_highlight_escapes_html_and_marks_every_occurrence():
    out = render.highlight("<b>上云</b>补贴，上云", ["上云"])
    assert out == "&lt;b&gt;<mark>上云</mark>&lt;/b&gt;补贴，<mark>上云</mark>"


def test_touching_matches_share_one_mark():
    assert render.highlight("接入二级节点", ["二级", "节点"]) == "接入<mark>二级节点</mark>"


def test_a_quote_that_is_not_verbatim_marks_only_its_verbatim_sentences():
    text = "甲乙丙丁。戊己庚辛。"
    assert render.quote_needles("甲乙丙丁", text) == ["甲乙丙丁"]
    assert render.quote_needles("甲乙丙丁……戊己庚辛", text) == ["甲乙丙丁", "戊己庚辛"]
    assert render.quote_needles("并不存在的句子", text) == []


def test_a_citation_card_shows_label_path_units_and_the_marked_quote(services):
    card = render.citations_html(services, [{"doc": "longnan-2022-40", "clause": "4.3.5", "label": "四（三）5",
                                             "quote": "单个企业最高不超过 5 万元。"}])
    assert "四（三）5" in card and "四、保障措施" in card
    assert "<mark>单个企业最高不超过 5 万元。</mark>" in card
    assert "市工信局、市财政局" in card
    assert "longnan-2022-40#4.3.5" not in card.replace("data-ref='longnan-2022-40#4.3.5'", "")  # label, not id


def test_a_citation_to_a_missing_clause_is_shown_as_such(services):
    card = render.citations_html(services, [{"doc": "longnan-2022-40", "clause": "9.9", "label": "九（九）"}])
    assert "未能在文件中找到该条款" in card


def test_the_calculators_pdf_from_the_web_form_is_written_in_the_bounded_temp_area(services, tmp_path):
    from webapp.tempfiles import TempArea
    from webapp.ui import write_sheet

    profile = {"above_scale": True, "projects": [{"equipment": "1200万", "completed": True, "in_national_stats": True,
                                                  "complies_industrial_policy": True}]}
    area = TempArea(tmp_path / "tmp")
    path = write_sheet(services, area, profile, services.calc(profile), services.claimable(profile))
    assert path.read_bytes().startswith(b"%PDF") and path.name == "奖补测算单.pdf"
    assert path.parent.parent == area.root and path.parent.name.startswith("pa-report-")


def test_questions_are_checked_before_anything_is_asked(services):
    with pytest.raises(UserError) as empty:
        services.check_question(" \n ")
    assert empty.value.status == 400 and "问题不能为空" in str(empty.value)
    with pytest.raises(UserError) as long:
        services.check_question("问" * (services.settings.max_question_chars + 1))
    assert long.value.status == 413
    with pytest.raises(UserError):
        services.check_question(42)
