"""The policy office's check of a pack: validation, source words against clause text, its tests, and a boundary table.

The boundary table (Catala's `proof` idea made practical) shows, for each threshold, tier edge and cap of every rule,
the engine's result just below, at and just above the edge, computed on an otherwise qualifying profile."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from corpus.packs import ConditionSpec, Pack, PackError, RuleSpec, input_paths, load_pack
from corpus.yamlsafe import load_yaml_file
from tools.amounts import format_yuan, quantize
from tools.award import pct
from tools.errors import CalcError
from tools.whatif import cap_binding_amount

AMOUNT_STEP = Decimal("100")  # 0.01万元: 499.99万 / 500万 / 500.01万
NUMBER_STEP = Decimal("0.01")
# interest rules depend on a reference rate the user gives; the table shows them on a labelled example
SAMPLE_PRINCIPAL = Decimal("10000000")
SAMPLE_RATE = Decimal("0.0345")


def _as_of(pack: Pack) -> date:
    """A day the document is in force, to compute what it paid (today when in force)."""
    today = date.today()
    if pack.status_on(today) == "in_force":
        return today
    if pack.meta.expires is not None and today > pack.meta.expires:
        return pack.meta.expires
    return pack.meta.effective or pack.meta.issued or today


def _meet(c: ConditionSpec, pack: Pack, P) -> object:
    """A value that meets condition `c`."""
    if c.first_known:
        return _meet(c.first_known[0], pack, P)
    if c.op == "true":
        return True
    if c.op == "false":
        return False
    if c.op == "in_place":
        return pack.place.name if pack.place else ""
    if c.op in ("date_ge", "date_le"):
        return str(c.value)
    if c.op in ("not_in", "le_amount"):
        return None  # met while unstated
    target = P.value(c.parameter) if c.parameter else Decimal(str(c.value))
    return {"ge": target, "gt": target + 1, "le": target, "lt": max(target - 1, Decimal(0)), "eq": target}.get(c.op)


def _set(profile: dict, path: str, value, scope: str) -> None:
    if value is None:
        return
    if scope and path.startswith(scope + "."):
        items = profile.setdefault(scope, [{}])
        items[0][path[len(scope) + 1:]] = value
        return
    head, _, rest = path.partition(".")
    if rest:
        profile.setdefault(head, {})[rest] = value
    else:
        profile[head] = value


def qualifying_profile(pack: Pack, rule: RuleSpec, P) -> dict:
    """A profile meeting every condition of `rule` (and the pack's eligibility), with no base yet."""
    profile: dict = {}
    for c in (*pack.rules.eligibility, *rule.conditions):
        if c.first_known:
            _set(profile, c.first_known[0].fact, _meet(c, pack, P), rule.for_each)
        elif c.op in ("date_ge", "date_le"):
            continue  # an unstated date is assumed inside the window
        else:
            _set(profile, c.fact, _meet(c, pack, P), rule.for_each)
    if rule.for_each and rule.for_each not in profile:
        profile[rule.for_each] = [{}]
    if rule.kind == "interest":
        item = profile[rule.for_each][0]
        item.setdefault(rule.interest.principal, SAMPLE_PRINCIPAL)
        item.setdefault(rule.interest.reference_rate, SAMPLE_RATE)
    return profile


_PARAMS: dict[int, object] = {}


def _total(pack: Pack, profile: dict, day: date) -> Decimal:
    from tools.calculator import evaluate_pack

    return evaluate_pack(pack, _PARAMS[id(pack)], profile, day).total


def _row(pack, rule, kind, edge_text, source, path, values, base_profile, day, fmt, note="") -> dict:
    cases = []
    for v in values:
        prof = _copy(base_profile)
        _set(prof, path, v, rule.for_each)
        t = _total(pack, prof, day)
        cases.append({"input": v, "input_text": fmt(v), "total": t, "total_text": format_yuan(t)})
    return {"rule": rule.id, "title": rule.title, "clause": rule.clause, "label": pack.document.clause(rule.clause).label,
            "kind": kind, "edge": edge_text, "source": source, "input": path, "cases": cases, "note": note}


def _copy(d):
    if isinstance(d, dict):
        return {k: _copy(v) for k, v in d.items()}
    if isinstance(d, list):
        return [_copy(x) for x in d]
    return d


def _three(edge: Decimal, step: Decimal) -> list[Decimal]:
    return [max(edge - step, Decimal(0)), edge, edge + step]


def _amount_fmt(v) -> str:
    return format_yuan(v)


def boundary_table(pack: Pack, P) -> list[dict]:
    """Every edge of every rule: threshold, band edge, numeric condition, cap binding point, document cap."""
    _PARAMS[id(pack)] = P
    day = _as_of(pack)
    paths = input_paths(pack.rules)
    rows: list[dict] = []
    for rule in pack.rules.rules:
        base_profile = qualifying_profile(pack, rule, P)
        base = rule.base if rule.kind in ("rate", "tiers", "reimburse") else rule.count if rule.kind == "unit" else \
            f"{rule.base}.{next(iter(rule.rates))}" if rule.kind == "per_kind" else \
            f"{rule.for_each}.{rule.interest.principal}" if rule.kind == "interest" else ""
        spec = paths.get(base) if base else None
        step = AMOUNT_STEP if spec is not None and spec.type == "amount" else NUMBER_STEP if spec is not None and \
            spec.type == "quantity" else Decimal(1)
        note = (f"示例：贷款{format_yuan(SAMPLE_PRINCIPAL)}、参考利率 {pct(SAMPLE_RATE)}（文件未规定利率数值）"
                if rule.kind == "interest" else "")

        def fmt(v, spec=spec):
            if spec is not None and spec.type == "amount":
                return format_yuan(v)
            return f"{Decimal(v).normalize():f}{spec.unit if spec is not None else ''}"

        if rule.threshold and base:
            thr = P.value(rule.threshold)
            rows.append(_row(pack, rule, "threshold", f"门槛 {fmt(thr)}（{'含' if rule.threshold_inclusive else '不含'}本数）",
                             P[rule.threshold].source, base, _three(thr, step), base_profile, day, fmt))
        for b in rule.bands:
            if b.upto and base:
                edge = P.value(b.upto)
                rows.append(_row(pack, rule, "band", f"分档点 {fmt(edge)}（{'全额' if rule.tiers == 'whole' else '分段累计'}）",
                                 P[b.upto].source, base, _three(edge, step), base_profile, day, fmt))
        for c in rule.conditions:
            if c.op in ("ge", "gt", "le", "lt") and c.fact and (c.parameter or c.value is not None):
                cspec = paths.get(c.fact)
                edge = P.value(c.parameter) if c.parameter else Decimal(str(c.value))
                cstep = AMOUNT_STEP if cspec is not None and cspec.type == "amount" else NUMBER_STEP \
                    if cspec is not None and cspec.type in ("quantity", "rate") else Decimal(1)
                prof = _copy(base_profile)
                if base and rule.kind != "interest":
                    _set(prof, base, _sample_base(rule, P, spec), rule.for_each)
                unit = cspec.unit if cspec is not None else ""
                rows.append(_row(pack, rule, "condition", f"条件 {c.text or c.fact}", P[c.parameter].source if c.parameter
                                 else str(c.value), c.fact, _three(edge, cstep), prof, day,
                                 lambda v, unit=unit: f"{Decimal(v).normalize():f}{unit}", note))
        unit_caps = []
        for cap in rule.caps:
            edge = _binding(rule, cap, P)
            prof = base_profile
            if edge is not None and rule.for_each and cap.scope not in ("per_project", "per_product", "per_item") \
                    and unit_caps:
                prof, edge = _several_items(rule, cap, unit_caps, base_profile, P)
            if cap.scope in ("per_project", "per_product", "per_item"):
                unit_caps.append(cap)
            if edge is None or not base:
                rows.append({"rule": rule.id, "title": rule.title, "clause": rule.clause,
                             "label": pack.document.clause(rule.clause).label, "kind": "cap",
                             "edge": f"上限 {format_yuan(P.value(cap.parameter))}（{cap.scope}）",
                             "source": P[cap.parameter].source, "input": "", "cases": [],
                             "note": "上限的触发点取决于企业提供的其他数值（如LPR），不列边界"})
                continue
            cstep = Decimal(1) if spec is not None and spec.type in ("amount", "number") else NUMBER_STEP
            several = len(prof.get(rule.for_each) or []) > 1 if rule.for_each else False
            rows.append(_row(pack, rule, "cap", f"上限 {format_yuan(P.value(cap.parameter))}，自 {fmt(edge)} 起触及"
                             + ("（其余项目均按单项上限计）" if several else ""),
                             P[cap.parameter].source, base, _three(edge, cstep), prof, day, fmt, note))
    dc = pack.rules.document_cap
    if dc is not None:
        sample = _document_sample(pack, P, day)
        if sample is not None:
            prof, total = sample
            rows.append({
                **_row(pack, RuleSpec(id=dc.id, clause=dc.clause, title=dc.label, kind="fixed", amount="x"),
                       "document_cap", f"{dc.label}（各项合计 {format_yuan(total)} 时）", dc.full, dc.input,
                       _three(total, Decimal("0.01")), prof, day, _amount_fmt)})
    return rows


def _several_items(rule, cap, unit_caps, base_profile, P) -> tuple[dict, Decimal | None]:
    """An enterprise cap after per-item caps binds only over several items: fill items at the per-item cap, and
    return the profile and the last item's base at which the enterprise cap is reached (that item is varied)."""
    ent_cap, unit_cap = P.value(cap.parameter), P.value(unit_caps[0].parameter)
    unit_edge = _binding(rule, unit_caps[0], P)
    if unit_edge is None or unit_cap <= 0:
        return base_profile, None
    prof = _copy(base_profile)
    template = prof[rule.for_each][0]
    field = rule.base.rsplit(".", 1)[-1]
    items, remaining = [], ent_cap
    while remaining > unit_cap:
        items.append({**template, field: unit_edge})
        remaining -= unit_cap
    last = _binding(rule, type(cap)(scope=cap.scope, parameter=cap.parameter), _Shifted(P, cap.parameter, remaining))
    prof[rule.for_each] = [*items, dict(template)]
    # the varied item is the last one: _set writes to item 0, so put it first
    prof[rule.for_each].reverse()
    return prof, last


class _Shifted:
    """Parameters with one value replaced (what is left of a cap once other items took their share)."""

    def __init__(self, P, name, value):
        self._P, self._name, self._value = P, name, value

    def value(self, name):
        return self._value if name == self._name else self._P.value(name)

    def __getitem__(self, name):
        return self._P[name]


def _sample_base(rule: RuleSpec, P, spec) -> Decimal:
    if rule.threshold:
        return P.value(rule.threshold) * 2
    return Decimal(1000000) if spec is None or spec.type == "amount" else Decimal(1000)


def _binding(rule: RuleSpec, cap, P) -> Decimal | None:
    """The smallest base at which a cap binds, for the kinds where it depends on the base alone."""
    c = P.value(cap.parameter)
    if rule.kind == "rate":
        return cap_binding_amount(P.value(rule.rate), c)
    if rule.kind == "per_kind":
        return cap_binding_amount(P.value(next(iter(rule.rates.values()))), c)
    if rule.kind == "interest":
        return cap_binding_amount(SAMPLE_RATE * P.value(rule.interest.share), c)
    if rule.kind == "reimburse":
        return c
    if rule.kind == "unit":
        each = P.value(rule.unit_amount)
        n = (c / each).to_integral_value(rounding="ROUND_CEILING")
        return n
    if rule.kind == "tiers":
        lo, amount = Decimal(0), Decimal(0)
        for b in rule.bands:
            rate = P.value(b.rate)
            hi = P.value(b.upto) if b.upto else None
            if rule.tiers == "whole":
                if hi is None or cap_binding_amount(rate, c) <= hi:
                    return max(cap_binding_amount(rate, c), lo)
                lo = hi
                continue
            room = (hi - lo) * rate if hi is not None else None
            if room is None or amount + room >= c:
                return lo + cap_binding_amount(rate, c - amount) if c > amount else lo
            amount, lo = amount + room, hi
    return None


def _document_sample(pack: Pack, P, day: date) -> tuple[dict, Decimal] | None:
    """A profile qualifying for the first rule that pays on its own, and its total, to show the document cap's edge."""
    for rule in pack.rules.rules:
        prof = qualifying_profile(pack, rule, P)
        paths = input_paths(pack.rules)
        if rule.kind in ("rate", "tiers", "reimburse"):
            _set(prof, rule.base, _sample_base(rule, P, paths.get(rule.base)), rule.for_each)
        elif rule.kind == "unit":
            _set(prof, rule.count, _sample_base(rule, P, paths.get(rule.count)), rule.for_each)
        elif rule.kind == "titles":
            prof[rule.input] = [next(iter(rule.options))] if paths[rule.input].type == "titles" else next(iter(rule.options))
        else:
            continue
        total = _total(pack, prof, day)
        if total > 0:
            return prof, quantize(total)
    return None


def check_pack(folder: Path, document) -> dict:
    """Validate the pack in `folder`, run its tests and build its boundary table; a report dict (Chinese texts)."""
    from tools.packtests import load_cases, run_case
    from tools.params import parse_parameters

    report: dict = {"doc": document.id, "ok": True, "problems": [], "parameters": [], "tests": {}, "boundaries": []}
    try:
        pack = load_pack(folder, document)
    except PackError as e:
        report["ok"] = False
        report["problems"].append(str(e))
        return report
    if pack.rules is None:
        report["ok"] = False
        report["problems"].append(f"文件 {document.id} 没有 rules.yaml，只能查阅条款。")
        return report
    data = load_yaml_file(Path(folder) / "rules.yaml")  # read_pack_yaml above has already accepted it
    P = parse_parameters(data, document.id)
    for name, p in pack.rules.parameters.items():
        clause = document.find(p.clause)
        report["parameters"].append({
            "name": name, "label": p.label, "clause": p.clause, "clause_label": clause.label if clause else p.clause,
            "value": P.value(name), "value_text": format_yuan(P.value(name)) if p.unit == "元" else
            pct(P.value(name)) if p.unit == "比例" else f"{P.value(name).normalize():f}{p.unit}",
            "source": p.source, "found": bool(clause and p.source in clause.full_text)})
    try:
        cases = load_cases(Path(folder), document.id)
    except CalcError as e:
        report["ok"] = False
        report["problems"].append(str(e))
        cases = []
    outcomes = [run_case(c, pack, P) for c in cases]
    failures = [{"name": o.case.name, "file": o.case.file, "problems": o.problems} for o in outcomes if not o.ok]
    report["tests"] = {"total": len(outcomes), "passed": len(outcomes) - len(failures), "failures": failures}
    if not cases:
        report["problems"].append("政策包没有测试用例（tests/*.yaml）。")
        report["ok"] = False
    if failures:
        report["ok"] = False
    report["boundaries"] = boundary_table(pack, P)
    return report


__all__ = ["boundary_table", "check_pack", "qualifying_profile"]
