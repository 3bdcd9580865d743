"""The rule engine: one pack's rules (DESIGN §9 vocabulary) applied to a profile, with a trace of every step."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from corpus import Document
from corpus.packs import ConditionSpec, InputSpec, Pack, RuleSpec, input_paths
from tools.amounts import format_yuan, quantize
from tools.award import (
    ELIGIBLE,
    INELIGIBLE,
    MET,
    NOT_MET,
    UNDETERMINED,
    UNKNOWN,
    ZERO,
    AwardItem,
    AwardResult,
    Condition,
    pct,
    state,
)
from tools.facts import DateSpan
from tools.params import Parameters

# Default wording of each cap scope; a pack's cap `text` overrides it ({cap} is the amount).
CAP_TEXT = {
    "per_project": "单个项目最高 {cap}", "per_product": "单个产品最高 {cap}", "per_item": "单项最高 {cap}",
    "per_enterprise": "单个企业最高 {cap}", "per_enterprise_year": "单个企业每年最高 {cap}",
    "per_enterprise_total": "单个企业累计最高 {cap}", "per_item_kind": "每类最高 {cap}",
}
UNIT_CAPS = ("per_project", "per_product", "per_item")
PLACE_FACT = "registered_place"  # the enterprise's registered place: a document pays its own jurisdiction (DESIGN §10)
MERGED_KINDS = ("rate", "tiers", "unit", "matching", "interest", "reimburse", "fixed")


def date_text(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def status_text(pack: Pack, status: str) -> str:
    """本文件已于2023年12月31日失效 / 本文件自2023年7月1日起施行，尚未施行 / ''."""
    if status == "expired":
        return f"本文件已于{date_text(pack.meta.expires)}失效"
    if status == "not_yet":
        return f"本文件自{date_text(pack.meta.effective or pack.meta.issued)}起施行，尚未施行"
    return ""


@dataclass
class Ctx:
    pack: Pack
    P: Parameters
    facts: dict
    as_of: date
    doc_status: str
    paths: dict[str, InputSpec] = field(default_factory=dict)

    @property
    def doc(self) -> Document:
        return self.pack.document

    @property
    def rules(self):
        return self.pack.rules

    def label(self, cid: str) -> str:
        c = self.doc.find(cid)
        return c.label if c is not None else cid

    # --- facts ------------------------------------------------------------------------------

    def raw(self, path: str, item: dict | None = None, scope: str = ""):
        if scope and path.startswith(scope + "."):
            return None if item is None else item.get(path[len(scope) + 1:])
        cur = self.facts
        for part in path.split("."):
            if not isinstance(cur, dict):
                return None
            cur = cur.get(part)
        return cur

    def fact(self, path: str, item: dict | None = None, scope: str = ""):
        value = self.raw(path, item, scope)
        spec = self.paths.get(path)
        if value is None and spec is not None and spec.type == "bool" and spec.implied_by is not None:
            if self.cond_state(spec.implied_by, item, scope) == MET:
                return True  # 通过验收 implies 已接入; a Ganzhou award implies the recognition
        return value

    def value(self, name: str) -> Decimal:
        return self.P.value(name)

    def fmt(self, name: str) -> str:
        p = self.P[name]
        if p.unit == "元":
            return format_yuan(p.value)
        if p.unit == "比例":
            return pct(p.value)
        return f"{_num(p.value)}{p.unit}"

    def template(self, text: str, **extra) -> str:
        """{param} → its value as the document writes it; {param.source} → its source words; {x} → extra[x]."""
        def sub(m):
            key = m.group(1)
            if key in extra:
                return str(extra[key])
            name, _, attr = key.partition(".")
            if name in self.P:
                return self.P[name].source if attr == "source" else self.fmt(name)
            return m.group(0)
        return re.sub(r"\{([\w.]+)\}", sub, text)

    # --- conditions --------------------------------------------------------------------------

    def cond_state(self, c: ConditionSpec, item: dict | None = None, scope: str = "") -> str:
        if c.first_known:
            for sub in c.first_known:
                if self.fact(sub.fact, item, scope) is not None:
                    return self.cond_state(sub, item, scope)
            return UNKNOWN
        v = self.fact(c.fact, item, scope)
        if v is None:
            return MET if c.when_unknown == "holds" else UNKNOWN
        op = c.op
        if op == "known":
            return MET
        if op == "true":
            return state(bool(v))
        if op == "false":
            return state(not v)
        if op == "in_place":
            return self._place_state(str(v))
        if op == "not_in":
            values = c.value if isinstance(c.value, (list, tuple)) else [c.value]
            held = [x if isinstance(x, str) else x.get("id") for x in v] if isinstance(v, (list, tuple)) else [v]
            return state(not any(h in values for h in held))
        if op == "le_amount":
            return MET  # known: compared with the rule's own amount for the item once it is computed
        if op in ("date_ge", "date_le"):
            day = c.value if isinstance(c.value, date) else date.fromisoformat(str(c.value))
            span = v if isinstance(v, DateSpan) else DateSpan(v, v, str(v))
            return state(span.on_or_after(day) if op == "date_ge" else span.on_or_before(day))
        target = self.value(c.parameter) if c.parameter else Decimal(str(c.value))
        x = Decimal(str(v))
        return state({"ge": x >= target, "gt": x > target, "le": x <= target, "lt": x < target,
                      "eq": x == target}[op])

    def _place_state(self, place: str) -> str:
        own = self.pack.place
        if own is None:
            return UNKNOWN
        p = place.strip()
        names = [own.name, *own.aliases]
        if any(n and n in p for n in names):
            return MET
        if own.within and p.rstrip("市") in (own.within, own.within.rstrip("市")):
            return NOT_MET  # registered in the parent city proper (赣州), not in this county
        return NOT_MET

    def input_label(self, path: str, short: bool = False) -> str:
        spec = self.paths.get(path)
        if spec is None:
            return path
        return (spec.short or spec.label) if short else spec.label


def _num(d: Decimal) -> str:
    d = Decimal(d)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def _known(value) -> bool:
    return value is not None


# --- one rule ------------------------------------------------------------------------------------

@dataclass
class _Unit:
    prefix: str
    amount: Decimal | None
    text: str = ""
    inputs: dict = field(default_factory=dict)
    pre: list = field(default_factory=list)  # (text, inputs, result) lines before the unit's own (per kind)


def _field(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _conditions(ctx: Ctx, rule: RuleSpec, scope: str) -> tuple[list[ConditionSpec], list[ConditionSpec]]:
    """The rule's conditions split into enterprise-level ones and per-item ones (facts inside `scope`)."""
    ent: list[ConditionSpec] = list(ctx.rules.eligibility) if rule.eligibility else []
    per: list[ConditionSpec] = []
    for c in rule.conditions:
        facts = [c.fact] if c.fact else [s.fact for s in c.first_known]
        (per if scope and any(f.startswith(scope + ".") for f in facts) else ent).append(c)
    return ent, per


def _cond(ctx: Ctx, c: ConditionSpec, item, scope, cid_prefix="", text_prefix="") -> Condition:
    cid = c.id or c.fact
    assumed = c.when_unknown == "holds" and bool(c.fact) and ctx.fact(c.fact, item, scope) is None
    return Condition(cid_prefix + cid, text_prefix + (c.text or ctx.input_label(c.fact)), ctx.cond_state(c, item, scope),
                     c.clause, assumed)


def _triggered(ctx: Ctx, rule: RuleSpec) -> bool:
    paths = list(rule.triggers)
    if not paths:
        paths = [p for p in (rule.base, rule.count, rule.outside, rule.for_each, rule.amount and "") if p]
        paths += [c.fact for c in rule.conditions if c.fact]
    for path in paths:
        head, _, rest = path.partition(".")
        spec = ctx.paths.get(head)
        if spec is not None and spec.type == "list" and rest:
            if any(isinstance(it, dict) and it.get(rest) is not None for it in (ctx.facts.get(head) or [])):
                return True
        elif ctx.raw(path) is not None:
            return True
    return False


def _flag(item: AwardItem, spec: ConditionSpec, cond: Condition) -> None:
    """A condition's flag: raised when its fact is known, or only when it is not met."""
    if spec.flag and spec.flag not in item.flags and cond.state != UNKNOWN and not cond.assumed and (
            spec.flag_on == "known" or cond.state == NOT_MET):
        item.flags.append(spec.flag)


def _not_above(ctx: Ctx, item: AwardItem, specs: list[ConditionSpec], conds: list[Condition], unit, scope: str,
               prefix: str, amount: Decimal) -> bool:
    """Conditions comparing what another source pays for the item with this rule's amount (就高、不重复: another
    policy's 120万 against this rule's 90万): False when another pays more, so this rule pays nothing."""
    ok = True
    for c, cond in zip(specs, conds, strict=False):
        other = ctx.fact(c.fact, unit, scope) if c.op == "le_amount" else None
        if other is None:
            continue
        higher = Decimal(other) > amount
        cond.state = NOT_MET if higher else MET
        item.step(f"{prefix}{ctx.input_label(c.fact)} {format_yuan(other)}，本条 {format_yuan(amount)}，"
                  + (f"按“{c.text}”不予奖补" if higher else f"本条更高，按“{c.text}”享受本条"))
        ok = ok and not higher
    return ok


def _date_checked(ctx: Ctx, item: AwardItem, spec: ConditionSpec, cond: Condition, unit, scope: str) -> None:
    """A date the enterprise gave, met against a dated condition (2023年7月5日获评, 施行之日2023年7月1日起): said, since
    it is what such a question turns on."""
    if cond.state != MET or cond.assumed or not spec.fact or not (spec.op or "").startswith("date_"):
        return
    when = ctx.fact(spec.fact, unit, scope)
    if when is not None:
        item.step(f"{ctx.input_label(spec.fact)} {_date_said(when)}，符合“{spec.text or spec.id}”")


def _date_said(when) -> str:
    """2023-07-05 → 2023年7月5日; 2023-07 → 2023年7月; 2023 → 2023年."""
    parts = str(when).split("-")
    return "".join(f"{int(p)}{u}" for p, u in zip(parts, "年月日", strict=False))


def _failed(item: AwardItem, conds: list[Condition], prefix: str = "") -> None:
    failed = "、".join(f"“{c.text}”" for c in conds if c.state == NOT_MET)
    item.step(f"{prefix}条件{failed}不满足，{item.label}不予奖补")


def _cap_text(ctx: Ctx, cap, value: Decimal) -> str:
    return (cap.text or CAP_TEXT[cap.scope]).format(cap=format_yuan(value))


def _apply_cap(ctx: Ctx, cap, amount: Decimal, lead: str, inputs: dict) -> tuple[Decimal, str]:
    value = ctx.value(cap.parameter)
    inputs[cap.parameter] = value
    if cap.scope == "per_enterprise_total" and cap.less and ctx.fact(cap.less) is not None:
        received = ctx.fact(cap.less)
        remaining = max(value - received, ZERO)
        inputs[_field(cap.less)] = received
        head = f"{lead}，{_cap_text(ctx, cap, value)}，已获 {format_yuan(received)}，尚余 {format_yuan(remaining)}"
        if amount > remaining:
            return remaining, f"{head}，按 {format_yuan(remaining)}计"
        return amount, f"{head}，未超过尚余额度"
    if amount > value:
        return value, f"{lead}，超过{_cap_text(ctx, cap, value)}，按 {format_yuan(value)}计"
    return amount, f"{lead}，未超过{_cap_text(ctx, cap, value)}"


def _compute_unit(ctx: Ctx, rule: RuleSpec, item: AwardItem, unit: dict | None, prefix: str,
                  scope: str) -> _Unit:
    """The amount one item (or the enterprise) gets under `rule` before enterprise caps; None when unknowable."""
    k = rule.kind
    if k in ("rate", "reimburse"):
        base = ctx.fact(rule.base, unit, scope)
        if base is None:
            return _Unit(prefix, None)
        short = ctx.input_label(rule.base, short=True)
        if k == "reimburse":
            return _Unit(prefix, quantize(base), f"{prefix}{short} {format_yuan(base)}，"
                         f"{rule.texts.get('covered', '全额承担')}", {_field(rule.base): base})
        rate = ctx.value(rule.rate)
        amount = quantize(base * rate)
        return _Unit(prefix, amount, f"{prefix}{short} {format_yuan(base)} × {pct(rate)} = {format_yuan(amount)}",
                     {_field(rule.base): base, rule.rate: rate})
    if k == "tiers":
        base = ctx.fact(rule.base, unit, scope)
        if base is None:
            return _Unit(prefix, None)
        return _tiers(ctx, rule, base, prefix)
    if k == "unit":
        n = ctx.fact(rule.count, unit, scope)
        if n is None:
            return _Unit(prefix, None)
        each = ctx.value(rule.unit_amount)
        amount = quantize(Decimal(n) * each)
        spec = ctx.paths.get(rule.count)
        unit_word = spec.unit if spec is not None else ""
        return _Unit(prefix, amount, f"{prefix}{ctx.input_label(rule.count, short=True)} {_num(n)}{unit_word} × "
                     f"{format_yuan(each)} = {format_yuan(amount)}", {_field(rule.count): n, rule.unit_amount: each})
    if k == "matching":
        outside = ctx.fact(rule.outside, unit, scope)
        ratio = ctx.value(rule.ratio)
        ratio_text = ctx.P[rule.ratio].source
        if outside is None:
            item.step(ctx.template(rule.texts.get("outside_unknown", "未提供{label}，暂无法给出具体数额"),
                                   label=ctx.input_label(rule.outside), ratio=ratio_text))
            item.notes.append(ctx.template(rule.texts.get(
                "outside_unknown_note", "配套金额按{label}计算，请提供该金额后再计算"), label=ctx.input_label(rule.outside)))
            return _Unit(prefix, None)
        amount = quantize(outside * ratio)
        text = ctx.template(rule.texts.get("computed", "{label} {outside}，按 {ratio} 配套 = {amount}"),
                            label=ctx.input_label(rule.outside), outside=format_yuan(outside), ratio=ratio_text,
                            amount=format_yuan(amount))
        return _Unit(prefix, amount, prefix + text, {_field(rule.outside): outside, rule.ratio: ratio})
    if k == "per_kind":
        group = ctx.fact(rule.base)
        pre, subtotal = [], ZERO
        line = rule.texts.get("kind_step", "{label}：实付 {value} × " + ("最高 " if rule.maximum else "") + "{rate} = {amount}")
        for key, pname in rule.rates.items():
            paid = (group or {}).get(key)
            if not paid:
                continue
            rate = ctx.value(pname)
            award = quantize(paid * rate)
            subtotal += award
            pre.append((ctx.template(line, label=ctx.input_label(f"{rule.base}.{key}"), value=format_yuan(paid),
                                     rate=pct(rate), amount=format_yuan(award)), {"paid": paid, pname: rate}, award))
        return _Unit(prefix, subtotal, "", {}, pre)
    if k == "interest":
        return _interest(ctx, rule, item, unit, prefix, scope)
    if k == "fixed":
        amount = ctx.value(rule.amount)
        return _Unit(prefix, amount, f"{prefix}{rule.title} {format_yuan(amount)}", {rule.amount: amount})
    raise ValueError(k)


def _tiers(ctx: Ctx, rule: RuleSpec, base: Decimal, prefix: str) -> _Unit:
    short = ctx.input_label(rule.base, short=True)
    inputs: dict = {_field(rule.base): base}
    edges = [(ctx.value(b.upto) if b.upto else None, b) for b in rule.bands]
    if rule.tiers == "whole":
        for upto, b in edges:
            inside = upto is None or (base <= upto if b.upto_inclusive else base < upto)
            if inside:
                rate = ctx.value(b.rate)
                amount = quantize(base * rate)
                inputs[b.rate] = rate
                return _Unit(prefix, amount, f"{prefix}{short} {format_yuan(base)} × {pct(rate)} = {format_yuan(amount)}",
                             inputs)
        return _Unit(prefix, ZERO, f"{prefix}{short} {format_yuan(base)}，不在补助档次内", inputs)
    parts, amount, lower = [], ZERO, ZERO
    for upto, b in edges:
        if base <= lower:
            break
        top = base if upto is None else min(base, upto)
        portion = top - lower
        rate = ctx.value(b.rate)
        inputs[b.rate] = rate
        part = quantize(portion * rate)
        amount += part
        parts.append(f"{format_yuan(portion)} × {pct(rate)}")
        if upto is None:
            break
        lower = upto
    return _Unit(prefix, amount, f"{prefix}{short} {format_yuan(base)}：{' + '.join(parts)} = {format_yuan(amount)}",
                 inputs)


def _interest(ctx: Ctx, rule: RuleSpec, item: AwardItem, loan: dict | None, prefix: str, scope: str) -> _Unit:
    spec = rule.interest
    principal = ctx.fact(f"{scope}.{spec.principal}", loan, scope)
    ref = ctx.fact(f"{scope}.{spec.reference_rate}", loan, scope)
    actual = ctx.fact(f"{scope}.{spec.actual_rate}", loan, scope) if spec.actual_rate else None
    ref_label = ctx.input_label(f"{scope}.{spec.reference_rate}", short=True)
    if principal is None:
        return _Unit(prefix, None)
    if ref is None:
        item.step(f"{prefix}未提供{ref_label}，无法计算贴息金额" + rule.texts.get("reference_unknown", ""))
        return _Unit(prefix, None)
    share = ctx.value(spec.share)
    used = ref if actual is None else min(actual, ref)
    act_label = ctx.input_label(f"{scope}.{spec.actual_rate}", short=True) if spec.actual_rate else ""
    if actual is None:
        how = f"未提供{act_label}，按{ref_label} {pct(ref)}计算（最高）"
        item.maximum = True
    elif actual < ref:
        how = f"{act_label} {pct(actual)} 低于{ref_label} {pct(ref)}，按{act_label}"
    else:
        how = f"{ref_label} {pct(ref)}、{act_label} {pct(actual)}，取低者"
    amount = quantize(principal * used * share)
    text = (f"{prefix}{ctx.input_label(f'{scope}.{spec.principal}', short=True)} {format_yuan(principal)} × {pct(used)}"
            f"（{how}）× {pct(share)} = {format_yuan(amount)}")
    return _Unit(prefix, amount, text, {spec.principal: principal, spec.reference_rate: ref,
                                        **({spec.actual_rate: actual} if actual is not None else {}), spec.share: share})


def _titles(ctx: Ctx, rule: RuleSpec, item: AwardItem, ent: list[Condition]) -> None:
    """Fixed amounts per title or level held, with the rule's stacking."""
    spec = ctx.paths.get(rule.input)
    value = ctx.fact(rule.input)
    labels = {oid: spec.options[oid].label for oid in rule.options} if spec else {}
    name = "获得" + "、".join(labels.values()) + "之一"
    if value is None:
        c = Condition(f"{rule.id}_title", name, UNKNOWN)
        item.conditions.append(c)
        item.open_conditions.extend([*[x for x in ent if x.state == UNKNOWN], c])
        item.status = INELIGIBLE if any(x.state == NOT_MET for x in ent) else UNDETERMINED
        if item.status == INELIGIBLE:
            item.amount = ZERO
            _failed(item, ent)
        return
    values = value if isinstance(value, (list, tuple)) else (value,)
    held_all = [(v if isinstance(v, str) else v["id"], None if isinstance(v, str) else v.get("date")) for v in values]
    held = [(t, d) for t, d in held_all if t in rule.options or t in rule.unpaid_options]
    # an explicitly empty list ("holds none of them") asks about the rule too; other titles of the list do not
    item.has_input = bool(held) or not values
    if not held:
        c = Condition(f"{rule.id}_title", name, NOT_MET)
        item.conditions.append(c)
        item.status, item.amount = INELIGIBLE, ZERO
        _failed(item, [c])
        return
    if any(x.state == NOT_MET for x in ent):
        for t, _ in held:
            item.conditions.append(Condition(t, labels.get(t, t), MET))
        item.status, item.amount = INELIGIBLE, ZERO
        _failed(item, ent)
        return
    window = _window(ctx)
    amounts: dict[str, Decimal] = {}
    for t, d in held:
        label = labels.get(t) or (spec.options[t].label if spec and t in spec.options else t)
        item.conditions.append(Condition(t, label, MET))
        if t in rule.unpaid_options:
            item.step(f"{label}：{rule.unpaid_options[t]}", {t: ZERO}, ZERO)
            amounts[t] = ZERO
            flag = rule.texts.get("unpaid_flag")
            if flag and flag not in item.flags:
                item.flags.append(flag)
            continue
        if d is not None and window is not None and (d.on_or_after(window[0]) is False or d.on_or_before(window[1]) is False):
            item.step(f"{label}：获评时间 {d} 不在本文件适用期间（{date_text(window[0])}至{date_text(window[1])}），不予奖励",
                      {t: ZERO}, ZERO)
            amounts[t] = ZERO
            continue
        a = ctx.value(rule.options[t])
        amounts[t] = a
        item.step(f"{label}：{format_yuan(a)}", {t: a}, a)
    for c in rule.conditions:
        cond = _cond(ctx, c, None, "")
        _flag(item, c, cond)
        _date_checked(ctx, item, c, cond, None, "")
        if cond not in item.conditions:
            item.conditions.append(cond)
    item.open_conditions.extend(c for c in item.conditions if c.state == UNKNOWN)
    item.status = UNDETERMINED if item.open_conditions else ELIGIBLE
    if any(c.state == NOT_MET for c in item.conditions):
        item.status, item.amount = INELIGIBLE, ZERO
        item.open_conditions = []
        _failed(item, item.conditions)
        return
    stacking = rule.stacking
    mode = stacking.default if stacking else "cumulative"
    chosen = ctx.facts.get("stacking") if "stacking" in ctx.paths else None
    if stacking and chosen and chosen in (stacking.allowed or (stacking.default,)):
        mode = chosen
    paid = [a for a in amounts.values()]
    if mode == "highest_with_top_up":
        top = max(paid) if paid else ZERO
        if len(paid) > 1:
            item.step(f"同一企业获得多项认定的，按其中最高一项：取 {format_yuan(top)}", {"stacking": mode}, top)
        before = ctx.fact(stacking.before) if stacking.before else None
        prior = [ctx.value(rule.options[b if isinstance(b, str) else b["id"]]) for b in (before or ())
                 if (b if isinstance(b, str) else b["id"]) in rule.options]
        if prior:
            got = max(prior)
            diff = max(top - got, ZERO)
            item.step(f"此前已按较低层级获得奖励 {format_yuan(got)}，按两级奖励标准的差额补足：{format_yuan(top)} − "
                      f"{format_yuan(got)} = {format_yuan(diff)}" if diff > 0 else
                      f"此前已按同级或更高层级获得奖励 {format_yuan(got)}，按最高一项只奖一次，不再重复奖励", {"before": got}, diff)
            top = diff
        item.amount = top
        return
    if len(paid) > 1:
        if mode == "highest":
            item.amount = max(paid)
            item.step(f"按就高计算：取 {format_yuan(item.amount)}", {"stacking": mode}, item.amount)
        else:
            item.amount = sum(paid, ZERO)
            item.step("按累加计算：" + " + ".join(format_yuan(a) for a in paid) + f" = {format_yuan(item.amount)}",
                      {"stacking": mode}, item.amount)
        if stacking and stacking.note:
            item.notes.append(stacking.note)
        if stacking and not chosen and len(stacking.allowed) > 1:
            item.notes.append("未指定叠加方式，默认按各称号" + ("累加" if mode == "cumulative" else "就高") + "计算")
        if stacking and stacking.flag:
            item.flags.append(stacking.flag)
    else:
        item.amount = paid[0]


def _window(ctx: Ctx) -> tuple[date, date] | None:
    if ctx.rules.event_window:
        return tuple(ctx.rules.event_window)
    start = ctx.pack.meta.effective or ctx.pack.meta.issued
    end = ctx.pack.meta.expires
    if start is None or end is None:
        return None
    return start, end


def _default_hint(ctx: Ctx, rule: RuleSpec) -> str:
    """The rule in one phrase when the pack writes none: a titles rule lists each title's amount."""
    if rule.kind == "titles":
        spec = ctx.paths.get(rule.input)
        return "、".join(f"{spec.options[o].label if spec and o in spec.options else o} {ctx.fmt(p)}"
                        for o, p in rule.options.items())
    # otherwise the clause's own words, without its heading (节能技术改造。…): verbatim, bands and caps in order
    clause = ctx.doc.find(rule.clause)
    if clause is None:
        return ""
    text = clause.text.strip()
    if rule.title and text.startswith(rule.title):
        text = text[len(rule.title):].lstrip("。.:：、 ")
    return text.rstrip("。")


def evaluate_rule(ctx: Ctx, rule: RuleSpec) -> AwardItem:
    """One rule: conditions (enterprise and per item), the amount, caps in order, notes; the item explains itself."""
    label = ctx.label(rule.clause)
    hint = ctx.template(rule.hint) if rule.hint else _default_hint(ctx, rule)
    item = AwardItem(rule.id, rule.clause, label, rule.title, None, UNDETERMINED, maximum=rule.maximum, hint=hint,
                     units=ctx.doc.responsible_units(rule.clause))
    item.has_input = _triggered(ctx, rule)
    for b in ctx.rules.budgets:
        if b.rule == rule.id:
            item.notes.append(b.note or f"“{ctx.P[b.parameter].quote}”指该项补助的资金总盘子，不是单个企业的上限")
    scope = rule.for_each
    ent_specs, per_specs = _conditions(ctx, rule, scope)
    ent = [_cond(ctx, c, None, "") for c in ent_specs]
    place = _jurisdiction(ctx, rule)
    if place is not None:
        ent.insert(0, place)
    if ctx.doc_status != "in_force":
        ent.insert(0, Condition("in_force", _in_force_text(ctx), NOT_MET, ctx.rules.validity_clause))
    for c, cond in zip(ent_specs, ent[-len(ent_specs):] if ent_specs else [], strict=False):
        _flag(item, c, cond)
    if rule.kind == "titles":
        item.conditions.extend(ent)
        _titles(ctx, rule, item, ent)
        _finish_notes(ctx, rule, item)
        return item
    item.conditions.extend(ent)
    ent_failed = any(c.state == NOT_MET for c in ent)
    ent_unknown = [c for c in ent if c.state == UNKNOWN]
    if rule.kind == "per_kind":
        group = ctx.fact(rule.base)
        pid = f"{rule.id}_paid"
        text = rule.texts.get("paid_condition", f"已实际支付{ctx.input_label(rule.base)}")
        paid_any = None if group is None else any(v > 0 for v in group.values())
        per_specs = []
        paid_cond = Condition(pid, text, state(paid_any))
    units = list(ctx.fact(scope) or []) if scope else [None]
    multi = bool(scope) and len(units) > 1
    spec = ctx.paths.get(scope) if scope else None
    word = (spec.item or spec.label) if spec is not None else ""
    contributing: list[_Unit] = []
    any_unknown_amount = False
    live_unknown = bool(ent_unknown)
    for i, unit in enumerate(units, 1):
        prefix = f"{word}{i}：" if multi else ""
        cid_prefix = f"{scope}[{i}]." if multi else ""
        conds = [_cond(ctx, c, unit, scope, cid_prefix, prefix) for c in per_specs]
        if rule.kind == "per_kind":
            conds = [paid_cond]
        threshold = None
        if rule.threshold:
            thr = ctx.value(rule.threshold)
            base = ctx.fact(rule.base, unit, scope)
            ok = None if base is None else (base >= thr if rule.threshold_inclusive else base > thr)
            word_thr = "达" if rule.threshold_inclusive else "超过"
            threshold = Condition(cid_prefix + rule.threshold, f"{prefix}{ctx.input_label(rule.base)}{word_thr}"
                                  f"{format_yuan(thr) if ctx.P[rule.threshold].unit == '元' else ctx.fmt(rule.threshold)}",
                                  state(ok))
            conds.append(threshold)
        for c, cond in zip(per_specs, conds, strict=False):
            _flag(item, c, cond)
        item.conditions.extend(conds)
        if threshold is not None and threshold.state == NOT_MET:
            base = ctx.fact(rule.base, unit, scope)
            short = ctx.input_label(rule.base, short=True)
            item.step(f"{prefix}{short} {format_yuan(base)}，未达 {format_yuan(ctx.value(rule.threshold))}门槛，不予奖补",
                      {_field(rule.base): base, rule.threshold: ctx.value(rule.threshold)}, ZERO)
            continue
        if any(c.state == NOT_MET for c in conds) or ent_failed:
            _failed(item, [*ent, *conds], prefix)
            continue
        if any(c.state == UNKNOWN for c in conds):
            live_unknown = True
            item.open_conditions.extend(c for c in conds if c.state == UNKNOWN)
        if rule.kind == "per_kind" and paid_cond.state == UNKNOWN:
            any_unknown_amount = True
            continue
        u = _compute_unit(ctx, rule, item, unit, prefix, scope)
        if u.amount is None:
            any_unknown_amount = True
            if rule.kind in ("rate", "tiers", "unit", "reimburse") and (unit is not None or item.has_input):
                missing = rule.count if rule.kind == "unit" else rule.base
                item.step(f"{prefix}未提供{ctx.input_label(missing)}，无法计算金额")
            continue
        for cap in rule.caps:
            if cap.scope in UNIT_CAPS or (cap.scope == "per_item_kind"):
                u.amount, u.text = _apply_cap(ctx, cap, u.amount, u.text, u.inputs)
        if not _not_above(ctx, item, per_specs, conds, unit, scope, prefix, u.amount):
            continue
        contributing.append(u)
    item.open_conditions = [*ent_unknown, *item.open_conditions]
    if ent_failed:
        item.status, item.amount = INELIGIBLE, ZERO
        if not units or (scope and not ctx.fact(scope)):
            _failed(item, ent)
        item.open_conditions = []
        _finish_notes(ctx, rule, item)
        return item
    if scope and not ctx.fact(scope):
        # no item stated: the per-item conditions are all still to confirm
        for c in per_specs:
            item.conditions.append(Condition(c.id or c.fact, c.text or ctx.input_label(c.fact), UNKNOWN, c.clause))
        if rule.threshold:
            thr = ctx.value(rule.threshold)
            item.conditions.append(Condition(rule.threshold, f"{ctx.input_label(rule.base)}达{format_yuan(thr)}", UNKNOWN))
        item.open_conditions = [c for c in item.conditions if c.state == UNKNOWN]
        _finish_notes(ctx, rule, item)
        return item
    if not contributing and not any_unknown_amount:
        item.status, item.amount = INELIGIBLE, ZERO
        item.open_conditions = []
        _finish_notes(ctx, rule, item)
        return item
    item.status = UNDETERMINED if live_unknown else ELIGIBLE
    if any_unknown_amount and not contributing:
        _finish_notes(ctx, rule, item)
        return item
    subtotal = sum((u.amount for u in contributing), ZERO)
    merged = len(contributing) == 1 and not multi and rule.kind in MERGED_KINDS
    if merged:
        u = contributing[0]
        for text, inputs, result in u.pre:
            item.step(text, inputs, result)
        lead, inputs = u.text, dict(u.inputs)
    else:
        for u in contributing:
            for text, inputs, result in u.pre:
                item.step(text, inputs, result)
            if u.text:
                item.step(u.text, u.inputs, u.amount)
        lead, inputs = f"合计 {format_yuan(subtotal)}", {"subtotal": subtotal}
    amount = subtotal
    ent_caps = [c for c in rule.caps if c.scope not in UNIT_CAPS and c.scope != "per_item_kind"]
    for cap in ent_caps:
        amount, lead = _apply_cap(ctx, cap, amount, lead, inputs)
    for b in ctx.rules.budgets:
        if b.rule == rule.id:
            inputs[b.parameter] = ctx.value(b.parameter)
    if merged or ent_caps or len(contributing) > 1:
        item.step(lead, inputs, amount)
    if rule.kind == "interest" and rule.interest.years:
        amount = _years(ctx, rule, item, amount)
    if rule.kind == "reimburse":
        fee = contributing[0].inputs.get(_field(rule.base)) if len(contributing) == 1 else None
        if fee is not None and fee > amount:
            item.notes.append(rule.texts.get("excess", "超出部分由企业自行承担") + f"（{format_yuan(fee - amount)}）")
    item.amount = amount
    if any_unknown_amount:
        item.notes.append(f"有{word or '事项'}未提供{ctx.input_label(rule.base or rule.count)}，金额未计入该{word or '事项'}")
    _finish_notes(ctx, rule, item)
    return item


def _years(ctx: Ctx, rule: RuleSpec, item: AwardItem, yearly: Decimal) -> Decimal:
    years = ctx.fact(rule.interest.years)
    if years is None or years <= 1:
        return yearly
    top = ctx.value(rule.interest.max_years) if rule.interest.max_years else years
    n = min(Decimal(years), top)
    total = quantize(yearly * n)
    item.step(f"按{_num(n)}年计：{format_yuan(yearly)} × {_num(n)} = {format_yuan(total)}"
              + (f"（贴息期限最长{_num(top)}年）" if years > top else ""), {"years": n}, total)
    return total


def _jurisdiction(ctx: Ctx, rule: RuleSpec) -> Condition | None:
    """A stated registered place outside the document's own, for a pack whose conditions do not name the place
    themselves: the document does not pay that enterprise. Unstated, the home place is assumed and nothing is listed."""
    if ctx.pack.place is None or ctx.raw(PLACE_FACT) is None:
        return None
    facts = [f for c in (*ctx.rules.eligibility, *rule.conditions) for f in [c.fact, *(s.fact for s in c.first_known)]]
    if PLACE_FACT in facts:
        return None
    st = ctx.cond_state(ConditionSpec(fact=PLACE_FACT, op="in_place"))
    if st == MET:
        return None
    return Condition("registered_in_place", f"在{ctx.pack.place.name}注册", st)


def _in_force_text(ctx: Ctx) -> str:
    m = ctx.pack.meta
    if ctx.doc_status == "expired":
        return f"在文件有效期内（有效期至{date_text(m.expires)}）"
    return f"在文件施行之后（自{date_text(m.effective or m.issued)}起施行）"


def _finish_notes(ctx: Ctx, rule: RuleSpec, item: AwardItem) -> None:
    for n in rule.notes:
        if item.status != INELIGIBLE and n not in item.notes:
            item.notes.append(n)
    if item.status != INELIGIBLE:
        for f in rule.flags:
            if f not in item.flags:
                item.flags.append(f)
    if rule.exclusions and item.has_input and item.status != INELIGIBLE:
        note = f"{ctx.input_label(rule.base)}不含{'、'.join(rule.exclusions)}"
        if note not in item.notes:
            item.notes.append(note)


# --- the whole document ------------------------------------------------------------------------------

def _classify(ctx: Ctx) -> tuple[dict | None, list[str], list[dict], list[str]]:
    """Non-money results (project-library tier): the first classification fills `library`."""
    first, steps, trace, clauses = None, [], [], []
    for cl in ctx.rules.classifications:
        rank = {t.tier: len(cl.tiers) - i for i, t in enumerate(cl.tiers)}
        rows, cl_steps, best = [], [], None
        units = list(ctx.fact(cl.for_each) or []) if cl.for_each else [ctx.facts]
        multi = len(units) > 1
        spec = ctx.paths.get(cl.for_each) if cl.for_each else None
        word = (spec.item or spec.label) if spec is not None else ""
        minimum = min(ctx.value(t.parameter) for t in cl.tiers)
        for i, unit in enumerate(units, 1):
            value = unit.get(cl.input) if isinstance(unit, dict) else None
            if value is None:
                continue
            prefix = f"{word}{i}：" if multi else ""
            tier = next((t for t in cl.tiers if value >= ctx.value(t.parameter)), None)
            if tier is not None:
                text = tier.text.format(prefix=prefix, value=format_yuan(value), source=ctx.P[tier.parameter].source)
            else:
                text = cl.none_text.format(prefix=prefix, value=format_yuan(value), minimum=format_yuan(minimum))
            cl_steps.append(text)
            trace.append({"rule": cl.id, "clause": cl.clause, "inputs": {
                cl.input: value, **{t.parameter: ctx.value(t.parameter) for t in reversed(cl.tiers)}},
                "result": tier.tier if tier else None, "text": text})
            rows.append({"project": i, cl.input: value, "tier": tier.tier if tier else None})
            if tier is not None and (best is None or rank[tier.tier] > rank[best]):
                best = tier.tier
        if not rows:
            continue
        steps.extend(cl_steps)
        clauses.append(cl.clause)
        labels = {t.tier: t.label for t in cl.tiers}
        result = {"clause": cl.clause, "label": ctx.label(cl.clause), "tier": best,
                  "tier_text": labels.get(best, cl.none_label), "projects": rows, "steps": cl_steps}
        first = first or result
    return first, steps, trace, clauses


def evaluate(pack: Pack, facts: dict, P: Parameters, as_of: date, *, only_triggered: bool = True) -> AwardResult:
    """Every rule of the pack the profile gives input for, the document-wide cap, and the classifications."""
    rules = pack.rules
    doc_status = pack.status_on(as_of)
    ctx = Ctx(pack, P, facts, as_of, doc_status, input_paths(rules))
    items = [evaluate_rule(ctx, r) for r in rules.rules]
    if only_triggered:
        items = [i for i in items if i.has_input]
    unknown = [{"rule": i.rule, "clause": i.clause, "id": c.id, "text": c.text}
               for i in items if i.status != INELIGIBLE for c in i.open_conditions]
    flags: list[str] = []
    for i in items:
        flags.extend(f for f in i.flags if f not in flags)
    uncapped = sum((i.paid for i in items), ZERO)
    steps: list[str] = []
    trace: list[dict] = []
    notes: list[str] = []
    clauses = [i.clause for i in items]
    capped, total, cap_base, cap_info = False, uncapped, None, None
    dc = rules.document_cap
    if items and dc is not None:
        clauses.append(dc.clause)
        clause_label = ctx.label(dc.clause)
        cap_base = ctx.fact(dc.input)
        over = dc.texts.get("over", "超出部分不予兑现")
        if cap_base is not None:
            capped = uncapped > cap_base
            total = min(uncapped, cap_base)
            if capped:
                text = (f"各项合计 {format_yuan(uncapped)}，超过{dc.label} {format_yuan(cap_base)}，"
                        f"按{clause_label}以 {format_yuan(cap_base)}为限，{over}")
            else:
                text = f"各项合计 {format_yuan(uncapped)}，未超过{dc.label} {format_yuan(cap_base)}，{clause_label}上限未触及"
            trace.append({"rule": dc.id, "clause": dc.clause, "inputs": {"uncapped_total": uncapped, dc.input: cap_base},
                          "result": total, "text": text})
        else:
            text = (f"各项合计 {format_yuan(uncapped)}；按{clause_label}，各项奖励补助以{dc.full}为限，"
                    f"未提供该数额，以上为未封顶金额")
            if uncapped > 0:
                unknown.append({"rule": dc.id, "clause": dc.clause, "id": dc.input,
                                "text": f"{dc.full}不低于{format_yuan(uncapped)}"})
                flags.append(f"condition:{dc.id}")
        steps.append(text)
        cap_info = {"id": dc.id, "clause": dc.clause, "label": clause_label, "base": cap_base, "capped": capped,
                    "text": text}
        if any(i.status != INELIGIBLE and i.amount is None for i in items):
            notes.append("部分奖补金额需补充资料后才能计算，未计入合计")
    elif items and any(i.status != INELIGIBLE and i.amount is None for i in items):
        notes.append("部分奖补金额需补充资料后才能计算，未计入合计")
    library, lib_steps, lib_trace, lib_clauses = _classify(ctx)
    clauses.extend(lib_clauses)
    steps.extend(lib_steps)
    trace.extend(lib_trace)
    if any(i.status == UNDETERMINED for i in items):
        notes.append("合计金额以待确认条件全部满足为前提")
    for b in rules.budgets:
        if not b.rule and items:
            notes.append(b.note or f"“{P[b.parameter].quote}”是资金总额，不是单个企业的上限")
    st = status_text(pack, doc_status)
    if st:
        notes.insert(0, st + "，按本文件不予奖补")
        if rules.validity_clause and rules.validity_clause not in clauses:
            clauses.append(rules.validity_clause)
    place = pack.place.name if pack.place else ""
    return AwardResult(
        total=total, items=items, capped_by_tax=capped, uncapped_total=uncapped,
        tax_cap=cap_base if items and dc is not None else None, unknown=unknown, flags=flags, library=library,
        clauses=clauses, steps=steps, trace=trace, notes=notes, doc_id=pack.id, doc_number=pack.meta.doc_number,
        doc_title=pack.meta.title or pack.document.title, effective=P.effective.isoformat(), as_of=as_of.isoformat(),
        doc_status=doc_status, status_text=st, place=place, document_cap=cap_info,
    )


__all__ = ["CAP_TEXT", "Ctx", "date_text", "evaluate", "evaluate_rule", "status_text"]
