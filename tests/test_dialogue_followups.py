"""Multi-turn follow-ups: a condition asked about is not stated, bare agreement in an award context, a what-if on the
local tax share, and short replies that continue the last topic or answer the last follow-up question.

Expected figures by hand from the policy text (6% of equipment, cap 200万元; 二级节点 20%, cap 20万元; the sum capped by
the local tax share): 1500万 × 6% = 90万; 600万 × 6% = 36万; 1000万 × 6% = 60万 (tax share 20万 → 20万; 100万 → 60万);
90万 × 20% = 18万; 1200万 × 6% = 72万.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from dialogue_cases import NO_AWARD, asked, case, check_case

EQUIP = ["我们是规上企业", "设备买了1500万", "已竣工已入统"]
NODE = "我们企业在龙南注册，二级节点投入了90万"
TAX = "我们地方实得税收20万，设备投资1000万，条件都满足"
POLICY_FOLLOWUP = "贵企业的技改项目是否符合国家产业政策？"
STATS_FOLLOWUP = "贵企业的技改项目是否已列入国家统计库？"

CASES = [
    # --- 1. a condition asked about is not a condition stated --------------------------------------------------------
    case("policy-asked-stays-unknown", [*EQUIP, "符合产业政策吗？我们是做光伏组件的"], first="4.3.1",
         total=Decimal("900000"), inc=["待确认", "产业政策", "市工信局"], exc=["可享，"], followup=POLICY_FOLLOWUP),
    case("policy-asked-says-not-specified", [*EQUIP, "我们做光伏组件，符合产业政策吗"], total=Decimal("900000"),
         inc=["待确认", "未列明"], followup=POLICY_FOLLOWUP),
    case("policy-shifou-asked", [*EQUIP, "光伏组件是否符合国家产业政策？"], total=Decimal("900000"), inc=["待确认"],
         followup=POLICY_FOLLOWUP),
    case("policy-fubufuhe-asked", [*EQUIP, "我们符不符合产业政策"], total=Decimal("900000"), inc=["待确认"],
         followup=POLICY_FOLLOWUP),
    case("policy-suanbusuan-asked", [*EQUIP, "光伏组件算不算符合产业政策？"], total=Decimal("900000"), inc=["待确认"],
         followup=POLICY_FOLLOWUP),
    case("above-scale-asked", ["设备买了1500万，已竣工已入统，符合产业政策", "我们算不算规上企业？"],
         total=Decimal("900000"), inc=["待确认"], exc=["可享，"]),
    case("completed-asked-suan-ma", ["我们是规上企业，设备买了1500万，已入统，符合产业政策", "我们项目算竣工吗"],
         total=Decimal("900000"), inc=["待确认"], exc=["可享，"]),
    case("stats-asked", ["我们是规上企业，设备买了1500万，已竣工，符合产业政策", "入统了吗？"],
         total=Decimal("900000"), inc=["待确认"], exc=["可享，"]),
    case("acceptance-asked", [NODE, "是否通过验收？"], total=Decimal("180000"), inc=["待确认"], exc=["可享，"]),
    # near miss: stated in the same turn as a money question, the condition holds
    case("policy-stated-with-money-question", [*EQUIP, "我们符合产业政策，能拿多少？"], first="4.3.1",
         total=Decimal("900000"), inc=["可享"], exc=["待确认"]),
    case("policy-stated-plain", [*EQUIP, "符合产业政策"], total=Decimal("900000"), inc=["可享"], exc=["待确认"]),
    # --- 2. bare agreement right after award facts ------------------------------------------------------------------
    case("bare-dou-fuhe", "我们买了600万设备，规上，都符合", first="4.3.1", total=Decimal("360000"), inc=["可享"],
         exc=["待确认"]),
    case("bare-dou-manzu", "我们买了600万设备，规上，都满足", total=Decimal("360000"), inc=["可享"], exc=["待确认"]),
    case("bare-quandou-fuhe", "设备投资600万，全都符合", total=Decimal("360000"), inc=["可享"], exc=["待确认"]),
    case("bare-quanbu-manzu", "买了600万的设备，全部满足", total=Decimal("360000"), inc=["可享"], exc=["待确认"]),
    case("bare-dou-juBei", "我们是规上企业，设备600万，都具备", total=Decimal("360000"), inc=["可享"], exc=["待确认"]),
    case("bare-tiaojian-qiquan", "设备买了600万，条件齐全", total=Decimal("360000"), inc=["可享"], exc=["待确认"]),
    case("bare-node-dou-fuhe", "二级节点投入了90万，都符合", first="4.3.6", total=Decimal("180000"), inc=["可享"],
         exc=["待确认"]),
    case("bare-standalone-after-award", ["我们买了600万设备，规上", "都符合"], total=Decimal("360000"), inc=["可享"],
         exc=["待确认"]),
    # near misses: negated or doubtful agreement sets nothing
    case("bare-dou-bu-fuhe", "我们买了600万设备，规上，都不符合", total=Decimal("360000"), inc=["待确认"]),
    case("bare-bu-dou-fuhe", "我们买了600万设备，规上，不都符合", total=Decimal("360000"), inc=["待确认"]),
    case("bare-buyiding-dou-fuhe", "我们买了600万设备，规上，不一定都符合", total=Decimal("360000"), inc=["待确认"]),
    case("bare-dou-fuhe-asked", "我们买了600万设备，规上，都符合吗", total=Decimal("360000"), inc=["待确认"]),
    # --- 3. a what-if on the local tax share ------------------------------------------------------------------------
    case("tax-whatif-shuishou", [TAX, "税收如果是100万呢"], total=Decimal("600000"), inc=["60万元"],
         exc=["缴税总额"]),
    case("tax-whatif-huancheng", [TAX, "税换成100万呢"], total=Decimal("600000"), exc=["缴税总额"]),
    case("tax-whatif-shide-gaicheng", [TAX, "实得改成100万"], total=Decimal("600000"), exc=["缴税总额"]),
    case("tax-whatif-liucheng", [TAX, "留成如果是50万呢"], total=Decimal("500000"), exc=["缴税总额"]),
    case("tax-whatif-keeps-cap-below", [TAX, "税收如果是30万呢"], total=Decimal("300000")),
    # near misses: without a local share held, a tax amount still asks for the local share
    case("tax-first-time-asks-local-share", "我们交了100万税", inc=["地方财政实得"], exc=["重新测算"]),
    case("tax-whatif-without-share-asks", ["设备投资1000万，条件都满足", "税收如果是100万呢"], total=Decimal("600000"),
         inc=["缴税总额"]),
    # --- 4. short follow-up statements continue the last topic -------------------------------------------------------
    case("node-now-passed", [NODE, "验收还没通过", "现在通过了"], first="4.3.6", total=Decimal("180000"), abstain=False),
    case("node-not-passed-is-stated", [NODE, "验收还没通过"], first="4.3.6", total=Decimal("0"), inc=["不满足"]),
    case("node-just-accepted", [NODE, "验收还没通过", "刚验收完"], first="4.3.6", total=Decimal("180000")),
    case("equipment-now-in-stats", ["我们是规上企业，设备买了1500万，已竣工，符合产业政策", "已经入统了"], first="4.3.1",
         total=Decimal("900000"), inc=["可享"], exc=["待确认"]),
    case("equipment-now-completed", ["我们是规上企业，设备买了1500万，已入统，符合产业政策，项目还在建", "竣工了"],
         first="4.3.1", total=Decimal("900000"), inc=["可享"]),
    case("followup-yes-shide", ["我们是规上企业，设备买了1500万，已竣工，符合产业政策", "是的"], first="4.3.1",
         total=Decimal("900000"), inc=["可享"], exc=["待确认"]),
    case("followup-yes-yijing-lieru", ["我们是规上企业，设备买了1500万，已竣工，符合产业政策", "已经列入了"],
         total=Decimal("900000"), inc=["可享"], exc=["待确认"]),
    case("followup-no-meiyou", ["我们是规上企业，设备买了1500万，已竣工，符合产业政策", "没有"], first="4.3.1",
         total=Decimal("0"), inc=["不满足"]),
    case("followup-no-haimeiyou", ["我们是规上企业，设备买了1500万，已竣工，符合产业政策", "还没有"],
         total=Decimal("0"), inc=["不满足"]),
    case("followup-dui", ["我们是规上企业，设备买了1500万，已竣工，符合产业政策", "对"], total=Decimal("900000"),
         inc=["可享"]),
    case("followup-meicuo", ["我们是规上企业，设备买了1500万，已竣工，符合产业政策", "没错"], total=Decimal("900000")),
    case("followup-bushi-above-scale", ["设备买了1500万，已竣工已入统，符合产业政策", "不是"], total=Decimal("0"),
         inc=["不满足"]),
    # near misses: with nothing asked or talked about, a bare reply is still not understood as a fact
    case("bare-yes-fresh-session-abstains", "是的", total=NO_AWARD, abstain=True),
    case("bare-now-passed-fresh-session-abstains", "现在通过了", total=NO_AWARD, abstain=True),
]


@pytest.mark.parametrize("c", CASES)
def test_multi_turn_followup(c):
    ans = check_case(c)
    if c.get("followup"):
        assert c["followup"] in ans.followups, (ans.answer, ans.followups)


def test_condition_asked_leaves_profile_condition_unknown():
    _, s = asked(*EQUIP, "符合产业政策吗？我们是做光伏组件的")
    assert "complies_industrial_policy" not in s.profile["projects"][0]


def test_tax_whatif_replaces_the_local_share():
    _, s = asked(TAX, "税收如果是100万呢")
    assert s.profile["local_tax_retained"] == Decimal("1000000")
    assert s.profile["projects"][0]["equipment"] == Decimal("10000000")


def test_reply_to_followup_sets_only_that_condition():
    _, s = asked("我们是规上企业，设备买了1500万，已竣工，符合产业政策", "是的")
    assert s.profile["projects"][0]["in_national_stats"] is True
    assert s.profile["above_scale"] is True


def test_now_passed_sets_node_acceptance():
    _, s = asked(NODE, "验收还没通过", "现在通过了")
    assert s.profile["node"]["passed_acceptance"] is True
