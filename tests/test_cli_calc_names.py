"""`calc --set` takes facts as people name them: a field's label for its path, titles by name, 是/否 for yes/no."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli import app

AY = "anyuan-2021-9"


def _calc(*args: str):
    result = CliRunner().invoke(app, ["calc", "--doc", AY, *args])
    return result.exit_code, "".join(result.output.split())  # the console wraps long lines


def test_a_label_a_title_by_its_level_and_a_yes_reach_the_same_award_as_the_field_names():
    code, out = _calc("--set", "绿色工厂=省级", "--set", "在县内依法纳税=是", "--as-of", "2022-06-01", "--json")
    assert code == 0, out
    by_label = json.loads(out)
    code, out = _calc("--set", "green_factory=[provincial]", "--set", "pays_tax_locally=true",
                      "--as-of", "2022-06-01", "--json")
    assert code == 0, out
    assert by_label["total"] == json.loads(out)["total"] == 200000


def test_a_name_fitting_several_facts_is_refused_listing_them_in_chinese():
    code, out = _calc("--set", "投资=100万")
    assert code != 0
    assert "可能是" in out and "节能设备投资额" in out
    assert "Traceback" not in out


def test_an_unknown_name_points_to_rules_inputs():
    code, out = _calc("--set", "研发费用=100万")
    assert code != 0
    assert "没有“研发费用”这一项" in out and "rulesinputs" in out
