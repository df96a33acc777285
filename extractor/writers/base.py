"""The writer protocol (start → write… → finish), the record shape and the format registry."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

from extractor.errors import OgiError
from extractor.writers.schema import TABLES, ColumnType

if TYPE_CHECKING:
    import pyarrow as pa

Rows = list[dict[str, Any]] | dict[str, list[Any]]
"""Rows of one table: a list of row dicts, or (packed, cheaper to pickle) a dict of equal-length columns."""


class Record(TypedDict):
    """Everything stored for one document: its ``reports`` row and its ``figures``/``findings`` rows."""

    report: dict[str, Any]
    figures: Rows
    findings: Rows


class WarehouseError(OgiError):
    """The output cannot be opened or written (wrong format, incompatible schema version, …)."""

    code = "warehouse_error"


class Writer(Protocol):
    """A sink for records. One :meth:`write` call is atomic for the documents it carries."""

    out: Path

    def start(self, replace: Collection[str] = ()) -> dict[str, list[str]]:
        """Open the output; return ``sha256 -> paths`` of the documents already stored.

        ``replace``: hashes that will be written again (``--force``); their old rows must not survive.
        """
        ...

    def write(self, records: Sequence[Record]) -> None:
        """Store whole documents. When this returns, they count as done."""
        ...

    def add_paths(self, sha256: str, paths: Sequence[str]) -> None:
        """Record more paths for a document that is already stored."""
        ...

    def finish(self) -> None:
        """Flush and close (file formats publish their files here)."""
        ...


def _arrow_type(typ: ColumnType) -> pa.DataType:
    import pyarrow as pa  # imported lazily: workers and `import extractor` never pay for it

    types: dict[ColumnType, pa.DataType] = {
        "VARCHAR": pa.string(),
        "DOUBLE": pa.float64(),
        "BIGINT": pa.int64(),
        "BOOLEAN": pa.bool_(),
        "VARCHAR[]": pa.list_(pa.string()),
        "TIMESTAMP": pa.timestamp("us"),
        "DATE": pa.date32(),
    }
    return types[typ]


def arrow_schema(table: str) -> pa.Schema:
    import pyarrow as pa

    return pa.schema([pa.field(name, _arrow_type(typ)) for name, typ in TABLES[table]])


def row_count(rows: Rows) -> int:
    if isinstance(rows, dict):
        return len(next(iter(rows.values()), []))
    return len(rows)


def as_columns(table: str, rows: Rows) -> dict[str, list[Any]]:
    """Packed form: ``{column: [values]}`` with every column of ``table``."""
    if isinstance(rows, dict):
        n = row_count(rows)
        return {name: rows.get(name) or [None] * n for name, _ in TABLES[table]}
    return {name: [r.get(name) for r in rows] for name, _ in TABLES[table]}


def as_rows(table: str, rows: Rows) -> list[dict[str, Any]]:
    if not isinstance(rows, dict):
        return rows
    cols = as_columns(table, rows)
    names = list(cols)
    return [dict(zip(names, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def concat_columns(table: str, parts: Iterable[Rows]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {name: [] for name, _ in TABLES[table]}
    for part in parts:
        for name, values in as_columns(table, part).items():
            out[name].extend(values)
    return out


def to_arrow(table: str, rows: Rows) -> pa.Table:
    import pyarrow as pa

    schema = arrow_schema(table)
    cols = as_columns(table, rows)
    arrays = [pa.array(cols[name], type=schema.field(name).type) for name, _ in TABLES[table]]
    return pa.Table.from_arrays(arrays, schema=schema)
