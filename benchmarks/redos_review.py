"""ReDoS review of every regular expression in the package (issue 13): a static pass with
regexploit (``pip install regexploit``; skipped when it is missing) and a dynamic pass that times
each literal pattern on long runs of one or two characters and flags superlinear growth.

    python benchmarks/redos_review.py [extractor]

The dynamic pass searches (``finditer``) with the flags written at the call, so a pattern used only
with ``.match`` on one line is flagged as if it were searched over a document: read each flag
against its call site. Patterns built at run time (f-strings) are not seen; review those by hand.
"""

from __future__ import annotations

import ast
import itertools
import re
import signal
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RUNS = [" ", "\n", "\t", "\u3000", "1", "0", "一", "、", "年", "|", "-", ".", "<", ">", "a", "%", "/", '"', "\\", "报", "(", "）", ":", "："]
PAIRS = ["".join(p) for p in itertools.product(["1", " ", "一", "年"], [" ", "1", "、", "\n"])]
SMALL, LARGE = 4000, 16000
LIMIT_S = 5


class _Slow(Exception):
    pass


def _alarm(*_: Any) -> None:
    raise _Slow


def patterns(root: Path) -> Iterator[tuple[Path, int, str | bytes, int]]:
    calls = ("compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")
    for f in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_bytes())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) in calls and node.args):
                continue
            try:
                pat = ast.literal_eval(node.args[0])
            except (ValueError, SyntaxError):
                continue
            flags = 0
            for a in [*node.args[1:], *(k.value for k in node.keywords if k.arg == "flags")]:
                for name in ("MULTILINE", "DOTALL", "IGNORECASE"):
                    if name in ast.unparse(a):
                        flags |= getattr(re, name)
            if isinstance(pat, str | bytes):
                yield f, node.lineno, pat, flags


def _time(rx: re.Pattern[Any], s: str | bytes) -> float:
    t = time.perf_counter()
    signal.alarm(LIMIT_S)
    try:
        for _ in rx.finditer(s):
            pass
    except _Slow:
        return float(LIMIT_S)
    finally:
        signal.alarm(0)
    return time.perf_counter() - t


def dynamic(root: Path) -> list[str]:
    signal.signal(signal.SIGALRM, _alarm)
    found = []
    for f, line, pat, flags in patterns(root):
        try:
            rx = re.compile(pat, flags)
        except re.error:
            continue
        text = pat if isinstance(pat, str) else pat.decode("latin-1")
        units = RUNS + sorted({c for c in text if ord(c) > 127})[:12] + PAIRS
        worst: tuple[float, str, float] = (0.0, "", 0.0)
        as_bytes = isinstance(pat, bytes)
        for u in units:
            def make(n: int, u: str = u, as_bytes: bool = as_bytes) -> str | bytes:
                s = u * (n // len(u))
                return s.encode() if as_bytes else s

            t1 = _time(rx, make(SMALL))
            if t1 >= LIMIT_S:
                worst = (999.0, u, t1)
                break
            if t1 < 0.002:
                continue
            t2 = _time(rx, make(LARGE))
            if t2 / t1 > worst[0]:
                worst = (t2 / t1, u, t2)
        if worst[0] > 8:
            found.append(f"{f}:{line} x{worst[0]:.0f} on {worst[1]!r}*{LARGE} ({worst[2]:.2f} s): {text[:90]!r}")
    return found


def static(root: Path) -> list[str]:
    try:
        from regexploit.ast.sre import SreOpParser
        from regexploit.languages.python_node_visitor import PythonNodeVisitor
        from regexploit.redos import find
    except ImportError:
        return ["(regexploit not installed: static pass skipped)"]
    # regexploit predates possessive quantifiers and atomic groups: read them as their greedy forms
    # (an over-approximation: a possessive pattern it flags may well be safe)
    SreOpParser.from_POSSESSIVE_REPEAT = SreOpParser.from_MAX_REPEAT  # type: ignore[attr-defined]
    SreOpParser.from_ATOMIC_GROUP = lambda self, data: self.sequence_or_singleton(data)  # type: ignore[attr-defined]
    out = []
    for f in sorted(root.rglob("*.py")):
        v = PythonNodeVisitor()
        v.visit(ast.parse(f.read_bytes()))
        for rx in v.patterns:
            try:
                parsed = SreOpParser().parse_sre(rx.pattern, rx.flags)
                hits = [r for r in find(parsed) if r.starriness >= 2]
            except Exception:
                continue
            out += [f"{f}:{rx.lineno} starriness {r.starriness}: {rx.pattern[:90]!r}" for r in hits]
    return out


def main() -> None:
    warnings.simplefilter("ignore")
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "extractor")
    print("static (regexploit, star height >= 2):")
    for line in static(root):
        print("  " + line)
    print(f"dynamic (finditer over runs of {SMALL:,} and {LARGE:,} characters; growth > 8x for 4x the input):")
    for line in dynamic(root):
        print("  " + line, flush=True)


if __name__ == "__main__":
    main()
