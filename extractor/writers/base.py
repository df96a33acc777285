"""The writer protocol (start → write… → finish), the record shape and the format registry."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any, Protocol, TypedDict

import pyarrow as pa

from extractor.errors import OgiError
from extractor.writers.schema import TABLES, ColumnType


class Record(TypedDict):
    """Everything stored for one document: its ``reports`` row and its ``figures``/``findings`` rows."""

    report: dict[str, Any]
    figures: list[dict[str, Any]]
    findings: list[dict[str, Any]]


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


_ARROW: dict[ColumnType, pa.DataType] = {
    "VARCHAR": pa.string(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "VARCHAR[]": pa.list_(pa.string()),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(name, _ARROW[typ]) for name, typ in TABLES[table]])


def to_arrow(table: str, rows: Sequence[dict[str, Any]]) -> pa.Table:
    schema = arrow_schema(table)
    arrays = [pa.array([r.get(name) for r in rows], type=schema.field(name).type) for name, _ in TABLES[table]]
    return pa.Table.from_arrays(arrays, schema=schema)
