"""Round 5: colloquial condition statements, questions about the document's own figures, and who-interprets /
when-effective questions the document does not settle.

1. 项目验收完了 / 建成投产 / 统计局那边也报了 state 已竣工 and 列入国家统计库 for a technical-upgrade project; the same
   words beside 二级节点 stay the node's own acceptance.
2. 两化融合贯标企业奖励20万是国家级的吗 asks about the document's figure: a lookup, no award; an amount the enterprise
   states as its own (我们买了/花了/投资/支付…) or a title it states (我们获得了…) still counts.
3. 谁来解释 / 什么时候开始执行: the document names no interpreting body and no separate effective date.

Every expected award is computed by hand from the policy text and DESIGN §5 (4.3.1: 6% of equipment ≥ 500万, capped
at 200万 per enterprise; 4.3.6: 20% of node investment, capped at 20万; 4.3.5: stage rate × paid, capped at 5万)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from dialogue_cases import NO_AWARD, case, check_case

from assistant.understand import understand

C = case
NOT_UNDERSTOOD = "没能完全理解"
PENDING = "尚待确认"  # a 4.3.1 condition still unknown is listed under this heading
FULL = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，"

CASES = [
    # --- 1. colloquial 已竣工 / 列入国家统计库 in an equipment context --------------------------------------------
    # 750万 × 6% = 45万, all four conditions stated
    C("cond-boss-asks-accepted-and-reported",
      "老板让我问问，咱们厂今年换了一批新设备，花了七百五十万，能申请技改奖补吗？我们是规上，项目验收完了，统计局那边也报了，符合国家产业政策",
      first="4.3.1", total=Decimal("450000"), inc=["45万元", "可享"], exc=[PENDING, NOT_UNDERSTOOD]),
    # 1000万 × 6% = 60万
    C("cond-already-accepted-reported-stats",
      "我们规上企业，技改项目已经验收，已经报统计了，符合产业政策，买设备花了1000万，能拿多少",
      first="4.3.1", total=Decimal("600000"), inc=["60万元"], exc=[PENDING]),
    # 800万 × 6% = 48万
    C("cond-built-and-producing-counted-in-stats",
      "我们是规上企业，技改项目建成投产了，纳入统计了，符合国家产业政策，设备投资800万能拿多少",
      first="4.3.1", total=Decimal("480000"), inc=["48万元"], exc=[PENDING]),
    # 600万 × 6% = 36万; 入库统计 is the statistics library, not the project library
    C("cond-finished-work-entered-stats",
      "规上企业，项目完工了，入库统计了，符合产业政策，购置设备600万，补多少",
      first="4.3.1", total=Decimal("360000"), inc=["36万元"], exc=[PENDING]),
    # 2000万 × 6% = 120万
    C("cond-in-production-stats-bureau-reported",
      "我们厂规上，设备更新花了2000万，项目已经投产，统计局那边报了，符合产业政策，能补多少",
      first="4.3.1", total=Decimal("1200000"), inc=["120万元"], exc=[PENDING]),
    # 3500万 × 6% = 210万 → capped at 200万
    C("cond-acceptance-completed-cap-binds",
      "规上企业，项目验收完成了，统计局也报过了，符合国家产业政策，采购设备3500万能拿多少",
      first="4.3.1", total=Decimal("2000000"), inc=["200万元"], exc=[PENDING]),
    # 500万 × 6% = 30万 (the threshold is inclusive)
    C("cond-accepted-last-month-at-threshold",
      "咱们是规上企业，技改项目上个月验收完了，也纳入统计了，符合产业政策，设备花了500万，能拿吗",
      first="4.3.1", total=Decimal("300000"), inc=["30万元"], exc=[PENDING]),
    # 1500万 × 6% = 90万
    C("cond-new-line-in-production",
      "我们是规上，新生产线已经投产，统计局那边也报了，符合产业政策，买了1500万的设备，能补多少",
      first="4.3.1", total=Decimal("900000"), inc=["90万元"], exc=[PENDING]),
    # 900万 × 6% = 54万, completed and stats given in the second turn
    C("cond-second-turn-accepted-and-reported",
      ["我们是规上企业，买设备花了900万，符合产业政策，能拿多少", "项目验收完了，统计局那边也报了"],
      first="4.3.1", total=Decimal("540000"), inc=["54万元"], exc=[PENDING]),
    # the statistics bureau not yet reported: 列入国家统计库 is false → 4.3.1 contributes 0
    C("cond-accepted-but-not-reported-is-zero",
      "项目已经验收，但统计局那边还没报，我们规上，符合产业政策，设备700万能拿多少",
      first="4.3.1", total=Decimal("0")),
    # not yet accepted says nothing certain about 竣工: it stays to be confirmed; 900万 × 6% = 54万 conditional
    C("cond-not-yet-accepted-stays-unknown",
      "我们规上，设备投资900万，项目还没验收，入统了，符合产业政策，能拿多少",
      first="4.3.1", total=Decimal("540000"), inc=[PENDING, "项目已竣工"]),
    # --- 1b. near-misses: the node's own acceptance ---------------------------------------------------------------
    # 80万 × 20% = 16万
    C("node-accepted-stays-node",
      "我们在龙南注册，二级节点投资80万，已经通过验收了，能补多少",
      first="4.3.6", total=Decimal("160000"), notcites=["4.3.1"], inc=["16万元"]),
    # 50万 × 20% = 10万
    C("node-accepted-second-turn",
      ["我们是在龙南注册的企业，二级节点投资了50万", "二级节点通过验收了"],
      first="4.3.6", total=Decimal("100000"), notcites=["4.3.1"]),
    # 120万 × 20% = 24万 → capped at 20万; 项目验收完了 beside 二级节点 is the node's acceptance
    C("node-project-accepted-is-node-acceptance",
      "二级节点项目验收完了，投资120万，龙南注册的，能补多少",
      first="4.3.6", total=Decimal("200000"), notcites=["4.3.1"], inc=["20万元"]),
    # 入库 of the project library: 6000万 ≥ 500万 and < 1亿 → 市级技术改造项目库
    C("library-entry-is-not-stats", "技改项目投资6000万能入库吗", first="4.1", total=NO_AWARD, inc=["市级"]),

    # --- 2. a question about the document's own figure -----------------------------------------------------------
    C("fig-lianghua-20w-national", "两化融合贯标企业奖励20万是国家级的吗",
      first="4.3.3", total=NO_AWARD, inc=["20万元", "通过国家两化融合管理体系贯标企业"], exc=[NOT_UNDERSTOOD]),
    C("fig-service-provincial-3w", "服务型制造省级是3万吗",
      first="4.3.4", total=NO_AWARD, inc=["3万元", "省服务型制造示范企业"], exc=[NOT_UNDERSTOOD]),
    C("fig-cloud-5w-per-year", "上云补贴5万是每年吗",
      first="4.3.5", total=NO_AWARD, inc=["5万元", "未写明是否每年"], exc=[NOT_UNDERSTOOD]),
    C("fig-equipment-6pct-one-off", "6%是一次性的吗",
      first="4.3.1", total=NO_AWARD, inc=["一次性资金奖补", "写明为一次性"], exc=[NOT_UNDERSTOOD]),
    C("fig-equipment-cap-per-project", "200万是一个项目的上限吗",
      first="4.3.1", total=NO_AWARD, inc=["单个企业"], exc=[NOT_UNDERSTOOD]),
    C("fig-lianghua-national-is-20w", "国家级两化融合贯标奖励是20万吗",
      first="4.3.3", total=NO_AWARD, inc=["20万元"], exc=[NOT_UNDERSTOOD]),
    C("fig-service-city-2w", "市级服务型制造示范企业奖励2万对吗",
      first="4.3.4", total=NO_AWARD, inc=["2万元", "市服务型制造示范企业"], exc=[NOT_UNDERSTOOD]),
    C("fig-node-cap-one-off", "二级节点补助最高20万是一次性的吗",
      first="4.3.6", total=NO_AWARD, inc=["写明为一次性"], exc=[NOT_UNDERSTOOD]),
    C("fig-node-20w-every-year", "节点补助20万是每年都有吗",
      first="4.3.6", total=NO_AWARD, inc=["一次性"], exc=[NOT_UNDERSTOOD]),
    C("fig-cloud-cap-per-enterprise", "上云最多补5万是按企业算还是按阶段算",
      first="4.3.5", total=NO_AWARD, inc=["单个企业"], exc=[NOT_UNDERSTOOD]),
    C("fig-lianghua-provincial-3w", "省级两化深度融合示范企业奖3万吗",
      first="4.3.3", total=NO_AWARD, inc=["3万元", "省级两化深度融合示范企业"], exc=[NOT_UNDERSTOOD]),
    C("fig-equipment-6pct-base", "设备奖补6%是按设备投资算吗",
      first="4.3.1", total=NO_AWARD, inc=["6%"], exc=[NOT_UNDERSTOOD]),
    C("fig-threshold-per-project", "500万的门槛是按单个项目吗",
      first="4.3.1", total=NO_AWARD, inc=["单个项目"], exc=[NOT_UNDERSTOOD]),
    C("fig-node-20pct-one-off", "二级节点20%是一次性补助吗",
      first="4.3.6", total=NO_AWARD, inc=["一次性"], exc=[NOT_UNDERSTOOD]),
    C("fig-service-national-10w", "国家服务型制造示范企业是10万吗",
      first="4.3.4", total=NO_AWARD, inc=["10万元"], exc=[NOT_UNDERSTOOD]),
    # --- 2b. near-misses: the enterprise's own amount or title ---------------------------------------------------
    C("own-title-and-figure-asked", "我们获得了国家两化融合贯标，奖励20万对吗",
      first="4.3.3", total=Decimal("200000"), inc=["20万元"], exc=[NOT_UNDERSTOOD]),
    # 20万 < 500万: no 4.3.1 award
    C("own-equipment-20w-below-threshold", "我们买设备花了20万", first="4.3.1", total=Decimal("0")),
    C("own-service-provincial-asks-3w", "我们是省级服务型制造示范企业，奖励是3万吗",
      first="4.3.4", total=Decimal("30000"), inc=["3万元"]),
    # 100万 × 20% = 20万 = the cap
    C("own-node-investment-and-cap-asked", "我们二级节点投资100万，龙南注册，已通过验收，最高20万对吗",
      first="4.3.6", total=Decimal("200000"), exc=[NOT_UNDERSTOOD]),
    # 平台系统上云 50% × 5万 = 2.5万
    C("own-cloud-paid-5w", "我们上云平台系统支付了5万，能补多少",
      first="4.3.5", total=Decimal("25000"), exc=[NOT_UNDERSTOOD]),
    # 20万 × 20% = 4万
    C("own-node-investment-20w", "二级节点投资20万能补多少", first="4.3.6", total=Decimal("40000")),
    # 200万 < 500万: no 4.3.1 award
    C("own-equipment-200w-below-threshold", "我们设备投资200万能拿多少", first="4.3.1", total=Decimal("0")),
    # what-if 500万 × 6% = 30万
    C("own-whatif-threshold-amount", [FULL + "买设备花了1200万，能拿多少", "那如果是500万呢"],
      first="4.3.1", total=Decimal("300000")),
    C("own-city-lianghua-no-figure", "我们是市级两化融合示范企业，能奖多少", first="4.3.3", total=Decimal("20000")),
    # 业务应用上云 60% × 5万 = 3万
    C("own-cloud-spent-5w-application", "上云花了5万，业务应用上云，能补多少", first="4.3.5", total=Decimal("30000")),

    # --- 3. who interprets / when effective: the document does not say --------------------------------------------
    C("interp-who-explains", "龙南的技改政策谁来解释", total=NO_AWARD, abstain=True, inc=["未规定", "解释", "市工信局"]),
    C("interp-right-belongs-to", "解释权归谁", total=NO_AWARD, abstain=True, inc=["未规定", "解释", "市工信局"]),
    C("interp-which-department", "这个文件由哪个部门负责解释", total=NO_AWARD, abstain=True, inc=["未规定", "市工信局"]),
    C("interp-is-it-miit", "政策的解释权在市工信局吗", total=NO_AWARD, abstain=True, inc=["未规定", "市工信局"]),
    C("eff-from-issue-date", "本意见自印发之日起施行吗", total=NO_AWARD, abstain=True,
      inc=["未单独规定施行日期", "2022年8月15日"]),
    C("eff-when-start-executing", "什么时候开始执行", total=NO_AWARD, abstain=True,
      inc=["未单独规定施行日期", "2022年8月15日"]),
    C("eff-which-day-implemented", "从哪天开始实施", total=NO_AWARD, abstain=True,
      inc=["未单独规定施行日期", "2022年8月15日"]),
    C("eff-policy-when-implemented", "政策什么时候开始实施的", first="notice", total=NO_AWARD, abstain=True,
      inc=["未单独规定施行日期", "2022年8月15日"]),
    C("eff-which-day-in-force", "这个文件哪天生效", total=NO_AWARD, abstain=True,
      inc=["未单独规定施行日期", "2022年8月15日"]),
    C("eff-implementation-date", "实施日期是哪天", total=NO_AWARD, abstain=True,
      inc=["未单独规定施行日期", "2022年8月15日"]),
    # --- 3b. near-misses ------------------------------------------------------------------------------------------
    C("near-issue-date", "文件什么时候印发的", total=NO_AWARD, inc=["2022年8月15日"]),
    C("near-cloud-unit", "上云补贴哪个部门负责", first="4.3.5", total=NO_AWARD, inc=["市工信局、市财政局"]),
    C("near-still-valid", "政策还有效吗", total=NO_AWARD, abstain=True, inc=["未规定有效期"]),
    C("near-payment-time", "补贴什么时候发", total=NO_AWARD, abstain=True),
    C("near-how-to-read-rate", "设备奖补6%怎么理解", first="4.3.1", total=NO_AWARD),
    C("near-how-to-explain-cloud-rate", "上云补贴比例怎么解释", first="4.3.5", total=NO_AWARD),
]


@pytest.mark.parametrize("case", CASES)
def test_colloquial_case(case):
    check_case(case)


@pytest.mark.parametrize("q", ["项目验收完了", "项目已经验收", "项目完工了", "已经投产", "建成投产"])
def test_colloquial_acceptance_in_an_equipment_context_means_completed(q):
    t = understand(f"我们是规上企业，买设备花了800万，{q}")
    assert (("completed",), True) in t.facts
    assert not any(s == ("node_passed_acceptance",) for s, _ in t.facts)


@pytest.mark.parametrize("q", ["统计局那边也报了", "已经报统计了", "纳入统计了", "入库统计了"])
def test_colloquial_statistics_statements_mean_in_national_stats(q):
    t = understand(f"我们是规上企业，买设备花了800万，{q}")
    assert (("in_national_stats",), True) in t.facts


def test_a_figure_asked_about_is_neither_a_fact_nor_a_held_title():
    t = understand("两化融合贯标企业奖励20万是国家级的吗")
    assert not t.titles and not t.unresolved_amounts and not t.facts
    assert Decimal("200000") in t.figures
