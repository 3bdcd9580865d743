"""A .docx whose 第一条 / （一） / 1. are Word's automatic numbering imports with the labels Word shows."""

from __future__ import annotations

import re
import time
import zipfile

import pytest
from import_fixtures import DOC_IDS, W, docx_with_xml, make_docx, policy_text, wrap_body, zip_bomb_docx

from corpus import CorpusError, ImportLimits, parse_text
from corpus.importers import extract
from corpus.importers.docx import format_number


def tree(doc):
    # a title's spaces are typesetting (the .txt keeps one where the original broke the line)
    return [(c.id, c.label, re.sub(r"\s", "", c.heading), c.text) for c in doc]


@pytest.fixture(scope="module")
def docx_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    out = {}
    for d in DOC_IDS:
        path = folder / f"{d}.docx"
        out[d] = (path, make_docx(policy_text(d), path))
    return out


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_an_auto_numbered_docx_parses_into_the_same_clauses_as_the_clean_text(docx_files, doc_id):
    path, info = docx_files[doc_id]
    assert info["numbered"] >= 20 and info["title_split"] and info["page_break_in"]
    ext = extract(path)
    assert tree(parse_text(ext.text, doc_id)) == tree(parse_text(policy_text(doc_id), doc_id))
    assert ext.repairs.numbering_restored == info["numbered"]
    assert ext.repairs.titles_joined == 1 and ext.repairs.page_breaks_removed == 1


def test_the_labels_are_those_word_shows(docx_files):
    lines = extract(docx_files["nankang-2023-15"][0]).text.split("\n")
    assert "第一条 支持对象。享受本措施的企业，应当同时符合下列条件：" in lines
    assert any(ln.startswith("第十条 附则") for ln in lines)
    assert any(ln.startswith("（三）申报第二条、第四条、第六条支持的") for ln in lines)
    anyuan = extract(docx_files["anyuan-2021-9"][0]).text.split("\n")
    assert "九、附则" in anyuan and any(ln.startswith("3.申报项目在安远县境内建设") for ln in anyuan)


def test_a_title_over_two_paragraphs_and_a_notice_title_with_a_line_break_are_whole(docx_files):
    path, info = docx_files["nankang-2023-15"]
    lines = extract(path).text.split("\n")
    assert info["title_split"] in lines
    assert "赣州市南康区人民政府办公室关于印发《南康区推进工业企业数字化智能化改造的若干政策措施》的通知" in lines
    assert parse_text("\n".join(lines), "n").title == "南康区推进工业企业数字化智能化改造的若干政策措施"


def test_a_page_break_inside_a_paragraph_leaves_no_trace(docx_files):
    path, info = docx_files["longnan-2022-40"]
    assert info["page_break_in"] in extract(path).text.split("\n")


@pytest.mark.parametrize("fmt,values", [
    ("decimal", {1: "1", 12: "12"}),
    ("chineseCounting", {1: "一", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 99: "九十九", 100: "一百", 101: "一百零一", 110: "一百一十"}),
    ("chineseCountingThousand", {3: "三", 15: "十五", 1001: "一千零一"}),
    ("ideographTraditional", {1: "甲", 2: "乙", 10: "癸"}),
    ("ideographDigital", {10: "一〇", 3: "三"}),
    ("chineseLegalSimplified", {1: "壹", 12: "拾贰"}),
    ("decimalEnclosedCircle", {1: "①", 3: "③"}),
    ("lowerLetter", {1: "a", 27: "aa"}),
    ("upperRoman", {4: "IV", 9: "IX"}),
])
def test_number_formats_draw_as_word_draws_them(fmt, values):
    assert {n: format_number(n, fmt) for n in values} == values


def _numbering(levels: str, nums: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{W}">{levels}{nums}</w:numbering>'.encode()


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}<w:suff w:val="nothing"/></w:lvl>')


def _p(text: str, num: int | None = None, ilvl: int = 0) -> str:
    npr = f'<w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>' if num else ""
    return f"<w:p>{npr}<w:r><w:t>{text}</w:t></w:r></w:p>"


def test_start_values_restarts_and_overrides_follow_the_numbering_definitions(tmp_path):
    never = '<w:lvlRestart w:val="0"/>'
    levels = (f'<w:abstractNum w:abstractNumId="1">{_lvl(0, "chineseCounting", "%1、", start=3)}'
              f'{_lvl(1, "chineseCounting", "（%2）")}{_lvl(2, "decimal", "%3.", extra=never)}'
              "</w:abstractNum>"
              f'<w:abstractNum w:abstractNumId="2">{_lvl(0, "decimal", "第%1条")}{_lvl(1, "decimal", "%1.%2", extra="<w:isLgl/>")}</w:abstractNum>')
    nums = ('<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
            '<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>'
            '<w:num w:numId="3"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>')
    body = "".join([
        _p("甲", 1, 0), _p("乙", 1, 1), _p("丙", 1, 2), _p("丁", 1, 1), _p("戊", 1, 2),  # 三、（一）1. （二）2.
        _p("己", 1, 0), _p("庚", 1, 1),  # 四、（一） — level 1 restarts, level 2 (lvlRestart 0) would not
        _p("辛", 2, 0), _p("壬", 2, 1), _p("癸", 2, 0),  # 第1条 1.1 第2条
        _p("子", 3, 0),  # a list restarted at 7 by its w:num
        _p("无编号"),
    ])
    path = docx_with_xml(tmp_path / "n.docx", wrap_body(body), _numbering(levels, nums))
    assert extract(path).text.split("\n") == [
        "三、甲", "（一）乙", "1.丙", "（二）丁", "2.戊", "四、己", "（一）庚", "第1条辛", "1.1壬", "第2条癸", "第7条子", "无编号"]


def test_numbering_given_by_a_paragraph_style_is_written_out(tmp_path):
    styles = (f'<?xml version="1.0"?><w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="Article">'
              '<w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style></w:styles>').encode()
    numbering = _numbering(f'<w:abstractNum w:abstractNumId="9">{_lvl(0, "chineseCounting", "第%1条")}</w:abstractNum>',
                           '<w:num w:numId="4"><w:abstractNumId w:val="9"/></w:num>')
    body = "".join(f'<w:p><w:pPr><w:pStyle w:val="Article"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>' for t in ("总则。", "附则。"))
    path = docx_with_xml(tmp_path / "s.docx", wrap_body(body), numbering)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("word/styles.xml", styles)
    assert extract(path).text.split("\n") == ["第一条总则。", "第二条附则。"]


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated(tmp_path):
    path = zip_bomb_docx(tmp_path / "bomb.docx", xml_mb=100)
    assert path.stat().st_size < 2 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(CorpusError, match="压缩炸弹"):
        extract(path)
    assert time.monotonic() - started < 10


def test_xml_over_the_part_limit_is_refused_even_if_the_zip_directory_lies(tmp_path):
    path = zip_bomb_docx(tmp_path / "b.docx", xml_mb=3)
    with pytest.raises(CorpusError, match="MB 上限"):
        extract(path, ImportLimits(max_xml_bytes=1024 * 1024, max_docx_uncompressed=1024 * 1024 * 1024))


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04" + b"\x00" * 60])
def test_a_file_that_is_not_a_docx_is_refused_in_chinese(tmp_path, content):
    path = tmp_path / "old.docx"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match="不是有效的 Word"):
        extract(path)


def test_a_docx_with_broken_xml_is_refused_in_chinese(tmp_path):
    path = docx_with_xml(tmp_path / "x.docx", b"<w:document><w:body><w:p>")
    with pytest.raises(CorpusError, match="不是有效的 XML"):
        extract(path)
