"""The web UI in headless chromium against a real server: chat, calculator, clause browser and eval tabs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from webapp.testing import launch_chromium, open_tab, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION_1200W = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万，能拿多少？"


server = pytest.fixture(scope="module", name="server")(served)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def textbox(page, elem_id: str):
    return page.locator(f"#{elem_id}").get_by_role("textbox")


BOT = "#pa-chatbot [data-testid='bot']"


def ask(page, question: str) -> None:
    before = page.locator(BOT).count()
    textbox(page, "pa-question").fill(question)
    page.locator("#pa-send").click()
    page.wait_for_function(f"document.querySelectorAll(\"{BOT}\").length > {before}", timeout=60_000)


def last_reply(page) -> str:
    return page.locator(BOT).last.inner_text()


# ---------------------------------------------------------------- 政策问答
def test_asking_the_1200w_question_shows_720000_yuan_and_cites_4_3_1_beside_it(page, server):
    open_tab(page, server.url, "政策问答")
    ask(page, QUESTION_1200W)
    assert "72万元" in last_reply(page)
    cites = page.locator("#pa-citations")
    first = cites.locator(".pa-cite").first
    first.wait_for()
    assert first.get_attribute("data-clause") == "4.3.1"
    assert "四（三）1" in first.inner_text()
    assert "四、" in first.locator(".pa-path").inner_text()
    # the quoted sentence is marked inside the verbatim clause text
    assert first.locator(".pa-text mark").count() >= 1
    expect(page.locator("#pa-award")).to_contain_text("72万元")


def test_two_browser_contexts_do_not_see_each_others_facts(browser, server):
    a_ctx, b_ctx = browser.new_context(), browser.new_context()
    try:
        a, b = a_ctx.new_page(), b_ctx.new_page()
        open_tab(a, server.url, "政策问答")
        open_tab(b, server.url, "政策问答")
        ask(a, "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万")
        ask(b, "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了3000万")
        ask(a, "能拿多少？")
        ask(b, "能拿多少？")
        reply_a, reply_b = last_reply(a), last_reply(b)
        assert "72万元" in reply_a and "180万元" not in reply_a
        assert "180万元" in reply_b and "72万元" not in reply_b
    finally:
        a_ctx.close()
        b_ctx.close()


def test_an_empty_question_gets_a_chinese_message_in_the_chat(page, server):
    open_tab(page, server.url, "政策问答")
    ask(page, "   ")
    assert "问题不能为空" in last_reply(page)


# ---------------------------------------------------------------- 奖补测算
def test_the_calculator_form_shows_720000_yuan_for_12_million_of_equipment(page, server):
    open_tab(page, server.url, "奖补测算")
    page.locator("#calc-above-scale").get_by_label("是").check()
    textbox(page, "calc-p1-equipment").fill("1200万")
    for field in ("completed", "stats", "policy"):
        page.locator(f"#calc-p1-{field}").get_by_label("是").check()
    page.locator("#calc-go").click()
    total = page.locator("#calc-total .pa-total-amount")
    total.wait_for()
    assert total.inner_text() == "72万元"
    row = page.locator("#calc-result tr[data-rule='equipment']").inner_text()
    assert "可享" in row and "四（三）1" in row and "× 6%" in row
    # the download file is written after the table: wait for it rather than sample visibility once
    expect(page.locator("#calc-download")).to_be_visible()


def test_an_unreadable_amount_gives_a_chinese_message_not_a_crash(page, server):
    open_tab(page, server.url, "奖补测算")
    textbox(page, "calc-p1-equipment").fill("很多钱")
    page.locator("#calc-go").click()
    error = page.locator("#calc-total .pa-error")
    error.wait_for()
    assert "很多钱" in error.inner_text()


# ---------------------------------------------------------------- 条款查阅
def find_clause(page, server, query: str) -> None:
    open_tab(page, server.url, "条款查阅")
    textbox(page, "clause-query").fill(query)
    page.locator("#clause-find").click()


def test_the_clause_browser_shows_clause_4_3_5_with_its_units_and_citation(page, server):
    find_clause(page, server, "4.3.5")
    view = page.locator("#clause-view")
    view.get_by_text("四（三）5").first.wait_for()
    text = view.inner_text()
    assert "鼓励支持工业企业上云" in text
    assert "40%、50%、60%、70%、80%" in text
    assert "市工信局、市财政局" in text
    assert "longnan-2022-40#4.3.5" in textbox(page, "clause-citation").input_value()


def test_clause_search_highlights_the_words_of_the_query(page, server):
    find_clause(page, server, "二级节点补助")
    hits = page.locator("#clause-hits")
    hits.locator("mark").first.wait_for()
    assert "四（三）6" in hits.inner_text()
    marked = [m.inner_text() for m in hits.locator("mark").all()]
    assert "二级节点" in marked
    assert all(m in "二级节点补助" for m in marked)


def test_a_follow_up_button_asks_its_question_in_the_same_conversation(page, server):
    open_tab(page, server.url, "政策问答")
    ask(page, QUESTION_1200W)
    button = page.locator(".pa-followup").first
    button.wait_for()
    follow_up = button.inner_text()
    before = page.locator(BOT).count()
    button.click()
    page.wait_for_function(f"document.querySelectorAll(\"{BOT}\").length > {before}", timeout=60_000)
    assert follow_up in page.locator("#pa-chatbot [data-testid='user']").last.inner_text()


# ---------------------------------------------------------------- 一致性评测
CASES_YAML = """
cases:
  - id: web-equipment-1200w
    question: 我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万，能拿多少？
    expect: {cites: ["4.3.1"], award_total: 720000}
  - id: web-deliberately-wrong
    question: 上云补贴比例是多少？
    expect: {cites: ["4.3.6"]}
groups:
  - id: web-cloud
    questions: ["上云补贴比例是多少？", "企业上云能补多少比例"]
"""


def test_the_eval_tab_runs_an_uploaded_case_file_shows_metrics_and_compares_runs(page, server, tmp_path):
    cases = tmp_path / "my-cases.yaml"
    cases.write_text(CASES_YAML, encoding="utf-8")
    open_tab(page, server.url, "一致性评测")
    page.locator("#eval-cases input[type=file]").set_input_files(str(cases))
    page.locator("#eval-cases td.filename[aria-label='my-cases.yaml']").wait_for(timeout=60_000)
    page.locator("#eval-run").click()
    metrics = page.locator("#eval-metrics .pa-metrics")
    metrics.wait_for(timeout=120_000)
    assert page.locator("[data-metric='cases']").inner_text() == "2"
    assert page.locator("[data-metric='award_exactness']").inner_text() == "100.0%"
    assert page.locator("[data-metric='case_pass_rate']").inner_text() == "50.0%"
    failures = page.locator("#eval-failures").inner_text()
    assert "web-deliberately-wrong" in failures and "web-equipment-1200w" not in failures

    with page.expect_download() as dl:
        page.locator("#eval-json").click()
    previous = tmp_path / "previous.json"
    dl.value.save_as(previous)
    assert '"web-equipment-1200w"' in previous.read_text(encoding="utf-8")

    page.locator("#eval-previous input[type=file]").set_input_files(str(previous))
    page.locator("#eval-previous td.filename[aria-label='previous.json']").wait_for(timeout=60_000)
    page.locator("#eval-run").click()
    page.locator("#eval-failures").get_by_text("与上次运行相比有变化：0 项").wait_for(timeout=120_000)
