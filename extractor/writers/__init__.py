"""Warehouse sinks for batch runs: DuckDB (default), Parquet, CSV, JSON Lines.

Every sink follows :class:`~extractor.writers.base.Writer` (``start`` → ``write``… → ``set_keys`` →
``finish``) and stores the same four tables (:mod:`extractor.writers.schema`). Pick one by name or by
the output's extension with :func:`open_writer` (an unknown name is refused: ``unknown_output``);
read any of them back with :func:`load_tables` or query them with
:func:`extractor.writers.queries.connect_any`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from extractor.errors import UnknownOutput, WarehouseError
from extractor.writers.base import Record, Writer
from extractor.writers.schema import TABLE_NAMES, WAREHOUSE_SCHEMA_VERSION, canonical_keys

# name -> "module:class", imported on first use (DuckDB is a heavy import)
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
    """The format named by ``fmt``, else by the extension of ``out``.

    A name without an extension is a DuckDB file, or (an existing folder) the format of the table
    files inside it. Anything else (``x.xlsx``) is refused with ``unknown_output``.
    """
    if fmt:
        if fmt not in WRITERS:
            raise UnknownOutput(f"unknown warehouse format {fmt!r} (choose from {', '.join(WRITERS)})", source=str(out))
        return fmt
    p = Path(out)
    suffix = p.suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if p.is_dir():
        for name in WRITERS:
            if name != "duckdb" and (p / f"reports.{name}").exists():
                return name
        raise UnknownOutput(f"{p} is a folder: name the format of its tables with --warehouse-format "
                            f"({', '.join(n for n in WRITERS if n != 'duckdb')})", source=str(p))
    if suffix == "":
        return "duckdb"
    raise UnknownOutput(f"ogi does not write {suffix!r} files: give a name ending in "
                        f"{', '.join(sorted(EXTENSIONS))} (or a folder with --warehouse-format)", source=str(p))


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
    """Read a warehouse back as ``{table: [row dicts]}``, with the same Python types for every format
    (``int`` counts, ``Decimal`` amounts, ``date``/``datetime``, lists)."""
    from extractor.writers.queries import connect_any
    from extractor.writers.schema import PRIMARY_KEYS

    con = connect_any(out, fmt)
    result: dict[str, list[dict[str, Any]]] = {}
    try:
        for table in TABLE_NAMES:
            cur = con.execute(f"SELECT * FROM {table} ORDER BY {', '.join(PRIMARY_KEYS[table])}")
            cols = [d[0] for d in cur.description or ()]
            result[table] = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
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
    "UnknownOutput",
    "WarehouseError",
    "Writer",
    "canonical_keys",
    "format_for",
    "load_tables",
    "open_writer",
    "writer_class",
]
