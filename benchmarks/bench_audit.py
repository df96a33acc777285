"""``ogi audit`` speed: the audit of a warehouse against a bare DuckDB read of the same rows.

    python -m benchmarks.bench_audit                    # 100 organs × 4 years = 400 reports
    python -m benchmarks.bench_audit --organs 250 --rounds 3

Builds a warehouse (``ogi batch``, not timed in the ratio) of generated reports — every organ with
consecutive years consistent across years, so A-COPY and A-CONTINUITY compare every pair — then,
interleaved for ``--rounds`` rounds in one process: the baseline (open the warehouse read-only and
fetch every row of ``reports``, ``figures``, ``findings`` and ``sections``: what the audit reads),
the audit (:func:`extractor.audit.run_audit`) and the overview page with its charts
(:func:`extractor.audit.page.render_page`, when matplotlib is installed). Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from extractor.audit import run_audit
from extractor.batch import run_batch
from extractor.writers.queries import connect_any
from tests.reportgen import generate, next_year, render_pipe, with_prose

PROSE = ["本年度，本机关坚持以公开为常态、不公开为例外，围绕中心工作扎实推进政务公开，全年主动公开政府信息{n}条。",
         "一是健全制度机制，修订完善政府信息公开审查办法，明确审查流程和责任分工。",
         "二是加强平台建设，优化政府门户网站信息公开专栏，全年更新栏目内容{m}余次。"]


def build(folder: Path, organs: int, years: int) -> Path:
    src = folder / "in"
    src.mkdir(parents=True)
    for i in range(organs):
        rep = generate(1000 + i)
        rep.organ, rep.year = f"第{i:04d}测试县人民政府", 2021
        for y in range(years):
            prose = [p.format(n=100 + i + y, m=20 + y) for p in PROSE]
            text = f"发布时间: {rep.year + 1}-0{1 + (i + y) % 4}-15\n" + with_prose(render_pipe(rep), prose)
            (src / f"o{i:04d}-{rep.year}.txt").write_text(text, encoding="utf-8")
            rep = next_year(rep, 5000 + 10 * i + y)
    out = folder / "w.duckdb"
    t0 = time.perf_counter()
    summary = run_batch([src], out, workers=2)
    print(f"built: {summary.line()} ({time.perf_counter() - t0:.1f} s)")
    return out


def baseline(path: Path) -> int:
    con = connect_any(path)
    try:
        return sum(len(con.execute(f"SELECT * FROM {t}").fetchall()) for t in ("reports", "figures", "findings", "sections"))
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--organs", type=int, default=100)
    ap.add_argument("--years", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-page", action="store_true", help="skip the page (and its charts)")
    args = ap.parse_args()
    from extractor.audit.charts import available

    page = available() and not args.no_page
    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp), args.organs, args.years)
        times: dict[str, list[float]] = {"baseline": [], "audit": [], "page": []}
        rows = 0
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            rows = baseline(db)
            times["baseline"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            audit = run_audit(db)
            times["audit"].append(time.perf_counter() - t0)
            if page:
                from extractor.audit.page import render_page

                t0 = time.perf_counter()
                render_page(audit)
                times["page"].append(time.perf_counter() - t0)
        n = len(audit.results)
        base = statistics.median(times["baseline"])
        aud = statistics.median(times["audit"])
        print(f"{n} reports, {rows:,} rows read; medians of {args.rounds} rounds:")
        print(f"  bare DuckDB read of the rows : {base * 1000:8.0f} ms")
        print(f"  run_audit                    : {aud * 1000:8.0f} ms  ({aud / base:.1f}× the bare read, "
              f"{aud / n * 1000:.1f} ms per report)")
        if page:
            pg = statistics.median(times["page"])
            charts = sum(1 for t in audit.trends if len(t.reported_years) >= 2) + 2
            print(f"  render_page ({charts} charts)   : {pg * 1000:8.0f} ms  ({pg / charts * 1000:.0f} ms per chart)")


if __name__ == "__main__":
    main()
