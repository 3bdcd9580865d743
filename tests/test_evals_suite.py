"""The bundled eval suite: its coverage, the real assistant at the issue's thresholds, and --compare after a parameter change."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from decimal import Decimal

import pytest
import yaml
from typer.testing import CliRunner

from evals.metrics import THRESHOLDS, threshold_failures
from evals.schema import load_suite


@pytest.fixture(scope="module")
def suite(seed_corpus):
    return load_suite(None, seed_corpus)


def test_the_bundled_suite_has_the_required_number_of_each_kind_of_case(suite):
    cases = suite.cases
    assert len(cases) >= 150
    assert sum(len(c.turns) > 1 for c in cases) >= 20
    assert sum(c.expect.abstain is True for c in cases) >= 15
    assert sum("adversarial" in c.tags for c in cases) >= 10
    assert sum(len(g.questions) >= 3 for g in suite.groups) >= 10
    assert len({p.rsplit("/", 1)[-1] for p in suite.files}) >= 6


def test_every_clause_of_the_document_is_cited_by_at_least_two_cases(suite, seed_corpus):
    cited = Counter(ref for c in suite.cases for ref in set(c.expect.cites) | set(c.expect.cites_any))
    doc = seed_corpus.document()
    under = {cl.id: cited[cl.citation] for cl in doc if cited[cl.citation] < 2}
    assert under == {}


def test_every_adopted_interpretation_is_probed_by_a_case(suite, seed_corpus):
    folder = seed_corpus.document().meta["folder"]
    data = yaml.safe_load(open(f"{folder}/interpretations.yaml", encoding="utf-8"))
    ids = {i["id"] for i in data["interpretations"]}
    tags = {t for c in suite.cases for t in c.tags}
    assert ids - tags == set()


def test_each_amount_boundary_is_pinned_on_both_sides(suite):
    totals = {c.expect.award_total for c in suite.cases if "boundary" in c.tags}
    # equipment threshold and cap, cloud cap, node cap, tax cap — each side of each edge
    for amount in ("0", "300000", "1999999.98", "2000000", "48000", "50000", "198000", "200000",
                   "719999.99", "720000"):
        assert Decimal(amount).quantize(Decimal("0.01")) in totals, amount
    questions = " ".join(c.question for c in suite.cases if "library" in c.tags)
    for text in ("4999999", "500万", "99999999", "1亿"):
        assert text in questions


def test_cases_do_not_copy_clause_text_verbatim(suite, seed_corpus):
    # real users paraphrase; a question holding a 20-character run of a clause is a copy
    texts = [c.full_text for c in seed_corpus.document()]
    copies = [c.id for c in suite.cases for t in c.turns
              if any(t[i:i + 20] in x for x in texts for i in range(0, max(0, len(t) - 19)))]
    assert copies == []


# --- the real assistant ---------------------------------------------------------------------


@pytest.mark.slow
def test_the_bundled_suite_meets_the_issue_thresholds_through_the_real_assistant(suite):
    from evals.runner import assistant_backend, run_suite

    report = run_suite(suite, assistant_backend("deterministic"), repeat=2)
    m = report["metrics"]
    misses = threshold_failures(m)
    if misses:
        flipped = [c["id"] for c in report["cases"] if c["flipped"]]
        pytest.fail("；".join(misses) + f"\n未通过的用例：{', '.join(m['failed'])}"
                    f"\n不一致的分组：{', '.join(m['inconsistent_groups'])}\n翻转：{', '.join(flipped)}", pytrace=False)
    bounds = {name: bound for name, _, bound in THRESHOLDS}
    assert m["first_citation_hit"] >= bounds["first_citation_hit"]
    assert m["award_exactness"] == 1.0
    assert m["group_consistency"] == 1.0
    assert m["flip_rate"] == 0.0


SMALL = """
cases:
  - id: small-equipment
    question: 我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万，能拿多少？
    expect: {cites: ["4.3.1"], award_total: 720000, includes: ["72万元"]}
    tags: [award]
  - id: small-cloud
    question: 平台系统上云实际支付8万元，能补多少？
    expect: {cites: ["4.3.5"], award_total: 40000}
    tags: [award]
"""


def test_compare_shows_the_case_a_parameter_change_altered(tmp_path, monkeypatch):
    """Run, change the equipment rate the calculator reads (6% → 5%), run again with --compare."""
    from cli import app
    from tools.params import DEFAULT_DOC, load_parameters

    cases = tmp_path / "small.yaml"
    cases.write_text(SMALL, encoding="utf-8")
    old, new, html = tmp_path / "old.json", tmp_path / "new.json", tmp_path / "report.html"
    runner = CliRunner()
    first = runner.invoke(app, ["eval", str(cases), "--json", str(old), "--strict"])
    assert first.exit_code == 0, first.output

    params = load_parameters(DEFAULT_DOC)  # the cache key the calculator uses
    changed = dataclasses.replace(params["equipment_rate"], value=Decimal("0.05"))
    monkeypatch.setitem(params.items, "equipment_rate", changed)

    second = runner.invoke(app, ["eval", str(cases), "--compare", str(old), "--json", str(new), "--html", str(html),
                                 "--strict"])
    assert second.exit_code == 1  # award exactness fell below 100%
    assert "small-equipment" in second.output and "small-cloud" not in second.output.split("变化")[-1]
    data = json.loads(new.read_text(encoding="utf-8"))
    assert [c["id"] for c in data["changes"]] == ["small-equipment"]
    change = data["changes"][0]
    assert change["before"]["award_total"] == "720000" and change["after"]["award_total"] == "600000"
    assert change["before"]["passed"] is True and change["after"]["passed"] is False
    page = html.read_text(encoding="utf-8")
    assert "与上次运行相比的变化" in page and "small-equipment" in page



class EchoModel:
    """A stand-in chat model (the only faked component): it rephrases the deterministic draft it is shown."""

    def bind_tools(self, tools):
        return self

    def invoke(self, messages):
        from langchain_core.messages import AIMessage

        draft = str(messages[-1].content).split("数字可信）：\n", 1)[-1]
        return AIMessage(content="您好，答复如下。\n" + draft)


def test_deterministic_and_llm_modes_are_compared_in_one_table(tmp_path, seed_corpus):
    from evals.report import render_html
    from evals.runner import assistant_backend, run_suite

    cases = tmp_path / "small.yaml"
    cases.write_text(SMALL, encoding="utf-8")
    suite = load_suite([cases], seed_corpus)
    runs = {}
    for backend in (assistant_backend("deterministic"), assistant_backend("llm", llm=EchoModel())):
        runs[backend.name] = run_suite(suite, backend)
    llm_run = runs["llm:EchoModel"]
    assert all(c["got"]["answer"].startswith("您好") for c in llm_run["cases"])  # the model's wording was used
    assert [c["got"]["award_total"] for c in llm_run["cases"]] == [c["got"]["award_total"] for c in runs["deterministic"]["cases"]]
    page = render_html({"version": 1, "modes": runs}, seed_corpus)
    header = page.split("<table>", 1)[1].split("</tr>", 1)[0]
    assert "deterministic" in header and "llm:EchoModel" in header


def test_mode_both_without_a_configured_llm_says_so_and_runs_deterministic_only(tmp_path, monkeypatch):
    from cli import app

    monkeypatch.delenv("POLICY_ASSISTANT_LLM", raising=False)
    cases = tmp_path / "small.yaml"
    cases.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "both.json"
    result = CliRunner().invoke(app, ["eval", str(cases), "--mode", "both", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "未配置大模型" in result.output and "仅运行确定性模式" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["mode"] == "deterministic"
    llm_only = CliRunner().invoke(app, ["eval", str(cases), "--mode", "llm"])
    assert llm_only.exit_code == 1 and "未配置大模型" in llm_only.output


def test_tags_select_the_cases_to_run(tmp_path):
    from cli import app

    cases = tmp_path / "small.yaml"
    cases.write_text(SMALL.replace("tags: [award]", "tags: [cloud]", 1), encoding="utf-8")
    out = tmp_path / "tagged.json"
    result = CliRunner().invoke(app, ["eval", str(cases), "--tags", "award", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert [c["id"] for c in json.loads(out.read_text(encoding="utf-8"))["cases"]] == ["small-cloud"]
    none = CliRunner().invoke(app, ["eval", str(cases), "--tags", "nosuchtag"])
    assert none.exit_code == 1 and "没有带标签" in none.output
