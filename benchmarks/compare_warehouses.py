"""Compare two DuckDB warehouses table by table, ignoring row order and the columns that differ
between any two runs (``elapsed_ms``, ``extracted_at``, ``meta.created_at``).

    python -m benchmarks.compare_warehouses A.duckdb B.duckdb      # exit 1 and a diff when they differ
    python -m benchmarks.compare_warehouses --build DOCS A B        # first build A with `main`'s code
                                                                    # (OGI_MAIN, default /work/main) and B
                                                                    # with this checkout's, 2 workers

Used to check that a change to the batch machinery stores exactly what ``main`` stores.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

VOLATILE = {"elapsed_ms", "extracted_at"}
ROOT = Path(__file__).resolve().parent.parent


def table_rows(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], Counter[tuple[Any, ...]]]:
    cols = [str(r[0]) for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table]).fetchall() if str(r[0]) not in VOLATILE]
    sel = ", ".join(f'"{c}"' for c in cols)
    where = " WHERE key <> 'created_at'" if table == "meta" else ""
    rows = con.execute(f'SELECT {sel} FROM "{table}"{where}').fetchall()
    return cols, Counter(tuple(tuple(v) if isinstance(v, list) else v for v in r) for r in rows)


def compare(a: Path, b: Path, show: int = 5) -> list[str]:
    """Differences between warehouses ``a`` and ``b`` (empty: the same contents)."""
    ca, cb = duckdb.connect(str(a), read_only=True), duckdb.connect(str(b), read_only=True)
    try:
        names = "SELECT table_name, table_type FROM information_schema.tables ORDER BY 1"
        ta, tb = ca.execute(names).fetchall(), cb.execute(names).fetchall()
        if ta != tb:
            return [f"tables differ: {ta} vs {tb}"]
        out: list[str] = []
        for name, _kind in ta:
            cols_a, rows_a = table_rows(ca, name)
            cols_b, rows_b = table_rows(cb, name)
            if cols_a != cols_b:
                out.append(f"{name}: columns differ: {cols_a} vs {cols_b}")
                continue
            if rows_a != rows_b:
                only_a, only_b = rows_a - rows_b, rows_b - rows_a
                out.append(f"{name}: {sum(only_a.values())} rows only in {a}, {sum(only_b.values())} only in {b}")
                out += [f"  - {r}" for r in list(only_a)[:show]] + [f"  + {r}" for r in list(only_b)[:show]]
        return out
    finally:
        ca.close()
        cb.close()


def build(docs: Path, out: Path, checkout: Path) -> None:
    out.unlink(missing_ok=True)
    code = (f"import sys; from extractor.batch import run_batch; s = run_batch([{str(docs)!r}], {str(out)!r}, workers=2); "
            "print(s.line(), file=sys.stderr)")
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=checkout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", metavar="DOCS", type=Path, help="build A with main's code and B with this checkout's")
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.build:
        build(args.build, args.a, Path(os.environ.get("OGI_MAIN", "/work/main")))
        build(args.build, args.b, ROOT)
    diffs = compare(args.a, args.b)
    print("\n".join(diffs) if diffs else f"same contents: {args.a} = {args.b}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
