"""Runs every pack's OpenFisca-style rule cases (corpus/<doc>/tests/*.yaml): one pytest case per YAML case."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import default_corpus, interpretations
from corpus.packs import pack_for
from tools.packtests import pack_cases, run_case

PACKS = [pack_for(d) for d in default_corpus() if pack_for(d).rules is not None]


def _cases():
    return [pytest.param(c, id=f"{c.doc}:{c.name}") for p in PACKS for c in pack_cases(p.id)]


def test_every_bundled_pack_has_rules_and_tests():
    assert {p.id for p in PACKS} == {"longnan-2022-40", "nankang-2023-15", "anyuan-2021-9"}
    for p in PACKS:
        assert pack_cases(p.id), p.id


@pytest.mark.parametrize("pack", PACKS, ids=[p.id for p in PACKS])
def test_every_rule_and_cap_of_a_pack_has_a_yaml_file_with_cases(pack):
    stems = {Path(c.file).stem for c in pack_cases(pack.id)}
    wanted = {r.id for r in pack.rules.rules} | {c.id for c in pack.rules.classifications}
    if pack.rules.document_cap is not None:
        wanted.add(pack.rules.document_cap.id)
    assert wanted <= stems, f"没有测试文件的规则：{sorted(wanted - stems)}"
    names = [c.name for c in pack_cases(pack.id)]
    assert len(names) == len(set(names)), "case names must be unique sentences"


@pytest.mark.parametrize("case", _cases())
def test_rule_case(case):
    outcome = run_case(case)
    assert outcome.ok, "；".join(outcome.problems)
    # every clause the result rests on exists in the document, labels included
    from tools.calculator import calculate

    award = calculate(case.profile, doc_id=case.doc, as_of=case.as_of).to_dict()
    doc = default_corpus().document(case.doc)
    for cid in award["clauses"]:
        doc.clause(cid)
    for i in award["items"]:
        assert doc.clause(i["clause"]).label == i["label"]
        if i["rule"] == case.file:
            assert i["clause"] == case.clause


@pytest.mark.parametrize("pack", PACKS, ids=[p.id for p in PACKS])
def test_every_money_interpretation_of_the_policy_office_has_rule_cases(pack):
    money_clauses = {r.clause for r in pack.rules.rules} | {c.clause for c in pack.rules.classifications}
    wanted = {i["id"] for i in interpretations(pack.document) if str(i.get("clause")) in money_clauses}
    covered = {i for c in pack_cases(pack.id) for i in c.interpretations}
    assert wanted <= covered, f"没有规则用例的解释：{sorted(wanted - covered)}"
