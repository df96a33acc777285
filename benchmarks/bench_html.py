"""HTML: full extraction against a bare ``lxml.html.fromstring`` of the same bytes, per real page.

    python -m benchmarks.bench_html [--rounds 15] [--before DIR] [FILE ...]

Pages: every ``*.html`` in ../shared/corpus/real and real-layouts (or the files given). Per round,
for every page: ``extractor.extract(bytes)`` (decode, parse, body detection, tables, locate, map,
validate, typed record) and the bare parse, interleaved; also ``BeautifulSoup(text, "lxml")`` for
scale. Goal: CPU ≤ 3× bare lxml (median of the per-round ratios over all pages).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import lxml.html
from bs4 import BeautifulSoup

from benchmarks.harness import (
    ROOT,
    SHARED,
    Call,
    Contender,
    LoadProbe,
    Remote,
    Result,
    interleave,
    median_of,
    ms,
    per_case_medians,
    ratios,
    table,
)
from extractor import extract

GOAL = 3.0


def pages() -> list[Path]:
    return sorted([*SHARED.glob("real/*.html"), *SHARED.glob("real-layouts/*.html")])


def suite(rounds: int = 15, before: Path | None = None, files: list[Path] | None = None,
          bs4: bool = True) -> list[Result]:
    files = files or pages()
    if not files:
        return []
    contenders: list[Contender] = []
    # before/after each in a helper process of its own: the same heap and GC load on both sides
    remotes = [Remote(tree, "from extractor import extract") for tree in (ROOT, before)] if before is not None else []
    for i, p in enumerate(files):
        data = p.read_bytes()
        text = data.decode("utf-8", errors="replace")
        contenders.append(Call(f"ogi{i}", lambda d=data, n=p.name: extract(d, name=n)))  # type: ignore[misc]
        contenders.append(Call(f"lxml{i}", lambda d=data: lxml.html.fromstring(d)))  # type: ignore[misc]
        if bs4:
            contenders.append(Call(f"bs4{i}", lambda t=text: BeautifulSoup(t, "lxml")))  # type: ignore[misc]
        for tag, remote in zip(("now", "before"), remotes, strict=False):
            contenders.append(remote.contender(f"{tag}{i}", f"lambda d=open({str(p)!r}, 'rb').read(): extract(d, name={p.name!r})"))
    probe = LoadProbe()
    try:
        t = interleave(contenders, rounds)
    finally:
        for remote in remotes:
            remote.close()
    load = probe.stop()
    n = len(files)
    ogi = [f"ogi{i}" for i in range(n)]
    kb = sum(p.stat().st_size for p in files) / 1024
    vs_lxml = [(f"ogi{i}", f"lxml{i}") for i in range(n)]
    cpu = ratios(t, vs_lxml, "cpu")
    per_page = ", ".join(f"{x:.1f}" for x in per_case_medians(t, vs_lxml, "cpu"))
    ours_cpu = median_of(t, ogi, "cpu") / n
    case = f"{n} real pages, {kb / n:.0f} KB each"
    out = [Result("HTML", case, "extract()", "lxml.html.fromstring", f"{ms(ours_cpu)} CPU/page",
                  f"{ms(median_of(t, [f'lxml{i}' for i in range(n)], 'cpu') / n)} CPU/page", cpu,
                  ratios(t, vs_lxml, "wall"), rounds, load, goal=f"CPU ≤ {GOAL:g}×",
                  met=cpu is not None and cpu.median <= GOAL, notes=[f"per page (CPU ×): {per_page}"])]
    if bs4:
        vs_bs4 = [(f"ogi{i}", f"bs4{i}") for i in range(n)]
        out.append(Result("HTML", case, "extract()", 'BeautifulSoup(text, "lxml")', f"{ms(ours_cpu)} CPU/page",
                          f"{ms(median_of(t, [f'bs4{i}' for i in range(n)], 'cpu') / n)} CPU/page",
                          ratios(t, vs_bs4, "cpu"), ratios(t, vs_bs4, "wall"), rounds, load))
    if before is not None:
        vs_before = [(f"now{i}", f"before{i}") for i in range(n)]
        now_cpu = median_of(t, [f"now{i}" for i in range(n)], "cpu") / n
        out.append(Result("HTML", case, "extract()", "extract() before", f"{ms(now_cpu)} CPU/page",
                          f"{ms(median_of(t, [f'before{i}' for i in range(n)], 'cpu') / n)} CPU/page",
                          ratios(t, vs_before, "cpu"), ratios(t, vs_before, "wall"), rounds, load))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--before", type=Path, default=None, help="another checkout to compare with, interleaved")
    args = ap.parse_args(argv)
    results = suite(args.rounds, args.before, args.files or None)
    print(table(results))
    for r in results:
        for note in r.notes:
            print(f"{r.suite}: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
