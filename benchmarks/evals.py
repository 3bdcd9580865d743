"""Times the bundled eval suite through the real deterministic assistant (issue 6: must finish in ≤ 30 s).

Run: python benchmarks/evals.py [--repeat N]. Prints the start-up cost (corpus, index, first answer),
the wall time of the whole suite, p50/p95 per question and the headline metrics."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import default_corpus  # noqa: E402
from evals.metrics import fmt_rate, threshold_failures  # noqa: E402
from evals.runner import assistant_backend, run_suite  # noqa: E402
from evals.schema import load_suite  # noqa: E402

LIMIT_S = 30.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    corpus = default_corpus()
    suite = load_suite(None, corpus)
    backend = assistant_backend("deterministic")
    # open (or build, on a fresh data directory) the retrieval index the fallback router uses
    from assistant.index import get_index

    get_index().search("上云补贴比例", k=3)
    backend.ask("上云补贴比例是多少？", backend.new_session())
    startup = time.perf_counter() - t0

    t1 = time.perf_counter()
    report = run_suite(suite, backend, repeat=args.repeat)
    suite_s = time.perf_counter() - t1
    m = report["metrics"]
    print(f"用例 {m['cases']} 个，分组 {m['groups']} 个，共提问 {m['asks']} 次（每题 {args.repeat} 遍）")
    print(f"启动（语料、检索索引（数据目录为空时新建）、首次回答）：{startup:.2f} s")
    print(f"整套评测：{suite_s:.2f} s（要求 ≤ {LIMIT_S:.0f} s）；含启动 {startup + suite_s:.2f} s")
    print(f"单次提问延迟 p50 {m['latency_p50_ms']} ms，p95 {m['latency_p95_ms']} ms")
    print(f"用例通过率 {fmt_rate(m['case_pass_rate'])}，首条引用命中率 {fmt_rate(m['first_citation_hit'])}，"
          f"金额精确率 {fmt_rate(m['award_exactness'])}，拒答判断准确率 {fmt_rate(m['abstention_accuracy'])}，"
          f"问法一致性 {fmt_rate(m['group_consistency'])}，翻转率 {fmt_rate(m['flip_rate'])}")
    for line in threshold_failures(m):
        print(f"低于要求：{line}")
    return 0 if startup + suite_s <= LIMIT_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
