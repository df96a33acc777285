"""Speed of full extraction against bare parses of the same bytes, in one process.

    python -m benchmarks.bench_extract [FILE...]

Defaults: the bundled seed and the largest HTML report under ../shared/corpus/real (if present).
For each file: median ms of ``extractor.extract`` (read + locate + map + validate), of bare
``lxml.html.fromstring`` and of bare ``BeautifulSoup(html, "lxml")`` on the decoded text, and the
ratios. Aim: full extraction within 3x the bare lxml parse.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
from bs4 import BeautifulSoup

from extractor import extract
from extractor.readers.decode import decode_bytes

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "corpus" / "real"


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm caches and imports
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench(path: Path, runs: int = 15) -> None:
    data = path.read_bytes()
    text, _ = decode_bytes(data)
    ours = median_ms(lambda: extract(data, name=path.name), runs)
    bare_lxml = median_ms(lambda: lxml.html.fromstring(text), runs)
    bare_bs = median_ms(lambda: BeautifulSoup(text, "lxml"), max(3, runs // 3))
    print(
        f"{path.name:40s} {len(data) / 1024:7.1f} KB  ogi {ours:7.2f} ms  lxml {bare_lxml:6.2f} ms  "
        f"bs4 {bare_bs:7.2f} ms  ogi/lxml {ours / bare_lxml:5.2f}x  ogi/bs4 {ours / bare_bs:5.2f}x"
    )


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv]
    if not files:
        files = [ROOT / "corpus" / "guantang-2024.txt"]
        if REAL.is_dir():
            htmls = sorted(REAL.glob("*.html"), key=lambda p: p.stat().st_size)
            files += htmls[-1:]
            files += [p for p in sorted(REAL.glob("*.html")) if p not in files]
    for f in files:
        bench(f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
