"""Batch: ``run_batch`` into a DuckDB warehouse against a bare ``multiprocessing.Pool`` of ``extract()``.

    python -m benchmarks.bench_batch [-n 150] [--rounds 5] [--workers 2]     # interleaved comparison
    python -m benchmarks.bench_batch --before ../main                         # and another checkout's
    python -m benchmarks.bench_batch --memory -n 3000 [--format parquet]      # throughput and RSS

The documents are copies of the corpus reports (``corpus/*.txt`` and the text and HTML reports of
../shared/corpus/real) with varied bytes (an appended comment line), generated in a temporary folder.

Comparison (the default): per round, interleaved, on the same files and the same worker count:
**bare** — ``multiprocessing.Pool(workers).map(extract, paths)`` (fork; only each result's status
comes back to the main process, nothing is written) and **ogi batch** — :func:`extractor.batch.run_batch` into a fresh DuckDB file
(planning and hashing, workers under a memory cap and a time limit, every row written, the
warehouse's keys). Goal: wall ≤ 1.15× bare. ``--before DIR``: ogi batch of this checkout and of
``DIR``, each in a helper process of its own, against the same bare pool in the same rounds. ``--memory``: docs/s with 1 and 2 workers and peak
RSS per worker after 100 documents and at the end (flat memory = the same number).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    ROOT,
    SHARED,
    Call,
    LoadProbe,
    Remote,
    Result,
    interleave,
    ms,
    ratios,
    table,
)
from extractor.batch import Job, run_batch, run_job
from extractor.pipeline import extract
from extractor.settings import Settings
from extractor.writers import Record

REAL = SHARED / "real"
RSS_DIR_ENV = "OGI_BENCH_RSS_DIR"
GOAL = 1.15


def seeds(real: bool) -> list[bytes]:
    files = sorted((ROOT / "corpus").glob("*.txt"))
    if real and REAL.is_dir():
        files += sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".md", ".html"))
    return [p.read_bytes() for p in files]


def generate(folder: Path, n: int, real: bool = True) -> list[Path]:
    src = seeds(real)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        data = src[i % len(src)]
        suffix = ".html" if data.lstrip()[:1] == b"<" else ".txt"
        path = folder / f"doc-{i:05d}{suffix}"
        path.write_bytes(data + f"\n<!-- copy {i} -->\n".encode())
        out.append(path)
    return out


def _extract_path(path: str) -> str:
    return extract(path).status  # only the status travels back: the least a pool can do


def bare_pool(paths: list[str], workers: int) -> int:
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_extract_path, paths)
    return len(results)


def ogi_batch(folder: Path, out: Path, workers: int, engine: str = "local") -> None:
    out.unlink(missing_ok=True)
    summary = run_batch([folder], out, workers=workers, engine=engine)
    if summary.extracted != summary.documents:
        raise RuntimeError(summary.line())


def suite(rounds: int = 5, n: int = 150, workers: int = 2) -> list[Result]:
    work = Path(tempfile.mkdtemp(prefix="ogi-bench-batch-"))
    try:
        paths = [str(p) for p in generate(work / "docs", n)]
        out = work / "out.duckdb"
        main_cpu: list[float] = []

        def ours() -> None:
            c0 = _self_cpu()
            ogi_batch(work / "docs", out, workers)
            main_cpu.append(_self_cpu() - c0)

        contenders = [Call("bare", lambda: bare_pool(paths, workers), children=True), Call("ogi", ours)]
        probe = LoadProbe()
        t = interleave(contenders, rounds)
        load = probe.stop()
        wall = ratios(t, [("ogi", "bare")], "wall")
        assert wall is not None
        med = sorted(main_cpu)[len(main_cpu) // 2]
        ogi_wall = sorted(x.wall for x in t["ogi"])[rounds // 2]
        bare_wall = sorted(x.wall for x in t["bare"])[rounds // 2]
        return [Result("batch", f"{n} documents, {workers} workers", "run_batch → DuckDB",
                       f"Pool({workers}).map(extract)", f"{ogi_wall:.2f} s ({n / ogi_wall:.0f} docs/s)",
                       f"{bare_wall:.2f} s ({n / bare_wall:.0f} docs/s)", None, wall, rounds, load,
                       goal=f"wall ≤ {GOAL:g}×", met=wall.median <= GOAL,
                       notes=[f"main process CPU {ms(med / n)} per document (median round)"])]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def before_suite(before: Path, rounds: int = 5, n: int = 150, workers: int = 2) -> list[Result]:
    """ogi batch of this checkout and of ``before`` (helper processes) against one bare pool, interleaved."""
    work = Path(tempfile.mkdtemp(prefix="ogi-bench-batch-"))
    remotes: list[Remote] = []
    try:
        paths = [str(p) for p in generate(work / "docs", n)]
        setup = "from pathlib import Path\nfrom benchmarks.bench_batch import ogi_batch"
        contenders: list[Any] = [Call("bare", lambda: bare_pool(paths, workers), children=True)]
        for tag, tree in (("now", ROOT), ("before", before.resolve())):
            remote = Remote(tree, setup)
            remotes.append(remote)
            out = work / f"{tag}.duckdb"
            contenders.append(remote.contender(tag, f"lambda: ogi_batch(Path({str(work / 'docs')!r}), Path({str(out)!r}), {workers})"))
        probe = LoadProbe()
        t = interleave(contenders, rounds)
        load = probe.stop()
        out_rows = []
        for tag in ("now", "before"):
            wall = ratios(t, [(tag, "bare")], "wall")
            med = sorted(x.wall for x in t[tag])[rounds // 2]
            cpu = sorted(x.cpu or 0.0 for x in t[tag])[rounds // 2]
            bare_wall = sorted(x.wall for x in t["bare"])[rounds // 2]
            out_rows.append(Result("batch", f"{n} documents, {workers} workers", f"run_batch → DuckDB ({tag})",
                                   f"Pool({workers}).map(extract)", f"{med:.2f} s", f"{bare_wall:.2f} s", None, wall,
                                   rounds, load, goal=f"wall ≤ {GOAL:g}×", met=wall is not None and wall.median <= GOAL,
                                   notes=[f"{tag}: main process CPU {ms(cpu / n)} per document (median round)"]))
        out_rows.append(Result("batch", f"{n} documents, {workers} workers", "run_batch (now)", "run_batch (before)",
                               "", "", ratios(t, [("now", "before")], "cpu"), ratios(t, [("now", "before")], "wall"),
                               rounds, load))
        return out_rows
    finally:
        for r in remotes:
            r.close()
        shutil.rmtree(work, ignore_errors=True)


def dask_suite(rounds: int = 3, n: int = 150, workers: int = 2) -> list[Result]:
    """``--engine dask`` (a LocalCluster of worker processes, started by each run) against local."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return []
    work = Path(tempfile.mkdtemp(prefix="ogi-bench-dask-"))
    try:
        generate(work / "docs", n)
        contenders = [Call("local", lambda: ogi_batch(work / "docs", work / "local.duckdb", workers)),
                      Call("dask", lambda: ogi_batch(work / "docs", work / "dask.duckdb", workers, "dask"))]
        probe = LoadProbe()
        t = interleave(contenders, rounds)
        load = probe.stop()
        dask_wall = sorted(x.wall for x in t["dask"])[rounds // 2]
        local_wall = sorted(x.wall for x in t["local"])[rounds // 2]
        return [Result("batch", f"{n} documents, {workers} workers", "--engine dask (LocalCluster)", "--engine local",
                       f"{dask_wall:.2f} s", f"{local_wall:.2f} s", None, ratios(t, [("dask", "local")], "wall"),
                       rounds, load)]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _self_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


# ---------------------------------------------------------------------------------------------
# --memory: throughput and peak RSS per worker


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


def _memory_run(folder: Path, workers: int, fmt: str, work: Path
                ) -> tuple[float, float, dict[int, list[tuple[int, float]]], float]:
    # one folder for every run: the worker processes come from a fork server that keeps the
    # environment of the first run; each run's workers are told apart by pid
    rss_dir = work / "rss"
    rss_dir.mkdir(exist_ok=True)
    os.environ[RSS_DIR_ENV] = str(rss_dir)
    before = {p.name for p in rss_dir.iterdir()}
    out = work / f"out-{workers}.{fmt}"
    t0, c0 = time.perf_counter(), _self_cpu()
    summary = run_batch([folder], out, fmt=fmt, workers=workers, job_fn=measured_job)
    elapsed, main_cpu = time.perf_counter() - t0, _self_cpu() - c0
    assert summary.extracted == summary.documents, summary.line()
    print(f"  {summary.line()}")
    series: dict[int, list[tuple[int, float]]] = {}
    for p in rss_dir.glob("*.rss"):
        if p.name not in before:
            series[int(p.stem)] = [(int(a), float(b)) for a, b in (line.split() for line in p.read_text().splitlines())]
    return summary.documents / elapsed, elapsed, series, main_cpu / max(summary.documents, 1)


def memory(n: int, fmt: str, real: bool, worker_counts: list[int]) -> None:
    work = Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    try:
        folder = work / "docs"
        generate(folder, n, real)
        print(f"{n:,} documents ({sum(p.stat().st_size for p in folder.iterdir()) / 1e6:.1f} MB) → {fmt}, "
              f"{os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for w in worker_counts:
            rate, elapsed, series, main_cpu = _memory_run(folder, w, fmt, work)
            peaks = sorted(max(r for r, _ in s) for s in series.values())
            early = sorted(s[min(len(s), 100) - 1][0] for s in series.values())
            docs = sum(len(s) for s in series.values())
            worker_cpu = sum(s[-1][1] for s in series.values()) / max(docs, 1)
            print(f"workers={w}: {rate:.1f} docs/s ({elapsed:.1f} s wall, incl. start-up); CPU per document: "
                  f"worker {worker_cpu * 1000:.1f} ms, main {main_cpu * 1000:.1f} ms; peak RSS per worker "
                  f"{', '.join(f'{p / 1024:.0f} MB' for p in peaks)} (after 100 docs: "
                  f"{', '.join(f'{e / 1024:.0f} MB' for e in early)})")
        main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"main process (planning + writer) peak RSS: {main_rss / 1024:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=None, help="documents (default 150; --memory: 3000)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workers", default="2", help="worker count (--memory: comma-separated, default 1,2)")
    ap.add_argument("--dask", action="store_true", help="also --engine dask against --engine local")
    ap.add_argument("--before", type=Path, default=None, help="also ogi batch of this other checkout, interleaved")
    ap.add_argument("--memory", action="store_true", help="throughput and peak RSS per worker instead")
    ap.add_argument("--format", default="duckdb", choices=["duckdb", "parquet", "csv", "jsonl"])
    ap.add_argument("--no-real", action="store_true", help="--memory: only the seed, not ../shared/corpus/real")
    args = ap.parse_args(argv)
    if args.memory:
        counts = [int(x) for x in (args.workers if "," in args.workers else "1,2").split(",")]
        memory(args.n or 3000, args.format, not args.no_real, counts)
        return 0
    if args.before is not None:
        results = before_suite(args.before, args.rounds, args.n or 150, int(args.workers))
    else:
        results = suite(args.rounds, args.n or 150, int(args.workers))
    if args.dask:
        results += dask_suite(max(1, args.rounds // 2), args.n or 150, int(args.workers))
    print(table(results))
    for r in results:
        for note in r.notes:
            print(f"{r.suite}: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
