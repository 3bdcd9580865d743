"""Round: the document's own figures restated beside the enterprise's facts, a parent clause's items listed,
abstention wording that matches what was asked, and whether an award is annual.

Expected values are read from the policy text by hand (四（三）3: 20万/3万/2万; 四（三）5: 50% of 6万 = 3万, cap 5万;
四（三）1: 6% of 1000万 = 60万), never from running the assistant."""

from __future__ import annotations

import pytest
from dialogue_cases import NO_AWARD, case, check_case

NOT_UNDERSTOOD = "指的是哪一项金额"

FIGURES = [
    # 1. a figure stated with its title or level is the document's, not an amount of the enterprise
    case("lianghua-two-levels-restated", "省级两化融合示范企业奖3万，市级2万，我们两个都有，一共5万对吗",
         first="4.3.3", total=50000, flags=["ambiguity:stacking"], exc=[NOT_UNDERSTOOD]),
    case("lianghua-national-restated", "国家级贯标奖20万我们拿到了", first="4.3.3", total=200000, exc=[NOT_UNDERSTOOD]),
    case("service-city-restated", "市级服务型制造示范企业奖2万，我们已经评上了", first="4.3.4", total=20000,
         exc=[NOT_UNDERSTOOD]),
    case("service-provincial-restated-award-word", "省级服务型制造示范企业奖励3万元，我们是省级服务型制造示范企业",
         first="4.3.4", total=30000, exc=[NOT_UNDERSTOOD]),
    case("cloud-cap-restated", "上云最高补5万，我们平台系统上云花了6万", first="4.3.5", total=30000, exc=[NOT_UNDERSTOOD]),
    case("cloud-cap-restated-other-order", "我们平台系统上云花了6万，上云最高补5万对吧", first="4.3.5", total=30000,
         exc=[NOT_UNDERSTOOD]),
    case("equipment-rate-restated", "设备补6%，我们买了1000万的设备", first="4.3.1", total=600000, exc=[NOT_UNDERSTOOD]),
    case("equipment-cap-restated", "设备奖补最多200万，我们买了1000万的设备", first="4.3.1", total=600000,
         exc=[NOT_UNDERSTOOD]),
    case("node-cap-restated", "二级节点最高补20万，我们投了50万，已接入并通过验收，在龙南注册", first="4.3.6",
         total=100000, exc=[NOT_UNDERSTOOD]),
    # near-misses: an amount the enterprise paid or bought, or one that is not the title's parameter, stays a fact
    case("equipment-amount-equal-to-nothing", "我们买了1000万的设备，能拿多少", first="4.3.1", total=600000),
    case("cloud-paid-5w-is-paid", "我们平台系统上云花了5万，能补多少", first="4.3.5", total=25000),
    case("node-investment-20w-is-investment", "我们二级节点投资20万，已接入并通过验收，在龙南注册，能补多少",
         first="4.3.6", total=40000),
    case("lianghua-held-no-figure", "我们是省级两化融合示范企业，也是市级两化融合示范企业，能拿多少", first="4.3.3",
         total=50000, flags=["ambiguity:stacking"]),
    case("lianghua-figure-question-still-figure", "两化融合贯标企业奖励20万是国家级的吗", first="4.3.3", total=NO_AWARD),
]

ITEMS = [
    # 2. the items of a parent clause: its children with labels and headings, parent cited first
    case("list-4-3-all", "请列出四（三）所有奖补", first="4.3",
         cites=["4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5", "4.3.6", "4.3.7"], inc=["四（三）1", "四（三）7"],
         total=NO_AWARD),
    case("list-4-3-which", "四（三）有哪几条", first="4.3", cites=["4.3.1", "4.3.6"], inc=["四（三）5"],
         total=NO_AWARD),
    case("list-4-3-include", "四（三）包括哪些内容", first="4.3", cites=["4.3.2", "4.3.5"], total=NO_AWARD),
    case("list-4-which", "保障措施有哪些", first="4", cites=["4.1", "4.5"], inc=["建立项目库", "加强技改监测分析"],
         total=NO_AWARD),
    case("list-3-range", "三（一）到三（五）分别是什么", first="3", cites=["3.1", "3.2", "3.3", "3.4", "3.5"],
         inc=["创新成果转化工程", "工业强基工程"], total=NO_AWARD),
    case("list-3-which", "主要任务有哪几项", first="3", cites=["3.1", "3.5"], inc=["绿色化改造工程"], total=NO_AWARD),
    # near-misses: one item named is quoted, not the list
    case("single-item-still-quoted", "四（三）5是什么", first="4.3.5", inc=["40%"], total=NO_AWARD),
    case("single-4-1-still-quoted", "四（一）是什么内容", first="4.1", inc=["500万元"], total=NO_AWARD),
]

ABSTAIN = [
    # 3. the abstention says what was asked
    case("disbursement-when", "技改奖补资金什么时候拨付", abstain=True, cites=["4.3.7"], inc=["拨付"],
         exc=["申报时间和截止日期"]),
    case("disbursement-arrive", "上云补贴多久能到账", abstain=True, inc=["拨付"], exc=["申报时间和截止日期"]),
    case("disbursement-fafang", "两化融合奖励什么时候发放", abstain=True, inc=["拨付"], exc=["申报时间和截止日期"]),
    case("disbursement-duixian", "设备奖补什么时候兑现", abstain=True, inc=["拨付"], exc=["申报时间和截止日期"]),
    # near-misses: deadline questions keep the deadline wording
    case("deadline-still-deadline", "设备奖补申报截止日期是什么时候", abstain=True, inc=["申报时间和截止日期"]),
    case("deadline-when-apply", "上云补贴什么时候申报", abstain=True, inc=["申报时间和截止日期"]),
    case("materials-still-materials", "申报设备奖补需要提交什么材料", abstain=True, inc=["申报材料"]),
    case("contact-still-contact", "市工信局咨询电话是多少", abstain=True, inc=["联系方式"]),
    case("validity-still-validity", "这个文件有效期到什么时候", abstain=True, inc=["有效期"]),
]

ANNUAL = [
    # 4. whether an award is annual: 一次性 where the clause says so, else not stated
    case("cloud-annual", "企业上云补贴是按年度计算吗", first="4.3.5", inc=["文件未写明是否每年", "市工信局"],
         total=NO_AWARD),
    case("node-annual", "二级节点补助每年都能申请吗", first="4.3.6", inc=["一次性"], total=NO_AWARD),
    case("equipment-annual", "设备奖补可以每年申报吗", first="4.3.1", inc=["一次性"], total=NO_AWARD),
    case("lianghua-annual", "两化融合奖励每年都有吗", first="4.3.3", inc=["文件未写明是否每年"], total=NO_AWARD),
    # near-miss: the annual cap of 四（三）7 is a different question
    case("tax-cap-year-unchanged", "各项奖励以当年税收地方财政实得部分为限是什么意思", first="4.3.7",
         exc=["文件未写明是否每年"]),
]


@pytest.mark.parametrize("c", FIGURES + ITEMS + ABSTAIN + ANNUAL)
def test_figure_restatements_item_lists_abstention_wording_and_annual_questions(c):
    check_case(c)
