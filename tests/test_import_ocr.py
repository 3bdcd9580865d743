"""A scan of the stamped paper copy (image-only PDF or PNG pages) imports through offline OCR to the clauses
of the same pages' text layer, with at least 99.5% of the characters right; doubtful lines are reported.

OCR takes seconds a page on this machine, so the tests read the first pages of each document (the
benchmark reads the whole documents) and each page is recognised once per session."""

from __future__ import annotations

import re

import pytest
from import_fixtures import (
    DOC_IDS,
    PAGE_NUMBER_STYLES,
    char_accuracy,
    clause_chars,
    first_pages,
    make_text_pdf,
    policy_text,
    rasterise,
    save_image_pdf,
    save_png_pages,
)

from corpus import CorpusError, ImportLimits, parse_text
from corpus.importers import extract

PAGES = {"nankang-2023-15": 2, "longnan-2022-40": 1, "anyuan-2021-9": 1}  # nankang: a paragraph crosses pages


@pytest.fixture(scope="session")
def scans(tmp_path_factory):
    """Per document: (text-layer extraction of the first pages, OCR of their PDF scan, OCR of their PNG scans)."""
    folder = tmp_path_factory.mktemp("scans")
    out = _Scans()
    for d in DOC_IDS:
        full = folder / f"{d}.pdf"
        make_text_pdf(policy_text(d), full, header=docno(d), page_number=PAGE_NUMBER_STYLES[d])
        part = first_pages(full, PAGES[d], folder / f"{d}-part.pdf")
        images = rasterise(part, dpi=120, skew=0.4)
        pdf_scan = save_image_pdf(images, folder / f"{d}-scan.pdf")
        pngs = save_png_pages(images, folder / d, d)
        out.pngs[d] = pngs
        out.pdfs[d] = (part, pdf_scan)
        calls = out.progress.setdefault(d, [])
        out[d] = (extract(part), extract(pdf_scan, progress=lambda *a, calls=calls: calls.append(a)),
                  extract(pngs if len(pngs) > 1 else pngs[0]))
    return out


def docno(doc_id: str) -> str:
    return re.search(r"^\S+〔\d{4}〕\d+号$", policy_text(doc_id), re.M).group(0)


class _Scans(dict):
    def __init__(self):
        super().__init__()
        self.pngs: dict = {}
        self.pdfs: dict = {}
        self.progress: dict = {}


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize("kind", ["pdf", "png"])
def test_a_scan_reads_into_the_same_clause_ids_with_nearly_every_character_right(scans, doc_id, kind):
    text_layer, pdf_scan, png_scan = scans[doc_id]
    ref = parse_text(text_layer.text, doc_id)
    got = parse_text((pdf_scan if kind == "pdf" else png_scan).text, doc_id)
    assert list(got.clauses) == list(ref.clauses)
    assert [c.label for c in got] == [c.label for c in ref]
    assert char_accuracy(clause_chars(ref), clause_chars(got)) >= 0.995


def test_the_text_layer_of_the_first_pages_holds_real_clauses(scans):
    # the comparison above is between trees that have something in them
    ids = list(parse_text(scans["nankang-2023-15"][0].text, "n").clauses)
    assert ids[:6] == ["notice", "0", "1", "1.1", "1.2", "1.3"] and "2.2" in ids


def test_a_pdf_without_a_text_layer_goes_to_ocr_by_itself(scans):
    _, pdf_scan, png_scan = scans["nankang-2023-15"]
    assert pdf_scan.format == "pdf-ocr" and pdf_scan.ocr_pages == PAGES["nankang-2023-15"]
    assert png_scan.format == "image" and png_scan.ocr_pages == PAGES["nankang-2023-15"]


def test_progress_is_reported_page_by_page(scans):
    calls = scans.progress["nankang-2023-15"]
    assert [c for c in calls if c[0] == "文字识别"] == [("文字识别", 1, 2), ("文字识别", 2, 2)]
    assert ("读取 PDF 页面", 2, 2) in calls


def test_a_pdf_with_one_scanned_page_among_text_pages_reads_both(scans, tmp_path):
    import pypdf

    part, pdf_scan = scans.pdfs["nankang-2023-15"]
    w = pypdf.PdfWriter()
    w.add_page(pypdf.PdfReader(str(part)).pages[0])
    w.add_page(pypdf.PdfReader(str(pdf_scan)).pages[1])  # the same scan as above: recognised from the cache
    mixed = tmp_path / "mixed.pdf"
    with open(mixed, "wb") as f:
        w.write(f)
    ext = extract(mixed)
    assert ext.format == "pdf+ocr" and ext.ocr_pages == 1
    ref = parse_text(scans["nankang-2023-15"][0].text, "n")
    got = parse_text(ext.text, "n")
    assert list(got.clauses) == list(ref.clauses)
    assert char_accuracy(clause_chars(ref), clause_chars(got)) >= 0.995


def test_ocr_repairs_page_furniture_and_joins_lines_like_a_text_pdf(scans):
    _, pdf_scan, _ = scans["nankang-2023-15"]
    r = pdf_scan.repairs
    assert r.page_numbers_dropped == PAGES["nankang-2023-15"]
    assert r.headers_footers_dropped == 2 and r.header_footer_texts == ["康府办字〔2023〕15号"]
    assert pdf_scan.text.count("康府办字〔2023〕15号") == 1
    assert r.paragraphs_rejoined >= 1 and r.lines_joined >= 20
    assert "第1页" not in pdf_scan.text and "第2页" not in pdf_scan.text


def test_every_line_carries_its_confidence_and_doubtful_ones_are_listed(scans):
    _, pdf_scan, _ = scans["longnan-2022-40"]
    strict = pdf_scan.low_confidence
    assert all(0 <= x.confidence < ImportLimits().ocr_min_confidence for x in strict)
    assert all(x.page == 1 and x.text for x in strict)


def test_a_higher_confidence_threshold_lists_more_lines_for_a_person(scans):
    _, _, png_scan = scans["anyuan-2021-9"]
    assert len(png_scan.low_confidence) < 10
    # the same page again (served from the OCR cache, not recognised twice), every line below the bar
    picky = extract(scans.pngs["anyuan-2021-9"][0], ImportLimits(ocr_min_confidence=1.01))
    assert len(picky.low_confidence) > 20 > len(png_scan.low_confidence)
    assert all(0.5 < x.confidence <= 1 for x in picky.low_confidence)


def _full(tmp_path, doc_id):
    path = tmp_path / f"{doc_id}.pdf"
    make_text_pdf(policy_text(doc_id), path, header="", page_number=PAGE_NUMBER_STYLES[doc_id])
    return path


def test_images_are_refused_when_ocr_is_unavailable(scans, tmp_path, monkeypatch):
    images = rasterise(_full(tmp_path, "anyuan-2021-9"), pages=1)
    png = save_png_pages(images, tmp_path, "a")[0]
    with pytest.raises(CorpusError, match="关闭文字识别"):
        extract(png, ImportLimits(ocr=False))
    monkeypatch.setitem(__import__("sys").modules, "rapidocr_onnxruntime", None)  # as if not installed
    with pytest.raises(CorpusError, match="未安装文字识别组件"):
        extract(png)


def test_a_corrupt_image_is_refused_in_chinese(tmp_path):
    path = tmp_path / "page.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(CorpusError, match="不是有效的图片"):
        extract(path)


def test_a_page_of_more_pixels_than_the_limit_is_refused(tmp_path):
    from PIL import Image

    path = tmp_path / "big.png"
    Image.new("L", (3000, 3000), 255).save(path)
    with pytest.raises(CorpusError, match="像素"):
        extract(path, ImportLimits(max_image_pixels=1_000_000))
