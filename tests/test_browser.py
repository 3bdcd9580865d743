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
def field(page, path: str):
    """A calculator field by its input path: projects.1.equipment → #calc-field-projects-1-equipment."""
    return page.locator("#calc-field-" + path.replace(".", "-"))


def answer(page, path: str, value: str = "是") -> None:
    field(page, path).get_by_label(value, exact=True).check()


def open_calculator(page, url: str, doc: str | None = None) -> None:
    """The calculator tab with the form of `doc` (default: the default document) rendered and blanked."""
    from corpus import default_corpus

    open_tab(page, url, "奖补测算")
    corpus = default_corpus()
    target = doc or corpus.default_document.id
    if doc is not None:
        d = corpus.document(doc)
        page.locator("#calc-doc").get_by_role("combobox").click()
        page.get_by_role("option", name=f"{d.doc_number}《{d.title}》", exact=True).click()
    page.locator(f"#calc-doc-info [data-doc='{target}']").wait_for()


def test_the_calculator_form_shows_720000_yuan_for_12_million_of_equipment(page, server):
    open_calculator(page, server.url)
    answer(page, "above_scale")
    textbox(page, "calc-field-projects-1-equipment").fill("1200万")
    for f in ("completed", "in_national_stats", "complies_industrial_policy"):
        answer(page, f"projects.1.{f}")
    page.locator("#calc-go").click()
    total = page.locator("#calc-total .pa-total-amount")
    total.wait_for()
    assert total.inner_text() == "72万元"
    row = page.locator("#calc-result tr[data-rule='equipment']").inner_text()
    assert "可享" in row and "四（三）1" in row and "× 6%" in row
    # the download file is written after the table: wait for it rather than sample visibility once
    expect(page.locator("#calc-download")).to_be_visible()


def test_an_unreadable_amount_gives_a_chinese_message_not_a_crash(page, server):
    open_calculator(page, server.url)
    textbox(page, "calc-field-projects-1-equipment").fill("很多钱")
    page.locator("#calc-go").click()
    error = page.locator("#calc-total .pa-error")
    error.wait_for()
    assert "很多钱" in error.inner_text() and "购买设备投资额" in error.inner_text()


def first_open_amount(doc_id: str):
    """The first amount field of a document's form that is shown without opening a box."""
    from tools.sheet import input_specs
    from webapp.calcform import form_sections

    return next(f for s in form_sections(input_specs(doc_id)) if s.open for f in s.fields if f.spec.type == "amount")


def test_the_second_document_in_the_picker_gets_its_own_form_and_a_non_zero_award(page, server):
    from corpus import default_corpus
    from corpus.packs import pack_for
    from tools.sheet import total_text
    from webapp.calcform import form_profile
    from webapp.services import Services
    from webapp.ui import document_choices

    services = Services()
    choices = document_choices(services)
    assert len(choices) >= 2
    second = choices[1][1]
    open_calculator(page, server.url)
    textbox(page, "calc-field-projects-1-equipment").fill("1200万")
    page.locator("#calc-go").click()
    page.locator("#calc-total .pa-total-amount").wait_for()

    open_calculator(page, server.url, second)
    expect(page.locator("#calc-total")).to_have_text("")  # the other document's result went with its form
    expect(page.locator("#calc-field-projects-1-equipment")).to_have_count(0)
    amount = first_open_amount(second)
    box = textbox(page, amount.elem_id)
    expect(box).to_have_value("")  # nothing typed for the other document is carried over
    box.fill("520万")
    page.locator("#calc-go").click()
    total = page.locator("#calc-total .pa-total-amount")
    total.wait_for()
    assert total.inner_text() not in ("", "0元")
    # the picked document's rules computed it, not the default document's
    expected = services.calc(form_profile([amount], ["520万"]), second)
    assert total.inner_text() == total_text(expected)
    rules = {r.id for r in pack_for(default_corpus().document(second)).rules.rules}
    shown = {r.get_attribute("data-rule") for r in page.locator("#calc-result tr[data-rule]").all()}
    assert shown and shown <= rules
    expect(page.locator("#calc-download")).to_be_visible()


def test_picking_an_expired_document_says_it_has_expired_in_the_headline(page, server):
    import datetime
    import re

    from corpus import default_corpus
    from corpus.packs import pack_for

    anyuan = "anyuan-2021-9"
    assert pack_for(default_corpus().document(anyuan)).status_on(datetime.date.today()) == "expired"  # to 2023-12-31
    open_calculator(page, server.url, anyuan)
    expired_words = re.compile(r"已(于.+)?失效")  # 本文件已于2023年12月31日失效
    expect(page.locator("#calc-doc-info")).to_contain_text(expired_words)
    textbox(page, "calc-field-design_products").fill("2")
    page.locator("#calc-go").click()
    status = page.locator("#calc-total .pa-doc-status")
    status.wait_for()
    assert expired_words.search(status.inner_text())
    assert page.locator("#calc-total .pa-total-amount").inner_text() == "0元"  # nothing is paid under it


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
    citation = textbox(page, "clause-citation").input_value()
    assert "龙办发〔2022〕40号" in citation and "四（三）5" in citation
    assert "longnan-2022-40#" not in citation and "longnan-2022-40#" not in text  # labels, not internal ids


def test_clause_search_highlights_the_words_of_the_query(page, server):
    find_clause(page, server, "二级节点补助")
    hits = page.locator("#clause-hits")
    hits.locator("mark").first.wait_for()
    assert "四（三）6" in hits.inner_text()
    marked = [m.inner_text() for m in hits.locator("mark").all()]
    assert "二级节点" in marked
    assert all(m in "二级节点补助" for m in marked)


def test_a_quick_reply_fills_the_fact_asked_for_and_is_shown_as_the_users_answer(page, server):
    open_tab(page, server.url, "政策问答")
    ask(page, "我们是规上企业，买设备花了1200万，能拿多少？")
    asked = page.locator("#pa-asked .pa-asked")
    asked.wait_for()
    assert "是否已竣工" in asked.inner_text()
    yes = page.locator(".pa-followup").get_by_text("是", exact=True)
    before = page.locator(BOT).count()
    yes.click()
    page.wait_for_function(f"document.querySelectorAll(\"{BOT}\").length > {before}", timeout=60_000)
    assert page.locator("#pa-chatbot [data-testid='user']").last.inner_text().strip() == "是"
    reply = last_reply(page)
    assert "72万元" in reply and "项目已竣工" not in reply.split("尚待确认")[-1].split("\n")[0]
    expect(page.locator("#pa-asked")).not_to_contain_text("是否已竣工")


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


# ---------------------------------------------------------------- issue 12: the three users' daily work
def visible_text(page) -> str:
    return page.locator("body").inner_text()


def test_new_conversation_clears_the_servers_facts_and_says_so(page, server):
    open_tab(page, server.url, "政策问答")
    ask(page, "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万")
    page.locator("#pa-reset").click()
    expect(page.locator("#pa-status")).to_contain_text("已开始新对话")
    expect(page.locator(BOT)).to_have_count(0)
    ask(page, "能拿多少？")
    reply = last_reply(page)
    assert "72万元" not in reply  # the server no longer holds the 1200万 of the first conversation


def test_html_in_a_users_question_is_shown_as_text_and_loads_nothing(page, server):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    open_tab(page, server.url, "政策问答")
    ask(page, "<b>粗体</b><img src=http://example.invalid/probe.png>上云补贴比例是多少？")
    bubble = page.locator("#pa-chatbot [data-testid='user']").last
    assert "<b>粗体</b>" in bubble.inner_text()
    assert bubble.locator("b, img").count() == 0
    assert not [u for u in requested if "example.invalid" in u]


def test_a_citation_in_the_chat_opens_the_clause_with_the_quoted_sentence_marked(page, server):
    open_tab(page, server.url, "政策问答")
    ask(page, "上云补贴比例是多少？")
    cites = page.locator("#pa-citations")
    cites.locator(".pa-cite").first.wait_for()
    assert "longnan-2022-40#" not in cites.inner_text()
    cites.locator(".pa-open").first.click()
    view = page.locator("#clause-view .pa-cite[data-clause='4.3.5']")
    view.wait_for()
    expect(page.get_by_role("tab", name="条款查阅")).to_have_attribute("aria-selected", "true")
    assert view.locator("mark").count() >= 1
    assert "四（三）5" in view.inner_text() and "longnan-2022-40#" not in view.inner_text()


def test_a_clause_that_does_not_exist_says_not_found_and_offers_the_clickable_outline(page, server):
    find_clause(page, server, "9.9")
    view = page.locator("#clause-view")
    expect(view).to_contain_text("未找到该条款")
    assert view.locator(".pa-cite").count() == 0 and "工作目标" not in view.inner_text()
    assert textbox(page, "clause-citation").input_value() == ""
    entry = page.locator("#clause-outline li[data-ref$='#4.3.5']")
    expect(entry).to_be_visible()  # the outline was opened for the user
    entry.click()
    expect(page.locator("#clause-view .pa-cite[data-clause='4.3.5']")).to_be_visible()


def test_a_keyword_that_nothing_matches_does_not_present_the_nearest_clause(page, server):
    find_clause(page, server, "火星移民补贴")
    view = page.locator("#clause-view")
    expect(view).to_contain_text("没有找到")
    assert view.locator(".pa-cite").count() == 0
    assert page.locator("#clause-hits .pa-hit").count() == 0


def test_the_clause_picker_filters_as_one_types(page, server):
    open_tab(page, server.url, "条款查阅")
    picker = page.locator("#clause-pick").get_by_role("combobox")
    picker.click()
    options = page.get_by_role("option")  # only the options shown: filtered-out ones are hidden
    expect(options.first).to_be_visible()
    everything = options.count()
    picker.press_sequentially("上云")
    expect(options).not_to_have_count(everything)
    texts = [o.inner_text() for o in options.all()]
    assert texts and all("上云" in t for t in texts)
    options.first.click()
    expect(page.locator("#clause-view .pa-cite")).to_contain_text("上云")


def fill_calculator(page, equipment: str = "1200万") -> None:
    answer(page, "above_scale")
    textbox(page, "calc-field-projects-1-equipment").fill(equipment)
    answer(page, "projects.1.completed")


def test_an_empty_calculator_form_asks_for_facts_instead_of_showing_0_yuan(page, server):
    open_calculator(page, server.url)
    page.locator("#calc-go").click()
    total = page.locator("#calc-total .pa-ask")
    total.wait_for()
    assert "请先填写企业情况" in total.inner_text()
    assert "0元" not in page.locator("#calc-total").inner_text()
    expect(page.locator("#calc-download")).to_be_hidden()


def test_unknown_conditions_are_said_in_the_headline_listed_and_the_sheet_downloads(page, server, tmp_path):
    open_calculator(page, server.url)
    fill_calculator(page)
    page.locator("#calc-go").click()
    headline = page.locator("#calc-total .pa-headline")
    headline.wait_for()
    assert headline.inner_text().startswith("如待确认条件均满足，最高可获")
    assert page.locator("#calc-total .pa-total-amount").inner_text() == "72万元"
    unknown = page.locator("#calc-total .pa-unknown").inner_text()
    assert "列入国家统计库" in unknown and "符合国家产业政策" in unknown
    assert page.locator("#calc-result table").count() == 1  # one result table
    caps = page.locator("#calc-caps").inner_text()
    assert "上限" in caps and "仅供参考" in caps
    with page.expect_download() as dl:
        page.locator("#calc-download").click()
    pdf = tmp_path / "sheet.pdf"
    dl.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    import subprocess

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "72万元" in text and "仅供参考，以主管部门审核为准" in text

    page.locator("#calc-reset").click()
    expect(page.locator("#calc-total")).to_have_text("")
    expect(textbox(page, "calc-field-projects-1-equipment")).to_have_value("")
    expect(field(page, "above_scale").get_by_label("未填写", exact=True)).to_be_checked()
    expect(field(page, "projects.1.completed").get_by_label("未填写", exact=True)).to_be_checked()


def test_on_a_390px_phone_every_tab_is_reachable_and_the_calculator_table_scrolls_in_its_box(browser, server):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.goto(server.url + "/")
        page.locator("#pa-send").wait_for()  # the app has loaded (on a busy machine this takes a few seconds)
        for name in ("政策问答", "奖补测算", "条款查阅", "一致性评测"):
            tab = page.get_by_role("tab", name=name)
            expect(tab).to_be_visible()
            box = tab.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
        page.get_by_role("tab", name="一致性评测").click()
        expect(page.locator("#eval-run")).to_be_visible()
        page.get_by_role("tab", name="奖补测算").click()
        page.locator("#calc-doc-info [data-doc]").wait_for()
        fill_calculator(page)
        page.locator("#calc-go").click()
        wrap = page.locator("#calc-result .pa-table-wrap")
        wrap.wait_for()
        # the page itself does not scroll sideways, and every cell of every rule is inside the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
        wbox = wrap.bounding_box()
        assert wbox["x"] >= 0 and wbox["x"] + wbox["width"] <= 391
        row = wrap.locator("tr[data-rule]").first
        cells = row.locator("td")
        assert cells.count() == 7
        for i in range(cells.count()):
            box = cells.nth(i).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 391, (i, box)
        # each value carries its column's name, since the header row is not shown on a phone
        label = cells.nth(3).evaluate("el => getComputedStyle(el, '::before').content")
        assert "金额" in label
        assert "72万元" in row.inner_text()
    finally:
        ctx.close()


FAILING_AMOUNT_YAML = """
cases:
  - id: web-wrong-amount
    question: 我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万，能拿多少？
    expect: {cites: ["4.3.5"], award_total: 300000}
    tags: [award]
  - id: web-right
    question: 上云补贴比例是多少？
    expect: {cites: ["4.3.5"]}
"""


def test_an_uploaded_case_with_a_wrong_amount_shows_the_reasons_in_chinese(page, server, tmp_path):
    cases = tmp_path / "amount-cases.yaml"
    cases.write_text(FAILING_AMOUNT_YAML, encoding="utf-8")
    open_tab(page, server.url, "一致性评测")
    page.locator("#eval-cases input[type=file]").set_input_files(str(cases))
    page.locator("#eval-cases td.filename[aria-label='amount-cases.yaml']").wait_for(timeout=60_000)
    page.locator("#eval-run").click()
    row = page.locator("#eval-failures tr[data-case='web-wrong-amount']")
    row.wait_for(timeout=120_000)
    reasons = row.locator(".pa-reasons").inner_text()
    assert "金额不符：期望 30万元，实际 72万元" in reasons
    # with several documents loaded a clause is named with its document's 文号
    assert "首条引用不符：期望 龙办发〔2022〕40号 四（三）5，实际 龙办发〔2022〕40号 四（三）1" in reasons
    failures = page.locator("#eval-failures").inner_text()
    assert "web-right" not in failures
    for raw in ("None", "False", "True", "award", "错误", "first_citation", "Decimal"):
        assert raw not in failures, raw
    assert page.locator("[data-metric='award_exactness']").inner_text() == "0.0%"
    assert "确定性规则" in page.locator("#eval-metrics").inner_text()


def test_the_eval_tab_offers_the_case_guide_and_a_template(page, server, tmp_path):
    open_tab(page, server.url, "一致性评测")
    assert "DESIGN" not in visible_text(page)
    with page.expect_download() as dl:
        page.locator("#eval-template-dl").click()
    template = tmp_path / "template.yaml"
    dl.value.save_as(template)
    from evals.schema import load_suite

    suite = load_suite([template])
    assert suite.cases and suite.groups  # the template runs as it is
    page.locator("#eval-guide").get_by_text("用例格式说明").click()
    expect(page.locator("#eval-guide")).to_contain_text("award_total")


def test_a_thumbs_down_with_a_comment_is_stored_and_exported_as_a_draft_case(page, server, tmp_path, data_dir):
    import yaml

    from webapp.feedback import FeedbackStore, feedback_path

    question = "服务型制造示范企业有什么奖励？"
    open_tab(page, server.url, "政策问答")
    ask(page, question)
    page.locator("#pa-down").click()
    expect(page.locator("#pa-comment-row")).to_be_visible()
    textbox(page, "pa-comment").fill("应写明省级的金额")
    page.locator("#pa-comment-send").click()
    expect(page.locator("#pa-status")).to_contain_text("说明已保存")
    stored = [r for r in FeedbackStore(feedback_path(data_dir)).records(rating=-1) if r["turns"][-1] == question]
    assert stored and stored[-1]["comment"] == "应写明省级的金额" and stored[-1]["citations"]

    page.get_by_role("tab", name="一致性评测").click()
    page.locator("#fb-export").click()
    with page.expect_download() as dl:
        page.locator("#fb-download").click()
    drafts = tmp_path / "drafts.yaml"
    dl.value.save_as(drafts)
    text = drafts.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    mine = [c for c in data["cases"] if c.get("question") == question]
    assert mine and "应写明省级的金额" in text
    assert mine[-1]["expect"] is None  # left for the office to write


def test_no_english_words_are_shown_on_any_tab(page, server):
    import re

    allowed = {"YAML", "JSON", "PDF", "HTML"}
    page.goto(server.url + "/")
    page.locator("#pa-send").wait_for()
    for name in ("政策问答", "奖补测算", "条款查阅", "一致性评测"):
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(300)
        words = set(re.findall(r"[A-Za-z]{3,}", visible_text(page))) - allowed
        assert not words, (name, words)
