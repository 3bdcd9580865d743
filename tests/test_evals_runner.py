"""The eval runner, metrics, schema errors, run diff and HTML report, driven by a fake assistant."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from evals.match import contains, normalise
from evals.metrics import compare_runs, threshold_failures
from evals.report import render_html
from evals.runner import Backend, run_suite
from evals.schema import EvalCaseError, load_suite

DOC = "longnan-2022-40"


def cite(cid: str, quote: str = "") -> dict:
    return {"doc": DOC, "clause": cid, "label": cid, "quote": quote}


def answer(text: str, cites=(), total=None, abstained=False) -> dict:
    award = None if total is None else {"total": Decimal(str(total)), "items": []}
    return {"answer": text, "citations": [cite(c) for c in cites], "award": award, "abstained": abstained,
            "flags": [], "followups": []}


class FakeAssistant:
    """Answers from a table keyed by question; a session remembers earlier turns like the real one would."""

    def __init__(self, table: dict[str, dict]):
        self.table = table
        self.asked: list[tuple[str, int]] = []

    def backend(self) -> Backend:
        return Backend("fake", self.ask, lambda: [])

    def ask(self, question: str, session: list) -> dict:
        self.asked.append((question, len(session)))
        session.append(question)
        reply = self.table[question]
        if isinstance(reply, Exception):
            raise reply
        return reply(session) if callable(reply) else reply


def write(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


CASES = """
cases:
  - id: equip
    question: 买设备1200万能补多少
    expect: {cites: ["4.3.1"], award_total: 720000, includes: ["72万元", "6%"], excludes: ["120万"]}
    tags: [award]
  - id: equip-wrong-order
    question: 设备补贴和税收上限
    expect: {cites: ["4.3.1", "4.3.7"]}
    tags: [award]
  - id: deadline
    question: 什么时候截止申报
    expect: {abstain: true, includes: ["市工信局"]}
    tags: [abstain]
  - id: followup
    turns: ["买设备1200万能补多少", "那如果是5000万呢"]
    expect: {cites_any: ["longnan-2022-40#4.3.1"], award_total: 2000000}
    tags: [multiturn, award]
groups:
  - id: cloud
    questions: ["上云补贴比例是多少", "企业上云能补多少比例", "上云奖补标准"]
"""


def fake_table() -> dict:
    return {
        "买设备1200万能补多少": answer("按6%计，可获 720000元 奖补。", ["4.3.1", "4.3.7"], 720000),
        "设备补贴和税收上限": answer("见四（三）7。", ["4.3.7", "4.3.1"]),
        "什么时候截止申报": answer("文件未规定，请咨询市工信局。", [], None, abstained=False),
        "那如果是5000万呢": lambda s: answer("封顶200万元。", ["4.3.1"], 2000000 if len(s) == 2 else 0),
        "上云补贴比例是多少": answer("40%至80%", ["4.3.5"]),
        "企业上云能补多少比例": answer("最高80%", ["4.3.5"]),
        "上云奖补标准": answer("见四（三）1", ["4.3.1"]),
    }


def test_metrics_are_computed_from_what_the_fake_assistant_returned(tmp_path):
    suite = load_suite([write(tmp_path, "a.yaml", CASES)])
    report = run_suite(suite, FakeAssistant(fake_table()).backend(), repeat=1)
    m = report["metrics"]
    by_id = {c["id"]: c for c in report["cases"]}
    assert by_id["equip"]["passed"] is True
    # 4.3.7 came first although 4.3.1 was expected first: recall is fine, the first-citation hit is not
    assert by_id["equip-wrong-order"]["checks"] == {**by_id["equip-wrong-order"]["checks"], "first_citation": False, "cites": True}
    assert by_id["deadline"]["checks"]["abstain"] is False and by_id["deadline"]["checks"]["includes"] is True
    assert by_id["followup"]["passed"] is True  # the fake only gives 200万 when the session carries the first turn
    assert m["first_citation_hit"] == pytest.approx(2 / 3)
    assert m["citation_recall"] == 1.0
    assert m["award_exactness"] == 1.0
    assert m["abstention_accuracy"] == 0.0
    assert m["case_pass_rate"] == 0.5
    assert m["group_consistency"] == 0.0 and m["inconsistent_groups"] == ["cloud"]
    assert m["by_tag"]["award"]["cases"] == 3 and m["by_tag"]["abstain"]["abstention_accuracy"] == 0.0
    assert m["latency_p50_ms"] is not None and m["asks"] == 1 + 1 + 1 + 2 + 3
    lines = threshold_failures(m)
    assert any("拒答判断准确率" in x for x in lines) and any("问法一致性" in x for x in lines)


def test_each_multi_turn_case_gets_a_fresh_session_with_its_turns_in_order(tmp_path):
    suite = load_suite([write(tmp_path, "a.yaml", CASES)])
    fake = FakeAssistant(fake_table())
    run_suite(suite, fake.backend())
    assert ("买设备1200万能补多少", 0) in fake.asked and ("那如果是5000万呢", 1) in fake.asked


def test_an_answer_that_changes_between_repeats_counts_as_a_flip(tmp_path):
    calls = {"n": 0}

    def drifting(session):
        calls["n"] += 1
        return answer(f"回答{calls['n'] % 2}", ["4.3.5"])

    f = write(tmp_path, "a.yaml", "cases:\n  - id: drift\n    question: 上云\n    expect: {cites: ['4.3.5']}\n")
    report = run_suite(load_suite([f]), FakeAssistant({"上云": drifting}).backend(), repeat=2)
    assert report["cases"][0]["passed"] is True
    assert report["cases"][0]["flipped"] is True
    assert report["metrics"]["flip_rate"] == 1.0
    assert any("翻转率" in x for x in threshold_failures(report["metrics"]))


def test_a_crashing_assistant_fails_the_case_without_stopping_the_run(tmp_path):
    f = write(tmp_path, "a.yaml", CASES)
    table = fake_table()
    table["买设备1200万能补多少"] = RuntimeError("索引损坏")
    report = run_suite(load_suite([f]), FakeAssistant(table).backend())
    by_id = {c["id"]: c for c in report["cases"]}
    assert by_id["equip"]["passed"] is False and "索引损坏" in by_id["equip"]["error"]
    assert report["metrics"]["award_exactness"] == 0.0  # both award cases had no answer
    assert by_id["deadline"]["got"] is not None


def test_award_totals_compare_to_the_fen(tmp_path):
    f = write(tmp_path, "a.yaml", """
cases:
  - {id: a, question: q1, expect: {award_total: 1999999.98}}
  - {id: b, question: q2, expect: {award_total: "1999999.98"}}
  - {id: c, question: q3, expect: {award_total: 1999999.98}}
  - {id: d, question: q4, expect: {award_total: null}}
""")
    table = {"q1": answer("", total="1999999.98"), "q2": answer("", total=Decimal("1999999.980")),
             "q3": answer("", total="1999999.99"), "q4": answer("")}
    report = run_suite(load_suite([f]), FakeAssistant(table).backend())
    assert [c["checks"]["award"] for c in report["cases"]] == [True, True, False, True]


@pytest.mark.parametrize(
    ("text", "needle", "found"),
    [
        ("可获得 720000元 奖补", "72万元", True),
        ("可获得72万元", "720000元", True),
        ("可获得 72 万元", "72万", True),
        ("合计１，９９９，９９９．９８元", "1,999,999.98元", True),
        ("可获得172万元", "72万元", False),
        ("比例为６％", "6%", True),
        ("纳入省级库（1亿元及以上）", "10000万元", True),
        ("按6%计", "16%", False),
        ("可获1,999,999.98元", "1,999,999.98", True),  # an amount written without 元 in the case file
        ("可获199,999.80元", "199,999.8", True),
        ("可获2,999,999.98元", "1,999,999.98", False),
    ],
)
def test_text_matching_treats_width_spacing_and_wan_forms_as_equal(text, needle, found):
    assert contains(text, needle) is found


def test_normalising_keeps_non_money_numbers_as_written():
    assert normalise("到 2025 年，110 家以上") == "到2025年,110家以上"


# --- malformed files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("cases:\n  - id: x1\n    question: 问\n    expect: {award_total: 七十二万}\n", ["x1", "expect.award_total"]),
        ("cases:\n  - id: x2\n    question: 问\n    expext: {abstain: true}\n", ["x2", "expext", "expect"]),
        ("cases:\n  - id: x3\n    question: 问\n    expect: {abstain: 是}\n", ["x3", "expect.abstain"]),
        ("cases:\n  - id: x4\n    expect: {abstain: true}\n", ["x4", "question"]),
        ("cases:\n  - id: x5\n    question: 问\n    expect: {cites: ['4.3.9']}\n", ["x5", "expect.cites[0]", "4.3.9"]),
        ("cases:\n  - id: x6\n    question: 问\n    expect: {includs: ['6%']}\n", ["x6", "expect.includs", "includes"]),
        ("cases:\n  - id: x7\n    question: 问\n    turns: [a, b]\n    expect: {abstain: true}\n", ["x7", "question"]),
        ("cases:\n  - question: 问\n    expect: {abstain: true}\n", ["#1", "id"]),
        ("cases:\n  - id: x8\n    question: 问\n", ["x8", "expect"]),
        ("groups:\n  - id: g1\n    questions: [只有一种问法]\n", ["g1", "questions"]),
        ("cases: [\n  - id: broken\n", ["YAML", "行"]),
        ("casez: []\n", ["casez", "cases"]),
    ],
)
def test_a_malformed_case_file_is_rejected_naming_file_case_and_field(tmp_path, seed_corpus, text, fragments):
    f = write(tmp_path, "bad.yaml", text)
    with pytest.raises(EvalCaseError) as e:
        load_suite([f], seed_corpus)
    msg = str(e.value)
    assert str(f) in msg
    for frag in fragments:
        assert frag in msg


def test_duplicate_case_ids_across_files_are_reported_with_both_files(tmp_path):
    a = write(tmp_path, "a.yaml", "cases:\n  - {id: same, question: q, expect: {abstain: true}}\n")
    b = write(tmp_path, "b.yaml", "cases:\n  - {id: same, question: q, expect: {abstain: true}}\n")
    with pytest.raises(EvalCaseError) as e:
        load_suite([tmp_path])
    assert str(a) in str(e.value) and str(b) in str(e.value) and "same" in str(e.value)


def test_cited_clauses_are_accepted_in_any_form_the_document_uses(tmp_path, seed_corpus):
    f = write(tmp_path, "a.yaml", "cases:\n  - {id: a, question: q, expect: {cites: ['四（三）1', 'longnan-2022-40#4.3.7', '4.1']}}\n")
    suite = load_suite([f], seed_corpus)
    assert suite.cases[0].expect.cites == (f"{DOC}#4.3.1", f"{DOC}#4.3.7", f"{DOC}#4.1")


def test_the_eval_command_reports_a_malformed_file_in_chinese_without_a_traceback(tmp_path):
    from cli import app

    f = write(tmp_path, "bad.yaml", "cases:\n  - id: typo\n    question: 问\n    expect: {award_totl: 5}\n")
    result = CliRunner().invoke(app, ["eval", str(f)])
    assert result.exit_code == 2
    out = result.output
    assert "用例文件有误" in out and "typo" in out and "award_totl" in out and str(f) in out.replace("\n", "")
    assert "Traceback" not in out and result.exception is None or isinstance(result.exception, SystemExit)


def test_the_eval_command_refuses_an_unknown_mode_in_chinese():
    from cli import app

    result = CliRunner().invoke(app, ["eval", "--mode", "gpt"])
    assert result.exit_code == 1 and "未知的评测模式" in result.output


# --- diff and report ------------------------------------------------------------------------


def test_compare_lists_only_the_cases_whose_outcome_or_answer_changed(tmp_path):
    suite = load_suite([write(tmp_path, "a.yaml", CASES)])
    old = run_suite(suite, FakeAssistant(fake_table()).backend())
    table = fake_table()
    table["买设备1200万能补多少"] = answer("按5%计，可获 600000元 奖补。", ["4.3.1"], 600000)
    new = run_suite(suite, FakeAssistant(table).backend())
    old = json.loads(json.dumps(old, default=str))  # as read back from --json
    changes = compare_runs(old, new)
    ids = [c["id"] for c in changes]
    # the follow-up case asks the same first turn, but its last answer did not change
    assert ids == ["equip"]
    assert "结果" in changes[0]["what"] and "金额" in changes[0]["what"]
    assert changes[0]["before"]["award_total"] == "720000" and changes[0]["after"]["award_total"] == "600000"
    assert compare_runs(new, new) == []


def test_html_report_is_well_formed_and_shows_each_failing_case_side_by_side(tmp_path, seed_corpus):
    suite = load_suite([write(tmp_path, "a.yaml", CASES)], seed_corpus)
    report = run_suite(suite, FakeAssistant(fake_table()).backend())
    html = render_html(report, seed_corpus, changes=[])
    root = ET.fromstring(html.replace("<!DOCTYPE html>", "", 1))  # XHTML-clean: every tag closed
    text = "".join(root.itertext())
    assert "首条引用命中率" in text and "金额精确率" in text
    assert "equip-wrong-order" in text and "deadline" in text and "什么时候截止申报" in text
    assert "equip\n" not in text.split("未通过的用例")[1].split("deadline")[0]  # passing cases are not listed
    # the expected clause's verbatim text sits next to the answer
    assert seed_corpus.clause("4.3.7").text[:20] in text
    assert "<script" not in html and "http" not in html.split("<body>")[1]


@pytest.mark.browser
@pytest.mark.slow
def test_html_report_opens_in_a_headless_browser_with_its_tables_rendered(tmp_path, seed_corpus):
    from playwright.sync_api import sync_playwright

    from evals.report import write_html
    from webapp.testing import launch_chromium

    suite = load_suite([write(tmp_path, "a.yaml", CASES)], seed_corpus)
    report = run_suite(suite, FakeAssistant(fake_table()).backend())
    path = write_html(tmp_path / "report.html", report, seed_corpus)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.resolve().as_uri())
            assert page.title() == "政策问答评测报告"
            summary = page.locator("table").first
            assert summary.locator("tr").count() >= 10 and "首条引用命中率" in summary.inner_text()
            assert page.locator("#case-deadline").is_visible()
            assert "什么时候截止申报" in page.locator("#case-deadline").inner_text()
            assert errors == []
        finally:
            browser.close()
