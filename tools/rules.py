"""The award rules of 四（三）1–6 as code: each turns a profile into one item with conditions, amount, steps and trace."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tools.amounts import format_yuan, quantize
from tools.params import Parameters
from tools.profile import CLOUD_STAGES, Profile

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
ELIGIBLE, INELIGIBLE, UNDETERMINED = "eligible", "ineligible", "unknown"
STATUS_TEXT = {ELIGIBLE: "可享", INELIGIBLE: "不符合", UNDETERMINED: "待确认"}
STACKING_NOTE = "文件未明确不同级别称号能否叠加，以市工信局解释为准"

RULE_CLAUSES = {
    "equipment": "4.3.1", "smart_matching": "4.3.2", "lianghua": "4.3.3",
    "service": "4.3.4", "cloud": "4.3.5", "node": "4.3.6",
}
RULE_TITLES = {
    "equipment": "技改项目设备投资奖补", "smart_matching": "智能制造示范/标杆企业配套支持",
    "lianghua": "两化融合奖励", "service": "服务型制造示范奖励", "cloud": "企业上云补贴",
    "node": "工业互联网标识解析二级节点建设补助",
}


def state(value: bool | None) -> str:
    return UNKNOWN if value is None else (MET if value else NOT_MET)


def pct(rate: Decimal) -> str:
    """0.06 → 6%, 0.40 → 40%: the way the document writes rates."""
    return f"{format((rate * 100).normalize(), 'f')}%"


@dataclass
class Condition:
    id: str
    text: str
    state: str

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "state": self.state}


@dataclass
class AwardItem:
    rule: str
    clause: str
    label: str
    amount: Decimal | None  # None: the amount cannot be known from the profile (never invented)
    status: str
    conditions: list[Condition] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    trace: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    has_input: bool = False
    maximum: bool = False  # cloud: rates are maxima, the amount is 最高可获
    hint: str = ""  # the rule in one phrase, for when the amount is not known
    # conditions that still matter (those of projects already ruled out do not)
    open_conditions: list[Condition] = field(default_factory=list)

    @property
    def title(self) -> str:
        return RULE_TITLES[self.rule]

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def paid(self) -> Decimal:
        """What this item adds to the total: 0 when ineligible or unknown in amount."""
        return Decimal("0.00") if self.status == INELIGIBLE or self.amount is None else quantize(self.amount)

    def step(self, text: str, inputs: dict | None = None, result: Decimal | None = None) -> None:
        self.steps.append(text)
        if inputs is not None:
            self.trace.append({"rule": self.rule, "clause": self.clause, "inputs": inputs, "result": result,
                               "text": text})

    def to_dict(self) -> dict:
        return {
            "rule": self.rule, "clause": self.clause, "label": self.label, "title": self.title,
            # None only when the amount cannot be known (no Ganzhou figure, no investment given): never invented
            "amount": None if self.amount is None and self.status != INELIGIBLE else self.paid,
            "amount_known": self.amount is not None or self.status == INELIGIBLE, "maximum": self.maximum,
            "status": self.status, "status_text": self.status_text,
            "conditions": [c.to_dict() for c in self.conditions],
            "steps": list(self.steps), "trace": list(self.trace), "notes": list(self.notes),
        }


def _status(conditions: list[Condition]) -> str:
    states = {c.state for c in conditions}
    if NOT_MET in states:
        return INELIGIBLE
    return UNDETERMINED if UNKNOWN in states else ELIGIBLE


def _failed_step(item: AwardItem, conditions: list[Condition], prefix: str = "") -> None:
    failed = "、".join(f"“{c.text}”" for c in conditions if c.state == NOT_MET)
    item.step(f"{prefix}条件{failed}不满足，{item.label}不予奖补")


def equipment(p: Profile, P: Parameters, label: str) -> AwardItem:
    """四（三）1: per-project threshold and conditions, rate on equipment, one cap per enterprise."""
    threshold, rate, cap = P.value("equipment_threshold"), P.value("equipment_rate"), P.value("equipment_cap")
    # a project known only by its total investment (四（一） library question) is no input for this rule
    given = any(x is not None for proj in p.projects for x in
                (proj.equipment, proj.completed, proj.in_national_stats, proj.complies_industrial_policy))
    item = AwardItem("equipment", RULE_CLAUSES["equipment"], label, None, UNDETERMINED, has_input=given,
                     hint=f"购买设备投资额达{format_yuan(threshold)}的项目按{pct(rate)}奖补，单个企业最高{format_yuan(cap)}")
    scale = Condition("above_scale", "规模以上企业", state(p.above_scale))
    item.conditions.append(scale)
    projects = p.projects or ()
    multi = len(projects) > 1
    contributing: list[tuple[str, Decimal, Decimal]] = []  # (prefix, equipment, award)
    any_unknown_amount = False
    live_unknown = scale.state == UNKNOWN
    for i, proj in enumerate(projects, 1):
        prefix = f"项目{i}：" if multi else ""
        pid = f"projects[{i}]." if multi else ""
        reach = UNKNOWN if proj.equipment is None else state(proj.equipment >= threshold)
        conds = [
            Condition(f"{pid}completed", f"{prefix}项目已竣工", state(proj.completed)),
            Condition(f"{pid}complies_industrial_policy", f"{prefix}符合国家产业政策", state(proj.complies_industrial_policy)),
            Condition(f"{pid}in_national_stats", f"{prefix}列入国家统计库", state(proj.in_national_stats)),
            Condition(f"{pid}equipment_threshold", f"{prefix}购买设备投资额达{format_yuan(threshold)}", reach),
        ]
        item.conditions.extend(conds)
        if proj.equipment is not None and reach == NOT_MET:
            item.step(f"{prefix}设备投资额 {format_yuan(proj.equipment)}，未达 {format_yuan(threshold)}门槛，不予奖补",
                      {"equipment": proj.equipment, "equipment_threshold": threshold}, Decimal("0.00"))
            continue
        if any(c.state == NOT_MET for c in conds) or scale.state == NOT_MET:
            _failed_step(item, [scale, *conds], prefix)
            continue
        if any(c.state == UNKNOWN for c in conds):
            live_unknown = True
            item.open_conditions.extend(c for c in conds if c.state == UNKNOWN)
        if proj.equipment is None:
            any_unknown_amount = True
            item.step(f"{prefix}未提供购买设备投资额，无法计算金额")
            continue
        award = quantize(proj.equipment * rate)
        contributing.append((prefix, proj.equipment, award))
    if scale.state == UNKNOWN:
        item.open_conditions.insert(0, scale)
    if scale.state == NOT_MET:
        item.status, item.amount = INELIGIBLE, Decimal("0.00")
        if not projects:
            _failed_step(item, [scale])
        item.open_conditions = []
        return item
    if not projects:
        item.conditions.extend([
            Condition("completed", "项目已竣工", UNKNOWN),
            Condition("complies_industrial_policy", "符合国家产业政策", UNKNOWN),
            Condition("in_national_stats", "列入国家统计库", UNKNOWN),
            Condition("equipment_threshold", f"购买设备投资额达{format_yuan(threshold)}", UNKNOWN),
        ])
        item.open_conditions = [c for c in item.conditions if c.state == UNKNOWN]
        return item
    if not contributing and not any_unknown_amount:
        item.status, item.amount = INELIGIBLE, Decimal("0.00")
        item.open_conditions = []
        return item
    item.status = UNDETERMINED if live_unknown else ELIGIBLE
    if any_unknown_amount and not contributing:
        return item
    if multi or len(contributing) > 1:
        for prefix, eq, award in contributing:
            item.step(f"{prefix}设备投资额 {format_yuan(eq)} × {pct(rate)} = {format_yuan(award)}",
                      {"equipment": eq, "equipment_rate": rate}, award)
        subtotal = sum((a for _, _, a in contributing), Decimal("0.00"))
        lead = f"合计 {format_yuan(subtotal)}"
    else:
        _, eq, subtotal = contributing[0]
        lead = f"设备投资额 {format_yuan(eq)} × {pct(rate)} = {format_yuan(subtotal)}"
    amount = min(subtotal, cap)
    if subtotal > cap:
        text = f"{lead}，超过单个企业 {format_yuan(cap)}上限，按 {format_yuan(cap)}计"
    else:
        text = f"{lead}，未超过单个企业 {format_yuan(cap)}上限"
    inputs = {"subtotal": subtotal, "equipment_cap": cap}
    if len(contributing) == 1 and not multi:
        inputs = {"equipment": contributing[0][1], "equipment_rate": rate, "equipment_cap": cap}
    item.step(text, inputs, amount)
    item.amount = amount
    if any_unknown_amount:
        item.notes.append("有项目未提供购买设备投资额，金额未计入该项目")
    return item


def smart_matching(p: Profile, P: Parameters, label: str) -> AwardItem:
    """四（三）2: 1:1 matching of what Ganzhou granted; without that amount no number is given."""
    ratio = P.value("smart_matching_ratio")
    ratio_text = P["smart_matching_ratio"].source
    item = AwardItem("smart_matching", RULE_CLAUSES["smart_matching"], label, None, UNDETERMINED,
                     has_input=p.ganzhou_smart_award is not None or p.smart_recognised is not None,
                     hint=f"按赣州市奖补金额 {ratio_text} 配套")
    recognised = p.smart_recognised
    if recognised is None and p.ganzhou_smart_award is not None and p.ganzhou_smart_award > 0:
        recognised = True
    cond = Condition("smart_recognised", "获得赣州市认定的智能制造示范企业或智能制造标杆企业", state(recognised))
    item.conditions.append(cond)
    item.status = _status([cond])
    if item.status == INELIGIBLE:
        item.amount = Decimal("0.00")
        _failed_step(item, [cond])
        return item
    if cond.state == UNKNOWN:
        item.open_conditions.append(cond)
    if p.ganzhou_smart_award is None:
        item.step(f"按赣州市认定给予的奖补金额 {ratio_text} 配套；未提供赣州市奖补金额，暂无法给出具体数额")
        item.notes.append("配套金额等于赣州市给予的奖补金额，请提供赣州市奖补金额后再计算")
        return item
    item.amount = quantize(p.ganzhou_smart_award * ratio)
    item.step(f"赣州市奖补 {format_yuan(p.ganzhou_smart_award)}，按 {ratio_text} 配套 = {format_yuan(item.amount)}",
              {"ganzhou_smart_award": p.ganzhou_smart_award, "smart_matching_ratio": ratio}, item.amount)
    return item


def titles(family: str, p: Profile, P: Parameters, label: str) -> AwardItem:
    """四（三）3 / 四（三）4: a fixed award per title; stacking of levels is an adopted assumption."""
    ids = [f"{family}_{lvl}" for lvl in ("national", "provincial", "city")]
    held = [t for t in (p.titles or ()) if t in ids]
    amounts = {t: P.value(t) for t in ids}
    hint = "、".join(f"{P.label(t)} {format_yuan(amounts[t])}" for t in ids)
    item = AwardItem(family, RULE_CLAUSES[family], label, None, UNDETERMINED, has_input=bool(held), hint=hint)
    if p.titles is None:
        cond = Condition(f"{family}_title", "获得" + "、".join(P.label(t) for t in ids) + "之一", UNKNOWN)
        item.conditions.append(cond)
        item.open_conditions.append(cond)
        return item
    if not held:
        cond = Condition(f"{family}_title", "获得" + "、".join(P.label(t) for t in ids) + "之一", NOT_MET)
        item.conditions.append(cond)
        item.status, item.amount = INELIGIBLE, Decimal("0.00")
        _failed_step(item, [cond])
        return item
    item.status = ELIGIBLE
    for t in held:
        item.conditions.append(Condition(t, P.label(t), MET))
        item.step(f"{P.label(t)}：{format_yuan(amounts[t])}", {t: amounts[t]}, amounts[t])
    stacking = p.stacking or "cumulative"
    if len(held) > 1:
        parts = [amounts[t] for t in held]
        if stacking == "highest":
            item.amount = max(parts)
            item.step(f"按就高计算：取 {format_yuan(item.amount)}", {"stacking": stacking}, item.amount)
        else:
            item.amount = sum(parts, Decimal("0.00"))
            item.step("按累加计算：" + " + ".join(format_yuan(a) for a in parts) + f" = {format_yuan(item.amount)}",
                      {"stacking": stacking}, item.amount)
        item.notes.append(STACKING_NOTE)
        if p.stacking is None:
            item.notes.append("未指定叠加方式，默认按各称号累加计算")
        item.flags.append("ambiguity:stacking")
    else:
        item.amount = amounts[held[0]]
    return item


def cloud(p: Profile, P: Parameters, label: str) -> AwardItem:
    """四（三）5: Σ rate × paid per stage, the rates being maxima, one cap per enterprise."""
    cap = P.value("cloud_cap")
    item = AwardItem("cloud", RULE_CLAUSES["cloud"], label, None, UNDETERMINED, has_input=p.cloud is not None,
                     maximum=True, hint=f"按各阶段实际支付金额的 {pct(P.value('cloud_rate_infrastructure'))}"
                     f"–{pct(P.value('cloud_rate_manufacturing'))} 补贴，单个企业最高 {format_yuan(cap)}")
    if p.cloud is None:
        cond = Condition("cloud_paid", "已实际支付上云费用", UNKNOWN)
        item.conditions.append(cond)
        item.open_conditions.append(cond)
        return item
    paid_any = any(v > 0 for v in p.cloud.values())
    cond = Condition("cloud_paid", "已实际支付上云费用", state(paid_any))
    item.conditions.append(cond)
    if not paid_any:
        item.status, item.amount = INELIGIBLE, Decimal("0.00")
        _failed_step(item, [cond])
        return item
    item.status = ELIGIBLE
    subtotal = Decimal("0.00")
    for stage in CLOUD_STAGES:
        paid = p.cloud.get(stage)
        if not paid:
            continue
        rate = P.value(f"cloud_rate_{stage}")
        award = quantize(paid * rate)
        subtotal += award
        item.step(f"{P.label('cloud_' + stage)}：实付 {format_yuan(paid)} × 最高 {pct(rate)} = {format_yuan(award)}",
                  {"paid": paid, f"cloud_rate_{stage}": rate}, award)
    item.amount = min(subtotal, cap)
    if subtotal > cap:
        text = f"合计 {format_yuan(subtotal)}，超过单个企业最高 {format_yuan(cap)}，按 {format_yuan(cap)}计"
    else:
        text = f"合计 {format_yuan(subtotal)}，未超过单个企业最高 {format_yuan(cap)}"
    item.step(text, {"subtotal": subtotal, "cloud_cap": cap}, item.amount)
    item.notes.append("各阶段比例为“不超过”的上限，金额为最高可获，实际以市财政核定为准")
    item.flags.append("maximum:cloud")
    return item


def node(p: Profile, P: Parameters, label: str) -> AwardItem:
    """四（三）6: connected, accepted and registered in 龙南; rate on actual investment, capped; budget is a note."""
    rate, cap, budget = P.value("node_rate"), P.value("node_cap"), P.value("node_budget")
    n = p.node
    item = AwardItem("node", RULE_CLAUSES["node"], label, None, UNDETERMINED, has_input=n is not None,
                     hint=f"实际投资额的 {pct(rate)}，单个企业最高 {format_yuan(cap)}")
    connected = None if n is None else n.connected
    if connected is None and n is not None and n.passed_acceptance:
        connected = True  # acceptance is of the connection: accepted implies connected
    conds = [
        Condition("node.connected", "接入工业互联网标识解析二级节点", state(connected)),
        Condition("node.passed_acceptance", "通过验收", state(None if n is None else n.passed_acceptance)),
        Condition("node.registered_in_longnan", "在龙南注册", state(None if n is None else n.registered_in_longnan)),
    ]
    item.conditions.extend(conds)
    item.notes.append(f"“{P['node_budget'].quote}”指该项补助的资金总盘子，不是单个企业的上限")
    item.status = _status(conds)
    if item.status == INELIGIBLE:
        item.amount = Decimal("0.00")
        _failed_step(item, conds)
        return item
    item.open_conditions.extend(c for c in conds if c.state == UNKNOWN)
    if n is None or n.investment is None:
        if n is not None:
            item.step("未提供二级节点实际投资额，无法计算金额")
        return item
    raw = quantize(n.investment * rate)
    item.amount = min(raw, cap)
    head = f"二级节点实际投资额 {format_yuan(n.investment)} × {pct(rate)} = {format_yuan(raw)}"
    if raw > cap:
        text = f"{head}，超过单个企业最高 {format_yuan(cap)}，按 {format_yuan(cap)}计"
    else:
        text = f"{head}，未超过单个企业最高 {format_yuan(cap)}"
    item.step(text, {"investment": n.investment, "node_rate": rate, "node_cap": cap, "node_budget": budget}, item.amount)
    return item


RULES = ("equipment", "smart_matching", "lianghua", "service", "cloud", "node")


def evaluate(rule: str, p: Profile, P: Parameters, label: str) -> AwardItem:
    if rule == "equipment":
        return equipment(p, P, label)
    if rule == "smart_matching":
        return smart_matching(p, P, label)
    if rule in ("lianghua", "service"):
        return titles(rule, p, P, label)
    if rule == "cloud":
        return cloud(p, P, label)
    if rule == "node":
        return node(p, P, label)
    raise KeyError(rule)
