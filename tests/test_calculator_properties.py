"""Property tests: whatever the profile, awards are exact, non-negative, within every cap, monotone and repeatable."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import default_corpus
from corpus.packs import pack_for
from tools.calculator import calculate
from tools.params import load_parameters

P = load_parameters()
_INPUTS = pack_for(default_corpus().document("longnan-2022-40")).rules.inputs
TITLE_IDS = tuple(_INPUTS["titles"].options)
CLOUD_STAGES = tuple(_INPUTS["cloud"].fields)
CAPS = {"equipment": P.value("equipment_cap"), "cloud": P.value("cloud_cap"), "node": P.value("node_cap"),
        "lianghua": sum(P.value(t) for t in TITLE_IDS if t.startswith("lianghua")),
        "service": sum(P.value(t) for t in TITLE_IDS if t.startswith("service"))}

fen = st.integers(min_value=0, max_value=10**10).map(lambda c: Decimal(c) / 100)  # up to 1亿 yuan, to the fen
tri = st.sampled_from([True, False, None])
project = st.fixed_dictionaries({}, optional={
    "equipment": fen, "total_investment": fen, "completed": tri, "in_national_stats": tri,
    "complies_industrial_policy": tri})
profiles = st.fixed_dictionaries({}, optional={
    "above_scale": tri,
    "projects": st.lists(project, max_size=4),
    "titles": st.lists(st.sampled_from(TITLE_IDS), unique=True),
    "ganzhou_smart_award": fen,
    "smart_recognised": tri,
    "cloud": st.fixed_dictionaries({}, optional={s: fen for s in CLOUD_STAGES}),
    "node": st.fixed_dictionaries({}, optional={"investment": fen, "connected": tri, "passed_acceptance": tri,
                                                "registered_in_longnan": tri}),
    "local_tax_retained": fen,
    "stacking": st.sampled_from(["cumulative", "highest"]),
})
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _walk(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _walk(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _walk(v)
    else:
        yield obj


@FAST
@given(profiles)
def test_no_amount_is_ever_negative_or_inexact(profile):
    award = calculate(profile).to_dict()
    assert award["total"] >= 0 and award["uncapped_total"] >= 0
    for i in award["items"]:
        if i["amount"] is None:  # an amount that cannot be known is never invented
            assert not i["amount_known"] and i["status"] != "ineligible"
            continue
        assert i["amount"] >= 0
        assert i["amount"].as_tuple().exponent == -2


@FAST
@given(profiles)
def test_no_float_appears_anywhere_in_the_result(profile):
    award = calculate(profile).to_dict()
    assert not any(isinstance(v, float) for v in _walk(award))


@FAST
@given(profiles)
def test_no_item_exceeds_its_cap(profile):
    for i in calculate(profile).to_dict()["items"]:
        if i["rule"] in CAPS and i["amount"] is not None:
            assert i["amount"] <= CAPS[i["rule"]], i


@FAST
@given(profiles)
def test_total_never_exceeds_the_local_tax_share_when_given(profile):
    award = calculate(profile).to_dict()
    if profile.get("local_tax_retained") is not None and award["items"]:
        assert award["total"] <= profile["local_tax_retained"]
        assert award["capped_by_tax"] == (award["uncapped_total"] > profile["local_tax_retained"])
    assert award["total"] <= award["uncapped_total"]
    assert award["uncapped_total"] == sum((i["amount"] or 0 for i in award["items"]), Decimal(0))


@FAST
@given(profiles)
def test_identical_input_gives_identical_output(profile):
    assert calculate(profile).to_dict() == calculate(dict(profile)).to_dict()


@FAST
@given(st.lists(fen, min_size=2, max_size=2), tri, tri)
def test_award_is_monotone_in_equipment_while_eligible(amounts, completed, in_stats):
    lo, hi = sorted(amounts)

    def award(eq):
        return calculate({"above_scale": True, "projects": [{
            "equipment": eq, "completed": completed, "in_national_stats": in_stats,
            "complies_industrial_policy": True}]}).total

    assert award(lo) <= award(hi)


@FAST
@given(profiles)
def test_a_known_failed_condition_never_pays_and_never_asks(profile):
    award = calculate(profile).to_dict()
    for i in award["items"]:
        if i["status"] == "ineligible":
            assert i["amount"] == 0
            assert any(c["state"] == "not_met" for c in i["conditions"])
    asked = {u["rule"] for u in award["unknown"]}
    assert not any(i["status"] == "ineligible" and i["rule"] in asked for i in award["items"])
