"""Runs the OpenFisca-style rule cases in tests/rules/*.yaml: one pytest case per YAML case, named by its sentence."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from tools.calculator import calculate

RULES_DIR = Path(__file__).parent / "rules"
# every rule of 四（三） and 四（一） has its file, so a rule without tests is noticed
EXPECTED_FILES = {"equipment", "smart_matching", "lianghua", "service", "cloud", "node", "tax_cap", "library"}


def _cases():
    out = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append(pytest.param(path.stem, data["clause"], case, id=case["name"]))
    return out


def _money(v) -> Decimal:
    return Decimal(str(v))


def _contains_all(haystack: list[str], needles: list[str], what: str) -> None:
    for n in needles:
        assert any(n in h for h in haystack), f"{what} 中没有“{n}”：{haystack}"


def test_every_rule_has_a_yaml_file_with_cases():
    stems = {p.stem for p in RULES_DIR.glob("*.yaml")}
    assert EXPECTED_FILES <= stems
    names = [c.id for c in _cases()]
    assert len(names) == len(set(names)), "case names must be unique sentences"


@pytest.mark.parametrize(("rule_file", "clause", "case"), _cases())
def test_rule_case(rule_file, clause, case):
    result = calculate(case["profile"])
    award = result.to_dict()
    exp = case["expect"]
    items = {i["rule"]: i for i in award["items"]}
    if "total" in exp:
        assert award["total"] == _money(exp["total"])
    if "uncapped_total" in exp:
        assert award["uncapped_total"] == _money(exp["uncapped_total"])
    if "capped_by_tax" in exp:
        assert award["capped_by_tax"] is exp["capped_by_tax"]
    if "tax_cap" in exp:
        assert award["tax_cap"] == (None if exp["tax_cap"] is None else _money(exp["tax_cap"]))
    for rule, fields in (exp.get("items") or {}).items():
        assert rule in items, f"结果中没有 {rule}：{list(items)}"
        for key, want in fields.items():
            got = items[rule][key]
            if key == "amount" and want is not None:
                assert got == _money(want), f"{rule}.amount = {got}, 期望 {want}"
            else:
                assert got == want, f"{rule}.{key} = {got!r}, 期望 {want!r}"
    if "only_rules" in exp:
        assert list(items) == exp["only_rules"]
    if "conditions" in exp:
        states = {c["id"]: c["state"] for i in award["items"] for c in i["conditions"]}
        for cid, want in exp["conditions"].items():
            assert states.get(cid) == want, f"条件 {cid} = {states.get(cid)}, 期望 {want}"
    steps = [s for i in award["items"] for s in i["steps"]]
    notes = [s for i in award["items"] for s in i["notes"]] + award["notes"]
    _contains_all(steps, exp.get("steps_include", []), "计算步骤")
    _contains_all(notes, exp.get("notes_include", []), "说明")
    _contains_all(award["steps"], exp.get("result_steps_include", []), "合计步骤")
    _contains_all(award["unknown_conditions"], exp.get("unknown_conditions_include", []), "待确认条件")
    for n in exp.get("unknown_conditions_exclude", []):
        assert all(n not in u for u in award["unknown_conditions"]), award["unknown_conditions"]
    for f in exp.get("flags_include", []):
        assert f in award["flags"]
    for f in exp.get("flags_exclude", []):
        assert f not in award["flags"]
    if "clauses" in exp:
        assert award["clauses"] == [str(c) for c in exp["clauses"]]
    for c in exp.get("clauses_include", []):
        assert c in award["clauses"]
    for c in exp.get("clauses_exclude", []):
        assert c not in award["clauses"]
    if "library_tier" in exp:
        assert (award["library"] or {}).get("tier") == exp["library_tier"]
    # every clause the result rests on exists in the corpus, labels included
    from corpus import default_corpus

    for cid in award["clauses"]:
        default_corpus().clause(cid)
    for i in award["items"]:
        assert default_corpus().clause(i["clause"]).label == i["label"]
    if rule_file in items:
        assert items[rule_file]["clause"] == clause


def test_every_money_interpretation_of_the_policy_office_has_rule_cases():
    from corpus import read_yaml

    data = read_yaml(Path(__file__).resolve().parent.parent / "corpus" / "longnan-2022-40" / "interpretations.yaml")
    money_clauses = {"4.1", "4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5", "4.3.6"}
    wanted = {i["id"] for i in data["interpretations"] if str(i.get("clause")) in money_clauses} | {"tax-cap"}
    covered = set()
    for path in RULES_DIR.glob("*.yaml"):
        rule = yaml.safe_load(path.read_text(encoding="utf-8"))
        if rule["cases"]:
            covered |= set(rule.get("interpretations") or [])
    assert wanted <= covered, f"没有规则用例的解释：{sorted(wanted - covered)}"
