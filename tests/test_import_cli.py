"""`policy-assistant corpus add` as a bureau uses it: a report on screen or as JSON; every bad input a
Chinese error, a non-zero exit and the library exactly as it was."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pypdf
import pytest
from import_fixtures import POLICY_DIR, make_docx, policy_text, zip_bomb_docx
from typer.testing import CliRunner

from cli import app


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("POLICY_ASSISTANT_DATA_DIR", str(d))
    return d


def add(*args: str):
    return CliRunner().invoke(app, ["corpus", "add", *args])


def snapshot(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def seeded(data_dir: Path) -> dict[str, str]:
    """A library holding one earlier import, so 'unchanged' is checked against something."""
    r = add(str(POLICY_DIR / "anyuan-2021-9.txt"), "--id", "anyuan-2021-9-copy")
    assert r.exit_code == 0, r.stderr
    return snapshot(data_dir)


def assert_refused(r, data_dir: Path, before: dict, pattern: str):
    assert r.exit_code != 0
    assert re.search(pattern, r.stderr.replace("\n", "")), r.stderr
    assert "Traceback" not in r.stderr + r.stdout and "Error:" not in r.stderr
    assert snapshot(data_dir) == before


def test_corpus_add_prints_a_chinese_report_and_imports(data_dir, tmp_path):
    src = tmp_path / "nankang.docx"
    make_docx(policy_text("nankang-2023-15"), src)
    r = add(str(src), "--id", "nankang-docx")
    assert r.exit_code == 0, r.stderr
    assert "导入报告" in r.stdout and "文号：康府办字〔2023〕15号" in r.stdout
    assert "还原 Word 自动编号 25 个" in r.stdout and "合并分行标题 1 处" in r.stdout
    assert "已导入 nankang-docx" in r.stdout
    listed = CliRunner().invoke(app, ["corpus", "list", "--json"])
    assert "nankang-docx" in [row["id"] for row in json.loads(listed.stdout)]


def test_corpus_add_json_prints_the_report_object(data_dir):
    r = add(str(POLICY_DIR / "longnan-2022-40.txt"), "--id", "ln-copy", "--json")
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["doc_id"] == "ln-copy" and report["accepted"] is True
    assert report["found"]["issuers"] == ["中共龙南市委办公室", "龙南市人民政府办公室"]
    assert report["found"]["clause_count"] == 23 and report["found"]["outline"][-1]["id"] == "4.5"


def test_an_existing_id_is_refused_without_replace_and_replaced_with_it(data_dir):
    before = seeded(data_dir)
    r = add(str(POLICY_DIR / "nankang-2023-15.txt"), "--id", "anyuan-2021-9-copy")
    assert_refused(r, data_dir, before, "已存在.*--replace")
    r = add(str(POLICY_DIR / "nankang-2023-15.txt"), "--id", "anyuan-2021-9-copy", "--replace", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["found"]["doc_number"] == "康府办字〔2023〕15号"


def _pdf(tmp_path: Path, name: str, pages: int = 1, password: str | None = None) -> Path:
    w = pypdf.PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    if password:
        w.encrypt(user_password=password, owner_password="o", algorithm="AES-128")
    path = tmp_path / name
    with open(path, "wb") as f:
        w.write(f)
    return path


def test_an_encrypted_pdf_is_refused(data_dir, tmp_path):
    before = seeded(data_dir)
    assert_refused(add(str(_pdf(tmp_path, "locked.pdf", password="pw")), "--id", "x"), data_dir, before, "已加密")


def test_a_corrupt_pdf_is_refused(data_dir, tmp_path):
    before = seeded(data_dir)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog" + b"\xff" * 500)
    assert_refused(add(str(bad), "--id", "x"), data_dir, before, "不是有效的 PDF|已损坏")


def test_an_image_only_file_is_refused_when_ocr_is_off(data_dir, tmp_path):
    before = seeded(data_dir)
    r = add(str(_pdf(tmp_path, "scan.pdf")), "--id", "x", "--no-ocr")
    assert_refused(r, data_dir, before, "扫描件.*文字识别")


def test_a_300_page_pdf_is_refused_and_the_limit_comes_from_settings(data_dir, tmp_path, monkeypatch):
    before = seeded(data_dir)
    big = _pdf(tmp_path, "big.pdf", pages=300)
    assert_refused(add(str(big), "--id", "x"), data_dir, before, "共 300 页.*上限 200 页")
    monkeypatch.setenv("POLICY_ASSISTANT_IMPORT_MAX_PAGES", "2")
    assert_refused(add(str(_pdf(tmp_path, "three.pdf", pages=3)), "--id", "x"), data_dir, before, "上限 2 页")


def test_a_zip_bomb_docx_is_refused(data_dir, tmp_path):
    before = seeded(data_dir)
    r = add(str(zip_bomb_docx(tmp_path / "bomb.docx", xml_mb=100)), "--id", "x")
    assert_refused(r, data_dir, before, "压缩炸弹")


def test_a_file_that_is_not_a_policy_is_refused_with_the_report(data_dir, tmp_path):
    before = seeded(data_dir)
    src = tmp_path / "news.txt"
    src.write_text("县领导调研工业园区\n今天上午，县领导一行深入工业园区调研。\n", encoding="utf-8")
    r = add(str(src), "--id", "x", "--json")
    assert_refused(r, data_dir, before, "未导入.*文号")
    assert json.loads(r.stdout)["accepted"] is False


def test_a_200_mb_text_file_is_refused_without_reading_it(data_dir, tmp_path):
    before = seeded(data_dir)
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: the size is what a reader would face
    assert_refused(add(str(big), "--id", "x"), data_dir, before, "超过.*上限")


def test_a_symlink_is_refused_even_to_a_readable_file(data_dir, tmp_path):
    before = seeded(data_dir)
    link = tmp_path / "policy.txt"
    link.symlink_to("/etc/passwd")
    assert_refused(add(str(link), "--id", "x"), data_dir, before, "符号链接")


def test_a_fifo_and_a_folder_are_refused(data_dir, tmp_path):
    before = seeded(data_dir)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert_refused(add(str(fifo), "--id", "x"), data_dir, before, "不是普通文件")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert_refused(add(str(folder), "--id", "x"), data_dir, before, "是文件夹")


def test_an_unsupported_type_and_a_missing_file_are_refused(data_dir, tmp_path):
    before = seeded(data_dir)
    (tmp_path / "sheet.odt").write_bytes(b"PK")
    assert_refused(add(str(tmp_path / "sheet.odt"), "--id", "x"), data_dir, before, "不支持的文件类型")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    assert_refused(add(str(tmp_path / "old.doc"), "--id", "x"), data_dir, before, "另存为 .docx")
    assert_refused(add(str(tmp_path / "none.pdf"), "--id", "x"), data_dir, before, "找不到文件")


def test_a_read_only_data_directory_is_named_with_its_cause(monkeypatch):
    # outside pytest's private tmp folders: the import below may run as an unprivileged user
    base = Path(tempfile.mkdtemp(prefix="pa-import-ro-"))
    try:
        os.chmod(base, 0o755)
        data_dir = base / "data"
        monkeypatch.setenv("POLICY_ASSISTANT_DATA_DIR", str(data_dir))
        before = seeded(data_dir)
        src = base / "anyuan.txt"
        src.write_text(policy_text("anyuan-2021-9"), encoding="utf-8")
        corpus_dir = data_dir / "corpus"
        for p in (data_dir, src):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        os.chmod(corpus_dir, 0o555)
        as_root = os.geteuid() == 0
        if as_root:  # root ignores permission bits: drop to nobody for this one command, as a service would run
            os.seteuid(65534)
        try:
            r = add(str(src), "--id", "anyuan-again")
        finally:
            if as_root:
                os.seteuid(0)
        os.chmod(corpus_dir, 0o755)
        err = r.stderr.replace("\n", "")
        assert r.exit_code != 0
        assert f"无法写入数据目录 {corpus_dir}" in err and "没有访问权限" in err, r.stderr
        assert "Traceback" not in r.stderr + r.stdout
        assert snapshot(data_dir) == before
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_malformed_issue_date_is_refused_before_reading(data_dir):
    before = seeded(data_dir)
    r = add(str(POLICY_DIR / "nankang-2023-15.txt"), "--id", "x", "--issued", "2023年6月")
    assert_refused(r, data_dir, before, "印发日期.*YYYY-MM-DD")
