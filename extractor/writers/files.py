"""File sinks: Parquet, CSV and JSON Lines, one file per table.

Naming: ``--out results.parquet`` writes ``results.reports.parquet``, ``results.figures.parquet`` and
``results.findings.parquet``; an ``--out`` without the format's extension is a directory holding
``reports.parquet`` etc.

Parquet and CSV stream the long tables into hidden temporary files and publish all three with
``os.replace`` at :meth:`finish` (``reports`` last): a run that is killed leaves the previous
output untouched, and the next run redoes the lost work. JSON Lines appends each document as it
is written (figures and findings first, the ``reports`` line last, flushed), so a killed run keeps
what it stored; on the next start, rows whose document has no ``reports`` line and a torn last
line are dropped.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from extractor.writers.base import (
    Record,
    Rows,
    WarehouseError,
    arrow_schema,
    as_rows,
    concat_columns,
    row_count,
    to_arrow,
)
from extractor.writers.schema import TABLE_NAMES, TABLES

_FLUSH_ROWS = 20_000


def table_path(out: Path, ext: str, table: str) -> Path:
    if out.name.endswith(f".{ext}"):
        return out.with_name(f"{out.name[: -len(ext) - 1]}.{table}.{ext}")
    return out / f"{table}.{ext}"


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def _list_columns(table: str) -> list[str]:
    return [n for n, t in TABLES[table] if t == "VARCHAR[]"]


def decode_row(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """Turn a row read from text (CSV or JSON) back into Python types."""
    out: dict[str, Any] = {}
    for name, typ in TABLES[table]:
        v = row.get(name)
        if v is not None:
            if typ == "VARCHAR[]" and isinstance(v, str):
                v = json.loads(v)
            elif typ == "TIMESTAMP" and isinstance(v, str):
                v = datetime.fromisoformat(v)
            elif typ == "DATE" and isinstance(v, str):
                v = date.fromisoformat(v)
            elif typ == "DOUBLE" and isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
        out[name] = v
    return out


class _ArrowFileWriter:
    """Shared logic of the Parquet and CSV sinks (publish at finish)."""

    name = ""
    ext = ""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._reports: dict[str, dict[str, Any]] = {}
        self._sinks: dict[str, Any] = {}
        self._buffers: dict[str, list[Rows]] = {"figures": [], "findings": []}
        self._buffered: dict[str, int] = {"figures": 0, "findings": 0}

    # format hooks
    def _read(self, path: Path, table: str) -> pa.Table:
        raise NotImplementedError

    def _open(self, path: Path, table: str) -> Any:
        raise NotImplementedError

    def _to_file(self, table: str, data: pa.Table) -> pa.Table:
        return data

    def _path(self, table: str) -> Path:
        return table_path(self.out, self.ext, table)

    def start(self, replace: Collection[str] = ()) -> dict[str, list[str]]:
        drop = set(replace)
        self._path("reports").parent.mkdir(parents=True, exist_ok=True)
        final = self._path("reports")
        if final.exists():
            for row in self._read(final, "reports").to_pylist():
                row = decode_row("reports", row)
                if row["sha256"] not in drop:
                    self._reports[row["sha256"]] = row
        for table in ("figures", "findings"):
            sink = self._open(_tmp(self._path(table)), table)
            self._sinks[table] = sink
            if self._path(table).exists():
                old = self._read(self._path(table), table)
                keep = [decode_row(table, r) for r in old.to_pylist() if r["sha256"] in self._reports]
                if keep:
                    sink.write_table(self._to_file(table, to_arrow(table, keep)))
        return {sha: list(row["paths"] or []) for sha, row in self._reports.items()}

    def write(self, records: Sequence[Record]) -> None:
        for rec in records:
            self._reports[rec["report"]["sha256"]] = dict(rec["report"])
            for table in ("figures", "findings"):
                rows: Rows = rec[table]
                self._buffers[table].append(rows)
                self._buffered[table] += row_count(rows)
        for table, n in self._buffered.items():
            if n >= _FLUSH_ROWS:
                self._flush(table)

    def _flush(self, table: str) -> None:
        if self._buffered[table]:
            data = to_arrow(table, concat_columns(table, self._buffers[table]))
            self._sinks[table].write_table(self._to_file(table, data))
        self._buffers[table] = []
        self._buffered[table] = 0

    def add_paths(self, sha256: str, paths: Sequence[str]) -> None:
        row = self._reports.get(sha256)
        if row is not None:
            row["paths"] = sorted({*(row["paths"] or []), *paths})

    def finish(self) -> None:
        if not self._sinks:
            return
        for table in ("figures", "findings"):
            self._flush(table)
            self._sinks[table].close()
        reports_tmp = _tmp(self._path("reports"))
        sink = self._open(reports_tmp, "reports")
        sink.write_table(self._to_file("reports", to_arrow("reports", list(self._reports.values()))))
        sink.close()
        for table in ("figures", "findings", "reports"):
            os.replace(_tmp(self._path(table)), self._path(table))
        self._sinks = {}


class ParquetWriter(_ArrowFileWriter):
    name = "parquet"
    ext = "parquet"

    def _read(self, path: Path, table: str) -> pa.Table:
        try:
            return pq.read_table(path)
        except (pa.ArrowException, OSError) as exc:
            raise WarehouseError(f"cannot read {path}: {exc}", source=str(path)) from exc

    def _open(self, path: Path, table: str) -> Any:
        return pq.ParquetWriter(str(path), arrow_schema(table), compression="zstd")


def _csv_schema(table: str) -> pa.Schema:
    schema = arrow_schema(table)
    for name in _list_columns(table):
        schema = schema.set(schema.get_field_index(name), pa.field(name, pa.string()))
    return schema


class _CSVSink:
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self._w = pacsv.CSVWriter(str(path), schema)

    def write_table(self, data: pa.Table) -> None:
        self._w.write_table(data)

    def close(self) -> None:
        self._w.close()


class CSVWriter(_ArrowFileWriter):
    """CSV, UTF-8; list columns (``paths``, ``cells``) are JSON arrays in a string."""

    name = "csv"
    ext = "csv"

    def _read(self, path: Path, table: str) -> pa.Table:
        opts = pacsv.ConvertOptions(column_types=_csv_schema(table), strings_can_be_null=True,
                                    quoted_strings_can_be_null=False)
        try:
            return pacsv.read_csv(path, convert_options=opts)
        except (pa.ArrowException, OSError) as exc:
            raise WarehouseError(f"cannot read {path}: {exc}", source=str(path)) from exc

    def _open(self, path: Path, table: str) -> Any:
        return _CSVSink(path, _csv_schema(table))

    def _to_file(self, table: str, data: pa.Table) -> pa.Table:
        for name in _list_columns(table):
            idx = data.schema.get_field_index(name)
            encoded = [None if v is None else json.dumps(v, ensure_ascii=False) for v in data.column(name).to_pylist()]
            data = data.set_column(idx, pa.field(name, pa.string()), pa.array(encoded, pa.string()))
        return data


def _json_default(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    raise TypeError(f"not JSON serialisable: {type(v).__name__}")


def _dumps(table: str, row: dict[str, Any]) -> str:
    return json.dumps({n: row.get(n) for n, _ in TABLES[table]}, ensure_ascii=False, default=_json_default)


def read_jsonl(path: Path, table: str) -> Iterator[dict[str, Any]]:
    """Rows of a JSON Lines table; a torn (unterminated or unparsable) line is skipped."""
    if not path.exists():
        return
    with path.open("rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # torn last line of a killed run
            try:
                yield decode_row(table, json.loads(raw))
            except (ValueError, TypeError):
                continue


class JSONLWriter:
    """JSON Lines with per-document flush; the ``reports`` line is written last (the commit mark)."""

    name = "jsonl"
    ext = "jsonl"

    def __init__(self, out: Path) -> None:
        self.out = out
        self._fh: dict[str, IO[str]] = {}
        self._reports: dict[str, dict[str, Any]] = {}
        self._paths_changed = False

    def _path(self, table: str) -> Path:
        return table_path(self.out, self.ext, table)

    def start(self, replace: Collection[str] = ()) -> dict[str, list[str]]:
        drop = set(replace)
        self._path("reports").parent.mkdir(parents=True, exist_ok=True)
        self._reports = {r["sha256"]: r for r in read_jsonl(self._path("reports"), "reports") if r["sha256"] not in drop}
        # Rewrite every table without torn lines, replaced documents and orphans of a killed run.
        for table in TABLE_NAMES:
            rows: Iterator[dict[str, Any]] = (
                iter(self._reports.values()) if table == "reports"
                else (r for r in read_jsonl(self._path(table), table) if r["sha256"] in self._reports)
            )
            tmp = _tmp(self._path(table))
            with tmp.open("w", encoding="utf-8") as fh:
                for r in rows:
                    fh.write(_dumps(table, r) + "\n")
            os.replace(tmp, self._path(table))
        self._fh = {t: self._path(t).open("a", encoding="utf-8") for t in TABLE_NAMES}
        return {sha: list(r["paths"] or []) for sha, r in self._reports.items()}

    def write(self, records: Sequence[Record]) -> None:
        for rec in records:
            for table in ("figures", "findings"):
                rows = as_rows(table, rec[table])
                if rows:
                    self._fh[table].write("".join(_dumps(table, r) + "\n" for r in rows))
                    self._fh[table].flush()
            self._fh["reports"].write(_dumps("reports", rec["report"]) + "\n")
            self._fh["reports"].flush()
            self._reports[rec["report"]["sha256"]] = dict(rec["report"])
        with contextlib.suppress(OSError):
            os.fsync(self._fh["reports"].fileno())

    def add_paths(self, sha256: str, paths: Sequence[str]) -> None:
        row = self._reports.get(sha256)
        if row is not None:
            row["paths"] = sorted({*(row["paths"] or []), *paths})
            self._paths_changed = True

    def finish(self) -> None:
        for fh in self._fh.values():
            fh.close()
        self._fh = {}
        if self._paths_changed:
            tmp = _tmp(self._path("reports"))
            with tmp.open("w", encoding="utf-8") as fh:
                for r in self._reports.values():
                    fh.write(_dumps("reports", r) + "\n")
            os.replace(tmp, self._path("reports"))
