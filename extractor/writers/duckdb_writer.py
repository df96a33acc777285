"""The default sink: one embedded DuckDB file.

Crash safety comes from DuckDB's write-ahead log: every :meth:`DuckDBWriter.write` call is one
transaction that deletes and inserts whole documents, so a process killed at any moment leaves
each document either fully stored or absent. Resuming reads the ``reports`` hashes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from extractor.writers.base import Record, WarehouseError, concat_columns, to_arrow
from extractor.writers.schema import TABLE_NAMES, TABLES, WAREHOUSE_SCHEMA_VERSION, canonical_keys

_REPORT_VIEW_COLUMNS = ("sha256", "organ", "report_year", "template", "status")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and columns, check the schema version, (re)create the wide view."""
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    stored = row[0] if row else None
    if stored is not None and stored.split(".")[0] != WAREHOUSE_SCHEMA_VERSION.split(".")[0]:
        raise WarehouseError(
            f"the database has warehouse schema {stored}; this extractor writes {WAREHOUSE_SCHEMA_VERSION} "
            "(use a new --out file)"
        )
    for table in TABLE_NAMES:
        cols = ", ".join(f"{_ident(n)} {t}" for n, t in TABLES[table])
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
        for name, typ in TABLES[table]:
            if name not in have:  # an older minor schema: add the column, old rows read NULL
                con.execute(f"ALTER TABLE {table} ADD COLUMN {_ident(name)} {typ}")
    if stored is None or _newer(WAREHOUSE_SCHEMA_VERSION, stored):
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [WAREHOUSE_SCHEMA_VERSION])
    if stored is None:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('created_at', ?)", [datetime.now(UTC).isoformat()])
    con.execute(wide_view_sql())


def _newer(a: str, b: str) -> bool:
    def parse(v: str) -> tuple[int, ...]:
        return tuple(int(p) for p in v.split(".") if p.isdigit())

    return parse(a) > parse(b)


def wide_view_sql(keys: Sequence[str] | None = None) -> str:
    """``report_figures``: one row per report, one DOUBLE column per canonical flat key."""
    keys = list(keys) if keys is not None else canonical_keys()
    pivots = ",\n  ".join(f"max(value) FILTER (WHERE key = {_lit(k)}) AS {_ident(k)}" for k in keys)
    head = ", ".join(f"r.{c}" for c in _REPORT_VIEW_COLUMNS)
    picked = ", ".join(f"f.{_ident(k)}" for k in keys)
    return (
        "CREATE OR REPLACE VIEW report_figures AS\n"
        f"SELECT {head}, {picked}\nFROM reports r LEFT JOIN (\n"
        f"  SELECT sha256,\n  {pivots}\n  FROM figures GROUP BY sha256\n) f ON f.sha256 = r.sha256"
    )


class DuckDBWriter:
    name = "duckdb"

    def __init__(self, out: Path) -> None:
        self.out = out
        self._con: duckdb.DuckDBPyConnection | None = None
        self._replace: set[str] = set()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise WarehouseError("the writer is not started")
        return self._con

    def start(self, replace: Collection[str] = ()) -> dict[str, list[str]]:
        if self.out.parent and not self.out.parent.exists():
            self.out.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.out))
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open {self.out} as DuckDB: {exc}", source=str(self.out)) from exc
        ensure_schema(self.con)
        # --force: old rows are deleted inside the transaction that writes the new ones, so a crash
        # between the two never loses the old version.
        known: dict[str, list[str]] = {
            sha: list(paths or []) for sha, paths in self.con.execute("SELECT sha256, paths FROM reports").fetchall()
        }
        self._replace = {k for k in replace if k in known}
        return {k: v for k, v in known.items() if k not in self._replace}

    def write(self, records: Sequence[Record]) -> None:
        if not records:
            return
        con = self.con
        shas = [r["report"]["sha256"] for r in records]
        tables: dict[str, Any] = {
            "reports": to_arrow("reports", [r["report"] for r in records]),
            "figures": to_arrow("figures", concat_columns("figures", (r["figures"] for r in records))),
            "findings": to_arrow("findings", concat_columns("findings", (r["findings"] for r in records))),
        }
        # Only documents being replaced (--force) can have rows: new hashes were not in `reports`, and
        # transactions never leave figures without their report.
        stale = [s for s in shas if s in self._replace]
        con.execute("BEGIN TRANSACTION")
        try:
            if stale:
                for table in TABLE_NAMES:
                    con.execute(f"DELETE FROM {table} WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [stale])
            for table in ("figures", "findings", "reports"):
                if tables[table].num_rows:
                    con.register("_ogi_new", tables[table])
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _ogi_new")
                    con.unregister("_ogi_new")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def add_paths(self, sha256: str, paths: Sequence[str]) -> None:
        self.con.execute(
            "UPDATE reports SET paths = list_sort(list_distinct(list_concat(paths, ?::VARCHAR[]))) WHERE sha256 = ?",
            [list(paths), sha256],
        )

    def finish(self) -> None:
        if self._con is not None:
            self._con.execute("CHECKPOINT")
            self._con.close()
            self._con = None


def connect(path: str | Path, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open a warehouse for querying (the wide view is recreated unless read-only)."""
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        ensure_schema(con)
    return con
