"""Eval metrics (DESIGN §6, issue 6): rates over a run, per-tag breakdown, thresholds and the run-to-run diff."""

from __future__ import annotations

import math

# The acceptance thresholds: (metric, comparison, bound).
THRESHOLDS: tuple[tuple[str, str, float], ...] = (
    ("first_citation_hit", ">=", 0.95),
    ("award_exactness", ">=", 1.0),
    ("abstention_accuracy", ">=", 0.95),
    ("group_consistency", ">=", 1.0),
    ("flip_rate", "<=", 0.0),
)

METRIC_LABELS = {
    "cases": "用例数",
    "case_pass_rate": "用例通过率",
    "first_citation_hit": "首条引用命中率",
    "citation_recall": "引用召回率",
    "award_exactness": "金额精确率",
    "abstention_accuracy": "拒答判断准确率",
    "text_pass_rate": "包含/排除通过率",
    "group_consistency": "问法一致性",
    "flip_rate": "重复运行翻转率",
    "latency_p50_ms": "延迟 p50（毫秒）",
    "latency_p95_ms": "延迟 p95（毫秒）",
}


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return round(ordered[rank - 1], 2)


def _rate(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _case_rates(cases: list[dict]) -> dict:
    def over(check: str) -> list[bool]:
        out = []
        for c in cases:
            v = c["checks"].get(check)
            if v is not None:
                out.append(v)
            elif c.get("error") and _expects(c, check):
                out.append(False)  # an answer that never came misses every expectation
        return out

    text = [not c.get("error") and c["checks"].get("includes") is not False and c["checks"].get("excludes") is not False
            for c in cases if c["expect"].get("includes") or c["expect"].get("excludes")]
    found = sum(c["recall"][0] for c in cases)
    expected = sum(c["recall"][1] for c in cases)
    return {
        "cases": len(cases),
        "case_pass_rate": _rate([c["passed"] for c in cases]),
        "first_citation_hit": _rate(over("first_citation")),
        "citation_recall": found / expected if expected else None,
        "award_exactness": _rate(over("award")),
        "abstention_accuracy": _rate(over("abstain")),
        "text_pass_rate": _rate(text),
    }


def _expects(case: dict, check: str) -> bool:
    """Whether a case that errored out had an expectation for `check` (it then counts as missed)."""
    e = case["expect"]
    return {
        "first_citation": bool(e.get("cites") or e.get("cites_any")),
        "award": "award_total" in e,
        "abstain": "abstain" in e,
    }.get(check, False)


def compute_metrics(report: dict) -> dict:
    cases, groups = report["cases"], report["groups"]
    m = _case_rates(cases)
    m["groups"] = len(groups)
    m["group_consistency"] = _rate([g["consistent"] for g in groups])
    units = [c["flipped"] for c in cases] + [q["flipped"] for g in groups for q in g["questions"]]
    m["flip_rate"] = _rate(units)
    m["flipped"] = sum(units)
    latencies = [x for c in cases for x in c["latency_ms"]] + [x for g in groups for q in g["questions"] for x in q["latency_ms"]]
    m["asks"] = len(latencies)
    m["latency_p50_ms"] = percentile(latencies, 50)
    m["latency_p95_ms"] = percentile(latencies, 95)
    m["failed"] = [c["id"] for c in cases if not c["passed"]]
    m["inconsistent_groups"] = [g["id"] for g in groups if not g["consistent"]]
    tags: dict[str, list[dict]] = {}
    for c in cases:
        for t in c["tags"] or ["（无标签）"]:
            tags.setdefault(t, []).append(c)
    m["by_tag"] = {t: _case_rates(cs) for t, cs in sorted(tags.items())}
    return m


def threshold_failures(metrics: dict) -> list[str]:
    """Human-readable (Chinese) lines for every threshold a run misses; empty when all hold."""
    out = []
    for name, op, bound in THRESHOLDS:
        value = metrics.get(name)
        if value is None:
            continue
        ok = value >= bound if op == ">=" else value <= bound
        if not ok:
            out.append(f"{METRIC_LABELS[name]} {fmt_rate(value)}，要求 {op} {fmt_rate(bound)}")
    return out


def fmt_rate(v) -> str:
    if v is None:
        return "—"
    return f"{v * 100:.1f}%"


# --- run-to-run diff ------------------------------------------------------------------------


def runs_by_mode(data: dict) -> dict[str, dict]:
    """A saved JSON report (single run, or `--mode both` with several) as {mode: run}."""
    if "modes" in data:
        return dict(data["modes"])
    return {data.get("mode", "deterministic"): data}


def _brief(c: dict | None) -> dict | None:
    if c is None:
        return None
    got = c.get("got") or {}
    return {"passed": c.get("passed"), "answer": got.get("answer", ""), "award_total": got.get("award_total"),
            "citations": got.get("citations", []), "abstained": got.get("abstained"), "error": c.get("error"),
            "failed_checks": [k for k, v in (c.get("checks") or {}).items() if v is False]}


def compare_runs(old: dict, new: dict) -> list[dict]:
    """Cases (and groups) whose outcome or answer differs between two runs, in the new run's order."""
    old_cases = {c["id"]: c for c in old.get("cases", [])}
    new_cases = {c["id"]: c for c in new.get("cases", [])}
    changes = []
    for cid in list(new_cases) + [i for i in old_cases if i not in new_cases]:
        a, b = _brief(old_cases.get(cid)), _brief(new_cases.get(cid))
        if a == b:
            continue
        what = []
        if a is None or b is None:
            what.append("新增" if a is None else "删除")
        else:
            if a["passed"] != b["passed"]:
                what.append("结果")
            if a["award_total"] != b["award_total"]:
                what.append("金额")
            if a["citations"] != b["citations"]:
                what.append("引用")
            if a["abstained"] != b["abstained"]:
                what.append("拒答")
            if a["answer"] != b["answer"] or a["error"] != b["error"]:
                what.append("回答文本")
            if not what:
                what.append("检查项")
        changes.append({"id": cid, "kind": "case", "what": what, "before": a, "after": b})
    old_groups = {g["id"]: g for g in old.get("groups", [])}
    for g in new.get("groups", []):
        o = old_groups.get(g["id"])
        if o is None:
            continue
        if o["consistent"] != g["consistent"] or [q["answer"] for q in o["questions"]] != [q["answer"] for q in g["questions"]]:
            changes.append({"id": g["id"], "kind": "group", "what": ["一致性" if o["consistent"] != g["consistent"] else "回答文本"],
                            "before": {"consistent": o["consistent"]}, "after": {"consistent": g["consistent"]}})
    return changes
