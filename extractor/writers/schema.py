"""The warehouse layout shared by every output format (see ``docs/warehouse.md``).

Three tables, the same columns in DuckDB, Parquet, CSV and JSON Lines:

* ``reports``  — one row per document (identified by the sha256 of its bytes);
* ``figures``  — long form, one row per printed figure;
* ``findings`` — one row per failed or noteworthy cross-check.

``report_figures`` (DuckDB only) is a view with one row per report and one column per canonical
flat key; it is recreated on every open, so new keys never need a migration.
"""

from __future__ import annotations

from typing import Literal

from extractor.template import T2_COLUMNS_2019, T2_COLUMNS_2021, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS

WAREHOUSE_SCHEMA_VERSION = "1.0"
"""Bump the minor part when columns are added (old databases get them with ALTER TABLE ADD COLUMN);
the major part when a change is incompatible."""

ColumnType = Literal["VARCHAR", "DOUBLE", "BIGINT", "BOOLEAN", "VARCHAR[]", "TIMESTAMP", "DATE"]

REPORTS: tuple[tuple[str, ColumnType], ...] = (
    ("sha256", "VARCHAR"),
    ("paths", "VARCHAR[]"),
    ("reader", "VARCHAR"),
    ("title", "VARCHAR"),
    ("organ", "VARCHAR"),
    ("organ_in_title", "VARCHAR"),
    ("report_year", "BIGINT"),
    ("year_confirmed", "BOOLEAN"),
    ("published", "DATE"),
    ("template", "VARCHAR"),
    ("page_count", "BIGINT"),
    ("status", "VARCHAR"),
    ("error_code", "VARCHAR"),
    ("error_message", "VARCHAR"),
    ("n_figures", "BIGINT"),
    ("n_findings", "BIGINT"),
    ("n_errors", "BIGINT"),
    ("elapsed_ms", "DOUBLE"),
    ("extractor_version", "VARCHAR"),
    ("schema_version", "VARCHAR"),
    ("extracted_at", "TIMESTAMP"),
)

FIGURES: tuple[tuple[str, ColumnType], ...] = (
    ("sha256", "VARCHAR"),
    ("key", "VARCHAR"),
    ("value", "DOUBLE"),
    ("state", "VARCHAR"),
    ("raw", "VARCHAR"),
    ("unit", "VARCHAR"),
    ("inferred", "BOOLEAN"),
    ("page", "BIGINT"),
    ("table_index", "BIGINT"),
    ("row_index", "BIGINT"),
    ("col_index", "BIGINT"),
    ("line", "BIGINT"),
)

FINDINGS: tuple[tuple[str, ColumnType], ...] = (
    ("sha256", "VARCHAR"),
    ("code", "VARCHAR"),
    ("severity", "VARCHAR"),
    ("message", "VARCHAR"),
    ("expression", "VARCHAR"),
    ("expected", "DOUBLE"),
    ("actual", "DOUBLE"),
    ("cells", "VARCHAR[]"),
)

TABLES: dict[str, tuple[tuple[str, ColumnType], ...]] = {"reports": REPORTS, "figures": FIGURES, "findings": FINDINGS}
TABLE_NAMES: tuple[str, ...] = ("reports", "figures", "findings")


def canonical_keys() -> list[str]:
    """Every flat key of the national templates, in template order (table 2 of both layouts, 3, 4)."""
    keys: list[str] = []
    seen: set[str] = set()
    for layout in (T2_COLUMNS_2021, T2_COLUMNS_2019):
        for item, cols in layout.items():
            for col in cols:
                k = f"t2.{item}.{col}"
                if k not in seen:
                    seen.add(k)
                    keys.append(k)
    keys.extend(f"t3.{row.key}.{col}" for row in T3_ROWS for col in T3_COLUMNS)
    keys.extend(f"t4.{group}.{col}" for group in T4_GROUPS for col in T4_COLUMNS)
    return keys
