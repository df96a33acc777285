"""File sinks: Parquet, CSV and JSON Lines, one file per table.

Naming: ``--out results.parquet`` writes ``results.reports.parquet``, ``results.figures.parquet``,
``results.findings.parquet`` and ``results.sections.parquet``; an ``--out`` without the format's
extension is a directory holding ``reports.parquet`` etc.

Parquet and CSV are written by DuckDB (no pyarrow needed): rows go to a hidden staging database
beside the output (``.results.parquet.staging.duckdb``), which also holds the lock that keeps a
second writer out, and :meth:`finish` copies each table to a temporary file and publishes all of
them with ``os.replace`` (``reports`` last). A run that is killed leaves the previous output
untouched, and the next run redoes the lost work. JSON Lines appends each document as it is
written (document tables first, the ``reports`` line last, flushed), so a killed run keeps what it
stored; on the next start, rows whose document has no ``reports`` line and a torn last line are
dropped. Outputs of schema 1.x are converted when a writer opens them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import duckdb

from extractor.errors import WarehouseError
from extractor.writers.base import KeyAssignment, Record, as_rows, lock_error, number_of, record_rows
from extractor.writers.duckdb_writer import DuckDBStore, ensure_schema
from extractor.writers.schema import DOCUMENT_TABLES, DUP_CONFLICT, TABLE_NAMES, column_names, exact_number
from extractor.writers.sql import copy_to_sql, lit, typed_source

TABLE_SUFFIXES = tuple(f".{t}." for t in TABLE_NAMES)


def table_path(out: Path, ext: str, table: str) -> Path:
    if out.name.endswith(f".{ext}"):
        return out.with_name(f"{out.name[: -len(ext) - 1]}.{table}.{ext}")
    return out / f"{table}.{ext}"


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def _hidden(out: Path, ext: str, what: str) -> Path:
    """A hidden file beside the output (inside it, for a directory output)."""
    if out.name.endswith(f".{ext}"):
        return out.with_name(f".{out.name}.{what}")
    return out / f".ogi.{what}"


class _StagedWriter(DuckDBStore):
    """Parquet and CSV: a DuckDB staging database, copied out and published at :meth:`finish`."""

    name = ""
    ext = ""

    def __init__(self, out: Path) -> None:
        super().__init__()
        self.out = out
        self._staging = _hidden(out, self.ext, "staging.duckdb")

    def _path(self, table: str) -> Path:
        return table_path(self.out, self.ext, table)

    def stores_nothing(self) -> bool:
        return not self._path("reports").exists()

    def start(self, replace: Collection[str] = ()) -> dict[str, list[str]]:
        self._path("reports").parent.mkdir(parents=True, exist_ok=True)
        self._open(self._staging)  # the lock: a second writer stops here
        try:
            return self._load(replace)
        except duckdb.Error as exc:
            self._close()
            raise WarehouseError(f"cannot read {self.out}: {' '.join(str(exc).split())}", source=str(self.out)) from exc
        except BaseException:
            self._close()
            raise

    def _load(self, replace: Collection[str]) -> dict[str, list[str]]:
        """Start the staging database from the published files (any older layout converted)."""
        con = self.con
        for (view,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
            con.execute(f"DROP VIEW IF EXISTS {view}")
        for table in ("meta", *TABLE_NAMES):  # leftovers of a killed run
            con.execute(f"DROP TABLE IF EXISTS {table}")
        ensure_schema(con)
        drop = list(replace)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"INSERT OR IGNORE INTO reports SELECT * FROM {typed_source(con, self._path('reports'), self.ext, 'reports')} "
                        "WHERE sha256 NOT IN (SELECT unnest(?::VARCHAR[]))", [drop])
            for table in DOCUMENT_TABLES:
                src = typed_source(con, self._path(table), self.ext, table)
                con.execute(f"INSERT OR IGNORE INTO {table} SELECT * FROM {src} WHERE sha256 IN (SELECT sha256 FROM reports)")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self._replace = set()
        known = {sha: list(paths or []) for sha, paths in con.execute("SELECT sha256, paths FROM reports").fetchall()}
        return known

    def finish(self) -> None:
        if self._con is None:
            return
        con = self._con
        try:
            con.execute("RESET threads")  # the workers are done: the copies may use every core
            for table in (*DOCUMENT_TABLES, "reports"):
                con.execute(copy_to_sql(table, _tmp(self._path(table)), self.ext))
            for table in (*DOCUMENT_TABLES, "reports"):
                os.replace(_tmp(self._path(table)), self._path(table))
        finally:
            self._close()
            for p in (self._staging, Path(f"{self._staging}.wal")):
                with contextlib.suppress(OSError):
                    p.unlink()


class ParquetWriter(_StagedWriter):
    name = "parquet"
    ext = "parquet"


class CSVWriter(_StagedWriter):
    """CSV, UTF-8, with a header; list columns (``paths``, ``cells``) are JSON arrays in a string."""

    name = "csv"
    ext = "csv"


# ---------------------------------------------------------------------------------------------
# JSON Lines


def _json_default(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    raise TypeError(f"not JSON serialisable: {type(v).__name__}")


def _dumps(table: str, row: dict[str, Any]) -> str:
    return json.dumps({n: row.get(n) for n in column_names(table)}, ensure_ascii=False, default=_json_default)


def upgrade_row(table: str, row: dict[str, Any], counter: dict[str, int]) -> dict[str, Any]:
    """A JSON Lines row of schema 1.x in the current layout (``counter`` numbers findings per document)."""
    if table == "figures" and "amount" not in row:
        row["value"], row["amount"] = exact_number(str(row.get("key")), row.get("value"))
    elif table == "findings" and "finding_no" not in row:
        sha = str(row.get("sha256"))
        row["finding_no"] = counter.get(sha, 0)
        counter[sha] = row["finding_no"] + 1
        for name in ("expected", "actual"):
            row[name], row[f"{name}_amount"] = exact_number("", row.get(name))
    return row


def read_jsonl(path: Path, table: str) -> Iterator[dict[str, Any]]:
    """Rows of a JSON Lines table; a torn (unterminated or unparsable) line is skipped."""
    if not path.exists():
        return
    counter: dict[str, int] = {}
    with path.open("rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # torn last line of a killed run
            try:
                row = json.loads(raw)
            except ValueError:
                continue
            if isinstance(row, dict) and row.get("sha256"):
                yield upgrade_row(table, row, counter)


class JSONLWriter:
    """JSON Lines with per-document flush; the ``reports`` line is written last (the commit mark)."""

    name = "jsonl"
    ext = "jsonl"

    def __init__(self, out: Path) -> None:
        self.out = out
        self._fh: dict[str, IO[str]] = {}
        self._reports: dict[str, dict[str, Any]] = {}
        self._reports_changed = False
        self._lock: IO[bytes] | None = None

    def _path(self, table: str) -> Path:
        return table_path(self.out, self.ext, table)

    def _take_lock(self) -> None:
        path = _hidden(self.out, self.ext, "lock")
        fh = path.open("ab")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise lock_error(self.out) from exc
        self._lock = fh

    def stores_nothing(self) -> bool:
        return not self._path("reports").exists()

    def start(self, replace: Collection[str] = ()) -> dict[str, list[str]]:
        self._path("reports").parent.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            return self._load(replace)
        except BaseException:
            if self._lock is not None:
                self._lock.close()
                self._lock = None
            raise

    def _load(self, replace: Collection[str]) -> dict[str, list[str]]:
        drop = set(replace)
        self._reports = {r["sha256"]: r for r in read_jsonl(self._path("reports"), "reports") if r["sha256"] not in drop}
        # Rewrite every table without torn lines, replaced documents and orphans of a killed run.
        for table in TABLE_NAMES:
            rows: Iterator[dict[str, Any]] = (
                iter(self._reports.values()) if table == "reports"
                else (r for r in read_jsonl(self._path(table), table) if r["sha256"] in self._reports)
            )
            self._rewrite(table, rows)
        self._fh = {t: self._path(t).open("a", encoding="utf-8") for t in TABLE_NAMES}
        return {sha: list(r.get("paths") or []) for sha, r in self._reports.items()}

    def _rewrite(self, table: str, rows: Iterator[dict[str, Any]]) -> None:
        tmp = _tmp(self._path(table))
        with tmp.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(_dumps(table, r) + "\n")
        os.replace(tmp, self._path(table))

    def write(self, records: Sequence[Record]) -> None:
        for rec in records:
            # every line is made (and checked to encode) before any is written: a value that cannot
            # be stored fails the document without leaving half of it in the files
            text = {table: "".join(_dumps(table, r) + "\n" for r in as_rows(table, record_rows(rec, table)))
                    for table in (*DOCUMENT_TABLES, "reports")}
            for chunk in text.values():
                chunk.encode("utf-8")
            for table in (*DOCUMENT_TABLES, "reports"):
                if text[table]:
                    self._fh[table].write(text[table])
                    self._fh[table].flush()
            self._reports[rec["report"]["sha256"]] = json.loads(text["reports"])
        with contextlib.suppress(OSError):
            os.fsync(self._fh["reports"].fileno())

    def add_paths(self, sha256: str, paths: Sequence[str]) -> None:
        row = self._reports.get(sha256)
        if row is not None:
            row["paths"] = sorted({*(row.get("paths") or []), *paths})
            self._reports_changed = True

    def report_rows(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._reports.values()]

    def figure_values(self, shas: Collection[str]) -> dict[str, dict[str, Any]]:
        want = set(shas)
        out: dict[str, dict[str, Any]] = {s: {} for s in want}
        if "figures" in self._fh:
            self._fh["figures"].flush()
        for r in read_jsonl(self._path("figures"), "figures"):
            if r["sha256"] in want:
                v = number_of(r)
                out[r["sha256"]][r["key"]] = Decimal(str(v)) if isinstance(v, float) else v
        return out

    def set_keys(self, keys: KeyAssignment, conflicts: Sequence[dict[str, Any]]) -> None:
        for sha, (key, dup) in keys.items():
            row = self._reports.get(sha)
            if row is not None and (row.get("report_key"), row.get("duplicate_of")) != (key, dup):
                row["report_key"], row["duplicate_of"] = key, dup
                self._reports_changed = True
        fh = self._fh.pop("findings", None)
        if fh is not None:
            fh.close()
        kept = [r for r in read_jsonl(self._path("findings"), "findings") if r.get("code") != DUP_CONFLICT]
        self._rewrite("findings", iter([*kept, *conflicts]))
        if fh is not None:
            self._fh["findings"] = self._path("findings").open("a", encoding="utf-8")

    def finish(self) -> None:
        for fh in self._fh.values():
            fh.close()
        self._fh = {}
        if self._reports_changed:
            self._rewrite("reports", iter(self._reports.values()))
            self._reports_changed = False
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def warehouse_base(path: Path) -> tuple[Path, str | None]:
    """``x.reports.parquet`` (a table file named instead of the warehouse) → (``x.parquet``, ``parquet``)."""
    for ext in ("parquet", "csv", "jsonl"):
        for suffix in TABLE_SUFFIXES:
            if path.name.endswith(f"{suffix}{ext}"):
                return path.with_name(path.name[: -len(suffix) - len(ext)] + f".{ext}"), ext
    return path, None


__all__ = ["CSVWriter", "JSONLWriter", "ParquetWriter", "lit", "read_jsonl", "table_path", "warehouse_base"]
