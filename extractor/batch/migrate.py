"""``ogi migrate``: bring a warehouse written by an older ogi to the current schema, in place.

Every format is migrated the same way: a writer opens it (DuckDB converts its tables in one
transaction; the file formats are read through the conversion and published again), the report
keys and duplicates are computed, and the writer finishes. Facts the old schema never stored
(section texts, where the publication date was read) stay empty (``n_sections`` is NULL) until
the documents are re-extracted with ``ogi batch … --force``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extractor.batch.dedupe import update_dataset
from extractor.errors import WarehouseMissing, WarehouseOutdated
from extractor.writers import WAREHOUSE_SCHEMA_VERSION, format_for, open_writer
from extractor.writers.files import table_path, warehouse_base


@dataclass(slots=True)
class MigrationResult:
    path: str
    from_version: str | None
    """None when the warehouse was already current (keys are recomputed anyway)."""
    documents: int
    duplicates: int
    without_sections: int

    def line(self) -> str:
        head = (f"migrated from schema {self.from_version} to {WAREHOUSE_SCHEMA_VERSION}" if self.from_version
                else f"already at schema {WAREHOUSE_SCHEMA_VERSION}; report keys recomputed")
        tail = (f"; {self.without_sections:,} documents without section texts (re-extract with "
                f"ogi batch … --out {self.path} --force)" if self.without_sections else "")
        return (f"ogi migrate: {self.path}: {head}; {self.documents:,} documents, "
                f"{self.duplicates:,} duplicates{tail}")


def migrate(path: str | Path, fmt: str | None = None) -> MigrationResult:
    from extractor.writers.queries import connect_any

    p, named = warehouse_base(Path(path))
    kind = format_for(p, fmt or named)
    exists = p.exists() if kind == "duckdb" else table_path(p, kind, "reports").exists()
    if not exists:
        raise WarehouseMissing(f"{p}: no such warehouse", source=str(p))
    try:
        con = connect_any(p, kind)
        con.close()
        old: str | None = None
    except WarehouseOutdated:
        old = "1.x"
    writer = open_writer(p, kind)
    writer.start()
    try:
        old = getattr(writer, "migrated_from", None) or old
        dataset = update_dataset(writer)
        rows = writer.report_rows()
    finally:
        writer.finish()
    con = connect_any(p, kind)
    try:
        row = con.execute("SELECT count(*) FROM reports WHERE n_sections IS NULL AND status <> 'failed'").fetchone()
    finally:
        con.close()
    return MigrationResult(path=str(p), from_version=old, documents=len(rows), duplicates=dataset.duplicates,
                           without_sections=int(row[0]) if row else 0)
