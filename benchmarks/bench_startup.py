"""Start-up: ``ogi --version`` and ``ogi extract SEED --flat`` against a bare ``python -c pass``.

    python -m benchmarks.bench_startup [--rounds 21] [--before DIR]

Each command is a fresh interpreter started the way the ``ogi`` console script starts (``from
extractor.cli import run``), from this checkout (``--before DIR``: also from that checkout),
interleaved round by round with the bare interpreter. Goals: ``--version`` ≤ 4× and the seed's
extraction ≤ 6× the bare interpreter (wall, median of the per-round ratios).

The package is byte-compiled first (``compileall``), as ``pip install`` does: an editable checkout
under ``PYTHONDONTWRITEBYTECODE=1`` (set on some machines, this one included) would otherwise
compile every imported module from source at every start, which no installed copy does.
"""

from __future__ import annotations

import argparse
import compileall
import sys
from pathlib import Path

from benchmarks.harness import (
    ROOT,
    Command,
    Contender,
    LoadProbe,
    Result,
    interleave,
    ms,
    ratios,
    table,
)

SEED = ROOT / "corpus" / "guantang-2024.txt"
_OGI = "import re, sys; from extractor.cli import run; sys.argv[0] = 'ogi'; sys.exit(run())"
GOALS = {"--version": 4.0, "extract": 6.0}


def _ogi(name: str, tree: Path, *args: str) -> Command:
    # ``-c`` puts the working directory first on sys.path: the checkout's own ``extractor``
    return Command(name, [sys.executable, "-c", _OGI, *args], cwd=tree)


def suite(rounds: int = 21, before: Path | None = None) -> list[Result]:
    for tree in (ROOT, before):
        if tree is not None:
            compileall.compile_dir(str(tree / "extractor"), quiet=1)
    seed = str(SEED)
    cases = {"--version": ["--version"], "extract": ["extract", seed, "--flat"]}
    labels = {"--version": "ogi --version", "extract": "ogi extract seed.txt --flat"}
    contenders: list[Contender] = [Command("bare", [sys.executable, "-c", "pass"], cwd=ROOT)]
    for key, args in cases.items():
        contenders.append(_ogi(key, ROOT, *args))
        if before is not None:
            contenders.append(_ogi(f"{key}@before", before, *args))
    probe = LoadProbe()
    t = interleave(contenders, rounds, warmup=2)
    load = probe.stop()
    out = []
    bare_wall = sorted(x.wall for x in t["bare"])[len(t["bare"]) // 2]
    for key in cases:
        wall = ratios(t, [(key, "bare")], "wall")
        cpu = ratios(t, [(key, "bare")], "cpu")
        assert wall is not None
        ours_wall = sorted(x.wall for x in t[key])[len(t[key]) // 2]
        out.append(Result("start-up", labels[key], "ogi", "python -c pass", ms(ours_wall), ms(bare_wall), cpu, wall,
                           rounds, load, goal=f"wall ≤ {GOALS[key]:g}×", met=wall.median <= GOALS[key]))
        if before is not None:
            b = f"{key}@before"
            bw = sorted(x.wall for x in t[b])[len(t[b]) // 2]
            out.append(Result("start-up", labels[key], "ogi", "ogi before", ms(ours_wall), ms(bw),
                              ratios(t, [(key, b)], "cpu"), ratios(t, [(key, b)], "wall"), rounds, load))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=21)
    ap.add_argument("--before", type=Path, default=None, help="another checkout to compare with, interleaved")
    args = ap.parse_args(argv)
    print(table(suite(args.rounds, args.before)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
