"""The calculator's public API: profile parsing, the award object's shape, the claimable list, what-ifs and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from tools.calculator import calculate, claimable
from tools.errors import CalcError, ProfileError
from tools.jsonutil import dumps
from tools.profile import Profile
from tools.whatif import cap_binding_equipment, distance_to_tax_cap, min_qualifying_equipment

QUALIFYING = {"above_scale": True, "projects": [
    {"equipment": "1200万", "completed": True, "in_national_stats": True, "complies_industrial_policy": True}]}

FULL = {
    "above_scale": True,
    "projects": [{"equipment": 12000000, "total_investment": 20000000, "completed": True,
                  "in_national_stats": True, "complies_industrial_policy": True}],
    "titles": ["lianghua_national", "lianghua_provincial", "lianghua_city",
               "service_national", "service_provincial", "service_city"],
    "ganzhou_smart_award": 500000,
    "cloud": {"infrastructure": 100000, "platform": 0, "application": 60000, "equipment": 0, "manufacturing": 0},
    "node": {"investment": 800000, "registered_in_longnan": True, "passed_acceptance": True},
    "local_tax_retained": 500000,
    "stacking": "cumulative",
}


def test_the_design_example_profile_is_read_and_round_trips():
    p = Profile.from_dict(FULL)
    assert p.projects[0].equipment == Decimal("12000000.00")
    assert p.cloud["application"] == Decimal("60000.00")
    assert Profile.from_dict(p.to_dict()) == p


def test_a_missing_fact_is_unknown_not_false():
    p = Profile.from_dict({"projects": [{"equipment": "1200万"}]})
    assert p.above_scale is None and p.projects[0].completed is None and p.titles is None


@pytest.mark.parametrize(("profile", "field"), [
    ({"above_scale": "maybe"}, "above_scale"),
    ({"projects": [{"equipment": "-5万"}]}, "equipment"),
    ({"projects": [{"equipment": "1200美元"}]}, "equipment"),
    ({"titles": ["gold_medal"]}, "titles"),
    ({"cloud": {"moon": 5}}, "moon"),
    ({"stacking": "sometimes"}, "stacking"),
    ({"local_tax_retained": "很多"}, "local_tax_retained"),
    ({"equipmnet": 5}, "equipmnet"),
    ({"projects": "lots"}, "projects"),
    ({"node": {"investment": "abc"}}, "investment"),
])
def test_a_bad_profile_field_raises_a_chinese_error_naming_the_field(profile, field):
    with pytest.raises(ProfileError) as ei:
        Profile.from_dict(profile)
    assert field in str(ei.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(ei.value))


def test_profiles_load_from_yaml(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("above_scale: true\nprojects:\n  - equipment: 一千二百万元\n    completed: true\n", encoding="utf-8")
    assert Profile.from_yaml(f).projects[0].equipment == Decimal("12000000.00")
    with pytest.raises(ProfileError, match="找不到"):
        Profile.from_yaml(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("above_scale: [unclosed", encoding="utf-8")
    with pytest.raises(ProfileError, match="YAML"):
        Profile.from_yaml(tmp_path / "bad.yaml")


def test_chinese_title_names_are_accepted():
    p = Profile.from_dict({"titles": "国家两化融合管理体系贯标企业、市服务型制造示范企业"})
    assert p.titles == ("lianghua_national", "service_city")


def test_the_award_object_has_the_design_shape():
    award = calculate(QUALIFYING).to_dict()
    assert award["total"] == Decimal("720000")
    item = award["items"][0]
    for key in ("rule", "clause", "label", "amount", "status", "status_text", "conditions", "steps", "trace", "notes"):
        assert key in item
    assert item["label"] == "四（三）1"
    assert item["trace"][0]["inputs"]["equipment_rate"] == Decimal("0.06")
    assert item["trace"][0]["result"] == Decimal("720000")
    for key in ("capped_by_tax", "uncapped_total", "tax_cap", "unknown_conditions", "flags", "library", "clauses"):
        assert key in award
    assert json.loads(dumps(award))["total"] == 720000


def test_calculate_accepts_a_dict_or_a_profile_and_gives_the_same_answer():
    assert calculate(QUALIFYING).to_dict() == calculate(Profile.from_dict(QUALIFYING)).to_dict()


def test_the_full_design_example_adds_every_rule_then_caps_by_tax():
    award = calculate(FULL).to_dict()
    amounts = {i["rule"]: i["amount"] for i in award["items"]}
    assert amounts == {"equipment": Decimal(720000), "smart_matching": Decimal(500000),
                       "lianghua": Decimal(250000), "service": Decimal(150000),
                       "cloud": Decimal(50000), "node": Decimal(160000)}
    assert award["uncapped_total"] == Decimal(1830000)
    assert award["total"] == Decimal(500000) and award["capped_by_tax"] is True
    assert award["clauses"] == ["4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5", "4.3.6", "4.3.7", "4.1"]
    assert award["library"]["tier"] == "city"
    assert "ambiguity:stacking" in award["flags"]


def test_a_profile_with_nothing_to_compute_gives_no_items_and_no_tax_clause():
    award = calculate({}).to_dict()
    assert award["items"] == [] and award["total"] == 0 and "4.3.7" not in award["clauses"]


def test_claimable_lists_every_award_rule_with_status_and_responsible_unit():
    rows = claimable(QUALIFYING)
    assert [r["clause"] for r in rows] == ["4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5", "4.3.6"]
    eq = rows[0]
    assert eq["status_text"] == "可享" and eq["amount"] == Decimal(720000)
    assert eq["units"] == ["市工信局", "市财政局"]
    assert all(r["status_text"] == "待确认" and r["amount"] is None for r in rows[1:])
    assert "1:1" in rows[1]["amount_text"]


def test_claimable_marks_known_failures_as_not_qualifying():
    rows = {r["rule"]: r for r in claimable({"above_scale": False, "titles": [], "cloud": {}})}
    assert rows["equipment"]["status_text"] == "不符合"
    assert rows["lianghua"]["status_text"] == "不符合" and rows["service"]["status_text"] == "不符合"
    assert rows["cloud"]["status_text"] == "不符合"
    assert rows["node"]["status_text"] == "待确认"


def test_cloud_amounts_are_stated_as_maxima_in_the_claimable_list():
    rows = {r["rule"]: r for r in claimable({"cloud": {"infrastructure": "10万"}})}
    assert rows["cloud"]["amount_text"] == "最高可获 4万元"


def test_what_if_helpers_give_the_threshold_and_the_cap_binding_point():
    assert min_qualifying_equipment() == Decimal("5000000")
    assert cap_binding_equipment() == Decimal("33333334")
    assert distance_to_tax_cap(Decimal(720000), "50万") == Decimal(-220000)
    assert distance_to_tax_cap("20万", 500000) == Decimal(300000)


def test_the_cap_binding_point_is_where_the_award_first_reaches_the_cap():
    below = calculate({"projects": [{"equipment": cap_binding_equipment() - 1}]}).total
    at = calculate({"projects": [{"equipment": cap_binding_equipment()}]}).total
    assert below < Decimal(2000000) == at


def test_calculator_errors_are_value_errors_with_chinese_messages():
    with pytest.raises(CalcError, match="称号"):
        calculate({"titles": ["x"]})


def test_tools_import_no_langchain_chromadb_or_gradio():
    code = ("import sys, tools.calculator, tools.whatif, tools.amounts; "
            "tools.calculator.calculate({'projects': [{'equipment': '1200万'}]}); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('langchain', 'langchain_core', 'chromadb', 'gradio', 'assistant')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


# --- CLI -----------------------------------------------------------------------------------

@pytest.fixture()
def cli():
    from cli import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_cli_calc_gives_720000_for_a_qualifying_1200w_project(cli):
    r = cli("calc", "--equipment", "1200万", "--above-scale", "--completed", "--in-stats", "--complies-policy", "--json")
    assert r.exit_code == 0, r.output
    award = json.loads(r.stdout)
    assert award["total"] == 720000
    assert award["items"][0]["steps"][0] == "设备投资额 1,200万元 × 6% = 72万元，未超过单个企业 200万元上限"


def test_cli_calc_reads_a_profile_file_and_flags_override_it(cli, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("above_scale: true\nprojects:\n  - equipment: 1200万\n    completed: true\n"
                 "    in_national_stats: true\n    complies_industrial_policy: true\n", encoding="utf-8")
    assert json.loads(cli("calc", "--profile", str(f), "--json").stdout)["total"] == 720000
    r = cli("calc", "--profile", str(f), "--local-tax", "50万", "--json")
    assert json.loads(r.stdout)["total"] == 500000
    r = cli("calc", "--profile", str(f), "--not-above-scale", "--json")
    assert json.loads(r.stdout)["total"] == 0


def test_cli_calc_stacking_flag_picks_the_highest_title(cli):
    r = cli("calc", "--titles", "lianghua_national,lianghua_city", "--stacking", "highest", "--json")
    assert json.loads(r.stdout)["total"] == 200000


def test_cli_calc_prints_tables_by_default(cli):
    r = cli("calc", "--equipment", "1200万", "--above-scale")
    assert r.exit_code == 0
    assert "四（三）1" in r.stdout and "待确认" in r.stdout and "72万元" in r.stdout


def test_cli_calc_claimable_json_lists_every_rule(cli):
    rows = json.loads(cli("calc", "--claimable", "--json").stdout)
    assert len(rows) == 6


@pytest.mark.parametrize("args", [("--equipment", "1200美元"), ("--equipment", "0"), ("--local-tax", "-5万"), ("--titles", "foo"), ("--stacking", "both"),
                                  ("--profile", "/no/such/file.yaml")])
def test_cli_calc_bad_input_exits_nonzero_with_a_chinese_message_and_no_traceback(cli, args):
    r = cli("calc", *args)
    assert r.exit_code != 0
    assert "Traceback" not in r.output
    assert "错误" in r.output
