"""Benchmark of the assistant: warm ask() latency over the eval questions, and a cold `policy-assistant ask` process.

Run: .venv/bin/python benchmarks/ask.py [--packs 50]   (targets: warm p50 ≤ 40 ms, p95 ≤ 80 ms; cold ≤ 3 s)

--packs N adds N generated packs (copies of the bundled ones under new ids, places and 文号) in a temporary data
directory: the dialogue then chooses among N + 3 documents on every turn."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DONE_Q = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万，能拿多少？"


def eval_turns() -> list[list[str]]:
    out = []
    for f in sorted((ROOT / "evals" / "cases").glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for c in data.get("cases") or []:
            out.append([t for t in (c.get("turns") or [c.get("question")]) if t])
        for g in data.get("groups") or []:
            out.extend([q] for q in g.get("questions") or [])
    return out or [[DONE_Q], ["上云补贴比例是多少？"], ["服务型制造归哪个部门？"]]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def warm(rounds: int = 3) -> list[float]:
    from assistant import Session, ask

    turns = eval_turns()
    for t in turns:  # warm-up: parse corpus, load parameters, build the index if a lookup needs it
        s = Session()
        for q in t:
            ask(q, session=s, llm=False)
    times = []
    for _ in range(rounds):
        for t in turns:
            s = Session()
            for q in t:
                t0 = time.perf_counter()
                ask(q, session=s, llm=False)
                times.append((time.perf_counter() - t0) * 1000)
    return times


def cold(runs: int = 3) -> list[float]:
    exe = Path(sys.executable).parent / "policy-assistant"
    env = dict(os.environ, POLICY_ASSISTANT_LLM="")
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([str(exe), "ask", DONE_Q, "--json"], check=True, capture_output=True, env=env, cwd=ROOT)
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    import argparse
    import shutil
    import tempfile

    ap = argparse.ArgumentParser()
    ap.add_argument("--packs", type=int, default=0, help="generated packs added to the library")
    args = ap.parse_args()
    tmp = None
    if args.packs:
        sys.path.insert(0, str(ROOT))
        from benchmarks.packs import write_generated

        tmp = Path(tempfile.mkdtemp(prefix="pa-bench-ask-"))
        write_generated(tmp / "corpus", args.packs)
        os.environ["POLICY_ASSISTANT_DATA_DIR"] = str(tmp)  # read at first use, before the assistant is imported
    try:
        _report(args.packs)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _report(packs: int) -> None:
    t0 = time.perf_counter()
    from assistant.pipeline import loaded_corpus

    n_docs = len(loaded_corpus())
    print(f"library: {n_docs} documents ({packs} generated), loaded in {time.perf_counter() - t0:.2f} s")
    times = warm()
    p50, p95 = statistics.median(times), pct(times, 95)
    print(f"warm ask(): n={len(times)} p50={p50:.2f} ms p95={p95:.2f} ms max={max(times):.2f} ms "
          f"(targets 40 / 80 ms) {'OK' if p50 <= 40 and p95 <= 80 else 'OVER'}")
    if packs:
        return  # the cold process reads the default data directory, not the generated one
    c = cold()
    print(f"cold `policy-assistant ask`: runs={[round(x, 2) for x in c]} s, best={min(c):.2f} s, median={statistics.median(c):.2f} s "
          f"(target 3 s) {'OK' if statistics.median(c) <= 3 else 'OVER'}")


if __name__ == "__main__":
    main()
