#!/usr/bin/env bash
# Every benchmark in one go (about 6 minutes with the 1,000-document corpus; add --quick to skip it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
docs=1000
[ "${1:-}" = "--quick" ] && docs=0
echo "== retrieval ==";  "$PY" benchmarks/retrieval.py --docs "$docs"
echo "== ask ==";        "$PY" benchmarks/ask.py
echo "== ask, 50 more packs =="; "$PY" benchmarks/ask.py --packs 50
echo "== packs ==";      "$PY" benchmarks/packs.py
echo "== evals ==";      "$PY" benchmarks/evals.py
echo "== serve ==";      "$PY" benchmarks/serve.py
echo "== import ==";     "$PY" benchmarks/import_bench.py
echo "== drafting ==";   "$PY" benchmarks/drafting.py
