"""The long fuzz run: mutated inputs through every reader for a given time, plus every hostile
structural case against every reader. From the repository root::

    python -m tests.fuzz_long --minutes 10                 # 2 workers, no converters
    python -m tests.fuzz_long --minutes 60 --workers 4 --converters --out /tmp/fuzz

Each worker process runs under RLIMIT_AS (``tests.gen.fuzz.AS_LIMIT``) and loops: pick a seed input
(real corpus files when present, reader fixtures, generated renderings, cached PDFs), mutate it
(bytes and structure), read it with ``extract`` and with ``read_bytes(fmt=…)`` for each reader.
A crash (any exception that is not an ``OgiError``), a call over its time budget (in wall and CPU
time; over in wall time only is ``starved``, counted apart, see ``tests.gen.fuzz.SLACK_S``), a call during which
the process's peak RSS went over ``tests.gen.fuzz.MAX_RSS_MB`` (measured per document: the peak is
reset before each call, see ``tests.gen.fuzz.run``), or a worker that dies (segfault, out of memory)
or hangs past the deadline is saved under ``--out`` with its input (``crash-*``, ``slow-*``,
``starved-*``, ``rss-*``, ``died-*``, ``hung-*``); the input being read is written to ``current-<worker>.bin``
first, so even a hard crash leaves it behind. Exit status 1 when anything crashed, went over the
memory bound, died or hung.

The short pass that runs in CI is ``tests/test_fuzz.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from .gen.fuzz import (
    CONVERTER_FORMATS,
    FORMATS,
    MAX_RSS_MB,
    SLACK_S,
    Outcome,
    _limit_memory,
    mutate,
    rss_mb,
    run,
    run_cases_isolated,
    seed_inputs,
    structural_cases,
)

RECYCLE_MB = 450
"""A worker whose resident memory has grown past this between inputs (fragmented heaps, caches of
thousands of documents) is replaced by a fresh one, so that a document's peak RSS is measured
over a worker's baseline (~300 MB with its seeds and the OCR engine loaded) and not over what
earlier documents left behind."""
HANG_GRACE_S = 180.0
"""A worker still busy this long after the deadline is stuck on one input (every call has a budget)."""


def _worker(wid: int, seed: int, until: float, converters: bool, out: Path, queue: Any) -> None:
    _limit_memory()
    rng = random.Random(seed)
    seeds = seed_inputs(n_generated=8)
    fmts = ["auto", *(f for f in FORMATS if f not in CONVERTER_FORMATS)]
    current = out / f"current-{wid}.bin"
    execs = 0
    doc_peak = doc_own = 0
    while time.time() < until:
        if rss_mb() > RECYCLE_MB:
            queue.put(("recycle", wid, rss_mb()))
            break
        name, data = rng.choice(seeds)
        mutated = mutate(name, data, rng)
        current.write_bytes(mutated)
        chosen = fmts + ([rng.choice(CONVERTER_FORMATS)] if converters and rng.random() < 0.05 else [])
        for fmt in chosen:
            o = run(mutated, fmt, name=name)
            execs += 1
            doc_peak = max(doc_peak, o.peak_mb)
            doc_own = max(doc_own, o.peak_mb - o.start_mb)
            problems = [k for k, bad in (("crash", o.kind == "crash"), ("slow", o.slow), ("starved", o.starved), ("rss", o.heavy)) if bad]
            for kind in problems:
                digest = hashlib.sha1(mutated).hexdigest()[:12]
                (out / f"{kind}-{digest}.bin").write_bytes(mutated)
                detail = {
                    "crash": o.detail,
                    "slow": f"took {o.elapsed:.1f} s, {o.cpu:.1f} s of CPU (budget {o.budget:g} s + {SLACK_S:g} s slack); outcome {o.kind} {o.code}",
                    "starved": f"took {o.elapsed:.1f} s but only {o.cpu:.1f} s of CPU (the machine was busy); outcome {o.kind} {o.code}",
                    "rss": f"peak RSS {o.peak_mb} MB while reading it, from {o.start_mb} MB (limit {MAX_RSS_MB} MB); outcome {o.kind} {o.code}",
                }[kind]
                (out / f"{kind}-{digest}.txt").write_text(f"seed input {name}, reader {fmt}\n{detail}\n", encoding="utf-8")
                key = o.detail.strip().splitlines()[-1][:160] if kind == "crash" else f"{kind} {fmt}"
                queue.put(("bad", wid, kind, fmt, key, digest))
        if execs >= 200:
            queue.put(("execs", wid, execs, doc_peak, doc_own))
            execs = 0
    queue.put(("execs", wid, execs, doc_peak, doc_own))
    current.unlink(missing_ok=True)


def _crawl_worker(seed: int, until: float, out: Path, queue: Any) -> None:
    """Crawl hostile loopback sites (``tests.gen.hostile_server``) until the deadline."""
    import shutil
    import tempfile

    from .gen.hostile_server import crawl_round

    _limit_memory()
    while time.time() < until:
        with tempfile.TemporaryDirectory() as d:
            o = crawl_round(seed, Path(d) / "c", time_limit=120)
            if not o.ok:
                (out / f"crawl-{seed}.txt").write_text(f"seed {seed}\n{o.detail}\n", encoding="utf-8")
                shutil.copytree(Path(d) / "c", out / f"crawl-{seed}", dirs_exist_ok=True)
            queue.put(("crawl", seed, o.ok, o.detail.strip().splitlines()[-1][:160] if o.detail else "", o.peak_mb))
        seed += 1


def _structural(out: Path) -> tuple[int, list[str], int]:
    names = list(structural_cases())
    problems: list[str] = []
    execs = 0
    peak = 0
    for name in names:
        r = run_cases_isolated([name])[0]
        if "crash" in r:
            problems.append(f"{name}: {r['crash']}")
            continue
        for o in r["outcomes"]:  # type: ignore[attr-defined]
            execs += 1
            if o["kind"] == "crash":
                problems.append(f"{name} {o['fmt']}: {o['detail'][-400:]}")
            elif Outcome(**o).slow:
                problems.append(f"{name} {o['fmt']}: {o['elapsed']:.1f} s ({o['cpu']:.1f} s of CPU)")
            elif Outcome(**o).starved:
                print(f"  structural {name} {o['fmt']}: {o['elapsed']:.1f} s but {o['cpu']:.1f} s of CPU (starved)", flush=True)
        peak = max(peak, int(r["max_rss_mb"]))  # type: ignore[call-overload]
        if int(r["max_rss_mb"]) > MAX_RSS_MB:  # type: ignore[call-overload]
            worst = max(r["outcomes"], key=lambda o: o["peak_mb"])  # type: ignore[arg-type]
            problems.append(f"{name}: peak RSS {r['max_rss_mb']} MB (reader {worst['fmt']})")
        print(f"  structural {name}: {r['bytes']:,} bytes, peak per document {r['max_rss_mb']} MB", flush=True)
    (out / "structural.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    return execs, problems, peak


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--out", type=Path, default=Path("fuzz-out"))
    ap.add_argument("--converters", action="store_true", help="also the doc/rtf readers (LibreOffice per call: slow)")
    ap.add_argument("--no-structural", action="store_true")
    ap.add_argument("--no-crawl", action="store_true", help="no crawler rounds against hostile loopback servers")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    execs = 0
    problems: list[str] = []
    structural_rss = 0
    if not args.no_structural:
        print("structural cases (each in a child process under RLIMIT_AS):", flush=True)
        n, problems, structural_rss = _structural(out)
        execs += n
    until = time.time() + args.minutes * 60
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = {
        w: ctx.Process(target=_worker, args=(w, args.seed + w, until, args.converters, out, queue)) for w in range(args.workers)
    }
    crawler = None if args.no_crawl else ctx.Process(target=_crawl_worker, args=(args.seed * 1000, until, out, queue))
    if crawler is not None:
        crawler.start()
    for p in procs.values():
        p.start()
    bad: Counter[tuple[str, str, str]] = Counter()
    died = hung = 0
    restarts = 0
    crawl_rounds = crawl_bad = 0
    crawl_peak = 0.0
    doc_rss = doc_own = recycled = 0
    print(f"fuzzing for {args.minutes:g} min with {args.workers} workers (seed {args.seed}) …", flush=True)
    while procs:
        while not queue.empty():
            msg = queue.get()
            if msg[0] == "execs":
                execs += msg[2]
                doc_rss, doc_own = max(doc_rss, msg[3]), max(doc_own, msg[4])
            elif msg[0] == "recycle":
                recycled += 1
            elif msg[0] == "crawl":
                crawl_rounds += 1
                crawl_peak = max(crawl_peak, msg[4])
                if not msg[2]:
                    crawl_bad += 1
                    print(f"  crawl round {msg[1]} failed: {msg[3]}  → {out}/crawl-{msg[1]}.txt", flush=True)
            else:
                _, _wid, kind, fmt, key, digest = msg
                if (kind, fmt, key) not in bad:
                    print(f"  {kind} [{fmt}] {key}  → {out}/{kind}-{digest}.bin", flush=True)
                bad[(kind, fmt, key)] += 1
        for w, p in list(procs.items()):
            if p.is_alive() and time.time() > until + HANG_GRACE_S:  # stuck in one input: a hang
                p.kill()
                p.join()
                hung += 1
                cur = out / f"current-{w}.bin"
                if cur.exists():
                    cur.rename(out / f"hung-{w}-{int(time.time())}.bin")
                print(f"  worker {w} hung past the deadline; its input is kept in {out}", flush=True)
                del procs[w]
                continue
            if p.is_alive():
                continue
            p.join()
            del procs[w]
            if p.exitcode == 0 and time.time() < until - 5:  # recycled (RECYCLE_MB): a fresh worker
                restarts += 1
                np_ = ctx.Process(target=_worker, args=(w, args.seed + 1000 * restarts + w, until, args.converters, out, queue))
                np_.start()
                procs[w] = np_
            elif p.exitcode != 0:  # killed: segfault or memory limit; keep its last input
                died += 1
                cur = out / f"current-{w}.bin"
                if cur.exists():
                    cur.rename(out / f"died-{w}-{int(time.time())}.bin")
                print(f"  worker {w} died (exit {p.exitcode}); its input is kept in {out}", flush=True)
                if time.time() < until - 5:
                    restarts += 1
                    np = ctx.Process(target=_worker, args=(w, args.seed + 1000 * restarts + w, until, args.converters, out, queue))
                    np.start()
                    procs[w] = np
        time.sleep(0.5)
    if crawler is not None:
        crawler.join(HANG_GRACE_S)
        if crawler.is_alive():
            crawler.kill()
            hung += 1
            print("  the crawl worker hung past the deadline", flush=True)
    while not queue.empty():
        msg = queue.get()
        if msg[0] == "execs":
            execs += msg[2]
            doc_rss, doc_own = max(doc_rss, msg[3]), max(doc_own, msg[4])
        elif msg[0] == "recycle":
            recycled += 1
        elif msg[0] == "crawl":
            crawl_rounds += 1
            crawl_bad += not msg[2]
            crawl_peak = max(crawl_peak, msg[4])
        elif msg[0] == "bad":
            bad[(msg[2], msg[3], msg[4])] += 1
    crashes = sum(v for (k, _, _), v in bad.items() if k == "crash")
    slow = sum(v for (k, _, _), v in bad.items() if k == "slow")
    heavy = sum(v for (k, _, _), v in bad.items() if k == "rss")
    starved = sum(v for (k, _, _), v in bad.items() if k == "starved")
    print(
        f"\n{execs:,} executions in {time.time() - t0:.0f} s: {crashes} crashes ({sum(1 for k in bad if k[0] == 'crash')} distinct), "
        f"{slow} over the time budget ({starved} more over it in wall time only: starved of CPU), "
        f"{heavy} over {MAX_RSS_MB} MB peak RSS, {died} workers died, {hung} hung, "
        f"{len(problems)} structural problems; "
        f"{crawl_rounds} crawl rounds against hostile servers, {crawl_bad} failed (peak Python heap {crawl_peak:.0f} MB); "
        f"peak RSS per document: {doc_rss or 'not measured (no /proc/self/clear_refs)'} MB mutated "
        f"(at most {doc_own} MB above the worker's RSS when the document started; workers recycled past "
        f"{RECYCLE_MB} MB: {recycled}), {structural_rss} MB structural (limit {MAX_RSS_MB} MB)"
    )
    for p_ in problems:
        print("  structural:", p_)
    return 1 if crashes or heavy or died or hung or problems or crawl_bad else 0


if __name__ == "__main__":
    sys.exit(main())
