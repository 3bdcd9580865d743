"""Policy files in .txt, .md, .docx and .pdf load into the same clause tree; bad files fail clearly."""

from __future__ import annotations

import re
import shutil

import pytest

from corpus import BUNDLED_DIR, CorpusError, add_document, load_corpus, parse_text
from corpus.loaders import read_text

SEED = BUNDLED_DIR / "longnan-2022-40" / "source.txt"


def _has_chinese(s: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", s))


def test_a_docx_built_from_the_seed_round_trips_to_the_same_tree(tmp_path):
    import docx

    d = docx.Document()
    for line in SEED.read_text(encoding="utf-8").split("\n"):
        d.add_paragraph(line)
    path = tmp_path / "policy.docx"
    d.save(str(path))
    from_docx = parse_text(read_text(path), "x")
    from_txt = parse_text(SEED.read_text(encoding="utf-8"), "x")
    assert list(from_docx.clauses) == list(from_txt.clauses)
    assert [c.text for c in from_docx] == [c.text for c in from_txt]


def test_markdown_headings_are_read_as_plain_policy_text(tmp_path):
    path = tmp_path / "p.md"
    path.write_text("# 某县办法\n\n## 一、目标\n\n推动发展。\n\n## 二、措施\n\n（一）**加大支持**。给予奖励。\n", encoding="utf-8")
    d = parse_text(read_text(path), "md")
    assert list(d.clauses) == ["1", "2", "2.1"]
    assert d.clause("2.1").heading == "加大支持"


def test_gbk_encoded_text_is_decoded(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("一、总则\n本办法适用于全市。\n".encode("gbk"))
    assert parse_text(read_text(path), "g").clause("1").text == "本办法适用于全市。"


@pytest.mark.parametrize(
    "name,content",
    [("empty.txt", b""), ("binary.txt", b"\x00\x01\x02\xff" * 100), ("bad.docx", b"not a zip"),
     ("bad.pdf", b"%PDF-garbage"), ("policy.xlsx", b"whatever")],
)
def test_malformed_files_give_a_chinese_error_not_a_traceback(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError) as e:
        parse_text(read_text(path), "bad")
    assert _has_chinese(str(e.value))


def test_a_pdf_without_a_text_layer_is_refused_with_a_reason(tmp_path):
    import pypdf

    w = pypdf.PdfWriter()
    w.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with open(path, "wb") as f:
        w.write(f)
    with pytest.raises(CorpusError, match="文本层"):
        read_text(path)


def test_added_documents_load_beside_the_bundled_one(tmp_path):
    src = tmp_path / "other.txt"
    src.write_text("赣州市某区工业奖补办法\n\n赣区发〔2023〕7号\n\n一、适用范围\n本办法适用于全区工业企业。\n二、奖励标准\n1. 对新认定的专精特新企业奖励 10 万元。\n", encoding="utf-8")
    root = tmp_path / "corpus"
    doc = add_document(src, "other-2023-7", root)
    assert doc.meta["doc_number"] == "赣区发〔2023〕7号"
    corpus = load_corpus([root])
    bundled = sorted(d.id for d in load_corpus())
    assert sorted(d.id for d in corpus) == sorted([*bundled, "other-2023-7"])
    assert corpus.clause("other-2023-7#2.1").label == "二1"


def test_adding_a_bad_id_or_a_bundled_id_is_refused(tmp_path):
    src = tmp_path / "x.txt"
    shutil.copy(SEED, src)
    with pytest.raises(CorpusError):
        add_document(src, "Bad Id!", tmp_path)
    with pytest.raises(CorpusError):
        add_document(src, "longnan-2022-40", tmp_path)


def test_the_genres_silence_categories_load_and_a_malformed_entry_is_refused_naming_file_and_entry(tmp_path):
    from corpus.packs import PackError, read_genre

    kinds = [s.kind for s in read_genre().silences]
    assert {"materials", "deadline", "validity", "penalty"} <= set(kinds) and len(kinds) == len(set(kinds))
    bad = tmp_path / "genre.yaml"
    bad.write_text("silences:\n  - kind: contact\n    words: 电话\n", encoding="utf-8")  # no `what`
    with pytest.raises(PackError) as e:
        read_genre(bad)
    assert "genre.yaml" in str(e.value) and "contact" in str(e.value) and "what" in str(e.value)


def test_a_genre_document_fact_of_an_unknown_kind_is_refused_naming_the_section_and_the_entry(tmp_path):
    from corpus.packs import PackError, read_genre

    bad = tmp_path / "genre.yaml"
    bad.write_text("silences: []\ndocument_facts:\n  - kind: number\n    words: 文号\n  - kind: 印章\n    words: 盖章\n",
                   encoding="utf-8")
    with pytest.raises(PackError) as e:
        read_genre(bad)
    assert "document_facts" in str(e.value) and "第2个" in str(e.value) and "印章" in str(e.value)


def test_every_genre_category_with_words_is_a_valid_pattern_once_its_vocabularies_are_filled_in():
    from assistant.understand.scope import ABSTAIN_PATTERNS, SILENCE_WHAT

    assert ABSTAIN_PATTERNS and all(k in SILENCE_WHAT for k, _ in ABSTAIN_PATTERNS)
    assert all("<" not in rx.pattern.replace("(?<", "") for _, rx in ABSTAIN_PATTERNS)  # no placeholder left
    from assistant.understand.scope import DATED_PATTERNS, PROCEDURE, STACKING, WITH_TITLES

    others = [*(rx for _, rx in DATED_PATTERNS), *PROCEDURE.values(), *(rx for _, rx in STACKING), *WITH_TITLES.values()]
    assert DATED_PATTERNS and PROCEDURE and STACKING and WITH_TITLES
    assert all("<" not in rx.pattern.replace("(?<", "") for rx in others)
