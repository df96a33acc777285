"""Batch throughput: docs/s with 1 and 2 workers, and peak memory per worker.

    python -m benchmarks.bench_batch            # 3,000 generated documents
    python -m benchmarks.bench_batch -n 500 --format parquet

The documents are copies of the corpus reports (``corpus/*.txt``; with ``--real``, also the text and
HTML reports of ../shared/corpus/real) with varied bytes (an appended comment line), generated in a
temporary folder. Each worker records its peak RSS (``ru_maxrss``) after every document, so the
benchmark can show whether memory stays flat as the batch grows.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from extractor.batch import Job, run_batch, run_job
from extractor.settings import Settings
from extractor.writers import Record

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus" / "real"
RSS_DIR_ENV = "OGI_BENCH_RSS_DIR"


def measured_job(job: Job, settings: Settings, timeout: float | None) -> Record:
    """:func:`run_job`, then append ``docs_done peak_rss_kb`` to a per-worker file."""
    rec = run_job(job, settings, timeout)
    folder = os.environ.get(RSS_DIR_ENV)
    if folder:
        path = Path(folder) / f"{os.getpid()}.rss"
        with path.open("a") as fh:
            ru = resource.getrusage(resource.RUSAGE_SELF)
            fh.write(f"{ru.ru_maxrss} {ru.ru_utime + ru.ru_stime:.4f}\n")
    return rec


def seeds(real: bool) -> list[bytes]:
    files = sorted((ROOT / "corpus").glob("*.txt"))
    if real and REAL.is_dir():
        files += sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".md", ".html"))
    return [p.read_bytes() for p in files]


def generate(folder: Path, n: int, real: bool) -> None:
    src = seeds(real)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        data = src[i % len(src)]
        suffix = ".html" if data.lstrip()[:1] == b"<" else ".txt"
        (folder / f"doc-{i:05d}{suffix}").write_bytes(data + f"\n<!-- copy {i} -->\n".encode())


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def run(folder: Path, workers: int, fmt: str, work: Path) -> tuple[float, float, dict[int, list[tuple[int, float]]], float]:
    # one folder for every run: the worker processes come from a fork server that keeps the
    # environment of the first run; each run's workers are told apart by pid
    rss_dir = work / "rss"
    rss_dir.mkdir(exist_ok=True)
    os.environ[RSS_DIR_ENV] = str(rss_dir)
    before = {p.name for p in rss_dir.iterdir()}
    out = work / f"out-{workers}.{fmt}"
    t0, c0 = time.perf_counter(), _cpu()
    summary = run_batch([folder], out, fmt=fmt, workers=workers, job_fn=measured_job)
    elapsed, main_cpu = time.perf_counter() - t0, _cpu() - c0
    assert summary.extracted == summary.documents, summary.line()
    print(f"  {summary.line()}")
    series: dict[int, list[tuple[int, float]]] = {}
    for p in rss_dir.glob("*.rss"):
        if p.name not in before:
            series[int(p.stem)] = [(int(a), float(b)) for a, b in (line.split() for line in p.read_text().splitlines())]
    return summary.documents / elapsed, elapsed, series, main_cpu / max(summary.documents, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=3000, help="documents to generate (default 3000)")
    ap.add_argument("--format", default="duckdb", choices=["duckdb", "parquet", "csv", "jsonl"])
    ap.add_argument("--real", action="store_true", help="also use the text/HTML reports of ../shared/corpus/real")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    try:
        folder = work / "docs"
        generate(folder, args.n, args.real)
        print(f"{args.n:,} documents ({sum(p.stat().st_size for p in folder.iterdir()) / 1e6:.1f} MB) → {args.format}, "
              f"{os.cpu_count()} cores")
        print(f"load average before the runs: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
              "(other processes compete for the cores when this is high)")
        rates: dict[int, float] = {}
        cost: dict[int, tuple[float, float]] = {}
        for w in (int(x) for x in args.workers.split(",")):
            rate, elapsed, series, main_cpu = run(folder, w, args.format, work)
            rates[w] = rate
            peaks = sorted(max(r for r, _ in s) for s in series.values())
            early = sorted(s[min(len(s), 100) - 1][0] for s in series.values())
            docs = sum(len(s) for s in series.values())
            worker_cpu = sum(s[-1][1] for s in series.values()) / max(docs, 1)
            cost[w] = (worker_cpu, main_cpu)
            print(f"workers={w}: {rate:.1f} docs/s ({elapsed:.1f} s wall, incl. start-up); CPU per document: "
                  f"worker {worker_cpu * 1000:.1f} ms, main {main_cpu * 1000:.1f} ms; peak RSS per worker "
                  f"{', '.join(f'{p / 1024:.0f} MB' for p in peaks)} (after 100 docs: "
                  f"{', '.join(f'{e / 1024:.0f} MB' for e in early)})")
        if 1 in rates and 2 in rates:
            w_cpu, m_cpu = cost[2]
            ceiling = 2 * w_cpu / (w_cpu + m_cpu) if (os.cpu_count() or 1) <= 2 else 2.0
            print(f"speed-up 1 → 2 workers: {rates[2] / rates[1]:.2f}x measured; CPU-bound ceiling on idle cores "
                  f"{ceiling:.2f}x ({os.cpu_count()} cores shared by the main process and the workers)")
        main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"main process (planning + writer) peak RSS: {main_rss / 1024:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
