"""Warehouse sinks for batch runs: DuckDB (default), Parquet, CSV, JSON Lines.

Every sink follows :class:`~extractor.writers.base.Writer` (``start`` → ``write``… → ``finish``) and
stores the same three tables (:mod:`extractor.writers.schema`). Pick one by name or by the output's
extension with :func:`open_writer`; read any of them back with :func:`load_tables`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from extractor.writers.base import Record, WarehouseError, Writer
from extractor.writers.schema import TABLE_NAMES, WAREHOUSE_SCHEMA_VERSION, canonical_keys

# name -> "module:class", imported on first use (DuckDB and pyarrow are heavy imports)
WRITERS: dict[str, str] = {
    "duckdb": "extractor.writers.duckdb_writer:DuckDBWriter",
    "parquet": "extractor.writers.files:ParquetWriter",
    "csv": "extractor.writers.files:CSVWriter",
    "jsonl": "extractor.writers.files:JSONLWriter",
}
EXTENSIONS: dict[str, str] = {
    ".duckdb": "duckdb",
    ".ddb": "duckdb",
    ".db": "duckdb",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def format_for(out: str | Path, fmt: str | None = None) -> str:
    """The format named by ``fmt``, else by the extension of ``out`` (default ``duckdb``)."""
    if fmt:
        if fmt not in WRITERS:
            raise WarehouseError(f"unknown output format {fmt!r} (choose from {', '.join(WRITERS)})")
        return fmt
    return EXTENSIONS.get(Path(out).suffix.lower(), "duckdb")


def writer_class(fmt: str) -> type[Any]:
    module, name = WRITERS[fmt].split(":")
    cls: type[Any] = getattr(importlib.import_module(module), name)
    return cls


def open_writer(out: str | Path, fmt: str | None = None) -> Writer:
    writer: Writer = writer_class(format_for(out, fmt))(Path(out))
    return writer


def __getattr__(name: str) -> Any:
    for target in WRITERS.values():
        if target.endswith(f":{name}"):
            module, _ = target.split(":")
            return getattr(importlib.import_module(module), name)
    raise AttributeError(name)


def load_tables(out: str | Path, fmt: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Read a warehouse back as ``{table: [row dicts]}``, with the same Python types for every format."""
    out = Path(out)
    kind = format_for(out, fmt)
    result: dict[str, list[dict[str, Any]]] = {}
    if kind == "duckdb":
        import duckdb

        con = duckdb.connect(str(out), read_only=True)
        try:
            for table in TABLE_NAMES:
                cur = con.execute(f"SELECT * FROM {table}")
                cols = [d[0] for d in cur.description or ()]
                result[table] = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
        finally:
            con.close()
        return result
    from extractor.writers.files import CSVWriter, ParquetWriter, decode_row, read_jsonl, table_path

    if kind == "jsonl":
        for table in TABLE_NAMES:
            result[table] = list(read_jsonl(table_path(out, "jsonl", table), table))
        return result
    reader = ParquetWriter(out) if kind == "parquet" else CSVWriter(out)

    for table in TABLE_NAMES:
        path = table_path(out, reader.ext, table)
        result[table] = [decode_row(table, r) for r in reader._read(path, table).to_pylist()] if path.exists() else []
    return result


__all__ = [
    "EXTENSIONS",
    "TABLE_NAMES",
    "WAREHOUSE_SCHEMA_VERSION",
    "WRITERS",
    "CSVWriter",
    "DuckDBWriter",
    "JSONLWriter",
    "ParquetWriter",
    "Record",
    "WarehouseError",
    "Writer",
    "canonical_keys",
    "format_for",
    "load_tables",
    "open_writer",
    "writer_class",
]
