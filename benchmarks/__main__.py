"""Every speed benchmark, interleaved, as one table: ``python -m benchmarks``.

    python -m benchmarks                      # start-up, text, HTML, PDF, batch, dask
    python -m benchmarks html pdf             # some of them
    python -m benchmarks --before ../main     # also against another checkout, interleaved
    python -m benchmarks --readme             # and rewrite README.md's performance table

Each suite interleaves its contenders round by round on the same bytes (see
:mod:`benchmarks.harness`) and reports the median and spread of the per-round ratios, CPU and wall,
with the machine's load. ``--quick`` runs fewer rounds (a smoke test, not figures to quote).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.harness import ROOT, Result, machine_line, table

SUITES = ("startup", "text", "html", "pdf", "batch", "dask")
BEGIN, END = "<!-- benchmarks:begin -->", "<!-- benchmarks:end -->"


def _runner(name: str, quick: bool, before: Path | None) -> Callable[[], list[Result]]:
    q = 3 if quick else 1

    def run() -> list[Result]:
        if name == "startup":
            from benchmarks import bench_startup

            return bench_startup.suite(max(5, 21 // q), before)
        if name == "text":
            from benchmarks import bench_text

            return bench_text.suite(max(3, 15 // q), before)
        if name == "html":
            from benchmarks import bench_html

            return bench_html.suite(max(3, 15 // q), before)
        if name == "pdf":
            from benchmarks import bench_pdf

            return bench_pdf.suite(max(3, 9 // q), before)
        if name == "batch":
            from benchmarks import bench_batch

            return bench_batch.suite(max(2, 5 // q), 150)
        if name == "dask":
            from benchmarks import bench_batch

            return bench_batch.dask_suite(max(1, 3 // q), 150)
        raise ValueError(name)

    return run


def readme_section(results: list[Result], command: str) -> str:
    notes = [f"- {r.suite}, {r.case}: {n}" for r in results for n in r.notes]
    return "\n".join([
        BEGIN,
        f"`{command}` on {machine_line()}. Ratios are ours / baseline per round (median, with the "
        "25th–75th percentile in brackets); *machine* is the 1-minute load average before → after and the "
        "cores other processes kept busy meanwhile.",
        "",
        table(results),
        "",
        *notes,
        END,
    ])


def write_readme(section: str, path: Path = ROOT / "README.md") -> None:
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no {BEGIN} … {END} markers to replace")
    path.write_text(pattern.sub(lambda _: section, text, count=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suites", nargs="*", metavar="SUITE",
                    help=f"any of {', '.join(SUITES)} (default: all)")
    ap.add_argument("--before", type=Path, default=None,
                    help="another checkout (e.g. of main) to compare with, interleaved in the same rounds")
    ap.add_argument("--quick", action="store_true", help="fewer rounds: a smoke test")
    ap.add_argument("--readme", action="store_true", help="rewrite the table between the README's markers")
    args = ap.parse_args(argv)
    chosen = args.suites or list(SUITES)
    unknown = [s for s in chosen if s not in SUITES]
    if unknown:
        ap.error(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)}")
    results: list[Result] = []
    for name in chosen:
        t0 = time.perf_counter()
        got = _runner(name, args.quick, args.before)()
        results += got
        print(f"[{name}: {len(got)} rows in {time.perf_counter() - t0:.0f} s]", file=sys.stderr, flush=True)
    print(table(results))
    for r in results:
        for note in r.notes:
            print(f"- {r.suite}, {r.case}: {note}")
    if args.readme:
        command = "python -m benchmarks" + (" " + " ".join(chosen) if args.suites else "")
        write_readme(readme_section(results, command))
        print("README.md: performance table rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
