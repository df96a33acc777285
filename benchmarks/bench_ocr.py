"""Speed of reading a scanned A4 page, against bare RapidOCR on the same image.

    python -m benchmarks.bench_ocr [PDF ...] [--dpi 150] [--repeat 2]

Every page of each PDF (default: the real PDFs in ../shared/corpus/real and the fixture
report2021.pdf) is rendered at ``--dpi`` and scanned (``tests/gen/scan.py``: rotation, noise,
JPEG). Per page, interleaved in one process: **ogi** = ``readers.ocr.page.image_page`` (deskew,
rules, detection, recognition, missed glyphs, page model) and **bare** = ``RapidOCR()(image)``
(the engine's own pipeline with its defaults: detection, angle classifier, recognition). Prints
the median wall-clock and CPU seconds per page (CPU time counts every core, so it is the figure
to compare across a busy machine) and the ratio ogi / bare.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from tests.gen.scan import render, scan_page


def _timed(fn: object, *args: object) -> tuple[float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - w0, time.process_time() - c0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    from rapidocr_onnxruntime import RapidOCR

    from extractor.readers.ocr.engine import get_engine
    from extractor.readers.ocr.page import image_page

    pdfs = args.pdfs or [*sorted(Path("../shared/corpus/real").glob("*.pdf")), Path("tests/fixtures/report2021.pdf")]
    rng = random.Random(3)
    pages = [np.asarray(scan_page(img, rng)) for pdf in pdfs for img in render(pdf.read_bytes(), args.dpi)]
    engine = get_engine()
    bare = RapidOCR()
    image_page(pages[0], 1, engine)  # warm both up
    bare(pages[0])
    ours_w, ours_c, bare_w, bare_c = [], [], [], []
    for _ in range(args.repeat):
        for i, page in enumerate(pages):
            w, c = _timed(image_page, page, i + 1, engine)
            ours_w.append(w)
            ours_c.append(c)
            w, c = _timed(bare, page)
            bare_w.append(w)
            bare_c.append(c)
    med = statistics.median
    print(f"{len(pages)} scanned A4 pages at {args.dpi} dpi from {len(pdfs)} PDFs, {args.repeat} rounds, interleaved")
    print(f"ogi  (image_page)    median {med(ours_w):.2f} s/page wall, {med(ours_c):.2f} s/page CPU")
    print(f"bare (RapidOCR()())  median {med(bare_w):.2f} s/page wall, {med(bare_c):.2f} s/page CPU")
    print(f"ratio ogi/bare: {med(ours_w) / med(bare_w):.2f} wall, {med(ours_c) / med(bare_c):.2f} CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
