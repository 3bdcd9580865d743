"""A pack's own YAML tests (OpenFisca style, named as sentences): load them, run one, say what differs, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from corpus.yamlsafe import YamlError, load_yaml_file
from tools.errors import CalcError


@dataclass
class PackCase:
    doc: str
    file: str  # the test file's stem (the rule it tests)
    clause: str
    name: str
    profile: dict
    expect: dict
    as_of: date | None = None
    interpretations: tuple[str, ...] = ()


@dataclass
class CaseOutcome:
    case: PackCase
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _day(v) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v))


def load_cases(folder: Path, doc: str) -> list[PackCase]:
    """Every case of every tests/*.yaml in a pack folder; a malformed file raises CalcError naming it."""
    out: list[PackCase] = []
    for path in sorted((Path(folder) / "tests").glob("*.yaml")):
        try:
            data = load_yaml_file(path, name=f"测试文件 {path.name}") or {}
        except YamlError as e:
            raise CalcError(str(e)) from None
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            raise CalcError(f"测试文件 {path.name} 应包含 cases 列表。")
        given = data.get("given") or {}
        for i, c in enumerate(data["cases"], 1):
            if not isinstance(c, dict) or "name" not in c or "expect" not in c:
                raise CalcError(f"测试文件 {path.name} 第{i}个用例须写明 name 与 expect。")
            profile = {**given, **(c.get("profile") or {})}
            profile = {k: v for k, v in profile.items() if v is not None}
            out.append(PackCase(doc=doc, file=path.stem, clause=str(data.get("clause", "")), name=str(c["name"]),
                                profile=profile, expect=dict(c["expect"] or {}),
                                as_of=_day(c.get("as_of", data.get("as_of"))),
                                interpretations=tuple(data.get("interpretations") or ())))
    return out


def _money(v) -> Decimal:
    return Decimal(str(v))


def run_case(case: PackCase, pack=None, params=None) -> CaseOutcome:
    """Compute the case and compare every expectation it states; the outcome lists each difference.

    `pack` and `params`: a pack not (yet) in the library, such as a draft under review."""
    from tools.calculator import calculate, evaluate_pack

    out = CaseOutcome(case)
    bad = out.problems
    try:
        if pack is not None:
            award = evaluate_pack(pack, params, case.profile, case.as_of).to_dict()
        else:
            award = calculate(case.profile, doc_id=case.doc, as_of=case.as_of).to_dict()
    except CalcError as e:
        bad.append(f"计算出错：{e}")
        return out
    exp = case.expect
    items = {i["rule"]: i for i in award["items"]}
    for key in ("total", "uncapped_total"):
        if key in exp and award[key] != _money(exp[key]):
            bad.append(f"{key} 为 {award[key]}，期望 {exp[key]}")
    for key in ("capped_by_tax", "doc_status"):
        if key in exp and award[key] != exp[key]:
            bad.append(f"{key} 为 {award[key]}，期望 {exp[key]}")
    if "tax_cap" in exp and award["tax_cap"] != (None if exp["tax_cap"] is None else _money(exp["tax_cap"])):
        bad.append(f"tax_cap 为 {award['tax_cap']}，期望 {exp['tax_cap']}")
    for rule, fields in (exp.get("items") or {}).items():
        if rule not in items:
            bad.append(f"结果中没有 {rule}：{list(items)}")
            continue
        for key, want in fields.items():
            got = items[rule].get(key)
            if key == "amount" and want is not None:
                if got != _money(want):
                    bad.append(f"{rule}.amount 为 {got}，期望 {want}")
            elif got != want:
                bad.append(f"{rule}.{key} 为 {got!r}，期望 {want!r}")
    if "only_rules" in exp and list(items) != exp["only_rules"]:
        bad.append(f"规则为 {list(items)}，期望 {exp['only_rules']}")
    states = {c["id"]: c["state"] for i in award["items"] for c in i["conditions"]}
    for cid, want in (exp.get("conditions") or {}).items():
        if states.get(cid) != want:
            bad.append(f"条件 {cid} 为 {states.get(cid)}，期望 {want}")
    steps = [s for i in award["items"] for s in i["steps"]]
    notes = [s for i in award["items"] for s in i["notes"]] + award["notes"]
    for what, hay, key in (("计算步骤", steps, "steps_include"), ("说明", notes, "notes_include"),
                           ("合计步骤", award["steps"], "result_steps_include"),
                           ("待确认条件", award["unknown_conditions"], "unknown_conditions_include")):
        for n in exp.get(key) or []:
            if not any(n in h for h in hay):
                bad.append(f"{what}中没有“{n}”：{hay}")
    for n in exp.get("unknown_conditions_exclude") or []:
        if any(n in u for u in award["unknown_conditions"]):
            bad.append(f"待确认条件中不应有“{n}”")
    for f in exp.get("flags_include") or []:
        if f not in award["flags"]:
            bad.append(f"标记中没有 {f}：{award['flags']}")
    for f in exp.get("flags_exclude") or []:
        if f in award["flags"]:
            bad.append(f"标记中不应有 {f}")
    if "clauses" in exp and award["clauses"] != [str(c) for c in exp["clauses"]]:
        bad.append(f"依据条款为 {award['clauses']}，期望 {exp['clauses']}")
    for c in exp.get("clauses_include") or []:
        if str(c) not in award["clauses"]:
            bad.append(f"依据条款中没有 {c}")
    for c in exp.get("clauses_exclude") or []:
        if str(c) in award["clauses"]:
            bad.append(f"依据条款中不应有 {c}")
    if "library_tier" in exp and (award["library"] or {}).get("tier") != exp["library_tier"]:
        bad.append(f"项目库为 {(award['library'] or {}).get('tier')}，期望 {exp['library_tier']}")
    return out


def pack_cases(doc_id: str) -> list[PackCase]:
    from corpus import default_corpus

    folder = default_corpus().document(doc_id).meta.get("folder")
    return load_cases(Path(folder), doc_id) if folder else []


__all__ = ["CaseOutcome", "PackCase", "load_cases", "pack_cases", "run_case"]
