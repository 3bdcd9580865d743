"""What an enterprise can still claim when it states facts in the same turn, and whether two of the document's rules combine."""

from __future__ import annotations

from decimal import Decimal

import pytest
from dialogue_cases import NO_AWARD, case, check_case

ALL_RULES = ["4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5", "4.3.6", "4.3.7"]

CLAIMABLE = [
    # --- what can we get, with facts: the list for that profile, not one failed rule -------------------------------
    case("moved-not-in-production", "我们企业刚搬到龙南，还没投产，有啥政策可以享受", first="4.3.1", cites=ALL_RULES,
         inc=["不符合", "项目已竣工", "待确认", "1:1", "单个企业最高5万元"], exc=["合计：0元", "目前可测算的合计：0元"],
         flags=["claimable"]),
    case("below-scale-which-policies", "我们是规下企业，能享受哪些政策", first="4.3.1", cites=ALL_RULES,
         inc=["不符合", "规模以上企业", "待确认"], exc=["合计：0元"], flags=["claimable"]),
    case("above-scale-which-awards", "我们是规上企业，有哪些奖励可以申请？", first="4.3.1", cites=ALL_RULES,
         inc=["待确认", "项目已竣工", "列入国家统计库"], exc=["不符合"], flags=["claimable"]),
    case("title-held-what-else", "我们获得了省级两化深度融合示范企业，还有什么补贴可以申请", cites=ALL_RULES,
         total=Decimal("30000"), inc=["可享", "3万元", "待确认"], flags=["claimable"]),
    case("not-completed-what-can-we-enjoy", "我们的技改项目还没竣工，能享受哪些补贴", first="4.3.1", cites=ALL_RULES,
         inc=["不符合", "项目已竣工"], exc=["合计：0元"], flags=["claimable"]),
    case("above-scale-apply-what", "我们是规上企业，可以申请什么补贴", cites=ALL_RULES, inc=["待确认"], flags=["claimable"]),
    case("support-policies-with-stage-less-cloud", "我们上云花了10万，还有什么扶持政策", cites=ALL_RULES, flags=["claimable"]),
    case("no-facts-what-policies", "有啥政策可以享受", first="4.3.1", cites=ALL_RULES, total=NO_AWARD, flags=["claimable"]),
    case("still-claimable-after-profile", ["我们是规上企业，买设备花了1200万", "我们还能申请哪些奖励？"], cites=ALL_RULES,
         inc=["72万元", "待确认"], flags=["claimable"]),
    case("node-done-what-else", "我们在龙南注册，二级节点已接入并通过验收，还有什么奖励", cites=ALL_RULES,
         inc=["四（三）6", "待确认"], flags=["claimable"]),
    # --- near-misses: an amount question stays the award route; a named rule stays a lookup ------------------------
    case("amount-question-stays-award", "我们是规上企业，买设备花了1200万，能拿多少？", first="4.3.1", total=Decimal("720000"),
         inc=["72万元"]),
    case("not-in-production-amount-stays-award", "我们企业还没投产，设备投了800万，能拿多少钱", first="4.3.1",
         total=Decimal("0"), inc=["不符合", "项目已竣工"]),
    case("conditions-of-one-rule-is-lookup", "上云补贴有哪些条件", first="4.3.5", total=NO_AWARD),
    case("one-rule-awards-listed", "两化融合有哪些奖励？", first="4.3.3", total=NO_AWARD, inc=["20万元", "3万元", "2万元"]),
    case("bank-support-not-claimable", "银企对接有啥支持", first="4.4", total=NO_AWARD),
]

COMBINATION = [
    # --- two of the document's rules: each separately, all under 四（三）7, not forbidden, not explicitly allowed ----
    case("same-project-equipment-and-cloud", "同一个项目能同时享受设备奖补和上云补贴吗", first="4.3.1",
         cites=["4.3.5", "4.3.7"], total=NO_AWARD, inc=["分别计算", "四（三）7", "以市工信局解释为准", "没有禁止"]),
    case("equipment-and-lianghua-together", "设备奖补和两化融合奖励能一起拿吗", first="4.3.1", cites=["4.3.3", "4.3.7"],
         total=NO_AWARD, inc=["分别计算", "以市工信局解释为准", "没有禁止"]),
    case("cloud-and-node-stack", "上云和二级节点可以叠加吗", first="4.3.5", cites=["4.3.6", "4.3.7"], total=NO_AWARD,
         inc=["分别计算", "四（三）7", "以市工信局解释为准"]),
    case("cloud-and-node-apply-together", "上云补贴和二级节点补助能同时申请吗", first="4.3.5", cites=["4.3.6", "4.3.7"],
         total=NO_AWARD, inc=["分别计算", "四（三）7"]),
    case("lianghua-and-service-together", "两化融合奖励和服务型制造示范奖励可以同时拿吗", first="4.3.3",
         cites=["4.3.4", "4.3.7"], total=NO_AWARD, inc=["分别计算", "以市工信局解释为准"]),
    case("smart-and-equipment-stack", "智能制造配套奖励和设备奖补能叠加享受吗", first="4.3.2", cites=["4.3.1", "4.3.7"],
         total=NO_AWARD, inc=["分别计算", "1:1"]),
    case("node-and-equipment-both", "二级节点补助和设备补贴能兼得吗", first="4.3.6", cites=["4.3.1", "4.3.7"],
         total=NO_AWARD, inc=["分别计算", "以市工信局解释为准"]),
    # --- near-misses: levels of one title, two projects of one rule, a provincial scheme, facts stated -------------
    case("levels-of-one-title-stay-stacking", "两化融合国家级和省级称号能叠加吗", first="4.3.3", notcites=["4.3.4"],
         total=NO_AWARD, inc=["文件未明确不同级别称号能否叠加"]),
    case("two-projects-one-rule", "两个项目的设备补贴能叠加吗", first="4.3.1", total=NO_AWARD),
    case("provincial-scheme-abstains", "设备奖补可以和省里的技改补贴同时拿吗？", abstain=True, inc=["市工信局"]),
    case("combination-with-facts-is-award", "我们是规上企业，项目已竣工、入统、符合产业政策，买设备1000万，上云补贴也能同时拿吗",
         first="4.3.1", cites=["4.3.5", "4.3.7"], total=Decimal("600000"), inc=["60万元", "单独的一项奖补"]),
]


@pytest.mark.parametrize("c", CLAIMABLE)
def test_what_can_we_get_lists_every_rule_for_the_stated_profile(c):
    check_case(c)


@pytest.mark.parametrize("c", COMBINATION)
def test_two_rules_combine_separately_under_the_tax_cap(c):
    check_case(c)
