"""Import benchmark: pages per second for text PDFs and for OCR, and OCR character accuracy on generated scans.

Run: .venv/bin/python benchmarks/import_bench.py            (the three documents in tests/fixtures/policy, ~3–6 min)
     .venv/bin/python benchmarks/import_bench.py --jpeg     (also JPEG-compressed scans, as copiers write them)
Every input is generated from the clean .txt (tests/import_fixtures.py): a typeset PDF with page numbers and a
running header, its scan (120 dpi, grey, noise, ±0.4° skew) as an image-only PDF, and an auto-numbered .docx.
Accuracy: the scanned document's clause texts against the .txt's, white space ignored (1 − edits / characters).
Prints a table; --json FILE also writes the figures."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from import_fixtures import (  # noqa: E402  (path set above)
    DOC_IDS,
    PAGE_NUMBER_STYLES,
    char_accuracy,
    clause_chars,
    make_docx,
    make_text_pdf,
    policy_text,
    rasterise,
    save_image_pdf,
)

from corpus import parse_text  # noqa: E402
from corpus.importers import extract  # noqa: E402


def timed(fn, repeat: int = 1, cpu: list | None = None):
    """FN's result and its best wall time; CPU seconds (this process, all threads) appended to CPU."""
    times, out = [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        if cpu is not None:
            cpu.append(time.process_time() - c)
    return out, min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jpeg", action="store_true", help="also OCR JPEG-compressed scans")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    rows, figures = [], {"load_average_start": os.getloadavg()[0], "documents": {}}
    with tempfile.TemporaryDirectory(prefix="pa-import-bench-") as tmp:
        folder = Path(tmp)
        for d in DOC_IDS:
            txt = policy_text(d)
            ref = parse_text(txt, d)
            pdf = folder / f"{d}.pdf"
            layout = make_text_pdf(txt, pdf, header=d, page_number=PAGE_NUMBER_STYLES[d])
            ext, t_pdf = timed(lambda pdf=pdf: extract(pdf), repeat=3)
            same_pdf = [(c.id, c.text) for c in parse_text(ext.text, d)] == [(c.id, c.text) for c in ref]
            docx = folder / f"{d}.docx"
            make_docx(txt, docx)
            ext_docx, t_docx = timed(lambda docx=docx: extract(docx), repeat=3)
            same_docx = [(c.id, c.text) for c in parse_text(ext_docx.text, d)] == [(c.id, c.text) for c in ref]
            variants = [("flate", False)] + ([("jpeg", True)] if args.jpeg else [])
            fig = {"pages": layout.pages, "text_pdf_seconds": t_pdf, "text_pdf_pages_per_s": layout.pages / t_pdf,
                   "text_pdf_same_tree": same_pdf, "docx_seconds": t_docx, "docx_same_tree": same_docx}
            for name, jpeg in variants:
                scan = save_image_pdf(rasterise(pdf, dpi=120, skew=0.4), folder / f"{d}-{name}.pdf", jpeg=jpeg)
                per_page: list[float] = []
                last = [time.perf_counter()]

                def tick(stage, done, total, per_page=per_page, last=last):
                    if stage == "文字识别":
                        now = time.perf_counter()
                        per_page.append(now - last[0])
                        last[0] = now

                last[0] = time.perf_counter()
                cpu: list[float] = []
                ocr, t_ocr = timed(lambda scan=scan, tick=tick: extract(scan, progress=tick), cpu=cpu)
                got = parse_text(ocr.text, d)
                fig[f"ocr_{name}"] = {
                    "seconds": t_ocr, "pages_per_s": layout.pages / t_ocr, "cpu_seconds": cpu[0],
                    "seconds_per_page_median": statistics.median(per_page[1:] or per_page),
                    "char_accuracy": char_accuracy(clause_chars(ref), clause_chars(got)),
                    "same_ids": list(got.clauses) == list(ref.clauses),
                    "low_confidence_lines": len(ocr.low_confidence),
                }
            figures["documents"][d] = fig
            print(f"{d}: done", file=sys.stderr, flush=True)
    figures["load_average_end"] = os.getloadavg()[0]

    docs = figures["documents"]
    total_pages = sum(f["pages"] for f in docs.values())
    rows.append(("text PDF pages/s (all three, best of 3)",
                 f"{total_pages / sum(f['text_pdf_seconds'] for f in docs.values()):.1f}"))
    for name in ("flate", "jpeg"):
        if f"ocr_{name}" in next(iter(docs.values())):
            rows.append((f"OCR pages/s ({name} scans, all three)",
                         f"{total_pages / sum(f[f'ocr_{name}']['seconds'] for f in docs.values()):.3f}"))
    print(f"load average {figures['load_average_start']:.1f} → {figures['load_average_end']:.1f} on {os.cpu_count()} cores\n")
    print("| document | pages | text PDF s (pages/s) | same tree: PDF / docx | OCR s/page (CPU s/page) | OCR char accuracy | same ids | low-confidence lines |")
    print("|---|---|---|---|---|---|---|---|")
    for d, f in docs.items():
        for name in ("flate", "jpeg"):
            o = f.get(f"ocr_{name}")
            if not o:
                continue
            print(f"| {d} ({name}) | {f['pages']} | {f['text_pdf_seconds']:.2f} ({f['text_pdf_pages_per_s']:.1f}) | "
                  f"{f['text_pdf_same_tree']} / {f['docx_same_tree']} | {o['seconds'] / f['pages']:.1f} ({o['cpu_seconds'] / f['pages']:.1f}) | "
                  f"{o['char_accuracy']:.2%} | {o['same_ids']} | {o['low_confidence_lines']} |")
    print()
    for k, v in rows:
        print(f"{k}: {v}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
