"""The 规则草案 panel of the policy office's tab in headless chromium: upload a new document, see each rule beside its clause with the parameters'
source words highlighted, reject one, edit one, see a bad edit refused, and install the reviewed draft."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from assistant.settings import load_settings
from webapp.services import Services
from webapp.testing import launch_chromium, open_tab, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
XINFENG = ROOT / "benchmarks" / "drafting_docs" / "xinfeng-2022-12.txt"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("draft-ui-data")


@pytest.fixture(scope="module")
def server(data_dir):
    # its own data directory: the installed draft must not reach other tests' corpus
    srv = start_server(Services(load_settings(data_dir=data_dir)), warm=False)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        ctx = b.new_context(locale="zh-CN")
        pg = ctx.new_page()
        pg.set_default_timeout(60_000)
        yield pg
        ctx.close()
        b.close()


def choose_rule(page, label_start: str, rule_id: str) -> None:
    page.locator("#draft-rule input").click()
    page.get_by_role("option").filter(has_text=label_start).first.click()
    # the clause and the rule are re-rendered after the choice: wait for this rule's view, not the last one's
    expect(page.locator("#draft-view .pa-draft-rule")).to_have_attribute("data-rule", rule_id)
    expect(page.locator(f"#draft-clause .pa-cite[data-clause='{rule_id[1:].replace('_', '.')}']")).to_have_count(1)


def test_a_document_uploaded_in_the_tab_is_drafted_and_shown_beside_its_clause(page, server, data_dir):
    open_tab(page, server.url, "一致性评测")  # the policy office's tab
    page.locator("#draft-panel").get_by_text("规则草案：从新文件起草奖补规则并逐条审核").click()
    page.locator("#draft-file input[type=file]").set_input_files(str(XINFENG))
    page.locator("#draft-file td.filename").wait_for()
    page.locator("#draft-make").click()
    rows = page.locator("#draft-overview tr.pa-draft-row")
    expect(rows).to_have_count(6)
    overview = page.locator("#draft-overview").inner_text()
    assert "信府发〔2022〕12号" in overview and "信丰县" in overview
    assert "未写明是每个项目还是单个企业的上限" in overview
    marks = [m.inner_text() for m in page.locator("#draft-clause mark").all()]
    assert marks == ["0.05元", "不超过10万元"]
    assert "第二条" in page.locator("#draft-clause").inner_text()
    assert (data_dir / "drafts" / "xinfeng-2022-12" / "rules.yaml").is_file()


def test_rejecting_and_editing_rules_updates_the_draft_and_a_bad_edit_is_refused(page, server, data_dir):
    choose_rule(page, "第五条", "r5")
    assert [m.inner_text() for m in page.locator("#draft-clause mark").all()] == ["5%", "最高不超过30万元"]
    page.locator("#draft-reject").click()
    expect(page.locator("#draft-overview tr[data-rule='r5'] .pa-draft-status")).to_have_text("不采纳")

    choose_rule(page, "第七条", "r7")
    editor = page.locator("#draft-editor textarea")
    text = editor.input_value()
    editor.fill(text.replace("scope: per_project", "scope: per_enterprise"))
    page.locator("#draft-edit").click()
    expect(page.locator("#draft-overview tr[data-rule='r7'] .pa-draft-status")).to_have_text("修改")
    saved = yaml.safe_load((data_dir / "drafts" / "xinfeng-2022-12" / "rules.yaml").read_text(encoding="utf-8"))
    assert next(r for r in saved["rules"] if r["id"] == "r7")["caps"][0]["scope"] == "per_enterprise"

    editor.fill(editor.input_value().replace("rate: r7_rate", "rate: r7_no_such_rate"))
    page.locator("#draft-edit").click()
    expect(page.locator("#draft-message .pa-error")).to_contain_text("引用了不存在的参数“r7_no_such_rate”")
    saved = yaml.safe_load((data_dir / "drafts" / "xinfeng-2022-12" / "rules.yaml").read_text(encoding="utf-8"))
    assert next(r for r in saved["rules"] if r["id"] == "r7")["rate"] == "r7_rate"


def test_installing_the_reviewed_draft_puts_the_pack_in_the_data_corpus(page, server, data_dir):
    page.locator("#draft-install").click()
    expect(page.locator("#draft-message .pa-installed")).to_contain_text("已安装 xinfeng-2022-12：5 条规则（不采纳 1 条）")
    rules = yaml.safe_load((data_dir / "corpus" / "xinfeng-2022-12" / "rules.yaml").read_text(encoding="utf-8"))
    assert [r["id"] for r in rules["rules"]] == ["r2", "r3", "r4", "r6", "r7"]
    page.locator("#draft-install").click()
    expect(page.locator("#draft-message .pa-error")).to_contain_text("已有文件 xinfeng-2022-12")
