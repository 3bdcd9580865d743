"""What-if questions answered from the calculator's what-if helpers: where the 四（三）1 threshold and cap bind, what
a cloud stage or a 二级节点 must spend to reach its cap, and how far the awards are from the 四（三）7 tax cap.

Expected figures are worked out by hand from the policy text (达500万元, 6%, 200万元; 40%/60%/70%/80%, 5万元; 20%,
20万元; awards capped by the local tax share), never by running the assistant:
- 33,333,333元 × 6% = 1,999,999.98元 < 200万元; 33,333,334元 × 6% = 2,000,000.04元 → capped at 200万元.
- Whole yuan, as the 33,333,334 above: 5万元 / 40% = 125,000元; 5万元 / 80% = 62,500元; 5万元 / 60% → 83,334元
  (83,334 × 60% = 50,000.40, 83,333 × 60% = 49,999.80); 5万元 / 70% → 71,429元 (71,429 × 70% = 50,000.30,
  71,428 × 70% = 49,999.60).
- 20万元 / 20% = 100万元 (999,999 × 20% = 199,999.80).
- 1200万 × 6% = 72万; tax share 100万 → 28万 to go; tax share 50万 → 22万 over, not paid.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from dialogue_cases import NO_AWARD, asked, case, check_case, normalise

FACTS = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万"
TAX_FOLLOWUP = "贵企业当年所缴增值税、企业所得税的地方财政实得部分是多少？"
CAP_FIGURES = ["33,333,334元", "2,000,000.04元", "33,333,333元", "1,999,999.98元"]

CASES = [
    # --- the smallest qualifying equipment amount (四（三）1: 达500万元, inclusive, per project) ----------------------
    case("min-equipment-at-least", "设备至少要买多少才能拿到补贴？", first="4.3.1", total=NO_AWARD,
         inc=["500万元", "含本数", "单个"], exc=["33,333,334"]),
    case("min-equipment-qibu", "设备投资多少起补", first="4.3.1", total=NO_AWARD, inc=["500万元", "含本数"]),
    case("min-equipment-zuishao", "设备最少投多少才有奖补？", first="4.3.1", total=NO_AWARD, inc=["500万元"]),
    case("min-equipment-after-facts-keeps-profile", [FACTS, "设备至少要买多少才能拿到补贴？", "那总共能拿多少"],
         first="4.3.1", total=Decimal("720000"), inc=["72万元"]),
    # --- where the 四（三）1 per-enterprise cap binds -------------------------------------------------------------
    case("equipment-cap-naman", "买多少设备才能拿满200万？", first="4.3.1", total=NO_AWARD, inc=CAP_FIGURES,
         exc=["没能完全理解"]),
    case("equipment-cap-fengding", "设备投资到多少就封顶了", first="4.3.1", total=NO_AWARD, inc=CAP_FIGURES),
    case("equipment-cap-daoding", "设备买到多少补贴就到顶了？", first="4.3.1", total=NO_AWARD, inc=["33,333,334元"]),
    case("equipment-cap-says-per-enterprise", "买多少设备才能拿满200万？", first="4.3.1", inc=["单个企业"]),
    # the 200万 asked about is the cap, not the enterprise's equipment: the 1200万 profile still gives 72万
    case("equipment-cap-question-is-not-a-fact", [FACTS, "买多少设备才能拿满200万？", "那总共能拿多少"],
         first="4.3.1", total=Decimal("720000"), inc=["72万元", "按目前掌握的情况测算如下"]),
    # --- other caps: the 二级节点 and the cloud stages --------------------------------------------------------------
    case("node-cap-naman", "二级节点投资多少能拿满20万", first="4.3.6", total=NO_AWARD, inc=["100万元", "20%"],
         exc=["4万元", "没能完全理解"]),
    case("node-cap-fengding", "二级节点投资到多少封顶？", first="4.3.6", total=NO_AWARD, inc=["100万元"]),
    case("cloud-cap-depends-on-stage", "上云最多补到5万，实付多少就封顶", first="4.3.5", total=NO_AWARD,
         inc=["取决于", "阶段"], exc=["没能完全理解", "125,000"]),
    case("cloud-cap-infrastructure", "信息基础设施上云实付多少就封顶？", first="4.3.5", total=NO_AWARD,
         inc=["12.5万元", "40%"]),
    case("cloud-cap-manufacturing", "制造能力上云付多少能拿满5万？", first="4.3.5", total=NO_AWARD, inc=["6.25万元"]),
    case("cloud-cap-application-rounds-to-fen", "业务应用上云花多少就到上限了？", first="4.3.5", total=NO_AWARD,
         inc=["83,334元"]),
    case("cloud-cap-equipment-stage", "设备资源上云实际支付多少就封顶？", first="4.3.5", total=NO_AWARD,
         inc=["71,429元"], exc=["33,333,334"]),
    # --- how far the awards are from the 四（三）7 tax cap ------------------------------------------------------------
    case("tax-distance-below", [FACTS + "，地方财政实得税收100万", "离封顶还差多少"], first="4.3.7",
         total=Decimal("720000"), inc=["28万元", "72万元", "100万元"]),
    case("tax-distance-over", [FACTS + "，地方财政实得税收50万", "离封顶还差多少"], first="4.3.7",
         total=Decimal("500000"), inc=["22万元", "不予奖励", "不结转"]),
    case("tax-distance-tax-given-later", [FACTS, "地方财政实得税收100万", "还能再拿多少才到上限"], first="4.3.7",
         total=Decimal("720000"), inc=["28万元"]),
    case("tax-distance-equipment-capped", ["我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了4000万，"
                                           "地方财政实得税收300万", "离封顶还差多少？"], first="4.3.7",
         total=Decimal("2000000"), inc=["200万元", "100万元"]),
    case("tax-distance-cloud-over", ["信息基础设施上云付了10万，地方财政实得税收3万", "离上限还差多少"], first="4.3.7",
         inc=["1万元", "不予奖励"]),
    case("tax-distance-without-tax-asks", [FACTS, "还能再拿多少才到上限"], first="4.3.7", inc=["72万元", "地方财政实得"],
         followup=TAX_FOLLOWUP),
    case("tax-distance-without-facts-asks", "离封顶还差多少", first="4.3.7", total=NO_AWARD, inc=["地方财政实得"],
         followup=TAX_FOLLOWUP),
    # --- 那总共能拿多少 with nothing new is not a recomputation ------------------------------------------------------------
    case("total-nothing-changed", [FACTS, "那总共能拿多少"], total=Decimal("720000"),
         inc=["按目前掌握的情况测算如下"], exc=["按调整后的情况"]),
    case("total-after-whatif-changed", [FACTS, "那如果是5000万呢"], total=Decimal("2000000"),
         inc=["按调整后的情况重新测算如下"]),
]


@pytest.mark.parametrize("c", CASES)
def test_whatif_question_is_answered_from_the_helpers(c):
    ans = check_case(c)
    if c.get("followup"):
        assert c["followup"] in ans.followups, (ans.answer, ans.followups)


def test_cap_answer_states_exactly_the_helper_figures():
    from tools.amounts import format_yuan
    from tools.whatif import cap_binding_equipment, min_qualifying_equipment

    ans, _ = asked("买多少设备才能拿满200万？")
    assert normalise(format_yuan(cap_binding_equipment())) in normalise(ans.answer)
    ans, _ = asked("设备投资多少起补")
    assert normalise(format_yuan(min_qualifying_equipment())) in normalise(ans.answer)


def test_cap_question_leaves_the_profile_untouched():
    _, s = asked(FACTS, "二级节点投资多少能拿满20万", "上云最多补到5万，实付多少就封顶")
    assert "node" not in s.profile and "cloud" not in s.profile
    assert [p["equipment"] for p in s.profile["projects"]] == [Decimal("12000000")]
