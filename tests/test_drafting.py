"""Drafting a pack from a document's text: parameters with verbatim sources, rule kinds, caps, conditions, meta, and the
questions the text leaves open — on the three bundled documents and on held-out texts the drafter was not written on."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from corpus import BUNDLED_DIR
from tools.drafting import draft_json, draft_text

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "benchmarks" / "drafting_docs"
BUNDLED = ["longnan-2022-40", "nankang-2023-15", "anyuan-2021-9"]
SYNTHETIC = sorted(p.stem for p in HELD_OUT.glob("*.txt"))


def _text(doc_id: str) -> str:
    path = BUNDLED_DIR / doc_id / "source.txt"
    return (path if path.is_file() else HELD_OUT / f"{doc_id}.txt").read_text(encoding="utf-8")


def _gold(doc_id: str) -> dict:
    path = BUNDLED_DIR / doc_id / "rules.yaml"
    if not path.is_file():
        path = HELD_OUT / f"{doc_id}.gold.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["parameters"]


_DRAFTS: dict[str, object] = {}


def drafted(doc_id: str):
    if doc_id not in _DRAFTS:
        _DRAFTS[doc_id] = draft_text(_text(doc_id), doc_id)
    return _DRAFTS[doc_id]


def rule_at(doc_id: str, clause: str) -> dict:
    out = draft_json(drafted(doc_id))
    return next(r for r in out["rules"] if r["clause"] == clause and r["kind"] not in ("budget", "classification"))


def _key(p) -> tuple:
    return str(p["clause"]), Decimal(str(p["value"])).normalize(), p["unit"]


# --- the measured targets --------------------------------------------------------------------------

@pytest.mark.parametrize("doc_id", BUNDLED + SYNTHETIC)
def test_drafted_parameters_match_the_hand_written_ones_in_value_unit_and_clause(doc_id):
    gold = Counter(_key(p) for p in _gold(doc_id).values())
    got = Counter(_key(p) for r in draft_json(drafted(doc_id))["rules"] for p in r["parameters"])
    right = sum((gold & got).values())
    assert right / sum(gold.values()) >= 0.90, f"missing: {list((gold - got).elements())}"
    assert right / sum(got.values()) >= 0.95, f"extra: {list((got - gold).elements())}"


@pytest.mark.parametrize("doc_id", BUNDLED + SYNTHETIC)
def test_every_award_sentence_is_either_drafted_or_listed_as_unparsed(doc_id):
    out = draft_json(drafted(doc_id))
    assert out["sentences"], "no award sentence found"
    assert all(s["status"] for s in out["sentences"])
    listed = {u["text"] for u in out["unparsed_detail"]}
    assert listed == {s["text"] for s in out["sentences"] if s["status"] == "unparsed"}
    assert out["unparsed"] == [u["text"] for u in out["unparsed_detail"]]


@pytest.mark.parametrize("doc_id", BUNDLED + SYNTHETIC)
def test_every_drafted_source_and_quote_is_verbatim_in_its_clause(doc_id):
    draft = drafted(doc_id)
    for r in draft_json(draft)["rules"]:
        for p in r["parameters"]:
            body = draft.document.clauses[p["clause"]].full_text
            assert p["source"] in body and p["quote"] in body, (p["name"], p["source"])
            assert p["source"] in p["quote"]


def test_a_sentence_of_money_words_and_a_figure_that_awards_nothing_is_listed_unparsed():
    out = draft_json(drafted("nankang-2023-15"))
    assert any("不低于20%的比例" in u for u in out["unparsed"])
    assert any("未能起草为规则" in q for q in out["questions"])
    assert not any(p["value"] == Decimal("0.2") and p["clause"] == "9.2" for r in out["rules"] for p in r["parameters"])


# --- the grammar of amounts, lists and scopes ------------------------------------------------------

def test_amounts_listed_after_fenbie_align_with_the_levels_before_them():
    r = rule_at("anyuan-2021-9", "3.1.1")
    values = {p["name"].rsplit("_", 1)[-1]: p["value"] for p in r["parameters"]}
    assert r["kind"] == "titles"
    assert values == {"national": Decimal(500000), "provincial": Decimal(200000), "city": Decimal(50000)}


def test_levels_sharing_a_head_noun_get_full_labels():
    rules = yaml.safe_load(_yaml("longnan-2022-40"))
    opts = rules["inputs"]["r4_3_4_titles"]["options"]
    assert [o["label"] for o in opts.values()] == ["国家服务型制造示范企业", "省服务型制造示范企业", "市服务型制造示范企业"]


def test_rates_listed_after_fenbie_become_rates_per_kind_and_are_maxima():
    r = rule_at("longnan-2022-40", "4.3.5")
    assert r["kind"] == "per_kind"
    assert [p["value"] for p in r["parameters"] if "rate" in p["name"]] == [Decimal(x) / 100 for x in (40, 50, 60, 70, 80)]
    spec = _spec("longnan-2022-40", "4.3.5")
    assert spec["maximum"] is True
    assert [c["scope"] for c in spec["caps"]] == ["per_enterprise"]


def test_bands_written_as_parts_are_marginal_and_bands_on_the_whole_amount_are_whole():
    smart, network = _spec("nankang-2023-15", "2"), _spec("nankang-2023-15", "4")
    assert smart["tiers"] == "marginal" and network["tiers"] == "whole"
    assert network["bands"][0].get("upto_inclusive") is False  # 不足200万元
    assert "upto_inclusive" not in smart["bands"][0]  # 500万元（含）以内
    assert smart["exclusions"] == ["土建工程", "厂房建设", "公用配套设施投入"]


def test_a_lower_edge_repeating_the_band_edge_is_not_a_second_parameter():
    names = [p["name"] for p in rule_at("nankang-2023-15", "2")["parameters"]]
    assert sorted(names) == sorted(["r2_threshold", "r2_band1_rate", "r2_band1_upto", "r2_band2_rate", "r2_cap", "r2_cap2"])


def test_a_range_with_zhi_closes_the_middle_band():
    spec = _spec("ruijin-2024-7", "2.1")
    params = {p["name"]: p for p in rule_at("ruijin-2024-7", "2.1")["parameters"]}
    assert len(spec["bands"]) == 3 and spec["tiers"] == "marginal"
    assert params[spec["bands"][1]["upto"]]["value"] == Decimal(50000000)
    assert spec["threshold"] == "r2_1_threshold"


@pytest.mark.parametrize(("doc_id", "clause", "scopes"), [
    ("nankang-2023-15", "2", ["per_project", "per_enterprise_year"]),  # 每个项目 / 单个企业每年
    ("nankang-2023-15", "5", ["per_enterprise_year"]),  # 每家企业每年
    ("anyuan-2021-9", "3.1.2", ["per_enterprise_total"]),  # 单个企业累计
    ("anyuan-2021-9", "3.2", ["per_project"]),  # 单个项目
    ("longnan-2022-40", "4.3.1", ["per_enterprise"]),  # 单个企业补助总额
])
def test_scope_words_before_a_cap_give_its_scope(doc_id, clause, scopes):
    assert [c["scope"] for c in _spec(doc_id, clause)["caps"]] == scopes


def test_a_cumulative_cap_is_reduced_by_what_was_already_received():
    cap = _spec("anyuan-2021-9", "3.1.2")["caps"][0]
    assert cap["less"] == "r3_1_2_received"


def test_a_cap_without_scope_on_projects_is_asked_not_guessed():
    r = rule_at("xinfeng-2022-12", "5")
    assert any("每个项目还是单个企业" in q for q in r["questions"])
    assert r["confidence"] < rule_at("xinfeng-2022-12", "3")["confidence"]


def test_a_funds_total_is_a_budget_and_a_question_never_a_cap():
    node = _spec("longnan-2022-40", "4.3.6")
    rules = yaml.safe_load(_yaml("longnan-2022-40"))
    assert [c["parameter"] for c in node["caps"]] == ["r4_3_6_cap"]
    assert rules["budgets"][0]["rule"] == "r4_3_6"
    assert rules["parameters"][rules["budgets"][0]["parameter"]]["value"] == 5000000
    out = draft_json(drafted("nankang-2023-15"))
    assert any(r["kind"] == "budget" and r["clause"] == "8.1" for r in out["rules"])
    assert any("资金总额" in q and "第八条（一）" in q for q in out["questions"])


def test_two_inclusive_edges_at_the_same_amount_are_asked():
    assert any("都包含本数" in q for q in rule_at("xinfeng-2022-12", "4")["questions"])


# --- stacking, kinds, conditions ---------------------------------------------------------------------

def test_levels_awarded_fenbie_without_a_stacking_rule_default_to_cumulative_with_a_question():
    spec = _spec("anyuan-2021-9", "3.1.1")
    assert spec["stacking"]["default"] == "cumulative" and spec["stacking"]["allowed"] == ["cumulative", "highest"]
    assert "县工信局" in spec["stacking"]["note"]
    assert any("叠加" in q for q in rule_at("anyuan-2021-9", "3.1.1")["questions"])


def test_highest_and_top_up_words_set_the_stacking_without_a_question():
    spec = _spec("nankang-2023-15", "3")
    assert spec["stacking"] == {"default": "highest_with_top_up", "before": "r3_before"}
    assert rule_at("nankang-2023-15", "3")["questions"] == []
    assert _spec("ruijin-2024-7", "4.1")["stacking"] == {"default": "highest"}


def test_a_single_level_in_its_own_sentence_joins_the_titles_of_the_other_levels():
    r = rule_at("ruijin-2024-7", "4.1")
    assert sorted(p["name"] for p in r["parameters"]) == ["r4_1_city", "r4_1_national", "r4_1_provincial"]


@pytest.mark.parametrize(("doc_id", "clause", "kind"), [
    ("longnan-2022-40", "4.3.1", "rate"), ("longnan-2022-40", "4.3.2", "matching"),
    ("nankang-2023-15", "6", "interest"), ("nankang-2023-15", "7.1", "titles"), ("nankang-2023-15", "7.2", "reimburse"),
    ("anyuan-2021-9", "3.1.2", "unit"), ("anyuan-2021-9", "3.3", "unit"), ("ruijin-2024-7", "3.2", "fixed"),
    ("xinfeng-2022-12", "3", "unit"), ("huichang-2023-21", "2.1", "titles"),
])
def test_each_award_sentence_gets_the_kind_its_words_describe(doc_id, clause, kind):
    assert rule_at(doc_id, clause)["kind"] == kind


def test_interest_takes_the_reference_rate_from_the_enterprise_and_never_a_number():
    spec = _spec("nankang-2023-15", "6")
    rules = yaml.safe_load(_yaml("nankang-2023-15"))
    fields = rules["inputs"]["r6_items"]["fields"]
    assert fields["reference_rate"]["type"] == "rate" and "LPR" in fields["reference_rate"]["label"]
    assert "actual_rate" in spec["interest"]
    assert {p["unit"] for p in rule_at("nankang-2023-15", "6")["parameters"]} == {"比例", "年", "元"}
    term = next(c for c in spec["conditions"] if c["id"] == "term")
    assert term["op"] == "ge" and term["value"] == 1  # 期限1年（含）以上: a condition, not a parameter


def test_conditions_come_from_the_dui_de_phrase_and_a_place_is_the_registered_place():
    texts = [c["text"] for c in _spec("longnan-2022-40", "4.3.1")["conditions"]]
    assert texts == ["规模以上企业", "已竣工", "符合国家产业政策", "列入国家统计库"]
    node = _spec("longnan-2022-40", "4.3.6")["conditions"]
    assert {"fact": "registered_place", "op": "in_place"}.items() <= next(c for c in node if c["id"] == "registered_place").items()


def test_a_subject_that_must_not_apply_becomes_a_false_condition():
    pv = _spec("anyuan-2021-9", "3.3")["conditions"]
    third = next(c for c in pv if "第三方投资建设" in c["text"])
    assert third["op"] == "false" and third["fact"].startswith("r3_3_items.")


def test_quantity_thresholds_become_conditions_on_item_fields_with_units():
    rules = yaml.safe_load(_yaml("anyuan-2021-9"))
    cond = next(c for c in _spec("anyuan-2021-9", "3.2")["conditions"] if c["id"] == "min")
    assert cond == {"id": "min", "fact": "r3_2_items.min", "op": "ge", "parameter": "r3_2_min",
                    "text": "年节能量达到500吨标准煤（含）以上"}
    assert rules["inputs"]["r3_2_items"]["fields"]["min"]["unit"] == "吨标准煤"
    assert rules["inputs"]["r3_3_items"]["fields"]["count"]["conversions"]["兆瓦"] == 1000


def test_support_conditions_apply_to_every_rule_and_article_conditions_to_the_articles_they_name():
    rules = yaml.safe_load(_yaml("nankang-2023-15"))
    assert [c["clause"] for c in rules["eligibility"]] == ["1.1"] * 4 + ["1.2"] * 2
    for clause in ("2", "4", "6"):
        ids = [c["id"] for c in _spec("nankang-2023-15", clause)["conditions"]]
        assert "start_date_from" in ids
    assert "start_date_from" not in [c["id"] for c in _spec("nankang-2023-15", "5").get("conditions", [])]


# --- meta -----------------------------------------------------------------------------------------------

def test_meta_states_number_issuers_place_dates_and_validity():
    ny = drafted("nankang-2023-15").meta
    assert (ny.doc_number, ny.issuers, ny.place["name"], ny.place["within"]) == (
        "康府办字〔2023〕15号", ["赣州市南康区人民政府办公室"], "南康区", "赣州市")
    assert (ny.issued, ny.effective, ny.expires) == (date(2023, 6, 28), date(2023, 7, 1), date(2028, 6, 30))
    ay = drafted("anyuan-2021-9").meta
    assert (ay.effective, ay.expires, ay.event_window) == (date(2021, 4, 12), date(2023, 12, 31),
                                                          (date(2021, 1, 1), date(2023, 12, 31)))
    assert ay.consult_unit == "县工信局" and ay.validity_clause == "9.2"
    ln = drafted("longnan-2022-40").meta
    assert ln.issuers == ["中共龙南市委办公室", "龙南市人民政府办公室"] and ln.expires is None
    assert any("有效期" in q for q in ln.questions) and any("推定为龙南市" in q for q in ln.questions)


def test_the_draft_meta_is_marked_draft_and_pending_review():
    m = drafted("anyuan-2021-9").meta.to_yaml_dict()
    assert m["status"] == "draft" and m["review"] == "待审核"
    assert m["validity"] == "本办法自印发之日起施行，有效期至2023年12月31日。"


# --- text the drafter was not written on ------------------------------------------------------------

NEW_TEXT = """关于支持企业研发创新的若干措施

一、研发投入奖励
对年度研发费用首次超过1000万元的企业，按其研发费用的3%给予奖励，单个企业奖励最高不超过五十万元。

二、高新技术企业
对首次认定的高新技术企业，一次性奖励十万元。

三、仪器设备
对企业购置研发仪器设备的，每台套补助2万元，每家企业每年补助不超过20万元。

四、说明
本措施自2025年1月1日起施行，有效期2年。
"""


def test_a_new_text_with_chinese_numerals_and_per_set_amounts_is_drafted():
    out = draft_json(draft_text(NEW_TEXT, "rd-2025"))
    params = {(p["clause"], p["value"], p["unit"]) for r in out["rules"] for p in r["parameters"]}
    assert ("1", Decimal("0.03"), "比例") in params and ("1", Decimal(500000), "元") in params
    assert ("2", Decimal(100000), "元") in params
    assert ("3", Decimal(20000), "元") in params and ("3", Decimal(200000), "元") in params
    assert {r["clause"]: r["kind"] for r in out["rules"]} == {"1": "rate", "2": "fixed", "3": "unit"}
    assert out["meta"]["expires"] == date(2026, 12, 31)
    first = next(r for r in out["rules"] if r["clause"] == "1")
    assert next(p for p in first["parameters"] if p["role"] == "threshold")["source"] == "超过1000万元"


# --- helpers --------------------------------------------------------------------------------------------

def _yaml(doc_id: str) -> str:
    from tools.drafting import rules_dict
    from tools.drafting.writer import dump_yaml

    return dump_yaml(rules_dict(drafted(doc_id)))


def _spec(doc_id: str, clause: str) -> dict:
    return next(r.spec for r in drafted(doc_id).rules if r.clause == clause)


MORE_FORMS = """关于支持企业做大做强的若干措施

一、产值奖励
分三档给予奖励：年产值1亿元以上的，奖励10万元；5亿元以上的，奖励30万元；10亿元以上的，奖励50万元。

二、新认定企业
对新认定的省级企业技术中心，给予最高不超过20万元的奖励。

三、厂房补助
对新建厂房的项目，补助标准为项目投资额的10%，补助以100万元为上限。

四、上市奖励
对在境内主板上市的企业，奖励标准为每家300万元。

五、基金
对设立规模3千万元以上产业基金的，给予管理机构50万元奖励。
"""


def test_award_forms_beyond_the_bundled_documents_are_read_and_their_doubts_asked():
    out = draft_json(draft_text(MORE_FORMS, "more-forms"))
    rules = {}
    for r in out["rules"]:
        rules.setdefault(r["clause"], []).append(r)
    # amounts by revenue threshold: one rule per step, and whether they add up is asked
    steps = rules["1"]
    assert [r["kind"] for r in steps] == ["fixed"] * 3
    assert [[p["value"] for p in r["parameters"]] for r in steps] == [
        [Decimal(100000), Decimal(100000000)], [Decimal(300000), Decimal(500000000)], [Decimal(500000), Decimal(10) ** 9]]
    assert any("最高一档" in q for q in steps[0]["questions"])
    # an award written only as its maximum
    only_max = rules["2"][0]
    assert only_max["kind"] == "fixed" and only_max["parameters"][0]["source"] == "最高不超过20万元"
    assert any("最高额" in q for q in only_max["questions"])
    # 标准为…的10% and 以…为上限
    assert [(p["value"], p["role"]) for p in rules["3"][0]["parameters"]] == [(Decimal("0.1"), "rate"),
                                                                              (Decimal(1000000), "cap")]
    # 每家 is a fixed amount per enterprise; 3千万元 is thirty million
    assert rules["4"][0]["kind"] == "fixed" and rules["4"][0]["parameters"][0]["value"] == Decimal(3000000)
    assert Decimal(30000000) in [p["value"] for p in rules["5"][0]["parameters"]]
    assert out["unparsed"] == []
