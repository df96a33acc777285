"""PDF reader speed against bare pdfplumber, per real PDF, in one process.

For each PDF in ``../shared/corpus/real`` (or the paths given): milliseconds per page of
``extractor.readers.pdf.read`` versus pdfplumber's ``extract_text()`` + ``extract_tables()`` on
every page, the median of ``--runs`` runs after one warm-up run each, and the ratio (target <= 0.5).

    python benchmarks/bench_pdf.py [--runs 5] [FILE.pdf ...]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

from extractor.readers import pdf as pdf_reader
from extractor.settings import Settings

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


def bare_pdfplumber(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def ours(data: bytes) -> int:
    doc = pdf_reader.read(data, source="bench.pdf", settings=Settings())
    return doc.page_count or 0


def median_ms(fn: Callable[[bytes], int], data: bytes, runs: int) -> tuple[float, int]:
    pages = fn(data)  # warm-up: imports, font caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(data)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    files: list[Path] = args.files or sorted(REAL.glob("*.pdf"))
    if not files:
        print(f"no PDFs given and none in {REAL}", file=sys.stderr)
        return 1
    print(f"{'file':<45} {'pages':>5} {'ours ms/p':>10} {'plumber ms/p':>13} {'ratio':>6}")
    ratios = []
    for path in files:
        data = path.read_bytes()
        ours_ms, pages = median_ms(ours, data, args.runs)
        base_ms, _ = median_ms(bare_pdfplumber, data, args.runs)
        ratio = ours_ms / base_ms
        ratios.append(ratio)
        print(f"{path.name:<45} {pages:>5} {ours_ms / pages:>10.1f} {base_ms / pages:>13.1f} {ratio:>6.2f}")
    print(f"{'median ratio':<45} {'':>5} {'':>10} {'':>13} {statistics.median(ratios):>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
