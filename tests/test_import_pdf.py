"""A PDF from a government website imports to the same clause tree as the clean text of the same document."""

from __future__ import annotations

import re

import pypdf
import pytest
from import_fixtures import DOC_IDS, PAGE_NUMBER_STYLES, make_text_pdf, policy_text

from corpus import CorpusError, ImportLimits, parse_text, prepare_import
from corpus.importers import extract


def docno(doc_id: str) -> str:
    return re.search(r"^\S+〔\d{4}〕\d+号$", policy_text(doc_id), re.M).group(0)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for d in DOC_IDS:
        path = folder / f"{d}.pdf"
        layout = make_text_pdf(policy_text(d), path, header=docno(d), page_number=PAGE_NUMBER_STYLES[d])
        out[d] = (path, layout)
    return out


@pytest.fixture(scope="module")
def extracted(pdfs):
    return {d: extract(path) for d, (path, _) in pdfs.items()}


def tree(doc):
    return [(c.id, c.label, c.text) for c in doc]


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_a_text_pdf_parses_into_the_same_clauses_as_the_clean_text(pdfs, extracted, doc_id):
    _, layout = pdfs[doc_id]
    # the fixture is what a bureau gets: several pages, wrapped lines, a paragraph running onto the next page
    assert layout.pages >= 3 and layout.wrapped_lines > 40 and layout.split_paragraphs
    from_txt = parse_text(policy_text(doc_id), doc_id)
    from_pdf = parse_text(extracted[doc_id].text, doc_id)
    assert tree(from_pdf) == tree(from_txt)
    assert [re.sub(r"\s", "", c.heading) for c in from_pdf] == [re.sub(r"\s", "", c.heading) for c in from_txt]
    assert from_pdf.title == from_txt.title


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_page_numbers_and_running_headers_are_dropped_and_reported(pdfs, extracted, doc_id):
    _, layout = pdfs[doc_id]
    ext = extracted[doc_id]
    r = ext.repairs
    assert r.page_numbers_dropped == layout.pages
    assert r.headers_footers_dropped == layout.pages and r.header_footer_texts == [docno(doc_id)]
    assert r.paragraphs_rejoined >= 1 and r.lines_joined >= 40
    text = ext.text
    assert not re.search(r"^(— \d+ —|- \d+ -|第\d+页 共\d+页)$", text, re.M)
    # the 文号 survives once where the document prints it under the red header, not once per page
    assert text.count(docno(doc_id)) == 1
    head = text.split("\n")[:3]
    assert head[0].endswith("文件") and head[1] == docno(doc_id)


def test_a_two_line_title_and_the_notice_lines_are_kept(extracted):
    lines = extracted["nankang-2023-15"].text.split("\n")
    assert "赣州市南康区人民政府办公室关于印发《南康区推进工业企业数字化智能化改造的若干政策措施》的通知" in lines
    assert "各乡镇人民政府、街道办事处，区政府各部门，区直、驻区各单位：" in lines
    assert any(ln.endswith("2023年6月28日印发") for ln in lines)


def test_the_report_of_a_pdf_import_counts_what_was_repaired(pdfs):
    path, layout = pdfs["anyuan-2021-9"]
    report = prepare_import(path, "anyuan-pdf").report
    assert report.accepted and report.format == "pdf" and report.pages == layout.pages
    assert report.repaired.page_numbers_dropped == layout.pages
    assert report.repaired.paragraphs_rejoined >= 1
    assert report.found.doc_number == "安府发〔2021〕9号" and report.found.clause_count == 38


def _write(writer: pypdf.PdfWriter, path):
    with open(path, "wb") as f:
        writer.write(f)
    return path


def test_an_encrypted_pdf_is_refused_with_a_chinese_reason(pdfs, tmp_path):
    w = pypdf.PdfWriter(clone_from=str(pdfs["anyuan-2021-9"][0]))
    w.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    with pytest.raises(CorpusError, match="已加密"):
        extract(_write(w, tmp_path / "locked.pdf"))


def test_a_pdf_locked_only_against_copying_still_imports(pdfs, tmp_path):
    # government sites often publish PDFs with an owner password and no user password
    w = pypdf.PdfWriter(clone_from=str(pdfs["anyuan-2021-9"][0]))
    w.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    text = extract(_write(w, tmp_path / "owner.pdf")).text
    assert tree(parse_text(text, "a")) == tree(parse_text(policy_text("anyuan-2021-9"), "a"))


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_a_corrupt_pdf_is_refused_with_a_chinese_reason(pdfs, tmp_path, damage):
    data = pdfs["nankang-2023-15"][0].read_bytes()
    bad = data[: len(data) // 3] if damage == "truncated" else b"%PDF-1.7\n" + bytes(range(256)) * 40
    path = tmp_path / "bad.pdf"
    path.write_bytes(bad)
    with pytest.raises(CorpusError) as e:
        extract(path)
    assert re.search(r"[\u4e00-\u9fff]", str(e.value)) and "Traceback" not in str(e.value)


def test_a_pdf_over_the_page_limit_is_refused(tmp_path):
    w = pypdf.PdfWriter()
    for _ in range(300):
        w.add_blank_page(width=595, height=842)
    path = _write(w, tmp_path / "huge.pdf")
    with pytest.raises(CorpusError, match="300 页.*上限 200 页"):
        extract(path)


def test_the_page_limit_is_configurable(pdfs):
    path, layout = pdfs["longnan-2022-40"]
    with pytest.raises(CorpusError, match=f"共 {layout.pages} 页"):
        extract(path, ImportLimits(max_pages=layout.pages - 1))
    assert extract(path, ImportLimits(max_pages=layout.pages)).pages == layout.pages


def test_a_scanned_pdf_is_refused_when_ocr_is_switched_off(tmp_path):
    w = pypdf.PdfWriter()
    w.add_blank_page(width=595, height=842)
    path = _write(w, tmp_path / "scan.pdf")
    with pytest.raises(CorpusError, match="扫描件.*文字识别"):
        extract(path, ImportLimits(ocr=False))
