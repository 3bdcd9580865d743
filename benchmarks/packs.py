"""Pack load time (the three bundled packs, and 100 generated packs) and calculator time per profile.

    .venv/bin/python benchmarks/packs.py [--generated 100] [--runs 200] [--json FILE]

Generated packs are copies of the bundled ones under new ids and places in a temporary data directory, each
loaded and validated like an imported pack (parse, pydantic models, reference and source-word checks)."""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROFILES = {
    "longnan-2022-40": {"above_scale": True, "projects": [{"equipment": "1200万", "completed": True, "in_national_stats": True,
                                                        "complies_industrial_policy": True}],
                        "titles": ["lianghua_national", "service_city"], "cloud": {"infrastructure": "10万"},
                        "node": {"investment": "80万", "passed_acceptance": True}, "local_tax_retained": "50万"},
    "nankang-2023-15": {"registered_place": "南康区", "above_scale": True,
                        "smart_projects": [{"software_hardware": "950万", "start_date": "2024-05", "completed": True}],
                        "smart_titles": ["digital_workshop_provincial"], "network_projects": [{"investment": "150万"}],
                        "subscription_fees": "30万", "loans": [{"principal": "2000万", "lpr": "3.45%", "actual_rate": "3.8%"}],
                        "lianghua_rating": "A", "lianghua_first": True, "diagnosis_fee": "1.5万"},
    "anyuan-2021-9": {"registered_place": "安远县", "green_factory": ["provincial"], "design_products": 4,
                      "pv_projects": [{"capacity": 2000}], "county_contribution": "32万"},
}


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def load_bundled() -> dict:
    from corpus import load_corpus
    from corpus.packs import _PACKS, pack_for

    times = []
    for _ in range(5):
        _PACKS.clear()
        t = time.perf_counter()
        corpus = load_corpus()
        for d in corpus:
            pack_for(d)
        times.append(time.perf_counter() - t)
    return {"packs": len(corpus), "min_ms": min(times) * 1000, "median_ms": statistics.median(times) * 1000}


def write_generated(root: Path, n: int) -> list[str]:
    """N packs under ROOT, copies of the bundled ones under new ids, places and 文号 (the ids)."""
    import yaml

    root.mkdir(parents=True, exist_ok=True)
    sources = [ROOT / "corpus" / d for d in PROFILES]
    ids = []
    for i in range(n):
        src = sources[i % len(sources)]
        dst = root / f"gen-{i:03d}"
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("tests"))
        meta = yaml.safe_load((dst / "meta.yaml").read_text(encoding="utf-8"))
        meta["id"] = dst.name
        meta["doc_number"] = f"示{i}发〔2024〕{i + 1}号"
        meta["place"] = {"name": f"示例{i}县", "aliases": [f"示例{i}"], "within": "示例市"}
        (dst / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        ids.append(dst.name)
    return ids


def load_generated(n: int) -> dict:
    from corpus import load_corpus
    from corpus.packs import _PACKS, pack_for

    tmp = Path(tempfile.mkdtemp(prefix="pa-bench-packs-"))
    try:
        write_generated(tmp, n)
        times = []
        for _ in range(3):
            _PACKS.clear()
            t = time.perf_counter()
            corpus = load_corpus([tmp], bundled=False)
            for d in corpus:
                pack_for(d)
            times.append(time.perf_counter() - t)
        return {"packs": len(corpus), "min_s": min(times), "median_s": statistics.median(times),
                "per_pack_ms": statistics.median(times) / len(corpus) * 1000}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def calc_times(runs: int) -> dict:
    from datetime import date

    from tools.calculator import calculate

    out = {}
    day = date(2023, 6, 30)
    for doc, profile in PROFILES.items():
        as_of = day if doc.startswith("anyuan") else None
        calculate(profile, doc_id=doc, as_of=as_of)  # warm: pack and model built once
        xs = []
        for _ in range(runs):
            t = time.perf_counter()
            calculate(profile, doc_id=doc, as_of=as_of)
            xs.append((time.perf_counter() - t) * 1000)
        out[doc] = {"p50_ms": _pct(xs, 0.5), "p95_ms": _pct(xs, 0.95),
                    "total": str(calculate(profile, doc_id=doc, as_of=as_of).total)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--generated", type=int, default=100)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--json")
    args = ap.parse_args()
    report = {"bundled": load_bundled(), "generated": load_generated(args.generated), "calculate": calc_times(args.runs)}
    b, g = report["bundled"], report["generated"]
    print(f"bundled packs: {b['packs']} loaded and validated in {b['median_ms']:.1f} ms median (best {b['min_ms']:.1f} ms)")
    print(f"generated packs: {g['packs']} in {g['median_s']:.2f} s median (best {g['min_s']:.2f} s), "
          f"{g['per_pack_ms']:.1f} ms per pack")
    for doc, r in report["calculate"].items():
        print(f"calculate {doc}: p50 {r['p50_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms (total {r['total']})")
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
