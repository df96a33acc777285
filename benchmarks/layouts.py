"""The layout benchmark: generated reports and real truth files re-printed in every text layout.

    python -m benchmarks.layouts [--n 40] [--real ../shared/corpus/real] [--seed 0]
    python -m benchmarks.layouts --sweep glued_mixed --n 450      # reports with a wrong value

Per layout (tests/gen/render_layouts.py): figures read exactly, figures read *wrong*, figures left
without a value (and whether each such cell is flagged ambiguous), and the same restricted to
reports whose printed totals hold (what a lossy layout can rely on). Prints one table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from gen import draw_variant, generate
from gen.from_truth import complete, from_truth
from gen.layout_check import LayoutScore, score
from gen.render_layouts import LAYOUTS, LOSSLESS, identities_hold, render_layout

from extractor.pipeline import extract


def run(n: int, real: list[Path], seed: int = 0) -> dict[str, dict[str, LayoutScore]]:
    reports = [(f"gen{s}", generate(s)) for s in range(seed, seed + n)]
    for d in real:
        reports += [(t.name, from_truth(t)) for t in sorted(d.glob("*.truth.json")) if complete(t)]
    out: dict[str, dict[str, LayoutScore]] = defaultdict(lambda: defaultdict(LayoutScore))
    for name in LAYOUTS:
        for i, (tag, rep) in enumerate(reports):
            text = render_layout(name, rep, draw_variant(seed + i), seed + i)
            s = score(rep, extract(text.encode("utf-8"), name=f"{tag}.txt"))
            group = "real" if not tag.startswith("gen") else "generated"
            out[name][group].add(s)
            out[name]["all"].add(s)
            if identities_hold(rep):
                out[name]["sound"].add(s)
    return out


def sweep(layout: str, seeds: range) -> int:
    """Generated reports whose printed totals hold, printed in ``layout``: print each that gets a
    wrong value (seed and the first wrong keys: truth, got); return how many did."""
    bad = 0
    for s in seeds:
        rep = generate(s)
        if not identities_hold(rep):
            continue
        got = score(rep, extract(render_layout(layout, rep, draw_variant(s), s).encode("utf-8"), name=f"gen{s}.txt"))
        if got.wrong:
            bad += 1
            print(s, got.wrong[:6], flush=True)
    print(f"{layout}, seeds {seeds.start}-{seeds.stop - 1}: {bad} reports with sound totals got a wrong value")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=40, help="generated reports per layout")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--real", type=Path, action="append", default=[], help="folder of complete truth files to re-print")
    ap.add_argument("--sweep", metavar="LAYOUT", help="instead: every generated seed from --seed on (--n of them) in LAYOUT, "
                    "listing the reports with sound totals that get a wrong value")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.sweep:
        if args.sweep not in LAYOUTS:
            ap.error(f"--sweep: unknown layout {args.sweep!r} (one of {', '.join(LAYOUTS)})")
        sweep(args.sweep, range(args.seed, args.seed + args.n))
        print(f"({time.perf_counter() - t0:.0f} s)")
        return 0
    table = run(args.n, args.real, args.seed)
    print(f"{'layout':16s} {'kind':9s} {'exact':>18s} {'wrong':>6s} {'unflagged':>9s} {'wrong if totals hold':>21s}")
    for name, groups in table.items():
        a, sound = groups["all"], groups["sound"]
        kind = "lossless" if name in LOSSLESS else "lossy"
        print(f"{name:16s} {kind:9s} {a.right:7d}/{a.total:<6d} {100 * a.right / max(a.total, 1):6.2f}% {len(a.wrong):6d} "
              f"{len(a.unflagged):9d} {len(sound.wrong):21d}")
        for g in ("generated", "real"):
            if g in groups:
                x = groups[g]
                print(f"  {g:24s} {x.right:7d}/{x.total:<6d} {100 * x.right / max(x.total, 1):6.2f}% {len(x.wrong):6d} {len(x.unflagged):9d}")
    print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
