"""The writer protocol (start → write… → set_keys → finish) and the record shape."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TypedDict

from extractor.errors import WarehouseError, WarehouseLocked
from extractor.writers.schema import TABLES

Rows = list[dict[str, Any]] | dict[str, list[Any]]
"""Rows of one table: a list of row dicts, or (packed, cheaper to pickle) a dict of equal-length columns."""


class Record(TypedDict, total=False):
    """Everything stored for one document: its ``reports`` row and its figure, finding and section rows.

    ``sections`` may be missing (records built by older code): no rows.
    """

    report: dict[str, Any]
    figures: Rows
    findings: Rows
    sections: Rows


KeyAssignment = Mapping[str, tuple[str | None, str | None]]
"""sha256 → (report_key, duplicate_of) for every stored document."""


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

    def report_rows(self) -> list[dict[str, Any]]:
        """Every stored ``reports`` row (the columns the duplicate rule reads)."""
        ...

    def figure_values(self, shas: Collection[str]) -> dict[str, dict[str, Any]]:
        """``sha256 → {flat key: value or amount}`` for these documents."""
        ...

    def set_keys(self, keys: KeyAssignment, conflicts: Sequence[dict[str, Any]]) -> None:
        """Store report keys and duplicates, and replace every ``dup.conflict`` finding with ``conflicts``."""
        ...

    def finish(self) -> None:
        """Flush and close (file formats publish their files here)."""
        ...


def row_count(rows: Rows) -> int:
    if isinstance(rows, dict):
        return len(next(iter(rows.values()), []))
    return len(rows)


def as_columns(table: str, rows: Rows) -> dict[str, list[Any]]:
    """Packed form: ``{column: [values]}`` with every column of ``table``."""
    if isinstance(rows, dict):
        n = row_count(rows)
        return {c.name: rows.get(c.name) or [None] * n for c in TABLES[table]}
    return {c.name: [r.get(c.name) for r in rows] for c in TABLES[table]}


def as_rows(table: str, rows: Rows) -> list[dict[str, Any]]:
    if not isinstance(rows, dict):
        return rows
    cols = as_columns(table, rows)
    names = list(cols)
    return [dict(zip(names, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def concat_columns(table: str, parts: Iterable[Rows]) -> dict[str, list[Any]]:
    names = [c.name for c in TABLES[table]]
    out: dict[str, list[Any]] = {n: [] for n in names}
    for part in parts:
        if isinstance(part, dict) and all(isinstance(part.get(n), list) for n in names):  # packed by a worker: every column
            for n in names:
                out[n] += part[n]
        elif isinstance(part, list) and not part:
            continue
        else:
            for name, values in as_columns(table, part).items():
                out[name] += values
    return out


def record_rows(rec: Record, table: str) -> Rows:
    """The rows of ``table`` in a record (``report`` is one row)."""
    if table == "reports":
        return [rec["report"]]
    rows: Rows | None = rec.get(table)  # type: ignore[assignment]
    return rows if rows is not None else []


def number_of(row: Mapping[str, Any]) -> int | Decimal | None:
    """A figure row's number: ``value`` (count) or ``amount`` (money)."""
    v = row.get("value")
    return v if v is not None else row.get("amount")


def lock_error(path: Path, detail: str = "") -> WarehouseLocked:
    tail = f" ({detail})" if detail else ""
    return WarehouseLocked(f"another process is writing {path}{tail}; wait for it to finish or write to another file",
                           source=str(path))


__all__ = [
    "KeyAssignment",
    "Record",
    "Rows",
    "WarehouseError",
    "Writer",
    "as_columns",
    "as_rows",
    "concat_columns",
    "lock_error",
    "number_of",
    "record_rows",
    "row_count",
]
