"""The warehouse layout shared by every output format (see ``docs/warehouse.md``).

Four tables, the same columns and types in DuckDB, Parquet, CSV and JSON Lines:

* ``reports``  — one row per document (identified by the sha256 of its bytes), with its
  ``report_key`` (organ + year) and ``duplicate_of`` (the canonical document of that key);
* ``figures``  — long form, one row per printed figure;
* ``findings`` — one row per failed or noteworthy check;
* ``sections`` — the numbered sections' headings and texts (what ``ogi audit`` reads).

Counts are ``BIGINT`` and money (the 万元 columns of table 2) ``DECIMAL(18,4)``: a figure has
``value`` (a count) or ``amount`` (money), never a float. ``report_figures`` (a view) has one row
per canonical report and one column per canonical flat key, named with ``_`` for ``.``
(``t3_granted_total``) so that SQL needs no quoting.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Literal, NamedTuple

from extractor.template import (
    T2_COLUMNS_2019,
    T2_COLUMNS_2021,
    T2_DECIMAL_COLUMNS,
    T3_COLUMNS,
    T3_ROWS,
    T4_COLUMNS,
    T4_GROUPS,
)

WAREHOUSE_SCHEMA_VERSION = "2.0"
"""Bump the minor part when columns are added (old databases get them with ALTER TABLE ADD COLUMN);
the major part when a change needs a migration (:mod:`extractor.writers.migrate`). 2.0: exact types
(BIGINT counts, DECIMAL money), keys and NOT NULL, report_key/duplicate_of, sections,
published_source, url, status ``partial``."""

ColumnType = Literal["VARCHAR", "DOUBLE", "BIGINT", "DECIMAL(18,4)", "BOOLEAN", "VARCHAR[]", "TIMESTAMP", "DATE"]
DECIMAL: ColumnType = "DECIMAL(18,4)"

STATUSES: tuple[str, ...] = ("ok", "findings", "partial", "failed")
"""``ok``: extracted, no error-severity finding; ``findings``: extracted, an error-severity check
fails; ``partial``: a table the template requires is missing or unreadable (``table.missing`` /
``table.unreadable`` findings); ``failed``: nothing extracted (``error_code`` says why)."""


class Column(NamedTuple):
    name: str
    type: ColumnType
    required: bool = False
    """NOT NULL."""


REPORTS: tuple[Column, ...] = (
    Column("sha256", "VARCHAR", True),
    Column("report_key", "VARCHAR"),
    Column("duplicate_of", "VARCHAR"),
    Column("paths", "VARCHAR[]", True),
    Column("url", "VARCHAR"),
    Column("reader", "VARCHAR"),
    Column("title", "VARCHAR"),
    Column("organ", "VARCHAR"),
    Column("organ_in_title", "VARCHAR"),
    Column("report_year", "BIGINT"),
    Column("year_confirmed", "BOOLEAN"),
    Column("published", "DATE"),
    Column("published_source", "VARCHAR"),
    Column("template", "VARCHAR"),
    Column("page_count", "BIGINT"),
    Column("status", "VARCHAR", True),
    Column("error_code", "VARCHAR"),
    Column("error_message", "VARCHAR"),
    Column("n_figures", "BIGINT", True),
    Column("n_findings", "BIGINT", True),
    Column("n_errors", "BIGINT", True),
    Column("n_sections", "BIGINT"),
    Column("elapsed_ms", "DOUBLE"),
    Column("extractor_version", "VARCHAR"),
    Column("schema_version", "VARCHAR"),
    Column("extracted_at", "TIMESTAMP", True),
)

FIGURES: tuple[Column, ...] = (
    Column("sha256", "VARCHAR", True),
    Column("key", "VARCHAR", True),
    Column("value", "BIGINT"),
    Column("amount", DECIMAL),
    Column("state", "VARCHAR", True),
    Column("raw", "VARCHAR"),
    Column("unit", "VARCHAR"),
    Column("inferred", "BOOLEAN", True),
    Column("page", "BIGINT"),
    Column("table_index", "BIGINT"),
    Column("row_index", "BIGINT"),
    Column("col_index", "BIGINT"),
    Column("line", "BIGINT"),
)

FINDINGS: tuple[Column, ...] = (
    Column("sha256", "VARCHAR", True),
    Column("finding_no", "BIGINT", True),
    Column("code", "VARCHAR", True),
    Column("severity", "VARCHAR", True),
    Column("message", "VARCHAR"),
    Column("expression", "VARCHAR"),
    Column("expected", "BIGINT"),
    Column("actual", "BIGINT"),
    Column("expected_amount", DECIMAL),
    Column("actual_amount", DECIMAL),
    Column("cells", "VARCHAR[]"),
)

SECTIONS: tuple[Column, ...] = (
    Column("sha256", "VARCHAR", True),
    Column("position", "BIGINT", True),
    Column("number", "BIGINT", True),
    Column("heading", "VARCHAR"),
    Column("text", "VARCHAR"),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "reports": REPORTS, "figures": FIGURES, "findings": FINDINGS, "sections": SECTIONS,
}
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
DOCUMENT_TABLES: tuple[str, ...] = ("figures", "findings", "sections")
"""Tables with several rows per document (written before the ``reports`` row, which commits it)."""
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "reports": ("sha256",), "figures": ("sha256", "key"), "findings": ("sha256", "finding_no"),
    "sections": ("sha256", "position"),
}

MONEY_KEYS: frozenset[str] = frozenset(f"t2.{item}.{col}" for item, col in T2_DECIMAL_COLUMNS)
"""Flat keys whose figure is money (万元): stored in ``figures.amount``."""

DUP_CONFLICT = "dup.conflict"
"""Finding code: two documents of one report_key print different figures."""


def column_names(table: str) -> list[str]:
    return [c.name for c in TABLES[table]]


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


def wide_column(key: str) -> str:
    """The ``report_figures`` column of a flat key: ``t3.granted.total`` → ``t3_granted_total``."""
    return key.replace(".", "_")


BIGINT_MAX = 2**63 - 1
DECIMAL_MAX = Decimal(10) ** 14
_SCALE = Decimal("0.0001")


def exact_number(key: str, v: int | float | Decimal | None, *, money: bool | None = None) -> tuple[int | None, Decimal | None]:
    """``(count, amount)`` for a number: a count is an ``int`` (BIGINT), money a ``Decimal`` (DECIMAL(18,4)).

    Money is the 万元 columns of table 2 (``money`` overrides); anything that is not a whole number
    is money too. A number out of the column's range (a cell may print up to 300 digits) is stored
    as NULL: its printed text stays in ``raw``.
    """
    if v is None or isinstance(v, bool):
        return None, None
    if isinstance(v, float) and not math.isfinite(v):
        return None, None
    if isinstance(v, Decimal) and not v.is_finite():
        return None, None
    is_money = (key in MONEY_KEYS) if money is None else money
    if not is_money and (isinstance(v, int) or v == int(v)):
        n = int(v)
        return (n, None) if -BIGINT_MAX <= n <= BIGINT_MAX else (None, None)
    d = v if isinstance(v, Decimal) else Decimal(str(v))
    if abs(d) >= DECIMAL_MAX:
        return None, None
    return None, d.quantize(_SCALE)
