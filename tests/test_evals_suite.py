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
    detail = {
        "failed_cases": m["failed"],
        "inconsistent_groups": m["inconsistent_groups"],
        "flipped": [c["id"] for c in report["cases"] if c["flipped"]],
    }
    assert threshold_failures(m) == [], detail
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
    from tools.params import load_parameters

    cases = tmp_path / "small.yaml"
    cases.write_text(SMALL, encoding="utf-8")
    old, new, html = tmp_path / "old.json", tmp_path / "new.json", tmp_path / "report.html"
    runner = CliRunner()
    first = runner.invoke(app, ["eval", str(cases), "--json", str(old), "--strict"])
    assert first.exit_code == 0, first.output

    params = load_parameters()
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

