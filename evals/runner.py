"""Runs eval cases and groups through an ask function and records what came back, check by check.

The ask function is injectable (`Backend`), so the runner is tested with a fake before any real
assistant exists; `assistant_backend()` wires the real one, deterministic or with an LLM."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from corpus import normalise_reference
from evals.match import canonical_amount, contains
from evals.schema import Case, Group, Suite

AskFn = Callable[[str, Any], Any]  # (question, session) -> Answer | dict (DESIGN §4)


@dataclass
class Backend:
    """How to put questions to an assistant: one fresh session per case, every turn in it."""

    name: str
    ask: AskFn
    new_session: Callable[[], Any] = lambda: None


class BackendUnavailable(Exception):
    """The requested mode cannot run here (e.g. no LLM configured); the message is Chinese."""


def assistant_backend(mode: str = "deterministic", llm=None) -> Backend:
    """The real assistant. `llm` mode needs POLICY_ASSISTANT_LLM or a langchain chat model passed as `llm`;
    deterministic never touches a model."""
    from assistant import Session, ask
    from assistant.settings import load_settings

    if mode == "deterministic":
        # llm=False forces the rule-based path even when an LLM is configured
        return Backend("deterministic", lambda q, s: ask(q, session=s, llm=False), Session)
    if mode == "llm":
        if llm is not None:
            return Backend(f"llm:{type(llm).__name__}", lambda q, s: ask(q, session=s, llm=llm), Session)
        settings = load_settings()
        if not settings.llm:
            raise BackendUnavailable("未配置大模型（POLICY_ASSISTANT_LLM 为空），无法以 LLM 模式评测。")
        # llm=None: the assistant builds the configured model from settings
        return Backend(f"llm:{settings.llm}", lambda q, s: ask(q, session=s, llm=None), Session)
    raise BackendUnavailable(f"未知的评测模式：{mode}（可选 deterministic、llm、both）")


# --- reading an answer ----------------------------------------------------------------------


def answer_dict(answer: Any) -> dict:
    if hasattr(answer, "to_dict"):
        answer = answer.to_dict()
    if not isinstance(answer, dict):
        raise TypeError(f"回答应为 Answer 或字典，实际为 {type(answer).__name__}")
    return answer


def citation_key(c: Any) -> str:
    """A citation as `doc#clause` (or a bare clause id when it names no document)."""
    if isinstance(c, dict):
        doc, clause = str(c.get("doc") or ""), str(c.get("clause") or "")
    else:
        doc, clause = "", str(c)
    if "#" in clause:
        doc, clause = clause.split("#", 1)
    clause = normalise_reference(clause)
    return f"{doc}#{clause}" if doc else clause


def same_clause(a: str, b: str) -> bool:
    """4.3.1 and longnan-2022-40#4.3.1 are the same clause; two different documents never are."""
    da, _, ia = a.rpartition("#")
    db, _, ib = b.rpartition("#")
    if da and db and da != db:
        return False
    return normalise_reference(ia) == normalise_reference(ib)


def award_total(answer: dict) -> Decimal | None:
    award = answer.get("award")
    if not award:
        return None
    total = award.get("total") if isinstance(award, dict) else getattr(award, "total", None)
    if total is None:
        return None
    try:
        return Decimal(str(total)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def summarise(answer: dict) -> dict:
    """The parts of an answer the checks and the run-to-run diff look at, JSON-ready."""
    total = award_total(answer)
    return {
        "answer": str(answer.get("answer") or ""),
        "citations": [citation_key(c) for c in answer.get("citations") or []],
        "quotes": {citation_key(c): str(c.get("quote") or "") for c in answer.get("citations") or [] if isinstance(c, dict)},
        "award_total": None if total is None else canonical_amount(total),
        "abstained": bool(answer.get("abstained")),
        "flags": [str(f) for f in answer.get("flags") or []],
    }


def signature(got: dict | None, error: str | None = None) -> str:
    """What must stay the same between repeats and runs (latency and quotes aside)."""
    if got is None:
        return json.dumps({"error": error}, ensure_ascii=False)
    keep = {k: got[k] for k in ("answer", "citations", "award_total", "abstained")}
    return json.dumps(keep, ensure_ascii=False, sort_keys=True)


# --- checks ---------------------------------------------------------------------------------


def check_case(case: Case, got: dict) -> dict:
    """Each expectation of the case against the summarised answer; None where the case sets none."""
    e = case.expect
    cites = got["citations"]

    def cited(ref: str) -> bool:
        return any(same_clause(ref, c) for c in cites)

    checks: dict[str, Any] = {}
    first_expected = e.cites[:1] or e.cites_any
    checks["first_citation"] = (bool(cites) and any(same_clause(r, cites[0]) for r in first_expected)) if first_expected else None
    missing = [r for r in e.cites if not cited(r)]
    checks["cites"] = (not missing) if e.cites else None
    checks["cites_any"] = any(cited(r) for r in e.cites_any) if e.cites_any else None
    # recall counts each `cites` entry, and `cites_any` as one entry met by any of its clauses
    expected_n = len(e.cites) + (1 if e.cites_any else 0)
    found_n = len(e.cites) - len(missing) + (1 if checks["cites_any"] else 0)
    if e.checks_award:
        want = e.award_total
        have = got["award_total"]
        checks["award"] = have is None if want is None else (have is not None and Decimal(have) == want)
    else:
        checks["award"] = None
    missing_inc = [s for s in e.includes if not contains(got["answer"], s)]
    present_exc = [s for s in e.excludes if contains(got["answer"], s)]
    checks["includes"] = (not missing_inc) if e.includes else None
    checks["excludes"] = (not present_exc) if e.excludes else None
    checks["abstain"] = (got["abstained"] == e.abstain) if e.abstain is not None else None
    return {
        "checks": checks,
        "passed": all(v is not False for v in checks.values()),
        "missing_cites": missing,
        "missing_includes": missing_inc,
        "present_excludes": present_exc,
        "recall": [found_n, expected_n],
    }


def failed_checks(checks: dict) -> list[str]:
    return [k for k, v in checks.items() if v is False]


# --- running --------------------------------------------------------------------------------


def _ask_turns(backend: Backend, turns: tuple[str, ...]) -> tuple[dict | None, str | None, list[float]]:
    """Every turn in one fresh session; the last answer, or the error that stopped it, and each latency (ms)."""
    latencies: list[float] = []
    try:
        session = backend.new_session()
        answer = None
        for turn in turns:
            t0 = time.perf_counter()
            answer = backend.ask(turn, session)
            latencies.append((time.perf_counter() - t0) * 1000)
        return summarise(answer_dict(answer)), None, latencies
    except Exception as e:  # a crashing assistant is a failing case, never a crashed run
        return None, f"{type(e).__name__}: {e}", latencies


def run_case(backend: Backend, case: Case, repeat: int = 1) -> dict:
    runs = [_ask_turns(backend, case.turns) for _ in range(max(1, repeat))]
    got, error, latencies = runs[0]
    if got is None:
        result = {"checks": {}, "passed": False, "missing_cites": [], "missing_includes": [], "present_excludes": [],
                  "recall": [len(case.expect.cites) + (1 if case.expect.cites_any else 0)] * 2}
        result["recall"][0] = 0
    else:
        result = check_case(case, got)
    outcomes = set()
    for g, err, _ in runs:
        passed = g is not None and check_case(case, g)["passed"]
        outcomes.add((signature(g, err), passed))
    return {
        "id": case.id,
        "file": case.file,
        "tags": list(case.tags),
        "turns": list(case.turns),
        "expect": case.expect.to_dict(),
        "got": got,
        "error": error,
        **result,
        "latency_ms": [round(x, 2) for _, _, lat in runs for x in lat],
        "repeats": len(runs),
        "flipped": len(outcomes) > 1,
        "signature": signature(got, error),
    }


def run_group(backend: Backend, group: Group, repeat: int = 1) -> dict:
    questions = []
    keys = set()
    flipped = False
    for q in group.questions:
        runs = [_ask_turns(backend, (q,)) for _ in range(max(1, repeat))]
        sigs = {signature(g, err) for g, err, _ in runs}
        flipped = flipped or len(sigs) > 1
        for g, err, _ in runs:
            keys.add(("error", err) if g is None else ((g["citations"] or [None])[0], g["award_total"]))
        got, error, _ = runs[0]
        questions.append({
            "question": q,
            "first_citation": (got["citations"] or [None])[0] if got else None,
            "award_total": got["award_total"] if got else None,
            "answer": got["answer"] if got else "",
            "error": error,
            "flipped": len(sigs) > 1,
            "latency_ms": [round(x, 2) for _, _, lat in runs for x in lat],
        })
    # one answer shape for all paraphrases, and no error among them
    consistent = len(keys) == 1 and not any(k[0] == "error" for k in keys)
    return {"id": group.id, "file": group.file, "tags": list(group.tags), "questions": questions,
            "consistent": consistent, "flipped": flipped}


def run_suite(suite: Suite, backend: Backend, repeat: int = 1,
              progress: Callable[[str], None] | None = None) -> dict:
    """Run every case and group; the result is the JSON report (metrics included)."""
    from evals.metrics import compute_metrics

    t0 = time.perf_counter()
    cases = []
    for case in suite.cases:
        cases.append(run_case(backend, case, repeat))
        if progress:
            progress(case.id)
    groups = []
    for group in suite.groups:
        groups.append(run_group(backend, group, repeat))
        if progress:
            progress(group.id)
    report = {
        "version": 1,
        "mode": backend.name,
        "repeat": max(1, repeat),
        "files": list(suite.files),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cases": cases,
        "groups": groups,
    }
    report["metrics"] = compute_metrics(report)
    report["elapsed_s"] = round(time.perf_counter() - t0, 3)
    return report
