"""Text: full extraction of crawler dumps per layout, against a bare scan of the same bytes.

    python -m benchmarks.bench_text [--rounds 15] [--before DIR]

Files: the ``*.txt`` / ``*.md`` reports of ../shared/corpus/real and real-layouts and the seed,
grouped by the shape of their tables (:func:`benchmarks.accuracy.text_layout`: one cell per line,
glued digit runs, a row per line). Contenders per file, interleaved round by round:

* **extract()** — decode, text reader, locate (grid and running-text aligner), map, validate;
* **text reader** — ``extractor.readers.text.read`` alone (decode + blocks);
* **bare** — ``bytes.decode`` + ``str.splitlines`` + ``re.findall`` of the numbers on each line.

Prints per layout the CPU per KB of extract() and its ratio to the bare scan and to the reader.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

from benchmarks.accuracy import text_layout
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
    ratios,
    table,
)
from extractor import extract
from extractor.readers.text import read as read_text
from extractor.settings import DEFAULT_SETTINGS

_NUMBER = re.compile(r"\d+")


def files() -> list[Path]:
    found = [p for d in ("real", "real-layouts") for p in sorted((SHARED / d).glob("*")) if p.suffix in (".txt", ".md")]
    return [*found, ROOT / "corpus" / "guantang-2024.txt"]


def bare(data: bytes) -> int:
    text = data.decode("utf-8", errors="replace")
    return sum(len(_NUMBER.findall(line)) for line in text.splitlines())


def suite(rounds: int = 15, before: Path | None = None) -> list[Result]:
    groups: dict[str, list[tuple[int, Path]]] = defaultdict(list)
    contenders: list[Contender] = []
    # before/after each in a helper process of its own: the same heap and GC load on both sides
    remotes = [Remote(tree, "from extractor import extract") for tree in (ROOT, before)] if before is not None else []
    for i, p in enumerate(files()):
        data = p.read_bytes()
        groups[text_layout(data.decode("utf-8", errors="replace"))].append((i, p))
        contenders.append(Call(f"ogi{i}", lambda d=data, n=p.name: extract(d, name=n)))  # type: ignore[misc]
        contenders.append(Call(f"reader{i}", lambda d=data, n=p.name: read_text(d, source=n, settings=DEFAULT_SETTINGS)))  # type: ignore[misc]
        contenders.append(Call(f"bare{i}", lambda d=data: bare(d)))  # type: ignore[misc]
        for tag, remote in zip(("now", "before"), remotes, strict=False):
            contenders.append(remote.contender(f"{tag}{i}", f"lambda d=open({str(p)!r}, 'rb').read(): extract(d, name={p.name!r})"))
    probe = LoadProbe()
    try:
        t = interleave(contenders, rounds)
    finally:
        for remote in remotes:
            remote.close()
    load = probe.stop()
    out = []
    for layout in ("cell-per-line", "glued", "rows"):
        members = groups.get(layout, [])
        if not members:
            continue
        idx = [i for i, _ in members]
        kb = sum(p.stat().st_size for _, p in members) / 1024
        ogi_cpu = median_of(t, [f"ogi{i}" for i in idx], "cpu")
        case = f"{layout}, {len(idx)} files, {kb / len(idx):.0f} KB each"
        per_kb = f"{ogi_cpu / kb * 1000:.2f} ms CPU/KB"
        out.append(Result("text", case, "extract()", "decode+splitlines+findall", per_kb,
                          f"{median_of(t, [f'bare{i}' for i in idx], 'cpu') / kb * 1000:.3f} ms CPU/KB",
                          ratios(t, [(f"ogi{i}", f"bare{i}") for i in idx], "cpu"),
                          ratios(t, [(f"ogi{i}", f"bare{i}") for i in idx], "wall"), rounds, load,
                          notes=[f"{ms(ogi_cpu / len(idx))} CPU per file"]))
        out.append(Result("text", case, "extract()", "text reader only", per_kb,
                          f"{median_of(t, [f'reader{i}' for i in idx], 'cpu') / kb * 1000:.3f} ms CPU/KB",
                          ratios(t, [(f"ogi{i}", f"reader{i}") for i in idx], "cpu"),
                          ratios(t, [(f"ogi{i}", f"reader{i}") for i in idx], "wall"), rounds, load))
        if before is not None:
            now = median_of(t, [f"now{i}" for i in idx], "cpu") / kb * 1000
            out.append(Result("text", case, "extract()", "extract() before", f"{now:.2f} ms CPU/KB",
                              f"{median_of(t, [f'before{i}' for i in idx], 'cpu') / kb * 1000:.2f} ms CPU/KB",
                              ratios(t, [(f"now{i}", f"before{i}") for i in idx], "cpu"),
                              ratios(t, [(f"now{i}", f"before{i}") for i in idx], "wall"), rounds, load))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--before", type=Path, default=None, help="another checkout to compare with, interleaved")
    args = ap.parse_args(argv)
    results = suite(args.rounds, args.before)
    print(table(results))
    for r in results:
        for note in r.notes:
            print(f"{r.suite} {r.case}: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
