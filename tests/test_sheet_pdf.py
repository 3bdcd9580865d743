"""The printable 测算单: `calc --pdf` writes an A4 PDF with an embedded Chinese font, read back with poppler."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import sheet
from tools.calculator import calculate, claimable
from tools.profile import Profile

ROOT = Path(__file__).resolve().parents[1]
A4_POINTS = (595, 842)


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def squashed(text: str) -> str:
    """pdftotext breaks table cells into lines: compare without any white space."""
    return re.sub(r"\s+", "", text)


def body_text(path: Path) -> str:
    """The sheet's text with each page's footer and repeated table header taken out, so that a row split
    across a page break reads as one."""
    lines = pdf_text(path).splitlines()
    seen_header: set[str] = set()
    out = []
    for line in lines:
        if re.search(r"第 \d+ 页$", line):
            continue
        if line.startswith("条款 项目") or line.startswith("项目 内容"):
            if line in seen_header:
                continue
            seen_header.add(line)
        out.append(line)
    return squashed("\n".join(out))


def pages(path: Path) -> list[tuple[int, int]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True, text=True, check=True).stdout
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


@pytest.fixture(scope="module")
def tools_present():
    missing = [t for t in ("pdftotext", "pdftoppm", "pdffonts", "pdfinfo") if shutil.which(t) is None]
    assert not missing, f"poppler-utils missing ({missing}): scripts/setup.sh installs it"


def test_the_readme_profile_command_prints_the_award_of_the_shipped_profile(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "calc --profile profile.yaml" in readme
    result = run_cli("calc", "--profile", "profile.yaml", "--json")
    assert result.returncode == 0, result.stderr
    import json

    award = json.loads(result.stdout)
    expected = calculate(Profile.from_yaml(ROOT / "profile.yaml")).to_dict()
    assert award["total_text"] == expected["total_text"]
    assert [i["rule"] for i in award["items"]] == [i["rule"] for i in expected["items"]]
    # the sample exercises every rule the document has, so it is a useful starting point
    assert len(award["items"]) == len(claimable(Profile.from_yaml(ROOT / "profile.yaml")))


def test_calc_pdf_writes_an_a4_sheet_that_reads_back_with_every_rule_and_the_disclaimer(tmp_path, tools_present):
    out = tmp_path / "测算单.pdf"
    result = run_cli("calc", "--profile", "profile.yaml", "--pdf", str(out))
    assert result.returncode == 0, result.stderr
    assert "已生成测算单" in result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert pages(out) and all(size == A4_POINTS for size in pages(out))

    profile = Profile.from_yaml(ROOT / "profile.yaml")
    award = calculate(profile).to_dict()
    rows = claimable(profile)
    text = body_text(out)
    assert "奖补测算单" in text
    assert squashed(award["doc_number"]) in text
    assert "仅供参考，以主管部门审核为准" in text
    assert re.search(r"测算日期：\d{4}-\d{2}-\d{2}", text)
    assert squashed(sheet.headline(award)) in text
    for row in rows:  # each rule: its clause label, status and every step of its arithmetic
        assert squashed(row["label"]) in text and row["status_text"] in text
        for step in row["steps"]:
            assert squashed(step) in text, step
    for line in award["steps"]:  # the document-wide cap and the project library
        assert squashed(line) in text, line
    assert "规模以上企业" in text and "1,200万元" in text  # the entered facts


def test_the_sheet_embeds_its_chinese_font_and_rasterises_to_a_printed_page(tmp_path, tools_present):
    out = tmp_path / "sheet.pdf"
    profile = Profile.from_dict({"above_scale": True, "projects": [{"equipment": "1200万"}]})
    award = calculate(profile).to_dict()
    sheet.write_pdf(out, award, claimable(profile), sheet.profile_facts(profile.to_dict(), sheet.fact_labels()),
                    doc_title="测试文件")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines()[2:] if "Helvetica" not in line]
    assert cjk, fonts
    # an embedded subset renders the same in any viewer; a CID font must at least name an Adobe CJK collection
    assert all(" yes yes " in line or "STSong" in line for line in cjk), fonts

    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")], check=True)
    from PIL import Image

    png = next(tmp_path.glob("page*.png"))
    img = Image.open(png).convert("L")
    w, h = img.size
    assert abs(w / h - A4_POINTS[0] / A4_POINTS[1]) < 0.01
    dark = sum(1 for px in img.get_flattened_data() if px < 128)
    assert dark > 0.005 * w * h  # text was drawn, not an empty page
    assert "如待确认条件均满足，最高可获" in squashed(pdf_text(out))


def test_an_empty_profile_gives_a_sheet_that_asks_for_facts_instead_of_a_zero_total(tmp_path, tools_present):
    out = tmp_path / "empty.pdf"
    award = calculate(Profile()).to_dict()
    sheet.write_pdf(out, award, claimable(Profile()), [])
    text = squashed(pdf_text(out))
    assert "尚未填写可测算的企业情况" in text
    assert "可获0元" not in text and "最高可获0元" not in text


def test_a_long_profile_flows_onto_further_a4_pages_without_losing_a_project(tmp_path, tools_present):
    projects = [{"equipment": f"{500 + i}万", "completed": True, "name": f"生产线{i}"} for i in range(1, 41)]
    profile = Profile.from_dict({"above_scale": True, "projects": projects})
    award = calculate(profile).to_dict()
    out = tmp_path / "long.pdf"
    sheet.write_pdf(out, award, claimable(profile), sheet.profile_facts(profile.to_dict(), sheet.fact_labels()))
    assert len(pages(out)) >= 2 and all(size == A4_POINTS for size in pages(out))
    text = squashed(pdf_text(out))
    assert "生产线40" in text and "第2页" in text
    assert text.count("仅供参考，以主管部门审核为准") >= len(pages(out))  # the footer of every page


def test_titles_on_the_command_line_accept_the_chinese_names_people_use():
    result = run_cli("calc", "--titles", "国家两化融合贯标、市级服务型制造示范", "--json")
    assert result.returncode == 0, result.stderr
    import json

    award = json.loads(result.stdout)
    steps = [s for i in award["items"] for s in i["steps"]]
    assert award["total"] == 220000, steps
    vague = run_cli("calc", "--titles", "两化融合", "--json")
    assert vague.returncode == 1 and "不够明确" in vague.stderr and "Traceback" not in vague.stderr
    unknown = run_cli("calc", "--titles", "火星称号")
    assert unknown.returncode == 1 and "无法识别称号" in unknown.stderr
